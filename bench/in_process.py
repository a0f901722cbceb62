"""What bench.run times inside its own process: the lists under App.run_test(), the conversion
and the mandate PDF (each in a transaction rolled back, so the database is left as it was).

A list is timed from the action (opening the screen, or the key pressed) until the first frame
rendered after the RecordList has shown the rows fetched for the filters as they are after that
key; next to the same SQL (list + count) called directly.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

# A user's pace: KEY_GAP between the keys of a word (a brisk typist), THINK after a word or a
# search to read the result, and before opening the next screen. The app uses such pauses
# (tui/app.py: the full garbage collection runs when the user has paused for a second).
KEY_GAP = 0.15
THINK = 1.2
PROSPECT_KEYS = (
    ("name", "garage"),  # typed one character at a time: g, ga, gar, ...
    ("name", "\b" * 6),  # then erased one character at a time
    ("place", "750"),
    ("place", "\b" * 3),
    ("identifiant", "1234"),
    ("identifiant", "\b" * 4),
)
QUOTE_SEARCHES = (  # (input, text): the text is put in the field, then Enter is timed
    ("client", "garage"),
    ("client", ""),
    ("offers", "fibre"),
    ("offers", ""),
    ("reference", "95225"),
    ("reference", ""),
    ("created", "2019"),
    ("created", ""),
)


@dataclass
class ListFigures:
    open_ms: list[float] = field(default_factory=list)
    key_ms: list[float] = field(default_factory=list)
    open_sql_ms: list[float] = field(default_factory=list)  # the unfiltered list + exact count
    sql_ms: list[float] = field(default_factory=list)  # list + exact count, called directly
    fetch_ms: list[float] = field(default_factory=list)  # what the screen's fetch runs
    filters: list[dict] = field(default_factory=list)  # what each timed key asked for


class Probe:
    """Hooks on the app of a run_test(): when rows are shown, and when frames are rendered.

    The hooks wake the waiting stopwatch; it used to poll every millisecond, scanning every
    load and frame of the run, and its own wake-ups took the interpreter from the query's
    thread (a 12 ms page of Mes devis measured 40-70 ms). What it notes is cleared at each
    measure (`expect`).
    """

    def __init__(self, app):
        from tui.toolkit.widgets.record_list import RecordList

        self.loads: list[tuple[float, dict]] = []
        self.frames: list[float] = []
        self._noted = asyncio.Event()
        display = app._display
        probe = self

        def _display(screen, renderable):
            if renderable is not None and not app._batch_count:  # in a batch: not sent
                probe.frames.append(time.perf_counter())
                probe._noted.set()
            return display(screen, renderable)

        app._display = _display  # headless run_test renders every frame, then drops it here
        original_show = RecordList._show_page

        def show_page(record_list, payload):
            # RecordList runs its `fetch` for `wanted` = (filters, offset) and paints the rows
            # only if they are still what the user wants (tui/toolkit/widgets/record_list.py).
            # The time is taken before the rows are set: RecordList paints them within
            # _show_page (its _paint_now), and that frame is the one to find.
            wanted, _ = payload
            painted = wanted is record_list._wanted
            shown_at = time.perf_counter()
            original_show(record_list, payload)
            if painted:
                probe.loads.append((shown_at, dict(wanted[0])))
                probe._noted.set()

        RecordList._show_page = show_page
        self._restore = (RecordList, original_show)

    def restore(self) -> None:
        cls, show = self._restore
        cls._show_page = show

    def expect(self) -> None:
        """A measure starts: what was noted before is not looked at again."""
        self.loads.clear()
        self.frames.clear()

    async def shown(self, since: float, filters: dict | None, timeout: float = 20.0) -> float:
        """ms from `since` to the first frame after the rows for `filters` were shown."""
        deadline = time.perf_counter() + timeout
        while True:
            loaded = next(
                (
                    t
                    for t, f in self.loads
                    if t >= since and (filters is None or _same_filters(f, filters))
                ),
                None,
            )
            if loaded is not None:
                frame = next((t for t in self.frames if t >= loaded), None)
                if frame is not None:
                    return (frame - since) * 1000
            self._noted.clear()
            try:
                await asyncio.wait_for(self._noted.wait(), deadline - time.perf_counter())
            except TimeoutError:
                raise TimeoutError(f"rows for {filters} not shown") from None


class Stopwatch:
    """Times a screen opened, or a key pressed, until the rows it asks for are painted."""

    def __init__(self, pilot, probe: Probe, verbose: bool):
        self.pilot, self.probe, self.verbose = pilot, probe, verbose

    async def open(self, place: str, figures: ListFigures, label: str) -> None:
        self.probe.expect()
        since = time.perf_counter()
        self.pilot.app.open_place(place)
        figures.open_ms.append(await self.probe.shown(since, None))
        self._say(f"{label} open {figures.open_ms[-1]:.0f} ms")

    async def key(self, key: str, record_list, figures: ListFigures, label: str, what=None) -> None:
        """`key` in the focused filter; `what` names it in --verbose (default: the filters)."""
        self.probe.expect()
        since = time.perf_counter()
        await self.pilot.press(key)
        wanted = record_list.filter_values()
        figures.key_ms.append(await self.probe.shown(since, wanted))
        figures.filters.append(wanted)
        self._say(f"{label} {wanted if what is None else what} {figures.key_ms[-1]:.0f} ms")

    def _say(self, text: str) -> None:
        if self.verbose:
            print(f"    {text}", file=sys.stderr)


def _same_filters(a: dict, b: dict) -> bool:
    keys = set(a) | set(b)
    return all((a.get(k) or None) == (b.get(k) or None) for k in keys)


def time_ms(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


async def measure_lists(
    db: str, login: str, runs: int, size: tuple[int, int], tmp: str, verbose: bool = False
) -> tuple[ListFigures, ListFigures]:
    """Prospects then Mes devis, `runs` times: opened, then filtered key by key (a user's pace)."""
    from textual.widgets import Input

    from db.companies import ProspectFilters, count_prospects, list_prospects
    from db.core import Scope, User
    from db.quotes import QuoteFilters, count_quotes, list_quotes
    from screens.prospects import fetch_prospects
    from screens.quotes import QuotesScreen, fetch_quotes
    from tui.app import MyOpenIPApp
    from tui.cli import tune_runtime
    from tui.settings import Settings
    from tui.toolkit.widgets.record_list import RecordList

    settings = Settings(
        database=db, idle_lock_minutes=0, files_dir=tmp, log_file=str(Path(tmp) / "bench.log")
    )
    scope = Scope.for_user(User.get(User.login == login))
    prospects, quotes = ListFigures(), ListFigures()

    app = MyOpenIPApp(settings)
    tune_runtime()  # as `myopenip` does before App.run (tui/cli.py run_app)
    if verbose:
        _print_gc_pauses()
    probe = Probe(app)
    try:
        async with app.run_test(size=size) as pilot:
            stopwatch = Stopwatch(pilot, probe, verbose)
            app.logged_in(scope)
            await pilot.pause(THINK)
            for _ in range(runs):
                # -- Prospects ---------------------------------------------------------------
                await stopwatch.open("prospects", prospects, "P")
                record_list = app.screen.query_one(RecordList)
                for key, text in PROSPECT_KEYS:
                    app.screen.query_one(f"#filter-{key}", Input).focus()
                    await pilot.pause(0.05)
                    for char in text:
                        key_name = "backspace" if char == "\b" else char
                        await stopwatch.key(key_name, record_list, prospects, "P")
                        await asyncio.sleep(KEY_GAP)
                    await asyncio.sleep(THINK)  # the user reads the result
                app.pop_screen()
                await pilot.pause(THINK)
                # -- Mes devis ---------------------------------------------------------------
                await stopwatch.open("quotes", quotes, "Q")
                screen = app.screen
                assert isinstance(screen, QuotesScreen)
                record_list = screen.query_one(RecordList)
                await pilot.pause(0.2)  # the Commercial select fills itself
                for key, text in QUOTE_SEARCHES:
                    box = screen.query_one(f"#q-{key}", Input)
                    box.value = text
                    box.focus()
                    await pilot.pause(0.05)
                    await stopwatch.key("enter", record_list, quotes, "Q", f"{key}={text!r}")
                    await asyncio.sleep(THINK)
                app.pop_screen()
                await pilot.pause(THINK)
    finally:
        probe.restore()

    # The same queries called directly (this thread, no UI): the bare list + exact count, and
    # the screens' own fetch (what their worker runs for each key: count capped, or none).
    page_size = settings.page_size

    def prospect_sql(filters: dict) -> float:
        wanted = ProspectFilters(
            **{k: filters.get(k, "") for k in ("identifiant", "name", "place")}
        )
        return time_ms(list_prospects, scope, wanted, 0, page_size) + time_ms(
            count_prospects, scope, wanted
        )

    def quote_sql(filters: dict) -> float:
        wanted = QuoteFilters(**filters)
        return time_ms(list_quotes, scope, wanted, 0, page_size) + time_ms(
            count_quotes, scope, wanted
        )

    for _ in range(runs):
        prospects.open_sql_ms.append(prospect_sql({}))
        quotes.open_sql_ms.append(quote_sql({}))
        for filters in prospects.filters[: len(prospects.filters) // runs]:
            prospects.sql_ms.append(prospect_sql(filters))
            prospects.fetch_ms.append(time_ms(fetch_prospects, scope, dict(filters), 0, page_size))
        for filters in quotes.filters[: len(quotes.filters) // runs]:
            quotes.sql_ms.append(quote_sql(filters))
            quotes.fetch_ms.append(time_ms(fetch_quotes, scope, dict(filters), 0, page_size))
    return prospects, quotes


def _print_gc_pauses() -> None:
    """--verbose: every garbage collection over 20 ms, on stderr."""
    import gc

    started = {}

    def gc_pause(phase, info):
        if phase == "start":
            started["t"] = time.perf_counter()
        elif (pause := (time.perf_counter() - started["t"]) * 1000) > 20:
            print(f"    gc gen{info['generation']} {pause:.0f} ms", file=sys.stderr)

    gc.callbacks.append(gc_pause)


def measure_documents(login: str, runs: int) -> dict[str, list[float]]:
    """The conversion and the mandate (generated, then rendered alone), `runs` times each."""
    from db.companies import convert_to_client
    from db.core import BillingPoint, Company, CompanyKind, DomainError, Scope, User, database_proxy
    from db.documents import generate_mandate, mandate_data, render_mandate_pdf

    scope = Scope.for_user(User.get(User.login == login))
    candidates = (
        scope.companies(Company.select(Company.id))
        .join(BillingPoint, on=(BillingPoint.company == Company.id))
        .where((Company.kind == CompanyKind.PROSPECT) & (Company.creation_step >= 3))
        .order_by(Company.id.desc())
        .limit(200)
    )
    figures: dict[str, list[float]] = {"conversion": [], "mandate": [], "mandate_render": []}

    class Rollback(Exception):
        pass

    def timed_rolled_back(fn, *args) -> float | None:
        elapsed = None
        try:
            with database_proxy.atomic():
                start = time.perf_counter()
                fn(*args)
                elapsed = (time.perf_counter() - start) * 1000
                raise Rollback
        except Rollback:
            return elapsed
        except DomainError:
            return None

    def first_accepted(fn) -> int | None:
        """The first candidate `fn` accepts; that run, rolled back too, was the warm-up."""
        for (company_id,) in candidates.tuples():
            if timed_rolled_back(fn, scope, company_id) is not None:
                return company_id
        return None

    convertible = first_accepted(convert_to_client)
    if convertible is not None:
        for _ in range(runs):
            figures["conversion"].append(timed_rolled_back(convert_to_client, scope, convertible))
    with_mandate = first_accepted(generate_mandate)
    if with_mandate is not None:
        for _ in range(runs):
            figures["mandate"].append(timed_rolled_back(generate_mandate, scope, with_mandate))
        data = mandate_data(scope, with_mandate)
        if not data.rum:  # a RUM is given at generation (rolled back above): any will do here
            data = dataclasses.replace(data, rum="++BENCH-RUM-0001")
        for _ in range(runs):
            figures["mandate_render"].append(time_ms(render_mandate_pdf, data))
    return figures
