"""The mandate's one A4 page drawn with fpdf2 (imported by db.documents.mandate.render_mandate_pdf only)."""

from __future__ import annotations

import dataclasses
import datetime
import functools
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from db.core.errors import DomainError
from db.core.text import visible
from db.documents.mandate import (
    PAYMENT_ONE_OFF,
    PAYMENT_RECURRENT,
    RIGHTS_NOTE,
    MandateData,
    legal_text,
)

# Shipped with the package (see fonts/LICENSE-DejaVu.txt) because the PDF core fonts are
# Latin-1 only: no "€", and the app must not depend on fonts installed on the host.
_FONTS_DIR = Path(__file__).resolve().parent / "fonts"
_FONT = "DejaVu"

_MARGIN = 18.0
_LABEL_W = 62.0
_LINE_H = 5.2
_TEXT = (33, 37, 41)
_MUTED = (90, 96, 104)
_RULE = (170, 176, 184)
_BAND = (232, 236, 241)
# A fixed fallback keeps the bytes stable for an unsigned mandate (same data, same file).
_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


# Where each printed value is typed, to name it when the font cannot draw it.
FIELD_LABELS = {
    "rum": "Code rum",
    "creditor_name": "Nom du créancier (Paramètres créancier SEPA)",
    "creditor_ics": "ICS du créancier (Paramètres créancier SEPA)",
    "creditor_address": "Adresse du créancier (Paramètres créancier SEPA)",
    "debtor_name": "Titulaire du compte",
    "debtor_address": "Adresse de facturation",
    "iban": "Iban",
    "bic": "Code Bic",
    "place": "Lieu de signature (Paramètres créancier SEPA)",
}


@functools.cache
def _drawable() -> frozenset[int]:
    """Code points both shipped faces (regular and bold) have a glyph for."""
    from fontTools.ttLib import TTFont  # noqa: PLC0415 - fpdf2's own dependency

    faces = [TTFont(str(_FONTS_DIR / name)) for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")]
    regular, bold = (set(face.getBestCmap()) for face in faces)
    return frozenset(regular & bold)


def printable_data(data: MandateData) -> MandateData:
    """`data` as it is printed: a control character that slipped into the store shows as "�"."""
    changes = {
        name: visible(getattr(data, name), multiline=True, pictures=False) for name in FIELD_LABELS
    }
    return dataclasses.replace(data, **changes)


def refuse_undrawable(data: MandateData) -> None:
    """DomainError naming the field whose value holds a character the font has no glyph for.

    fpdf2 would leave such a character out (an empty "Titulaire du compte" on a signed
    mandate): the mandate is refused instead, before anything is stored.
    """
    drawable = _drawable()
    for name, label in FIELD_LABELS.items():
        value = getattr(data, name) or ""
        bad = next((c for c in value if c != "\n" and ord(c) not in drawable), None)
        if bad is not None:
            raise DomainError(
                f"Le mandat ne peut pas être généré : le champ « {label} » contient le "
                f"caractère « {bad} » (U+{ord(bad):04X}) que la police du mandat ne sait pas "
                "dessiner. Corrigez ce champ (par exemple en caractères latins)."
            )


def _group_iban(iban: str) -> str:
    compact = "".join(iban.split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _lines(text: str) -> str:
    # Blank lines and trailing spaces typed in a multi-line field would only push the layout down.
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


class _MandatePdf(FPDF):
    """The mandate page drawn at scale `k` (fonts and vertical spacing), so it can be tightened."""

    def __init__(self, k: float) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.sz = k
        self.lh = _LINE_H * k
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        # Off: render_mandate_pdf checks the fit itself and retries tighter, so the mandate is
        # always a single page instead of spilling its signature onto a second one.
        self.set_auto_page_break(False)
        self.add_font(_FONT, "", str(_FONTS_DIR / "DejaVuSans.ttf"))
        self.add_font(_FONT, "B", str(_FONTS_DIR / "DejaVuSans-Bold.ttf"))
        self.set_text_color(*_TEXT)
        self.set_draw_color(*_RULE)
        self.set_line_width(0.2)

    @property
    def content_w(self) -> float:
        return self.w - self.l_margin - self.r_margin

    @property
    def fits(self) -> bool:
        return self.page_no() == 1 and self.get_y() <= self.h - self.b_margin

    def font(self, size: float, bold: bool = False) -> None:
        self.set_font(_FONT, "B" if bold else "", size * self.sz)

    def fit_cell(self, x: float, y: float, w: float, text: str, size: float, bold: bool) -> None:
        """One line that must not run past `w`: shrink the font instead of overflowing."""
        self.font(size, bold)
        while self.get_string_width(text) > w - 2 * self.c_margin and self.font_size_pt > 6:
            self.set_font(_FONT, "B" if bold else "", self.font_size_pt - 0.5)
        self.set_xy(x, y)
        self.cell(w, self.lh, text)

    def section(self, title: str) -> None:
        top = self.get_y() + 3.5 * self.sz
        band = 7 * self.sz
        self.set_fill_color(*_BAND)
        self.rect(self.l_margin, top, self.content_w, band, style="F")
        self.font(10.5, bold=True)
        self.set_xy(self.l_margin + 3, top)
        self.cell(self.content_w - 3, band, title)
        self.set_y(top + band + 1.8 * self.sz)

    def row(self, label: str, value: str, *, bold_value: bool = False) -> None:
        top = self.get_y()
        self.font(9)
        self.set_text_color(*_MUTED)
        label_lines = self.multi_cell(
            _LABEL_W - 2, self.lh, label, align="L", dry_run=True, output="LINES"
        )
        self.multi_cell(_LABEL_W - 2, self.lh, label, align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
        label_bottom = top + self.lh * len(label_lines)
        self.set_xy(self.l_margin + _LABEL_W, top)
        self.font(10, bold=bold_value)
        self.set_text_color(*_TEXT)
        self.multi_cell(
            self.content_w - _LABEL_W,
            self.lh,
            value,
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_y(max(self.get_y(), label_bottom) + 1.2 * self.sz)

    def checkbox(self, x: float, y: float, label: str, checked: bool) -> float:
        size = 3.8
        top = y + (self.lh - size) / 2
        self.set_draw_color(*_TEXT)
        self.set_line_width(0.3)
        self.rect(x, top, size, size)
        if checked:
            # Drawn rather than typed: a glyph would depend on the font having it.
            self.line(x + 0.7, top + 0.7, x + size - 0.7, top + size - 0.7)
            self.line(x + size - 0.7, top + 0.7, x + 0.7, top + size - 0.7)
        self.set_draw_color(*_RULE)
        self.set_line_width(0.2)
        self.set_xy(x + size + 2, y)
        self.font(10, bold=checked)
        self.cell(h=self.lh, text=label)
        return self.get_x()

    def blank_line(self, x: float, y: float, width: float, value: str) -> None:
        """A value written on a rule, or just the rule left to be filled in by hand."""
        self.line(x, y + self.lh + 0.8, x + width, y + self.lh + 0.8)
        if value:
            self.fit_cell(x + 1, y, width - 2, value, 10, bold=False)


def draw_mandate(data: MandateData, k: float) -> _MandatePdf:
    """The page at scale `k`; `.fits` says whether it holds on one page."""
    data = printable_data(data)
    refuse_undrawable(data)
    creditor = data.creditor_name.strip()
    signed = data.signed_on
    pdf = _MandatePdf(k)
    pdf.set_creation_date(
        datetime.datetime(signed.year, signed.month, signed.day, tzinfo=datetime.UTC)
        if signed
        else _EPOCH
    )
    pdf.set_title("Mandat de prélèvement SEPA " + data.rum.strip())
    pdf.set_author(creditor)
    pdf.set_subject("Mandat de prélèvement SEPA Core")
    pdf.set_creator("MyOpenIP")
    pdf.set_lang("fr-FR")
    pdf.add_page()
    left, width = pdf.l_margin, pdf.content_w

    pdf.font(17, bold=True)
    pdf.set_xy(left, pdf.t_margin)
    pdf.cell(width, 9 * k, "Mandat de prélèvement SEPA", align="C")
    pdf.set_xy(left, pdf.t_margin + 9 * k)
    pdf.font(9)
    pdf.set_text_color(*_MUTED)
    pdf.cell(width, 5 * k, "Prélèvement SEPA Core (SDD Core)", align="C")
    pdf.set_text_color(*_TEXT)

    # The RUM is what the debtor's bank quotes back on every debit: boxed so it is found at once.
    top = pdf.t_margin + 17 * k
    box_h = pdf.lh + 4.8
    pdf.set_fill_color(*_BAND)
    pdf.rect(left, top, width, box_h, style="DF")
    pdf.font(9)
    pdf.set_text_color(*_MUTED)
    pdf.set_xy(left + 3, top + 2.4)
    pdf.cell(_LABEL_W - 3, pdf.lh, "Référence unique du mandat (RUM)")
    pdf.set_text_color(*_TEXT)
    pdf.fit_cell(left + _LABEL_W, top + 2.4, width - _LABEL_W - 3, data.rum.strip(), 11, True)
    pdf.set_xy(left, top + box_h + 4 * k)

    pdf.font(8.8)
    pdf.multi_cell(width, 4.4 * k, legal_text(creditor), align="L")

    pdf.section("Créancier")
    pdf.row("Nom du créancier", creditor, bold_value=True)
    pdf.row("Identifiant créancier SEPA (ICS)", data.creditor_ics.strip())
    pdf.row("Adresse", _lines(data.creditor_address))

    pdf.section("Débiteur")
    pdf.row("Titulaire du compte", data.debtor_name.strip(), bold_value=True)
    pdf.row("Adresse", _lines(data.debtor_address))
    pdf.row("IBAN", _group_iban(data.iban), bold_value=True)
    pdf.row("BIC", data.bic.strip().upper(), bold_value=True)

    pdf.section("Type de paiement")
    y = pdf.get_y()
    x = pdf.checkbox(left + 2, y, PAYMENT_RECURRENT, data.payment_type == PAYMENT_RECURRENT)
    pdf.checkbox(x + 12, y, PAYMENT_ONE_OFF, data.payment_type == PAYMENT_ONE_OFF)
    pdf.set_y(y + pdf.lh + 1)

    pdf.section("Signature du débiteur")
    top = pdf.get_y() + 1
    sig_w, sig_h = 78.0, 34.0 * k
    sig_x = left + width - sig_w
    pdf.font(10)
    pdf.set_xy(left, top + 2)
    pdf.cell(14, pdf.lh, "Fait à")
    pdf.blank_line(left + 14, top + 2, sig_x - left - 22, data.place.strip())
    pdf.font(10)
    pdf.set_xy(left, top + 2 + 10 * k)
    pdf.cell(14, pdf.lh, "le")
    date_text = f"{signed.day:02d}/{signed.month:02d}/{signed.year:04d}" if signed else ""
    pdf.blank_line(left + 14, top + 2 + 10 * k, 48, date_text)
    pdf.set_draw_color(*_TEXT)
    pdf.set_line_width(0.3)
    pdf.rect(sig_x, top, sig_w, sig_h)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(*_RULE)
    pdf.font(9, bold=True)
    pdf.set_xy(sig_x + 2, top + 1.5)
    pdf.cell(sig_w - 4, pdf.lh, "Signature")
    pdf.set_xy(left, top + sig_h + 5 * k)

    pdf.font(8.5)
    pdf.set_text_color(*_MUTED)
    pdf.multi_cell(width, 4.2 * k, RIGHTS_NOTE, align="L")
    pdf.set_xy(left, pdf.get_y() + 2 * k)
    pdf.multi_cell(
        width,
        4.2 * k,
        f"Merci de retourner ce mandat complété, daté et signé à {creditor}, accompagné d'un "
        "relevé d'identité bancaire (RIB). Conservez-en une copie.",
        align="L",
    )
    return pdf
