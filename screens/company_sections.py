"""The form sections of a company's three parts (société and site, point de facturation,
administrateur), the same in the prospect's wizard and in a client's edit forms."""

from __future__ import annotations

from db.core import ADMIN_FIELDS, BILLING_FIELDS, COMPANY_FIELDS
from tui.toolkit.widgets.form import FormSection

_BILLING_ADDRESS_FROM = BILLING_FIELDS.index(next(f for f in BILLING_FIELDS if f.name == "number"))


def step_sections(step: int) -> list[FormSection]:
    if step == 1:
        return [
            FormSection("INFORMATIONS SOCIÉTÉ", COMPANY_FIELDS[:3], id="section-company"),
            FormSection("INFORMATIONS SITE", COMPANY_FIELDS[3:], id="section-site"),
        ]
    if step == 2:
        return [
            FormSection(
                "INFORMATION DE FACTURATION",
                BILLING_FIELDS[:_BILLING_ADDRESS_FROM],
                id="section-billing",
            ),
            FormSection(
                "ADRESSE DE FACTURATION",
                BILLING_FIELDS[_BILLING_ADDRESS_FROM:],
                id="section-billing-address",
            ),
        ]
    return [FormSection("ADMINISTRATEUR", ADMIN_FIELDS, id="section-admin")]
