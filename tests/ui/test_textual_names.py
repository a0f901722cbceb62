"""Our screens and widgets never reuse a private name of the Textual class they extend.

A dialog once kept "am I closed?" in `self._closed`: Textual's message pump uses that very
attribute to stop taking messages, so the dialog refused the message that removes it and the
whole app stopped answering (found by bench/random_keys.py). This test reads the source of every
screen and widget class and of its Textual bases, and fails on any such shared name.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap
from functools import cache

from textual.message_pump import MessagePump
from textual.reactive import Reactive

import screens
import tui


def _our_modules():
    for package in (screens, tui):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            yield importlib.import_module(info.name)


def _assigned_self_names(cls) -> set[str]:
    """Names the class's own methods assign on `self` (self.x = ..., self.x: T = ...)."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return set()
    names = set()
    for node in ast.walk(ast.parse(source)):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
            ):
                names.add(target.attr)
    return names


@cache
def _textual_names(cls) -> frozenset[str]:
    """What a Textual class and its bases define: class attributes and attributes set on self."""
    names = set()
    for base in cls.__mro__:
        if not base.__module__.startswith("textual"):
            continue
        names.update(name for name, value in vars(base).items() if not isinstance(value, Reactive))
        names.update(_assigned_self_names(base))
    return frozenset(names)


def _clashes():
    seen = set()
    for module in _our_modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls in seen or not cls.__module__.startswith(("screens", "tui")):
                continue
            seen.add(cls)
            if not issubclass(cls, MessagePump):
                continue
            textual_bases = [b for b in cls.__mro__ if b.__module__.startswith("textual")]
            reserved = _textual_names(textual_bases[0])
            for name in sorted(_assigned_self_names(cls) & reserved):
                if name.startswith("_") and not name.startswith("__"):
                    yield f"{cls.__module__}.{cls.__qualname__}: self.{name}"


# Textual's own bookkeeping, written on purpose where our class does Textual's work in its place
# (each one names why; a new entry needs the same).
DELIBERATE = {
    # RecordTable._store_rows: a page into DataTable's row store at once, its update count
    # moved on as DataTable.add_row moves it (the ordered-rows and drawn-rows caches key on it).
    "tui.toolkit.widgets.record_list.RecordTable: self._update_count",
}


def test_no_private_textual_attribute_is_reused():
    assert [clash for clash in _clashes() if clash not in DELIBERATE] == []


def test_the_check_sees_a_clash():
    """The check is not blind: a class like the one that hung the app is reported."""
    from textual.screen import ModalScreen

    class Dialog(ModalScreen):
        def close(self):
            self._closed = True

    reserved = _textual_names(ModalScreen)
    assert "_closed" in _assigned_self_names(Dialog) & reserved
