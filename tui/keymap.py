"""The keys of the app by binding id: what config.toml's [touches] table remaps.

`myopenip touches` (tui/admin_commands.py) prints them (id, key, what it does); the app hands the table to Textual's
keymap (App.set_keymap), so F1 and the footer show the keys as remapped.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

from textual.binding import Binding
from textual.dom import DOMNode


@dataclass(frozen=True)
class BindingInfo:
    id: str
    keys: str
    description: str


def _modules():
    import screens
    import tui.toolkit.dialogs
    import tui.toolkit.widgets

    yield importlib.import_module("tui.app")
    for package in (screens, tui.toolkit.widgets, tui.toolkit.dialogs):
        for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            yield importlib.import_module(module.name)


def binding_ids() -> list[BindingInfo]:
    """Every binding with an id of the app's screens and widgets, once per id, sorted by id."""
    found: dict[str, BindingInfo] = {}
    for module in _modules():
        for value in vars(module).values():
            if not (isinstance(value, type) and issubclass(value, DOMNode)):
                continue
            for binding in value.__dict__.get("BINDINGS", ()):
                if isinstance(binding, Binding) and binding.id and binding.id not in found:
                    found[binding.id] = BindingInfo(binding.id, binding.key, binding.description)
    return sorted(found.values(), key=lambda info: info.id)


def unknown_ids(keymap: dict[str, str]) -> list[str]:
    known = {info.id for info in binding_ids()}
    return sorted(set(keymap) - known)
