"""A company's edit forms, opened from its detail: société / site, and a point de facturation."""

from __future__ import annotations

from db.companies.detail import load_company
from db.companies.editing import load_billing_point, save_billing_point, save_company
from db.core.errors import DomainError
from screens.prospect_wizard import step_sections
from tui.toolkit.form_screen import RecordFormScreen
from tui.toolkit.widgets.form import FormSection


class CompanyEditScreen(RecordFormScreen):
    """Éditer: INFORMATIONS SOCIÉTÉ and INFORMATIONS SITE of a client, ambassadeur, ..."""

    HEADING = "INFORMATIONS SOCIÉTÉ / INFORMATIONS SITE"
    SAVED = "Société et site enregistrés."
    SHOW_TVA = True

    def __init__(self, company_id: int):
        super().__init__()
        self.company_id = company_id

    def sections(self) -> list[FormSection]:
        return step_sections(1)

    def load(self, scope):
        detail = load_company(scope, self.company_id)
        if not detail.can_edit_company:
            raise DomainError("Vous ne pouvez pas modifier cette entreprise.")
        c = detail.company
        return detail.company_values(), detail.versions, f"{c.name} ({c.id})"

    def save(self, scope, values: dict, versions: dict):
        return save_company(scope, self.company_id, values, versions)


class BillingEditScreen(RecordFormScreen):
    """Édition du point de facturation of a client: the wizard's step 2 fields and rules."""

    HEADING = "ÉDITION DU POINT DE FACTURATION"
    SAVED = "Point de facturation enregistré."

    def __init__(self, company_id: int, billing_id: int | None):
        super().__init__()
        self.company_id = company_id
        self.billing_id = billing_id

    def sections(self) -> list[FormSection]:
        return step_sections(2)

    def load(self, scope):
        record = load_billing_point(scope, self.company_id, self.billing_id)
        self.billing_id = record.billing_id
        return (
            record.values,
            {"billing": record.version},
            f"{record.company_name} ({record.company_id})",
        )

    def save(self, scope, values: dict, versions: dict):
        return save_billing_point(
            scope, self.company_id, self.billing_id, values, versions.get("billing")
        )
