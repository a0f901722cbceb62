"""Demo data: the guide's own examples (1743, 1744, DEV000095225/1) and a realistic book around them.

This module writes the fixed part (operators, resellers, users, settings, offers, the guide's
prospects and quote); db/demo/book.py generates the bulk of prospects, clients and quotes.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from db.accounts.auth import hash_password
from db.core.database import atomic
from db.core.kinds import CompanyKind
from db.core.models import (
    BillingPoint,
    Company,
    Contact,
    Offer,
    OperatorSetting,
    Quote,
    QuoteLine,
    QuotePartner,
    Site,
    User,
    fold,
)
from db.core.validation import tva_from_siren
from db.demo.book import seed_companies, seed_quotes
from db.demo.bulk_load import fix_sequences, indexes_built_after, set_counter
from db.demo.data import CITIES, OFFERS, RETIRED_OFFERS, STREETS
from db.demo.ids import random_siren, random_siret
from db.demo.orders import seed_demo_orders
from db.documents.sepa import generate_rum, ics_check_digits

DEMO_PASSWORD = "demo"
DEMO_LOGINS = (
    ("revendeur", "Revendeur", "TÉLÉCOM CONSEIL ÎLE-DE-FRANCE"),
    ("revendeur2", "Revendeur", "AQUITAINE TÉLÉCOM SERVICES"),
    ("operateur", "MB / Opérateur", "OPENIP"),
)
GUIDE_PROSPECTS = {1743, 1744, 1745}
GUIDE_QUOTE_NUMBER = 95225
CLICHY = ("92110", "CLICHY")


def seed_demo(prospects: int = 300, quotes: int = 200, seed: int = 1743) -> None:
    """Fill an empty, initialised database with the demo book."""
    rng = random.Random(seed)

    def somewhere(number: str) -> tuple[str, str, str, str]:
        return (*rng.choice(CITIES), rng.choice(STREETS), number)

    with atomic():
        op = _operator(1, "OPENIP", (*CLICHY, "rue de Neuilly", "37"))
        resellers = [
            _company(cid, CompanyKind.RESELLER, name, (None, op.id), somewhere(number))
            for cid, name, number in (
                (2, DEMO_LOGINS[0][2], "12"),
                (3, DEMO_LOGINS[1][2], "12"),
                (4, "BRETAGNE TÉLÉCOM PARTENAIRES", "8"),
                (5, "RHÔNE-ALPES CONNECT", "8"),
            )
        ]
        other_op = _operator(6, "NORD OPÉRATEUR RÉSEAUX", ("59000", "LILLE", "rue Nationale", "5"))
        other_res = _company(
            7,
            CompanyKind.RESELLER,
            "FLANDRES TÉLÉCOM",
            (None, other_op.id),
            ("59000", "LILLE", "rue Pasteur", "3"),
        )
        for r in (*resellers, other_res):
            Company.update(reseller=r.id).where(Company.id == r.id).execute()
        for cid, name, res in (
            (8, "FOURNISSEUR CÂBLAGE SUD", resellers[1]),
            (9, "SYNDIC IMMEUBLE NEUILLY", resellers[0]),
            (10, "MAIRIE DE CLICHY (SERVICES TECHNIQUES)", None),
        ):
            owner = (res.id if res else None, op.id)
            _company(cid, CompanyKind.OTHER, name, owner, somewhere("1"))
        users = _users(op, resellers, other_op, other_res)
        _settings(op, other_op)
        # Each operator its own catalogue (the same offers to begin with); ids as before for
        # the first operator's.
        catalogues = {}
        for operator in (op, other_op):
            catalogues[operator.id] = [
                Offer.create(
                    operator=operator, name=n, setup_fee=Decimal(s), monthly_fee=Decimal(m)
                )
                for n, s, m in OFFERS
            ]
            for n, s, m in RETIRED_OFFERS:
                Offer.create(
                    operator=operator,
                    name=n,
                    setup_fee=Decimal(s),
                    monthly_fee=Decimal(m),
                    retired=True,
                )
        offers = catalogues[op.id]
        _guide_prospects(resellers[0], op)
    owners = [resellers[0]] * 4 + [resellers[1]] * 3 + resellers[2:] + [other_res]
    # PostgreSQL: the book is loaded with COPY, its indexes built afterwards (db.demo.bulk_load);
    # seed_quotes finds each batch's ids by quote number, so that index stays.
    book = (Company, Site, BillingPoint, Contact, Quote, QuoteLine, QuotePartner)
    with indexes_built_after(book, keep=frozenset({"quote_number"})):
        seed_companies(rng, prospects, owners, start_id=1100, reserved_ids=GUIDE_PROSPECTS)
        _guide_quote(offers, users)
        seed_quotes(rng, quotes, catalogues, users, reserved_number=GUIDE_QUOTE_NUMBER)
    fix_sequences()

    seed_demo_orders()


def _company(
    cid: int,
    kind: str,
    name: str,
    owner: tuple[int | None, int | None],
    address: tuple[str, str, str, str],
    *,
    ids: tuple[str, str] | None = None,
    step: int = 3,
) -> Company:
    """Company `cid` owned by `owner` = (reseller id, operator id), with its main site at
    `address` = (postcode, city, street, number); its SIREN and SIRET are `ids` (a pair) or,
    without them, made up from `cid`."""
    if ids is None:
        siren = random_siren(random.Random(cid))
        ids = (siren, random_siret(random.Random(cid), siren))
    siren, siret = ids
    reseller_id, operator_id = owner
    company = Company.create(
        id=cid,
        kind=kind,
        name=name,
        siren=siren,
        siret=siret,
        vat_number=tva_from_siren(siren),
        reseller=reseller_id,
        operator=operator_id,
        creation_step=step,
    )
    postcode, city, street, number = address
    Site.create(company=company, number=number, street=street, postcode=postcode, city=city)
    return company


def _operator(cid: int, name: str, address: tuple[str, str, str, str]) -> Company:
    """An operator: a company that is its own operator."""
    operator = _company(cid, CompanyKind.OPERATOR, name, (None, None), address)
    Company.update(operator=operator.id).where(Company.id == operator.id).execute()
    return operator


def _users(op, resellers, other_op, other_res) -> dict[str, User]:
    password = hash_password(DEMO_PASSWORD, policy=False)  # demo logins keep `demo`
    people = [
        (login, company, name, password)
        for (login, _, _), company, name in zip(
            DEMO_LOGINS,
            (resellers[0], resellers[1], op),
            ("Julie Revendeur", "Marc Revendeur", "Anne Opérateur"),
            strict=True,
        )
    ]
    # Commercials who appear on quotes but do not log in to the demo (no usable password).
    people += [
        (login, company, name, "!disabled")
        for login, company, name in (
            ("c.bernard", resellers[0], "Claire Bernard"),
            ("l.petit", resellers[0], "Luc Petit"),
            ("s.moreau", resellers[1], "Sophie Moreau"),
            ("a.girard", op, "Alain Girard"),
            ("t.leroy", resellers[2], "Thomas Leroy"),
            ("n.nord", other_res, "Nina Nord"),
        )
    ]
    users = {}
    for login, company, name, password_hash in people:
        portal = (
            User.PORTAL_OPERATOR if company.kind == CompanyKind.OPERATOR else User.PORTAL_RESELLER
        )
        users[login] = User.create(
            login=login,
            password_hash=password_hash,
            portal=portal,
            company=company,
            display_name=name,
        )
    User.create(
        login="nord",
        password_hash=password,
        portal=User.PORTAL_OPERATOR,
        company=other_op,
        display_name="Opérateur Nord",
        is_commercial=False,
    )
    return users


def _settings(op: Company, other_op: Company) -> None:
    """Each operator's own SEPA creditor."""
    for operator, values in (
        (
            op,
            (
                ("creditor_name", "OPENIP"),
                ("creditor_ics", "FR" + ics_check_digits("123456") + "ZZZ123456"),
                ("creditor_address", "37 rue de Neuilly\n92110 CLICHY\nFrance"),
                ("rum_prefix", "OPENIP"),
                ("signature_place", "Clichy"),
            ),
        ),
        (
            other_op,
            (
                ("creditor_name", "NORD OPÉRATEUR RÉSEAUX"),
                ("creditor_ics", "FR" + ics_check_digits("654321") + "ZZZ654321"),
                ("creditor_address", "5 rue Nationale\n59000 LILLE\nFrance"),
                ("rum_prefix", "NORD"),
                ("signature_place", "Lille"),
            ),
        ),
    ):
        for key, value in values:
            OperatorSetting.insert(operator=operator, key=key, value=value).on_conflict(
                conflict_target=[OperatorSetting.operator, OperatorSetting.key],
                update={OperatorSetting.value: value},
            ).execute()


def _guide_prospects(reseller: Company, op: Company) -> None:
    """1743 at 'Création - étape 2', 1744 complete, 1745 with quote DEV000095225/1."""
    owner = (reseller.id, op.id)
    prospect = CompanyKind.PROSPECT
    _company(
        1743,
        prospect,
        "CABINET DUVAL ET ASSOCIÉS",
        owner,
        (*CLICHY, "rue de Neuilly", "37"),
        ids=("732829320", "73282932000074"),
        step=1,
    )
    ready_address = (*CLICHY, "avenue Jean Jaurès", "12")
    ready = _company(
        1744,
        prospect,
        "BOULANGERIE MARTIN ET FILS",
        owner,
        ready_address,
        ids=("552100554", "55210055400013"),
    )
    postcode, city, street, number = ready_address
    BillingPoint.create(
        company=ready,
        holder=ready.name,
        email="compta@boulangerie-martin.fr",
        payment_mode="Prélèvement",
        payment_terms="30 jours",
        vat_regime="Assujetti",
        iban="FR7630004000031234567890143",
        bic="BNPAFRPP",
        rum=generate_rum("OPENIP", 1, dt.date(2026, 11, 2), random.Random(1744)),
        number=number,
        street=street,
        postcode=postcode,
        city=city,
    )
    Contact.create(
        company=ready,
        is_admin=True,
        civility="Monsieur",
        last_name="MARTIN",
        first_name="Paul",
        phone="+33184787880",
        mobile="+33612345678",
        email="paul.martin@boulangerie-martin.fr",
    )
    set_counter("rum", 1)
    garage = _company(
        1745,
        prospect,
        "GARAGE DU CENTRE",
        owner,
        (*CLICHY, "place du Marché", "4"),
        ids=("403052111", "40305211100016"),
        step=1,
    )
    Contact.create(
        company=garage,
        is_admin=False,
        civility="Madame",
        last_name="LEROUX",
        first_name="Nadia",
        phone="+33147301122",
        email="nadia.leroux@garageducentre.fr",
    )


def _guide_quote(offers: list[Offer], users: dict[str, User]) -> None:
    """The guide's DEV000095225/1: one SIP Trunk line for GARAGE DU CENTRE (1745)."""
    garage = Company.get_by_id(1745)
    offer = offers[0]
    with atomic():
        quote = Quote.create(
            number=GUIDE_QUOTE_NUMBER,
            revision=1,
            company=garage,
            reseller=garage.reseller_id,
            operator=garage.operator_id,
            commercial=users["c.bernard"],
            created_on=dt.date(2019, 7, 16),
            step=4,
            offer_names=offer.name,
            search_offers=fold(offer.name),
            setup_total=offer.setup_fee,
            monthly_total=offer.monthly_fee,
        )
        QuoteLine.create(
            quote=quote,
            offer=offer,
            label=offer.name,
            quantity=1,
            setup_fee=offer.setup_fee,
            monthly_fee=offer.monthly_fee,
        )
        QuotePartner.create(quote=quote, company=garage.reseller_id)
