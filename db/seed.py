"""Demo data: the guide's own examples (1743, 1744, DEV000095225/1) and a realistic book around them."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from peewee import AutoField
from schwifty import IBAN

from db.auth import hash_password
from db.database import atomic, database_proxy, is_sqlite
from db.models import (
    ALL_MODELS,
    BillingPoint,
    Company,
    CompanyKind,
    Contact,
    Offer,
    Quote,
    QuoteLine,
    QuotePartner,
    Sequence,
    Setting,
    Site,
    User,
    fold,
    now,
)
from db.sepa import generate_rum, ics_check_digits
from db.validation import tva_from_siren

DEMO_PASSWORD = "demo"
DEMO_LOGINS = (
    ("revendeur", "Revendeur", "TÉLÉCOM CONSEIL ÎLE-DE-FRANCE"),
    ("revendeur2", "Revendeur", "AQUITAINE TÉLÉCOM SERVICES"),
    ("operateur", "MB / Opérateur", "OPENIP"),
)
BATCH = 500

OFFERS = (
    ("SIP Trunk Touch jusqu'à 2 appels simultanés", "82.80", "5.76"),
    ("SIP Trunk Touch jusqu'à 10 appels simultanés", "150.00", "24.90"),
    ("Fibre FTTH Pro 1 Gb/s", "299.00", "59.00"),
    ("Fibre FTTO 100 Mb/s garantis", "990.00", "249.00"),
    ("Accès SDSL 4 Mb/s", "390.00", "89.00"),
    ("Centrex Cloud (par poste)", "25.00", "12.50"),
    ("SDA 10 numéros", "10.00", "3.00"),
    ("Portabilité de numéro", "30.00", "0.00"),
    ("Routeur 4G de secours", "120.00", "9.90"),
    ("Forfait mobile Pro 100 Go", "0.00", "19.99"),
)
RETIRED_OFFERS = (("ADSL Pro (ancienne offre)", "99.00", "35.00"),)

CITIES = (
    ("92110", "CLICHY"),
    ("75008", "PARIS"),
    ("75011", "PARIS"),
    ("92100", "BOULOGNE-BILLANCOURT"),
    ("93200", "SAINT-DENIS"),
    ("94300", "VINCENNES"),
    ("33000", "BORDEAUX"),
    ("33700", "MÉRIGNAC"),
    ("64100", "BAYONNE"),
    ("40000", "MONT-DE-MARSAN"),
    ("69003", "LYON"),
    ("13008", "MARSEILLE"),
    ("59000", "LILLE"),
    ("31000", "TOULOUSE"),
    ("44000", "NANTES"),
    ("67000", "STRASBOURG"),
    ("06000", "NICE"),
    ("35000", "RENNES"),
    ("34000", "MONTPELLIER"),
    ("78000", "VERSAILLES"),
)
STREETS = (
    "rue de Neuilly",
    "avenue Jean Jaurès",
    "boulevard Haussmann",
    "rue de la République",
    "place du Marché",
    "rue Victor Hugo",
    "allée des Tilleuls",
    "quai des Chartrons",
    "rue Sainte-Catherine",
    "avenue de la Gare",
    "chemin des Vignes",
    "rue Pasteur",
)
TRADES = (
    "CABINET",
    "BOULANGERIE",
    "GARAGE",
    "PHARMACIE",
    "SARL",
    "SAS",
    "ATELIER",
    "CLINIQUE",
    "AGENCE",
    "HÔTEL",
    "RESTAURANT",
    "ÉTUDE",
    "LABORATOIRE",
    "TRANSPORTS",
    "IMPRIMERIE",
)
NAMES = (
    "DUVAL",
    "MARTIN",
    "BERNARD",
    "PETIT",
    "DUBOIS",
    "MOREAU",
    "LAURENT",
    "SIMON",
    "MICHEL",
    "LEFÈVRE",
    "GARCIA",
    "ROUX",
    "FONTAINE",
    "CHEVALIER",
    "ROBIN",
    "GAUTHIER",
    "PERRIN",
    "MOREL",
    "GIRARD",
    "ANDRÉ",
    "MERCIER",
    "BLANC",
    "GUÉRIN",
    "BOYER",
    "FAURE",
    "LEMAIRE",
)
SUFFIXES = (
    "ET ASSOCIÉS",
    "ET FILS",
    "CONSEIL",
    "SERVICES",
    "DU CENTRE",
    "DE LA GARE",
    "EXPERTISE",
    "& CIE",
    "PRO",
    "FRANCE",
    "OUEST",
    "MÉDITERRANÉE",
)
FIRST_NAMES = (
    ("Monsieur", "Jean"),
    ("Madame", "Marie"),
    ("Monsieur", "Pierre"),
    ("Madame", "Sophie"),
    ("Monsieur", "Luc"),
    ("Madame", "Isabelle"),
    ("Monsieur", "Nicolas"),
    ("Madame", "Camille"),
    ("Madame", "Hélène"),
)
BANKS = ("30004", "30003", "30002", "10278", "20041", "11315", "18206")


# Luhn doubling of one digit (2d, minus 9 above 9), for the bulk generators below.
_LUHN_DOUBLE = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def _luhn_check_digit(base: str) -> str:
    """stdnum.luhn.calc_check_digit for a string of digits, without its per-call overhead."""
    total = 0
    for i, char in enumerate(reversed(base)):
        digit = ord(char) - 48
        total += _LUHN_DOUBLE[digit] if i % 2 == 0 else digit
    return str(-total % 10)


def random_siren(rng: random.Random) -> str:
    base = f"{rng.randrange(10_000_000, 99_999_999):08d}"
    return base + _luhn_check_digit(base)


def random_siret(rng: random.Random, siren: str) -> str:
    base = siren + f"{rng.randrange(1, 999):04d}"
    return base + _luhn_check_digit(base)


def _tva_from_valid_siren(siren: str) -> str:
    """db.validation.tva_from_siren for a SIREN known to be valid (key = SIREN·100 + 12 mod 97)."""
    return f"FR{int(siren + '12') % 97:02d}{siren}"


_BANK_BICS: dict[str, str] = {}


def _bank_bic(bank: str) -> str:
    """The BIC schwifty's bank registry gives a French bank code (looked up once per bank)."""
    bic = _BANK_BICS.get(bank)
    if bic is None:
        iban = IBAN.generate("FR", bank_code=bank, account_code="0" * 11)
        bic = _BANK_BICS[bank] = str(iban.bic or "BNPAFRPP")
    return bic


def french_iban(bank: str, branch: str, account: str) -> str:
    """A valid French IBAN: RIB key (97 - (89·bank + 15·branch + 3·account) mod 97) and ISO 7064
    check digits (FR = 15 27), computed directly; for numeric codes it equals schwifty's
    IBAN.generate, at a hundredth of the cost (tests/pg/test_seed.py compares them)."""
    rib_key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank}{branch}{account}{rib_key:02d}"
    return f"FR{98 - int(bban + '152700') % 97:02d}{bban}"


def random_iban(rng: random.Random) -> tuple[str, str]:
    """(IBAN, BIC) of a random account at one of BANKS (branch 00000, as IBAN.generate makes)."""
    bank = rng.choice(BANKS)
    return french_iban(bank, "00000", f"{rng.randrange(10**10):011d}"), _bank_bic(bank)


def seed_demo(prospects: int = 300, quotes: int = 200, seed: int = 1743) -> None:
    """Fill an empty, initialised database with the demo book."""
    rng = random.Random(seed)
    with atomic():
        op = _company(
            1, CompanyKind.OPERATOR, "OPENIP", None, None, "92110", "CLICHY", "rue de Neuilly", "37"
        )
        Company.update(operator=op.id).where(Company.id == op.id).execute()
        resellers = []
        for cid, (_, _, name) in zip((2, 3), DEMO_LOGINS[:2], strict=True):
            r = _company(
                cid,
                CompanyKind.RESELLER,
                name,
                None,
                op.id,
                *rng.choice(CITIES),
                rng.choice(STREETS),
                "12",
            )
            resellers.append(r)
        for cid, name in ((4, "BRETAGNE TÉLÉCOM PARTENAIRES"), (5, "RHÔNE-ALPES CONNECT")):
            resellers.append(
                _company(
                    cid,
                    CompanyKind.RESELLER,
                    name,
                    None,
                    op.id,
                    *rng.choice(CITIES),
                    rng.choice(STREETS),
                    "8",
                )
            )
        other_op = _company(
            6,
            CompanyKind.OPERATOR,
            "NORD OPÉRATEUR RÉSEAUX",
            None,
            None,
            "59000",
            "LILLE",
            "rue Nationale",
            "5",
        )
        Company.update(operator=other_op.id).where(Company.id == other_op.id).execute()
        other_res = _company(
            7,
            CompanyKind.RESELLER,
            "FLANDRES TÉLÉCOM",
            None,
            other_op.id,
            "59000",
            "LILLE",
            "rue Pasteur",
            "3",
        )
        for r in (*resellers, other_res):
            Company.update(reseller=r.id).where(Company.id == r.id).execute()
        for cid, name, res in (
            (8, "FOURNISSEUR CÂBLAGE SUD", resellers[1]),
            (9, "SYNDIC IMMEUBLE NEUILLY", resellers[0]),
            (10, "MAIRIE DE CLICHY (SERVICES TECHNIQUES)", None),
        ):
            _company(
                cid,
                CompanyKind.OTHER,
                name,
                res.id if res else None,
                op.id,
                *rng.choice(CITIES),
                rng.choice(STREETS),
                "1",
            )
        users = _users(op, resellers, other_op, other_res)
        _settings()
        offers = [
            Offer.create(name=n, setup_fee=Decimal(s), monthly_fee=Decimal(m)) for n, s, m in OFFERS
        ]
        for n, s, m in RETIRED_OFFERS:
            Offer.create(name=n, setup_fee=Decimal(s), monthly_fee=Decimal(m), retired=True)
        _guide_prospects(resellers[0], op)
    owners = [resellers[0]] * 4 + [resellers[1]] * 3 + resellers[2:] + [other_res]
    seed_companies(rng, prospects, owners, start_id=1100)
    seed_quotes(rng, quotes, offers, users)
    _fix_sequences()
    from db.orders import seed_demo_orders  # noqa: PLC0415 - orders build on the seeded quotes

    seed_demo_orders()


def _company(cid, kind, name, reseller_id, operator_id, postcode, city, street, number) -> Company:
    siren = random_siren(random.Random(cid))
    company = Company.create(
        id=cid,
        kind=kind,
        name=name,
        siren=siren,
        siret=random_siret(random.Random(cid), siren),
        vat_number=tva_from_siren(siren),
        reseller=reseller_id,
        operator=operator_id,
        creation_step=3,
    )
    Site.create(company=company, number=number, street=street, postcode=postcode, city=city)
    return company


def _users(op, resellers, other_op, other_res) -> dict[str, User]:
    password = hash_password(DEMO_PASSWORD)
    users = {}
    for (login, _, _), company, name in zip(
        DEMO_LOGINS,
        (resellers[0], resellers[1], op),
        ("Julie Revendeur", "Marc Revendeur", "Anne Opérateur"),
        strict=True,
    ):
        portal = (
            User.PORTAL_OPERATOR if company.kind == CompanyKind.OPERATOR else User.PORTAL_RESELLER
        )
        users[login] = User.create(
            login=login, password_hash=password, portal=portal, company=company, display_name=name
        )
    # Commercials who appear on quotes but do not log in to the demo (no usable password).
    for login, company, name in (
        ("c.bernard", resellers[0], "Claire Bernard"),
        ("l.petit", resellers[0], "Luc Petit"),
        ("s.moreau", resellers[1], "Sophie Moreau"),
        ("a.girard", op, "Alain Girard"),
        ("t.leroy", resellers[2], "Thomas Leroy"),
        ("n.nord", other_res, "Nina Nord"),
    ):
        portal = (
            User.PORTAL_OPERATOR if company.kind == CompanyKind.OPERATOR else User.PORTAL_RESELLER
        )
        users[login] = User.create(
            login=login,
            password_hash="!disabled",
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


def _settings() -> None:
    ics = "FR" + ics_check_digits("123456") + "ZZZ123456"
    for key, value in (
        ("creditor_name", "OPENIP"),
        ("creditor_ics", ics),
        ("creditor_address", "37 rue de Neuilly\n92110 CLICHY\nFrance"),
        ("rum_prefix", "OPENIP"),
        ("signature_place", "Clichy"),
    ):
        Setting.insert(key=key, value=value).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: value}
        ).execute()


def _guide_prospects(reseller: Company, op: Company) -> None:
    """1743 at 'Création - étape 2', 1744 complete, 1745 with quote DEV000095225/1."""
    owner = {"reseller": reseller.id, "operator": op.id}
    duval = Company.create(
        id=1743,
        kind=CompanyKind.PROSPECT,
        name="CABINET DUVAL ET ASSOCIÉS",
        siren="732829320",
        siret="73282932000074",
        vat_number=tva_from_siren("732829320"),
        creation_step=1,
        **owner,
    )
    Site.create(
        company=duval, number="37", street="rue de Neuilly", postcode="92110", city="CLICHY"
    )
    ready = Company.create(
        id=1744,
        kind=CompanyKind.PROSPECT,
        name="BOULANGERIE MARTIN ET FILS",
        siren="552100554",
        siret="55210055400013",
        vat_number=tva_from_siren("552100554"),
        creation_step=3,
        **owner,
    )
    Site.create(
        company=ready, number="12", street="avenue Jean Jaurès", postcode="92110", city="CLICHY"
    )
    BillingPoint.create(
        company=ready,
        holder="BOULANGERIE MARTIN ET FILS",
        email="compta@boulangerie-martin.fr",
        payment_mode="Prélèvement",
        payment_terms="30 jours",
        vat_regime="Assujetti",
        iban="FR7630004000031234567890143",
        bic="BNPAFRPP",
        rum=generate_rum("OPENIP", 1, dt.date(2026, 11, 2), random.Random(1744)),
        number="12",
        street="avenue Jean Jaurès",
        postcode="92110",
        city="CLICHY",
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
    _set_counter("rum", 1)
    garage = Company.create(
        id=1745,
        kind=CompanyKind.PROSPECT,
        name="GARAGE DU CENTRE",
        siren="403052111",
        siret="40305211100016",
        vat_number=tva_from_siren("403052111"),
        creation_step=1,
        **owner,
    )
    Site.create(
        company=garage, number="4", street="place du Marché", postcode="92110", city="CLICHY"
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


def _bulk_insert(model, rows: list[dict]) -> None:
    """`model.insert_many(rows).execute()` for rows that all have the same keys, ~10x cheaper.

    Peewee builds a query node per value, which costs more than SQLite's whole insert at 100,000
    rows; here each value only goes through its field's `db_value` and one multi-row INSERT is
    sent. Same rows as insert_many: missing fields take their model default (callables called
    per row) or NULL, and it raises like insert_many when a NOT NULL field has neither.
    """
    if not rows:
        return
    meta = model._meta
    fields = [meta.fields[name] for name in rows[0]]
    given = set(rows[0])
    fillers = []
    for field in meta.sorted_fields:
        if field.name in given or (field is meta.primary_key and meta.auto_increment):
            continue
        if field.default is not None:
            fillers.append((field, field.default, callable(field.default)))
        elif field.null:
            fillers.append((field, None, False))
        else:
            raise ValueError(f"Missing value for {field.name}.")
    names = list(rows[0])
    converters = [f.db_value for f in fields] + [f.db_value for f, _, _ in fillers]
    columns = ", ".join(f'"{f.column_name}"' for f in [*fields, *(f for f, _, _ in fillers)])
    database = database_proxy.obj
    one_row = "(" + ", ".join([database.param] * len(converters)) + ")"
    # Rows per statement: under SQLite's 32,766 bound parameters, PostgreSQL's 65,535.
    per_statement = max(1, 30_000 // len(converters))
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        params = []
        for row in chunk:
            values = [row[name] for name in names]
            values.extend(default() if call else default for _, default, call in fillers)
            params.extend(convert(value) for convert, value in zip(converters, values, strict=True))
        database.execute_sql(
            f'INSERT INTO "{meta.table_name}" ({columns}) VALUES '
            + ", ".join([one_row] * len(chunk)),
            params,
        )


def seed_companies(rng: random.Random, count: int, owners: list[Company], start_id: int) -> None:
    """`count` prospects and clients (about one in four a client), in bulk, spread over `owners`."""
    taken = {1743, 1744, 1745}
    client_seq = 1000
    ids = (i for i in range(start_id, 10**9) if i not in taken)
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
                    "vat_number": _tva_from_valid_siren(siren),
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
                _bulk_insert(model, rows)
    _set_counter("client_number", client_seq)


def seed_quotes(
    rng: random.Random, count: int, offers: list[Offer], users: dict[str, User]
) -> None:
    """The guide's DEV000095225/1 and `count` more quotes over several steps, dates and commercials."""
    garage = Company.get_by_id(1745)
    with atomic():
        quote = Quote.create(
            number=95225,
            revision=1,
            company=garage,
            reseller=garage.reseller_id,
            operator=garage.operator_id,
            commercial=users["c.bernard"],
            created_on=dt.date(2019, 7, 16),
            step=4,
            offer_names=offers[0].name,
            search_offers=fold(offers[0].name),
            setup_total=offers[0].setup_fee,
            monthly_total=offers[0].monthly_fee,
        )
        QuoteLine.create(
            quote=quote,
            offer=offers[0],
            label=offers[0].name,
            quantity=1,
            setup_fee=offers[0].setup_fee,
            monthly_fee=offers[0].monthly_fee,
        )
        QuotePartner.create(quote=quote, company=garage.reseller_id)
    commercials = {}
    for user in users.values():
        if user.password_hash == "!disabled":
            commercials.setdefault(user.company_id, []).append(user)
    companies = list(
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
    for first in range(0, count, BATCH):
        rows, lines, partners = [], [], []
        for _ in range(min(BATCH, count - first)):
            number += 1
            number += number == 95225
            cid, reseller, operator = rng.choice(companies)
            picked = rng.sample(offers, rng.choice((1, 1, 2, 3)))
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
                    "search_offers": fold(names),
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
            _bulk_insert(Quote, rows)
            ids = dict(
                Quote.select(Quote.number, Quote.id)
                .where(Quote.number.between(rows[0]["number"], rows[-1]["number"]))
                .tuples()
            )
            _bulk_insert(
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
            _bulk_insert(
                QuotePartner,
                [
                    {"quote": ids[r["number"]], "company": p}
                    for r, p in zip(rows, partners, strict=True)
                ],
            )
    _set_counter("quote_number", max(number, 95225))


def _set_counter(name: str, value: int) -> None:
    """Set counter `name` to `value` (portable upsert: SQLite >= 3.24 and PostgreSQL)."""
    Sequence.insert(name=name, value=value).on_conflict(
        conflict_target=[Sequence.name], update={Sequence.value: value}
    ).execute()


def _fix_sequences() -> None:
    """Explicit ids were inserted: move PostgreSQL's id sequences past them.

    Done for every table with a serial id (not only Company, the one seeded with explicit ids
    today), so a later change to the seed cannot leave a sequence behind its table's ids; an
    empty table's sequence is left to start at 1.
    """
    if is_sqlite():
        return
    for model in ALL_MODELS:
        pk = model._meta.primary_key
        if not isinstance(pk, AutoField):
            continue
        table, column = model._meta.table_name, pk.column_name
        database_proxy.execute_sql(
            f'SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX("{column}"), 1), '
            f'MAX("{column}") IS NOT NULL) FROM "{table}"',
            (table, column),
        )
