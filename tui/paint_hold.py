"""A new screen's first frame held until it is mounted and its list has its first page, so
that the screen goes out to the terminal once, in full, with its rows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from textual.widget import AwaitMount

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    from tui.toolkit.widgets.record_list import RecordList  # not imported before Connexion

PAINT_HOLD_MAX = 0.5  # seconds a new screen's first frame may wait for its mount
ROWS_HOLD_MAX = 0.25  # then, seconds it may wait for its list's first page (RecordList)


def _held() -> None:
    """A held screen's render (hold_first_frame): nothing to do yet."""


def hold_first_frame(app: App[Any], screen: Screen, released: Callable[[Screen], None]) -> None:
    """Hold repaints while `screen` mounts, then paint it once; `released(screen)` after.

    Textual paints a pushed screen as soon as it can lay it out, then repaints it in full
    when its mount completes (push_screen's AwaitMount refreshes the screen's layout): on
    a slow link, the whole screen sent twice. Its first frame waits for the mount instead
    (a few ms; never more than PAINT_HOLD_MAX), and, on a screen with a list, for the list's
    first page (its query takes 5-20 ms; never more than ROWS_HOLD_MAX): the screen is
    laid out and painted once, with its rows, rather than empty then again.
    """
    batch = app.batch_update()
    batch.__enter__()
    # In a batch Textual still lays the screen out and renders it when it is first shown
    # (Screen._on_screen_resume -> _refresh_layout -> _compositor_refresh), then drops the
    # frame: 30-60 ms for a list, done again once the rows are in. Not while held.
    screen._compositor_refresh = _held  # type: ignore[method-assign]  # instance attribute, removed at release

    async def release() -> None:
        try:
            await asyncio.wait_for(AwaitMount(screen, [screen])(), PAINT_HOLD_MAX)
            lists = [cast("RecordList", lst) for lst in screen.query("RecordList")]
            pages = [lst.first_page.wait() for lst in lists]
            if pages:
                await asyncio.wait_for(asyncio.gather(*pages), ROWS_HOLD_MAX)
        except Exception:  # noqa: BLE001, S110 - a screen that fails reports itself
            pass
        finally:
            vars(screen).pop("_compositor_refresh", None)
            batch.__exit__(None, None, None)
            screen.refresh()  # the whole screen, once: now, not at the next frame's turn
            if screen is app.screen and not app._batch_count:
                screen._on_timer_update()  # Textual's (pinned): what its frame timer runs
            released(screen)

    app.run_worker(release, group="paint-once", exclusive=False, exit_on_error=False)  # type: ignore[arg-type]  # Textual types async work as Coroutine[None, None, T]
