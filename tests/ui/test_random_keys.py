"""Random keys: 2,000 seeded keys across the screens; the app never crashes, the store stays sound.

`bench/random_keys.py` runs the same driver with 10,000 keys and prints its figures.
"""

from __future__ import annotations

import os

from bench.random_keys import FORBIDDEN, check_consistency, random_keys, run

KEYS = int(os.environ.get("MYOPENIP_RANDOM_KEYS", "2000"))


def test_keys_are_reproducible_and_never_quit():
    keys = random_keys(500, seed=2026)
    assert keys == random_keys(500, seed=2026)
    assert keys != random_keys(500, seed=2027)
    assert not FORBIDDEN & set(keys)
    # Typing, moving and acting all occur.
    assert {"enter", "escape", "tab", "ctrl+s"} <= set(keys)


async def test_random_keys_never_crash_the_app(demo_db):
    assert check_consistency() == []
    figures = await run(demo_db, KEYS, seed=2026)
    report = "\n".join(figures.lines())
    assert figures.crashes == 0, figures.crash_traceback or report
    assert figures.keys_sent == KEYS, report
    assert figures.problems == [], report
    # The keys really wandered: the menu and at least a couple of screens beyond it.
    assert len(figures.screens) >= 3, report
