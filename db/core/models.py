"""Peewee models of the store: companies and what hangs off them, users, catalogue, quotes, audit."""

from __future__ import annotations

import datetime as dt
import unicodedata

from peewee import (
    AutoField,
    BlobField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from db.core.database import database_proxy


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def fold(text: str | None) -> str:
    """Lower-case, accent-free form used by the filters (so 'clichy' finds 'CLICHY', 'e' finds 'É')."""
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def search_key(text: str | None) -> str:
    """`fold(text)` as a search_* column keeps it: VARCHAR(255), and folding may lengthen text
    (NFKD of "ﷺ" is 18 characters; a contact's key joins two names)."""
    return fold(text)[:255]


class LimitedTextField(TextField):
    """TEXT in the schema; `max_length` is the limit db/core/text.py checks before the store (the
    same verdict on SQLite, which keeps anything, and PostgreSQL)."""

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_length = max_length


class BaseModel(Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


class Versioned(BaseModel):
    """A record users edit: saves check `lock_version` so nobody silently overwrites another."""

    lock_version = IntegerField(default=1)
    updated_at = DateTimeField(default=now)
    updated_by = CharField(null=True)


class SchemaMeta(BaseModel):
    id = IntegerField(primary_key=True)
    version = IntegerField()


class CompanyKind:
    OPERATOR = "operateur"
    RESELLER = "ambassadeur"
    CLIENT = "client"
    PROSPECT = "prospect"
    OTHER = "autre"

    LABELS = {
        OPERATOR: "Opérateur",
        RESELLER: "Ambassadeur",
        CLIENT: "Client",
        PROSPECT: "Prospect",
        OTHER: "Entreprise autre",
    }


class Company(Versioned):
    """Any company: operator, reseller (ambassadeur), client, prospect or other. id = IDENTIFIANT."""

    id = AutoField()
    kind = CharField(index=True)
    name = CharField()
    search_name = CharField(index=True, default="")
    siren = CharField(null=True, index=True)
    siret = CharField(null=True, index=True)
    vat_number = CharField(null=True)
    # Scope columns: every company records the reseller that owns it and that reseller's
    # operator, so "who sees what" is one indexed comparison in every query.
    reseller = ForeignKeyField("self", null=True, backref="owned", on_delete="RESTRICT")
    operator = ForeignKeyField("self", null=True, backref="operated", on_delete="RESTRICT")
    # Number of wizard steps saved (0..3); ETAT shows "Création - étape N" with N = this + 1.
    creation_step = IntegerField(default=0)
    client_number = CharField(null=True, unique=True)
    converted_at = DateTimeField(null=True)
    converted_by = CharField(null=True)  # login of who converted it
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = (
            (("kind", "reseller", "id"), False),
            (("kind", "operator", "id"), False),
            # Filter-as-you-type on RAISON SOCIALE: counting "contains" matches reads these
            # (covering) instead of every company row: 3-4x faster at 100,000 companies.
            (("kind", "reseller", "search_name"), False),
            (("kind", "operator", "search_name"), False),
        )

    def save(self, *args, **kwargs):
        self.search_name = search_key(self.name)
        return super().save(*args, **kwargs)


class Site(Versioned):
    """INFORMATIONS SITE: a company's address; the main site is the one the wizard edits."""

    id = AutoField()
    company = ForeignKeyField(Company, backref="sites", on_delete="CASCADE")
    is_main = BooleanField(default=True)
    number = CharField(default="")
    street = CharField(default="")
    postcode = CharField(default="", index=True)
    city = CharField(default="")
    search_city = CharField(default="", index=True)
    country = CharField(default="France")

    def save(self, *args, **kwargs):
        self.search_city = search_key(self.city)
        return super().save(*args, **kwargs)


class User(Versioned):
    """A person who logs in, through one portal, on behalf of a reseller or an operator."""

    PORTAL_RESELLER = "revendeur"
    PORTAL_OPERATOR = "operateur"

    id = AutoField()
    login = CharField(unique=True)
    password_hash = CharField()
    portal = CharField()
    company = ForeignKeyField(Company, backref="users", on_delete="RESTRICT")
    display_name = CharField(default="")
    is_commercial = BooleanField(default=True)
    disabled = BooleanField(default=False)
    # Not used since schema 2 (failures are counted per source in LoginThrottle); kept because
    # the columns are NOT NULL in existing databases.
    failed_attempts = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    last_login_at = DateTimeField(null=True)


class LoginThrottle(BaseModel):
    """Failed logins in a row for one (login, source): each new attempt waits a growing delay.

    `login_digest` is a SHA-256 of the login typed, known or not (a password typed in the login
    field is not kept, and an unknown login is slowed like a known one); `source` is where the
    attempt came from ("local", "key:SHA256:…").
    """

    id = AutoField()
    login_digest = CharField()
    source = CharField()
    failures = IntegerField(default=0)
    blocked_until = DateTimeField(null=True)
    last_failure_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("login_digest", "source"), True),)


class BillingPoint(Versioned):
    """CRÉATION DU POINT DE FACTURATION: how and where a company is billed."""

    id = AutoField()
    company = ForeignKeyField(Company, backref="billing_points", on_delete="CASCADE")
    holder = CharField(default="")  # Titulaire du compte
    email = CharField(default="")
    payment_mode = CharField(default="")
    payment_terms = CharField(default="")
    payment_terms_days = IntegerField(null=True)  # "Autre" when payment_terms == "Autres"
    vat_regime = CharField(default="")
    paper_invoice = BooleanField(default=False)
    iban = CharField(default="")  # compact
    bic = CharField(default="")
    rum = CharField(null=True, unique=True)
    number = CharField(default="")
    street = CharField(default="")
    building = CharField(default="")
    floor = CharField(default="")
    door = CharField(default="")
    staircase = CharField(default="")
    complement = CharField(default="")
    country = CharField(default="France")
    postcode = CharField(default="")
    city = CharField(default="")


class Contact(Versioned):
    """A person of a company; the administrator is the one created by the wizard's step 3."""

    id = AutoField()
    company = ForeignKeyField(Company, backref="contacts", on_delete="CASCADE")
    is_admin = BooleanField(default=False)
    civility = CharField(default="")
    last_name = CharField(default="")
    first_name = CharField(default="")
    search_name = CharField(default="", index=True)
    phone = CharField(default="")  # E.164
    mobile = CharField(default="")
    fax = CharField(default="")
    email = CharField(default="")

    def save(self, *args, **kwargs):
        self.search_name = search_key(f"{self.last_name} {self.first_name}")
        return super().save(*args, **kwargs)


class Document(BaseModel):
    """A stored file: generated mandate, signed mandate or RIB (content kept in the database)."""

    KIND_MANDATE_GENERATED = "mandat_genere"
    KIND_MANDATE_SIGNED = "mandat_signe"
    KIND_RIB = "rib"
    LABELS = {
        KIND_MANDATE_GENERATED: "Mandat Sépa généré",
        KIND_MANDATE_SIGNED: "Mandat Sépa signé",
        KIND_RIB: "RIB",
    }

    id = AutoField()
    company = ForeignKeyField(Company, backref="documents", on_delete="CASCADE")
    billing_point = ForeignKeyField(
        BillingPoint, null=True, backref="documents", on_delete="SET NULL"
    )
    kind = CharField(index=True)
    filename = CharField()
    size = IntegerField()
    sha256 = CharField()
    content = BlobField()
    created_at = DateTimeField(default=now)
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")


class Offer(Versioned):
    """A catalogue offer: M.E.S. (setup fee) and ABO. (monthly subscription).

    Each operator has its own catalogue: its staff edit it, its resellers quote from it.
    """

    id = AutoField()
    # null only while schema 2's migration fills it in; every offer belongs to an operator.
    operator = ForeignKeyField(Company, null=True, backref="+", on_delete="RESTRICT")
    name = CharField()
    search_name = CharField(default="", index=True)
    description = LimitedTextField(default="", max_length=1000)
    setup_fee = DecimalField(max_digits=12, decimal_places=2, auto_round=True)
    monthly_fee = DecimalField(max_digits=12, decimal_places=2, auto_round=True)
    retired = BooleanField(default=False)

    def save(self, *args, **kwargs):
        self.search_name = search_key(self.name)
        return super().save(*args, **kwargs)


class Quote(Versioned):
    """A quote (devis) `DEV%09d/revision`, for a prospect or a client, at a step 1..4."""

    id = AutoField()
    number = IntegerField(index=True)
    revision = IntegerField(default=1)
    company = ForeignKeyField(Company, backref="quotes", on_delete="RESTRICT")
    reseller = ForeignKeyField(Company, backref="+", null=True, on_delete="RESTRICT")
    operator = ForeignKeyField(Company, backref="+", null=True, on_delete="RESTRICT")
    commercial = ForeignKeyField(User, null=True, backref="quotes", on_delete="SET NULL")
    created_on = DateField(index=True)
    step = IntegerField(default=1, index=True)
    offer_names = TextField(default="")  # denormalised for the "Nom des offres" column/filter
    search_offers = TextField(default="")
    setup_total = DecimalField(max_digits=14, decimal_places=2, default=0, auto_round=True)
    monthly_total = DecimalField(max_digits=14, decimal_places=2, default=0, auto_round=True)

    class Meta:
        indexes = (
            (("number", "revision"), True),
            (("reseller", "created_on"), False),
            (("operator", "created_on"), False),
            # Mes devis filtered on the client counts `company IN (matching clients)` within
            # the scope from these alone (4x faster at 100,000 quotes; db/quotes/lists.py).
            (("reseller", "company"), False),
            (("operator", "company"), False),
        )

    @property
    def reference(self) -> str:
        return f"DEV{self.number:09d}/{self.revision}"


class QuotePartner(BaseModel):
    id = AutoField()
    quote = ForeignKeyField(Quote, backref="partners", on_delete="CASCADE")
    company = ForeignKeyField(Company, backref="+", on_delete="RESTRICT")


class QuoteLine(BaseModel):
    """A line of a quote; prices are frozen at the time of the quote."""

    id = AutoField()
    quote = ForeignKeyField(Quote, backref="lines", on_delete="CASCADE")
    offer = ForeignKeyField(Offer, backref="+", on_delete="RESTRICT")
    label = CharField()
    quantity = IntegerField(default=1)
    setup_fee = DecimalField(max_digits=12, decimal_places=2, auto_round=True)
    monthly_fee = DecimalField(max_digits=12, decimal_places=2, auto_round=True)


class Order(Versioned):
    """A commande made from a client's quote at step 4."""

    id = AutoField()
    number = CharField(unique=True)
    quote = ForeignKeyField(Quote, backref="orders", on_delete="RESTRICT")
    company = ForeignKeyField(Company, backref="orders", on_delete="RESTRICT")
    reseller = ForeignKeyField(Company, backref="+", null=True, on_delete="RESTRICT")
    operator = ForeignKeyField(Company, backref="+", null=True, on_delete="RESTRICT")
    created_on = DateField(index=True)
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    status = CharField(default="En cours")


class OrderLine(BaseModel):
    id = AutoField()
    order = ForeignKeyField(Order, backref="lines", on_delete="CASCADE")
    offer = ForeignKeyField(Offer, backref="+", on_delete="RESTRICT")
    label = CharField()
    quantity = IntegerField(default=1)
    setup_fee = DecimalField(max_digits=12, decimal_places=2, auto_round=True)
    monthly_fee = DecimalField(max_digits=12, decimal_places=2, auto_round=True)


class AuditLog(BaseModel):
    """Who did what and when; never holds a password or a whole IBAN."""

    id = AutoField()
    at = DateTimeField(default=now, index=True)
    user = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    login = CharField(default="")
    action = CharField(index=True)
    entity = CharField(default="")
    entity_id = IntegerField(null=True)
    details = TextField(default="")


class Setting(BaseModel):
    """Per-database settings (none left since schema 2: see OperatorSetting)."""

    key = CharField(primary_key=True)
    value = TextField(default="")


class OperatorSetting(BaseModel):
    """One operator's settings (its SEPA creditor: name, ICS, address, RUM prefix...)."""

    id = AutoField()
    operator = ForeignKeyField(Company, backref="+", on_delete="CASCADE")
    key = CharField()
    value = TextField(default="")

    class Meta:
        indexes = ((("operator", "key"), True),)


class Sequence(BaseModel):
    """Counters that never go back: N° client, quote numbers, RUM."""

    name = CharField(primary_key=True)
    value = IntegerField(default=0)


ALL_MODELS = [
    SchemaMeta,
    Company,
    Site,
    User,
    LoginThrottle,
    BillingPoint,
    Contact,
    Document,
    Offer,
    Quote,
    QuotePartner,
    QuoteLine,
    Order,
    OrderLine,
    AuditLog,
    Setting,
    OperatorSetting,
    Sequence,
]
