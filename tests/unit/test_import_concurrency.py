"""A 50,000-row import, and another person's saves meanwhile: each waits at most 1 s.

The import writes CHUNK_ROWS prospects per transaction and, on SQLite, leaves the write lock
free between two chunks (db.exchange.prospect_import): another session's save waits for one chunk at most,
not for the whole file. The saver is another process, as another SSH session would be.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db.core.models import AuditLog, Company
from db.exchange import prospect_import as csv_import
from db.exchange.prospect_import import CHUNK_ROWS, ImportInterrupted, import_prospects

ROOT = Path(__file__).resolve().parents[2]
ROWS = 50_000
MAX_WAIT = 1.0

SAVER = """
import json, sys, time
from pathlib import Path
from db.core.database import open_database
from db.core.models import User
from db.companies.prospects import save_company_step
from db.core.scope import Scope

open_database(sys.argv[1])
scope = Scope.for_user(User.get(User.login == "revendeur2"))
started, stop = Path(sys.argv[2]), Path(sys.argv[3])
waits, n = [], 0
started.write_text("prêt")
while not stop.exists():
    n += 1
    values = {"name": f"SAUVEGARDE {n}", "site_street": "rue du Test",
              "site_postcode": "44000", "site_city": "NANTES", "site_country": "France"}
    begin = time.perf_counter()
    save_company_step(scope, None, values)
    waits.append(time.perf_counter() - begin)
    time.sleep(0.05)
print(json.dumps(waits))
"""


def big_csv(rows: int) -> bytes:
    lines = ["Raison sociale;Voie;Code Postal;Commune"]
    lines += [f"IMPORT {i} SARL;rue {i};{75000 + i % 900:05d};PARIS" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_a_save_during_a_50000_row_import_waits_at_most_one_second(demo_db, scopes, tmp_path):
    data = big_csv(ROWS)
    started, stop = tmp_path / "started", tmp_path / "stop"
    saver = subprocess.Popen(
        [sys.executable, "-c", SAVER, demo_db, str(started), str(stop)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        begin = time.perf_counter()
        report = import_prospects(scopes["revendeur"], io.BytesIO(data), "gros.csv")
        took = time.perf_counter() - begin
    finally:
        stop.write_text("fin")
        out, _ = saver.communicate(timeout=60)
    waits = json.loads(out)
    assert len(report.imported) == ROWS and report.ok
    assert len(waits) >= 10  # the saves really ran during the import
    print(
        f"\nimport de {ROWS} lignes : {took:.1f} s ; {len(waits)} sauvegardes pendant l'import, "
        f"attente max {max(waits) * 1000:.0f} ms, médiane {sorted(waits)[len(waits) // 2] * 1000:.0f} ms"
    )
    assert max(waits) <= MAX_WAIT
    mine = Company.select().where(Company.name.startswith("SAUVEGARDE"))
    assert mine.count() == len(waits)  # every save was written
    assert AuditLog.select().where(AuditLog.action == "prospects_imported").count() == 1


def test_an_interrupted_import_says_what_was_written_and_a_rerun_carries_on(
    scopes, monkeypatch, demo_db
):
    scope = scopes["revendeur"]
    rows = CHUNK_ROWS * 2 + 10
    data = big_csv(rows)
    before = Company.select().count()
    real = csv_import._create_many
    calls = []

    def failing(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disque plein")
        return real(*args)

    monkeypatch.setattr(csv_import, "_create_many", failing)
    monkeypatch.setattr(csv_import, "CHUNK_PAUSE_SECONDS", 0)
    with pytest.raises(ImportInterrupted) as exc:
        import_prospects(scope, io.BytesIO(data), "coupé.csv")
    assert exc.value.message == (
        f"L'import s'est interrompu après {CHUNK_ROWS} prospect(s) importé(s) (jusqu'à la ligne "
        f"{CHUNK_ROWS + 1}) : relancez-le avec le même fichier, les lignes déjà importées "
        "seront reconnues."
    )
    assert len(exc.value.report.imported) == CHUNK_ROWS
    assert Company.select().count() == before + CHUNK_ROWS  # the first chunk stays, whole

    monkeypatch.setattr(csv_import, "_create_many", real)
    again = import_prospects(scope, io.BytesIO(data), "coupé.csv")
    assert len(again.duplicates) == CHUNK_ROWS
    assert len(again.imported) == rows - CHUNK_ROWS
    assert Company.select().count() == before + rows
