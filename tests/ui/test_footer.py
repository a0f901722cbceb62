"""The footer: the screen's keys at the left, F1 (then Ctrl+Q, F3, Ctrl+P while they fit) at the
right, and no repaint when a focus move leaves the keys as they were."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

from tui.toolkit.widgets.footer import AppFooter


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
    left, right = footer.keys_shown()
    line = str(footer.render())
    # What keys_shown says is what is drawn: each key whole, the right block after the bar.
    drawn_left, _bar, drawn_right = line.partition("▏")
    for key in left:
        assert f" {key} " in drawn_left, line
    for key in right:
        assert f" {key} " in drawn_right, line
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


async def test_tab_between_fields_does_not_repaint_the_footer(monkeypatch):
    composed = []
    refresh = AppFooter.refresh

    def counting(self, *args, **kwargs):
        composed.append(1)
        return refresh(self, *args, **kwargs)

    monkeypatch.setattr(AppFooter, "refresh", counting)
    app = Keys()
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        before = len(composed)
        await pilot.press("tab")
        await pilot.pause(0.2)
        assert app.focused.id == "two"
        assert len(composed) == before


async def test_a_click_on_a_key_runs_its_action_and_a_disabled_key_only_rings():
    app = Keys()
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(AppFooter)
        line = str(footer.render())
        saved = []
        app.screen.action_save = lambda: saved.append(1)
        await pilot.click(AppFooter, offset=(line.index("Enregistrer"), 0))
        await pilot.pause()
        assert saved == [1]
        # A click between two keys presses nothing.
        await pilot.click(AppFooter, offset=(line.index("▏") - 2, 0))
        await pilot.pause()
        assert saved == [1]


class Lists(Screen):
    """A screen whose second field brings a key of its own (as a list's Filtrer)."""

    BINDINGS = [Binding("escape", "back", "Retour")]

    def compose(self):
        yield Input(id="one")
        yield Searchable(id="two")
        yield AppFooter()

    def action_back(self) -> None:
        pass


class Searchable(Input):
    BINDINGS = [Binding("ctrl+f", "find", "Chercher")]

    def action_find(self) -> None:
        pass


class ListsApp(App):
    BINDINGS = Keys.BINDINGS

    def on_mount(self) -> None:
        self.push_screen(Lists())


async def test_a_focus_move_that_changes_the_keys_redraws_them():
    app = ListsApp()
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        assert shown(app)[0] == ["esc"]
        await pilot.press("tab")
        await pilot.pause(0.2)
        assert shown(app)[0] == ["esc", "^f"]
        assert "^f Chercher" in str(app.screen.query_one(AppFooter).render())
