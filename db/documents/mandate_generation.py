"""The generated SEPA mandate: a company's billing point and the creditor settings, rendered
(db.documents.mandate) and stored as one of its documents."""

from __future__ import annotations

import hashlib
import re

from db.core.database import atomic
from db.core.errors import DomainError
from db.core.models import BillingPoint, Document
from db.core.scope import Scope
from db.documents.creditor import CreditorSettings, get_creditor_settings
from db.documents.mandate import MandateData, render_mandate_pdf
from db.documents.rum import assign_rum
from db.documents.storage import billing_point_of, document_without_content, store_document

_NO_BILLING = "le point de facturation n'est pas encore enregistré (étape 2)"


def _debtor_address(billing: BillingPoint) -> str:
    first = " ".join(p for p in (billing.number.strip(), billing.street.strip()) if p)
    details = ", ".join(
        f"{label} {value.strip()}"
        for label, value in (
            ("Bâtiment", billing.building),
            ("Etage", billing.floor),
            ("Porte", billing.door),
            ("Escalier", billing.staircase),
        )
        if value.strip()
    )
    town = " ".join(p for p in (billing.postcode.strip(), billing.city.strip()) if p)
    lines = (first, details, billing.complement.strip(), town, billing.country.strip())
    return "\n".join(line for line in lines if line)


def _mandate_data(billing: BillingPoint | None, creditor: CreditorSettings) -> MandateData:
    return MandateData(
        rum=(billing.rum or "") if billing else "",
        creditor_name=creditor.name,
        creditor_ics=creditor.ics,
        creditor_address=creditor.address,
        debtor_name=billing.holder if billing else "",
        debtor_address=_debtor_address(billing) if billing else "",
        iban=billing.iban if billing else "",
        bic=billing.bic if billing else "",
        place=creditor.signature_place,
    )


def _missing(billing: BillingPoint | None, creditor: CreditorSettings) -> list[str]:
    """What a mandate lacks, with the labels of the forms where it is typed (RUM aside)."""
    missing = []
    if billing is None or not billing.holder.strip():
        missing.append("Titulaire du compte")
    if billing is None or not (billing.street.strip() and billing.postcode.strip()):
        missing.append("Adresse de facturation (Voie, Code Postal)")
    if billing is None or not billing.city.strip():
        missing.append("Commune de l'adresse")
    if billing is None or not billing.iban.strip():
        missing.append("Iban")
    if billing is None or not billing.bic.strip():
        missing.append("Code Bic")
    for attr, label in (
        ("name", "Nom du créancier"),
        ("ics", "ICS du créancier"),
        ("address", "Adresse du créancier"),
    ):
        if not getattr(creditor, attr).strip():
            missing.append(f"{label} (Paramètres créancier SEPA)")
    return missing


def _refuse_if_missing(billing: BillingPoint | None, creditor: CreditorSettings) -> None:
    missing = _missing(billing, creditor)
    if missing:
        why = f"{_NO_BILLING} ; " if billing is None else ""
        raise DomainError(
            f"Le mandat ne peut pas être généré : {why}il manque " + ", ".join(missing) + "."
        )


def mandate_data(scope: Scope, company_id: int) -> MandateData:
    """What the mandate of this company would show (RUM empty if none is stored yet)."""
    company = scope.company(company_id)
    return _mandate_data(billing_point_of(company), get_creditor_settings(company.operator_id))


def generate_mandate(scope: Scope, company_id: int) -> Document:
    """Render the company's SEPA mandate and store it with its billing point (one transaction).

    A billing point without a RUM (e.g. Virement) gets one here; a stored RUM is never
    recomputed. Rendering is deterministic, so generating again with unchanged data returns
    the mandate already stored instead of piling up identical copies.
    """
    with atomic():
        company = scope.company(company_id)
        billing = billing_point_of(company)
        creditor = get_creditor_settings(company.operator_id)  # its operator's own
        _refuse_if_missing(billing, creditor)
        if not billing.rum:
            assign_rum(billing.id, None, needed=True)
            billing = BillingPoint.get_by_id(billing.id)
        pdf = render_mandate_pdf(_mandate_data(billing, creditor))
        digest = hashlib.sha256(pdf).hexdigest()
        same = (
            Document.select(Document.id)
            .where(
                (Document.billing_point == billing.id)
                & (Document.kind == Document.KIND_MANDATE_GENERATED)
                & (Document.sha256 == digest)
            )
            .first()
        )
        if same is not None:
            return document_without_content(same.id)
        return store_document(
            scope,
            company.id,
            billing.id,
            Document.KIND_MANDATE_GENERATED,
            f"mandat-{_file_safe(billing.rum)}.pdf",
            pdf,
            digest,
            "mandate_generated",
            {"company": company.id, "rum": billing.rum, "sha256": digest},
        )


def _file_safe(text: str) -> str:
    """A RUM may hold / ? : ( ) , ' + : not wanted in a file name (a "/" would even be a folder)."""
    return re.sub(r"[^A-Za-z0-9.-]+", "_", text).strip("._") or "mandat"
