"""Every place of the app: the guide's menu tree, its French labels and the screen each opens.

The menu tree and the command palette are both built from this one table, so a screen
added here is reachable by keyboard, menu and palette at once.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    key: str
    label: str  # what the user reads, as in the guide
    menu: str  # top-level menu (Entreprises, Catalogue, ...)
    group: str  # sub-heading ("GESTION DES ENTREPRISES") or ""
    target: str  # "module:ScreenClass"
    operator_only: bool = False

    def screen_class(self):
        module, _, name = self.target.partition(":")
        return getattr(importlib.import_module(module), name)


MENUS = ("Entreprises", "Catalogue", "Formulaires", "Commandes", "Mes services", "E-boutique")

PLACES: list[Place] = [
    Place(
        "prospects",
        "Prospects",
        "Entreprises",
        "GESTION DES ENTREPRISES",
        "screens.prospects:ProspectsScreen",
    ),
]


def visible_places(is_operator: bool) -> list[Place]:
    return [p for p in PLACES if is_operator or not p.operator_only]


def place(key: str) -> Place:
    return next(p for p in PLACES if p.key == key)
