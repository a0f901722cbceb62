"""Field rules of db.core.validation, checked against real-world identifiers."""

from __future__ import annotations

import pytest
from schwifty import IBAN
from stdnum import luhn
from stdnum.fr import siret as stdnum_siret

from db.core import validation as v
from db.core.errors import FieldError

FR_IBAN = "FR7630006000011234567890189"


def refused(func, *args, **kwargs) -> str:
    with pytest.raises(FieldError) as info:
        func(*args, **kwargs)
    return info.value.message


# --- IBAN -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "FR76 3000 6000 0112 3456 7890 189",
        "DE89 3704 0044 0532 0130 00",
        "BE68 5390 0754 7034",
        "ES91 2100 0418 4502 0005 1332",
        "IT60 X054 2811 1010 0000 0123 456",
        "NL91 ABNA 0417 1643 00",
        "LU28 0019 4006 4475 0000",
        "CH93 0076 2011 6238 5295 7",
        "GB29 NWBK 6016 1331 9268 19",
        "MC58 1122 2000 0101 2345 6789 030",
        "FR14 2004 1010 0505 0001 3M02 606",
    ],
)
def test_valid_sepa_ibans_are_returned_compact(raw):
    compact = raw.replace(" ", "")
    assert v.validate_iban(raw, sepa_required=True) == compact
    assert v.validate_iban(raw.lower()) == compact


def test_french_rib_key_is_checked_behind_a_correct_iban_checksum():
    bban = FR_IBAN[4:]
    wrong_bban = bban[:12] + str((int(bban[12]) + 1) % 10) + bban[13:]
    forged = str(IBAN.from_bban("FR", wrong_bban))
    assert forged[2:4] != FR_IBAN[2:4]  # the IBAN key was recomputed, so only the RIB key is wrong
    assert refused(v.validate_iban, forged) == (
        "Le RIB contenu dans l'IBAN est invalide (clé RIB incorrecte)."
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (FR_IBAN[:-1], "L'IBAN doit compter 27 caractères pour la France."),
        (FR_IBAN + "0", "L'IBAN doit compter 27 caractères pour la France."),
        ("DE89 3704 0044 0532 0130 0", "L'IBAN doit compter 22 caractères pour l'Allemagne."),
        ("FR77" + FR_IBAN[4:], "La clé de contrôle de l'IBAN est incorrecte."),
        ("DE88370400440532013000", "La clé de contrôle de l'IBAN est incorrecte."),
        ("XX76" + FR_IBAN[4:], "Le code pays « XX » de l'IBAN est inconnu."),
        ("FR76-3000-6000", "L'IBAN ne doit contenir que des lettres et des chiffres."),
        ("76FR30006000", "L'IBAN doit commencer par le code pays et la clé (ex. FR76…)."),
        (
            "FR76A0006000011234567890189",
            "Le format de l'IBAN ne correspond pas à celui de son pays.",
        ),
        ("   ", "Ce champ est obligatoire."),
    ],
)
def test_bad_ibans_get_a_precise_message(raw, message):
    assert refused(v.validate_iban, raw) == message


@pytest.mark.parametrize("raw", ["BR1800360305000010009795493C1", "SA0380000000608010167519"])
def test_non_sepa_iban_is_valid_but_refused_for_direct_debit(raw):
    assert v.validate_iban(raw) == raw
    assert refused(v.validate_iban, raw, sepa_required=True) == (
        "Le prélèvement SEPA exige un IBAN d'un pays de la zone SEPA."
    )


def test_iban_formatting_and_masking():
    assert v.format_iban(FR_IBAN) == "FR76 3000 6000 0112 3456 7890 189"
    assert v.mask_iban(FR_IBAN) == "FR76 **** **** **** **** ***0 189"
    assert v.mask_iban("DE89370400440532013000") == "DE89 **** **** **** **30 00"
    assert v.format_iban("") == v.mask_iban("") == ""


# --- BIC --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("BNPAFRPP", "BNPAFRPP"), ("bnpa frpp xxx", "BNPAFRPPXXX"), ("COBADEFFXXX", "COBADEFFXXX")],
)
def test_valid_bic(raw, expected):
    assert v.validate_bic(raw) == expected


@pytest.mark.parametrize("raw", ["BNPAFRP", "BNPA1RPP", "BNPAZZPP", "BNPAFRPP1", "BNPA-FRPP"])
def test_invalid_bic(raw):
    assert refused(v.validate_bic, raw) == "Le code BIC est invalide."


def test_bic_must_match_iban_country():
    assert v.validate_bic("AGRIFRPP", iban=FR_IBAN) == "AGRIFRPP"
    assert refused(v.validate_bic, "COBADEFFXXX", iban=FR_IBAN) == (
        "Le code BIC (pays DE) ne correspond pas au pays de l'IBAN (FR)."
    )


@pytest.mark.parametrize("bic", ["BNPARERX", "AGRIGPGX", "AGRIMQMX"])
def test_french_overseas_bic_accepted_with_french_iban(bic):
    assert v.validate_bic(bic, iban=v.format_iban(FR_IBAN)) == bic


@pytest.mark.parametrize(
    ("iban", "bic"),
    [(FR_IBAN, "AGRIFRPPXXX"), ("DE89370400440532013000", "COBADEFFXXX")],
)
def test_bic_from_iban_uses_the_bank_registry(iban, bic):
    assert v.bic_from_iban(iban) == bic
    assert v.validate_bic(bic, iban=iban) == bic


@pytest.mark.parametrize("iban", ["BE68539007547034", "FR77" + FR_IBAN[4:], ""])
def test_bic_from_iban_unknown_or_invalid(iban):
    assert v.bic_from_iban(iban) is None


# --- SIREN / SIRET / TVA ----------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["732829320", "732 829 320", " 356000000 "])
def test_valid_siren(raw):
    assert v.validate_siren(raw) == raw.replace(" ", "")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("732829321", "Le SIREN est invalide (clé de contrôle incorrecte)."),
        ("73282932", "Le SIREN doit compter 9 chiffres."),
        ("7328293200", "Le SIREN doit compter 9 chiffres."),
        ("73282932A", "Le SIREN doit compter 9 chiffres."),
    ],
)
def test_invalid_siren(raw, message):
    assert refused(v.validate_siren, raw) == message


def test_la_poste_siret_is_valid_without_luhn():
    assert not luhn.is_valid("35600000049837")
    assert stdnum_siret.is_valid("35600000049837")
    assert v.validate_siret("356 000 000 49837", siren="356000000") == "35600000049837"


@pytest.mark.parametrize("raw", ["73282932000074", "732 829 320 00074"])
def test_valid_siret(raw):
    assert v.validate_siret(raw, siren="732 829 320") == "73282932000074"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("73282932000079", "Le SIRET est invalide (clé de contrôle incorrecte)."),
        ("35600000049838", "Le SIRET est invalide (clé de contrôle incorrecte)."),
        ("7328293200007", "Le SIRET doit compter 14 chiffres."),
        ("7328293200007X", "Le SIRET doit compter 14 chiffres."),
    ],
)
def test_invalid_siret(raw, message):
    assert refused(v.validate_siret, raw) == message


def test_siret_must_start_with_siren():
    assert refused(v.validate_siret, "73282932000074", siren="356000000") == (
        "Le SIRET doit commencer par le SIREN (356 000 000)."
    )


def test_tva_and_display_formats():
    assert v.tva_from_siren("732829320") == "FR44732829320"
    assert v.tva_from_siren("356 000 000") == "FR39356000000"
    assert v.format_siren("732829320") == "732 829 320"
    assert v.format_siret("73282932000074") == "732 829 320 00074"
    assert refused(v.tva_from_siren, "732829321").startswith("Le SIREN est invalide")


# --- E-mail -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("contact@openip.fr", "contact@openip.fr"),
        ("  Jean.Dupont@Example.COM ", "Jean.Dupont@example.com"),
        ("facturation+client@sous.domaine.fr", "facturation+client@sous.domaine.fr"),
    ],
)
def test_valid_email_is_normalized(raw, expected):
    assert v.validate_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("jean.dupont.openip.fr", "il manque le « @ »"),
        ("@openip.fr", "rien avant le « @ »"),
        ("jean@", "rien après le « @ »"),
        ("jean..dupont@openip.fr", "deux points qui se suivent"),
        ("jean dupont@openip.fr", "les espaces sont interdites"),
        ("jean@open ip.fr", "les espaces sont interdites"),
        ("jean@openip", "nom de domaine incorrect"),
        ("jean.@openip.fr", "point mal placé"),
    ],
)
def test_invalid_email_reason_in_french(raw, reason):
    assert refused(v.validate_email, raw) == f"L'adresse e-mail est invalide : {reason}."


# --- Téléphone --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "e164", "shown"),
    [
        ("01 84 78 78 80", "+33184787880", "01 84 78 78 80"),
        ("01.84.78.78.80", "+33184787880", "01 84 78 78 80"),
        ("+33 1 84 78 78 80", "+33184787880", "01 84 78 78 80"),
        ("06 12 34 56 78", "+33612345678", "06 12 34 56 78"),
        ("+49 30 1234567", "+49301234567", "+49 30 1234567"),
    ],
)
def test_phone_stored_e164_and_shown_nationally(raw, e164, shown):
    assert v.validate_phone(raw) == e164
    assert v.format_phone(e164) == shown


@pytest.mark.parametrize("raw", ["0184", "01 84 AB CD EF", "abc", "01 84 78 78 80 12 34"])
def test_invalid_phone(raw):
    assert refused(v.validate_phone, raw) == "Numéro de téléphone invalide (ex. 01 84 78 78 80)."


def test_optional_phone_accepts_blank():
    phone = v.optional(v.validate_phone)
    assert phone("  ") == ""
    assert phone("0184787880") == "+33184787880"
    assert refused(phone, "0184").startswith("Numéro de téléphone invalide")


# --- Code postal, RUM, jours ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("75008", "France", "75008"),
        (" 13001 ", "France", "13001"),
        ("1000", "Belgique", "1000"),
        ("L-1855", "Luxembourg", "L-1855"),
    ],
)
def test_valid_postcode(raw, country, expected):
    assert v.validate_postcode(raw, country) == expected


@pytest.mark.parametrize(
    ("raw", "country", "message"),
    [
        ("7500", "France", "Le code postal doit compter 5 chiffres."),
        ("75 008", "France", "Le code postal doit compter 5 chiffres."),
        ("2A004", "France", "Le code postal doit compter 5 chiffres."),
        ("12345678901", "Suisse", "Le code postal ne doit pas dépasser 10 caractères."),
        ("", "Suisse", "Ce champ est obligatoire."),
    ],
)
def test_invalid_postcode(raw, country, message):
    assert refused(v.validate_postcode, raw, country) == message


@pytest.mark.parametrize("raw", ["OPENIP-2024-000123", "A/B-C?D:E(F)G.H,I'J+K", "R" * 35, "7"])
def test_valid_rum(raw):
    assert v.validate_rum(raw) == raw


@pytest.mark.parametrize(
    ("raw", "start"),
    [
        ("R" * 36, "La RUM ne doit pas dépasser 35 caractères."),
        ("OPENIP 2024", "La RUM ne doit pas contenir d'espace."),
        ("OPENIP_2024", "La RUM contient un caractère non autorisé (« _ »)"),
        ("RUMÉ1", "La RUM contient un caractère non autorisé (« É »)"),
        ("-OPENIP", "La RUM doit commencer et finir par une lettre ou un chiffre."),
        ("OPENIP+", "La RUM doit commencer et finir par une lettre ou un chiffre."),
        ("", "Ce champ est obligatoire."),
    ],
)
def test_invalid_rum(raw, start):
    assert refused(v.validate_rum, raw).startswith(start)


@pytest.mark.parametrize(("raw", "days"), [("1", 1), (" 90 ", 90), ("120", 120)])
def test_valid_days(raw, days):
    assert v.validate_days(raw) == days


@pytest.mark.parametrize("raw", ["0", "121", "-5", "trente", "", "12.5", "٣"])
def test_invalid_days(raw):
    assert refused(v.validate_days, raw) == "Indiquez un nombre de jours entre 1 et 120."


# --- Divers -----------------------------------------------------------------------------------


def test_require_and_clean_text():
    assert v.clean_text("  a b ") == "a b"
    assert v.clean_text(None) == ""
    assert v.require(" x ") == "x"
    assert refused(v.require, "") == "Ce champ est obligatoire."
    assert (
        refused(v.require, None, "Raison sociale") == "Le champ « Raison sociale » est obligatoire."
    )


def test_choice_constants():
    assert v.PAYMENT_MODES == ("Prélèvement", "Virement", "Chèque")
    assert v.PAYMENT_TERMS[-1] == "Autres"
    assert v.COUNTRIES[0] == "France"
    assert set(v.COUNTRIES) == set(v.COUNTRY_CODES)
    assert v.COUNTRY_CODES["Allemagne"] == "DE"


def test_validate_form_collects_errors_and_keeps_valid_values():
    rules = {
        "iban": lambda s: v.validate_iban(s, sepa_required=True),
        "siren": v.validate_siren,
        "email": v.validate_email,
        "mobile": v.optional(v.validate_phone),
        "rum": v.validate_rum,
        "cp": v.validate_postcode,
    }
    data = {
        "iban": "FR76 3000 6000 0112 3456 7890 189",
        "siren": "732829321",
        "email": "compta@openip.fr",
        "mobile": "",
        "rum": "bad rum",
    }
    cleaned, errors = v.validate_form(rules, data)
    assert cleaned == {"iban": FR_IBAN, "email": "compta@openip.fr", "mobile": ""}
    assert errors == {
        "siren": "Le SIREN est invalide (clé de contrôle incorrecte).",
        "rum": "La RUM ne doit pas contenir d'espace.",
        "cp": "Ce champ est obligatoire.",
    }
