"""SEPA mandate PDF (db/documents/mandate.py): mandatory elements, accents and €, one A4 page."""

from __future__ import annotations

import dataclasses
import datetime
import io

import pytest
from pypdf import PdfReader

from db.core.errors import DomainError
from db.documents.mandate import (
    PAYMENT_ONE_OFF,
    MandateData,
    legal_text,
    missing_fields,
    render_mandate_pdf,
)

CREDITOR = "Opérateur Télécom €"


def sample(**changes) -> MandateData:
    data = MandateData(
        rum="MOIP-REV01-20240305-00001743-K7QZ",
        creditor_name=CREDITOR,
        creditor_ics="FR72ZZZ123456",
        creditor_address="12 avenue de l'Europe\nBâtiment É\n92110 CLICHY",
        debtor_name="CABINET DUVAL ET ASSOCIÉS",
        debtor_address="37 rue de Neuilly\n92110 CLICHY",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
        place="Clichy",
        signed_on=datetime.date(2024, 3, 5),
    )
    return dataclasses.replace(data, **changes)


def read(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    raw = "\n".join(page.extract_text() for page in reader.pages)
    # Wrapped lines come back split by newlines: compare on single-spaced text.
    return reader, " ".join(raw.split())


@pytest.fixture(scope="module")
def rendered() -> tuple[bytes, PdfReader, str]:
    pdf = render_mandate_pdf(sample())
    reader, text = read(pdf)
    return pdf, reader, text


def test_is_a_single_a4_page(rendered):
    pdf, reader, _ = rendered
    assert pdf.startswith(b"%PDF-")
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(595.28, abs=0.5)
    assert float(box.height) == pytest.approx(841.89, abs=0.5)


def test_is_small_and_deterministic(rendered):
    pdf, _, _ = rendered
    assert len(pdf) < 100_000
    assert render_mandate_pdf(sample()) == pdf


@pytest.mark.parametrize(
    "expected",
    [
        "Mandat de prélèvement SEPA",
        "Référence unique du mandat (RUM)",
        "MOIP-REV01-20240305-00001743-K7QZ",
        "Créancier",
        CREDITOR,
        "Identifiant créancier SEPA (ICS)",
        "FR72ZZZ123456",
        "12 avenue de l'Europe Bâtiment É 92110 CLICHY",
        "Débiteur",
        "Titulaire du compte",
        "CABINET DUVAL ET ASSOCIÉS",
        "37 rue de Neuilly 92110 CLICHY",
        "FR76 3000 6000 0112 3456 7890 189",
        "AGRIFRPP",
        "Type de paiement",
        "Paiement récurrent / répétitif",
        "Paiement ponctuel",
        "Fait à Clichy",
        "05/03/2024",
        "Signature",
        "Vos droits concernant le présent mandat sont expliqués dans un document que vous "
        "pouvez obtenir auprès de votre banque.",
    ],
)
def test_mandatory_elements_are_printed(rendered, expected):
    _, _, text = rendered
    assert expected in text


def test_legal_text_names_the_creditor_twice(rendered):
    _, _, text = rendered
    assert legal_text(CREDITOR) in text
    assert f"vous autorisez (A) {CREDITOR} à envoyer des instructions à votre banque" in text
    assert (
        f"et (B) votre banque à débiter votre compte conformément aux instructions de {CREDITOR}."
        in text
    )
    assert "droit d'être remboursé par votre banque" in text
    assert "dans les 8 semaines suivant la date de débit de votre compte" in text


def test_accents_and_euro_survive_extraction(rendered):
    _, _, text = rendered
    for char in ("é", "É", "€", "è", "à"):
        assert char in text


def test_fonts_are_embedded(rendered):
    pdf, _, _ = rendered
    assert b"/FontFile2" in pdf
    assert b"DejaVuSans" in pdf


def test_recurrent_is_the_default_payment_type():
    assert sample().payment_type == "Paiement récurrent / répétitif"


def test_one_off_payment_type_is_accepted():
    _, text = read(render_mandate_pdf(sample(payment_type=PAYMENT_ONE_OFF)))
    assert "Paiement ponctuel" in text


def test_unknown_payment_type_is_refused():
    with pytest.raises(ValueError):
        render_mandate_pdf(sample(payment_type="Mensuel"))


def test_unsigned_mandate_leaves_place_and_date_blank():
    pdf = render_mandate_pdf(sample(place="", signed_on=None))
    reader, text = read(pdf)
    assert len(reader.pages) == 1
    assert "Fait à" in text
    assert "Clichy" not in text.split("Fait à", 1)[1].split("Signature", 1)[0]
    assert "05/03/2024" not in text
    assert render_mandate_pdf(sample(place="", signed_on=None)) == pdf


def test_iban_typed_with_spaces_is_regrouped():
    _, text = read(render_mandate_pdf(sample(iban="fr76 3000 6000 01123456 7890189")))
    assert "FR76 3000 6000 0112 3456 7890 189" in text


def test_long_names_and_addresses_still_fit_one_page():
    data = sample(
        creditor_name="Société Nationale des Opérateurs de Télécommunications Électroniques €",
        creditor_address="Immeuble « Le Grand Horizon », 12-14 avenue de l'Europe prolongée\n"
        "Bâtiment É, escalier C, 4e étage\nCS 90001\n92110 CLICHY CEDEX\nFRANCE",
        debtor_name="CABINET DUVAL ET ASSOCIÉS — EXPERTISE COMPTABLE ET COMMISSARIAT AUX COMPTES",
        debtor_address="37 rue de Neuilly\nBâtiment B\nZone d'activités des Bords de Seine\n"
        "92110 CLICHY\nFRANCE",
        place="Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson (Marne)",
        rum="W" * 35,
    )
    reader, text = read(render_mandate_pdf(data))
    assert len(reader.pages) == 1
    assert "W" * 35 in text
    assert "Signature" in text
    assert "Vos droits concernant le présent mandat" in text


def test_content_that_cannot_fit_is_refused_rather_than_split():
    data = sample(debtor_address="\n".join(f"ligne {i}" for i in range(80)))
    with pytest.raises(DomainError, match="trop longs pour tenir sur une page"):
        render_mandate_pdf(data)


# ---------------------------------------------------------------- missing elements


def test_complete_sample_has_nothing_missing():
    assert missing_fields(sample()) == []
    assert missing_fields(sample(place="", signed_on=None)) == []


def test_missing_fields_lists_french_labels_in_form_order():
    empty = MandateData(
        rum="",
        creditor_name="",
        creditor_ics="",
        creditor_address="",
        debtor_name="",
        debtor_address="",
        iban="",
        bic="",
    )
    assert missing_fields(empty) == [
        "RUM",
        "Nom du créancier",
        "ICS",
        "Adresse du créancier",
        "Titulaire du compte",
        "Adresse du débiteur",
        "IBAN",
        "BIC",
    ]


def test_whitespace_only_counts_as_missing():
    assert missing_fields(sample(bic="  ", debtor_address="\n \n")) == [
        "Adresse du débiteur",
        "BIC",
    ]


def test_render_refuses_with_the_missing_labels():
    with pytest.raises(DomainError) as info:
        render_mandate_pdf(sample(rum="", creditor_ics=" ", iban=""))
    message = info.value.message
    assert message.startswith("Le mandat ne peut pas être généré : il manque ")
    for label in ("RUM", "ICS", "IBAN"):
        assert label in message
    assert "BIC" not in message


# -- hostile text in the PDF (issue 12) ----------------------------------------------------------


def test_a_holder_name_the_font_cannot_draw_is_refused_naming_the_field():
    """DejaVu Sans has no CJK glyph: fpdf2 would print an empty "Titulaire du compte"."""
    with pytest.raises(DomainError) as refused:
        render_mandate_pdf(sample(debtor_name="山田太郎"))
    assert refused.value.message == (
        "Le mandat ne peut pas être généré : le champ « Titulaire du compte » contient le "
        "caractère « 山 » (U+5C71) que la police du mandat ne sait pas dessiner. Corrigez ce "
        "champ (par exemple en caractères latins)."
    )


def test_a_control_character_that_slipped_in_is_printed_as_a_placeholder():
    """An ESC stored before the text rule existed is printed as U+FFFD, never dropped silently
    (which printed "ACME[31mSA") nor passed to the PDF as a raw byte."""
    _, text = read(render_mandate_pdf(sample(debtor_name="ACME\x1b[31mSA")))
    assert "\x1b" not in text
    assert "ACME\ufffd[31mSA" in text
