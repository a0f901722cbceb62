"""Entreprises: the lists against the database, who sees what, and the edits (versions, IBAN, contacts)."""

from __future__ import annotations

import json

import pytest

from db.companies import detail as cd
from db.companies import editing as co
from db.companies import lists as cl
from db.companies.lists import CompanyFilters, ContactFilters
from db.companies.prospects import load_prospect, save_company_step
from db.core.errors import ConcurrentEditError, DomainError, NotFound, ValidationErrors
from db.core.models import AuditLog, BillingPoint, Company, CompanyKind, Contact, Quote, Site, fold
from db.core.validation import format_siren

VALID_IBAN = "FR7630004000031234567890143"


def _first_client(scope) -> Company:
    return (
        scope.companies()
        .where((Company.kind == CompanyKind.CLIENT) & Company.client_number.is_null(False))
        .order_by(Company.id)
        .first()
    )


def _billing_data(company_id: int, **changes) -> dict:
    data = co.billing_form_values(
        BillingPoint.select().where(BillingPoint.company == company_id).first()
    )
    data.update(changes)
    return data


def _company_data(company_id: int, **changes) -> dict:
    company = Company.get_by_id(company_id)
    data = co.company_form_values(company, co.main_site(company))
    data.update(changes)
    return data


# -- lists -------------------------------------------------------------------------------------


@pytest.mark.parametrize("login", ["revendeur", "revendeur2", "operateur"])
@pytest.mark.parametrize(
    "kind", [CompanyKind.CLIENT, CompanyKind.RESELLER, CompanyKind.OTHER, CompanyKind.OPERATOR]
)
def test_each_list_is_the_scoped_rows_of_its_kind(scopes, login, kind):
    scope = scopes[login]
    if kind == CompanyKind.OPERATOR and not scope.is_operator:
        expected = {scope.operator_id}
    else:
        expected = {c.id for c in scope.companies().where(Company.kind == kind)}
    rows = cl.list_companies(scope, kind, CompanyFilters(), 0, 1000)
    assert {r.id for r in rows} == expected
    assert cl.count_companies(scope, kind, CompanyFilters()) == len(expected)
    assert all(r.kind == kind for r in rows)


def test_clients_row_shows_number_place_and_siren(scopes):
    scope = scopes["revendeur"]
    client = _first_client(scope)
    site = co.main_site(client)
    (row,) = cl.list_companies(
        scope, CompanyKind.CLIENT, CompanyFilters(identifiant=str(client.id)), 0, 10
    )
    assert row.client_number == client.client_number
    assert row.place == f"{site.postcode} {site.city}"
    assert row.siren == format_siren(client.siren)


def test_client_filters_are_applied_in_sql(scopes):
    scope = scopes["operateur"]
    client = _first_client(scope)
    site = co.main_site(client)
    for filters in (
        CompanyFilters(client_number=client.client_number.lower()),
        CompanyFilters(client_number=client.client_number[-4:]),
        CompanyFilters(siren=format_siren(client.siren)),
        CompanyFilters(identifiant=str(client.id)),
    ):
        rows = cl.list_companies(scope, CompanyKind.CLIENT, filters, 0, 100)
        assert client.id in {r.id for r in rows}, filters

    word = client.name.split()[1].lower()
    rows = cl.list_companies(scope, CompanyKind.CLIENT, CompanyFilters(name=word), 0, 1000)
    expected = {
        c.id
        for c in scope.companies().where(
            (Company.kind == CompanyKind.CLIENT) & Company.search_name.contains(fold(word))
        )
    }
    assert {r.id for r in rows} == expected and client.id in expected

    rows = cl.list_companies(
        scope, CompanyKind.CLIENT, CompanyFilters(place=site.postcode), 0, 1000
    )
    assert rows and all(r.place.startswith(site.postcode) for r in rows)
    assert cl.count_companies(scope, CompanyKind.CLIENT, CompanyFilters(identifiant="abc")) == 0


def test_lists_page(scopes):
    scope = scopes["operateur"]
    total = cl.count_companies(scope, CompanyKind.CLIENT, CompanyFilters())
    assert total > 5
    first = cl.list_companies(scope, CompanyKind.CLIENT, CompanyFilters(), 0, 3)
    second = cl.list_companies(scope, CompanyKind.CLIENT, CompanyFilters(), 3, 3)
    assert len(first) == 3 and not {r.id for r in first} & {r.id for r in second}


def test_contacts_list_and_filters(scopes):
    scope = scopes["revendeur"]
    expected = {
        c.id
        for c in Contact.select()
        .join(Company, on=(Contact.company == Company.id))
        .where(Company.reseller == scope.company_id)
    }
    rows = cl.list_contacts(scope, ContactFilters(), 0, 1000)
    assert {r.id for r in rows} == expected
    assert cl.count_contacts(scope, ContactFilters()) == len(expected)

    nadia = next(r for r in rows if r.last_name == "LEROUX")
    assert nadia.company_id == 1745 and nadia.phone == "01 47 30 11 22"
    assert nadia.admin_label == "non"
    for filters in (
        ContactFilters(name="leroux nadia"),
        ContactFilters(company="1745"),
        ContactFilters(company="garage du centre"),
        ContactFilters(email="garageducentre"),
        ContactFilters(admin="non"),
    ):
        assert nadia.id in {r.id for r in cl.list_contacts(scope, filters, 0, 1000)}, filters
    admins = cl.list_contacts(scope, ContactFilters(admin="oui"), 0, 1000)
    assert admins and all(r.is_admin for r in admins)


def test_search_companies_by_name_identifiant_and_client_number(scopes):
    scope = scopes["revendeur"]
    client = _first_client(scope)
    by_number = cl.search_companies(scope, client.client_number, 5)
    assert by_number[0].id == client.id
    assert cl.search_companies(scope, str(client.id), 5)[0].id == client.id
    # Prospects have no N° client: they must still be found by name.
    hits = cl.search_companies(scope, "boulangerie martin", 20)
    assert 1744 in {h.id for h in hits}
    assert next(h for h in hits if h.id == 1744).kind == CompanyKind.PROSPECT
    assert cl.search_companies(scope, "  ", 5) == []


# -- who sees what -----------------------------------------------------------------------------


def test_reseller_sees_its_operator_read_only(scopes):
    scope = scopes["revendeur"]
    detail = cd.load_company(scope, scope.operator_id)
    assert detail.read_only and not detail.can_edit_company and not detail.can_edit_contacts
    assert detail.contacts == () and detail.billing_points == () and detail.quotes == ()
    with pytest.raises(NotFound):
        co.save_company(scope, scope.operator_id, _company_data(scope.operator_id))
    with pytest.raises(NotFound):
        co.save_contact(scope, scope.operator_id, None, _contact())
    # Another operator stays invisible.
    with pytest.raises(NotFound):
        cd.load_company(scope, 6)


def test_revendeur2_gets_nothing_of_revendeur(scopes):
    mine, other = scopes["revendeur"], scopes["revendeur2"]
    theirs = {c.id for c in mine.companies()}
    client = _first_client(mine)
    contact = Contact.get(Contact.company == 1745)

    for kind in cl.LIST_KINDS:
        rows = cl.list_companies(other, kind, CompanyFilters(), 0, 10_000)
        assert not {r.id for r in rows} & theirs
        assert not cl.list_companies(other, kind, CompanyFilters(identifiant=str(client.id)))
    assert not cl.list_companies(
        other, CompanyKind.CLIENT, CompanyFilters(client_number=client.client_number)
    )
    contacts = cl.list_contacts(other, ContactFilters(), 0, 10_000)
    assert not {r.company_id for r in contacts} & theirs
    assert not cl.list_contacts(other, ContactFilters(company="1745"))
    for text in (client.name, str(client.id), client.client_number, "boulangerie martin"):
        assert not {h.id for h in cl.search_companies(other, text, 50)} & theirs, text

    for call in (
        lambda: cd.load_company(other, client.id),
        lambda: cd.load_company(other, 1744),
        lambda: co.save_company(other, client.id, _company_data(client.id)),
        lambda: co.load_billing_point(other, client.id, None),
        lambda: co.save_billing_point(other, client.id, None, _billing_data(client.id)),
        lambda: co.load_contact(other, 1745, contact.id),
        lambda: co.save_contact(other, 1745, None, _contact()),
        lambda: co.save_contact(other, 1745, contact.id, _contact()),
    ):
        with pytest.raises(NotFound):
            call()
    assert Contact.select().where(Contact.company == 1745).count() == 1


# -- detail --------------------------------------------------------------------------------------


def test_client_detail_holds_its_records_with_masked_iban(scopes):
    scope = scopes["operateur"]
    quoted = (
        Company.select()
        .join(Quote, on=(Quote.company == Company.id))
        .where(Company.kind == CompanyKind.CLIENT)
        .first()
    )
    detail = cd.load_company(scope, quoted.id)
    assert detail.can_edit_company and detail.can_edit_billing and detail.can_edit_contacts
    assert detail.sites[0].is_main
    assert detail.quotes and all(q.reference.startswith("DEV") for q in detail.quotes)
    billing = BillingPoint.get(BillingPoint.company == quoted.id)
    (summary,) = detail.billing_points
    assert "*" in summary.iban and billing.iban not in summary.iban.replace(" ", "")
    assert summary.iban.replace(" ", "")[-4:] == billing.iban[-4:]
    assert detail.versions == {
        "company": quoted.lock_version,
        "site": co.main_site(quoted).lock_version,
    }


def test_reseller_edits_its_clients_not_its_own_company(scopes):
    scope = scopes["revendeur"]
    assert cd.load_company(scope, _first_client(scope).id).can_edit_company
    own = cd.load_company(scope, scope.company_id)
    assert not own.can_edit_company and own.can_edit_contacts
    with pytest.raises(DomainError):
        co.save_company(scope, scope.company_id, _company_data(scope.company_id))
    with pytest.raises(DomainError, match="fiche"):
        co.save_company(scope, 1744, _company_data(1744))


# -- edits ---------------------------------------------------------------------------------------


def test_company_edit_saves_with_versions_and_refuses_a_stale_one(scopes):
    scope = scopes["revendeur"]
    client = _first_client(scope)
    detail = cd.load_company(scope, client.id)
    versions = dict(detail.versions)
    co.save_company(
        scope, client.id, _company_data(client.id, name="NOUVEAU NOM", site_city="LYON"), versions
    )
    saved = Company.get_by_id(client.id)
    assert saved.name == "NOUVEAU NOM" and saved.search_name == "nouveau nom"
    assert co.main_site(saved).city == "LYON" and co.main_site(saved).search_city == "lyon"
    assert saved.lock_version == versions["company"] + 1 and saved.updated_by == "revendeur"
    assert AuditLog.get(
        (AuditLog.action == "company_saved") & (AuditLog.entity_id == client.id)
    ).login == ("revendeur")

    # A second editor who loaded before that save is refused, naming who saved.
    with pytest.raises(ConcurrentEditError, match="revendeur"):
        co.save_company(scope, client.id, _company_data(client.id, name="AUTRE"), versions)
    assert Company.get_by_id(client.id).name == "NOUVEAU NOM"


def test_company_edit_refuses_a_stale_site_and_writes_nothing(scopes):
    scope = scopes["revendeur"]
    client = _first_client(scope)
    versions = dict(cd.load_company(scope, client.id).versions)
    Site.update(lock_version=Site.lock_version + 1).where(Site.company == client.id).execute()
    with pytest.raises(ConcurrentEditError):
        co.save_company(scope, client.id, _company_data(client.id, name="PERDU"), versions)
    assert Company.get_by_id(client.id).name == client.name  # rolled back with the site


def test_company_edit_validates_with_the_wizard_messages(scopes):
    scope = scopes["revendeur"]
    client = _first_client(scope)
    with pytest.raises(ValidationErrors) as exc:
        co.save_company(
            scope, client.id, _company_data(client.id, name="", siren="123", site_postcode="1")
        )
    assert set(exc.value.errors) == {"name", "siren", "site_postcode"}
    assert exc.value.errors["name"] == "Ce champ est obligatoire."


def test_client_cannot_take_another_clients_siret(scopes):
    scope = scopes["operateur"]
    first, second = (
        scope.companies().where(Company.kind == CompanyKind.CLIENT).order_by(Company.id).limit(2)
    )
    with pytest.raises(DomainError, match=second.client_number):
        co.save_company(
            scope, first.id, _company_data(first.id, siren=second.siren, siret=second.siret)
        )


def test_invalid_iban_refused_then_valid_one_saved_and_audited(scopes):
    scope = scopes["revendeur"]
    client = _first_client(scope)
    record = co.load_billing_point(scope, client.id, None)
    before = BillingPoint.get_by_id(record.billing_id)
    bad = VALID_IBAN[:-1] + "0"
    with pytest.raises(ValidationErrors) as exc:
        co.save_billing_point(
            scope, client.id, record.billing_id, dict(record.values, iban=bad), record.version
        )
    assert "iban" in exc.value.errors and "IBAN" in exc.value.errors["iban"]
    assert BillingPoint.get_by_id(record.billing_id).iban == before.iban

    co.save_billing_point(
        scope,
        client.id,
        record.billing_id,
        dict(record.values, iban="fr76 3000 4000 0312 3456 7890 143", payment_mode="Prélèvement"),
        record.version,
    )
    after = BillingPoint.get_by_id(record.billing_id)
    assert after.iban == VALID_IBAN and after.lock_version == record.version + 1
    assert after.rum  # Prélèvement needs a Code rum: generated once
    row = AuditLog.get(
        (AuditLog.action == "billing_point_saved") & (AuditLog.entity_id == record.billing_id)
    )
    details = json.loads(row.details)
    assert row.login == "revendeur" and details["company"] == client.id
    assert VALID_IBAN not in row.details and details["iban"].replace(" ", "").endswith("0143")

    with pytest.raises(ConcurrentEditError):
        co.save_billing_point(
            scope, client.id, record.billing_id, dict(record.values), record.version
        )


def test_billing_points_are_edited_for_clients_only(scopes):
    scope = scopes["operateur"]
    with pytest.raises(NotFound):
        co.load_billing_point(scope, 10, None)  # an "Entreprise autre"
    with pytest.raises(NotFound):
        co.save_billing_point(scope, 1744, None, _billing_data(1744))  # a prospect


def test_client_without_billing_point_gets_one(scopes):
    scope = scopes["revendeur"]
    client = _first_client(scope)
    BillingPoint.delete().where(BillingPoint.company == client.id).execute()
    record = co.load_billing_point(scope, client.id, None)
    assert record.billing_id is None and record.values["holder"] == client.name
    data = dict(
        record.values,
        email="compta@exemple.fr",
        iban=VALID_IBAN,
        bic="BNPAFRPP",
    )
    new_id = co.save_billing_point(scope, client.id, None, data)
    assert BillingPoint.get_by_id(new_id).company_id == client.id
    assert AuditLog.get(AuditLog.action == "billing_point_created").entity_id == new_id


def _contact(**changes) -> dict:
    data = {
        "civility": "Madame",
        "last_name": "NOUVELLE",
        "first_name": "Anne",
        "phone": "01 84 78 78 80",
        "mobile": "",
        "fax": "",
        "email": "anne.nouvelle@exemple.fr",
    }
    data.update(changes)
    return data


def test_contact_added_to_any_visible_company_then_edited(scopes):
    scope = scopes["revendeur"]
    for company_id in (_first_client(scope).id, 9, scope.company_id, 1743):
        contact_id = co.save_contact(scope, company_id, None, _contact())
        contact = Contact.get_by_id(contact_id)
        assert contact.company_id == company_id and not contact.is_admin
        assert contact.phone == "+33184787880" and contact.search_name == "nouvelle anne"
        assert AuditLog.get(
            (AuditLog.action == "contact_created") & (AuditLog.entity_id == contact_id)
        )

    record = co.load_contact(scope, 1743, contact_id)
    co.save_contact(
        scope, 1743, contact_id, dict(record.values, last_name="DURAND"), record.version
    )
    assert Contact.get_by_id(contact_id).search_name == "durand anne"
    assert AuditLog.get((AuditLog.action == "contact_saved") & (AuditLog.entity_id == contact_id))
    with pytest.raises(ConcurrentEditError):
        co.save_contact(scope, 1743, contact_id, record.values, record.version)


def test_contact_validation_messages(scopes):
    scope = scopes["revendeur"]
    with pytest.raises(ValidationErrors) as exc:
        co.save_contact(
            scope, 1743, None, _contact(civility="", last_name="", email="x@", phone="12")
        )
    assert set(exc.value.errors) == {"civility", "last_name", "email", "phone"}
    assert exc.value.errors["last_name"] == "Ce champ est obligatoire."


def test_wizard_step_1_still_saves_and_checks_versions(scopes):
    """The wizard's step 1 shares write_company_identity: creation and a stale save."""
    scope = scopes["revendeur"]
    data = _company_data(1743, name="CABINET NEUF")
    new_id = save_company_step(scope, None, data)
    created = load_prospect(scope, new_id)
    assert created.company.creation_step == 1 and created.company.lock_version == 1
    assert created.site.city == "CLICHY" and created.company.reseller_id == scope.company_id

    record = load_prospect(scope, 1743)
    save_company_step(scope, 1743, dict(data, name="DUVAL BIS"), record.versions)
    with pytest.raises(ConcurrentEditError):
        save_company_step(scope, 1743, dict(data, name="DUVAL TER"), record.versions)
    assert Company.get_by_id(1743).name == "DUVAL BIS"
