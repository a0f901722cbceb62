"""The demo store: the guide's prospects and quote, and a generated book of any size."""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.core.facade import lazy_names

if TYPE_CHECKING:
    from db.demo.ids import random_iban, random_siren, random_siret
    from db.demo.seed import seed_demo
    from db.demo.store import store_is_empty

# What the rest of the app may use, and the module each name comes from.
_WHERE = {
    "random_iban": "ids",
    "random_siren": "ids",
    "random_siret": "ids",
    "seed_demo": "seed",
    "store_is_empty": "store",
}
__all__ = [
    "random_iban",
    "random_siren",
    "random_siret",
    "seed_demo",
    "store_is_empty",
]
__getattr__ = lazy_names(__name__, _WHERE)
