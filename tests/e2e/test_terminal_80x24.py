"""Issue 13 through a real terminal: the app (`myopenip --db` on a copy of a store made by
`myopenip seed-demo`) runs in a tmux pane of 80×24, gets its keys from `tmux send-keys` and is
read back with `capture-pane -p`, as a person at a terminal would see it.

* keys sent in one write (a paste, a password manager, a laggy link) land where they would typed
  slowly: `revendeur` Tab `demo` Enter logs in; `/` Tab `duval` Tab Tab `bretagne` fills the
  Prospects filters and the table shows the matching row only; a failed login keeps the Connexion
  box on the screen;
* every list, for a reseller and for the operator, shows exactly the columns
  tests/ui/test_lists_80x24.py expects (identifier, state or amount, action), whole cells in
  those columns, and a footer of whole keys; scrolling sideways keeps IDENTIFIANT.

Needs tmux: outside CI a missing tmux skips, in CI (CI=true) it fails.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.tmux import Tmux, tool
from tui.cli import DEMO_BANNER

pytestmark = pytest.mark.slow

APP_BIN = Path(sys.executable).parent / "myopenip"
SIZE = (80, 24)
F2 = "\x1bOQ"  # what an xterm sends for F2 (Connexion: switch to the MB / Opérateur portal)
LOGIN_ERROR = "Identifiants incorrects ou compte indisponible."
# The keys of the footer's right-hand block, in their order (tui/toolkit/widgets/footer.py); F1 always.
GLOBAL_KEYS = re.compile(
    r"f1 Touches( \^q Quitter)?( f3 Sélectionner\.\.\.)?( \^l Déconnexion)?( \^p palette)?"
)
LOGINS = {  # portal -> (its login's keys, sent in one write; the menu's title)
    "revendeur": ("revendeur\tdemo\r", "MyOpenIP — revendeur · Revendeur"),
    "operateur": ("operateur\tdemo" + F2 + "\r", "MyOpenIP — operateur · MB / Opérateur"),
}
_sessions = itertools.count()


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Path:
    """A demo store made as a user makes one: `myopenip seed-demo --path`."""
    path = tmp_path_factory.mktemp("store") / "demo.db"
    done = subprocess.run(
        [str(APP_BIN), "seed-demo", "--path", str(path), "--prospects", "60", "--quotes", "40"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return path


def start_app(demo_store: Path, home: Path, demo: bool = False) -> Tmux:
    """The app on a fresh copy of the demo store, in an 80×24 pane of a private tmux server:
    `myopenip --db COPY`, or `myopenip --demo` (its banner in the Connexion box) with the copy
    where --demo keeps its store ($XDG_DATA_HOME/myopenip/demo.db)."""
    tool("tmux")
    database = home / ("share/myopenip/demo.db" if demo else "myopenip.db")
    database.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(demo_store, database)
    tmux = Tmux(f"mo80x24-{os.getpid()}-{next(_sessions)}", size=SIZE)
    env = " ".join(
        [
            f"HOME={home} XDG_CONFIG_HOME={home}/config XDG_DATA_HOME={home}/share",
            f"XDG_STATE_HOME={home}/state LANG=C.UTF-8 TERM=xterm-256color",
        ]
    )
    where = "--demo" if demo else f"--db {database}"
    tmux.start(f"env -u MYOPENIP_CONFIG -u MYOPENIP_DB {env} {APP_BIN} {where}")
    tmux.wait_for("Connexion", "Mot de passe", "Valider")
    return tmux


@pytest.fixture
def terminal(demo_store, tmp_path):
    tmux = start_app(demo_store, tmp_path / "home")
    yield tmux
    tmux.kill()


def joined(screen: str) -> str:
    """The screen's words with box borders and line breaks dropped (messages wrap in the box)."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", screen).split())


def menu_shown(login: str):
    """The check of the menu after `login`'s login: its title, its welcome, its tree."""

    def check(rows: list[str]) -> None:
        text = "\n".join(rows)
        assert LOGIN_ERROR not in joined(text)
        assert rows[0].strip().startswith("⭘") and rows[0].strip().endswith(LOGINS[login][1])
        assert f"Bienvenue {login} — portail" in joined(text)
        assert "▼ Entreprises" in text and "└── Mes devis" in text  # the menu tree
        assert "Connexion" not in text and "Mot de passe" not in text

    return check


def log_in(tmux: Tmux, login: str) -> list[str]:
    tmux.write(LOGINS[login][0])  # one write
    return tmux.expect(menu_shown(login), f"the menu after {login}'s login")


# -- keys sent in one write --------------------------------------------------------------------


@pytest.fixture(scope="module", params=list(LOGINS))
def portal(request, demo_store, tmp_path_factory):
    """One app per portal, logged in by one write, for the login test and all its lists; the
    screen the login ended on is kept in `after_login` (the menu, or the login error)."""
    tmux = start_app(demo_store, tmp_path_factory.mktemp(f"home-{request.param}"))
    try:
        tmux.login = request.param
        tmux.write(LOGINS[request.param][0])  # Login, Tab, Mot de passe, (F2,) Enter: one write

        def menu_or_error(rows: list[str]) -> None:
            if LOGIN_ERROR not in joined("\n".join(rows)):
                menu_shown(request.param)(rows)

        tmux.after_login = tmux.expect(menu_or_error, "the menu or the login error")
        yield tmux
    finally:
        tmux.kill()


def test_login_typed_in_one_write_logs_in(portal):
    menu_shown(portal.login)(portal.after_login)  # not "Identifiants incorrects…"


def test_a_failed_login_typed_in_one_write_keeps_the_connexion_box_on_screen(demo_store, tmp_path):
    terminal = start_app(demo_store, tmp_path / "home", demo=True)  # its banner in the box

    def box_whole_with_the_error(rows: list[str]) -> None:
        tops = [i for i, row in enumerate(rows) if row.strip().startswith("╭")]
        bottoms = [i for i, row in enumerate(rows) if row.strip().startswith("╰")]
        assert len(tops) == 1 and len(bottoms) == 1, "the box's top and bottom borders"
        top, bottom = tops[0], bottoms[0]
        assert 0 <= top < bottom < len(rows) - 1  # the whole box, above the footer's row
        box = joined("\n".join(rows[top : bottom + 1]))
        for text in ("open IP · MyOpenIP", "Connexion", "Login", "Mot de passe", "✓ Valider"):
            assert text in box, text
        assert LOGIN_ERROR in box
        assert " ".join(DEMO_BANNER.split()) in box  # --demo's logins, under Valider
        # The three parts landed in their places: "revendeur" alone in Login.
        login_row = next(i for i, row in enumerate(rows) if row.strip("│ ") == "Login")
        assert rows[login_row + 1].strip("│ ") == "revendeur"
        assert "f1 Touches" in rows[-1]

    try:
        terminal.write("revendeur\tmauvais\r")
        terminal.expect(box_whole_with_the_error, "the error in the whole Connexion box")
    finally:
        terminal.kill()


def filter_row(rows: list[str]) -> int:
    """The row of the Prospects filter boxes (the operator's: with REVENDEUR)."""
    return next(i for i, row in enumerate(rows) if row.startswith(" IDENTIFIANT "))


def test_prospect_filters_typed_in_one_write_land_in_their_boxes(terminal):
    log_in(terminal, "operateur")

    def boxes_and_table(rows: list[str]) -> None:
        placeholders = rows[filter_row(rows)]
        assert placeholders.split()[:3] == ["IDENTIFIANT", "RAISON", "SOCIALE"]
        assert placeholders.rstrip().endswith(" REVENDEUR")
        assert re.match(r" 1–\d+ sur \d+", rows[-2]) and "▏ f1 Touches" in rows[-1]

    before = open_place(terminal, "Prospects", boxes_and_table)
    placeholders = before[filter_row(before)]
    boxes = {name: placeholders.index(name) for name in ("RAISON SOCIALE", "REVENDEUR")}

    terminal.write("/\tduval\t\tbretagne")  # `/` to the filters, Tab, Tab Tab: in one write

    def filtered(rows: list[str]) -> None:
        filters = rows[filter_row(rows)]
        # Each word in its box, where the box's placeholder was; the others still show theirs.
        assert filters[boxes["RAISON SOCIALE"] :].startswith("duval "), filters
        assert filters[boxes["REVENDEUR"] :].rstrip() == "bretagne", filters
        assert filters[: boxes["RAISON SOCIALE"]].strip() == "IDENTIFIANT", filters
        assert "CODE POSTAL" in filters[boxes["RAISON SOCIALE"] : boxes["REVENDEUR"]], filters
        # Name contains "duval" AND owner matches "bretagne": SAS DUVAL OUEST only (1743,
        # CABINET DUVAL ET ASSOCIÉS, is another reseller's: without the owner box both show).
        table = table_rows(rows, PLACES["prospects"])
        assert [row.split()[:4] for row in table] == [["1159", "SAS", "DUVAL", "OUEST"]]
        assert rows[-2].strip() == "1–1 sur 1"

    terminal.expect(filtered, "the filters and the filtered table")


# -- the lists at 80×24 --------------------------------------------------------------------------


class Place:
    def __init__(self, label, headers, row, keys, action=None):
        self.label = label  # its palette entry and its title: "MyOpenIP — <label>"
        self.headers = headers  # exactly the columns shown, in order (test_lists_80x24.KEPT)
        self.row = re.compile(row)  # every row of the table, its state or amount whole
        self.keys = keys  # footer keys both portals show
        self.action = action  # the action column's text, on every row


AMOUNTS = r"\d+\.\d\d € / \d+\.\d\d €"
PLACES = {
    "prospects": Place(
        "Prospects",
        ["IDENTIFIANT", "RAISON SOCIALE", "ETAT", "ACTION"],
        r"^  \d{4} +\S.*\S +(Création - étape [1-4]|Prêt à transformer) +Reprendre >( |$)",
        ["esc Retour", "^n Nouveau prospect", "⏎ Reprendre >"],
        action="Reprendre >",
    ),
    "quotes": Place(
        "Mes devis",
        ["N° devis / Version", "Client", "Nom des offres", "Création", "Étape", "M.E.S. / ABO."],
        r"^  DEV\d{9}/\d+ .+ \d\d/\d\d/\d{4} [1-4] +" + AMOUNTS + "( |$)",
        ["esc Retour", "/ Filtrer", "^n Nouveau devis"],
    ),
    "clients": Place(
        "Clients",
        ["IDENTIFIANT", "N° client", "RAISON SOCIALE", "CP / VILLE", "SIREN"],
        r"^  \d{4} +CL\d{7} +\S.*\S +\d{3} \d{3} \d{3}( |$)",
        ["esc Retour", "⏎ Détail", "/ Filtrer"],
    ),
    "catalogue": Place(
        "Catalogue",
        ["Offre", "M.E.S.", "ABO.", "Statut"],
        r"^  \S.*\S +\d+\.\d\d € +\d+\.\d\d € +Commercialisée( |$)",
        ["esc Retour", "^t Offres retirées"],
    ),
    "orders": Place(
        "Commandes",
        ["N° commande", "Client", "Devis", "Statut", "M.E.S. / ABO."],
        r"^  CMD\d{9} \S.*\S DEV\d{9}/\d+ En cours +" + AMOUNTS + "( |$)",
        ["esc Retour", "^n Commande depuis un devis", "⏎ Détail"],
    ),
    "services": Place(
        "Mes services",
        ["Client", "N° client", "Offre", "Qté", "Mensuel", "Depuis le", "Total client"],
        r"^  \S.*\S CL\d{7} \S.*\S +\d+ +\d+\.\d\d € \d\d/\d\d/\d{4} +\d+\.\d\d €( |$)",
        ["esc Retour", "^d Commandes du client", "⏎ Commandes"],
    ),
}


def open_place(tmux: Tmux, label: str, ready=lambda rows: True) -> list[str]:
    """The place chosen in the palette; the screen once it is the place's, the palette gone,
    and `ready(rows)` holds."""
    tmux.choose_in_palette(label)

    def shown(rows: list[str]):
        assert rows[0].strip().endswith(f"MyOpenIP — {label}")
        assert not any("🔎" in row or "▔" in row for row in rows), "the palette still drawn"
        return ready(rows)

    return tmux.expect(shown, label)


def table_rows(rows: list[str], place: Place) -> list[str]:
    """The table's rows on screen: from the first row of the table to the line `1–n sur N`."""
    first = next(i for i, row in enumerate(rows) if place.row.search(scrollbar_off(row)))
    end = next(i for i, row in enumerate(rows) if re.match(r" \d+–\d+ sur \d+", row))
    return [scrollbar_off(row) for row in rows[first:end] if row.strip()]


def scrollbar_off(row: str) -> str:
    """The row without the vertical scrollbar drawn at its right end."""
    return re.sub(r"[ ▁▂▃▄▅▆▇█]+$", "", row)


def header_block(rows: list[str], place: Place) -> list[str]:
    """The table's header: the rows between the blank row above it and the table's first row."""
    first = next(i for i, row in enumerate(rows) if place.row.search(scrollbar_off(row)))
    top = first
    while top > 0 and rows[top - 1].strip():
        top -= 1
    return rows[top:first]


def read_headers(block: list[str], expected: list[str]) -> list[tuple[int, str]]:
    """Find each expected header in the block, in order, as the table draws it: on one row, or
    wrapped over the next rows from the same column ("N° devis /" above "Version"). Returns
    (column, header) pairs; what is left of the block once they are blanked out must be blank."""
    block = list(block)
    found = []
    column = 0
    for header in expected:
        place = _find_wrapped(block, header.split(), column)
        assert place is not None, f"{header!r} not in the header:\n" + "\n".join(block)
        column, spans = place
        for line, start, end in spans:
            block[line] = block[line][:start] + " " * (end - start) + block[line][end:]
        found.append((column, header))
        column += 1
    assert not "".join(block).strip(), "other columns shown:\n" + "\n".join(block)
    return found


def _find_wrapped(block: list[str], words: list[str], after: int):
    first = block[0]
    for split in range(len(words), 0, -1):
        head, rest = " ".join(words[:split]), words[split:]
        for match in re.finditer(re.escape(head) + r"(?= |$)", first):
            column = match.start()
            if column < after or (column and first[column - 1] != " "):
                continue
            spans = [(0, column, match.end())]
            line = 1
            while rest and line < len(block):  # the rest wraps onto the next rows
                taken = _leading_words(block[line], column, rest)
                if not taken:
                    break
                spans.append((line, column, column + len(" ".join(rest[:taken]))))
                rest, line = rest[taken:], line + 1
            if not rest:
                return column, spans
    return None


def _leading_words(row: str, column: int, words: list[str]) -> int:
    """How many of `words` row holds from `column` on (then a space or the end), most first."""
    if column and row[column - 1] != " ":
        return 0
    for count in range(len(words), 0, -1):
        text = " ".join(words[:count])
        if row[column:].startswith(text) and row[column + len(text) :][:1] in ("", " "):
            return count
    return 0


def footer_keys(footer: str) -> tuple[str, str]:
    """(the screen's keys, the right-hand block) of the footer row."""
    assert footer.count("▏") == 1, footer
    left, right = footer.split("▏")
    return left, right


@pytest.mark.parametrize("key", list(PLACES))
def test_each_list_at_80x24_shows_identity_state_and_action_with_whole_footer_keys(portal, key):
    place = PLACES[key]

    def whole_list(rows: list[str]) -> None:
        assert len(rows) == 24 and all(len(row) == 80 for row in rows)
        # Exactly the expected columns, in order (a cut header would not be found).
        read_headers(header_block(rows, place), place.headers)
        # Every row of the table shows its identifier, state or amount (and action) whole.
        table = table_rows(rows, place)
        assert table
        for row in table:
            assert place.row.search(row), f"row cut or incomplete: {row!r}"
            if place.action:
                assert row.endswith(place.action), row
        count = next(row for row in rows if re.match(r" \d+–\d+ sur \d+", row))
        shown, total = re.match(r" 1–(\d+) sur (\d+)", count).groups()
        assert int(shown) == int(total) >= len(table)
        # The footer, last row: the screen's keys whole (none runs under the right-hand block),
        # then whole global keys up to the edge, F1 first. (It is composed after the table, its
        # keys once the table has the focus.)
        left, right = footer_keys(rows[-1])
        assert left.startswith(" esc Retour ") and left.endswith(" "), rows[-1]
        for footer_key in place.keys:
            assert f" {footer_key} " in left, rows[-1]
        assert GLOBAL_KEYS.fullmatch(right.strip()), rows[-1]

    rows = open_place(portal, place.label, whole_list)
    print(f"\n{place.label}, {portal.login}:\n" + "\n".join(rows))


def test_scrolling_sideways_keeps_the_identifier(terminal):
    log_in(terminal, "revendeur")
    open_place(terminal, "Prospects")
    # 60 columns, as tests/ui/test_lists_80x24.py: the table is wider than the screen.
    terminal.run("resize-window", "-t", terminal.name, "-x", "60", "-y", "24")
    terminal.size = (60, 24)
    place = PLACES["prospects"]
    ids = re.compile(r"^  (\d{4})  ")

    def header(rows: list[str]) -> str:
        return next((row for row in rows if row.startswith("  IDENTIFIANT ")), "")

    def not_scrolled(rows: list[str]) -> None:
        assert header(rows).split() == ["IDENTIFIANT", "RAISON", "SOCIALE", "ETAT"]
        assert len([row for row in rows if ids.match(row)]) > 5
        assert "Reprendre >" not in "\n".join(rows)  # the action is off to the right
        assert "f1 Touches" in rows[-1]

    before = terminal.expect(not_scrolled, "Prospects at 60 columns")
    top = before.index(header(before))
    first_ids = [m.group(1) for row in before[top + 1 :] if (m := ids.match(row))]

    terminal.press("Right", "Right", "Right")

    def scrolled_to_action(rows: list[str]) -> None:
        scrolled = header(rows)
        # IDENTIFIANT stays in its place, the columns right of it moved left under it.
        assert scrolled.startswith("  IDENTIFIANT ") and rows.index(scrolled) == top
        assert "RAISON SOCIALE" not in scrolled and "ETAT" in scrolled
        assert scrolled.index("ETAT") < header(before).index("ETAT")
        assert [m.group(1) for row in rows[top + 1 :] if (m := ids.match(row))] == first_ids
        # The action column comes into view (its start: 60 columns end inside it).
        action = scrolled.index("ACT")
        for row in rows[top + 1 : top + 1 + len(first_ids)]:
            assert row[action:].startswith(place.action[:3]), row

    after = terminal.expect(scrolled_to_action, "scrolled sideways")
    print("\n" + "\n".join(before) + "\n" + "\n".join(after))
