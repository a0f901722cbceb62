"""CSV out (every list, filters applied, all pages) and in (import-prospects, validated like the wizard)."""

from __future__ import annotations

import csv
import io

import pytest

from db.companies.prospects import (
    ProspectFilters,
    count_prospects,
    list_prospects,
    save_company_step,
)
from db.core.errors import DomainError, NotFound
from db.core.kinds import CompanyKind
from db.core.models import AuditLog, Company, Site
from db.exchange import csv_format as csv_io
from db.exchange import exports as list_exports
from db.exchange import prospect_import as csv_import
from db.exchange.csv_format import export_rows
from db.exchange.exports import export_prospects
from db.exchange.prospect_import import (
    MAX_IMPORT_BYTES,
    ImportRefused,
    import_prospects,
    import_prospects_file,
)
from db.files.folders import FolderFile, outbox
from db.files.writes import OutputExists

HEADER = "Raison sociale;SIREN;SIRET;n°;Voie;Code Postal;Commune;Pays"


def read_csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream, delimiter=";"))


def write(tmp_path, text: str, name: str = "prospects.csv", bom: bool = True):
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


# --- export ----------------------------------------------------------------------------------


def test_export_of_a_filtered_prospect_list_matches_the_database(scopes, tmp_path, monkeypatch):
    scope = scopes["revendeur"]
    tricky = save_company_step(
        scope,
        None,
        {
            "name": 'CAFÉ "LE PORT"; ÉTÉ & FILS',
            "site_street": "quai de la Fosse",
            "site_postcode": "92110",
            "site_city": "CLICHY",
            "site_country": "France",
        },
    )
    filters = ProspectFilters(place="92110")
    total = count_prospects(scope, filters)
    assert total > 3
    calls = []
    original = list_exports.list_prospects

    def counting(*args, **kwargs):
        calls.append(args[-2:])
        return original(*args, **kwargs)

    monkeypatch.setattr(list_exports, "list_prospects", counting)
    monkeypatch.setattr(csv_io, "CHUNK", 3)  # several pages, never the whole table at once
    box = outbox(tmp_path / "files", scope.login)
    out = box.path / "prospects.csv"

    assert export_prospects(scope, filters, FolderFile(box, "prospects.csv")) == total

    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # French Excel reads UTF-8 only with a BOM
    assert '"CAFÉ ""LE PORT""; ÉTÉ & FILS"'.encode() in raw  # quoted, quotes doubled
    rows = read_csv(out)
    assert rows[0] == ["IDENTIFIANT", "RAISON SOCIALE", "CODE POSTAL / VILLE", "ETAT"]
    expected = [
        [str(r.id), r.name, r.place, r.etat] for r in list_prospects(scope, filters, 0, 10_000)
    ]
    assert rows[1:] == expected
    assert [str(tricky), 'CAFÉ "LE PORT"; ÉTÉ & FILS', "92110 CLICHY", "Création - étape 2"] in rows
    assert all(limit == 3 for _, limit in calls) and len(calls) == total // 3 + 1
    assert AuditLog.get(AuditLog.action == "csv_exported").details.count(str(total))


def test_export_never_replaces_a_file_unless_asked(tmp_path):
    box = outbox(tmp_path / "files", "revendeur")
    target = FolderFile(box, "liste.csv")
    export_rows(target, ["A"], [])
    out = box.path / "liste.csv"
    out.write_text("ancien")
    with pytest.raises(OutputExists, match="« liste.csv » existe déjà dans votre dossier d'envoi"):
        export_rows(target, ["A"], [["1"]])
    assert out.read_text() == "ancien"
    assert export_rows(target, ["A"], [["1"], ["2"]], overwrite=True) == 2
    assert read_csv(out) == [["A"], ["1"], ["2"]]
    with pytest.raises(DomainError, match="sans « / »"):
        export_rows(FolderFile(box, "../x.csv"), ["A"], [])
    assert [p.name for p in box.path.iterdir()] == ["liste.csv"]  # no temporary file left


# --- import ----------------------------------------------------------------------------------

MIXED = (
    "Code Postal;raison sociale;Commune;VOIE;n°;SIRET;SIREN\n"  # any order, any case
    "44000;CAFÉ DU PORT;NANTES;quai de la Fosse;3;;\n"  # line 2: good
    "7500;BOULANGERIE TEST;PARIS;rue de Rivoli;10;;\n"  # line 3: bad postcode
    "75001;;PARIS;rue X;;;\n"  # line 4: no name
    "\n"  # a blank line is skipped
    "75015;LA POSTE SIÈGE;PARIS;rue de Vaugirard;;35600000000048;\n"  # line 6: good (La Poste)
    "75015;AUTRE;PARIS;rue Y;;12345678901234;123456789\n"  # line 7: bad SIRET and SIREN
    '92110;"DUVAL; FRÈRES";CLICHY;rue de Neuilly;37;;\n'  # line 8: good, ';' in the name
)


def test_import_reports_each_bad_row_and_imports_the_good_ones_once(scopes, tmp_path):
    scope = scopes["revendeur"]
    path = write(tmp_path, MIXED)
    before = Company.select().count()

    report = import_prospects_file(scope, path)

    assert [(r.line, r.name) for r in report.imported] == [
        (2, "CAFÉ DU PORT"),
        (6, "LA POSTE SIÈGE"),
        (8, "DUVAL; FRÈRES"),
    ]
    assert [(r.line, r.messages) for r in report.refused] == [
        (3, ("Code Postal : Le code postal doit compter 5 chiffres.",)),
        (4, ("Raison sociale : Ce champ est obligatoire.",)),
        (
            7,
            (
                "SIREN : Le SIREN est invalide (clé de contrôle incorrecte).",
                "SIRET : Le SIRET est invalide (clé de contrôle incorrecte).",
            ),
        ),
    ]
    assert report.rows == 6 and not report.ok
    assert Company.select().count() == before + 3
    poste = Company.get_by_id(report.imported[1].company_id)
    assert (poste.kind, poste.creation_step, poste.siren, poste.siret) == (
        CompanyKind.PROSPECT,
        1,
        "356000000",
        "35600000000048",
    )
    assert (poste.reseller_id, poste.operator_id) == (scope.company_id, scope.operator_id)
    site = Site.get(Site.company == poste.id)
    assert (site.is_main, site.street, site.postcode, site.city, site.country) == (
        True,
        "rue de Vaugirard",
        "75015",
        "PARIS",
        "France",
    )
    listed = list_prospects(scope, ProspectFilters(name="duval; frères"))
    assert [(r.name, r.etat) for r in listed] == [("DUVAL; FRÈRES", "Création - étape 2")]

    again = import_prospects_file(scope, path)
    assert again.imported == []
    assert [(r.line, r.messages[0]) for r in again.duplicates] == [
        (2, f"déjà présent (IDENTIFIANT {report.imported[0].company_id})"),
        (6, f"déjà présent (IDENTIFIANT {report.imported[1].company_id})"),
        (8, f"déjà présent (IDENTIFIANT {report.imported[2].company_id})"),
    ]
    assert Company.select().count() == before + 3


def test_duplicates_are_found_by_siret_then_siren_then_name_and_postcode(scopes, tmp_path):
    scope = scopes["revendeur"]
    existing = Company.get_by_id(1743)  # CABINET DUVAL ET ASSOCIÉS, 92110 CLICHY
    path = write(
        tmp_path,
        f"{HEADER}\n"
        "cabinet duval et associés;;;;rue A;92110;CLICHY;\n"  # same name and postcode
        "CABINET DUVAL ET ASSOCIÉS;;;;rue A;75001;PARIS;\n"  # another postcode: new
        "X;;35600000000048;;rue B;75015;PARIS;\n"
        "Y;;35600000000048;;rue C;75015;PARIS;\n"  # same SIRET as the line above
        "Z;356000000;;;rue D;75015;PARIS;\n",  # same SIREN as line 4
    )
    report = import_prospects_file(scope, path)
    assert [r.line for r in report.imported] == [3, 4]
    assert [(r.line, r.messages[0]) for r in report.duplicates] == [
        (2, f"déjà présent (IDENTIFIANT {existing.id})"),
        (5, "déjà présent (ligne 4 du fichier)"),
        (6, "déjà présent (ligne 4 du fichier)"),  # its SIREN is the SIRET's
    ]
    again = import_prospects_file(scope, path)
    assert again.imported == [] and len(again.duplicates) == 5
    assert again.duplicates[-1].messages == (
        f"déjà présent (IDENTIFIANT {report.imported[1].company_id})",
    )
    # Another reseller's book is not "present" for this one.
    other = import_prospects_file(scopes["revendeur2"], path)
    assert [r.line for r in other.imported] == [2, 3, 4]


def test_unknown_and_missing_columns_refuse_the_file_by_name(scopes, tmp_path):
    scope = scopes["revendeur"]
    before = Company.select().count()
    with pytest.raises(ImportRefused) as unknown:
        import_prospects_file(
            scope,
            write(tmp_path, "Raison sociale;Voie;Code Postal;Commune;Téléfone\nA;r;75001;P;1\n"),
        )
    assert unknown.value.message.startswith("Colonne n° 5 de l'en-tête (sur 5) inconnue.")
    assert "Téléfone" not in unknown.value.message  # the file's text is never shown back
    with pytest.raises(ImportRefused) as missing:
        import_prospects_file(scope, write(tmp_path, "Raison sociale;Code Postal\nA;75001\n"))
    assert "Colonnes obligatoires absentes : « Voie », « Commune »" in missing.value.message
    with pytest.raises(ImportRefused, match="en double"):
        import_prospects_file(scope, write(tmp_path, f"{HEADER};SIREN\n"))
    with pytest.raises(ImportRefused, match="point-virgule"):
        import_prospects_file(scope, write(tmp_path, HEADER.replace(";", ",") + "\n"))
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(f"{HEADER}\nCAFÉ;;;;rue;75001;PARIS;\n".encode("latin-1"))
    with pytest.raises(ImportRefused, match="UTF-8"):
        import_prospects_file(scope, latin1)
    with pytest.raises(ImportRefused, match="introuvable"):
        import_prospects_file(scope, tmp_path / "absent.csv")
    assert Company.select().count() == before


def test_without_bom_and_without_pays_france_is_assumed(scopes, tmp_path):
    path = write(
        tmp_path, "Raison sociale;Voie;Code Postal;Commune\nA;rue;75001;PARIS\n", bom=False
    )
    report = import_prospects_file(scopes["revendeur"], path)
    assert len(report.imported) == 1 and report.ok
    assert Site.get(Site.company == report.imported[0].company_id).country == "France"


def test_owner_is_the_scope_or_a_reseller_of_the_operator(scopes, tmp_path):
    path = write(tmp_path, f"{HEADER}\nNOUVEAU;;;;rue;75001;PARIS;\n")
    staff = scopes["operateur"]
    with pytest.raises(DomainError, match="Seul le personnel de l'opérateur"):
        import_prospects_file(scopes["revendeur"], path, reseller_id=3)
    with pytest.raises(NotFound):
        import_prospects_file(staff, path, reseller_id=7)  # another operator's reseller
    with pytest.raises(NotFound):
        import_prospects_file(staff, path, reseller_id=1743)  # not a reseller
    report = import_prospects_file(staff, path, reseller_id=3)
    company = Company.get_by_id(report.imported[0].company_id)
    assert (company.reseller_id, company.operator_id) == (3, staff.company_id)
    assert report.owner == Company.get_by_id(3).name
    assert [
        r.name for r in list_prospects(scopes["revendeur2"], ProspectFilters(name="nouveau"))
    ] == ["NOUVEAU"]
    assert list_prospects(scopes["revendeur"], ProspectFilters(name="nouveau")) == []
    own = import_prospects_file(staff, path)  # the operator's own book is another owner
    assert Company.get_by_id(own.imported[0].company_id).reseller_id is None


def test_cli_import_prints_the_report_and_fails_on_refused_rows(demo_db, scopes, tmp_path, capsys):
    from tui.main import main

    good = write(tmp_path, f"{HEADER}\nCLI SARL;;;;rue;75001;PARIS;\n", name="good.csv")
    assert main(["--db", demo_db, "import-prospects", str(good), "--as", "revendeur"]) == 0
    assert "1 prospect(s) importé(s)" in capsys.readouterr().out

    mixed = write(tmp_path, MIXED, name="mixed.csv")
    code = main(
        ["--db", demo_db, "import-prospects", str(mixed), "--reseller", "3", "--as", "operateur"]
    )
    output = capsys.readouterr()
    assert code == 1
    assert (
        "ligne 3 : Refusé — BOULANGERIE TEST — Code Postal : Le code postal doit compter 5 chiffres."
        in output.out
    )
    assert "3 refusée(s)" in output.out and "refusée(s)" in output.err
    assert main(["--db", demo_db, "import-prospects", str(good), "--as", "personne"]) == 2


# --- import from a stream: size cap, nothing of the file shown back ---------------------------


class Endless(io.RawIOBase):
    """/dev/zero as stdin: no size, never ends; counts what was read from it."""

    def __init__(self, byte: bytes = b"\0"):
        self.byte, self.read_bytes = byte, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        buffer[:] = (self.byte * len(buffer))[: len(buffer)]
        self.read_bytes += len(buffer)
        return len(buffer)


def test_a_stream_is_read_up_to_the_cap_and_refused_beyond(scopes):
    before = Company.select().count()
    endless = Endless(b"A;")
    with pytest.raises(ImportRefused) as exc:
        import_prospects(scopes["revendeur"], io.BufferedReader(endless), "entrée standard")
    assert exc.value.message == "Le fichier dépasse 10 Mo : découpez-le en plusieurs fichiers."
    assert endless.read_bytes <= MAX_IMPORT_BYTES + 1 + io.DEFAULT_BUFFER_SIZE
    with pytest.raises(ImportRefused, match="octets nuls"):
        import_prospects(scopes["revendeur"], io.BytesIO(b"\0" * 1000), "zero")
    assert Company.select().count() == before


def test_a_file_over_the_cap_is_refused_before_it_is_read(scopes, tmp_path, monkeypatch):
    big = tmp_path / "gros.csv"
    with big.open("wb") as out:
        out.truncate(MAX_IMPORT_BYTES + 1)  # sparse: nothing to read, only its size
    monkeypatch.setattr(csv_import, "_read_text", lambda stream: pytest.fail("read"))
    with pytest.raises(ImportRefused, match="dépasse 10 Mo"):
        import_prospects_file(scopes["revendeur"], big)


SECRETS = {
    "passwd": b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n",
    "env": b"DATABASE_URL=postgresql://myopenip:Tr3s-Secret@db/myopenip\nMYOPENIP_LOG_FILE=/x\n",
    "semicolons": b"Mot de passe;Jeton\nTr3s-Secret;abc123\n",
}


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_a_file_that_is_not_a_prospect_list_is_never_shown_back(scopes, kind):
    content = SECRETS[kind]
    with pytest.raises(ImportRefused) as exc:
        import_prospects(scopes["revendeur"], io.BytesIO(content), "x.csv")
    message = exc.value.message
    for word in content.decode().replace("\n", ";").replace(":", ";").replace("=", ";").split(";"):
        if len(word) > 3:
            assert word not in message, word
    assert message.endswith(f"Colonnes attendues (dans n'importe quel ordre) : {HEADER}.")
    assert "Colonnes obligatoires absentes" in message


def test_a_symbolic_link_is_not_followed_by_the_admin_import(scopes, tmp_path):
    target = write(tmp_path, f"{HEADER}\nLIEN SARL;;;;rue;75001;PARIS;\n", name="vrai.csv")
    link = tmp_path / "lien.csv"
    link.symlink_to(target)
    with pytest.raises(ImportRefused, match="lien symbolique"):
        import_prospects_file(scopes["revendeur"], link)
    with pytest.raises(ImportRefused, match="n'est pas un fichier"):
        import_prospects_file(scopes["revendeur"], tmp_path)
    assert not Company.select().where(Company.name == "LIEN SARL").exists()


def test_cli_imports_from_stdin(demo_db, monkeypatch, capsys):
    from tui.main import main

    data = f"{HEADER}\nSTDIN SARL;;;;rue;75001;PARIS;\n".encode()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["--db", demo_db, "import-prospects", "-", "--as", "revendeur"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Import de entrée standard pour ") and "1 prospect(s) importé(s)" in out
