"""SEPA Core direct-debit mandate: the data it needs, its legal wording and its one-page A4 PDF.

The PDF is drawn by db.documents.mandate_pdf, imported only when a mandate is rendered: fpdf2 (and its
font and image libraries) costs nothing to the screens and commands that never print one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from db.core.errors import DomainError

PAYMENT_RECURRENT = "Paiement récurrent / répétitif"
PAYMENT_ONE_OFF = "Paiement ponctuel"


@dataclass
class MandateData:
    rum: str
    creditor_name: str
    creditor_ics: str
    creditor_address: str
    debtor_name: str
    debtor_address: str
    iban: str
    bic: str
    place: str = ""
    signed_on: datetime.date | None = None
    payment_type: str = PAYMENT_RECURRENT


_MANDATORY = (
    ("rum", "RUM"),
    ("creditor_name", "Nom du créancier"),
    ("creditor_ics", "ICS"),
    ("creditor_address", "Adresse du créancier"),
    ("debtor_name", "Titulaire du compte"),
    ("debtor_address", "Adresse du débiteur"),
    ("iban", "IBAN"),
    ("bic", "BIC"),
)


def missing_fields(data: MandateData) -> list[str]:
    """French labels of the mandatory mandate elements that are empty, in form order."""
    return [label for attr, label in _MANDATORY if not (getattr(data, attr) or "").strip()]


def legal_text(creditor_name: str) -> str:
    """Authorisation and refund-right wording required on every SEPA Core mandate (EPC rulebook)."""
    return (
        f"En signant ce formulaire de mandat, vous autorisez (A) {creditor_name} à envoyer des "
        "instructions à votre banque pour débiter votre compte, et (B) votre banque à débiter "
        f"votre compte conformément aux instructions de {creditor_name}. Vous bénéficiez du "
        "droit d'être remboursé par votre banque selon les conditions décrites dans la "
        "convention que vous avez passée avec elle. Une demande de remboursement doit être "
        "présentée dans les 8 semaines suivant la date de débit de votre compte pour un "
        "prélèvement autorisé."
    )


RIGHTS_NOTE = (
    "Vos droits concernant le présent mandat sont expliqués dans un document que vous pouvez "
    "obtenir auprès de votre banque."
)


# Tried in turn until everything fits on the page; below 0.75 the small print stops being legible.
_SCALES = (1.0, 0.92, 0.84, 0.76)


def render_mandate_pdf(data: MandateData) -> bytes:
    """One A4 page; DomainError listing the missing mandatory elements if any."""
    missing = missing_fields(data)
    if missing:
        raise DomainError(
            "Le mandat ne peut pas être généré : il manque " + ", ".join(missing) + "."
        )
    if data.payment_type not in (PAYMENT_RECURRENT, PAYMENT_ONE_OFF):
        raise ValueError(f"type de paiement inconnu : {data.payment_type!r}")
    from db.documents.mandate_pdf import draw_mandate  # noqa: PLC0415 - fpdf2 only when a PDF is made

    for k in _SCALES:
        pdf = draw_mandate(data, k)
        if pdf.fits:
            return bytes(pdf.output())
    raise DomainError(
        "Le mandat ne peut pas être généré : les noms et adresses sont trop longs pour tenir "
        "sur une page. Raccourcissez-les."
    )
