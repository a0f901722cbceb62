"""The titled cards of the detail screens and the label / value lines they show."""

from __future__ import annotations

from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.widget import Widget
from textual.widgets import Button, Static

from db.core.text import visible


def card(title: str, *body: Widget, edit: str | None = None) -> Vertical:
    """A card: its title (with a "✎ Éditer" button of id `edit`, if given) over `body`."""
    head: list[Widget] = [Static(title, classes="card-title")]
    if edit is not None:
        head.append(Button("✎ Éditer", id=edit, compact=True, classes="link"))
    return Vertical(Horizontal(*head, classes="card-head"), *body, classes="card")


def plain(value: object, *, multiline: bool = False) -> str:
    """A value read from the store, to put in markup: drawn as it is, never as markup, and with
    any control character shown as a placeholder (db.core.text.visible)."""
    return escape(visible(value, multiline=multiline))


def labelled_lines(*pairs: tuple[str, object], width: int) -> str:
    """One line a (label, value) pair: the label dimmed in `width` columns, "—" for no value.

    Values are plain text (a "[" in a name is not markup, an ESC is shown as ␛).
    """
    return "\n".join(
        f"[dim]{label:<{width}}[/dim] {plain(value) if value else '—'}" for label, value in pairs
    )
