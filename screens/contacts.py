"""Contacts: every visible company's people (Nom · Prénom · Entreprise · ...) and the contact form."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from db.companies import ContactFilters, count_contacts, list_contacts, load_contact, save_contact
from db.core import ADMIN_FIELDS, Pager
from db.exchange import export_contacts
from tui.toolkit.form_screen import RecordFormScreen
from tui.toolkit.host import host, signed_in
from tui.toolkit.widgets.footer import AppFooter
from tui.toolkit.widgets.form import FormSection
from tui.toolkit.widgets.header import AppHeader
from tui.toolkit.widgets.record_list import TABLE_FIRST, Column, FilterSpec, RecordList

COLUMNS = (
    Column("last_name", "Nom", 11),
    Column("first_name", "Prénom", 9),
    Column("company", "Entreprise", 18, min_width=10),
    Column("phone", "Téléphone", 14),
    Column("email", "E-mail", 16, min_width=10),
    Column("admin", "Administrateur", 14, min_width=6, short="Admin."),
)
FILTERS = (
    FilterSpec("name", "Nom / Prénom", 24),
    FilterSpec("company", "Entreprise (nom ou IDENTIFIANT)", 34),
    FilterSpec("email", "E-mail", 20),
    FilterSpec("admin", "Admin. oui/non", 16),
)


def _wanted(filters: dict) -> ContactFilters:
    return ContactFilters(**{k: filters.get(k, "") for k in ("name", "company", "email", "admin")})


def fetch_contacts(scope, filters: dict, offset: int, limit: int, pager: Pager | None = None):
    wanted = _wanted(filters)
    rows = list_contacts(scope, wanted, offset, limit, pager=pager)  # keyset: db.core.keyset
    return rows, count_contacts(scope, wanted)


def contact_cells(row) -> tuple:
    return (
        row.last_name,
        row.first_name,
        row.company_name,
        row.phone,
        row.email,
        row.admin_label,
    )


class ContactsScreen(Screen):
    AUTO_FOCUS = TABLE_FIRST
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Retour", id="contacts.back"),
        Binding("ctrl+n", "new", "Nouveau contact", id="contacts.new"),
        Binding("ctrl+d", "company", "Entreprise", id="contacts.company"),
    ]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(
            "[b]Contacts[/b]  ·  Entreprises › GESTION DES ENTREPRISES", classes="screen-title"
        )
        scope, pager = signed_in(self.app), Pager()
        yield RecordList(
            COLUMNS,
            FILTERS,
            fetch=lambda f, o, n: fetch_contacts(scope, f, o, n, pager),
            to_cells=contact_cells,
            row_key=lambda r: r.id,
            page_size=host(self.app).settings.page_size,
            empty_text="Aucun contact ne correspond aux filtres.",
            open_label="Éditer",
            export=lambda f, path, overwrite: export_contacts(
                scope, _wanted(f), path, overwrite=overwrite
            ),
            export_name="contacts",
        )
        yield AppFooter()

    def on_mount(self) -> None:
        self.sub_title = "Contacts"
        self.query_one(RecordList).focus_table()

    def on_screen_resume(self) -> None:
        self.query_one(RecordList).reload(keep_offset=True)

    def _row(self, key: str | None):
        if key is None:
            return None
        return next((r for r in self.query_one(RecordList).rows if str(r.id) == key), None)

    @on(RecordList.Opened)
    def _opened(self, event: RecordList.Opened) -> None:
        row = self._row(event.key)
        if row is not None:
            self.app.push_screen(ContactFormScreen(row.company_id, row.id))

    def action_new(self) -> None:
        """Nouveau contact: pick its company with the selector, then fill the form."""

        def picked(hit) -> None:
            if hit is not None:
                self.app.push_screen(ContactFormScreen(hit.id, None))

        host(self.app).open_screen(
            "company_selector", "Nouveau contact : choisissez l'entreprise", callback=picked
        )

    def action_company(self) -> None:
        row = self._row(self.query_one(RecordList).current_key)
        if row is not None:
            from screens.navigation import open_company

            open_company(self.app, row.company_id, row.company_kind)


class ContactFormScreen(RecordFormScreen):
    """Nouveau contact / Édition du contact: Civilité *, Nom *, Prénom *, Téléphone, ..., E-mail *."""

    SAVED = "Contact enregistré."

    def __init__(self, company_id: int, contact_id: int | None):
        super().__init__()
        self.company_id = company_id
        self.contact_id = contact_id
        self.HEADING = "NOUVEAU CONTACT" if contact_id is None else "ÉDITION DU CONTACT"

    def sections(self) -> list[FormSection]:
        return [FormSection("CONTACT", ADMIN_FIELDS, id="section-contact")]

    def load(self, scope):
        record = load_contact(scope, self.company_id, self.contact_id)
        role = " · administrateur" if record.is_admin else ""
        return (
            record.values,
            {"contact": record.version},
            f"{record.company_name} ({record.company_id}){role}",
        )

    def save(self, scope, values: dict, versions: dict):
        self.contact_id = save_contact(
            scope, self.company_id, self.contact_id, values, versions.get("contact")
        )
        return self.contact_id
