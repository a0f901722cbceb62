"""The footer: the screen's keys at the left, F1 (then Ctrl+Q, F3, Ctrl+P while they fit) at the
right, and no repaint when a focus move leaves the keys as they were."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

from tui.toolkit.widgets.footer import AppFooter, GlobalKeys


class Form(Screen):
    BINDINGS = [
        Binding("ctrl+s", "save", "Enregistrer et continuer"),
        Binding("ctrl+g", "generate", "Générer le mandat"),
        Binding("escape", "back", "Retour"),
    ]

    def compose(self):
        yield Input(id="one")
        yield Input(id="two")
        yield AppFooter()

    def action_save(self) -> None:
        pass

    def action_generate(self) -> None:
        pass

    def action_back(self) -> None:
        pass


class Keys(App):
    BINDINGS = [
        Binding("f1", "keys", "Touches", id="app.keys"),
        Binding("ctrl+q", "quit", "Quitter", id="app.quit", priority=True),
        Binding("f3", "select", "Sélectionner...", id="app.select_company"),
    ]

    def on_mount(self) -> None:
        self.push_screen(Form())

    def action_keys(self) -> None:
        pass

    def action_select(self) -> None:
        pass


def shown(app) -> tuple[list[str], list[str]]:
    """(keys at the left, keys in the right-hand block) as displayed."""
    footer = app.screen.query_one(AppFooter)
    right = [key.key_display for key in footer.query_one(GlobalKeys).children]
    left = [key.key_display for key in footer.children if not isinstance(key, GlobalKeys)]
    return left, right


async def test_wide_terminal_shows_every_key():
    app = Keys()
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        left, right = shown(app)
        assert left == ["^s", "^g", "esc"]
        assert right == ["f1", "^q", "f3", "^p"]


async def test_narrow_terminal_keeps_f1_and_the_screen_keys_first():
    app = Keys()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        left, right = shown(app)
        assert left == ["^s", "^g", "esc"]
        assert right[0] == "f1" and "^p" not in right

        await pilot.resize_terminal(60, 10)
        await pilot.pause(0.2)
        # Only whole keys: "^g Générer le mandat" does not fit beside F1, "esc Retour" does.
        assert shown(app) == (["^s", "esc"], ["f1"])


async def test_tab_between_fields_does_not_compose_the_footer_again(monkeypatch):
    composed = []
    compose = AppFooter.compose

    def counting(self):
        composed.append(1)
        return compose(self)

    monkeypatch.setattr(AppFooter, "compose", counting)
    app = Keys()
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        before = len(composed)
        await pilot.press("tab")
        await pilot.pause(0.2)
        assert app.focused.id == "two"
        assert len(composed) == before
