"""A quote's lines being written: the catalogue, the offers chosen with their quantities, live totals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static
from textual.widgets.option_list import Option

from db.core.money import LineTotals, format_amount, format_amounts, totals
from db.quotes.lines import MAX_QUANTITY, QUANTITY_INVALID, parse_quantity
from tui.toolkit.widgets.option_list import OptionList  # Textual's, minus a crash
from tui.toolkit.widgets.record_list import Cell

LINE_COLUMNS = (
    ("offer", "Offre", 34),
    ("quantity", "Qté", 4),
    ("setup_fee", "M.E.S. unit.", 12),
    ("monthly_fee", "ABO. unit.", 10),
    ("setup_total", "Total M.E.S.", 12),
    ("monthly_total", "Total ABO.", 10),
)


@dataclass
class EditLine(LineTotals):
    """One line: the offer, its quantity and its unit prices (frozen ones for a line already quoted)."""

    offer_id: int
    label: str
    quantity: int
    setup_fee: Decimal
    monthly_fee: Decimal


def line_cells(line) -> tuple:
    """Cells of LINE_COLUMNS for an EditLine or a db.quotes.lines.QuoteLineView."""
    width = LINE_COLUMNS[0][2]
    label = line.label if len(line.label) <= width else line.label[: width - 1] + "…"

    def money(value: Decimal) -> Text:
        return Text(format_amount(value), justify="right")

    return (
        Cell(label),  # typed text: never markup, no control character sent raw
        Text(str(line.quantity), justify="right"),
        money(line.setup_fee),
        money(line.monthly_fee),
        money(line.setup_total),
        money(line.monthly_total),
    )


def add_line_columns(table: DataTable) -> None:
    for key, label, width in LINE_COLUMNS:
        table.add_column(label, key=key, width=width)


def totals_text(lines) -> str:
    return f"Total M.E.S. / ABO. : {format_amounts(*totals(lines))}"


class QuantityDialog(ModalScreen[int | None]):
    """Quantité of one line: typed, checked (1 to 999), Entrée to apply, Échap to cancel."""

    BINDINGS = [Binding("escape", "cancel", "Annuler", id="quantity.cancel")]

    def __init__(self, label: str, quantity: int):
        super().__init__()
        self.label, self.quantity = label, quantity

    def compose(self) -> ComposeResult:
        with Vertical(id="quantity-box"):
            yield Static(f"[b]Quantité[/b] · {self.label}")
            yield Input(str(self.quantity), id="quantity", compact=True)
            yield Static("", classes="error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        quantity = parse_quantity(event.value)
        if quantity is None:
            self.query_one(".error", Static).update(QUANTITY_INVALID)
            return
        self.dismiss(quantity)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Catalogue(OptionList):
    BINDINGS = [Binding("enter", "select", "Ajouter l'offre", id="lines.add")]


class LinesTable(DataTable):
    BINDINGS = [
        Binding("enter", "select_cursor", "Quantité", id="lines.quantity"),
        Binding("plus,equals_sign", "bump(1)", "+1", id="lines.more"),
        Binding("minus", "bump(-1)", "-1", id="lines.less"),
        Binding("delete", "remove", "Retirer", id="lines.remove"),
    ]

    def action_bump(self, delta: int) -> None:
        self.post_message(QuoteLinesEditor.Bump(self.cursor_row, delta))

    def action_remove(self) -> None:
        self.post_message(QuoteLinesEditor.Bump(self.cursor_row, None))


class QuoteLinesEditor(Vertical):
    """Entrée in the catalogue adds an offer (again: one more); in the lines, +/- and Suppr."""

    class Changed(Message):
        """The lines changed (an offer added or removed, a quantity changed)."""

    class Bump(Message):
        def __init__(self, row: int, delta: int | None):
            super().__init__()
            self.row, self.delta = row, delta  # delta None: remove the line

    def __init__(self, lines=(), *, id: str | None = None):
        super().__init__(id=id)
        self.edit_lines: list[EditLine] = [
            EditLine(line.offer_id, line.label, line.quantity, line.setup_fee, line.monthly_fee)
            for line in lines
        ]
        self.initial = self.lines
        self.offers: dict[int, object] = {}

    def compose(self) -> ComposeResult:
        yield Label("Catalogue · Entrée : ajouter l'offre", classes="editor-caption")
        yield Catalogue(id="catalogue")
        yield Label(
            "Lignes du devis · Entrée : quantité · + / - · Suppr : retirer",
            classes="editor-caption",
        )
        yield LinesTable(id="edited-lines", cursor_type="row", zebra_stripes=True)
        yield Static("", classes="error")
        yield Static("", id="editor-totals")

    def on_mount(self) -> None:
        add_line_columns(self.query_one(LinesTable))
        self._refresh_lines()

    @property
    def lines(self) -> list[tuple[int, int]]:
        """What db.quotes.detail.create_quote / update_lines take: (offer_id, quantity) pairs."""
        return [(line.offer_id, line.quantity) for line in self.edit_lines]

    @property
    def changed(self) -> bool:
        return self.lines != self.initial

    def set_catalogue(self, offers) -> None:
        self.offers = {offer.id: offer for offer in offers}
        catalogue = self.query_one(Catalogue)
        catalogue.clear_options()
        catalogue.add_options(
            Option(
                Text.assemble(offer.name.ljust(46), (offer.amounts.rjust(22), "dim")),
                id=str(offer.id),
            )
            for offer in offers
        )
        if offers:
            catalogue.highlighted = 0

    def focus_catalogue(self) -> None:
        self.query_one(Catalogue).focus()

    @on(OptionList.OptionSelected, "#catalogue")
    def _add(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        offer = self.offers[int(event.option.id)]
        index = next(
            (i for i, line in enumerate(self.edit_lines) if line.offer_id == offer.id), None
        )
        if index is not None:
            line = self.edit_lines[index]
            line.quantity = min(line.quantity + 1, MAX_QUANTITY)
        else:
            # A new line takes today's catalogue prices; quoted lines keep theirs.
            self.edit_lines.append(
                EditLine(offer.id, offer.name, 1, offer.setup_fee, offer.monthly_fee)
            )
            index = len(self.edit_lines) - 1
        self._refresh_lines(cursor=index)
        self.post_message(self.Changed())

    @on(Bump)
    def _bump(self, event: Bump) -> None:
        event.stop()
        if not 0 <= event.row < len(self.edit_lines):
            return
        if event.delta is None:
            del self.edit_lines[event.row]
        else:
            line = self.edit_lines[event.row]
            line.quantity = max(1, min(line.quantity + event.delta, MAX_QUANTITY))
        self._refresh_lines(cursor=min(event.row, len(self.edit_lines) - 1))
        self.post_message(self.Changed())

    @on(DataTable.RowSelected, "#edited-lines")
    def _ask_quantity(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = event.cursor_row
        if not 0 <= row < len(self.edit_lines):
            return
        line = self.edit_lines[row]

        def apply(quantity: int | None) -> None:
            if quantity is not None:
                line.quantity = quantity
                self._refresh_lines(cursor=row)
                self.post_message(self.Changed())

        self.app.push_screen(QuantityDialog(line.label, line.quantity), apply)

    def _refresh_lines(self, cursor: int | None = None) -> None:
        table = self.query_one(LinesTable)
        table.clear()
        for line in self.edit_lines:
            table.add_row(*line_cells(line))
        if cursor is not None and cursor >= 0 and self.edit_lines:
            table.move_cursor(row=cursor)
        self.query_one("#editor-totals", Static).update(totals_text(self.edit_lines))
        self.show_errors({})

    def show_errors(self, errors: dict[str, str]) -> None:
        """db.quotes.detail errors keyed 'lines' or 'lines.N' (N: the line's position)."""
        messages = []
        for key, message in errors.items():
            if key == "lines":
                messages.append(message)
            elif key.startswith("lines."):
                index = int(key.removeprefix("lines."))
                label = self.edit_lines[index].label if index < len(self.edit_lines) else ""
                messages.append(f"Ligne {index + 1} ({label}) : {message}")
        self.query_one(".error", Static).update("\n".join(messages))
        self.set_class(bool(messages), "-invalid")
