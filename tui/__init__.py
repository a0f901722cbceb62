"""MyOpenIP terminal shell: the App, the CLI entry point, settings, widgets and styles."""

from pathlib import Path

__version__ = "0.1.0"

STYLES = Path(__file__).resolve().parent / "styles"


def style_sheet(name: str) -> Path:
    """The absolute path of tui/styles/<name>.tcss, for a screen's CSS_PATH.

    Absolute, because Textual resolves a relative CSS_PATH from the module of the class that
    uses it (a subclass in another package would look in the wrong folder). A screen's sheet
    is read when the screen is first pushed, not at start-up (only app.tcss is, with Connexion).
    """
    return STYLES / f"{name}.tcss"
