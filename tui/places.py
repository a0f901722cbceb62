"""Every place of the app: the guide's menu tree, its French labels and the screen each opens.

The menu tree and the command palette are both built from this one table, so a screen
added here is reachable by keyboard, menu and palette at once.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    key: str
    label: str  # what the user reads, as in the guide
    menu: str  # top-level menu (Entreprises, Catalogue, ...)
    group: str  # sub-heading ("GESTION DES ENTREPRISES") or ""
    target: str  # "module:ScreenClass"
    operator_only: bool = False

    def screen_class(self):
        module, _, name = self.target.partition(":")
        return getattr(importlib.import_module(module), name)


MENUS = ("Entreprises", "Catalogue", "Formulaires", "Commandes", "Mes services", "E-boutique")

PLACES: list[Place] = [
    Place("quotes", "Mes devis", "E-boutique", "", "screens.quotes:QuotesScreen"),
    Place(
        "operators",
        "Opérateurs",
        "Entreprises",
        "GESTION DES ENTREPRISES",
        "screens.companies:OperatorsScreen",
    ),
    Place(
        "resellers",
        "Ambassadeurs",
        "Entreprises",
        "GESTION DES ENTREPRISES",
        "screens.companies:ResellersScreen",
    ),
    Place(
        "clients",
        "Clients",
        "Entreprises",
        "GESTION DES ENTREPRISES",
        "screens.companies:ClientsScreen",
    ),
    Place(
        "prospects",
        "Prospects",
        "Entreprises",
        "GESTION DES ENTREPRISES",
        "screens.prospects:ProspectsScreen",
    ),
    Place(
        "others",
        "Entreprises autres",
        "Entreprises",
        "GESTION DES ENTREPRISES",
        "screens.companies:OtherCompaniesScreen",
    ),
    Place(
        "contacts",
        "Contacts",
        "Entreprises",
        "GESTION DES ENTREPRISES",
        "screens.contacts:ContactsScreen",
    ),
    Place(
        "import",
        "Import de prospects (CSV)",
        "Entreprises",
        "GESTION DES ENTREPRISES",
        "screens.import_prospects:ImportProspectsScreen",
    ),
    Place("catalogue", "Catalogue", "Catalogue", "", "screens.catalogue:CatalogueScreen"),
    Place("orders", "Commandes", "Commandes", "", "screens.orders:OrdersScreen"),
    Place("services", "Mes services", "Mes services", "", "screens.services:ServicesScreen"),
    Place("documents", "Formulaires", "Formulaires", "", "screens.documents:DocumentsScreen"),
    Place(
        "creditor",
        "Paramètres créancier SEPA",
        "Formulaires",
        "",
        "screens.creditor_settings:CreditorSettingsScreen",
        operator_only=True,
    ),
]


# Screens that other screens open, by name: a screen asks the app (App.open_screen) instead of
# importing another screen, so screens never import one another in a circle.
ROUTES = {
    "company_detail": "screens.company_detail:CompanyDetailScreen",
    "contact_form": "screens.contacts:ContactFormScreen",
    "prospect_wizard": "screens.prospect_wizard:ProspectWizardScreen",
    "prospect_details": "screens.prospect_details:ProspectDetailsScreen",
    "quote_detail": "screens.quote_detail:QuoteDetailScreen",
    "client_account": "screens.client_account:ClientAccountScreen",
    "company_selector": "screens.company_selector:CompanySelector",
}


def route(name: str):
    """The screen class a route names (imported when first asked for)."""
    module, _, class_name = ROUTES[name].partition(":")
    return getattr(importlib.import_module(module), class_name)


def visible_places(is_operator: bool) -> list[Place]:
    return [p for p in PLACES if is_operator or not p.operator_only]


def place(key: str) -> Place:
    return next(p for p in PLACES if p.key == key)


HOME = ""  # the menu itself: the parent of every place


def parent_place(screen) -> str | None:
    """Where Escape goes from `screen` in the menu tree: HOME from a place (Prospects, Mes
    devis...), the place a screen names as its `parent_place` (a prospect's wizard: Prospects),
    or None for a screen outside the tree (a form opened from a detail: back where it was)."""
    target = f"{type(screen).__module__}:{type(screen).__name__}"
    if any(p.target == target for p in PLACES):
        return HOME
    return getattr(screen, "parent_place", None)


def is_place(screen, key: str) -> bool:
    target = place(key).target
    return f"{type(screen).__module__}:{type(screen).__name__}" == target
