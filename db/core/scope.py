"""Who sees what: every query in db/ goes through the logged-in user's Scope."""

from __future__ import annotations

from dataclasses import dataclass

from db.core.errors import NotFound
from db.core.models import Company, User


@dataclass(frozen=True)
class Scope:
    """The visibility of one logged-in user: a reseller's own companies, or an operator's all."""

    user_id: int | None
    login: str
    portal: str
    company_id: int  # the user's reseller (portal revendeur) or operator (portal opérateur)
    operator_id: int | None

    @classmethod
    def for_user(cls, user: User) -> Scope:
        company = user.company
        operator_id = company.id if user.portal == User.PORTAL_OPERATOR else company.operator_id
        return cls(user.id, user.login, user.portal, company.id, operator_id)

    @property
    def is_operator(self) -> bool:
        return self.portal == User.PORTAL_OPERATOR

    def owner_condition(self, model=Company):
        """The WHERE clause restricting any model with `reseller`/`operator` columns to this scope."""
        if self.is_operator:
            return model.operator == self.company_id
        return model.reseller == self.company_id

    def companies(self, query=None):
        query = query if query is not None else Company.select()
        return query.where(self.owner_condition(Company))

    def company(self, company_id: int, kind: str | None = None) -> Company:
        """One visible company by IDENTIFIANT; NotFound whether it is absent or not ours."""
        query = self.companies().where(Company.id == company_id)
        if kind is not None:
            query = query.where(Company.kind == kind)
        company = query.first()
        if company is None:
            raise NotFound(f"Entreprise {company_id} introuvable.")
        return company

    def owner_ids(self, company: Company) -> tuple[int | None, int | None]:
        """(reseller, operator) a new record made by this user should carry."""
        return company.reseller_id, company.operator_id


SYSTEM = Scope(user_id=None, login="système", portal="system", company_id=0, operator_id=None)
