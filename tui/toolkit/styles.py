"""The app's style sheets (tui/styles/*.tcss), for each screen's and dialog's CSS_PATH."""

from __future__ import annotations

from pathlib import Path

STYLES = Path(__file__).resolve().parents[1] / "styles"


def style_sheet(name: str) -> Path:
    """The absolute path of tui/styles/<name>.tcss, for a screen's CSS_PATH.

    Absolute, because Textual resolves a relative CSS_PATH from the module of the class that
    uses it (a subclass in another package would look in the wrong folder). A screen's sheet
    is read when the screen is first pushed, not at start-up (only app.tcss is, with Connexion).
    """
    return STYLES / f"{name}.tcss"
