"""Nouveau devis: the prospect or client it is for, the commercial, offers and quantities, live totals."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static
from textual.widgets.option_list import Option

from db.companies import search_companies
from db.core import CompanyKind, DomainError
from db.quotes import commercials, create_quote, offers
from tui.toolkit.db_worker import DbWorkerMixin
from tui.toolkit.dialogs.confirm import ConfirmDialog
from tui.toolkit.host import signed_in
from tui.toolkit.refusal import BannerMixin
from tui.toolkit.styles import style_sheet
from tui.toolkit.widgets.card import plain
from tui.toolkit.widgets.footer import AppFooter
from tui.toolkit.widgets.header import AppHeader
from tui.toolkit.widgets.option_list import OptionList, Select  # Textual's, minus a crash
from tui.toolkit.widgets.quote_lines import QuoteLinesEditor

COMPANY_MISSING = "Choisissez le prospect ou le client du devis."
MATCHES = 8
QUOTABLE = (CompanyKind.PROSPECT, CompanyKind.CLIENT)  # a quote is for one of these


class QuoteNewScreen(BannerMixin, DbWorkerMixin, Screen):
    CSS_PATH = style_sheet("quotes")
    BINDINGS = [
        Binding("ctrl+s", "save", "Créer le devis", id="quote_new.save", priority=True),
        Binding("escape", "leave", "Retour", id="quote_new.back"),
    ]

    def __init__(self):
        super().__init__()
        self.company = None  # the chosen db.companies.lists.CompanyHit
        self.matches: list = []

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("[b]Nouveau devis[/b]  ·  E-boutique › Mes devis", classes="screen-title")
        yield Static("", id="banner", classes="banner")
        with Vertical(id="new-quote"):
            with Horizontal(id="company-row"):
                with Vertical(id="company-box"):
                    yield Label("Entreprise (prospect ou client) *", classes="caption")
                    yield Input(
                        placeholder="Raison sociale, IDENTIFIANT ou N° client · ↓ : choisir",
                        id="company-search",
                        compact=True,
                    )
                    yield Static("", classes="error")
                with Vertical(id="commercial-box"):
                    yield Label("Commercial", classes="caption")
                    yield Select([], prompt="Moi-même", id="commercial", compact=True)
            yield OptionList(id="company-matches")
            yield Static("", id="company-chosen")
            yield QuoteLinesEditor()
        yield AppFooter()

    def on_mount(self) -> None:
        self.sub_title = "Nouveau devis"
        scope = signed_in(self.app)
        self.run_db(offers, signed_in(self.app), done=self._catalogue, group="catalogue")
        self.run_db(commercials, scope, active_only=True, done=self._commercials, group="users")
        self._chosen(None)
        self.query_one("#company-search", Input).focus()

    def _catalogue(self, rows) -> None:
        self.query_one(QuoteLinesEditor).set_catalogue(rows)

    def _commercials(self, users) -> None:
        self.query_one("#commercial", Select).set_options(
            [(name, user_id) for user_id, name in users]
        )

    # -- the company: filter as you type --------------------------------------------------------
    @on(Input.Changed, "#company-search")
    def _search(self, event: Input.Changed) -> None:
        if self.company is not None and event.value == self.company.name:
            return
        self._chosen(None)
        text = event.value.strip()
        if not text:
            self._show_matches([])
            return
        # Exclusive group: a newer keystroke cancels the older query.
        self.run_db(
            search_companies,
            signed_in(self.app),
            text,
            MATCHES,
            QUOTABLE,
            done=self._show_matches,
            group="find",
        )

    def _show_matches(self, matches: list) -> None:
        self.matches = matches
        box = self.query_one("#company-matches", OptionList)
        box.clear_options()
        box.add_options(Option(choice.label, id=str(i)) for i, choice in enumerate(matches))
        if matches:
            box.highlighted = 0
        box.set_class(
            bool(matches) or bool(self.query_one("#company-search", Input).value), "-open"
        )
        if not matches and self.query_one("#company-search", Input).value.strip():
            box.add_option(Option("Aucun prospect ni client ne correspond.", disabled=True))

    def on_key(self, event) -> None:
        # ↓ from the search box goes to the matches, as in a combo box.
        if event.key == "down" and self.focused is self.query_one("#company-search", Input):
            box = self.query_one("#company-matches", OptionList)
            if self.matches:
                event.stop()
                box.focus()

    @on(Input.Submitted, "#company-search")
    def _take_first(self, event: Input.Submitted) -> None:
        event.stop()
        box = self.query_one("#company-matches", OptionList)
        if self.matches:
            self._pick(self.matches[box.highlighted or 0])

    @on(OptionList.OptionSelected, "#company-matches")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self._pick(self.matches[int(event.option.id)])

    def _pick(self, choice) -> None:
        self._chosen(choice)
        self.query_one("#company-search", Input).value = choice.name
        self.query_one("#company-matches", OptionList).set_class(False, "-open")
        self.query_one(QuoteLinesEditor).focus_catalogue()

    def _chosen(self, choice) -> None:
        self.company = choice
        text = (
            f"Devis pour : [b]{plain(choice.label)}[/b]"
            if choice
            else "[dim]Aucune entreprise choisie.[/dim]"
        )
        self.query_one("#company-chosen", Static).update(text)
        if choice:
            self._company_error("")

    def _company_error(self, message: str) -> None:
        box = self.query_one("#company-box")
        box.query_one(".error", Static).update(message)
        box.set_class(bool(message), "-invalid")

    # -- creating ---------------------------------------------------------------------------------
    def action_save(self) -> None:
        editor = self.query_one(QuoteLinesEditor)
        if self.company is None:
            self._company_error(COMPANY_MISSING)
            self.query_one("#company-search", Input).focus()
            return
        commercial = self.query_one("#commercial", Select).value
        self._banner("Création du devis…")
        self.run_db(
            create_quote,
            signed_in(self.app),
            self.company.id,
            editor.lines,
            None if commercial is Select.NULL else commercial,
            done=self._created,
            failed=self._refused,
            group="save",
        )

    def _created(self, quote_id: int) -> None:
        from screens.quote_detail import QuoteDetailScreen

        self.notify("Devis créé.", timeout=3)
        self.app.switch_screen(QuoteDetailScreen(quote_id))

    def _refused(self, exc: DomainError) -> None:
        self.show_refusal(exc)

    def show_field_errors(self, errors: dict[str, str]) -> None:
        self._company_error(errors.get("company", ""))
        self.query_one(QuoteLinesEditor).show_errors(
            {k: v for k, v in errors.items() if k.startswith("lines")}
        )

    def refusal_summary(self, errors: dict[str, str]) -> str:
        others = [v for k, v in errors.items() if k != "company" and not k.startswith("lines")]
        if others:
            return " ".join(["Le devis n'a pas été créé :", *others])
        return "Le devis n'a pas été créé : corrigez ce qui est indiqué."

    # -- leaving ----------------------------------------------------------------------------------
    def action_leave(self) -> None:
        if self.company is None and not self.query_one(QuoteLinesEditor).lines:
            self.app.pop_screen()
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.app.pop_screen()

        self.app.push_screen(
            ConfirmDialog(
                "Ce devis n'est pas créé. Abandonner la saisie ?", yes="Abandonner", no="Rester"
            ),
            answer,
        )
