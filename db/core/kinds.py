"""The kinds the domain names, as plain constants: company kinds, portals, document kinds.

No ORM here: screens and the app shell take their constants from this module (the models
name the same values).
"""

from __future__ import annotations


class CompanyKind:
    OPERATOR = "operateur"
    RESELLER = "ambassadeur"
    CLIENT = "client"
    PROSPECT = "prospect"
    OTHER = "autre"

    LABELS = {
        OPERATOR: "Opérateur",
        RESELLER: "Ambassadeur",
        CLIENT: "Client",
        PROSPECT: "Prospect",
        OTHER: "Entreprise autre",
    }


class Portal:
    """The portal a person logs in through (User.portal)."""

    RESELLER = "revendeur"
    OPERATOR = "operateur"


class DocumentKind:
    """What a stored document is (Document.kind)."""

    MANDATE_GENERATED = "mandat_genere"
    MANDATE_SIGNED = "mandat_signe"
    RIB = "rib"
    LABELS = {
        MANDATE_GENERATED: "Mandat Sépa généré",
        MANDATE_SIGNED: "Mandat Sépa signé",
        RIB: "RIB",
    }
