"""The command palette: every place by its French label, and records by identifiant or name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from db.database import database_proxy
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
        hits = await self._find(query.strip())
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
                    found.extend(search(self.app.scope, query, 8))
            return found

        return await asyncio.to_thread(run)
