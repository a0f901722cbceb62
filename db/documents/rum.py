"""Code rum of a billing point: typed (checked unique) or generated once, then never recomputed."""

from __future__ import annotations

import datetime as dt

from db.core.errors import ValidationErrors
from db.core.models import BillingPoint
from db.core.rows import next_value
from db.documents.creditor import rum_prefix
from db.documents.sepa import generate_rum

RUM_TAKEN = "Ce code RUM est déjà utilisé par un autre mandat."


def assign_rum(billing_id: int, typed: str | None, *, needed: bool) -> str | None:
    """Store the typed RUM, or generate one if needed and none is stored yet (in the caller's transaction)."""
    billing = BillingPoint.get_by_id(billing_id)
    if typed:
        if typed != billing.rum:
            clash = (
                BillingPoint.select()
                .where((BillingPoint.rum == typed) & (BillingPoint.id != billing_id))
                .exists()
            )
            if clash:
                raise ValidationErrors({"rum": RUM_TAKEN})
            BillingPoint.update(rum=typed).where(BillingPoint.id == billing_id).execute()
        return typed
    if billing.rum or not needed:
        return billing.rum
    # The prefix of the company's operator (each operator has its own creditor settings).
    prefix = rum_prefix(billing.company.operator_id) or "OPENIP"
    rum = generate_rum(prefix, next_value("rum"), dt.date.today())
    BillingPoint.update(rum=rum).where(BillingPoint.id == billing_id).execute()
    return rum
