"""Benchmarks of issues 6 and 16: start-up, lists at 100,000 rows, memory, bytes, workflows.

    python3 dev.py bench                         # or: .venv/bin/python -m bench.run
    .venv/bin/python -m bench.run --runs 5 --db /tmp/bench-100k.db --markdown

Not part of the test suite. Every figure is the MEDIAN over `--runs` runs (p95 too for the
filter keystrokes), printed next to its baseline measured in the same run:

* the terminal side is measured from OUTSIDE, the way a user's terminal receives it: the app
  (and the baseline, a bare Textual app: Header, 50-row DataTable, Footer — bench/bare_app.py)
  runs on a pseudo-terminal of the size given, TERM=xterm-256color without COLORTERM (what an
  SSH session usually gets), and this script plays the terminal: it reads every byte, answers
  the synchronized-output query (DECRQM 2026) like current terminals do, so each frame is
  delimited, and types keys. "Painted" = the last byte of the first screen before the output
  goes quiet for 150 ms; bytes are counted from the key written until that quiet;
* the lists (Prospects, Mes devis) are timed in-process with App.run_test(): from the action
  (opening the screen, or the key pressed) until the first frame rendered after the
  RecordList has shown the rows fetched for the filters as they are after that key; next to
  the same SQL (list + count) called directly;
* memory is the peak RSS (VmHWM) of the app process on the pseudo-terminal after logging in and
  opening Prospects then Mes devis over it; the conversion and the mandate PDF are timed
  in-process, each in a transaction rolled back so the database is left as it was.

* workflows A and B (issue 16, `--only workflows`; `--ssh` adds a real sshd): every step's
  bytes and its time on a 64 kbit/s link, normal and --low-bandwidth, 80×24 and 120×40, with
  the screen diff on and off (bench/wire_bench.py, bench/workflows.py, bench/ssh_wire.py).

Its parts: bench/terminal.py (the pseudo-terminal), bench/sessions.py (what is played on it),
bench/in_process.py (the lists, the conversion and the mandate), bench/report.py (the table);
this module runs them and checks the figures against the targets.

Without `--db` the script uses /tmp/bench-100k.db and creates it first if it is missing
(`myopenip seed-demo --prospects 100000 --quotes 100000`).

`--database-url postgresql://…` measures the same figures on PostgreSQL (the app, the lists and
the documents run on that database); an empty database is seeded first with `--rows` prospects
and as many quotes (`myopenip seed-demo`, COPY: a few minutes for 1,000,000 + 1,000,000):

    scripts/with-postgres sh -c '.venv/bin/python -m bench.run --only lists \\
        --database-url "$MYOPENIP_TEST_DATABASE_URL" --rows 1000000'
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import targets
from bench.in_process import measure_documents, measure_lists
from bench.report import Table, load_average, machine, median, ms, p95, percent_change
from bench.sessions import (
    IDLE,
    KEY_BURST,
    SIZES,
    Session,
    run_app_session,
    run_bare_session,
    startup_only,
)
from bench.terminal import BIN, ROOT, app_argv, bare_argv, term_env

DEFAULT_DB = "/tmp/bench-100k.db"

# Targets of issue 14 (bench/targets.py: the table printed at the end); the rest, issue 6's.
TARGET_START_RATIO = targets.TARGET_START_RATIO
TARGET_OPEN_MS = targets.TARGET_OPEN_MS  # per list
TARGET_KEY_P95_MS = targets.TARGET_KEY_P95_MS  # per list
TARGET_RSS_MB = targets.TARGET_PEAK_RSS_MB
TARGET_TYPED_BYTES = 300
TARGET_LOW_BANDWIDTH_SAVING = 0.30


def _flat(runs: list[Session], attr: str) -> float:
    values = [getattr(s, attr) for s in runs]
    return median([v for x in values for v in (x if isinstance(x, list) else [x])])


def compile_sources() -> None:
    """Bytecode for the app's packages, as `pip install` writes it (deploy/README.md): the app
    is timed starting as installed, not compiling its sources again at each start (which it
    does when PYTHONDONTWRITEBYTECODE is set, and Textual, installed, never does)."""
    import compileall

    for package in ("tui", "screens", "db"):
        compileall.compile_dir(ROOT / package, quiet=1)


STARTS_PER_RUN = 3  # start-up is short and noisy: more samples than the full sessions


def measure_terminal(
    db: str, args, tmp: str, table: Table, notes: list[str], figures: targets.Figures
) -> None:
    starts: dict = {"app": [], "low": [], "bare": []}
    for _ in range(args.runs * STARTS_PER_RUN):  # interleaved, as below
        starts["app"].append(startup_only(app_argv(db), b"Connexion", term_env(False, tmp)))
        starts["bare"].append(startup_only(bare_argv(), b"Quitter", term_env(False, tmp)))
        starts["low"].append(startup_only(app_argv(db), b"Connexion", term_env(True, tmp)))
    app_runs: dict = {size: [] for size in SIZES}
    low_runs: dict = {size: [] for size in SIZES}
    bare_runs: dict = {size: [] for size in SIZES}
    for run in range(args.runs):  # interleaved, so that all three see the same machine load
        for size in SIZES:
            kwargs = dict(login=args.login, full_flow=True, tmp=tmp)
            app_runs[size].append(run_app_session(db, *size, low_bandwidth=False, **kwargs))
            bare_runs[size].append(run_bare_session(*size, tmp))
            low_runs[size].append(run_app_session(db, *size, low_bandwidth=True, **kwargs))
        print(f"  terminal : run {run + 1}/{args.runs}", file=sys.stderr)

    starts["app"] += app_runs[SIZES[0]]
    starts["bare"] += bare_runs[SIZES[0]]
    starts["low"] += low_runs[SIZES[0]]
    app_paint = median(s.painted for s in starts["app"]) * 1000
    bare_paint = median(s.painted for s in starts["bare"]) * 1000
    low_paint = median(s.painted for s in starts["low"]) * 1000
    figures.start_ms, figures.bare_start_ms = app_paint, bare_paint
    table.add(
        f"Démarrage → Connexion peinte, 80×24 (dernier octet du 1er écran ; "
        f"{len(starts['app'])} démarrages)",
        ms(app_paint),
        ms(low_paint),
        f"{ms(bare_paint)} (app nue)",
        f"×{app_paint / bare_paint:.2f}",
        f"≤ ×{TARGET_START_RATIO:.2f}",
        app_paint <= TARGET_START_RATIO * bare_paint,
    )
    table.add(
        "  1re image contenant « Connexion »",
        ms(median(s.first_paint for s in starts["app"]) * 1000),
        ms(median(s.first_paint for s in starts["low"]) * 1000),
        f"{ms(median(s.first_paint for s in starts['bare']) * 1000)} (app nue)",
    )
    totals = {"normal": 0.0, "low": 0.0}
    for size in SIZES:
        label = f"{size[0]}×{size[1]}"
        for what, attr, target in (
            ("1er écran (Connexion)", "screen_bytes", None),
            ("1 caractère tapé", "typed_bytes", TARGET_TYPED_BYTES),
            ("Tab / Maj+Tab (champ suivant)", "tab_bytes", None),
            ("1 ligne descendue (Prospects)", "row_bytes", None),
            (f"{KEY_BURST} lignes, touche maintenue", "burst_bytes", None),
            (f"{IDLE:.0f} s sans rien faire (Connexion)", "idle_bytes", None),
        ):
            ours, low, bare = (_flat(r[size], attr) for r in (app_runs, low_runs, bare_runs))
            if attr != "idle_bytes":
                totals["normal"] += ours
                totals["low"] += low
            table.add(
                f"Octets {label} : {what}",
                f"{ours:.0f} o",
                f"{low:.0f} o ({percent_change(ours, low)})",
                f"{bare:.0f} o (app nue)",
                f"×{ours / bare:.2f}" if bare else "",
                f"≤ {target} o" if target else "",
                (ours <= target and low <= target) if target else None,
            )
    size = SIZES[-1]
    table.add(
        f"Images pour {KEY_BURST} lignes, touche maintenue ({size[0]}×{size[1]})",
        f"{_flat(app_runs[size], 'burst_frames'):.0f}",
        f"{_flat(low_runs[size], 'burst_frames'):.0f}",
        f"{_flat(bare_runs[size], 'burst_frames'):.0f} (app nue)",
    )
    repaint = {}
    for label, runs in (("normal", app_runs), ("low", low_runs)):
        every = [s for z in SIZES for s in runs[z]]
        repaint[label] = (
            max(s.screen_full for s in every),
            max(s.open_full.get("prospects", 0) for s in every),
            max(s.open_full.get("quotes", 0) for s in every),
        )
    table.add(
        "Repeints complets à l'ouverture : Connexion · Prospects · Mes devis",
        " · ".join(map(str, repaint["normal"])),
        " · ".join(map(str, repaint["low"])),
        f"{max(s.screen_full for z in SIZES for s in bare_runs[z])} (app nue, 1er écran)",
        "",
        "≤ 1",
        max(repaint["normal"] + repaint["low"]) <= 1,
    )
    rss = median(s.peak_rss_mb for s in app_runs[size])
    low_rss = median(s.peak_rss_mb for s in low_runs[size])
    figures.peak_rss_mb = max(rss, low_rss)
    table.add(
        "Mémoire max (VmHWM), connecté, Prospects puis Mes devis ouverts",
        f"{rss:.0f} Mo",
        f"{low_rss:.0f} Mo",
        f"{median(s.peak_rss_mb for s in bare_runs[size]):.0f} Mo (app nue)",
        "",
        f"≤ {TARGET_RSS_MB} Mo",
        max(rss, low_rss) <= TARGET_RSS_MB,
    )
    table.add(
        "  mémoire à la fin (VmRSS)",
        f"{median(s.rss_mb for s in app_runs[size]):.0f} Mo",
        f"{median(s.rss_mb for s in low_runs[size]):.0f} Mo",
    )
    saving = (totals["normal"] - totals["low"]) / totals["normal"] if totals["normal"] else 0
    table.add(
        "Low-bandwidth : octets en moins, toutes mesures ci-dessus",
        "",
        f"-{saving * 100:.0f} %",
        "",
        "",
        f"≥ {TARGET_LOW_BANDWIDTH_SAVING * 100:.0f} %",
        saving >= TARGET_LOW_BANDWIDTH_SAVING,
    )
    every_low = [s for z in SIZES for s in low_runs[z]]
    every_normal = [s for z in SIZES for s in app_runs[z]]
    notes.append(
        "Low-bandwidth vérifié sur le fil : "
        f"suivi souris {'ACTIVÉ' if any(s.mouse_tracking for s in every_low) else 'absent'} "
        f"(mode normal : {'activé' if all(s.mouse_tracking for s in every_normal) else 'absent'}), "
        f"couleurs au-delà des 16 {'PRÉSENTES' if any(s.colours_over_16 for s in every_low) else 'absentes'} "
        f"(mode normal : {'présentes' if all(s.colours_over_16 for s in every_normal) else 'absentes'}), "
        f"curseur qui clignote : {_flat(low_runs[SIZES[0]], 'idle_bytes'):.0f} o en {IDLE:.0f} s "
        f"(mode normal : {_flat(app_runs[SIZES[0]], 'idle_bytes'):.0f} o)."
    )


def measure_lists_report(db: str, args, tmp: str, table: Table, figures: targets.Figures) -> None:
    from db.companies import ProspectFilters, count_prospects
    from db.core import Scope, User
    from db.quotes import QuoteFilters, count_quotes

    scope = Scope.for_user(User.get(User.login == args.login))
    visible = {
        "Prospects": count_prospects(scope, ProspectFilters()),
        "Mes devis": count_quotes(scope, QuoteFilters()),
    }
    prospects, quotes = asyncio.run(
        measure_lists(db, args.login, args.runs, (120, 40), tmp, args.verbose)
    )
    for name, figs in (("Prospects", prospects), ("Mes devis", quotes)):
        open_ms = median(figs.open_ms)
        figures.open_ms[name] = open_ms
        table.add(
            f"{name} ({visible[name]} lignes pour {args.login}) : ouverture → lignes peintes",
            ms(open_ms),
            "",
            f"{ms(median(figs.open_sql_ms))} (SQL liste + compte exact)",
            "",
            f"≤ {TARGET_OPEN_MS[name]} ms",
            open_ms <= TARGET_OPEN_MS[name],
        )
        if len(figs.open_ms) > 1:  # the screen is built at the first opening, then kept
            table.add(
                f"  {name} : 1re ouverture de la session (écran construit) / suivantes (gardé)",
                f"{ms(figs.open_ms[0])} / {ms(median(figs.open_ms[1:]))}",
            )
        key_p95 = p95(figs.key_ms)
        figures.key_p95_ms[name] = key_p95
        table.add(
            f"{name} : 1 frappe de filtre → lignes peintes, médiane / p95 ({len(figs.key_ms)} frappes)",
            f"{ms(median(figs.key_ms))} / {ms(key_p95)}",
            "",
            f"{ms(median(figs.sql_ms))} / {ms(p95(figs.sql_ms))} (SQL liste + compte exact)",
            "",
            f"p95 ≤ {TARGET_KEY_P95_MS[name]} ms",
            key_p95 <= TARGET_KEY_P95_MS[name],
        )
        table.add(
            f"  {name} : requête de l'écran (liste + compte plafonné), médiane / p95",
            f"{ms(median(figs.fetch_ms))} / {ms(p95(figs.fetch_ms))}",
        )


def _holds_a_book(db: str) -> bool:
    """A SQLite file that exists, or a PostgreSQL database with companies in it."""
    if "://" not in db:
        return Path(db).exists()
    from db.core import Company, close_database, open_database

    open_database(db)
    try:
        return Company.table_exists() and Company.select().exists()
    finally:
        close_database()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=DEFAULT_DB, help="base SQLite à 100 000 lignes")
    parser.add_argument(
        "--database-url",
        help="postgresql://… : mesurer sur PostgreSQL (base remplie d'abord si elle est vide)",
    )
    parser.add_argument(
        "--rows",
        type=int,
        default=100_000,
        help="prospects et devis de la base créée si elle manque (défaut 100 000)",
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--login", default="operateur", help="operateur voit toute la base")
    parser.add_argument("--markdown", action="store_true", help="tableau Markdown")
    parser.add_argument(
        "--only",
        default="terminal,lists,documents,workflows",
        help="terminal,lists,documents,workflows",
    )
    parser.add_argument(
        "--ssh",
        action="store_true",
        help="workflows : aussi au travers d'un vrai sshd (127.0.0.1), octets reçus par le client",
    )
    parser.add_argument("--verbose", action="store_true", help="chaque frappe mesurée")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    db = args.database_url or args.db
    needs_big_store = bool(only & {"terminal", "lists", "documents"})
    seed_s = None
    if needs_big_store and not _holds_a_book(db):
        print(f"Création de {db} ({args.rows} prospects, {args.rows} devis)…", file=sys.stderr)
        seed_started = time.perf_counter()
        subprocess.run(
            [
                str(BIN / "myopenip"),
                "seed-demo",
                "--path",
                db,
                "--prospects",
                str(args.rows),
                "--quotes",
                str(args.rows),
            ],
            check=True,
        )
        seed_s = time.perf_counter() - seed_started
        print(f"  seed-demo : {seed_s:.0f} s", file=sys.stderr)
    compile_sources()
    load_before = load_average()
    started = time.perf_counter()
    tmp = tempfile.mkdtemp(prefix="myopenip-bench-")
    table = Table()
    notes: list[str] = []
    figures = targets.Figures()  # issue 14's table, printed last

    from db.core import open_database

    if needs_big_store:
        open_database(db)

    if "terminal" in only:
        measure_terminal(db, args, tmp, table, notes, figures)
    if "lists" in only:
        measure_lists_report(db, args, tmp, table, figures)
    if args.database_url:
        # Issue 14's PostgreSQL row: the worse of the two lists, and the seed if this run did
        # it; the SQLite rows are then « non mesuré ».
        if figures.open_ms:
            figures.pg_open_ms = max(figures.open_ms.values())
            figures.pg_key_p95_ms = max(figures.key_p95_ms.values())
        figures.open_ms, figures.key_p95_ms = {}, {}
        figures.pg_seed_s = seed_s
    if "documents" in only:
        documents = measure_documents(args.login, args.runs)
        table.add(
            "Transformation en client (convert_to_client)", ms(median(documents["conversion"]))
        )
        table.add(
            "Mandat SEPA PDF (generate_mandate, enregistré)",
            ms(median(documents["mandate"])),
            "",
            f"{ms(median(documents['mandate_render']))} (rendu PDF seul)",
        )

    workflows = None
    if "workflows" in only:
        from bench import wire_bench

        runs = wire_bench.measure(tmp, args.verbose)
        workflows = wire_bench.report(runs, args.markdown)
        if args.ssh:
            from bench import ssh_wire

            workflows += "\n\n" + ssh_wire.report(runs, tmp, args.markdown)

    shutil.rmtree(tmp, ignore_errors=True)
    elapsed = time.perf_counter() - started
    print()
    if needs_big_store:
        print(f"MyOpenIP — bench ({args.runs} runs, médianes), base {db}, login {args.login}")
        if "://" in db:
            print(f"  PostgreSQL {_server_version()}")
    else:
        print(
            "MyOpenIP — bench des workflows (1 run ; d'un run à l'autre, les octets varient de quelques % au plus : le curseur qui clignote)"
        )
    for line in machine():
        print("  " + line)
    print(
        f"  Charge (1/5/15 min) : avant {load_before}, après {load_average()}; durée {elapsed:.0f} s"
    )
    if table.rows:
        print()
        print(table.render(args.markdown))
    for note in notes:
        print("\n" + note)
    if workflows:
        print()
        print(workflows)
    if needs_big_store:
        print()
        print(
            f"Cibles de l'issue 14 (ce run : médianes de {args.runs} runs, p95 des frappes ; "
            "PostgreSQL : bench --database-url)"
        )
        print(targets.render(figures, args.markdown))
    return 0


def _server_version() -> str:
    from db.core import database_proxy

    return database_proxy.execute_sql("SHOW server_version").fetchone()[0]


if __name__ == "__main__":
    sys.exit(main())
