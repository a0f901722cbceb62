"""What the form and detail screens share: the message banner and asking before unsaved edits go."""

from __future__ import annotations

from textual.widgets import Static

from tui.widgets.dialogs import ConfirmDialog
from tui.widgets.form import read_form


class BannerMixin:
    """A `#banner` Static under the title: hidden when empty, red for a refusal."""

    def _banner(self, text: str, error: bool = False) -> None:
        banner = self.query_one("#banner", Static)
        banner.update(text)
        banner.set_class(error, "-error")
        banner.display = bool(text)


class UnsavedEditsMixin(BannerMixin):
    """Set `loaded_values = read_form(self)` after filling the form; Escape then asks first."""

    loaded_values: dict  # set by the screen after it fills its form

    @property
    def dirty(self) -> bool:
        return bool(self.loaded_values) and read_form(self) != self.loaded_values

    def action_leave(self) -> None:
        if not self.dirty:
            self.app.pop_screen()
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.app.pop_screen()

        self.app.push_screen(
            ConfirmDialog(
                "Des modifications ne sont pas enregistrées. Les abandonner ?",
                yes="Abandonner",
                no="Rester",
            ),
            answer,
        )
