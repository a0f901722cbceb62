"""What each context's facade (`db/<context>/__init__.py`) is made of: the names the rest of
the app may use, each loaded from its module when first asked for (PEP 562), so importing one
module of a context does not load the whole context (start-up, tests/unit/test_startup_*)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_names(package: str, where: dict[str, str]) -> Callable[[str], Any]:
    """The module `__getattr__` of `package`'s facade: name -> the module that defines it."""

    def __getattr__(name: str) -> Any:  # noqa: N807 - a module's own __getattr__ (PEP 562)
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(importlib.import_module(package), name, value)
        return value

    return __getattr__
