"""What the Mes devis / quote / Créer le compte client UI tests share: opening the screens,
filling their filters, reading their fields."""

from __future__ import annotations

from textual.widgets import Input, Select, Static, Tree

from db.core.models import Quote
from screens.quotes import QuotesScreen, open_quote
from tests.ui.conftest import login, settle, type_text
from tui.toolkit.widgets.form import FormField
from tui.toolkit.widgets.record_list import RecordList


def guide_quote() -> Quote:
    return Quote.get((Quote.number == 95225) & (Quote.revision == 1))


def shown_ids(app) -> list[int]:
    return [row.id for row in app.screen.query_one(RecordList).rows]


def field(app, key: str) -> FormField:
    return app.screen.query_one(f"#field-{key.replace('.', '-')}", FormField)


def error_at(app, key: str) -> str:
    return str(field(app, key).query_one(".error", Static).render())


async def open_mes_devis(pilot) -> None:
    """From the menu tree: E-boutique › Mes devis (the last menu: End, then up), then Entrée."""
    tree = pilot.app.screen.query_one(Tree)
    await pilot.press("end")
    for _ in range(60):
        node = tree.cursor_node
        if node is not None and str(node.label) == "Mes devis":
            break
        await pilot.press("up")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, QuotesScreen)


async def type_into(pilot, selector: str, text: str) -> None:
    box = pilot.app.screen.query_one(selector, Input)
    box.focus()
    box.value = ""
    await type_text(pilot, text)


async def search_by_text(pilot, key: str, text: str) -> None:
    await type_into(pilot, f"#q-{key}", text)
    await pilot.press("enter")
    await settle(pilot)


async def choose(pilot, selector: str, index: int) -> None:
    """Open a Select with Entrée and take its option `index` (0 is the blank Toutes/Tous)."""
    pilot.app.screen.query_one(selector, Select).focus()
    await pilot.press("enter")
    await pilot.press("home")
    for _ in range(index):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)


async def clear_filters(pilot) -> None:
    screen = pilot.app.screen
    for key in ("reference", "client_number", "client", "offers", "created"):
        screen.query_one(f"#q-{key}", Input).value = ""
    for key in ("step", "commercial"):
        screen.query_one(f"#q-{key}", Select).clear()
    await settle(pilot)
    screen.query_one("#search").press()
    await settle(pilot)


async def open_client_account(pilot) -> None:
    """Logged in as revendeur, DEV000095225/1 opened, then Ctrl+K: Créer le compte client."""
    await settle(pilot)
    await login(pilot)
    open_quote(pilot.app, guide_quote().id)
    await settle(pilot)
    await pilot.press("ctrl+k")
    await settle(pilot)
