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
