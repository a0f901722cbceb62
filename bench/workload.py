"""The prospect workload that bench.stress, bench.crash and tests/unit/test_concurrency.py run.

Wizard step saves made with the versions loaded just before, each writing a unique token in one
field per record (company name and site street for step 1, billing "complement" for step 2, the
administrator's first name for step 3), conversions at the version loaded, new prospects; and
what the database holds afterwards (versions and tokens, integrity).
"""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

import peewee

from db.companies import (
    convert_to_client,
    load_prospect,
    save_admin_step,
    save_billing_step,
    save_company_step,
)
from db.core import (
    ALL_MODELS,
    AlreadyConverted,
    BillingPoint,
    Company,
    CompanyKind,
    ConcurrentEditError,
    Contact,
    ConversionRefused,
    NotFound,
    Scope,
    Site,
    User,
    ValidationErrors,
    close_database,
    database_proxy,
    init_schema,
    is_postgresql,
    open_database,
)
from db.demo import random_iban, random_siren, random_siret, seed_demo

OPERATOR_LOGIN = "operateur"
RESELLER_LOGINS = {2: "revendeur", 3: "revendeur2"}  # demo reseller company id -> login
TOKEN_MARK = " ~"


def scopes_by_login() -> dict[str, Scope]:
    logins = [OPERATOR_LOGIN, *RESELLER_LOGINS.values()]
    return {u.login: Scope.for_user(u) for u in User.select().where(User.login.in_(logins))}


def _untokened(text: str) -> str:
    return text.split(TOKEN_MARK)[0]


def token_of(text: str | None) -> str | None:
    text = text or ""
    return text.rsplit(TOKEN_MARK, 1)[1] if TOKEN_MARK in text else None


def fresh_company(rng: random.Random, token: str) -> dict:
    siren = random_siren(rng)
    return {
        "name": f"STRESS {rng.randrange(10**6):06d}{TOKEN_MARK}{token}",
        "siren": siren,
        "siret": random_siret(rng, siren),
        "site_number": str(rng.randrange(1, 200)),
        "site_street": f"rue du Test{TOKEN_MARK}{token}",
        "site_postcode": "92110",
        "site_city": "CLICHY",
        "site_country": "France",
    }


def fresh_billing(rng: random.Random, holder: str) -> dict:
    iban, bic = random_iban(rng)
    return {
        "holder": _untokened(holder)[:60],
        "email": f"compta{rng.randrange(10**6)}@exemple.fr",
        "payment_mode": rng.choice(("Prélèvement", "Virement", "Chèque")),
        "payment_terms": "30 jours",
        "payment_terms_days": "",
        "vat_regime": "Assujetti",
        "paper_invoice": False,
        "iban": iban,
        "bic": bic,
        "rum": "",
        "number": "3",
        "street": "rue Pasteur",
        "country": "France",
        "postcode": "92110",
        "city": "CLICHY",
    }


def fresh_admin(rng: random.Random) -> dict:
    return {
        "civility": rng.choice(("Monsieur", "Madame")),
        "last_name": "TESTEUR",
        "first_name": "Alex",
        "phone": "",
        "mobile": "",
        "fax": "",
        "email": f"admin{rng.randrange(10**6)}@exemple.fr",
    }


def step_data(record, step: int, token: str, rng: random.Random) -> dict:
    """The form of wizard step `step` as loaded, with `token` written in one field per record."""
    if step == 1:
        data = record.company_values()
        data["name"] = f"{_untokened(data['name'])}{TOKEN_MARK}{token}"
        data["site_street"] = f"rue du Test{TOKEN_MARK}{token}"
        if not data["site_postcode"]:
            data.update(site_postcode="92110", site_city="CLICHY", site_country="France")
        return data
    if step == 2:
        data = record.billing_values() or fresh_billing(rng, record.company.name)
        data["complement"] = f"bureau{TOKEN_MARK}{token}"
        return data
    data = record.admin_values() or fresh_admin(rng)
    data["first_name"] = f"{_untokened(data['first_name'])}{TOKEN_MARK}{token}"
    return data


STEP_RECORD = {1: "site", 2: "billing", 3: "admin"}


def save_step(scope: Scope, company_id: int, step: int, token: str, rng, pause: float = 0.0):
    """Load the prospect, (wait), save step `step` with the loaded versions; returns the claims."""
    record = load_prospect(scope, company_id)
    versions = dict(record.versions)
    data = step_data(record, step, token, rng)
    if pause:
        time.sleep(pause)
    if step == 1:
        save_company_step(scope, company_id, data, versions)
    elif step == 2:
        save_billing_step(scope, company_id, data, versions)
    else:
        save_admin_step(scope, company_id, data, versions)
    return [
        ("company", company_id, versions["company"]),
        (STEP_RECORD[step], company_id, versions[STEP_RECORD[step]]),
    ]


def convert(scope: Scope, company_id: int, pause: float = 0.0):
    """Load the prospect, (wait), convert it at the loaded version; returns (claims, number)."""
    record = load_prospect(scope, company_id)
    version = record.versions["company"]
    if pause:
        time.sleep(pause)
    number = convert_to_client(scope, company_id, expected_version=version)
    return [("company", company_id, version)], number


def classify(exc: BaseException) -> str:
    """One outcome label per kind of refusal or error."""
    if isinstance(exc, AlreadyConverted):
        return "refused: already converted (edit)"
    if isinstance(exc, ConcurrentEditError):
        return "refused: version conflict"
    if isinstance(exc, NotFound):
        return "refused: not a prospect any more (load)"
    if isinstance(exc, ConversionRefused):
        if "déjà client" in exc.message:
            return "refused: conversion, déjà client"
        if exc.missing:
            return "refused: conversion, incomplete"
        return "refused: conversion, other (duplicate SIREN...)"
    if isinstance(exc, ValidationErrors):
        return "refused: validation"
    if isinstance(exc, (peewee.OperationalError, sqlite3.OperationalError)):
        return "ERROR: database is locked" if "locked" in str(exc) else "ERROR: OperationalError"
    return "ERROR: unexpected"


def make_ready_prospects(
    count: int, rng: random.Random, reseller_id: int | None, operator_id: int, step: int = 3
) -> list[int]:
    """`count` new prospects owned by `reseller_id`, complete up to wizard step `step`."""
    ids = []
    with database_proxy.atomic():
        for _ in range(count):
            data = fresh_company(rng, "init")
            company = Company.create(
                kind=CompanyKind.PROSPECT,
                name=data["name"],
                siren=data["siren"],
                siret=data["siret"],
                reseller=reseller_id,
                operator=operator_id,
                creation_step=step,
            )
            Site.create(
                company=company,
                number=data["site_number"],
                street=data["site_street"],
                postcode="92110",
                city="CLICHY",
            )
            if step >= 2:
                billing = fresh_billing(rng, company.name)
                billing.update(payment_mode="Virement", payment_terms_days=None)
                billing.pop("rum")
                BillingPoint.create(company=company, **billing)
            if step >= 3:
                Contact.create(company=company, is_admin=True, **fresh_admin(rng))
            ids.append(company.id)
    return ids


def snapshot(company_ids) -> dict[tuple[str, int], tuple[int, str | None]]:
    """(record kind, company id) -> (lock_version, token) of the company and its wizard records."""
    ids = list(company_ids)
    state: dict[tuple[str, int], tuple[int, str | None]] = {}
    for first in range(0, len(ids), 500):
        chunk = ids[first : first + 500]
        for c in Company.select().where(Company.id.in_(chunk)):
            state[("company", c.id)] = (c.lock_version, token_of(c.name))
        for s in Site.select().where(Site.company.in_(chunk) & (Site.is_main == True)):  # noqa: E712
            state.setdefault(("site", s.company_id), (s.lock_version, token_of(s.street)))
        for b in (
            BillingPoint.select().where(BillingPoint.company.in_(chunk)).order_by(BillingPoint.id)
        ):
            state.setdefault(("billing", b.company_id), (b.lock_version, token_of(b.complement)))
        for a in (
            Contact.select()
            .where(Contact.company.in_(chunk) & (Contact.is_admin == True))  # noqa: E712
            .order_by(Contact.id)
        ):
            state.setdefault(("admin", a.company_id), (a.lock_version, token_of(a.first_name)))
    return state


def integrity() -> tuple[str, int]:
    """(PRAGMA integrity_check, number of foreign key violations).

    PostgreSQL checks every foreign key at each write: a violation there would have been an
    error in the run; what is left to check is that none is NOT VALID (never checked on the
    rows it covers), and that every table can be read whole ("ok" when so).
    """
    database = database_proxy.obj
    if is_postgresql():
        for model in ALL_MODELS:
            model.select(peewee.fn.COUNT(peewee.SQL("*"))).scalar()
        unchecked = database.execute_sql(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated"
        ).fetchone()[0]
        return "ok", unchecked
    result = ", ".join(row[0] for row in database.execute_sql("PRAGMA integrity_check"))
    violations = len(database.execute_sql("PRAGMA foreign_key_check").fetchall())
    return result, violations


def prepare_database(db_path: Path | str, prospects: int, quotes: int, seed: int) -> None:
    """A fresh demo database (the demo seed plus a book of `prospects` companies).

    A postgresql:// URL names a throwaway database: its MyOpenIP tables are dropped first.
    """
    if "://" in str(db_path):
        open_database(str(db_path))
        database_proxy.obj.drop_tables(ALL_MODELS, safe=True, cascade=True)
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        open_database(db_path)
    init_schema()
    seed_demo(prospects=prospects, quotes=quotes, seed=seed)
    if not is_postgresql():
        database_proxy.obj.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_database()
