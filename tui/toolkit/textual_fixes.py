"""Fixes for Textual bugs that cost our users, until the pinned Textual has them (pyproject).

Each fix names the upstream issue; `apply()` runs once, when tui.app is imported.
"""

from __future__ import annotations

from functools import lru_cache


def apply() -> None:
    _styles_cache_keeps_no_widget()


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
