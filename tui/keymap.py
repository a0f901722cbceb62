"""The keys of the app by binding id: what config.toml's [touches] table remaps.

`myopenip touches` prints them (id, key, what it does); the app hands the table to Textual's
keymap (App.set_keymap), so F1 and the footer show the keys as remapped.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

from textual.binding import Binding
from textual.dom import DOMNode

from tui.cli import command


@dataclass(frozen=True)
class BindingInfo:
    id: str
    keys: str
    description: str


def _modules():
    import screens
    import tui.toolkit.widgets

    yield importlib.import_module("tui.app")
    for package in (screens, tui.toolkit.widgets):
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


@command("touches", "liste les touches par identifiant, pour la table [touches] de config.toml")
def touches_command(args, settings) -> int:
    from screens.help import key_name

    for info in binding_ids():
        keys = settings.keymap.get(info.id, info.keys)
        shown = " / ".join(key_name(key.strip()) for key in keys.split(","))
        print(f"{info.id:<28} {shown:<18} {info.description}")
    unknown = unknown_ids(settings.keymap)
    if unknown:
        print("Identifiants inconnus dans [touches] : " + ", ".join(unknown))
        return 1
    return 0
