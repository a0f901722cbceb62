"""CSV exports of Prospects, Clients, Opérateurs, Ambassadeurs, Entreprises autres, Contacts,
Mes devis and Formulaires: the columns each list shows, its filters applied, read through the
list's own paged query in the user's Scope (db.exchange.csv_format.export_pages: one page in
memory at a time); also Catalogue, Commandes and Mes services: every list export is here.

None of these lists shows an IBAN; a column that did would be written masked, as the list
shows it (db.core.validation.mask_iban).
"""

from __future__ import annotations

from typing import Any

from db.companies.lists import CompanyFilters, ContactFilters, list_companies, list_contacts
from db.companies.prospects import ProspectFilters, list_prospects
from db.core.keyset import Pager
from db.core.kinds import CompanyKind
from db.core.scope import Scope
from db.documents.storage import DocumentFilters, list_documents
from db.exchange.csv_format import export_pages, french_amount
from db.files.folders import FolderFile
from db.orders.orders import OrderFilters, list_orders
from db.orders.subscriptions import ServiceFilters, list_services
from db.quotes.catalogue import OfferFilters, list_offers
from db.quotes.lists import QuoteFilters, list_quotes

PROSPECT_HEADER = ("IDENTIFIANT", "RAISON SOCIALE", "CODE POSTAL / VILLE", "ETAT")


def export_prospects(
    scope: Scope, filters: ProspectFilters, target: FolderFile, *, overwrite: bool = False
) -> int:
    """The Prospects list as filtered on screen (its columns, without ACTION)."""
    pager = Pager()  # page after page by keyset: no OFFSET growing with the file (db.core.keyset)
    return export_pages(
        scope,
        "prospects",
        target,
        PROSPECT_HEADER,
        lambda offset, limit: list_prospects(scope, filters, offset, limit, pager=pager),
        lambda r: (r.id, r.name, r.place, r.etat),
        overwrite=overwrite,
    )


COMPANY_HEADER = ("IDENTIFIANT", "RAISON SOCIALE", "CODE POSTAL / VILLE", "SIREN")
CLIENT_HEADER = ("IDENTIFIANT", "N° client", "RAISON SOCIALE", "CODE POSTAL / VILLE", "SIREN")
# The list a kind is exported from, as the audit log names it.
COMPANY_LISTS = {
    CompanyKind.CLIENT: "clients",
    CompanyKind.OPERATOR: "operateurs",
    CompanyKind.RESELLER: "ambassadeurs",
    CompanyKind.OTHER: "entreprises-autres",
}


def export_companies(
    scope: Scope, kind: str, filters: CompanyFilters, target: FolderFile, *, overwrite: bool = False
) -> int:
    """Clients (with their N° client), Opérateurs, Ambassadeurs or Entreprises autres."""
    if kind == CompanyKind.CLIENT:
        header: tuple[str, ...] = CLIENT_HEADER

        def to_row(r: Any) -> tuple[object, ...]:
            return (r.id, r.client_number, r.name, r.place, r.siren)
    else:
        header = COMPANY_HEADER

        def to_row(r: Any) -> tuple[object, ...]:
            return (r.id, r.name, r.place, r.siren)

    pager = Pager()
    return export_pages(
        scope,
        COMPANY_LISTS[kind],
        target,
        header,
        lambda offset, limit: list_companies(scope, kind, filters, offset, limit, pager=pager),
        to_row,
        overwrite=overwrite,
    )


CONTACT_HEADER = ("Nom", "Prénom", "Entreprise", "Téléphone", "E-mail", "Administrateur")


def export_contacts(
    scope: Scope, filters: ContactFilters, target: FolderFile, *, overwrite: bool = False
) -> int:
    pager = Pager()
    return export_pages(
        scope,
        "contacts",
        target,
        CONTACT_HEADER,
        lambda offset, limit: list_contacts(scope, filters, offset, limit, pager=pager),
        lambda r: (r.last_name, r.first_name, r.company_name, r.phone, r.email, r.admin_label),
        overwrite=overwrite,
    )


QUOTE_HEADER = (
    "N° devis / Version",
    "Client",
    "N° client",
    "Commune",
    "Nom des offres",
    "Création",
    "Étape",
    "Partenaires",
    "Commercial",
    "M.E.S.",
    "ABO.",
)


def export_quotes(
    scope: Scope, filters: QuoteFilters, target: FolderFile, *, overwrite: bool = False
) -> int:
    """Mes devis, newest first; the M.E.S. / ABO. column as two amounts a spreadsheet adds up."""
    pager = Pager()
    return export_pages(
        scope,
        "devis",
        target,
        QUOTE_HEADER,
        lambda offset, limit: list_quotes(scope, filters, offset, limit, pager=pager),
        lambda r: (
            r.reference,
            r.client,
            r.client_number,
            r.commune,
            r.offers,
            r.created,
            r.step_label,
            r.partners,
            r.commercial,
            french_amount(r.setup_total),
            french_amount(r.monthly_total),
        ),
        overwrite=overwrite,
    )


DOCUMENT_HEADER = ("TYPE", "IDENTIFIANT", "ENTREPRISE", "FICHIER", "TAILLE", "DATE", "PAR")


def export_documents(
    scope: Scope, filters: DocumentFilters, target: FolderFile, *, overwrite: bool = False
) -> int:
    """Formulaires: the documents' descriptions (never their contents), newest first."""
    return export_pages(
        scope,
        "documents",
        target,
        DOCUMENT_HEADER,
        lambda offset, limit: list_documents(scope, filters, offset, limit),
        lambda r: (
            r.kind_label,
            r.company_id,
            r.company_name,
            r.filename,
            r.size_label,
            r.date_label,
            r.created_by,
        ),
        overwrite=overwrite,
    )


OFFER_HEADER = ("Offre", "M.E.S.", "ABO.", "Statut")


def export_offers(
    scope: Scope, filters: OfferFilters, path: FolderFile, *, overwrite: bool = False
) -> int:
    """The filtered catalogue to a CSV file, read from the database page by page."""
    return export_pages(
        scope,
        "catalogue",
        path,
        OFFER_HEADER,
        lambda offset, limit: list_offers(scope, filters, offset, limit),
        lambda r: (r.name, french_amount(r.setup_fee), french_amount(r.monthly_fee), r.status),
        overwrite=overwrite,
    )


ORDER_HEADER = ("N° commande", "Client", "N° client", "Devis", "Date", "Statut", "M.E.S.", "ABO.")


def export_orders(
    scope: Scope, filters: OrderFilters, path: FolderFile, *, overwrite: bool = False
) -> int:
    return export_pages(
        scope,
        "orders",
        path,
        ORDER_HEADER,
        lambda offset, limit: list_orders(scope, filters, offset, limit),
        lambda r: (
            r.number,
            r.client,
            r.client_number,
            r.quote,
            r.created,
            r.status,
            french_amount(r.setup_total),
            french_amount(r.monthly_total),
        ),
        overwrite=overwrite,
    )


SERVICE_HEADER = (
    "Client",
    "N° client",
    "Offre",
    "Quantité",
    "Montant mensuel",
    "Depuis le",
    "Total mensuel du client",
)


def export_services(
    scope: Scope, filters: ServiceFilters, path: FolderFile, *, overwrite: bool = False
) -> int:
    return export_pages(
        scope,
        "services",
        path,
        SERVICE_HEADER,
        lambda offset, limit: list_services(scope, filters, offset, limit),
        lambda r: (
            r.client,
            r.client_number,
            r.offer,
            r.quantity,
            french_amount(r.monthly_amount),
            r.since_label,
            french_amount(r.client_monthly_total),
        ),
        overwrite=overwrite,
    )
