"""Record searches for the palette, registered by the screens' modules.

A search is fn(scope, query, limit) -> [(label, help, opener)], `opener(app)` showing the
record. The palette of the app shell (tui/commands.py) asks every registered one; screens
register theirs here, below them, so no screen imports the shell.
"""

from __future__ import annotations

from collections.abc import Callable

RECORD_SEARCHES: list[Callable] = []


def register_record_search(fn: Callable) -> Callable:
    RECORD_SEARCHES.append(fn)
    return fn
