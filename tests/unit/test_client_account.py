""" "Créer le compte client" from a signed prospect quote: prefill, conversion, refusals."""

from __future__ import annotations

import pytest

from db.core.errors import (
    ConcurrentEditError,
    ConversionRefused,
    NotFound,
    ValidationErrors,
)
from db.core.models import (
    AuditLog,
    BillingPoint,
    Company,
    CompanyKind,
    Contact,
    Quote,
    QuotePartner,
    Site,
)
from db.quotes import client_account as ca
from db.quotes import detail as qd
from tests.unit.quote_data import IBAN, SIRET, guide_quote_id, ids

# --- Créer le compte client ------------------------------------------------------------------


def _form(scope, quote_id):
    prefill = ca.client_account_prefill(scope, quote_id)
    billing = dict(prefill["billing"], email="compta@garageducentre.fr", iban=IBAN, bic="")
    ident = dict(prefill["ident"], siret=SIRET)
    return billing, ident, dict(prefill["admin"]), prefill["versions"]


def _untouched(company_id: int, version: int) -> None:
    company = Company.get_by_id(company_id)
    assert (company.kind, company.client_number, company.lock_version) == (
        CompanyKind.PROSPECT,
        None,
        version,
    )
    assert not BillingPoint.select().where(BillingPoint.company == company_id).exists()
    admins = Contact.select().where((Contact.company == company_id) & Contact.is_admin)
    assert not admins.exists()
    assert not AuditLog.select().where(AuditLog.entity_id == company_id).exists()


def test_prefill_knows_the_prospect(scopes):
    prefill = ca.client_account_prefill(scopes["revendeur"], guide_quote_id())
    assert prefill["billing"]["holder"] == "GARAGE DU CENTRE"
    assert prefill["billing"]["payment_mode"] == "Prélèvement"
    stored = Company.get_by_id(1745)
    assert prefill["ident"] == {"siren": stored.siren, "siret": stored.siret}
    admin = prefill["admin"]
    assert (admin["civility"], admin["last_name"], admin["first_name"]) == (
        "Madame",
        "LEROUX",
        "Nadia",
    )
    assert admin["phone"] == "01 47 30 11 22"
    assert admin["email"] == "nadia.leroux@garageducentre.fr"


def test_create_client_account_converts_the_prospect(scopes):
    scope = scopes["revendeur"]
    quote_id = guide_quote_id()
    billing, ident, admin, versions = _form(scope, quote_id)
    number = ca.create_client_account(scope, quote_id, billing, ident, admin, versions)

    company = Company.get_by_id(1745)
    assert company.kind == CompanyKind.CLIENT and company.client_number == number
    assert company.siret == SIRET and company.vat_number == "FR32403052111"
    assert company.converted_by == "revendeur"
    detail = qd.get_quote(scope, quote_id)
    assert detail.client_number == number and detail.company_kind == CompanyKind.CLIENT
    assert not detail.can_create_client_account
    assert ids(scope, client_number=number) == [quote_id]

    point = BillingPoint.get(BillingPoint.company == 1745)
    assert point.iban == IBAN.replace(" ", "") and point.bic  # BIC filled from the IBAN
    assert point.rum  # generated, the field was left empty
    assert (point.street, point.postcode, point.city) == ("place du Marché", "92110", "CLICHY")
    assert (point.vat_regime, point.payment_terms) == ("Assujetti", "À réception")
    # The known contact became the administrator instead of being recorded twice.
    [contact] = Contact.select().where(Contact.company == 1745)
    assert contact.is_admin and contact.last_name == "LEROUX" and contact.phone == "+33147301122"
    row = AuditLog.get((AuditLog.action == "converted_to_client") & (AuditLog.entity_id == 1745))
    assert row.login == "revendeur" and number in row.details
    assert AuditLog.get(AuditLog.action == "client_account_created").entity_id == quote_id
    with pytest.raises(ConversionRefused, match="déjà client"):
        ca.create_client_account(scope, quote_id, billing, ident, admin)


def test_invalid_siret_is_refused_at_its_field_and_nothing_written(scopes):
    scope = scopes["revendeur"]
    quote_id = guide_quote_id()
    billing, ident, admin, versions = _form(scope, quote_id)
    ident["siret"] = "40305211100018"
    admin["phone"] = ""
    billing["iban"] = "FR76 3000 4000 0312 3456 7890 199"
    with pytest.raises(ValidationErrors) as exc:
        ca.create_client_account(scope, quote_id, billing, ident, admin, versions)
    assert "clé de contrôle" in exc.value.errors["ident.siret"]
    assert {"ident.siret", "admin.phone", "billing.iban"} <= set(exc.value.errors)
    _untouched(1745, versions["company"])
    # Fixed, the same form goes through.
    ident["siret"], admin["phone"], billing["iban"] = SIRET, "01 47 30 11 22", IBAN
    assert ca.create_client_account(scope, quote_id, billing, ident, admin, versions)


def test_siret_of_another_client_rolls_everything_back(scopes):
    scope = scopes["revendeur"]
    quote_id = guide_quote_id()
    holder = Company.get((Company.kind == CompanyKind.CLIENT) & (Company.reseller == 2))
    Company.update(siren="403052111", siret=SIRET).where(Company.id == holder.id).execute()
    billing, ident, admin, versions = _form(scope, quote_id)
    with pytest.raises(ConversionRefused) as exc:
        ca.create_client_account(scope, quote_id, billing, ident, admin, versions)
    assert holder.name in exc.value.message
    _untouched(1745, versions["company"])
    assert not Contact.get(Contact.company == 1745).is_admin
    assert Company.get_by_id(1745).siret != SIRET  # the typed SIRET was rolled back too


def test_incomplete_site_is_listed_by_the_refusal(scopes):
    scope = scopes["revendeur"]
    quote_id = guide_quote_id()
    Site.update(street="").where(Site.company == 1745).execute()
    billing, ident, admin, versions = _form(scope, quote_id)
    with pytest.raises(ConversionRefused) as exc:
        ca.create_client_account(scope, quote_id, billing, ident, admin, versions)
    assert "Voie (Société (étape 1))" in exc.value.missing
    _untouched(1745, versions["company"])


def test_required_fields_and_taken_rum(scopes):
    scope = scopes["revendeur"]
    quote_id = guide_quote_id()
    with pytest.raises(ValidationErrors) as exc:
        ca.create_client_account(scope, quote_id, {}, {}, {})
    assert {
        "billing.email",
        "billing.iban",
        "billing.bic",
        "admin.civility",
        "admin.last_name",
        "admin.first_name",
        "admin.phone",
        "admin.email",
    } <= set(exc.value.errors)
    taken = BillingPoint.get(BillingPoint.company == 1744).rum
    billing, ident, admin, versions = _form(scope, quote_id)
    billing["rum"] = taken
    with pytest.raises(ValidationErrors) as exc:
        ca.create_client_account(scope, quote_id, billing, ident, admin, versions)
    assert set(exc.value.errors) == {"billing.rum"}
    _untouched(1745, versions["company"])


def test_stale_form_is_refused(scopes):
    scope = scopes["revendeur"]
    quote_id = guide_quote_id()
    billing, ident, admin, versions = _form(scope, quote_id)
    Company.update(lock_version=Company.lock_version + 1, updated_by="revendeur").where(
        Company.id == 1745
    ).execute()
    with pytest.raises(ConcurrentEditError):
        ca.create_client_account(scope, quote_id, billing, ident, admin, versions)
    assert Company.get_by_id(1745).kind == CompanyKind.PROSPECT


def test_client_account_only_from_a_signed_prospect_quote(scopes):
    scope = scopes["revendeur"]
    quote_id = guide_quote_id()
    qd.set_step(scope, quote_id, 3, 1)
    assert not qd.get_quote(scope, quote_id).can_create_client_account
    with pytest.raises(ConversionRefused, match="étape 4"):
        ca.client_account_prefill(scope, quote_id)
    client_quote = (
        Quote.select()
        .join(Company, on=(Quote.company == Company.id))
        .where((Company.kind == CompanyKind.CLIENT) & (Quote.reseller == 2))
        .first()
    )
    Quote.update(step=4).where(Quote.id == client_quote.id).execute()
    detail = qd.get_quote(scope, client_quote.id)
    assert detail.client_number and not detail.can_create_client_account
    with pytest.raises(NotFound):
        ca.client_account_prefill(scopes["revendeur2"], guide_quote_id())
    assert QuotePartner.select().count() == Quote.select().count()
