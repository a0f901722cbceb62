"""Amounts in euros: Decimal to the cent, line totals, and the M.E.S. / ABO. column as shown."""

from __future__ import annotations

from decimal import Decimal

from peewee import Cast, fn

CENT = Decimal("0.01")


def money(value) -> Decimal:
    """An amount to the cent; None is 0.00.

    SQLite hands DECIMAL columns back without trailing zeros (82.8): this normalises them.
    """
    return Decimal(str(value if value is not None else 0)).quantize(CENT)


def format_amount(value) -> str:
    """'82.80 €': two decimals with a dot, as the guide shows M.E.S. / ABO."""
    return f"{money(value)} €"


def format_amounts(setup, monthly) -> str:
    """The M.E.S. / ABO. column: '82.80 € / 5.76 €'."""
    return f"{format_amount(setup)} / {format_amount(monthly)}"


def cents(column):
    """An amount column as whole cents, so sums are exact integers on SQLite and PostgreSQL."""
    return Cast(fn.ROUND(column * 100), "BIGINT")


def from_cents(value) -> Decimal:
    return (Decimal(int(value or 0)) / 100).quantize(CENT)


def totals(lines) -> tuple[Decimal, Decimal]:
    """(M.E.S., ABO.) of priced lines: the sums of their line totals."""
    setup = sum((line.setup_total for line in lines), Decimal(0)).quantize(CENT)
    monthly = sum((line.monthly_total for line in lines), Decimal(0)).quantize(CENT)
    return setup, monthly


class LineTotals:
    """setup_total / monthly_total of a line with unit prices and a quantity.

    For quote lines, order lines and the lines being edited: each has `setup_fee`,
    `monthly_fee` (frozen unit prices) and `quantity`.
    """

    @property
    def setup_total(self) -> Decimal:
        return (self.setup_fee * self.quantity).quantize(CENT)

    @property
    def monthly_total(self) -> Decimal:
        return (self.monthly_fee * self.quantity).quantize(CENT)


class Amounts:
    """`amounts`, the M.E.S. / ABO. column, of a record with `setup_total` and `monthly_total`."""

    @property
    def amounts(self) -> str:
        return format_amounts(self.setup_total, self.monthly_total)
