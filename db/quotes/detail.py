"""One quote: what "Détail du devis" shows, its steps and versions, a new quote and line edits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from db.companies.editing import main_site
from db.core import audit
from db.core.database import atomic, is_sqlite
from db.core.dates import format_date
from db.core.errors import FieldError, NotFound, ValidationErrors
from db.core.kinds import CompanyKind
from db.core.models import Quote, QuoteLine, QuotePartner, quote_reference
from db.core.money import Amounts, money
from db.core.rows import next_value, update_checked
from db.core.scope import Scope
from db.quotes.lines import QuoteLineView, frozen_prices, insert_lines, priced_lines, summary
from db.quotes.lists import (
    SIGNED_STEP,
    STEPS,
    commercials,
    partner_names,
    step_label,
)

SIGNED_LOCKED = "Un devis signé (étape 4) ne se modifie plus : faites-en une nouvelle version."


@dataclass(frozen=True)
class QuoteRevision:
    id: int
    reference: str
    step: int
    created_on: dt.date


@dataclass(frozen=True)
class QuoteDetail(Amounts):
    id: int
    number: int
    revision: int
    reference: str
    created_on: dt.date
    step: int
    lock_version: int
    company_id: int
    company_name: str
    company_kind: str
    client_number: str
    city: str
    commercial_id: int | None
    commercial: str
    partners: str
    lines: tuple[QuoteLineView, ...]
    setup_total: Decimal
    monthly_total: Decimal
    revisions: tuple[QuoteRevision, ...]  # every visible version of this number, oldest first

    @property
    def step_label(self) -> str:
        return step_label(self.step)

    @property
    def created(self) -> str:
        return format_date(self.created_on)

    @property
    def company_kind_label(self) -> str:
        return CompanyKind.LABELS.get(self.company_kind, self.company_kind)

    @property
    def editable(self) -> bool:
        """Lines can change until the quote is signed; after that, make a new version."""
        return self.step < SIGNED_STEP

    @property
    def can_create_client_account(self) -> bool:
        return self.step == SIGNED_STEP and self.company_kind == CompanyKind.PROSPECT


def visible_quote(scope: Scope, quote_id: int) -> Quote:
    quote: Quote | None = (
        Quote.select().where((Quote.id == quote_id) & scope.owner_condition(Quote)).first()
    )
    if quote is None:
        raise NotFound("Devis introuvable.")
    return quote


def get_quote(scope: Scope, quote_id: int) -> QuoteDetail:
    quote = visible_quote(scope, quote_id)
    company = quote.company
    site = main_site(company)
    commercial = quote.commercial
    lines = tuple(
        QuoteLineView(
            line.id,
            line.offer_id,
            line.label,
            line.quantity,
            money(line.setup_fee),
            money(line.monthly_fee),
        )
        for line in quote.lines.order_by(QuoteLine.id)
    )
    revisions = tuple(
        QuoteRevision(r.id, quote_reference(r.number, r.revision), r.step, r.created_on)
        for r in Quote.select(Quote.id, Quote.number, Quote.revision, Quote.step, Quote.created_on)
        .where((Quote.number == quote.number) & scope.owner_condition(Quote))
        .order_by(Quote.revision)
    )
    return QuoteDetail(
        id=quote.id,
        number=quote.number,
        revision=quote.revision,
        reference=quote.reference,
        created_on=quote.created_on,
        step=quote.step,
        lock_version=quote.lock_version,
        company_id=company.id,
        company_name=company.name,
        company_kind=company.kind,
        client_number=company.client_number or "",
        city=site.city if site else "",
        commercial_id=quote.commercial_id,
        commercial=(commercial.display_name or commercial.login) if commercial else "",
        partners=partner_names([quote.id]).get(quote.id, ""),
        lines=lines,
        setup_total=money(quote.setup_total),
        monthly_total=money(quote.monthly_total),
        revisions=revisions,
    )


# --- steps and versions ----------------------------------------------------------------------


def set_step(scope: Scope, quote_id: int, step: int, expected_version: int) -> int:
    """Move the quote to `step` (1..4); returns its new lock_version."""
    if step not in STEPS:
        raise FieldError(f"Étape invalide : choisissez entre 1 et {max(STEPS)}.")
    with atomic():
        quote = visible_quote(scope, quote_id)
        version = update_checked(Quote, quote.id, expected_version, {"step": step}, scope.login)
        audit.record(scope, "quote_step_changed", "quote", quote.id, before=quote.step, after=step)
        return version


def next_step(scope: Scope, quote_id: int, expected_version: int) -> int:
    return _move(scope, quote_id, expected_version, +1)


def previous_step(scope: Scope, quote_id: int, expected_version: int) -> int:
    return _move(scope, quote_id, expected_version, -1)


def _move(scope: Scope, quote_id: int, expected_version: int, delta: int) -> int:
    step = visible_quote(scope, quote_id).step + delta
    if step not in STEPS:
        raise FieldError(
            "Le devis est déjà à la dernière étape."
            if delta > 0
            else "Le devis est déjà à la première étape."
        )
    return set_step(scope, quote_id, step, expected_version)


def lock_quote_number(number: int) -> None:
    """PostgreSQL: serialise new versions and orders of one quote number.

    SQLite's BEGIN IMMEDIATE already does.
    """
    if not is_sqlite():
        Quote.select(Quote.id).where(Quote.number == number).for_update().execute()


def new_revision(scope: Scope, quote_id: int) -> int:
    """Copy the quote as the next version of its number (step 1); the original is untouched."""
    with atomic():
        source = visible_quote(scope, quote_id)
        lock_quote_number(source.number)
        latest = (
            Quote.select(Quote.revision)
            .where(Quote.number == source.number)
            .order_by(Quote.revision.desc())
            .scalar()
        )
        copy = Quote.create(
            number=source.number,
            revision=latest + 1,
            company=source.company_id,
            reseller=source.reseller_id,
            operator=source.operator_id,
            commercial=source.commercial_id,
            created_on=dt.date.today(),
            step=1,
            offer_names=source.offer_names,
            search_offers=source.search_offers,
            setup_total=source.setup_total,
            monthly_total=source.monthly_total,
            updated_by=scope.login,
        )
        insert_lines(QuoteLine, source.lines.order_by(QuoteLine.id), quote=copy.id)
        partners = [
            {"quote": copy.id, "company": p.company_id}
            for p in source.partners.order_by(QuotePartner.id)
        ]
        if partners:
            QuotePartner.insert_many(partners).execute()
        audit.record(
            scope, "quote_revised", "quote", copy.id, source=source.reference, to=copy.reference
        )
        return copy.id


# --- a new quote, and its lines edited -------------------------------------------------------


def create_quote(
    scope: Scope,
    company_id: int,
    lines: list[tuple[int, int]],
    commercial_id: int | None = None,
) -> int:
    """A new quote (version 1, step 1) for a visible prospect or client; returns its id.

    Without `commercial_id` the user making it is the commercial, if they are one.
    """
    company = scope.company(company_id)
    errors: dict[str, str] = {}
    if company.kind not in (CompanyKind.PROSPECT, CompanyKind.CLIENT):
        errors["company"] = "Un devis se fait pour un prospect ou un client."
    priced, line_errors = priced_lines(lines, operator_id=company.operator_id)
    errors.update(line_errors)
    allowed = {uid for uid, _ in commercials(scope, active_only=True)}
    if commercial_id is None:
        commercial_id = scope.user_id if scope.user_id in allowed else None
    elif commercial_id not in allowed:
        errors["commercial"] = "Ce commercial n'est pas disponible pour ce devis."
    if errors:
        raise ValidationErrors(errors)
    with atomic():
        number = next_value("quote_number")
        # Numbers written by an import or an older seed must never be handed out twice.
        while Quote.select().where(Quote.number == number).exists():
            number = next_value("quote_number")
        reseller_id, operator_id = scope.owner_ids(company)
        quote = Quote.create(
            number=number,
            revision=1,
            company=company.id,
            reseller=reseller_id,
            operator=operator_id,
            commercial=commercial_id,
            created_on=dt.date.today(),
            step=1,
            updated_by=scope.login,
            **summary(priced),
        )
        insert_lines(QuoteLine, priced, quote=quote.id)
        if reseller_id is not None:
            QuotePartner.create(quote=quote.id, company=reseller_id)
        audit.record(scope, "quote_created", "quote", quote.id, reference=quote.reference)
        return quote.id


def update_lines(
    scope: Scope, quote_id: int, lines: list[tuple[int, int]], expected_version: int
) -> int:
    """Replace the lines of an unsigned quote; returns its new lock_version."""
    with atomic():
        quote = visible_quote(scope, quote_id)
        if quote.step >= SIGNED_STEP:
            raise ValidationErrors({"lines": SIGNED_LOCKED})
        frozen = frozen_prices(quote.lines.order_by(QuoteLine.id))
        priced, errors = priced_lines(lines, frozen, operator_id=quote.operator_id)
        if errors:
            raise ValidationErrors(errors)
        version = update_checked(Quote, quote.id, expected_version, summary(priced), scope.login)
        QuoteLine.delete().where(QuoteLine.quote == quote.id).execute()
        insert_lines(QuoteLine, priced, quote=quote.id)
        audit.record(scope, "quote_lines_updated", "quote", quote.id, lines=len(priced))
        return version


# --- the company a new quote is for ----------------------------------------------------------
