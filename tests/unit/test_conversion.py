"""Transformer en client: the service's successes and each of its refusals."""

from __future__ import annotations

import pytest

from db.companies.conversion import convert_to_client
from db.companies.prospects import load_prospect
from db.core.errors import ConcurrentEditError, ConversionRefused, NotFound
from db.core.models import AuditLog, Company, CompanyKind
from db.core.validation import format_siret


def test_complete_prospect_becomes_client_with_number_and_audit(scopes):
    number = convert_to_client(scopes["revendeur"], 1744)
    company = Company.get_by_id(1744)
    assert company.kind == CompanyKind.CLIENT
    assert company.client_number == number and number.startswith("CL")
    assert company.converted_by == "revendeur" and company.converted_at is not None
    row = AuditLog.get((AuditLog.action == "converted_to_client") & (AuditLog.entity_id == 1744))
    assert row.login == "revendeur" and number in row.details


def test_numbers_are_unique_and_never_reused(scopes):
    seen = {c.client_number for c in Company.select().where(Company.client_number.is_null(False))}
    number = convert_to_client(scopes["revendeur"], 1744)
    assert number not in seen


def test_incomplete_prospect_refused_listing_missing_and_untouched(scopes):
    before = Company.get_by_id(1743)
    with pytest.raises(ConversionRefused) as exc:
        convert_to_client(scopes["revendeur"], 1743)
    assert "Point de facturation (étape 2)" in exc.value.missing
    assert "Administrateur (étape 3)" in exc.value.missing
    after = Company.get_by_id(1743)
    assert (after.kind, after.client_number, after.lock_version) == (
        CompanyKind.PROSPECT,
        None,
        before.lock_version,
    )


def test_invalid_stored_field_is_listed(scopes):
    from db.core.models import BillingPoint

    BillingPoint.update(iban="FR7630004000031234567890199").where(
        BillingPoint.company == 1744
    ).execute()
    with pytest.raises(ConversionRefused) as exc:
        convert_to_client(scopes["revendeur"], 1744)
    assert any(m.startswith("Iban") for m in exc.value.missing)


def test_already_client_refused(scopes):
    convert_to_client(scopes["revendeur"], 1744)
    with pytest.raises(ConversionRefused, match="déjà client"):
        convert_to_client(scopes["revendeur"], 1744)


def test_siren_held_by_visible_client_refused_naming_it(scopes):
    holder = (
        Company.select()
        .where(
            (Company.kind == CompanyKind.CLIENT)
            & (Company.reseller == scopes["revendeur"].company_id)
        )
        .first()
    )
    Company.update(siren=holder.siren, siret=None).where(Company.id == 1744).execute()
    with pytest.raises(ConversionRefused) as exc:
        convert_to_client(scopes["revendeur"], 1744)
    assert holder.name in exc.value.message and holder.client_number in exc.value.message
    assert Company.get_by_id(1744).kind == CompanyKind.PROSPECT


def test_siret_held_by_other_resellers_client_refused_without_naming_it(scopes):
    other = (
        Company.select()
        .where(
            (Company.kind == CompanyKind.CLIENT)
            & (Company.reseller == scopes["revendeur2"].company_id)
        )
        .first()
    )
    Company.update(siren=other.siren, siret=other.siret).where(Company.id == 1744).execute()
    with pytest.raises(ConversionRefused) as exc:
        convert_to_client(scopes["revendeur"], 1744)
    assert exc.value.message == (
        f"Le SIRET {format_siret(other.siret)} est déjà enregistré pour un autre client : la "
        "transformation est impossible. Vérifiez le numéro ou contactez votre opérateur."
    )
    assert other.name not in exc.value.message and "revendeur" not in exc.value.message


def test_other_reseller_cannot_convert(scopes):
    with pytest.raises(NotFound):
        convert_to_client(scopes["revendeur2"], 1744)
    assert Company.get_by_id(1744).kind == CompanyKind.PROSPECT


def test_stale_version_refused(scopes):
    record = load_prospect(scopes["revendeur"], 1744)
    Company.update(lock_version=Company.lock_version + 1, updated_by="operateur").where(
        Company.id == 1744
    ).execute()
    with pytest.raises(ConcurrentEditError) as exc:
        convert_to_client(scopes["revendeur"], 1744, expected_version=record.versions["company"])
    assert "operateur" in exc.value.message
