"""A light one-line selector for filter panels: one widget until it is opened.

Textual's Select mounts five widgets with its screen (its line, the label, two arrows, and its
drop-down list): Mes devis's two Selects cost most of its filter panel's mount. A `Choice` is
one widget that draws its line itself ("Toutes ▼", the chosen label in full colour, the prompt
and the arrow dimmed, as a compact Select); its list (tui.toolkit.widgets.option_list.OptionList) is
mounted when it is opened and removed when it closes.

Keys as on a Select: Entrée, Espace, ↑ or ↓ open the list; in it ↑/↓/Début/Fin move, Entrée
chooses, Échap closes without choosing. The first entry is the prompt: no choice (`value` None).
Labels are drawn as plain text (controls shown as placeholders): never markup.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import events, on
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget

from db.core import visible
from tui.toolkit.widgets.option_list import OptionList


class ChoiceMenu(OptionList):
    """The opened list of a Choice, over what is below it."""

    BINDINGS = [Binding("escape", "close", "Fermer", show=False)]

    def action_close(self) -> None:
        choice = self.parent
        if isinstance(choice, Choice):
            choice.close(refocus=True)

    def _on_blur(self, event: events.Blur) -> None:
        choice = self.parent
        if isinstance(choice, Choice):
            choice.close(refocus=False)


class Choice(Widget, can_focus=True):
    """`options` as (label, value) pairs; `value` is None while the prompt is shown."""

    DEFAULT_CSS = """
    Choice {
        height: 1;
        width: 1fr;
        color: $foreground;
        background: $surface;
        padding: 0 1 0 0;
        pointer: pointer;
    }
    Choice:focus { background-tint: $foreground 5%; }
    Choice > .choice--dim { color: $foreground 50%; }
    Choice > ChoiceMenu {
        width: 100%;
        height: auto;
        max-height: 12;
        overlay: screen;
        constrain: none inside;
        offset: 0 1;
        color: $foreground;
        border: tall $border-blurred;
        background: $surface;
    }
    Choice > ChoiceMenu:focus { background-tint: $foreground 5%; }
    Choice > ChoiceMenu > .option-list--option { padding: 0 1; }
    """

    COMPONENT_CLASSES = {"choice--dim"}
    BINDINGS = [Binding("enter,down,space,up", "open", "Choisir", show=False)]

    class Changed(Message):
        """The value changed (chosen in the list, `value` set, or `clear()`)."""

        def __init__(self, choice: Choice, value: Hashable | None):
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> Choice:
            return self.choice

    def __init__(
        self,
        options: Iterable[tuple[str, Hashable]] = (),
        *,
        prompt: str = "Tous",
        id: str | None = None,
        classes: str | None = None,
    ):
        super().__init__(id=id, classes=classes)
        self.prompt = prompt
        self._options: list[tuple[str, Hashable]] = []
        self._value: Hashable | None = None
        self._menu: ChoiceMenu | None = None
        self.set_options(options)

    # -- value -------------------------------------------------------------------------------
    @property
    def options(self) -> list[tuple[str, Hashable]]:
        """The (label, value) pairs, without the prompt."""
        return list(self._options)

    def set_options(self, options: Iterable[tuple[str, Hashable]]) -> None:
        """New options; the value stays if it is still one of them, otherwise no choice."""
        self._options = [(visible(str(label)), value) for label, value in options]
        if self._value is not None and self._value not in {v for _, v in self._options}:
            self.value = None
        self.refresh()

    @property
    def value(self) -> Hashable | None:
        return self._value

    @value.setter
    def value(self, value: Hashable | None) -> None:
        if value is not None and value not in {v for _, v in self._options}:
            raise ValueError(f"{value!r} n'est pas une option")
        if value == self._value:
            return
        self._value = value
        self.refresh()
        self.post_message(self.Changed(self, value))

    def clear(self, *, tell: bool = True) -> None:
        """No choice; without `tell`, no Changed message (a panel reset all at once)."""
        if tell:
            self.value = None
        elif self._value is not None:
            self._value = None
            self.refresh()

    @property
    def selection_label(self) -> str:
        return next((label for label, v in self._options if v == self._value), self.prompt)

    # -- drawing -----------------------------------------------------------------------------
    def render(self) -> Text:
        width = self.content_size.width
        dim = self.get_component_rich_style("choice--dim")
        label = self.selection_label
        room = max(width - 2, 0)  # " ▼" at the right end
        if cell_len(label) > room:
            label = set_cell_size(label, max(room - 1, 0)) + "…" if room else ""
        else:
            label = label + " " * (room - cell_len(label))
        text = Text(no_wrap=True, end="")
        text.append(label, dim if self._value is None else None)
        text.append(" ▼"[: max(width - room, 0)], dim)
        return text

    # -- the list ----------------------------------------------------------------------------
    async def action_open(self) -> None:
        if self._menu is not None:
            return
        labels = [self.prompt] + [label for label, _ in self._options]
        menu = ChoiceMenu(*labels)
        self._menu = menu
        await self.mount(menu)
        values = [v for _, v in self._options]
        menu.highlighted = values.index(self._value) + 1 if self._value in values else 0
        menu.focus()

    def close(self, refocus: bool) -> None:
        menu, self._menu = self._menu, None
        if menu is None:
            return
        if refocus:
            self.focus()
        menu.remove()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        self.close(refocus=True)
        self.value = None if index == 0 else self._options[index - 1][1]

    async def _on_click(self, event: events.Click) -> None:
        if self._menu is None and event.widget is self:
            self.call_later(self.action_open)
