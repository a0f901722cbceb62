"""The operator as SEPA creditor: name, ICS, address, signature place and RUM prefix.

Printed on every mandate. Each operator has its own set (OperatorSetting), edited by its own
staff (Paramètres créancier SEPA) or the `creditor` command; a reseller's mandates print its
operator's, and no operator's change ever reaches another operator's resellers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from db.core import audit
from db.core.database import atomic
from db.core.errors import ConcurrentEditError, DomainError, FieldError, ValidationErrors
from db.core.forms import REQUIRED, Field
from db.core.models import Company, CompanyKind, OperatorSetting, User
from db.core.scope import Scope
from db.core.text import clean
from db.documents.sepa import generate_rum, validate_ics

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
    """The operator as SEPA creditor: printed on its resellers' mandates (one set per operator)."""

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


def resolve_operator(operator_id: int | None) -> int:
    """`operator_id` checked; None: the only operator of the database (the command line).

    DomainError in French when it is no operator, or when there are several to choose from.
    """
    operators = Company.select(Company.id).where(Company.kind == CompanyKind.OPERATOR)
    if operator_id is not None:
        if not operators.where(Company.id == operator_id).exists():
            raise DomainError(f"L'entreprise {operator_id} n'est pas un opérateur.")
        return operator_id
    ids = [c.id for c in operators.order_by(Company.id).limit(2)]
    if len(ids) != 1:
        raise DomainError(
            "Indiquez l'opérateur (--operator IDENTIFIANT) : chaque opérateur a son créancier."
            if ids
            else "Aucun opérateur dans la base."
        )
    return ids[0]


def get_creditor_settings(operator_id: int | None = None) -> CreditorSettings:
    """The creditor settings of operator `operator_id` (None: the only operator)."""
    operator_id = resolve_operator(operator_id)
    keys = {key: attr for attr, key in _SETTING_KEYS.items()}
    rows = OperatorSetting.select().where(
        (OperatorSetting.operator == operator_id) & OperatorSetting.key.in_(list(keys))
    )
    return CreditorSettings(**{keys[row.key]: row.value for row in rows})


def rum_prefix(operator_id: int | None) -> str:
    """The RUM prefix of that operator's mandates ("" when not set)."""
    if operator_id is None:
        return ""
    row = OperatorSetting.get_or_none(
        (OperatorSetting.operator == operator_id)
        & (OperatorSetting.key == _SETTING_KEYS["rum_prefix"])
    )
    return row.value if row else ""


def clean_creditor(data: dict) -> tuple[dict[str, str], dict[str, str]]:
    """(values, errors) for the creditor form; the address keeps its lines, trimmed."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for spec in CREDITOR_FIELDS:
        try:  # the one text rule (db/core/text.py): controls, bidi, surrogates, length, NFC
            raw = clean(data.get(spec.name), max_length=spec.max_length, multiline=True)
        except FieldError as exc:
            errors[spec.name] = exc.message
            continue
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
    operator_id: int | None = None,
) -> CreditorSettings:
    """Save an operator's creditor settings (its own staff, or the command line).

    Operator staff always save their own operator's (`operator_id` is for the command line:
    None there means the only operator). `data` is a whole CreditorSettings, or a dict whose
    absent keys keep their value. `expected` is what the form was loaded with: if someone
    changed the settings meanwhile the save is refused rather than overwriting.
    """
    if isinstance(data, CreditorSettings):
        data = data.as_dict()
    if scope.portal == User.PORTAL_RESELLER:
        raise DomainError("Les paramètres du créancier SEPA sont réservés au personnel opérateur.")
    if scope.is_operator:
        if operator_id not in (None, scope.company_id):
            raise DomainError("Vous ne modifiez que le créancier de votre opérateur.")
        operator_id = scope.company_id
    with atomic():
        operator_id = resolve_operator(operator_id)
        current = get_creditor_settings(operator_id)
        if expected is not None and current != expected:
            raise ConcurrentEditError(None, None)
        merged = current.as_dict()
        merged.update({k: v for k, v in data.items() if k in merged and v is not None})
        values, errors = clean_creditor(merged)
        if errors:
            raise ValidationErrors(errors)
        changed = [k for k, value in values.items() if value != getattr(current, k)]
        for attr in changed:
            OperatorSetting.insert(
                operator=operator_id, key=_SETTING_KEYS[attr], value=values[attr]
            ).on_conflict(
                conflict_target=[OperatorSetting.operator, OperatorSetting.key],
                update={OperatorSetting.value: values[attr]},
            ).execute()
        if changed:
            audit.record(
                scope, "creditor_settings_changed", "operator", operator_id, fields=changed
            )
        return CreditorSettings(**values)
