"""Ways from one screen to another that several screens share.

They open screens by route name (App.open_screen, tui/places.py ROUTES), never by importing
them, so no screen module imports another in a circle.
"""

from __future__ import annotations

from db.companies import load_prospect
from db.core import CompanyKind, database_proxy
from tui.toolkit.dialogs.confirm import MessageDialog
from tui.toolkit.widgets.card import plain


def open_company(
    app, company_id: int, kind: str | None = None, creation_step: int | None = None
) -> None:
    """Open a company where a user expects it: a prospect where it stands (its saved steps,
    `creation_step`, when the caller knows them), others on their detail."""
    if kind == CompanyKind.PROSPECT:
        step = None if creation_step is None else min(creation_step + 1, 4)
        open_prospect_at(app, company_id, step)
        return
    app.open_screen("company_detail", company_id)


def open_prospect_at(app, company_id: int, step: int | None = None) -> None:
    """Open a prospect at `step` (4 = details), or, not given, at its first unfinished step:
    read then, the one read a screen makes on the UI thread. Callers that list prospects know
    their saved steps and pass the step."""
    if not step:
        with database_proxy.connection_context():
            step = load_prospect(app.scope, company_id).next_step
    if step >= 4:
        app.open_screen("prospect_details", company_id)
    else:
        app.open_screen("prospect_wizard", company_id, step)


def announce_client(app, name: str, client_number: str, title: str, company_id: int) -> None:
    """A conversion done ("Transformer en client", Création du compte client): closing the
    message replaces the screen that converted by the client's own detail."""

    def back(_=None) -> None:
        app.open_screen("company_detail", company_id, replace=True)

    app.push_screen(
        MessageDialog(
            f"« {plain(name)} » est maintenant client.\nN° client : [b]{client_number}[/b]",
            title=title,
        ),
        back,
    )
