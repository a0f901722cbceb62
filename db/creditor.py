"""The operator as SEPA creditor: name, ICS, address, signature place and RUM prefix.

Printed on every mandate; one set per database, kept in the Setting table and edited by the
operator's staff (Paramètres créancier SEPA) or the `creditor` command.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from db import audit
from db.database import atomic
from db.errors import ConcurrentEditError, DomainError, FieldError, ValidationErrors
from db.forms import REQUIRED, Field
from db.models import Setting, User
from db.scope import Scope
from db.sepa import generate_rum, validate_ics

CREDITOR_ADDRESS_MAX_LINES = 4

# Setting keys, by CreditorSettings attribute.
_SETTING_KEYS = {
    "name": "creditor_name",
    "ics": "creditor_ics",
    "address": "creditor_address",
    "signature_place": "signature_place",
    "rum_prefix": "rum_prefix",
}


@dataclass(frozen=True)
class CreditorSettings:
    """The operator as SEPA creditor: printed on every mandate (one set per database)."""

    name: str = ""
    ics: str = ""
    address: str = ""  # several lines
    signature_place: str = ""  # "Fait à" printed on the mandate
    rum_prefix: str = ""

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _check_ics(value: str) -> str:
    return validate_ics(value)


def _check_rum_prefix(value: str) -> str:
    try:
        generate_rum(value, 0, dt.date.today())
    except ValueError:
        raise FieldError(
            "Préfixe trop long : 7 lettres ou chiffres au plus (les accents et signes sont ignorés)."
        ) from None
    return value.strip()


CREDITOR_FIELDS = (
    Field("name", "Nom du créancier", required=True),
    Field("ics", "Identifiant créancier SEPA (ICS)", required=True, check=_check_ics),
    Field("address", "Adresse du créancier", required=True),
    Field("signature_place", "Lieu de signature (Fait à)"),
    Field("rum_prefix", "Préfixe des codes RUM", check=_check_rum_prefix),
)


def get_creditor_settings() -> CreditorSettings:
    keys = {key: attr for attr, key in _SETTING_KEYS.items()}
    values = {
        keys[row.key]: row.value for row in Setting.select().where(Setting.key.in_(list(keys)))
    }
    return CreditorSettings(**values)


def clean_creditor(data: dict) -> tuple[dict[str, str], dict[str, str]]:
    """(values, errors) for the creditor form; the address keeps its lines, trimmed."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for spec in CREDITOR_FIELDS:
        raw = str(data.get(spec.name) or "")
        if spec.name == "address":
            value = "\n".join(line.strip() for line in raw.splitlines() if line.strip())
            if value.count("\n") >= CREDITOR_ADDRESS_MAX_LINES:
                errors[spec.name] = f"{CREDITOR_ADDRESS_MAX_LINES} lignes au plus."
        else:
            value = " ".join(raw.split())
        if not value:
            if spec.required:
                errors[spec.name] = REQUIRED
            values[spec.name] = ""
            continue
        if spec.check is not None:
            try:
                value = spec.check(value)
            except FieldError as exc:
                errors[spec.name] = exc.message
        values[spec.name] = value
    return values, errors


def set_creditor_settings(
    scope: Scope,
    data: CreditorSettings | dict,
    expected: CreditorSettings | None = None,
) -> CreditorSettings:
    """Save the creditor settings (operator staff or the command line only).

    `data` is a whole CreditorSettings, or a dict whose absent keys keep their value.
    `expected` is what the form was loaded with: if someone changed the settings meanwhile
    the save is refused rather than overwriting.
    """
    if isinstance(data, CreditorSettings):
        data = data.as_dict()
    if scope.portal == User.PORTAL_RESELLER:
        raise DomainError("Les paramètres du créancier SEPA sont réservés au personnel opérateur.")
    with atomic():
        current = get_creditor_settings()
        if expected is not None and current != expected:
            raise ConcurrentEditError(None, None)
        merged = current.as_dict()
        merged.update({k: v for k, v in data.items() if k in merged and v is not None})
        values, errors = clean_creditor(merged)
        if errors:
            raise ValidationErrors(errors)
        changed = [k for k, value in values.items() if value != getattr(current, k)]
        for attr in changed:
            key = _SETTING_KEYS[attr]
            Setting.insert(key=key, value=values[attr]).on_conflict(
                conflict_target=[Setting.key], update={Setting.value: values[attr]}
            ).execute()
        if changed:
            audit.record(scope, "creditor_settings_changed", "setting", None, fields=changed)
        return CreditorSettings(**values)
