"""The command palette: every place by its French label, and records by identifiant or name."""

from __future__ import annotations

import logging
from functools import partial

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.timer import Timer
from textual.widgets.option_list import OptionDoesNotExist

from db.core.database import database_proxy
from tui.places import visible_places


class PlacesProvider(Provider):
    """Opens any screen of the menu tree by its label."""

    async def discover(self) -> Hits:
        app = self.app
        if app.scope is None:
            return
        for place in visible_places(app.scope.is_operator):
            yield DiscoveryHit(
                place.label,
                partial(app.open_place, place.key),
                help=f"{place.menu} › {place.group or place.label}",
            )

    async def search(self, query: str) -> Hits:
        app = self.app
        if app.scope is None:
            return
        matcher = self.matcher(query)
        for place in visible_places(app.scope.is_operator):
            score = matcher.match(place.label)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(place.label),
                    partial(app.open_place, place.key),
                    help=f"{place.menu} › {place.group or place.label}",
                )


log = logging.getLogger("myopenip.palette")

PLACEHOLDER = "Rechercher un écran, un prospect, un client, un devis…"
NO_MATCHES = "Aucun résultat"


class FrenchCommandPalette(CommandPalette):
    """Textual's palette, in French: its placeholder, and "Aucun résultat" for a search that
    finds nothing (Textual 8.2.8 writes "No matches found" inside a private method, replaced
    here with the same behaviour and the French words)."""

    def __init__(self) -> None:
        super().__init__(placeholder=PLACEHOLDER, id="--command-palette")

    # Textual adds its English "No matches found" option after _NO_MATCHES_COUNTDOWN; a timer
    # of ours, a moment later, gives that option French words (no private attribute of the
    # palette is set here: tests/ui/test_textual_names.py).
    _french_no_matches: Timer | None = None

    def _start_no_matches_countdown(self, search_value: str) -> None:
        super()._start_no_matches_countdown(search_value)
        if search_value:
            self._french_no_matches = self.set_timer(
                self._NO_MATCHES_COUNTDOWN + 0.01, self._say_no_matches_in_french
            )

    def _stop_no_matches_countdown(self) -> None:
        super()._stop_no_matches_countdown()
        if self._french_no_matches is not None:
            self._french_no_matches.stop()
            self._french_no_matches = None

    def _say_no_matches_in_french(self) -> None:
        self._french_no_matches = None
        commands = self.query_one(CommandList)
        try:
            commands.get_option(self._NO_MATCHES)
        except OptionDoesNotExist:
            return
        commands.replace_option_prompt(
            self._NO_MATCHES, Align.center(Text(NO_MATCHES, style="not bold"))
        )


# Record searches registered by the screens' modules: fn(scope, query, limit) -> [(label, help, opener)]
RECORD_SEARCHES: list = []


def load_record_searches() -> None:
    """Import every place's screen module, which registers its record search (once; cheap after)."""
    from tui.places import PLACES

    for entry in PLACES:
        entry.screen_class()


def register_record_search(fn):
    RECORD_SEARCHES.append(fn)
    return fn


class RecordsProvider(Provider):
    """Finds records (prospects, quotes, ...) in the database, within the user's scope."""

    async def startup(self) -> None:
        load_record_searches()

    async def search(self, query: str) -> Hits:
        app = self.app
        if app.scope is None or len(query.strip()) < 2:
            return
        try:
            hits = await self._find(query.strip())
        except Exception:  # noqa: BLE001 - no database: the places still answer
            log.exception("Palette : recherche d'enregistrements en échec")
            return
        matcher = self.matcher(query)
        for label, help_text, opener in hits:
            yield Hit(
                max(matcher.match(label), 0.5),
                matcher.highlight(label),
                partial(opener, app),
                help=help_text,
            )

    async def _find(self, query: str) -> list:
        import asyncio

        def run():
            found = []
            with database_proxy.connection_context():
                for search in RECORD_SEARCHES:
                    # One search that fails (a bug, a query the database refuses) is logged
                    # and the others still answer.
                    try:
                        found.extend(search(self.app.scope, query, 8))
                    except Exception:  # noqa: BLE001
                        log.exception("Recherche de la palette en échec : %s", search.__name__)
            return found

        return await asyncio.to_thread(run)
