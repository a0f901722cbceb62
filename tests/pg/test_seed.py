"""The bulk demo seed: valid identifiers, and the fast paths agree with the libraries they replace."""

from __future__ import annotations

import random

import pytest
from schwifty import IBAN
from stdnum import luhn

from db.core.models import BillingPoint, Company, CompanyKind, Contact, Site
from db.core.validation import (
    bic_from_iban,
    tva_from_siren,
    validate_bic,
    validate_iban,
    validate_siren,
    validate_siret,
)
from db.demo.bulk_load import bulk_insert
from db.demo.ids import (
    BANKS,
    french_iban,
    luhn_check_digit,
    random_iban,
    random_siren,
    random_siret,
    tva_from_valid_siren,
)


def test_luhn_matches_stdnum():
    rng = random.Random(1)
    for _ in range(5000):
        base = str(rng.randrange(10 ** rng.randrange(1, 16)))
        assert luhn_check_digit(base) == luhn.calc_check_digit(base), base


def test_generated_siren_siret_and_vat_are_valid():
    rng = random.Random(2)
    for _ in range(2000):
        siren = random_siren(rng)
        siret = random_siret(rng, siren)
        assert validate_siren(siren) == siren
        assert validate_siret(siret, siren=siren) == siret
        assert tva_from_valid_siren(siren) == tva_from_siren(siren)


def test_french_iban_matches_schwifty_and_has_a_correct_rib_key():
    rng = random.Random(3)
    for _ in range(2000):
        bank, branch = rng.choice(BANKS), f"{rng.randrange(10**5):05d}"
        account = f"{rng.randrange(10**11):011d}"
        iban = french_iban(bank, branch, account)
        assert iban == str(
            IBAN.generate("FR", bank_code=bank, branch_code=branch, account_code=account)
        )
        assert validate_iban(iban, sepa_required=True) == iban  # checks the RIB key too


def test_random_iban_is_what_iban_generate_gave_for_the_same_draws():
    """Same seed, same demo data as before the fast path (screenshots rely on it)."""
    fast, slow = random.Random(4), random.Random(4)
    for _ in range(500):
        bank = slow.choice(BANKS)
        iban = IBAN.generate("FR", bank_code=bank, account_code=f"{slow.randrange(10**10):011d}")
        assert random_iban(fast) == (str(iban), str(iban.bic or "BNPAFRPP"))


def test_seeded_book_is_valid(demo_db):
    companies = list(
        Company.select().where(Company.kind.in_((CompanyKind.PROSPECT, CompanyKind.CLIENT)))
    )
    assert len(companies) > 50
    for c in companies:
        assert validate_siren(c.siren) == c.siren
        assert validate_siret(c.siret, siren=c.siren) == c.siret
        assert c.vat_number == tva_from_siren(c.siren)
        assert c.reseller_id is not None and c.operator_id is not None
    billings = list(BillingPoint.select().where(BillingPoint.iban != ""))
    assert len(billings) > 20
    for b in billings:
        assert validate_iban(b.iban, sepa_required=True) == b.iban
        assert validate_bic(b.bic, iban=b.iban) == b.bic
        assert bic_from_iban(b.iban) == b.bic
    clients = [c for c in companies if c.kind == CompanyKind.CLIENT]
    assert clients and all(c.client_number and c.creation_step == 3 for c in clients)
    assert len({c.client_number for c in clients}) == len(clients)


def _rows(model, where):
    fields = [f for f in model._meta.sorted_fields if f.name not in ("id", "updated_at")]
    return list(model.select(*fields).where(where).order_by(model.id).tuples())


@pytest.mark.parametrize("model", [Site, Contact])
def test_bulk_insert_stores_what_insert_many_stores(empty_db, model):
    company = Company.create(kind=CompanyKind.PROSPECT, name="X")
    rows = [
        {"company": company.id, "city": "MÉRIGNAC", "search_city": "merignac", "postcode": "33700"}
        if model is Site
        else {"company": company.id, "last_name": "DUVAL", "is_admin": i % 2 == 0}
        for i in range(5)
    ]
    model.insert_many(rows).execute()
    expected = _rows(model, model.company == company.id)
    model.delete().execute()
    bulk_insert(model, rows)
    assert _rows(model, model.company == company.id) == expected


def test_bulk_insert_refuses_a_missing_required_value(empty_db):
    with pytest.raises(ValueError, match="name"):
        bulk_insert(Company, [{"kind": CompanyKind.PROSPECT}])
