"""Hostile text and numbers (issue 12): property tests with Hypothesis, and the rules' examples.

Random Unicode (controls Cc, format characters Cf with the bidi overrides, lone surrogates Cs,
spaces Zs, digits of every script Nd, ...) of 0 to 10,000 characters goes through every
validator, every service that takes text, the CSV import and the list searches. The only
exception that may come out is the domain's (DomainError and its subclasses); what is
accepted is stored clean. The verdict is Python's (db/core/text.py runs before the store), which the
service tests check against the pure cleaning functions: so it is the same on SQLite and on
PostgreSQL, where this file also runs (.ci/run, tests/unit on PostgreSQL).

Examples per property: the profile of tests/conftest.py (500 with CI=true, 50 locally).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.companies import editing as co
from db.companies import lists as cl
from db.companies.prospects import (
    ProspectFilters,
    count_prospects,
    list_prospects,
    save_admin_step,
    save_billing_step,
    save_company_step,
)
from db.core import text
from db.core import validation as v
from db.core.database import database_proxy
from db.core.dates import parse_date_range
from db.core.errors import DomainError, FieldError, ValidationErrors
from db.core.forms import (
    ADMIN_FIELDS,
    BILLING_FIELDS,
    COMPANY_FIELDS,
    clean_admin,
    clean_billing,
    clean_company,
)
from db.core.models import BillingPoint, Company, CompanyKind, Contact, Site
from db.documents.creditor import clean_creditor
from db.documents.sepa import validate_ics
from db.documents.storage import DocumentFilters, list_documents
from db.exchange.prospect_import import import_prospects
from db.orders.orders import OrderFilters, find_orders, list_orders, parse_order_number
from db.orders.subscriptions import ServiceFilters, list_services
from db.quotes.catalogue import OfferFilters, clean_offer, list_offers, parse_price
from db.quotes.detail import search_companies as quote_companies
from db.quotes.lines import parse_quantity
from db.quotes.lists import QuoteFilters, count_quotes, list_quotes, parse_reference

PROSPECT = 1744  # the guide's prospect of the demo store (reseller "revendeur")

# -- strategies --------------------------------------------------------------------------------

SPECIALS = (
    "\x00",
    "\x07",
    "\x1b",
    "\x1b]0;PWNED\x07",
    "\x7f",
    "\x85",
    "\x9b",
    "\u200e",
    "\u200f",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u2028",
    "\ufeff",
    "\ufffe",
    "\ud800",
    "\udfff",
    "\u00a0",
    "\u202f",
    "\u3000",
    "７５００１",
    "٧٥٠٠١",
    "²²",
    "٣",
    "9" * 23,
    "000000000",
    "[b]",
    "[/]",
    "%",
    "_",
    "\\",
    "'",
    '"',
    ";",
    "ﷺ",
    "e\u0301",
    "75001",
    "732829320",
    "73282932000074",
    "01 84 78 78 80",
    "06 12 34 56 78",
    "FR76 3000 6000 0112 3456 7890 189",
    "jean@openip.fr",
    "CL0000012",
    "DEV000095225/1",
    "CMD000000012",
    "12",
)
CHARS = st.characters(
    codec=None,
    categories=(
        "Cc",
        "Cf",
        "Cs",
        "Co",
        "Zs",
        "Zl",
        "Zp",
        "Nd",
        "No",
        "Lu",
        "Ll",
        "Lo",
        "Mn",
        "P",
        "S",
    ),
)
PIECE = st.one_of(st.sampled_from(SPECIALS), st.text(CHARS, max_size=30))
SHORT = st.lists(PIECE, max_size=5).map("".join)
# Long texts by repetition: 0 to 10,000 characters without generating each one.
LONG = st.tuples(PIECE, st.integers(1, 10_000)).map(lambda t: (t[0] * t[1])[:10_000])
HOSTILE = st.one_of(SHORT, SHORT, SHORT, LONG)

DB_SETTINGS = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def assert_clean(value: object, max_length: int | None = text.DEFAULT_MAX_LENGTH) -> None:
    """What may be stored: no refused character, NFC, within the column."""
    if not isinstance(value, str):
        return
    bad = [c for c in value if c != "\n" and text.refused_reason(c)]
    assert not bad, (value, bad)
    assert unicodedata.is_normalized("NFC", value), value
    if max_length is not None:
        assert len(value) <= max_length, len(value)


def outcome(func, *args, **kwargs):
    """func's result, or the DomainError it raised (any other exception fails the test)."""
    try:
        return func(*args, **kwargs)
    except DomainError as exc:
        assert isinstance(exc.message, str) and exc.message
        return exc


@contextmanager
def rolled_back():
    """One example's writes, undone afterwards (the demo store stays as it was)."""
    with database_proxy.atomic() as transaction:
        yield
        transaction.rollback()


# -- the rule itself ---------------------------------------------------------------------------


@given(HOSTILE)
def test_clean_refuses_in_french_or_gives_storable_text(value):
    result = outcome(text.clean, value)
    if isinstance(result, DomainError):
        assert isinstance(result, FieldError)
        assert result.message.startswith("Ce champ ")
    else:
        assert_clean(result)
        assert text.clean(result) == result  # cleaning twice changes nothing


@given(HOSTILE)
def test_visible_draws_every_character_with_no_control_left(value):
    shown = text.visible(value)
    assert len(shown) == len(value)  # one placeholder per character: columns stay aligned
    assert not any(text.refused_reason(c) for c in shown), shown
    shown_pdf = text.visible(value, multiline=True, pictures=False)
    assert not any(c != "\n" and text.refused_reason(c) for c in shown_pdf)


@given(HOSTILE)
def test_search_text_and_bounded_int_never_fail(value):
    searched = text.search_text(value)
    assert not any(text.refused_reason(c) for c in searched)
    number = text.bounded_int(value)
    assert number is None or 0 <= number <= text.INT32_MAX


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("ACME\x1b]0;PWNED\x07SA", "Ce champ contient un caractère de contrôle invisible (U+001B)"),
        ("ACME\x00", "Ce champ contient un caractère de contrôle invisible (U+0000)"),
        ("ACME\x85", "Ce champ contient un caractère de contrôle invisible (U+0085)"),
        ("\u202eACME", "Ce champ contient un caractère invisible qui inverse le sens d'écriture"),
        ("AC\u2066ME", "Ce champ contient un caractère invisible qui inverse le sens d'écriture"),
        ("AC\u200fME", "Ce champ contient un caractère invisible qui inverse le sens d'écriture"),
        ("AC\ud800ME", "Ce champ contient un caractère invalide (demi-paire UTF-16) (U+D800)"),
        ("AC\u2028ME", "Ce champ contient un caractère invisible non autorisé (U+2028)"),
        ("A" * 256, "Ce champ ne doit pas dépasser 255 caractères (256 saisis)."),
        ("A" * 10_000, "Ce champ ne doit pas dépasser 255 caractères (10\u202f000 saisis)."),
    ],
)
def test_clean_messages(raw, message):
    with pytest.raises(FieldError) as info:
        text.clean(raw)
    assert info.value.message.startswith(message), info.value.message


def test_clean_normalises_and_keeps_what_scripts_need():
    assert text.clean("  Cafe\u0301  ") == "Café"  # NFC: one code point, as PostgreSQL counts
    assert len(text.clean("e\u0301" * 255)) == 255  # 510 typed, 255 after NFC: accepted
    assert text.clean("می\u200cخواهم") == "می\u200cخواهم"  # ZWNJ (Cf) kept: Persian needs it
    assert text.clean("l1\r\nl2\rl3", multiline=True) == "l1\nl2\nl3"
    with pytest.raises(FieldError):
        text.clean("l1\nl2")  # a line break in a one-line field is a control


def test_visible_placeholders():
    assert text.visible("ACME\x1b]0;PWNED\x07SA") == "ACME␛]0;PWNED␇SA"
    assert text.visible("a\x00b\x7fc\x85d\u202ee") == "a␀b␡c\ufffdd\ufffde"
    assert text.visible("a\nb") == "a␊b"
    assert text.visible("a\nb", multiline=True) == "a\nb"
    assert text.visible("a\x1b", pictures=False) == "a\ufffd"
    assert text.visible(None) == ""


@pytest.mark.parametrize(
    ("raw", "number"),
    [("12", 12), (" 0042 ", 42), ("2147483647", 2**31 - 1), ("2147483648", None), ("9" * 23, None)]
    + [(raw, None) for raw in ("²²", "٣", "７", "-1", "1e3", "", "1 2")],
)
def test_bounded_int(raw, number):
    assert text.bounded_int(raw) == number


# -- validators --------------------------------------------------------------------------------

VALIDATORS = {
    "iban": v.validate_iban,
    "iban_sepa": lambda s: v.validate_iban(s, sepa_required=True),
    "bic": v.validate_bic,
    "bic_fr": lambda s: v.validate_bic(s, iban="FR7630006000011234567890189"),
    "siren": v.validate_siren,
    "siret": v.validate_siret,
    "siret_siren": lambda s: v.validate_siret(s, siren="732829320"),
    "tva": v.tva_from_siren,
    "email": v.validate_email,
    "phone": v.validate_phone,
    "mobile": v.validate_mobile,
    "rum": v.validate_rum,
    "days": v.validate_days,
    "ics": validate_ics,
    "price": parse_price,
    "reference": parse_reference,
    "order_number": parse_order_number,
    "date_range": parse_date_range,
    "quantity": parse_quantity,
    **{f"postcode_{c}": (lambda s, c=c: v.validate_postcode(s, c)) for c in v.COUNTRIES},
}
NUMERIC = {"siren", "siret", "siret_siren", "days", "price", "quantity"}


@pytest.mark.parametrize("name", sorted(VALIDATORS))
@given(value=HOSTILE)
def test_validators_refuse_in_french_or_give_clean_values(name, value):
    result = outcome(VALIDATORS[name], value)
    if isinstance(result, DomainError):
        return
    assert_clean(result, max_length=None)
    if name in NUMERIC or name.startswith("postcode_") and name != "postcode_Luxembourg":
        digits = "".join(c for c in str(result) if c.isdigit())
        assert digits.isascii(), result  # 0-9 only, never converted from another script


@given(HOSTILE)
def test_display_formats_never_fail(value):
    for func in (v.format_phone, v.format_siren, v.format_siret, v.format_iban, v.mask_iban):
        assert isinstance(outcome(func, value), str | DomainError)


@pytest.mark.parametrize(
    ("func", "raw", "message"),
    [
        (v.validate_siren, "000000000", "Le SIREN 000 000 000 n'existe pas."),
        (v.validate_siret, "00000000000000", "Le SIRET ne peut pas commencer par le SIREN"),
        (
            v.validate_siren,
            "７３２８２９３２０",
            "Le SIREN ne doit contenir que les chiffres 0 à 9",
        ),
        (v.validate_siret, "٧٣٢٨٢٩٣٢٠٠٠٠٧٤", "Le SIRET ne doit contenir que les chiffres 0 à 9"),
        (v.validate_postcode, "７５００１", "Le code postal doit compter 5 chiffres."),
        (v.validate_postcode, "٧٥٠٠١", "Le code postal doit compter 5 chiffres."),
        (v.validate_postcode, "\x00\x00", "Ce champ contient un caractère de contrôle invisible"),
        (v.validate_phone, "٠١٨٤٧٨٧٨٨٠", "Numéro de téléphone invalide"),
        (v.validate_mobile, "01 84 78 78 80", "Ce numéro n'est pas un mobile"),
        (parse_price, "٨٢,٨٠", "Montant invalide"),
    ],
)
def test_numbers_take_ascii_digits_only(func, raw, message):
    with pytest.raises(FieldError) as info:
        func(raw)
    assert info.value.message.startswith(message), info.value.message


@pytest.mark.parametrize(
    ("raw", "country", "message"),
    [
        ("\x00\x00", "Suisse", "Ce champ contient un caractère de contrôle invisible (U+0000)"),
        ("80２1", "Suisse", "Le code postal doit compter 4 chiffres pour la Suisse."),
        ("1000", "Suisse", None),
        ("L-1855", "Luxembourg", None),
        ("SW1A 1AA", "Royaume-Uni", None),
        ("SW1A\u00a0٣", "Royaume-Uni", "Le code postal ne peut contenir que des lettres sans"),
        ("750", "Allemagne", "Le code postal doit compter 5 chiffres pour l'Allemagne."),
    ],
)
def test_foreign_postcodes(raw, country, message):
    if message is None:
        assert v.validate_postcode(raw, country) == raw
    else:
        with pytest.raises(FieldError) as info:
            v.validate_postcode(raw, country)
        assert info.value.message.startswith(message), info.value.message


def _example(region: str, kind) -> str:
    import phonenumbers  # noqa: PLC0415

    number = phonenumbers.example_number_for_type(region, kind)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


@pytest.mark.parametrize("region", ["RE", "YT", "GP", "MQ", "GF", "PM", "BL", "MF"])
def test_overseas_numbers_are_french_numbers(region):
    import phonenumbers  # noqa: PLC0415

    fixed = _example(region, phonenumbers.PhoneNumberType.FIXED_LINE)
    mobile = _example(region, phonenumbers.PhoneNumberType.MOBILE)
    e164 = v.validate_phone(fixed)  # typed nationally, as in mainland France: 0262 …
    assert v.format_phone(e164).replace(" ", "") == fixed.replace(" ", "")
    assert v.validate_mobile(mobile).startswith("+")
    parsed = phonenumbers.parse(fixed, region)
    if phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.FIXED_LINE:
        # (Saint-Pierre-et-Miquelon's numbers may be either: phonenumbers cannot tell.)
        with pytest.raises(FieldError) as info:
            v.validate_mobile(fixed)
        assert info.value.message == v.MOBILE_INVALID


def test_reunion_and_mobiles():
    assert v.validate_phone("0262 12 34 56") == "+262262123456"
    assert v.format_phone("+262262123456") == "0262 12 34 56"
    assert v.validate_mobile("0692 12 34 56") == "+262692123456"
    assert v.validate_mobile("07 56 12 34 56") == "+33756123456"
    assert v.validate_mobile("+49 151 12345678") == "+4915112345678"  # a foreign mobile
    assert v.validate_phone("01 84 78 78 80") == "+33184787880"
    with pytest.raises(FieldError, match="pas un mobile"):
        v.validate_mobile("+49 30 1234567")  # a Berlin landline


# -- the forms' cleaning -----------------------------------------------------------------------

VALID_COMPANY = {
    "name": "ACME SA",
    "siren": "732829320",
    "siret": "",
    "site_number": "1",
    "site_street": "rue de la Paix",
    "site_postcode": "75002",
    "site_city": "PARIS",
    "site_country": "France",
}
VALID_BILLING = {
    "holder": "ACME SA",
    "email": "compta@acme.fr",
    "payment_mode": "Virement",
    "payment_terms": "30 jours",
    "vat_regime": "Assujetti",
    "iban": "FR7630006000011234567890189",
    "bic": "AGRIFRPP",
    "street": "rue de la Paix",
    "country": "France",
    "postcode": "75002",
    "city": "PARIS",
}
VALID_ADMIN = {
    "civility": "Madame",
    "last_name": "DURAND",
    "first_name": "Anne",
    "phone": "01 84 78 78 80",
    "mobile": "06 12 34 56 78",
    "email": "anne@acme.fr",
}


def overrides(fields) -> st.SearchStrategy[dict]:
    """A few fields of a form replaced by hostile text."""
    names = [f.name for f in fields if f.kind != "bool"]
    return st.dictionaries(st.sampled_from(names), HOSTILE, max_size=3)


def _assert_form(values: dict, errors: dict, fields) -> None:
    limits = {f.name: f.max_length for f in fields}
    assert all(isinstance(m, str) and m for m in errors.values())
    for name, value in values.items():
        if name not in errors:
            assert_clean(value, limits.get(name, text.DEFAULT_MAX_LENGTH))


@given(overrides(COMPANY_FIELDS))
def test_clean_company(changes):
    _assert_form(*clean_company({**VALID_COMPANY, **changes}), COMPANY_FIELDS)


@given(overrides(BILLING_FIELDS))
def test_clean_billing(changes):
    _assert_form(*clean_billing({**VALID_BILLING, **changes}), BILLING_FIELDS)


@given(overrides(ADMIN_FIELDS))
def test_clean_admin(changes):
    _assert_form(*clean_admin({**VALID_ADMIN, **changes}), ADMIN_FIELDS)


@given(
    st.dictionaries(st.sampled_from(["name", "setup_fee", "monthly_fee", "description"]), HOSTILE)
)
def test_clean_offer(changes):
    values, errors = clean_offer({"name": "Fibre", "setup_fee": "1", "monthly_fee": "2", **changes})
    for name, value in values.items():
        if name not in errors:
            assert_clean(value, 1000 if name == "description" else 255)


@given(
    st.dictionaries(
        st.sampled_from(["name", "ics", "address", "signature_place", "rum_prefix"]), HOSTILE
    )
)
def test_clean_creditor(changes):
    values, errors = clean_creditor({"name": "OpenIP", "ics": "FR72ZZZ123456", **changes})
    for name, value in values.items():
        if name not in errors:
            assert_clean(value)


# -- services that store text: the same verdict as the Python cleaning, on either store ---------


def _verdict(result, errors: dict) -> None:
    """The service refused exactly when the cleaning did, with the same messages."""
    if errors:
        assert isinstance(result, ValidationErrors), result
        assert result.errors == errors
    else:
        assert not isinstance(result, ValidationErrors), result.errors


@DB_SETTINGS
@given(changes=overrides(COMPANY_FIELDS))
def test_new_prospect_step_1(scopes, changes):
    data = {**VALID_COMPANY, "siren": "", **changes}
    _, errors = clean_company(data)
    with rolled_back():
        result = outcome(save_company_step, scopes["revendeur"], None, data)
        _verdict(result, errors)
        if isinstance(result, int):
            company = Company.get_by_id(result)
            site = Site.get(Site.company == result)
            for value in (company.name, company.search_name, site.street, site.city, site.postcode):
                assert_clean(value)


@DB_SETTINGS
@given(changes=overrides(COMPANY_FIELDS))
def test_company_edit(scopes, changes):
    scope = scopes["revendeur"]
    client = (
        Company.select()
        .where((Company.kind == CompanyKind.CLIENT) & (Company.reseller == scope.company_id))
        .first()
    )
    data = {**VALID_COMPANY, "siren": client.siren or "", "siret": client.siret or "", **changes}
    _, errors = clean_company(data)
    with rolled_back():
        result = outcome(co.save_company, scope, client.id, data)
        _verdict(result, errors)
        if not isinstance(result, DomainError):
            assert_clean(Company.get_by_id(client.id).name)


@DB_SETTINGS
@given(changes=overrides(BILLING_FIELDS))
def test_prospect_billing_step(scopes, changes):
    data = {**VALID_BILLING, **changes}
    _, errors = clean_billing(data)
    with rolled_back():
        result = outcome(save_billing_step, scopes["revendeur"], PROSPECT, data)
        if errors:
            assert isinstance(result, ValidationErrors) and result.errors == errors
        if not isinstance(result, DomainError):
            billing = BillingPoint.get(BillingPoint.company == PROSPECT)
            for name in ("holder", "street", "city", "postcode", "email", "complement"):
                assert_clean(getattr(billing, name))


@DB_SETTINGS
@given(changes=overrides(ADMIN_FIELDS))
def test_prospect_admin_step_and_contact(scopes, changes):
    data = {**VALID_ADMIN, **changes}
    _, errors = clean_admin(data)
    scope = scopes["revendeur"]
    with rolled_back():
        result = outcome(save_admin_step, scope, PROSPECT, data)
        if errors:
            assert isinstance(result, ValidationErrors) and result.errors == errors
        contact = outcome(co.save_contact, scope, PROSPECT, None, data)
        if errors:
            assert isinstance(contact, ValidationErrors) and contact.errors == errors
        for row in Contact.select().where(Contact.company == PROSPECT):
            for value in (row.last_name, row.first_name, row.search_name, row.email, row.mobile):
                assert_clean(value)


# -- the CSV import ----------------------------------------------------------------------------

HEADER = ["Raison sociale", "SIREN", "Voie", "Code Postal", "Commune", "Pays"]


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")  # a lone surrogate: bad UTF-8


@DB_SETTINGS
@given(
    st.lists(
        st.lists(
            st.one_of(HOSTILE, st.sampled_from(["ACME", "75001", "PARIS", "France"])), max_size=7
        ),
        max_size=4,
    )
)
def test_csv_import(scopes, rows):
    with rolled_back():
        report = outcome(
            import_prospects, scopes["revendeur"], io.BytesIO(_csv(rows)), "hostile.csv"
        )
        if isinstance(report, DomainError):
            return
        for row in report.imported:
            company = Company.get_by_id(row.company_id)
            assert_clean(company.name)
            assert_clean(Site.get(Site.company == company.id).city)


# -- list searches: rows or none, never an exception --------------------------------------------


SEARCH_LOGINS = ("revendeur", "operateur", "nord")  # a reseller, two operators


@DB_SETTINGS
@given(
    st.lists(HOSTILE, min_size=5, max_size=5),
    st.sampled_from(SEARCH_LOGINS),
    st.sampled_from(cl.LIST_KINDS),
)
def test_searches_give_rows_or_none(scopes, typed, login, kind):
    a, b, c, d, e = typed
    scope = scopes[login]
    prospects = ProspectFilters(identifiant=a, name=b, place=c)
    list_prospects(scope, prospects, 0, 5)
    count_prospects(scope, prospects, cap=100)
    companies = cl.CompanyFilters(identifiant=a, client_number=b, name=c, place=d, siren=e)
    cl.list_companies(scope, kind, companies, 0, 5)
    cl.count_companies(scope, kind, companies)
    contacts = cl.ContactFilters(name=a, company=b, email=c, admin=d)
    cl.list_contacts(scope, contacts, 0, 5)
    cl.search_companies(scope, a, 5)
    quote_companies(scope, b, 5)
    quotes = QuoteFilters(reference=a, client_number=b, client=c, offers=d)
    list_quotes(scope, quotes, 0, 5)
    count_quotes(scope, quotes, cap=100)
    list_orders(scope, OrderFilters(number=c, client=d), 0, 5)
    find_orders(scope, e, 5)
    list_documents(scope, DocumentFilters(company=a, kind=b), 0, 5)
    list_services(scope, ServiceFilters(client=c, offer=d), 0, 5)
    list_offers(scope, OfferFilters(name=e), 0, 5)


def test_search_examples_of_the_issue(scopes):
    scope = scopes["operateur"]
    for typed in ("²²", "9" * 23, "٣", "\x00", "\ud800", "1744"):
        rows = list_prospects(scope, ProspectFilters(identifiant=typed), 0, 5)
        assert [r.id for r in rows] == ([PROSPECT] if typed == "1744" else [])
        assert (
            cl.list_companies(scope, CompanyKind.CLIENT, cl.CompanyFilters(identifiant=typed)) == []
        )


# -- CLI arguments ----------------------------------------------------------------------------------


@DB_SETTINGS
@given(login=HOSTILE)
def test_cli_arguments_take_the_same_rule_and_never_echo_a_control(demo_db, capfd, login):
    """`myopenip disable-user LOGIN` (the administrator's CLI): a French sentence or done, exit
    0 or 2 (argparse itself: 2), never a traceback, and what it prints back holds no control
    character (a typed ESC would reach the administrator's terminal)."""
    from tui.cli import main

    where = ["--database-url", demo_db] if "://" in demo_db else ["--db", demo_db]
    try:
        code = main([*where, "disable-user", "--", login])
    except SystemExit as exit_:  # argparse refusing the arguments
        code = exit_.code
    out, err = capfd.readouterr()
    assert code in (0, 2), (code, err)
    assert "Traceback" not in err
    printed = out + err
    assert not [c for c in printed if c not in "\n\t" and text.refused_reason(c)], printed
    if code == 0:  # only an existing login can be disabled: the demo's, typed as stored
        assert_clean(login.strip())
