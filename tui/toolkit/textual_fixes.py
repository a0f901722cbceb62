"""Fixes for Textual bugs and waste that cost our users, until the pinned Textual (pyproject)
does without them. Each says what it mends; `apply()` runs once, when tui.app is imported.
"""

from __future__ import annotations

from functools import lru_cache


def apply() -> None:
    _styles_cache_keeps_no_widget()
    _new_screen_styled_once()


@lru_cache(1024)
def _inner_outer(base_background, background):
    from textual.style import Style  # Textual's own, as _styles_cache uses

    return (
        Style(background=base_background + background),
        Style(background=base_background),
    )


def _get_inner_outer(self, base_background, background):
    return _inner_outer(base_background, background)


def _styles_cache_keeps_no_widget() -> None:
    """Textual's StylesCache.get_inner_outer is an lru_cache on a method: its keys hold the
    StylesCache of every widget drawn, and with it the widget's rendered lines, long after the
    widget is gone (Textualize/textual#6665). Each Prospects + Mes devis visit left ~17,000
    objects behind; the idle garbage collection walked them all, 25 ms more each round. The
    colours it computes depend on the two colours only: cached by them alone."""
    from textual._styles_cache import StylesCache

    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign,assignment]


def _new_screen_styled_once() -> None:
    """A pushed screen's widgets are styled as they mount; Textual then styles the whole
    screen again when it first becomes current (ScreenResume), though nothing it depends on
    has changed in between: 20-25 ms of Mes devis's opening, for nothing. The first resume
    of a screen skips that second pass; a screen shown again (after a theme change, say)
    is still styled anew, as Textual decides."""
    from textual.screen import Screen

    resume = Screen._on_screen_resume

    def _on_screen_resume(self, event):
        if self.stack_updates == 0:  # never current before: styled as it was mounted
            event.refresh_styles = False
        resume(self, event)

    Screen._on_screen_resume = _on_screen_resume  # type: ignore[method-assign]
