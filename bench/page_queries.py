"""The list screens' own page functions, timed directly (no UI): issue 14's PostgreSQL figures.

    .venv/bin/python -m bench.page_queries --db postgresql://…/myopenip [--runs 7] [--explain]
    .venv/bin/python -m bench.page_queries --db /tmp/bench-100k.db

Each figure is the median of `--runs` calls of what the screen's worker runs for one filter
(`fetch_prospects` / `fetch_quotes`: the page, then a count capped at 10,000 only if the page
cannot tell the total), as `--login` (operateur sees the whole book), `--limit` rows a page.
Then the next page after 5,000 rows: by OFFSET (what the lists did before keyset paging) and
by keyset from the page before (db.core.keyset), median of the same runs. `--explain` prints
EXPLAIN (ANALYZE, BUFFERS) of each filter's page query.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

FIGURES = (
    ("Prospects", "RAISON SOCIALE « garage »", {"name": "garage"}),
    ("Prospects", "RAISON SOCIALE « duval et »", {"name": "duval et"}),
    ("Prospects", "CODE POSTAL / VILLE « 750 »", {"place": "750"}),
    ("Mes devis", "Client « garage »", {"client": "garage"}),
    ("Mes devis", "Nom des offres « fibre »", {"offers": "fibre"}),
)
DEEP = 5_000  # rows before the page timed for "next page"


def _ms(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - started) * 1000


def _explain(query) -> str:
    from db.core import database_proxy, is_postgresql

    sql, params = query.sql()
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if is_postgresql() else "EXPLAIN QUERY PLAN "
    rows = database_proxy.execute_sql(prefix + sql, params).fetchall()
    return "\n".join(" | ".join(str(c) for c in row) for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="fichier SQLite ou URL postgresql://")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--login", default="operateur")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args(argv)

    from db.companies.prospects import PROSPECT_ORDER, ProspectFilters, _prospect_query
    from db.core import Pager, Scope, User, fetch_page, open_database
    from db.quotes.lists import QuoteFilters, _newest_first, list_query
    from screens.prospects import fetch_prospects
    from screens.quotes import fetch_quotes

    open_database(args.db)
    scope = Scope.for_user(User.get(User.login == args.login))
    fetch = {"Prospects": fetch_prospects, "Mes devis": fetch_quotes}
    print(f"{args.db} — {args.login}, {args.limit} lignes, médiane de {args.runs}")
    for screen, label, filters in FIGURES:
        fetch[screen](scope, dict(filters), 0, args.limit)  # warm the cache as a user would
        times = [_ms(fetch[screen], scope, dict(filters), 0, args.limit) for _ in range(args.runs)]
        rows, total = fetch[screen](scope, dict(filters), 0, args.limit)
        shown = f"plus de {int(total)}" if getattr(total, "at_least", False) else str(total)
        print(
            f"  {screen:9} {label:30} {statistics.median(times):7.1f} ms"
            f"  (min {min(times):.1f}, max {max(times):.1f}; {len(rows)} lignes sur {shown})"
        )
    for screen, query, keyset in (
        ("Prospects", _prospect_query(scope, ProspectFilters()), PROSPECT_ORDER),
        ("Mes devis", list_query(scope, QuoteFilters()), _newest_first(QuoteFilters())),
    ):
        by_offset, by_key = [], []
        for _ in range(args.runs):
            by_offset.append(_ms(fetch_page, query, keyset, DEEP, args.limit))
            pager = Pager()
            fetch_page(query, keyset, DEEP - args.limit, args.limit, pager=pager, filters="f")
            start = time.perf_counter()
            fetch_page(query, keyset, DEEP, args.limit, pager=pager, filters="f")
            by_key.append((time.perf_counter() - start) * 1000)
        print(
            f"  {screen:9} page après {DEEP} lignes : OFFSET {statistics.median(by_offset):.1f} ms"
            f", keyset {statistics.median(by_key):.1f} ms"
        )
    if args.explain:
        for screen, label, filters in FIGURES:
            if screen == "Prospects":
                wanted = ProspectFilters(**filters)
                query = _prospect_query(scope, wanted).order_by(*PROSPECT_ORDER.order_by())
            else:
                wanted = QuoteFilters(**filters)
                query = list_query(scope, wanted).order_by(*_newest_first(wanted).order_by())
            print(f"\n-- {screen} {label}\n{_explain(query.limit(args.limit))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
