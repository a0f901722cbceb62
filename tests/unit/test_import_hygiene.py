"""db/ is the domain: importing every module of it must not load textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import db


def test_db_never_imports_textual():
    modules = [m.name for m in pkgutil.walk_packages(db.__path__, "db.")]
    assert "db.companies.conversion" in modules and "db.quotes.lists" in modules
    code = "\n".join(
        [*(f"import {name}" for name in modules), "import sys", "print('textual' in sys.modules)"]
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# Connexion's first frame: the app records sys.modules when its driver writes the first frame
# holding « Connexion » (tests/unit/app_on_pty.py runs `myopenip --db …` on a terminal).
FIRST_FRAME = """
import os, sys
import tui.app

driver_class = tui.app.MyOpenIPApp.get_driver_class


def get_driver_class(self):
    class FirstFrame(driver_class(self)):
        seen = False

        def write(self, data):
            super().write(data)
            if not FirstFrame.seen and "Connexion" in data:
                FirstFrame.seen = True
                path = os.environ["MODULES_FILE"]
                with open(path + ".tmp", "w") as out:
                    out.write("\\n".join(sorted(sys.modules)))
                os.rename(path + ".tmp", path)

    return FirstFrame


tui.app.MyOpenIPApp.get_driver_class = get_driver_class
from tui.main import main

sys.exit(main(sys.argv[1:]))
"""

# Of ours, what the first frame needs: the CLI (without its sub-commands: the line names none),
# the app shell (settings, log, palette providers, wire), the Connexion screen and its footer.
# Every other screen, and the database layer beyond its errors, load later.
OURS_AT_FIRST_FRAME = {
    "db",
    "db.core",  # its facade: names loaded when first asked for (db.core.facade)
    "db.core.facade",
    "db.core.errors",
    "db.core.kinds",  # the portals' names, no ORM
    "screens",
    "screens.login",
    "tui",
    "tui.app",
    "tui.cli",
    "tui.kept_screens",  # no import of its own: the kept lists, set up with the app
    "tui.paint_hold",  # a new screen's first frame held for its rows
    "tui.main",
    "tui.toolkit",
    "tui.toolkit.host",
    "tui.toolkit.record_search",
    "tui.toolkit.styles",
    "tui.toolkit.textual_fixes",  # fixes for Textual bugs, applied as tui.app is imported
    "tui.commands",
    "tui.toolkit.db_worker",
    "tui.logs",
    "tui.places",
    "tui.screen_diff",
    "tui.settings",
    "tui.toolkit.widgets",
    "tui.toolkit.widgets.footer",
    "tui.wire",
}
# Libraries the first frame never needs: the database drivers and ORM, argon2 (the login),
# IBAN and phone checks, PDF, and the DataTable that Connexion does not show.
NOT_AT_FIRST_FRAME = (
    "peewee",
    "playhouse",
    "psycopg2",
    "sqlite3",
    "argon2",
    "schwifty",
    "phonenumbers",
    "fpdf",
    "PIL",
    "textual.widgets._data_table",
)


def test_connexion_is_painted_before_what_it_does_not_need_is_imported(tmp_path):
    from tests.unit.app_on_pty import AppOnPty

    store = tmp_path / "base.db"
    modules = tmp_path / "modules.txt"
    app = AppOnPty(FIRST_FRAME, ["--db", str(store)], tmp_path, {"MODULES_FILE": str(modules)})
    try:
        assert app.wait_until(modules.exists), app.screen_text()
        # ... and the store is opened once Connexion is painted.
        assert app.wait_until(lambda: store.exists() and store.stat().st_size > 0)
    finally:
        app.close()
    loaded = set(modules.read_text().split())
    assert "screens.login" in loaded and "textual.app" in loaded
    ours = {name for name in loaded if name.split(".")[0] in ("db", "screens", "tui")}
    extra = sorted(ours - OURS_AT_FIRST_FRAME)
    assert extra == [], " ".join(extra)
    too_early = [
        name
        for name in loaded
        if any(name == lib or name.startswith(lib + ".") for lib in NOT_AT_FIRST_FRAME)
    ]
    assert too_early == []
