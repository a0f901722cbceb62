"""How every screen shows a refusal: the fields' messages, the banner, the cursor."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from db.core import ConcurrentEditError, DomainError, ValidationErrors, visible
from tui.toolkit.host import ScreenMixin
from tui.toolkit.widgets.form import FormField, show_errors


def summary(count: int) -> str:
    return f"{count} champ(s) à corriger : rien n'a été enregistré."


class BannerMixin(ScreenMixin):
    """One way to show a refusal, on every screen: the fields' own messages, one line in the
    banner (`BANNER`: a Static under the title, hidden when empty, red for a refusal), and the
    cursor on the first field to correct. Screens call `show_refusal(exc)` from a save's
    `failed=`; what differs from screen to screen is said by the hooks below, not by another
    way of showing it."""

    BANNER = "#banner"
    # Added to a ConcurrentEditError's message: what to do after someone else's save.
    CONCURRENT_HINT = ""
    # Added to every other refusal's message: what did not happen ("Rien n'a été importé.").
    REFUSAL_NOTE = ""

    def _banner(self, text: str, error: bool = False) -> None:
        banner = self.query_one(self.BANNER, Static)
        # Plain text: a refusal may quote a stored value ("« ACME [SA] » est déjà client").
        banner.update(Content(visible(text, multiline=True)))
        banner.set_class(error, "-error")
        banner.display = bool(text)

    def show_refusal(self, exc: DomainError, errors: dict[str, str] | None = None) -> None:
        """A refused save or action: field errors at their fields (the first one focused) with
        a count in the banner, anything else said once in the banner. `errors` replaces the
        exception's own (a screen whose fields are named differently maps them)."""
        if isinstance(exc, ValidationErrors):
            errors = dict(exc.errors) if errors is None else errors
            first = self.show_field_errors(errors)
            self._banner(self.refusal_summary(errors), error=True)
            if first is not None:
                first.control.focus()
                first.scroll_visible()
            return
        self.show_field_errors({})
        self._banner(self.refusal_text(exc), error=True)

    def refusal_text(self, exc: DomainError) -> str:
        """The banner's words for a refusal that is not about fields."""
        if isinstance(exc, ConcurrentEditError):
            return exc.message + self.CONCURRENT_HINT
        return exc.message + self.REFUSAL_NOTE

    def show_field_errors(self, errors: dict[str, str]) -> FormField | None:
        """Each message at its field, the others cleared; the first field to correct."""
        return show_errors(self, errors)

    def refusal_summary(self, errors: dict[str, str]) -> str:
        return summary(len(errors))
