"""db/ is the domain: importing every module of it must not load textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import db


def test_db_never_imports_textual():
    modules = [f"db.{m.name}" for m in pkgutil.iter_modules([str(Path(db.__file__).parent)])]
    assert "db.companies.conversion" in modules and "db.quotes.lists" in modules
    code = "\n".join(
        [*(f"import {name}" for name in modules), "import sys", "print('textual' in sys.modules)"]
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
