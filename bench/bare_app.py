"""The baseline for bench.run: a bare Textual app (Header, a 50-row DataTable, Footer).

    .venv/bin/python bench/bare_app.py            # Header, DataTable, Footer
    .venv/bin/python bench/bare_app.py --input    # the same with an Input on top (typing baseline)

Started the way bench.run starts the real app (a script of the venv's Python on a
pseudo-terminal), it is what Textual costs with nothing of ours: start-up time, memory, and
the bytes a first screen, a typed character and a moved row put on the wire.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header, Input

ROWS = 50


class BareApp(App):
    TITLE = "Bare"
    BINDINGS = [("ctrl+q", "quit", "Quitter")]

    def __init__(self, with_input: bool = False):
        super().__init__()
        self.with_input = with_input

    def compose(self) -> ComposeResult:
        yield Header()
        if self.with_input:
            yield Input(id="field", compact=True)
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("IDENTIFIANT", "RAISON SOCIALE", "CODE POSTAL / VILLE", "ETAT")
        for n in range(ROWS):
            table.add_row(
                str(100000 + n), f"SOCIETE {n:04d}", f"750{n % 20:02d} PARIS", "Prêt à transformer"
            )
        if self.with_input:
            self.query_one(Input).focus()
        else:
            table.focus()


if __name__ == "__main__":
    BareApp(with_input="--input" in sys.argv[1:]).run()
