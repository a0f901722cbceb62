"""The footer of every screen: the screen's own keys on the left, the keys that work everywhere
(F1 Touches, Ctrl+Q Quitter, Ctrl+P palette) always visible at the right.

Textual's Footer lists the focused widget's keys, then the screen's, then the app's: at 80-100
columns the app's keys (the way to quit, the way to list every key) are the first to be cut. Here
they stand in a block at the right, after a thin bar. When the screen's keys and that block do not
both fit, the block gives up its keys from the right (Ctrl+P, F3, Ctrl+Q) before any screen key
is cut; F1 always stays (it lists every key, those included).

It is one widget that draws its line itself. Textual's Footer is a container of one widget per
key, composed again at every focus move: mounting and styling those ~10 widgets was the largest
cost of opening a list and of a search on Mes devis (bench, docs/benchmarks.md). Here a focus
move that changes the keys repaints one line; one that does not repaints nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

# Binding ids (tui/app.py) shown in the right-hand block, in this order, before the palette key.
ALWAYS_SHOWN = ("app.keys", "app.quit", "app.select_company", "app.logout")
KEYS_ID = "app.keys"  # the one key kept when room is short
BAR = "▏"  # between the screen's keys and the right-hand block


@dataclass(frozen=True)
class FooterKey:
    """One key as the footer shows it: '^s Enregistrer'."""

    key: str  # what simulate_key presses on a click
    key_display: str
    description: str
    enabled: bool

    @property
    def width(self) -> int:
        """Cells it takes with its right margin: '^s Enregistrer '."""
        width = len(self.key_display) + 1
        return width + (len(self.description) + 1 if self.description else 0)


def arrange(
    local: list[FooterKey], right: list[FooterKey], width: int, keys_key: FooterKey | None
) -> tuple[list[FooterKey], list[FooterKey]]:
    """(the screen's keys shown, the right-hand block's keys shown) at `width` columns.

    The screen's keys that fit whole beside F1's block (a key cut in the middle, "^f Poin", says
    nothing): the others are in F1's list. Then F1 always, and Ctrl+Q, F3 and the palette key
    while they fit beside the screen's keys."""
    f1_block = 2 + (keys_key.width if keys_key is not None else 0)  # bar, space, F1
    room = width - 1 - f1_block  # the footer's left padding
    fitting = []
    for key in local:
        if key.width > room:
            continue  # a later, shorter key may still fit
        fitting.append(key)
        room -= key.width
    room += f1_block
    shown, used = [], 2
    for key in right:  # (F1's room was kept above)
        if key is keys_key or used + key.width <= room:
            shown.append(key)
            used += key.width
    return fitting, shown


class AppFooter(Widget, can_focus=False):
    """A compact footer whose global keys never scroll out of sight."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "app-footer--key",
        "app-footer--description",
        "app-footer--item",
        "app-footer--bar",
        "app-footer--hover",
    }
    DEFAULT_CSS = """
    AppFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        & > .app-footer--item { background: $footer-item-background; }
        & > .app-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .app-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .app-footer--bar { color: $foreground 20%; }
        & > .app-footer--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._signature: tuple | None = None  # what the keys were read from
        self._local: list[FooterKey] = []
        self._right: list[FooterKey] = []
        self._keys_key: FooterKey | None = None
        self._spans: list[tuple[int, int, FooterKey]] = []  # (x, end) of each key drawn
        self._hover: FooterKey | None = None

    # -- which keys -----------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self._read_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen) -> None:
        # Textual calls this on every focus move; the keys shown rarely change with it (Tab from
        # field to field): then nothing is repainted (over SSH, ~250 bytes a Tab).
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._read_keys()

    def _read_keys(self) -> None:
        screen = self.screen
        active = screen.active_bindings
        signature = tuple(
            (binding.key, binding.action, binding.description, binding.id, enabled)
            for _node, binding, enabled, _tooltip in active.values()
            if binding.show
        )
        if signature == self._signature:
            return
        self._signature = signature
        local: dict[str, FooterKey] = {}  # one key per action, the first bound (as Footer does)
        always: dict[str, tuple[int, FooterKey]] = {}
        # The screen's own keys first (Enregistrer, Retour...), then its widgets' (a list's
        # Filtrer, Exporter CSV): at 80 columns the cut falls on the latter.
        ordered = sorted(active.values(), key=lambda entry: entry.node is not screen)
        self._keys_key = None
        for _node, binding, enabled, _tooltip in ordered:
            if not binding.show:
                continue
            key = FooterKey(
                binding.key, self.app.get_key_display(binding), binding.description, enabled
            )
            if binding.id in ALWAYS_SHOWN:
                if binding.action not in always:
                    always[binding.action] = (ALWAYS_SHOWN.index(binding.id), key)
                    if binding.id == KEYS_ID:
                        self._keys_key = key
            elif binding.action not in local:
                local[binding.action] = key
        right = [key for _order, key in sorted(always.values(), key=lambda pair: pair[0])]
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        if self.app.ENABLE_COMMAND_PALETTE and palette is not None:
            _node, binding, enabled, _tooltip = palette
            right.append(
                FooterKey(
                    binding.key, self.app.get_key_display(binding), binding.description, enabled
                )
            )
        self._local, self._right = list(local.values()), right
        self.refresh()

    def keys_shown(self) -> tuple[list[str], list[str]]:
        """(the screen's keys, the right-hand block's keys) as drawn, by their key display."""
        local, right = arrange(self._local, self._right, self.size.width, self._keys_key)
        return [key.key_display for key in local], [key.key_display for key in right]

    # -- drawing --------------------------------------------------------------------------------
    def render(self) -> Text:
        width = self.size.width
        local, right = arrange(self._local, self._right, width, self._keys_key)
        key_style = self.get_component_rich_style("app-footer--key")
        description_style = self.get_component_rich_style("app-footer--description")
        item_style = self.get_component_rich_style("app-footer--item")
        hover_style = self.get_component_rich_style("app-footer--hover")
        line = Text(" ", no_wrap=True, end="")  # the footer's left padding
        spans: list[tuple[int, int, FooterKey]] = []

        def add(key: FooterKey) -> None:
            start = line.cell_len
            base = hover_style if key == self._hover else item_style
            if not key.enabled:
                base = base + Style(dim=True)
            line.append(key.key_display, base + key_style)
            if key.description:
                line.append(" " + key.description, base + description_style)
            spans.append((start, line.cell_len, key))
            line.append(" ")  # its margin

        for key in local:
            add(key)
        if right:
            block = 2 + sum(key.width for key in right)
            line.append(" " * max(0, width - block - line.cell_len))
            line.append(BAR, self.get_component_rich_style("app-footer--bar"))
            line.append(" ")
            for key in right:
                add(key)
        line.truncate(width)
        self._spans = spans
        return line

    # -- the mouse: a click presses the key ---------------------------------------------------
    def _key_at(self, x: int) -> FooterKey | None:
        return next((key for start, end, key in self._spans if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._key_at(event.x)
        if key != self._hover:
            self._hover = key
            self.refresh()

    def on_leave(self, _event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self._key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
