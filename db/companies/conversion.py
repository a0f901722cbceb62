"""'Transformer en client' / 'Créer le compte client': the one conversion, all or nothing."""

from __future__ import annotations

from db.companies.prospects import load_prospect
from db.core import audit
from db.core.database import atomic, is_sqlite
from db.core.errors import ConcurrentEditError, ConversionRefused
from db.core.forms import FIELDS_BY_NAME, clean_admin, clean_billing, clean_company
from db.core.models import Company, CompanyKind, now
from db.core.rows import next_value, update_checked
from db.core.scope import Scope
from db.core.validation import format_siren, format_siret

STEP_NAMES = {
    "company": "Société (étape 1)",
    "billing": "Point de facturation (étape 2)",
    "admin": "Administrateur (étape 3)",
}


def client_number_for(value: int) -> str:
    return f"CL{value:07d}"


def missing_for_conversion(record) -> list[str]:
    """What keeps a prospect from becoming a client, as 'Label (étape N)' items."""
    missing: list[str] = []
    checks = (
        ("company", record.company_values(), clean_company),
        ("billing", record.billing_values() if record.billing else None, clean_billing),
        ("admin", record.admin_values() if record.admin else None, clean_admin),
    )
    for part, values, clean in checks:
        if values is None:
            missing.append(STEP_NAMES[part])
            continue
        _, errors = clean(values)
        labels = FIELDS_BY_NAME[part]
        missing.extend(f"{labels[name].label} ({STEP_NAMES[part]})" for name in errors)
    if record.billing and record.billing.payment_mode == "Prélèvement" and not record.billing.rum:
        missing.append(f"Code rum ({STEP_NAMES['billing']})")
    return missing


def convert_to_client(scope: Scope, company_id: int, expected_version: int | None = None) -> str:
    """Make prospect `company_id` a client and return its new N° client.

    One transaction: it re-reads the prospect under the write lock, so two conversions (or a
    conversion and an edit) of the same prospect end with one winner and one refusal.
    """
    with atomic():
        _lock(company_id)
        company = scope.company(company_id)
        if company.kind == CompanyKind.CLIENT:
            raise ConversionRefused(
                f"« {company.name} » est déjà client (N° client {company.client_number})."
            )
        if company.kind != CompanyKind.PROSPECT:
            raise ConversionRefused(f"« {company.name} » n'est pas un prospect.")
        if expected_version is not None and company.lock_version != expected_version:
            raise ConcurrentEditError(
                company.updated_by, company.updated_at.strftime("%d/%m/%Y à %H:%M")
            )
        record = load_prospect(scope, company_id)
        missing = missing_for_conversion(record)
        if missing:
            raise ConversionRefused(
                "Transformation impossible, il manque ou est invalide : "
                + ", ".join(missing)
                + ".",
                missing,
            )
        _refuse_duplicates(scope, company)
        number = client_number_for(next_value("client_number", start=1000))
        update_checked(
            Company,
            company.id,
            company.lock_version,
            {
                "kind": CompanyKind.CLIENT,
                "client_number": number,
                "converted_at": now(),
                "converted_by": scope.login,
            },
            scope.login,
        )
        audit.record(scope, "converted_to_client", "company", company.id, client_number=number)
        return number


def _lock(company_id: int) -> None:
    """Take the row lock on PostgreSQL (SQLite's BEGIN IMMEDIATE already serialises writers)."""
    if not is_sqlite():
        Company.select(Company.id).where(Company.id == company_id).for_update().execute()


def _refuse_duplicates(scope: Scope, company: Company) -> None:
    for column, value, label, fmt in (
        (Company.siret, company.siret, "SIRET", format_siret),
        (Company.siren, company.siren, "SIREN", format_siren),
    ):
        if not value:
            continue
        holder = Company.get_or_none(
            (column == value) & (Company.kind == CompanyKind.CLIENT) & (Company.id != company.id)
        )
        if holder is None:
            continue
        # Name the holder only if this user may see it; otherwise say nothing of who holds it
        # (not even "another reseller's client": that alone tells who the company deals with).
        if scope.companies().where(Company.id == holder.id).exists():
            raise ConversionRefused(
                f"Le {label} {fmt(value)} est déjà celui du client « {holder.name} » "
                f"(N° client {holder.client_number})."
            )
        raise ConversionRefused(duplicate_hidden(label, fmt(value)))


def duplicate_hidden(label: str, shown: str) -> str:
    """The refusal for a SIREN/SIRET already held by a client this user may not see."""
    return (
        f"Le {label} {shown} est déjà enregistré pour un autre client : la transformation est "
        "impossible. Vérifiez le numéro ou contactez votre opérateur."
    )
