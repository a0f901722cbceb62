#!/usr/bin/env python3
"""Set up .venv and run the app or the tests with nothing but Python: `python3 dev.py run|test|bench`."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def ensure_venv() -> None:
    """Create .venv and install the project with its pinned dev tools, again if pyproject changed."""
    pyproject = ROOT / "pyproject.toml"
    if STAMP.exists() and STAMP.stat().st_mtime >= pyproject.stat().st_mtime:
        return
    if not (BIN / "python").exists():
        print("Création de l'environnement .venv…", flush=True)
        venv.create(VENV, with_pip=True)
    print("Installation des dépendances…", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True)
    STAMP.touch()


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    rest = argv[1:]
    ensure_venv()
    os.chdir(ROOT)
    if command == "run":
        return subprocess.call([str(BIN / "myopenip"), "--demo", *rest])
    if command == "test":
        lint = subprocess.call([str(BIN / "ruff"), "check", "."])
        if lint:
            return lint
        types = subprocess.call([str(BIN / "mypy")])  # [tool.mypy] in pyproject.toml
        if types:
            return types
        return subprocess.call([str(BIN / "pytest"), "-n", "2", "-p", "no:cacheprovider", *rest])
    if command == "bench":
        return subprocess.call([str(BIN / "python"), "-m", "bench.run", *rest])
    print(f"usage: python3 {Path(__file__).name} run|test|bench", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
