"""The quote (DEV000095225/1): client, lines, totals, steps, versions and "Créer le compte client"."""

from __future__ import annotations

from typing import cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Label, Static

from db.core import CompanyKind, ConcurrentEditError, DomainError, visible
from db.quotes import (
    STEPS,
    get_quote,
    new_revision,
    next_step,
    offers,
    previous_step,
    step_label,
    update_lines,
)
from tui.toolkit.db_worker import DbWorkerMixin
from tui.toolkit.dialogs.confirm import ConfirmDialog
from tui.toolkit.host import host, signed_in
from tui.toolkit.refusal import BannerMixin
from tui.toolkit.styles import style_sheet
from tui.toolkit.widgets.card import labelled_lines
from tui.toolkit.widgets.footer import AppFooter
from tui.toolkit.widgets.header import AppHeader
from tui.toolkit.widgets.quote_lines import (
    QuoteLinesEditor,
    add_line_columns,
    line_cells,
    totals_text,
)
from tui.toolkit.widgets.step_indicator import StepIndicator


def step_names(current: int) -> Text:
    """'Brouillon › Envoyé au client › …' with the quote's step highlighted."""
    text = Text()
    for number, name in STEPS.items():
        if number > 1:
            text.append("  ›  ", style="dim")
        if number == current:
            text.append(f"{number} {name}", style="bold reverse")
        elif number < current:
            text.append(f"{number} {name}", style="green")
        else:
            text.append(f"{number} {name}", style="dim")
    return text


class QuoteDetailScreen(BannerMixin, DbWorkerMixin, Screen):
    CSS_PATH = style_sheet("quotes")
    parent_place = "quotes"  # Escape goes up the menu tree (tui/places.py)
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Retour", id="quote.back"),
        Binding("ctrl+right", "next_step", "Étape suiv.", id="quote.next_step"),
        Binding("ctrl+left", "previous_step", "Étape préc.", id="quote.previous_step"),
        Binding("ctrl+v", "new_version", "Nouv. version", id="quote.new_version"),
        Binding("ctrl+e", "edit_lines", "Modifier lignes", id="quote.edit_lines"),
        Binding("ctrl+k", "client_account", "Créer le compte client", id="quote.client_account"),
        Binding("ctrl+o", "order", "Commander", id="quote.order"),
        Binding("ctrl+r", "reload", "Recharger", id="quote.reload"),
    ]

    def __init__(self, quote_id: int):
        super().__init__()
        self.quote_id = quote_id
        self.detail = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Horizontal(id="quote-head"):
            yield Static("[b]Devis[/b]", id="quote-title")
            yield StepIndicator(current=1, id="steps")
        yield Static("", id="step-names")
        yield Static("", id="banner", classes="banner")
        with VerticalScroll(id="quote-body"):
            with Horizontal(id="quote-info"):
                yield Static(id="info-left")
                yield Static(id="info-right")
            yield Label("LIGNES DU DEVIS", classes="quote-section")
            yield DataTable(id="quote-lines", cursor_type="row", zebra_stripes=True)
            yield Static("", id="quote-totals")
            yield Label("VERSIONS · Entrée : ouvrir la version", classes="quote-section")
            yield DataTable(id="quote-revisions", cursor_type="row")
        with Horizontal(id="quote-actions"):
            yield Button(
                "Créer le compte client", id="client-account", variant="success", compact=True
            )
        yield AppFooter()

    def on_mount(self) -> None:
        add_line_columns(self.query_one("#quote-lines", DataTable))
        revisions = self.query_one("#quote-revisions", DataTable)
        revisions.add_column("N° devis / Version", key="reference", width=18)
        revisions.add_column("Étape", key="step", width=22)
        revisions.add_column("Création", key="created", width=10)
        self.query_one("#client-account").display = False
        self.query_one("#quote-lines").focus()

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown: one load then, one after each screen on top
        # (the client account, a version, the lines) is closed.
        self.action_reload()

    # -- showing --------------------------------------------------------------------------------
    def action_reload(self) -> None:
        self.run_db(get_quote, signed_in(self.app), self.quote_id, done=self._show, group="load")

    def _show(self, detail) -> None:
        self.detail = detail
        self.sub_title = visible(f"{detail.reference} · {detail.company_name}")
        self.query_one("#quote-title", Static).update(
            f"[b]Devis {detail.reference}[/b]  ·  Étape {detail.step_label}"
        )
        indicator = self.query_one(StepIndicator)
        indicator.current, indicator.done = detail.step, detail.step - 1
        self.query_one("#step-names", Static).update(step_names(detail.step))
        number = detail.client_number or f"— ({detail.company_kind_label.lower()})"
        self.query_one("#info-left", Static).update(
            labelled_lines(
                ("Client", f"{detail.company_name} ({detail.company_id})"),
                ("N° client", number),
                ("Commercial", detail.commercial),
                width=12,
            )
        )
        self.query_one("#info-right", Static).update(
            labelled_lines(
                ("Commune", detail.city),
                ("Création", detail.created),
                ("Partenaires", detail.partners),
                width=12,
            )
        )
        lines = self.query_one("#quote-lines", DataTable)
        lines.clear()
        for line in detail.lines:
            lines.add_row(*line_cells(line))
        self.query_one("#quote-totals", Static).update(totals_text(detail.lines))
        revisions = self.query_one("#quote-revisions", DataTable)
        revisions.clear()
        for revision in detail.revisions:
            marker = " ◂" if revision.id == detail.id else ""
            revisions.add_row(
                revision.reference + marker,
                step_label(revision.step),
                revision.created_on.strftime("%d/%m/%Y"),
                key=str(revision.id),
            )
        self.query_one("#client-account").display = detail.can_create_client_account
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        detail = self.detail
        if detail is None:
            # Until the quote is loaded, only what needs no quote is offered.
            return action not in (
                "next_step",
                "previous_step",
                "new_version",
                "edit_lines",
                "client_account",
                "order",
            )
        if action == "next_step":
            return detail.step < max(STEPS)
        if action == "previous_step":
            return detail.step > min(STEPS)
        if action == "edit_lines":
            return detail.editable
        if action == "client_account":
            return detail.can_create_client_account
        if action == "order":
            # A signed quote of a client; an order already made is refused with its number.
            return not detail.editable and detail.company_kind == CompanyKind.CLIENT
        return True

    # -- steps ----------------------------------------------------------------------------------
    def action_next_step(self) -> None:
        self._move(next_step)

    def action_previous_step(self) -> None:
        self._move(previous_step)

    def _move(self, move) -> None:
        if self.detail is None:
            return
        self.run_db(
            move,
            signed_in(self.app),
            self.quote_id,
            self.detail.lock_version,
            done=self._moved,
            failed=self._refused,
            group="write",
        )

    def _moved(self, _version: int) -> None:
        self._banner("")
        self.action_reload()

    def refusal_text(self, exc: DomainError) -> str:
        if isinstance(exc, ConcurrentEditError):
            who = f" par {exc.who}" if exc.who else ""
            when = f" le {exc.when}" if exc.when else ""
            return (
                f"Ce devis a été modifié{who}{when} depuis son ouverture : rien n'a été changé. "
                "Il est rechargé ; vérifiez-le avant de recommencer."
            )
        return super().refusal_text(exc)

    def _refused(self, exc: DomainError) -> None:
        self.show_refusal(exc)
        if isinstance(exc, ConcurrentEditError):
            self.action_reload()

    # -- versions -------------------------------------------------------------------------------
    def action_new_version(self) -> None:
        if self.detail is None:
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.run_db(
                    new_revision,
                    signed_in(self.app),
                    self.quote_id,
                    done=self._revised,
                    failed=self._refused,
                    group="write",
                )

        self.app.push_screen(
            ConfirmDialog(
                f"Créer une nouvelle version de {self.detail.reference} ?\n"
                f"C'est une copie modifiable, à l'étape 1 ; {self.detail.reference} reste tel quel.",
                yes="Créer",
            ),
            answer,
        )

    def _revised(self, quote_id: int) -> None:
        self.app.switch_screen(QuoteDetailScreen(quote_id))

    @on(DataTable.RowSelected, "#quote-revisions")
    def _open_revision(self, event: DataTable.RowSelected) -> None:
        event.stop()
        quote_id = int(cast(str, event.row_key.value))
        if quote_id != self.quote_id:
            self.app.switch_screen(QuoteDetailScreen(quote_id))

    # -- lines and the client account -------------------------------------------------------------
    def action_edit_lines(self) -> None:
        if self.detail is None or not self.detail.editable:
            return
        self.app.push_screen(QuoteLinesDialog(self.detail))

    @on(Button.Pressed, "#client-account")
    def action_client_account(self) -> None:
        if self.detail is None or not self.detail.can_create_client_account:
            return
        host(self.app).open_screen("client_account", self.quote_id)

    def action_order(self) -> None:
        if self.detail is None:
            return
        from screens.orders import order_quote

        order_quote(self, self.detail.id)


class QuoteLinesDialog(BannerMixin, DbWorkerMixin, ModalScreen[bool]):
    """Modifier les lignes of an unsigned quote: quantities, offers added or removed."""

    CSS_PATH = style_sheet("quotes")

    BINDINGS = [
        Binding("ctrl+s", "save", "Enregistrer", id="lines.save", priority=True),
        Binding("escape", "leave", "Annuler", id="lines.cancel"),
    ]

    def __init__(self, detail):
        super().__init__()
        self.detail = detail
        self._dismissed = False
        self._saved = False  # the save ended (maybe while "Les abandonner ?" was open)
        self._question: ConfirmDialog | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="lines-dialog"):
            yield Static(f"Modifier les lignes · {self.detail.reference}", id="lines-dialog-title")
            yield Static("", id="banner", classes="banner")
            yield QuoteLinesEditor(self.detail.lines)
        yield AppFooter()

    def on_mount(self) -> None:
        self.run_db(offers, signed_in(self.app), done=self._catalogue, group="catalogue")

    def _catalogue(self, rows) -> None:
        editor = self.query_one(QuoteLinesEditor)
        editor.set_catalogue(rows)
        editor.focus_catalogue()

    def action_save(self) -> None:
        self.query_one("#banner", Static).display = False
        self.run_db(
            update_lines,
            signed_in(self.app),
            self.detail.id,
            self.query_one(QuoteLinesEditor).lines,
            self.detail.lock_version,
            done=self._save_done,
            failed=self._refused,
            group="write",
        )

    def _save_done(self, _version) -> None:
        self._saved = True
        if self.app.screen is self:
            self._close(True)
        elif self.app.screen is self._question:
            # Ctrl+S then Échap: the save ended while "Les abandonner ?" was open. Closing the
            # question lets its answer close this dialog from here, once (see `answer`).
            self._question.dismiss(True)
        # Anything else above (the palette, the keys panel): closed by the next Échap.

    def _refused(self, exc: DomainError) -> None:
        self.show_refusal(exc)

    def show_field_errors(self, errors: dict[str, str]) -> None:
        self.query_one(QuoteLinesEditor).show_errors(errors)

    def _close(self, result: bool) -> None:
        """Dismiss once (a second dismiss would fail: the result is already given)."""
        if self._dismissed or self.app.screen is not self:
            return
        self._dismissed = True
        self.dismiss(result)

    def action_leave(self) -> None:
        if self._saved or not self.query_one(QuoteLinesEditor).changed:
            self._close(self._saved)
            return

        def answer(discard: bool | None) -> None:
            self._question = None
            if self._saved:
                self._close(True)
            elif discard:
                self._close(False)

        self._question = ConfirmDialog(
            "Les lignes modifiées ne sont pas enregistrées.\nLes abandonner ?",
            yes="Abandonner",
            no="Rester",
        )
        self.app.push_screen(self._question, answer)
