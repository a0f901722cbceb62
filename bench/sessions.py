"""The scenarios bench.run plays on the pseudo-terminal, and what each run of them measured.

"Painted" = the last byte of the first screen before the output goes quiet; bytes are counted
from the key written until that quiet.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from bench.terminal import KEYS, SYNC_END, Term, app_argv, bare_argv, frames, term_env

SIZES = ((80, 24), (120, 40))
IDLE = 2.0
KEY_BURST = 20
MOUSE_TRACKING = (b"\x1b[?1000h", b"\x1b[?1002h", b"\x1b[?1003h")
MORE_THAN_16_COLOURS = re.compile(rb"\x1b\[[0-9;]*(?:38|48);[25];[0-9;]*m")


@dataclass
class Session:
    """What one run on the pseudo-terminal measured."""

    first_paint: float = 0.0  # s: first frame holding the marker
    painted: float = 0.0  # s: last byte of the first screen (then 150 ms quiet)
    screen_bytes: int = 0
    screen_frames: int = 0
    screen_full: int = 0
    typed_bytes: list[int] = field(default_factory=list)
    row_bytes: list[int] = field(default_factory=list)
    open_full: dict[str, int] = field(default_factory=dict)
    open_frames: dict[str, int] = field(default_factory=dict)
    peak_rss_mb: float = 0.0
    rss_mb: float = 0.0
    tab_bytes: list[int] = field(default_factory=list)  # focus to the next field (Connexion)
    idle_bytes: int = 0  # Connexion left alone for IDLE seconds (a blinking cursor costs)
    burst_bytes: int = 0  # KEY_BURST rows moved as fast as a held key repeats
    burst_frames: int = 0
    mouse_tracking: bool = False
    colours_over_16: bool = False


def first_screen(term: Term, marker: bytes, session: Session) -> None:
    end = term.wait_for(marker)
    frame_end = term.wait_for(SYNC_END, end)
    session.first_paint = term.time_at(frame_end - 1)
    session.painted = term.wait_quiet(0.3)  # start-up frames can be 150+ ms apart
    output = term.since(0)
    session.screen_bytes = len(output)
    session.screen_frames, session.screen_full = frames(output, term.rows)


def typed_character(term: Term, session: Session, chars: str = "abc") -> None:
    for char in chars:
        term.between_blinks()
        session.typed_bytes.append(term.bytes_answering(char.encode()))


def moved_rows(term: Term, session: Session, moves: int = 3) -> None:
    for _ in range(moves):
        term.wait_quiet()
        session.row_bytes.append(term.bytes_answering(KEYS["down"]))


def focus_moves(term: Term, session: Session) -> None:
    """Tab to the next field and back (Shift+Tab), as on any form."""
    for key in ("tab", "shift+tab"):
        term.between_blinks()
        session.tab_bytes.append(term.bytes_answering(KEYS[key]))


def idle(term: Term, session: Session) -> None:
    term.wait_quiet()
    start = term.pos
    time.sleep(IDLE)
    session.idle_bytes = len(term.since(start))


def key_burst(term: Term, session: Session) -> None:
    """KEY_BURST Down keys 15 ms apart (a held key): the frame rate decides how many frames."""
    term.wait_quiet()
    start = term.pos
    for _ in range(KEY_BURST):
        term.key("down")
        time.sleep(0.015)
    term.wait_quiet()
    output = term.since(start)
    session.burst_bytes = len(output)
    session.burst_frames = frames(output, term.rows)[0]
    for _ in range(KEY_BURST):  # back up, for the next measures
        term.key("up")
        time.sleep(0.015)
    term.wait_quiet()


def run_app_session(
    db: str, cols: int, rows: int, *, low_bandwidth: bool, login: str, full_flow: bool, tmp: str
) -> Session:
    """Connexion (start-up, a few typed characters), then log in, Prospects, rows, Mes devis."""
    session = Session()
    with Term(app_argv(db), cols, rows, term_env(low_bandwidth, tmp)) as term:
        first_screen(term, b"Connexion", session)
        idle(term, session)
        typed_character(term, session)
        focus_moves(term, session)
        if not full_flow:
            return session
        term.type("\x7f" * 3)  # erase what was typed
        operator = login.startswith("operateur")
        if operator:
            term.key("f2")
            term.wait_quiet()
        term.type(login)
        term.key("enter")
        term.wait_quiet()
        term.type("demo")
        term.key_until("enter", b"Bienvenue")
        # Home: the cursor is on Prospects; Enter opens it.
        start = term.key_until("enter", b" sur ")
        session.open_frames["prospects"], session.open_full["prospects"] = frames(
            term.since(start), rows
        )
        moved_rows(term, session)
        key_burst(term, session)
        # Back to the menu, down to its last entry (E-boutique › Mes devis), Enter.
        term.key_until("escape", b"Bienvenue")
        for _ in range(40):
            start = term.pos
            term.key("down")
            if not term.wait_output(start, 0.3):
                break  # the cursor is on the last entry
            term.wait_quiet(0.03)
        start = term.key_until("enter", b"DEV0")
        session.open_frames["quotes"], session.open_full["quotes"] = frames(term.since(start), rows)
        session.peak_rss_mb = term.peak_rss_mb()
        session.rss_mb = term.rss_mb()
        output = term.since(0)
        session.mouse_tracking = any(seq in output for seq in MOUSE_TRACKING)
        session.colours_over_16 = bool(MORE_THAN_16_COLOURS.search(output))
        return session


def run_bare_session(cols: int, rows: int, tmp: str) -> Session:
    """The bare app: start-up and a moved row; then with an Input: a typed character."""
    session = Session()
    with Term(bare_argv(), cols, rows, term_env(False, tmp)) as term:
        first_screen(term, b"Quitter", session)
        moved_rows(term, session)
        key_burst(term, session)
        session.peak_rss_mb = term.peak_rss_mb()
    typing = Session()
    with Term(bare_argv(with_input=True), cols, rows, term_env(False, tmp)) as term:
        first_screen(term, b"Quitter", typing)
        idle(term, typing)
        typed_character(term, typing)
        focus_moves(term, typing)  # Input -> table and back
        session.typed_bytes = typing.typed_bytes
        session.tab_bytes = typing.tab_bytes
        session.idle_bytes = typing.idle_bytes
    return session


def startup_only(argv: list[str], marker: bytes, env: dict) -> Session:
    """Start-up alone, at the first size: the first screen until it goes quiet."""
    session = Session()
    with Term(argv, *SIZES[0], env) as term:
        first_screen(term, marker, session)
    return session
