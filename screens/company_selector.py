""" "Sélectionner...": the guide's quick company selector, a modal searched as you type."""

from __future__ import annotations

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static
from textual.widgets.option_list import Option

from db.companies.lists import CompanyHit, search_companies
from db.companies.prospects import etat_label
from db.core.models import CompanyKind
from db.core.text import visible
from tui.toolkit.db_worker import DbWorkerMixin
from tui.toolkit.widgets.option_list import OptionList  # Textual's, minus a crash

DEBOUNCE_SECONDS = 0.12
MAX_HITS = 20


def hit_prompt(hit: CompanyHit) -> str:
    what = hit.kind_label
    if hit.client_number:
        what = f"{what} {hit.client_number}"
    elif hit.kind == CompanyKind.PROSPECT:
        what = f"{what} ({etat_label(hit.creation_step)})"
    details = " · ".join(p for p in (str(hit.id), what, hit.place) if p)
    return f"{escape(visible(hit.name))}  [dim]{escape(visible(details))}[/dim]"


class CompanySelector(DbWorkerMixin, ModalScreen[CompanyHit | None]):
    """Type a few letters of a raison sociale, an IDENTIFIANT or a N° client; Enter opens it."""

    DEFAULT_CSS = """
    CompanySelector { align: center top; }
    CompanySelector > Vertical {
        width: 96; height: auto; max-height: 24; margin: 2 0 0 0;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    CompanySelector #selector-title { text-style: bold; }
    CompanySelector Input { margin: 1 0 0 0; }
    CompanySelector OptionList { height: auto; max-height: 16; margin: 1 0 0 0; border: none; }
    CompanySelector #selector-status { color: $text-muted; height: 1; }
    """
    BINDINGS = [
        Binding("escape", "close", "Fermer", id="selector.close"),
        Binding("down", "move(1)", "Suivant", id="selector.down", show=False),
        Binding("up", "move(-1)", "Précédent", id="selector.up", show=False),
    ]

    def __init__(self, title: str = "Sélectionner..."):
        super().__init__()
        self.title_text = title
        self.hits: list[CompanyHit] = []
        self.shown_for = ""  # the text the shown hits were searched for
        self._timer = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, id="selector-title")
            yield Input(
                placeholder="Raison sociale, IDENTIFIANT ou N° client",
                id="selector-input",
                compact=True,
            )
            yield OptionList(id="selector-hits")
            yield Static("Tapez quelques lettres.", id="selector-status")

    def on_mount(self) -> None:
        self.query_one(OptionList).display = False
        self.query_one(Input).focus()

    @on(Input.Changed, "#selector-input")
    def _changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_SECONDS, self._search)

    def _search(self, then=None) -> None:
        text = self.query_one(Input).value.strip()
        if not text:
            self._show([], text)
            return
        self.query_one("#selector-status", Static).update("Recherche…")

        def done(hits) -> None:
            self._show(hits, text)
            if then is not None:
                then()

        self.run_db(search_companies, self.app.scope, text, MAX_HITS, done=done, group="selector")

    def _show(self, hits: list[CompanyHit], text: str) -> None:
        self.hits = list(hits)
        self.shown_for = text
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(Option(hit_prompt(h), id=str(h.id)) for h in self.hits)
        options.display = bool(self.hits)
        if self.hits:
            options.highlighted = 0
        status = self.query_one("#selector-status", Static)
        if not self.query_one(Input).value.strip():
            status.update("Tapez quelques lettres.")
        elif not self.hits:
            status.update("Aucune entreprise ne correspond.")
        else:
            more = " (les premières)" if len(self.hits) >= MAX_HITS else ""
            status.update(f"{len(self.hits)} entreprise(s){more}  ·  ↑↓ choisir  ·  Entrée ouvrir")

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if not self.hits:
            return
        current = options.highlighted if options.highlighted is not None else -1
        options.highlighted = max(0, min(len(self.hits) - 1, current + delta))

    @on(Input.Submitted, "#selector-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip() != self.shown_for:
            # Enter before the hits caught up with the typing: search now, open the best match.
            if self._timer is not None:
                self._timer.stop()
            self._search(then=lambda: self._pick(0))
            return
        self._pick(self.query_one(OptionList).highlighted)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(event.option_index)

    def _pick(self, index: int | None) -> None:
        if index is not None and 0 <= index < len(self.hits):
            self.dismiss(self.hits[index])

    def action_close(self) -> None:
        self.dismiss(None)


def select_company(app) -> None:
    """F3: open the selector, then the picked company where a user expects it."""

    def picked(hit: CompanyHit | None) -> None:
        if hit is not None:
            from screens.companies import open_company

            open_company(app, hit.id, hit.kind)

    app.push_screen(CompanySelector(), picked)
