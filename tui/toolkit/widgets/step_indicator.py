"""The wizard's `1 — 2 — 3 — 4` indicator: done, current and to-do steps."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


class StepIndicator(Static):
    DEFAULT_CSS = """
    StepIndicator { height: 1; width: auto; }
    """

    # Its width is its text's (width: auto): a change lays the line out again.
    current: reactive[int] = reactive(1, layout=True)
    done: reactive[int] = reactive(0, layout=True)
    hint: reactive[str] = reactive("", layout=True)  # the keys that go to a step, after the steps

    def __init__(self, steps: int = 4, current: int = 1, done: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.steps = steps
        self.set_reactive(StepIndicator.current, current)
        self.set_reactive(StepIndicator.done, done)

    def render(self) -> Text:
        text = Text()
        for step in range(1, self.steps + 1):
            if step > 1:
                text.append(" — ", style="dim")
            if step == self.current:
                text.append(f"[{step}]", style="bold reverse")
            elif step <= self.done:
                text.append(f"✓{step}", style="green")
            else:
                text.append(f" {step} ", style="dim")
        if self.hint:
            text.append(f"   {self.hint}", style="dim")
        return text
