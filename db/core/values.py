"""A row's column values as a frozen dataclass: what db/ hands to screens instead of a live
Peewee object (same attribute names; a foreign key as its `<name>_id`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Self, overload

from peewee import Model


class RowValues:
    """Built from a row with `of(row)` (None stays None)."""

    @overload
    @classmethod
    def of(cls, row: None) -> None: ...
    @overload
    @classmethod
    def of(cls, row: Model) -> Self: ...
    @classmethod
    def of(cls, row: Model | None) -> Self | None:
        if row is None:
            return None
        data = row.__data__
        return cls(
            **{
                f.name: data.get(f.name, data.get(f.name.removesuffix("_id")))
                for f in dataclasses.fields(cls)  # type: ignore[arg-type]
            }
        )


@dataclasses.dataclass(frozen=True)
class CompanyValues(RowValues):
    """A company (Company)."""

    id: int
    lock_version: int
    updated_at: dt.datetime
    updated_by: str | None
    kind: str
    name: str
    search_name: str
    siren: str | None
    siret: str | None
    vat_number: str | None
    reseller_id: int | None
    operator_id: int | None
    creation_step: int
    client_number: str | None
    converted_at: dt.datetime | None
    converted_by: str | None
    created_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class SiteValues(RowValues):
    """A site (Site)."""

    id: int
    lock_version: int
    updated_at: dt.datetime
    updated_by: str | None
    company_id: int
    is_main: bool
    number: str
    street: str
    postcode: str
    city: str
    search_city: str
    country: str


@dataclasses.dataclass(frozen=True)
class BillingValues(RowValues):
    """A billing point (BillingPoint): its IBAN whole, as its own form shows it."""

    id: int
    lock_version: int
    updated_at: dt.datetime
    updated_by: str | None
    company_id: int
    holder: str
    email: str
    payment_mode: str
    payment_terms: str
    payment_terms_days: int | None
    vat_regime: str
    paper_invoice: bool
    iban: str
    bic: str
    rum: str | None
    number: str
    street: str
    building: str
    floor: str
    door: str
    staircase: str
    complement: str
    country: str
    postcode: str
    city: str


@dataclasses.dataclass(frozen=True)
class ContactValues(RowValues):
    """A contact (Contact)."""

    id: int
    lock_version: int
    updated_at: dt.datetime
    updated_by: str | None
    company_id: int
    is_admin: bool
    civility: str
    last_name: str
    first_name: str
    search_name: str
    phone: str
    mobile: str
    fax: str
    email: str
