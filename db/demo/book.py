"""The bulk of the demo book: generated prospects, clients and quotes, inserted in batches.

The same seed gives the same book (screenshots and tests rely on it): the draws from `rng` come
in a fixed order, so any change here changes every row after it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from db.core.database import atomic
from db.core.kinds import CompanyKind
from db.core.models import (
    BillingPoint,
    Company,
    Contact,
    Offer,
    Quote,
    QuoteLine,
    QuotePartner,
    Site,
    User,
    fold,
    now,
)
from db.demo.bulk_load import bulk_insert, set_counter
from db.demo.data import CITIES, FIRST_NAMES, NAMES, STREETS, SUFFIXES, TRADES
from db.demo.ids import random_iban, random_siren, random_siret, tva_from_valid_siren

BATCH = 500


def seed_companies(
    rng: random.Random, count: int, owners: list[Company], start_id: int, reserved_ids: set[int]
) -> None:
    """`count` prospects and clients (about one in four a client), in bulk, spread over `owners`;
    their ids count from `start_id`, past `reserved_ids`."""
    client_seq = 1000
    ids = (i for i in range(start_id, 10**9) if i not in reserved_ids)
    folded: dict[str, str] = {}  # fold() of the few distinct names and cities, computed once

    def fold_once(text: str) -> str:
        value = folded.get(text)
        if value is None:
            value = folded[text] = fold(text)
        return value

    for first in range(0, count, BATCH):
        companies, sites, billings, contacts = [], [], [], []
        for _ in range(min(BATCH, count - first)):
            cid = next(ids)
            owner = rng.choice(owners)
            siren = random_siren(rng)
            name = f"{rng.choice(TRADES)} {rng.choice(NAMES)} {rng.choice(SUFFIXES)}"
            is_client = rng.random() < 0.25
            step = 3 if is_client else rng.choice((0, 1, 1, 2, 2, 3))
            client_number = None
            if is_client:
                client_seq += 1
                client_number = f"CL{client_seq:07d}"
            stamp = now() - dt.timedelta(days=rng.randrange(1, 2000))
            companies.append(
                {
                    "id": cid,
                    "kind": CompanyKind.CLIENT if is_client else CompanyKind.PROSPECT,
                    "name": name,
                    "search_name": fold_once(name),
                    "siren": siren,
                    "siret": random_siret(rng, siren),
                    "vat_number": tva_from_valid_siren(siren),
                    "reseller": owner.id,
                    "operator": owner.operator_id,
                    "creation_step": step,
                    "client_number": client_number,
                    "converted_at": stamp if is_client else None,
                    "created_at": stamp,
                    "updated_at": stamp,
                    "converted_by": "revendeur" if is_client else None,
                }
            )
            postcode, city = rng.choice(CITIES)
            street, number = rng.choice(STREETS), str(rng.randrange(1, 120))
            if step >= 1:
                sites.append(
                    {
                        "company": cid,
                        "number": number,
                        "street": street,
                        "postcode": postcode,
                        "city": city,
                        "search_city": fold_once(city),
                    }
                )
            if step >= 2:
                iban, bic = random_iban(rng)
                mode = rng.choice(("Prélèvement", "Prélèvement", "Virement", "Chèque"))
                billings.append(
                    {
                        "company": cid,
                        "holder": name,
                        "email": f"compta{cid}@exemple.fr",
                        "payment_mode": mode,
                        "payment_terms": rng.choice(
                            ("À réception", "30 jours", "45 jours fin de mois")
                        ),
                        "vat_regime": "Assujetti",
                        "iban": iban,
                        "bic": bic,
                        "rum": f"MOIP-DEMO-{cid:08d}" if mode == "Prélèvement" else None,
                        "number": number,
                        "street": street,
                        "postcode": postcode,
                        "city": city,
                    }
                )
            if step >= 3:
                civ, first_name = rng.choice(FIRST_NAMES)
                last = rng.choice(NAMES)
                contacts.append(
                    {
                        "company": cid,
                        "is_admin": True,
                        "civility": civ,
                        "last_name": last,
                        "first_name": first_name,
                        "search_name": fold_once(f"{last} {first_name}"),
                        "phone": f"+331{rng.randrange(40000000, 79999999)}",
                        "email": f"contact{cid}@exemple.fr",
                    }
                )
        with atomic():
            for model, rows in (
                (Company, companies),
                (Site, sites),
                (BillingPoint, billings),
                (Contact, contacts),
            ):
                bulk_insert(model, rows)
    set_counter("client_number", client_seq)


def seed_quotes(
    rng: random.Random,
    count: int,
    offers: dict[int, list[Offer]],
    users: dict[str, User],
    reserved_number: int,
) -> None:
    """`count` quotes over several steps, dates and commercials, numbered from 95001, past
    `reserved_number`; the quote counter is left past both."""
    commercials: dict[int, list[User | None]] = {}
    for user in users.values():
        if user.password_hash == "!disabled":
            commercials.setdefault(user.company_id, []).append(user)
    companies: list[Any] = list(  # (id, reseller, operator) rows
        Company.select(Company.id, Company.reseller, Company.operator)
        .where(
            Company.kind.in_((CompanyKind.PROSPECT, CompanyKind.CLIENT))
            & Company.reseller.is_null(False)
        )
        .order_by(Company.id)
        .limit(max(count, 1))
        .tuples()
    )
    number = 95000
    folded: dict[str, str] = {}  # fold() of the few distinct offer lists, computed once
    for first in range(0, count, BATCH):
        rows, lines, partners = [], [], []
        for _ in range(min(BATCH, count - first)):
            number += 1
            number += number == reserved_number
            cid, reseller, operator = rng.choice(companies)
            picked = rng.sample(offers[operator], rng.choice((1, 1, 2, 3)))  # its catalogue
            qty = [rng.choice((1, 1, 2, 4, 10)) for _ in picked]
            staff = commercials.get(reseller) or [None]
            commercial = rng.choice(staff)
            names = " + ".join(o.name for o in picked)
            rows.append(
                {
                    "number": number,
                    "revision": 1,
                    "company": cid,
                    "reseller": reseller,
                    "operator": operator,
                    "commercial": commercial.id if commercial else None,
                    "created_on": dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(0, 2500)),
                    "step": rng.choice((1, 2, 3, 4)),
                    "offer_names": names,
                    "search_offers": folded.get(names) or folded.setdefault(names, fold(names)),
                    "setup_total": sum(
                        (o.setup_fee * q for o, q in zip(picked, qty, strict=True)), Decimal(0)
                    ),
                    "monthly_total": sum(
                        (o.monthly_fee * q for o, q in zip(picked, qty, strict=True)), Decimal(0)
                    ),
                }
            )
            lines.append([(o, q) for o, q in zip(picked, qty, strict=True)])
            partners.append(reseller)
        with atomic():
            bulk_insert(Quote, rows)
            ids: dict[int, int] = dict(
                cast(
                    Iterable[tuple[int, int]],  # peewee's stubs type .tuples() rows as models
                    Quote.select(Quote.number, Quote.id)
                    .where(Quote.number.between(rows[0]["number"], rows[-1]["number"]))
                    .tuples(),
                )
            )
            bulk_insert(
                QuoteLine,
                [
                    {
                        "quote": ids[r["number"]],
                        "offer": o.id,
                        "label": o.name,
                        "quantity": q,
                        "setup_fee": o.setup_fee,
                        "monthly_fee": o.monthly_fee,
                    }
                    for r, ls in zip(rows, lines, strict=True)
                    for o, q in ls
                ],
            )
            bulk_insert(
                QuotePartner,
                [
                    {"quote": ids[r["number"]], "company": p}
                    for r, p in zip(rows, partners, strict=True)
                ],
            )
    set_counter("quote_number", max(number, reserved_number))
