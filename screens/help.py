"""F1: the keys of the screen in front of the user, in French, then the keys that work everywhere.

Built from the bindings themselves (so a key remapped in config.toml is shown as remapped):
the screen's own first, then those of the list or form part it holds (our widgets' bindings,
which all have an id), then the app's. Textual's generic editing keys (an Input's "Move cursor
left"...) are not listed: they are the keys of every text field.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

KEY_NAMES = {
    "escape": "Échap",
    "enter": "Entrée",
    "tab": "Tab",
    "shift+tab": "Maj+Tab",
    "slash": "/",
    "space": "Espace",
    "pagedown": "Page↓",
    "pageup": "Page↑",
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
    "delete": "Suppr",
    "backspace": "Retour arrière",
    "home": "Début",
    "end": "Fin",
}
MODIFIERS = {"ctrl": "Ctrl", "shift": "Maj", "alt": "Alt"}

# Said on every screen, whatever its bindings: moving between fields and the palette's key.
EVERYWHERE = (
    ("Tab / Maj+Tab", "champ suivant / précédent"),
    ("Ctrl+P", "palette : un écran par son nom, un prospect, un client, un devis"),
)


def key_name(key: str) -> str:
    """'ctrl+s' → 'Ctrl+S', 'escape' → 'Échap', 'f1' → 'F1', 'ctrl+down' → 'Ctrl+↓'."""
    *mods, last = key.split("+")
    if key in KEY_NAMES:
        return KEY_NAMES[key]
    name = KEY_NAMES.get(last, last.upper() if len(last) <= 3 else last.capitalize())
    return "+".join([*(MODIFIERS.get(m, m.capitalize()) for m in mods), name])


@dataclass(frozen=True)
class KeyLine:
    keys: str  # 'Ctrl+S', or 'Ctrl+↓ / Page↓' for one action under two keys
    description: str
    enabled: bool = True


def key_lines(screen: Screen) -> tuple[list[KeyLine], list[KeyLine]]:
    """(the screen's keys, the keys of the whole app), each once per action, in binding order."""
    own: dict[tuple, list] = {}
    everywhere: dict[tuple, list] = {}
    app = screen.app
    for key, (node, binding, enabled, _tooltip) in screen.active_bindings.items():
        if not binding.description or not binding.id:
            # Textual's generic keys (Screen's "Focus Next", an Input's, a DataTable's cursor
            # keys): ours all have an id (the one config.toml remaps them by).
            continue
        # The screen's, or a part of ours (a list's Filtrer, Exporter CSV), then the app's.
        target = everywhere if node is app else own
        entry = target.setdefault((binding.action, binding.description), [[], enabled, node])
        entry[0].append(key)
    return _lines(own, screen), _lines(everywhere, screen)


def _lines(found: dict, screen: Screen) -> list[KeyLine]:
    # The screen's own bindings before its parts' (the order of the footer too).
    ordered = sorted(found.items(), key=lambda item: item[1][2] is not screen)
    return [
        KeyLine(" / ".join(key_name(k) for k in keys), description, enabled)
        for (_action, description), (keys, enabled, _node) in ordered
    ]


def _row(line: KeyLine) -> str:
    text = f"  [b]{escape(line.keys):<16}[/b] {escape(line.description)}"
    return text if line.enabled else f"[dim]{text}  (indisponible ici)[/dim]"


class HelpScreen(ModalScreen[None]):
    """The keys of `screen` (computed when F1 was pressed, with the focus where it was)."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    HelpScreen VerticalScroll { height: auto; max-height: 1fr; }
    HelpScreen .help-title { text-style: bold; color: $accent; }
    HelpScreen .help-hint { color: $text-muted; }
    """

    BINDINGS = [Binding("escape,f1", "close", "Fermer", id="help.close")]

    def __init__(self, screen: Screen):
        super().__init__()
        self.own, self.everywhere = key_lines(screen)
        self.place = screen.sub_title or screen.title or ""

    def compose(self) -> ComposeResult:
        own = "\n".join(_row(line) for line in self.own) or "  [i]Aucune touche propre.[/i]"
        everywhere = "\n".join(
            [_row(line) for line in self.everywhere]
            + [_row(KeyLine(keys, description)) for keys, description in EVERYWHERE]
        )
        with Vertical():
            yield Static(f"Touches de l'écran « {escape(self.place)} »", classes="help-title")
            with VerticalScroll():
                yield Static(own, id="help-own")
                yield Static("Partout", classes="help-title")
                yield Static(everywhere, id="help-everywhere")
            yield Static("Échap ou F1 : fermer", classes="help-hint")

    def action_close(self) -> None:
        self.dismiss(None)
