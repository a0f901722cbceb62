"""Domain errors raised by db/ services and shown by the screens in French."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: the message is French and meant for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class FieldError(DomainError):
    """One field's value is refused; `message` is shown next to the field."""


class ValidationErrors(DomainError):
    """Several fields refused at once: `errors` maps field name -> French message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("Le formulaire contient des erreurs : " + ", ".join(self.errors))


class ConcurrentEditError(DomainError):
    """The record changed since it was loaded: the second save is refused."""

    def __init__(self, who: str | None, when: str | None):
        self.who, self.when = who, when
        detail = f" par {who}" if who else ""
        detail += f" le {when}" if when else ""
        super().__init__(
            f"Cette fiche a été modifiée{detail} depuis son ouverture. "
            "Rechargez-la puis appliquez à nouveau vos modifications."
        )


class NotFound(DomainError):
    """The record does not exist or is not visible to this user (the two are not told apart)."""


class ConversionRefused(DomainError):
    """'Transformer en client' refused: `missing` lists what is absent or invalid."""

    def __init__(self, message: str, missing: list[str] | None = None):
        self.missing = list(missing or [])
        super().__init__(message)
