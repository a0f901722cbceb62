"""The footer of every screen: the screen's own keys on the left, the keys that work everywhere
(F1 Touches, Ctrl+Q Quitter, Ctrl+P palette) always visible at the right.

Textual's Footer lists the focused widget's keys, then the screen's, then the app's: at 80-100
columns the app's keys (the way to quit, the way to list every key) are the first to be cut. Here
they stand in a block docked to the right. When the screen's keys and that block do not both
fit, the block gives up its keys from the right (Ctrl+P, F3, Ctrl+Q) before any screen key is
cut; F1 always stays (it lists every key, those included).
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # the Footer's own key widget (not re-exported)

# Binding ids (tui/app.py) shown in the right-hand block, in this order, before the palette key.
ALWAYS_SHOWN = ("app.keys", "app.quit", "app.select_company", "app.logout")
KEYS_ID = "app.keys"  # the one key kept when room is short


def key_width(key: FooterKey) -> int:
    """Cells a compact FooterKey takes with its right margin: '^s Enregistrer '."""
    width = len(key.key_display) + 1
    return width + (len(key.description) + 1 if key.description else 0)


class GlobalKeys(HorizontalGroup):
    DEFAULT_CSS = """
    GlobalKeys {
        dock: right;
        width: auto;
        height: 1;
        border-left: vkey $foreground 20%;
        padding: 0 0 0 1;
        FooterKey { margin: 0 1 0 0; }
    }
    """


class AppFooter(Footer):
    """A compact footer whose global keys never scroll out of sight."""

    DEFAULT_CSS = "AppFooter { padding: 0 0 0 1; }"

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(show_command_palette=False, **kwargs)
        self._composed_width: int | None = None
        self._shown: tuple | None = None  # what the keys on screen were composed from

    def _signature(self, screen) -> tuple:
        shown = tuple(
            (binding.key, binding.action, binding.description, binding.id, enabled)
            for _node, binding, enabled, _tooltip in screen.active_bindings.values()
            if binding.show
        )
        return (*shown, self.app.size.width)

    def bindings_changed(self, screen) -> None:
        # Textual calls this on every focus move; the keys shown rarely change with it (Tab from
        # field to field). Composing the same footer again repaints it for nothing: over SSH,
        # ~250 bytes a Tab.
        if self._shown is not None and self._signature(screen) == self._shown:
            return
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        active = self.screen.active_bindings
        self._shown = self._signature(self.screen)
        local: dict[str, FooterKey] = {}  # one key per action, the first bound (as Footer does)
        always: dict[str, FooterKey] = {}
        # The screen's own keys first (Enregistrer, Retour...), then its widgets' (a list's
        # Filtrer, Exporter CSV): at 80 columns the cut falls on the latter.
        screen = self.screen
        ordered = sorted(active.values(), key=lambda entry: entry.node is not screen)
        for _node, binding, enabled, tooltip in ordered:
            if not binding.show:
                continue
            target = always if binding.id in ALWAYS_SHOWN else local
            if binding.action in target:
                continue
            target[binding.action] = FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
        right = sorted(always.values(), key=lambda key: _order(key, active))
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        width = self.app.size.width
        # The screen's keys that fit whole beside F1's block (a key cut in the middle, "^f Poin",
        # says nothing): the others are in F1's list.
        f1_block = 2 + sum(key_width(key) for key in right if _id(key, active) == KEYS_ID)
        room = width - 1 - f1_block
        fitting = []
        for key in local.values():
            if key_width(key) > room:
                continue  # a later, shorter key may still fit
            fitting.append(key)
            room -= key_width(key)
        yield from fitting
        room += f1_block
        if self.app.ENABLE_COMMAND_PALETTE and palette is not None:
            _node, binding, enabled, _tooltip = palette
            right.append(
                FooterKey(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    disabled=not enabled,
                    tooltip=binding.tooltip or binding.description,
                ).data_bind(compact=Footer.compact)
            )
        # F1 always; then Ctrl+Q, F3 and the palette key while they fit beside the screen's keys.
        shown, used = [], 2
        for key in right:  # (F1's room was kept above)
            if _id(key, active) == KEYS_ID or used + key_width(key) <= room:
                shown.append(key)
                used += key_width(key)
        if shown:
            yield GlobalKeys(*shown)
        self._composed_width = width

    def on_resize(self, event: events.Resize) -> None:
        # What fits depends on the width: compose again when the terminal changes size.
        if self._composed_width not in (None, self.app.size.width):
            self.call_after_refresh(self.recompose)


def _id(key: FooterKey, active) -> str | None:
    return active[key.key][1].id if key.key in active else None


def _order(key: FooterKey, active) -> int:
    binding_id = _id(key, active)
    return ALWAYS_SHOWN.index(binding_id) if binding_id in ALWAYS_SHOWN else len(ALWAYS_SHOWN)
