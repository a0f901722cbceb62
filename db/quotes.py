"""Quotes (E-boutique › Mes devis): filters, list, detail, versions, steps and "Créer le compte client"."""

from __future__ import annotations

import calendar
import datetime as dt
import operator
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce

from peewee import JOIN

from db import audit
from db.conversion import STEP_NAMES, convert_to_client
from db.database import atomic, is_sqlite
from db.errors import ConversionRefused, FieldError, NotFound, ValidationErrors
from db.forms import FIELDS_BY_NAME, clean_admin, clean_billing, clean_company
from db.models import (
    Company,
    CompanyKind,
    Contact,
    Offer,
    Quote,
    QuoteLine,
    QuotePartner,
    Site,
    User,
    fold,
)
from db.prospects import (
    capped_count,
    load_prospect,
    page_total,
    save_admin_step,
    save_billing_step,
)
from db.records import next_value, update_checked
from db.rum import assign_rum
from db.scope import Scope
from db.validation import (
    clean_text,
    format_iban,
    format_phone,
    tva_from_siren,
    validate_siren,
    validate_siret,
)

STEPS = {
    1: "Brouillon",
    2: "Envoyé au client",
    3: "En négociation",
    4: "Signé / accepté",
}
SIGNED_STEP = 4
MAX_QUANTITY = 999
CENT = Decimal("0.01")

REFERENCE_INVALID = "N° de devis invalide (ex. DEV000095225/1)."
DATE_INVALID = "Date invalide (jj/mm/aaaa)."
RANGE_REVERSED = "La date de début doit précéder la date de fin."
QUANTITY_INVALID = f"La quantité doit être un nombre entier de 1 à {MAX_QUANTITY}."
NO_LINES = "Ajoutez au moins une offre au devis."
SIGNED_LOCKED = "Un devis signé (étape 4) ne se modifie plus : faites-en une nouvelle version."

# The fields the "Création du compte client" form shows in its billing section; the others
# (address, TVA regime, paper invoice) come from what the store already knows.
CLIENT_ACCOUNT_BILLING_FIELDS = (
    "holder",
    "email",
    "payment_mode",
    "payment_terms",
    "payment_terms_days",
    "iban",
    "bic",
    "rum",
)
CLIENT_ACCOUNT_ADMIN_FIELDS = ("civility", "last_name", "first_name", "phone", "email")
_ADDRESS_FIELDS = (
    "number",
    "street",
    "building",
    "floor",
    "door",
    "staircase",
    "complement",
    "country",
    "postcode",
    "city",
)


def step_label(step: int) -> str:
    """'4 - Signé / accepté': the number the guide's Étape column shows, then its name."""
    return f"{step} - {STEPS[step]}" if step in STEPS else str(step)


STEP_OPTIONS = [(step_label(n), n) for n in STEPS]  # (label, value) pairs for a Select


def format_amount(value: Decimal) -> str:
    """'82.80 €': two decimals with a dot, as the guide shows M.E.S. / ABO."""
    return f"{Decimal(value).quantize(CENT)} €"


def format_reference(number: int, revision: int) -> str:
    return f"DEV{number:09d}/{revision}"


def _money(value) -> Decimal:
    # SQLite hands DECIMAL columns back without trailing zeros (82.8): normalise to cents.
    return Decimal(value if value is not None else 0).quantize(CENT)


# --- parsing of the filter inputs -------------------------------------------------------------

_REFERENCE_RE = re.compile(
    r"(?:DEV)?\s*(\d{1,9})\s*(?:[/\-.]\s*(?:V\s*)?(\d{1,4}))?", re.IGNORECASE
)


def parse_reference(text: str | None) -> tuple[int | None, int | None]:
    """'DEV000095225/1', 'DEV000095225', '95225', '95225/1' -> (95225, 1 or None).

    Empty text gives (None, None); anything else that is not a quote number raises FieldError.
    """
    text = clean_text(text)
    if not text:
        return None, None
    match = _REFERENCE_RE.fullmatch(text)
    if match is None:
        raise FieldError(REFERENCE_INVALID)
    number, revision = match.groups()
    return int(number), int(revision) if revision else None


_DAY = r"\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"
_MONTH = r"\d{1,2}[/.\-]\d{4}"
_YEAR = r"\d{4}"
_PERIOD = rf"(?:{_DAY}|{_MONTH}|{_YEAR})"
_RANGE_RE = re.compile(
    rf"(?P<du>du\s+)?(?P<start>{_PERIOD})?\s*(?:(?P<sep>-|–|—|au|à|\.\.)\s*(?P<end>{_PERIOD})?)?",
    re.IGNORECASE,
)


def _period(text: str) -> tuple[dt.date, dt.date]:
    """A day, a month ('07/2019') or a year ('2019') as its first and last day."""
    parts = [int(p) for p in re.split(r"[/.\-]", text)]
    try:
        if len(parts) == 3:
            day, month, year = parts
            if year < 100:  # '16/07/19': two-digit years are this century's
                year += 2000
            when = dt.date(year, month, day)
            return when, when
        if len(parts) == 2:
            month, year = parts
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
        (year,) = parts
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except (ValueError, calendar.IllegalMonthError):
        raise FieldError(DATE_INVALID) from None


def parse_date_fr(text: str | None) -> dt.date:
    """'16/07/2019' -> date(2019, 7, 16); also accepts '16-07-2019', '16.07.2019', '16/07/19'."""
    text = clean_text(text)
    if not re.fullmatch(_DAY, text):
        raise FieldError(DATE_INVALID)
    return _period(text)[0]


def parse_date_range(text: str | None) -> tuple[dt.date | None, dt.date | None]:
    """Création filter: one day, a month, a year, or a range of them -> (from, to).

    '16/07/2019' -> (16/07, 16/07); '01/07/2019-31/07/2019' or '01/07/2019 au 31/07/2019' ->
    (01/07, 31/07); '07/2019' -> the whole month; '01/07/2019-' and '-31/07/2019' are open.
    Empty text gives (None, None).
    """
    text = clean_text(text)
    if not text:
        return None, None
    match = _RANGE_RE.fullmatch(text)
    if match is None or not (match["start"] or match["end"]):
        raise FieldError(DATE_INVALID)
    start = _period(match["start"])[0] if match["start"] else None
    if match["end"]:
        end = _period(match["end"])[1]
    elif match["sep"] or match["du"]:
        end = None  # '01/07/2019-' or 'du 01/07/2019': open-ended
    else:
        end = _period(match["start"])[1]  # a lone period covers itself: '07/2019' is July
    if start and end and start > end:
        raise FieldError(RANGE_REVERSED)
    return start, end


# --- list ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteFilters:
    reference: str = ""  # N° devis / Version
    client_number: str = ""  # N° client
    client: str = ""  # Client (raison sociale)
    offers: str = ""  # Nom des offres
    created_from: dt.date | None = None  # Création (one day: created_from == created_to)
    created_to: dt.date | None = None
    step: int | None = None  # Étape
    commercial_id: int | None = None  # Commercial


@dataclass(frozen=True)
class QuoteRow:
    id: int
    reference: str
    client: str
    client_number: str
    commune: str
    offers: str
    created_on: dt.date
    step: int
    partners: str
    commercial: str
    setup_total: Decimal
    monthly_total: Decimal

    @property
    def amounts(self) -> str:
        """M.E.S. / ABO. column: '82.80 € / 5.76 €'."""
        return f"{format_amount(self.setup_total)} / {format_amount(self.monthly_total)}"

    @property
    def created(self) -> str:
        return self.created_on.strftime("%d/%m/%Y")

    @property
    def step_label(self) -> str:
        return step_label(self.step)


def _words(text: str) -> list[str]:
    return fold(text).split()


def _quote_query(scope: Scope, filters: QuoteFilters, *columns, for_count: bool = False):
    query = Quote.select(*columns)
    client_number = clean_text(filters.client_number).replace(" ", "").upper()
    # A count joins nothing: it filters on the client with `company IN (matching clients)`,
    # one scan of the companies instead of a lookup per quote (100,000 of them).
    if not for_count:
        query = (
            query.join(Company, on=(Quote.company == Company.id))
            .switch(Quote)
            .join(User, JOIN.LEFT_OUTER, on=(Quote.commercial == User.id))
        )
    query = query.where(scope.owner_condition(Quote))
    try:
        number, revision = parse_reference(filters.reference)
    except FieldError:
        # Nothing can match an impossible number; the screen shows the message at the field.
        return query.where(False)
    if number is not None:
        query = query.where(Quote.number == number)
    if revision is not None:
        query = query.where(Quote.revision == revision)
    clients = Company.select(Company.id) if for_count else query
    if client_number:
        clients = clients.where(Company.client_number.contains(client_number))
    # Each word must appear, so 'garage centre' finds 'GARAGE DU CENTRE'.
    for word in _words(filters.client):
        clients = clients.where(Company.search_name.contains(word))
    if not for_count:
        query = clients
    elif client_number or _words(filters.client):
        query = query.where(Quote.company.in_(clients))
    for word in _words(filters.offers):
        query = query.where(Quote.search_offers.contains(word))
    if filters.created_from is not None:
        query = query.where(Quote.created_on >= filters.created_from)
    if filters.created_to is not None:
        query = query.where(Quote.created_on <= filters.created_to)
    if filters.step is not None:
        query = query.where(Quote.step == filters.step)
    if filters.commercial_id is not None:
        query = query.where(Quote.commercial == filters.commercial_id)
    return query


def _main_city():
    """Commune column: the main site's city, as a scalar subquery so a row never doubles."""
    site = Site.alias()
    return (
        site.select(site.city)
        .where((site.company == Quote.company) & (site.is_main == True))  # noqa: E712
        .order_by(site.id)
        .limit(1)
    )


def _partner_names(quote_ids: list[int]) -> dict[int, str]:
    names: dict[int, list[str]] = {}
    if not quote_ids:
        return {}
    query = (
        QuotePartner.select(QuotePartner.quote, Company.name)
        .join(Company, on=(QuotePartner.company == Company.id))
        .where(QuotePartner.quote.in_(quote_ids))
        .order_by(QuotePartner.id)
        .tuples()
    )
    for quote_id, name in query:
        names.setdefault(quote_id, []).append(name)
    return {quote_id: ", ".join(items) for quote_id, items in names.items()}


def _newest_first(filters: QuoteFilters) -> tuple:
    """ORDER BY for Mes devis: newest first.

    For one N° de devis, its revisions come newest first by revision: the same order, and
    the database then looks the number up in its index (100,000 quotes) instead of walking
    the creation-date index to satisfy the ORDER BY (0.3 ms instead of 100+ ms).
    """
    try:
        number, _ = parse_reference(filters.reference)
    except FieldError:
        number = None
    newest = (Quote.created_on.desc(), Quote.id.desc())
    return (Quote.revision.desc(), *newest) if number is not None else newest


def list_quotes(
    scope: Scope, filters: QuoteFilters, offset: int = 0, limit: int = 50
) -> list[QuoteRow]:
    """One page of Mes devis, newest first, filtered and paged by the database."""
    query = (
        _quote_query(
            scope,
            filters,
            Quote.id,
            Quote.number,
            Quote.revision,
            Quote.offer_names,
            Quote.created_on,
            Quote.step,
            Quote.setup_total,
            Quote.monthly_total,
            Company.name.alias("client"),
            Company.client_number,
            User.display_name,
            User.login,
            _main_city().alias("commune"),
        )
        .order_by(*_newest_first(filters))
        .offset(offset)
        .limit(limit)
    )
    rows = list(query.dicts())
    partners = _partner_names([row["id"] for row in rows])
    return [
        QuoteRow(
            id=row["id"],
            reference=format_reference(row["number"], row["revision"]),
            client=row["client"],
            client_number=row["client_number"] or "",
            commune=row["commune"] or "",
            offers=row["offer_names"],
            created_on=row["created_on"],
            step=row["step"],
            partners=partners.get(row["id"], ""),
            commercial=row["display_name"] or row["login"] or "",
            setup_total=_money(row["setup_total"]),
            monthly_total=_money(row["monthly_total"]),
        )
        for row in rows
    ]


def count_quotes(scope: Scope, filters: QuoteFilters, *, cap: int | None = None) -> int:
    """How many quotes the filters select; with `cap`, AtLeast(cap) once there are more."""
    return capped_count(_quote_query(scope, filters, Quote.id, for_count=True), cap)


def page_quotes(
    scope: Scope, filters: QuoteFilters, offset: int = 0, limit: int = 50
) -> tuple[list[QuoteRow], int]:
    """One page of Mes devis and its total as the list shows it (db.prospects.page_total)."""
    rows = list_quotes(scope, filters, offset, limit)
    return rows, page_total(rows, offset, limit, lambda cap: count_quotes(scope, filters, cap=cap))


def commercials(scope: Scope, *, active_only: bool = False) -> list[tuple[int, str]]:
    """(id, name) of the commercials of this scope's companies, for the Commercial select.

    Disabled users stay in the filter list (their old quotes must remain findable) unless
    `active_only`, which is what a new quote offers.
    """
    query = (
        User.select(User.id, User.display_name, User.login)
        .join(Company, on=(User.company == Company.id))
        .where(scope.owner_condition(Company) & (User.is_commercial == True))  # noqa: E712
    )
    if active_only:
        query = query.where(User.disabled == False)  # noqa: E712
    users = [(uid, name or login) for uid, name, login in query.tuples()]
    return sorted(users, key=lambda item: (fold(item[1]), item[0]))


# --- catalogue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferRow:
    id: int
    name: str
    setup_fee: Decimal
    monthly_fee: Decimal
    retired: bool

    @property
    def amounts(self) -> str:
        return f"{format_amount(self.setup_fee)} / {format_amount(self.monthly_fee)}"


def offers(include_retired: bool = False) -> list[OfferRow]:
    """The catalogue for the quote's offer picker (retired offers only when asked for)."""
    query = Offer.select().order_by(Offer.search_name, Offer.id)
    if not include_retired:
        query = query.where(Offer.retired == False)  # noqa: E712
    return [
        OfferRow(o.id, o.name, _money(o.setup_fee), _money(o.monthly_fee), o.retired) for o in query
    ]


# --- detail ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteLineView:
    id: int
    offer_id: int
    label: str
    quantity: int
    setup_fee: Decimal  # unit prices, frozen when the line was made
    monthly_fee: Decimal

    @property
    def setup_total(self) -> Decimal:
        return (self.setup_fee * self.quantity).quantize(CENT)

    @property
    def monthly_total(self) -> Decimal:
        return (self.monthly_fee * self.quantity).quantize(CENT)


@dataclass(frozen=True)
class QuoteRevision:
    id: int
    reference: str
    step: int
    created_on: dt.date


@dataclass(frozen=True)
class QuoteDetail:
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
    def amounts(self) -> str:
        return f"{format_amount(self.setup_total)} / {format_amount(self.monthly_total)}"

    @property
    def created(self) -> str:
        return self.created_on.strftime("%d/%m/%Y")

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


def _visible_quote(scope: Scope, quote_id: int) -> Quote:
    quote = Quote.select().where((Quote.id == quote_id) & scope.owner_condition(Quote)).first()
    if quote is None:
        raise NotFound("Devis introuvable.")
    return quote


def get_quote(scope: Scope, quote_id: int) -> QuoteDetail:
    quote = _visible_quote(scope, quote_id)
    company = quote.company
    site = company.sites.where(Site.is_main == True).order_by(Site.id).first()  # noqa: E712
    commercial = quote.commercial
    lines = tuple(
        QuoteLineView(
            line.id,
            line.offer_id,
            line.label,
            line.quantity,
            _money(line.setup_fee),
            _money(line.monthly_fee),
        )
        for line in quote.lines.order_by(QuoteLine.id)
    )
    revisions = tuple(
        QuoteRevision(r.id, format_reference(r.number, r.revision), r.step, r.created_on)
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
        partners=_partner_names([quote.id]).get(quote.id, ""),
        lines=lines,
        setup_total=_money(quote.setup_total),
        monthly_total=_money(quote.monthly_total),
        revisions=revisions,
    )


def find_quote(scope: Scope, reference: str) -> int:
    """Quote id for a typed number; without '/N' the latest visible version."""
    try:
        number, revision = parse_reference(reference)
    except FieldError:
        number = revision = None
    query = Quote.select(Quote.id).where(scope.owner_condition(Quote) & (Quote.number == number))
    if revision is not None:
        query = query.where(Quote.revision == revision)
    quote = query.order_by(Quote.revision.desc()).first() if number is not None else None
    if quote is None:
        raise NotFound(f"Devis « {clean_text(reference)} » introuvable.")
    return quote.id


# --- writes ----------------------------------------------------------------------------------


def set_step(scope: Scope, quote_id: int, step: int, expected_version: int) -> int:
    """Move the quote to `step` (1..4); returns its new lock_version."""
    if step not in STEPS:
        raise FieldError(f"Étape invalide : choisissez entre 1 et {max(STEPS)}.")
    with atomic():
        quote = _visible_quote(scope, quote_id)
        version = update_checked(Quote, quote.id, expected_version, {"step": step}, scope.login)
        audit.record(scope, "quote_step_changed", "quote", quote.id, before=quote.step, after=step)
        return version


def next_step(scope: Scope, quote_id: int, expected_version: int) -> int:
    return _move(scope, quote_id, expected_version, +1)


def previous_step(scope: Scope, quote_id: int, expected_version: int) -> int:
    return _move(scope, quote_id, expected_version, -1)


def _move(scope: Scope, quote_id: int, expected_version: int, delta: int) -> int:
    step = _visible_quote(scope, quote_id).step + delta
    if step not in STEPS:
        raise FieldError(
            "Le devis est déjà à la dernière étape."
            if delta > 0
            else "Le devis est déjà à la première étape."
        )
    return set_step(scope, quote_id, step, expected_version)


def _lock_number(number: int) -> None:
    """PostgreSQL: serialise new versions of one number (SQLite's BEGIN IMMEDIATE already does)."""
    if not is_sqlite():
        Quote.select(Quote.id).where(Quote.number == number).for_update().execute()


def new_revision(scope: Scope, quote_id: int) -> int:
    """Copy the quote as the next version of its number (step 1); the original is untouched."""
    with atomic():
        source = _visible_quote(scope, quote_id)
        _lock_number(source.number)
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
        lines = [
            {
                "quote": copy.id,
                "offer": line.offer_id,
                "label": line.label,
                "quantity": line.quantity,
                "setup_fee": line.setup_fee,
                "monthly_fee": line.monthly_fee,
            }
            for line in source.lines.order_by(QuoteLine.id)
        ]
        if lines:
            QuoteLine.insert_many(lines).execute()
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


def _quantity(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = clean_text(value)
        if not (text.isascii() and text.isdigit()):
            return None
        number = int(text)
    return number if 1 <= number <= MAX_QUANTITY else None


def _priced_lines(lines, frozen: dict[int, tuple[str, Decimal, Decimal]] | None = None):
    """Validate (offer_id, quantity) pairs and price them; errors keyed 'lines' / 'lines.N'.

    Offers already on the quote (`frozen`) keep the label and prices they were quoted at and
    may stay even if retired since; new lines take today's catalogue and refuse retired offers.
    """
    frozen = frozen or {}
    lines = list(lines or [])
    if not lines:
        return [], {"lines": NO_LINES}
    wanted = {offer_id for offer_id, _ in lines if isinstance(offer_id, int)}
    catalogue = {o.id: o for o in Offer.select().where(Offer.id.in_(wanted))} if wanted else {}
    priced, errors = [], {}
    for index, (offer_id, raw_quantity) in enumerate(lines):
        key = f"lines.{index}"
        quantity = _quantity(raw_quantity)
        if offer_id in frozen:
            label, setup, monthly = frozen[offer_id]
        elif offer_id in catalogue:
            offer = catalogue[offer_id]
            if offer.retired:
                errors[key] = f"L'offre « {offer.name} » n'est plus commercialisée."
                continue
            label, setup, monthly = offer.name, _money(offer.setup_fee), _money(offer.monthly_fee)
        else:
            errors[key] = "Offre introuvable dans le catalogue."
            continue
        if quantity is None:
            errors[key] = QUANTITY_INVALID
            continue
        priced.append((offer_id, label, quantity, setup, monthly))
    return priced, errors


def _summary(priced) -> dict:
    """Quote columns derived from its lines: totals = Σ unit × quantity, and the offer names."""
    names = " + ".join(dict.fromkeys(label for _, label, _, _, _ in priced))
    return {
        "offer_names": names,
        "search_offers": fold(names),
        "setup_total": sum((s * q for _, _, q, s, _ in priced), Decimal(0)).quantize(CENT),
        "monthly_total": sum((m * q for _, _, q, _, m in priced), Decimal(0)).quantize(CENT),
    }


def _insert_lines(quote_id: int, priced) -> None:
    QuoteLine.insert_many(
        [
            {
                "quote": quote_id,
                "offer": offer_id,
                "label": label,
                "quantity": quantity,
                "setup_fee": setup,
                "monthly_fee": monthly,
            }
            for offer_id, label, quantity, setup, monthly in priced
        ]
    ).execute()


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
    priced, line_errors = _priced_lines(lines)
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
            **_summary(priced),
        )
        _insert_lines(quote.id, priced)
        if reseller_id is not None:
            QuotePartner.create(quote=quote.id, company=reseller_id)
        audit.record(scope, "quote_created", "quote", quote.id, reference=quote.reference)
        return quote.id


def update_lines(
    scope: Scope, quote_id: int, lines: list[tuple[int, int]], expected_version: int
) -> int:
    """Replace the lines of an unsigned quote; returns its new lock_version."""
    with atomic():
        quote = _visible_quote(scope, quote_id)
        if quote.step >= SIGNED_STEP:
            raise ValidationErrors({"lines": SIGNED_LOCKED})
        frozen: dict[int, tuple[str, Decimal, Decimal]] = {}
        for line in quote.lines.order_by(QuoteLine.id):
            frozen.setdefault(
                line.offer_id, (line.label, _money(line.setup_fee), _money(line.monthly_fee))
            )
        priced, errors = _priced_lines(lines, frozen)
        if errors:
            raise ValidationErrors(errors)
        version = update_checked(Quote, quote.id, expected_version, _summary(priced), scope.login)
        QuoteLine.delete().where(QuoteLine.quote == quote.id).execute()
        _insert_lines(quote.id, priced)
        audit.record(scope, "quote_lines_updated", "quote", quote.id, lines=len(priced))
        return version


# --- Créer le compte client ------------------------------------------------------------------


def _signed_prospect_quote(scope: Scope, quote_id: int) -> tuple[Quote, Company]:
    quote = _visible_quote(scope, quote_id)
    company = scope.company(quote.company_id)
    if company.kind == CompanyKind.CLIENT:
        # Same words as the conversion service's own refusal.
        raise ConversionRefused(
            f"« {company.name} » est déjà client (N° client {company.client_number})."
        )
    if company.kind != CompanyKind.PROSPECT:
        raise ConversionRefused(f"« {company.name} » n'est pas un prospect.")
    if quote.step != SIGNED_STEP:
        raise ConversionRefused(
            f"Le compte client se crée depuis un devis à l'étape {step_label(SIGNED_STEP)}."
        )
    return quote, company


def _promotable_contact(company: Company, typed: dict | None = None) -> Contact | None:
    """A non-admin contact to offer as administrator when the prospect has none yet.

    With `typed`, only the contact of that name (the one the form was prefilled with).
    """
    query = company.contacts.where(Contact.is_admin == False)  # noqa: E712
    if typed is not None:
        name = fold(f"{clean_text(typed.get('last_name'))} {clean_text(typed.get('first_name'))}")
        query = query.where(Contact.search_name == name)
    return query.order_by(Contact.id).first()


def client_account_prefill(scope: Scope, quote_id: int) -> dict:
    """What the store already knows for the "Création du compte client" form.

    Returns {"billing": {...}, "ident": {...}, "admin": {...}, "versions": {...}}, the
    arguments `create_client_account` takes back (its error keys are 'section.field').
    """
    _, company = _signed_prospect_quote(scope, quote_id)
    record = load_prospect(scope, company.id)
    known = record.billing_values()
    billing = {name: known.get(name, "") for name in CLIENT_ACCOUNT_BILLING_FIELDS}
    billing["holder"] = billing["holder"] or company.name
    billing["payment_mode"] = billing["payment_mode"] or "Prélèvement"
    billing["payment_terms"] = billing["payment_terms"] or "À réception"
    billing["iban"] = format_iban(billing["iban"]) if billing["iban"] else ""
    versions = dict(record.versions)
    contact = record.admin
    if contact is None:
        contact = _promotable_contact(company)
        versions["admin"] = contact.lock_version if contact else 0
    admin = {
        name: getattr(contact, name) if contact else "" for name in CLIENT_ACCOUNT_ADMIN_FIELDS
    }
    if admin["phone"]:
        admin["phone"] = format_phone(admin["phone"])
    return {
        "billing": billing,
        "ident": {"siren": company.siren or "", "siret": company.siret or ""},
        "admin": admin,
        "versions": versions,
    }


def _clean_ident(data: dict) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    siren = clean_text(data.get("siren"))
    siret = clean_text(data.get("siret"))
    if siren:
        try:
            siren = validate_siren(siren)
        except FieldError as exc:
            errors["siren"] = exc.message
    if siret:
        try:
            siret = validate_siret(siret, siren=None if errors else siren or None)
        except FieldError as exc:
            errors["siret"] = exc.message
    if siret and not siren and not errors:
        siren = siret[:9]
    vat = tva_from_siren(siren) if siren and not errors else ""
    return {"siren": siren or None, "siret": siret or None, "vat_number": vat or None}, errors


def _billing_data(record, company: Company, data: dict) -> dict:
    """The form's billing fields, completed with what the guide's short form does not ask for."""
    known = record.billing_values()
    merged = {name: data.get(name, known.get(name, "")) for name in CLIENT_ACCOUNT_BILLING_FIELDS}
    merged["holder"] = clean_text(merged["holder"]) or company.name
    merged["payment_mode"] = clean_text(merged["payment_mode"]) or "Prélèvement"
    merged["payment_terms"] = clean_text(merged["payment_terms"]) or "À réception"
    merged["vat_regime"] = data.get("vat_regime") or known.get("vat_regime") or "Assujetti"
    merged["paper_invoice"] = data.get("paper_invoice", known.get("paper_invoice", False))
    # The address travels as a whole: a street from one source and a postcode from another
    # would make an address nobody wrote. Typed, else the billing point's, else the main site's.
    site = record.site
    from_site = (
        {
            "number": site.number,
            "street": site.street,
            "country": site.country,
            "postcode": site.postcode,
            "city": site.city,
        }
        if site
        else {}
    )
    source = next((s for s in (data, known, from_site) if clean_text(s.get("street"))), from_site)
    for name in _ADDRESS_FIELDS:
        merged[name] = source.get(name, "") or ""
    merged["country"] = merged["country"] or "France"
    return merged


def _prefixed(section: str, errors: dict) -> dict:
    return {f"{section}.{name}": message for name, message in errors.items()}


def _missing(part: str, name: str) -> str:
    return f"{FIELDS_BY_NAME[part][name].label} ({STEP_NAMES[part]})"


def _refusal(missing: list[str]) -> ConversionRefused:
    return ConversionRefused(
        "Transformation impossible, il manque ou est invalide : " + ", ".join(missing) + ".",
        missing,
    )


def create_client_account(
    scope: Scope,
    quote_id: int,
    billing_data: dict,
    identification: dict,
    admin_data: dict,
    versions: dict | None = None,
) -> str:
    """Enregistrer of "Créer le compte client": save the three sections and convert, all or nothing.

    Raises ValidationErrors keyed 'billing.x' / 'ident.x' / 'admin.x' (nothing written),
    ConversionRefused (the conversion's refusals, or step-1 data missing), ConcurrentEditError.
    Returns the new N° client.
    """
    versions = versions or {}
    quote, company = _signed_prospect_quote(scope, quote_id)
    record = load_prospect(scope, company.id)

    billing = _billing_data(record, company, billing_data)
    _, billing_errors = clean_billing(billing)
    ident, ident_errors = _clean_ident(identification)
    typed_admin = {name: admin_data.get(name, "") for name in CLIENT_ACCOUNT_ADMIN_FIELDS}
    promoted = None if record.admin else _promotable_contact(company, typed_admin)
    # Mobile and Fax are not on this form: keep what the administrator (or contact) has.
    kept = record.admin or promoted
    admin = {name: getattr(kept, name) for name in ("mobile", "fax")} if kept else {}
    admin.update(typed_admin)
    _, admin_errors = clean_admin(admin, phone_required=True)
    shown = {k: v for k, v in billing_errors.items() if k in CLIENT_ACCOUNT_BILLING_FIELDS}
    errors = {
        **_prefixed("billing", shown),
        **_prefixed("ident", ident_errors),
        **_prefixed("admin", admin_errors),
    }
    if errors:
        raise ValidationErrors(errors)

    # Step 1 (name and site) and the billing address are not on this form: report them the
    # way the conversion does, so the user knows to complete the prospect's fiche.
    _, company_errors = clean_company({**record.company_values(), "siren": "", "siret": ""})
    missing = [_missing("company", name) for name in company_errors]
    missing += [_missing("billing", name) for name in billing_errors if name not in shown]
    if missing:
        raise _refusal(missing)

    with atomic():
        _, company = _signed_prospect_quote(scope, quote_id)
        update_checked(
            Company,
            company.id,
            versions.get("company", company.lock_version),
            ident,
            scope.login,
        )
        try:
            billing_point = save_billing_step(
                scope, company.id, billing, _only(versions, "billing")
            )
        except ValidationErrors as exc:  # a typed RUM already used elsewhere
            raise ValidationErrors(_prefixed("billing", exc.errors)) from None
        # The guide's form marks Code rum as required: one is generated when left empty.
        assign_rum(billing_point.id, None, needed=True)
        admin_versions = _only(versions, "admin")
        if promoted is not None:
            admin_versions = _promote(scope, promoted, versions)
        try:
            save_admin_step(scope, company.id, admin, admin_versions, phone_required=True)
        except ValidationErrors as exc:
            raise ValidationErrors(_prefixed("admin", exc.errors)) from None
        number = convert_to_client(scope, company.id)
        audit.record(
            scope,
            "client_account_created",
            "quote",
            quote.id,
            company_id=company.id,
            client_number=number,
        )
        return number


def _only(versions: dict, key: str) -> dict:
    """Pass a step only its own record's version: the company's moves on at each step."""
    return {key: versions[key]} if versions.get(key) else {}


def _promote(scope: Scope, contact: Contact, versions: dict) -> dict:
    """Make the prefilled contact the administrator instead of recording the person twice."""
    version = update_checked(
        Contact,
        contact.id,
        versions.get("admin") or contact.lock_version,
        {"is_admin": True},
        scope.login,
    )
    return {"admin": version}


# --- the company a new quote is for ----------------------------------------------------------


@dataclass(frozen=True)
class CompanyChoice:
    id: int
    name: str
    kind: str
    client_number: str
    city: str

    @property
    def label(self) -> str:
        """'GARAGE DU CENTRE (1745) · Prospect · CLICHY' or '… · Client CL0000012 · …'."""
        kind = CompanyKind.LABELS.get(self.kind, self.kind)
        if self.client_number:
            kind = f"{kind} {self.client_number}"
        return " · ".join(p for p in (f"{self.name} ({self.id})", kind, self.city) if p)


def search_companies(scope: Scope, text: str, limit: int = 20) -> list[CompanyChoice]:
    """Visible prospects and clients matching a typed IDENTIFIANT, N° client or name words."""
    city = (
        Site.select(Site.city)
        .where((Site.company == Company.id) & (Site.is_main == True))  # noqa: E712
        .order_by(Site.id)
        .limit(1)
    )
    query = scope.companies(
        Company.select(
            Company.id, Company.name, Company.kind, Company.client_number, city.alias("city")
        )
    ).where(Company.kind.in_((CompanyKind.PROSPECT, CompanyKind.CLIENT)))
    text = clean_text(text)
    if text.isdigit():
        query = query.where((Company.id == int(text)) | Company.client_number.contains(text))
    elif text:
        # Every word in the name (any order), or the N° client as typed.
        by_name = [Company.search_name.contains(word) for word in _words(text)]
        by_number = Company.client_number.contains(text.replace(" ", "").upper())
        query = query.where(reduce(operator.and_, by_name) | by_number)
    rows = query.order_by(Company.search_name, Company.id).limit(limit).dicts()
    return [
        CompanyChoice(r["id"], r["name"], r["kind"], r["client_number"] or "", r["city"] or "")
        for r in rows
    ]
