"""Documents: creditor settings, the generated SEPA mandate, PDF attachments, listing and writing out."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import re
import stat
import tempfile
from dataclasses import dataclass, fields
from pathlib import Path

from peewee import JOIN

from db import audit
from db.database import atomic
from db.errors import ConcurrentEditError, DomainError, FieldError, NotFound, ValidationErrors
from db.forms import REQUIRED, Field
from db.mandate import MandateData, render_mandate_pdf
from db.models import BillingPoint, Company, Document, Setting, User, fold
from db.rum import assign_rum
from db.scope import Scope
from db.sepa import generate_rum, validate_ics

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # "PDF, 20Mo max"
CREDITOR_ADDRESS_MAX_LINES = 4
PDF_MAGIC = b"%PDF-"
ATTACHABLE_KINDS = (Document.KIND_MANDATE_SIGNED, Document.KIND_RIB)
# The guide's labels of the two attachment rows of the billing point.
ATTACHMENT_LABELS = {
    Document.KIND_MANDATE_SIGNED: "Mandat Sépa (PDF, 20Mo max)",
    Document.KIND_RIB: "RIB (PDF, 20Mo max)",
}

# -- creditor settings ---------------------------------------------------------------------------

# Setting keys, by CreditorSettings attribute.
_SETTING_KEYS = {
    "name": "creditor_name",
    "ics": "creditor_ics",
    "address": "creditor_address",
    "signature_place": "signature_place",
    "rum_prefix": "rum_prefix",
}


@dataclass(frozen=True)
class CreditorSettings:
    """The operator as SEPA creditor: printed on every mandate (one set per database)."""

    name: str = ""
    ics: str = ""
    address: str = ""  # several lines
    signature_place: str = ""  # "Fait à" printed on the mandate
    rum_prefix: str = ""

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _check_ics(value: str) -> str:
    return validate_ics(value)


def _check_rum_prefix(value: str) -> str:
    try:
        generate_rum(value, 0, dt.date.today())
    except ValueError:
        raise FieldError(
            "Préfixe trop long : 7 lettres ou chiffres au plus (les accents et signes sont ignorés)."
        ) from None
    return value.strip()


CREDITOR_FIELDS = (
    Field("name", "Nom du créancier", required=True),
    Field("ics", "Identifiant créancier SEPA (ICS)", required=True, check=_check_ics),
    Field("address", "Adresse du créancier", required=True),
    Field("signature_place", "Lieu de signature (Fait à)"),
    Field("rum_prefix", "Préfixe des codes RUM", check=_check_rum_prefix),
)


def get_creditor_settings() -> CreditorSettings:
    keys = {key: attr for attr, key in _SETTING_KEYS.items()}
    values = {
        keys[row.key]: row.value for row in Setting.select().where(Setting.key.in_(list(keys)))
    }
    return CreditorSettings(**values)


def clean_creditor(data: dict) -> tuple[dict[str, str], dict[str, str]]:
    """(values, errors) for the creditor form; the address keeps its lines, trimmed."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for spec in CREDITOR_FIELDS:
        raw = str(data.get(spec.name) or "")
        if spec.name == "address":
            value = "\n".join(line.strip() for line in raw.splitlines() if line.strip())
            if value.count("\n") >= CREDITOR_ADDRESS_MAX_LINES:
                errors[spec.name] = f"{CREDITOR_ADDRESS_MAX_LINES} lignes au plus."
        else:
            value = " ".join(raw.split())
        if not value:
            if spec.required:
                errors[spec.name] = REQUIRED
            values[spec.name] = ""
            continue
        if spec.check is not None:
            try:
                value = spec.check(value)
            except FieldError as exc:
                errors[spec.name] = exc.message
        values[spec.name] = value
    return values, errors


def set_creditor_settings(
    scope: Scope,
    data: CreditorSettings | dict,
    expected: CreditorSettings | None = None,
) -> CreditorSettings:
    """Save the creditor settings (operator staff or the command line only).

    `data` is a whole CreditorSettings, or a dict whose absent keys keep their value.
    `expected` is what the form was loaded with: if someone changed the settings meanwhile
    the save is refused rather than overwriting.
    """
    if isinstance(data, CreditorSettings):
        data = data.as_dict()
    if scope.portal == User.PORTAL_RESELLER:
        raise DomainError("Les paramètres du créancier SEPA sont réservés au personnel opérateur.")
    with atomic():
        current = get_creditor_settings()
        if expected is not None and current != expected:
            raise ConcurrentEditError(None, None)
        merged = current.as_dict()
        merged.update({k: v for k, v in data.items() if k in merged and v is not None})
        values, errors = clean_creditor(merged)
        if errors:
            raise ValidationErrors(errors)
        changed = [k for k, value in values.items() if value != getattr(current, k)]
        for attr in changed:
            key = _SETTING_KEYS[attr]
            Setting.insert(key=key, value=values[attr]).on_conflict(
                conflict_target=[Setting.key], update={Setting.value: values[attr]}
            ).execute()
        if changed:
            audit.record(scope, "creditor_settings_changed", "setting", None, fields=changed)
        return CreditorSettings(**values)


# -- the generated mandate ---------------------------------------------------------------------

_NO_BILLING = "le point de facturation n'est pas encore enregistré (étape 2)"


def _debtor_address(billing: BillingPoint) -> str:
    first = " ".join(p for p in (billing.number.strip(), billing.street.strip()) if p)
    details = ", ".join(
        f"{label} {value.strip()}"
        for label, value in (
            ("Bâtiment", billing.building),
            ("Etage", billing.floor),
            ("Porte", billing.door),
            ("Escalier", billing.staircase),
        )
        if value.strip()
    )
    town = " ".join(p for p in (billing.postcode.strip(), billing.city.strip()) if p)
    lines = (first, details, billing.complement.strip(), town, billing.country.strip())
    return "\n".join(line for line in lines if line)


def _billing_point(company: Company) -> BillingPoint | None:
    return company.billing_points.order_by(BillingPoint.id).first()


def _mandate_data(billing: BillingPoint | None, creditor: CreditorSettings) -> MandateData:
    return MandateData(
        rum=(billing.rum or "") if billing else "",
        creditor_name=creditor.name,
        creditor_ics=creditor.ics,
        creditor_address=creditor.address,
        debtor_name=billing.holder if billing else "",
        debtor_address=_debtor_address(billing) if billing else "",
        iban=billing.iban if billing else "",
        bic=billing.bic if billing else "",
        place=creditor.signature_place,
    )


def _missing(billing: BillingPoint | None, creditor: CreditorSettings) -> list[str]:
    """What a mandate lacks, with the labels of the forms where it is typed (RUM aside)."""
    missing = []
    if billing is None or not billing.holder.strip():
        missing.append("Titulaire du compte")
    if billing is None or not (billing.street.strip() and billing.postcode.strip()):
        missing.append("Adresse de facturation (Voie, Code Postal)")
    if billing is None or not billing.city.strip():
        missing.append("Commune de l'adresse")
    if billing is None or not billing.iban.strip():
        missing.append("Iban")
    if billing is None or not billing.bic.strip():
        missing.append("Code Bic")
    for attr, label in (
        ("name", "Nom du créancier"),
        ("ics", "ICS du créancier"),
        ("address", "Adresse du créancier"),
    ):
        if not getattr(creditor, attr).strip():
            missing.append(f"{label} (Paramètres créancier SEPA)")
    return missing


def _refuse_if_missing(billing: BillingPoint | None, creditor: CreditorSettings) -> None:
    missing = _missing(billing, creditor)
    if missing:
        why = f"{_NO_BILLING} ; " if billing is None else ""
        raise DomainError(
            f"Le mandat ne peut pas être généré : {why}il manque " + ", ".join(missing) + "."
        )


def mandate_data(scope: Scope, company_id: int) -> MandateData:
    """What the mandate of this company would show (RUM empty if none is stored yet)."""
    company = scope.company(company_id)
    return _mandate_data(_billing_point(company), get_creditor_settings())


def generate_mandate(scope: Scope, company_id: int) -> Document:
    """Render the company's SEPA mandate and store it with its billing point (one transaction).

    A billing point without a RUM (e.g. Virement) gets one here; a stored RUM is never
    recomputed. Rendering is deterministic, so generating again with unchanged data returns
    the mandate already stored instead of piling up identical copies.
    """
    with atomic():
        company = scope.company(company_id)
        billing = _billing_point(company)
        creditor = get_creditor_settings()
        _refuse_if_missing(billing, creditor)
        if not billing.rum:
            assign_rum(billing.id, None, needed=True)
            billing = BillingPoint.get_by_id(billing.id)
        pdf = render_mandate_pdf(_mandate_data(billing, creditor))
        digest = hashlib.sha256(pdf).hexdigest()
        same = (
            Document.select(Document.id)
            .where(
                (Document.billing_point == billing.id)
                & (Document.kind == Document.KIND_MANDATE_GENERATED)
                & (Document.sha256 == digest)
            )
            .first()
        )
        if same is not None:
            return _document_without_content(same.id)
        document = Document.create(
            company=company.id,
            billing_point=billing.id,
            kind=Document.KIND_MANDATE_GENERATED,
            filename=f"mandat-{_file_safe(billing.rum)}.pdf",
            size=len(pdf),
            sha256=digest,
            content=pdf,
            created_by=scope.user_id,
        )
        audit.record(
            scope,
            "mandate_generated",
            "document",
            document.id,
            company=company.id,
            rum=billing.rum,
            sha256=digest,
        )
        return _document_without_content(document.id)


# -- attachments -------------------------------------------------------------------------------


def _inbox_root(inbox: str | Path) -> Path:
    try:
        root = Path(inbox).expanduser().resolve(strict=True)
    except OSError:
        raise DomainError(f"Le dossier de dépôt « {inbox} » n'existe pas.") from None
    if not root.is_dir():
        raise DomainError(f"Le dossier de dépôt « {inbox} » n'est pas un dossier.")
    return root


def read_attachment(path: str | Path, inbox: str | Path) -> tuple[str, bytes]:
    """(file name, content) of a PDF picked in the inbox, or DomainError saying why not.

    The path is resolved first (links included) and must stay inside the inbox; the file is
    then opened without following a link, checked as a regular file on the open descriptor,
    and read once, at most 20 Mo + 1 byte, so what is checked is exactly what is stored.
    """
    root = _inbox_root(inbox)
    given = Path(path).expanduser()
    if not given.is_absolute():
        given = root / given
    name = given.name
    try:
        real = given.resolve(strict=True)
    except FileNotFoundError:
        raise DomainError(f"Le fichier « {name} » est introuvable.") from None
    except OSError as exc:
        raise DomainError(f"Le fichier « {name} » n'a pas pu être lu ({exc.strerror}).") from None
    if not real.is_relative_to(root):
        raise DomainError(f"« {name} » mène hors du dossier de dépôt ({root}) : fichier refusé.")
    if real.is_dir():
        raise DomainError(f"« {name} » est un dossier : choisissez un fichier PDF.")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(real, flags)
    except PermissionError:
        raise DomainError(
            f"Le fichier « {name} » n'est pas lisible (droits insuffisants)."
        ) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DomainError(f"« {name} » a changé pendant la lecture : réessayez.") from None
        raise DomainError(f"Le fichier « {name} » n'a pas pu être lu ({exc.strerror}).") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise DomainError(f"« {name} » n'est pas un fichier ordinaire : fichier refusé.")
        if info.st_size > MAX_ATTACHMENT_BYTES:
            raise DomainError(_too_big(name, info.st_size))
        chunks, total = [], 0
        while total <= MAX_ATTACHMENT_BYTES:
            chunk = os.read(fd, min(1 << 20, MAX_ATTACHMENT_BYTES + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise DomainError(f"Le fichier « {name} » n'a pas pu être lu ({exc.strerror}).") from None
    finally:
        os.close(fd)
    content = b"".join(chunks)
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise DomainError(_too_big(name, len(content)))
    if not content.startswith(PDF_MAGIC):
        raise DomainError(
            f"« {name} » n'est pas un PDF (son contenu ne commence pas par %PDF-) : fichier refusé."
        )
    return name, content


def _too_big(name: str, size: int) -> str:
    return f"« {name} » fait {format_size(size)} : 20 Mo au plus."


def attach_file(
    scope: Scope, company_id: int, kind: str, path: str | Path, inbox: str | Path
) -> Document:
    """Store a PDF from the inbox as the company's signed mandate or RIB (all or nothing)."""
    if kind not in ATTACHABLE_KINDS:
        raise DomainError(f"Type de document inconnu : {kind}.")
    scope.company(company_id)  # a file is never even read for a company the user cannot see
    name, content = read_attachment(path, inbox)
    digest = hashlib.sha256(content).hexdigest()
    with atomic():
        company = scope.company(company_id)
        billing = _billing_point(company)
        document = Document.create(
            company=company.id,
            billing_point=billing.id if billing else None,
            kind=kind,
            filename=name[:255],
            size=len(content),
            sha256=digest,
            content=content,
            created_by=scope.user_id,
        )
        audit.record(
            scope,
            "document_attached",
            "document",
            document.id,
            company=company.id,
            kind=kind,
            filename=name,
            size=len(content),
            sha256=digest,
        )
        return _document_without_content(document.id)


# -- listing, reading, writing out -------------------------------------------------------------

_LIST_COLUMNS = (
    Document.id,
    Document.company,
    Document.billing_point,
    Document.kind,
    Document.filename,
    Document.size,
    Document.sha256,
    Document.created_at,
    Document.created_by,
)


def _document_without_content(doc_id: int) -> Document:
    return Document.select(*_LIST_COLUMNS).where(Document.id == doc_id).get()


@dataclass(frozen=True)
class DocumentFilters:
    company: str = ""  # IDENTIFIANT or part of the RAISON SOCIALE
    kind: str = ""  # a kind code, or part of its French label ("rib", "signé", ...)
    company_id: int | None = None  # exactly this company (the DOCUMENTS card)


@dataclass(frozen=True)
class DocumentRow:
    id: int
    company_id: int
    company_name: str
    kind: str
    filename: str
    size: int
    created_at: dt.datetime | None
    created_by: str

    @property
    def kind_label(self) -> str:
        return Document.LABELS.get(self.kind, self.kind)

    @property
    def size_label(self) -> str:
        return format_size(self.size)

    @property
    def date_label(self) -> str:
        return self.created_at.strftime("%d/%m/%Y %H:%M") if self.created_at else ""


def _kinds_matching(text: str) -> list[str]:
    wanted = fold(text.strip())
    return [
        kind
        for kind, label in Document.LABELS.items()
        if wanted in fold(label) or wanted in fold(kind)
    ]


def _document_query(scope: Scope, filters: DocumentFilters, *columns):
    query = (
        Document.select(*columns)
        .join(Company, on=(Document.company == Company.id))
        .switch(Document)
        .join(User, JOIN.LEFT_OUTER, on=(Document.created_by == User.id))
    )
    query = query.where(scope.owner_condition(Company))
    if filters.company_id is not None:
        query = query.where(Document.company == filters.company_id)
    company = filters.company.strip()
    if company:
        by_name = Company.search_name.contains(fold(company))
        query = query.where(
            (Company.id == int(company)) | by_name if company.isdigit() else by_name
        )
    if filters.kind.strip():
        query = query.where(Document.kind.in_(_kinds_matching(filters.kind)))
    return query


def list_documents(
    scope: Scope, filters: DocumentFilters, offset: int = 0, limit: int = 50
) -> list[DocumentRow]:
    """One page of the documents this user may see, newest first (contents are not loaded)."""
    query = (
        _document_query(
            scope,
            filters,
            Document.id,
            Document.company.alias("company_id"),
            Company.name.alias("company_name"),
            Document.kind,
            Document.filename,
            Document.size,
            Document.created_at,
            User.login.alias("login"),
        )
        .order_by(Document.created_at.desc(), Document.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [
        DocumentRow(
            row["id"],
            row["company_id"],
            row["company_name"],
            row["kind"],
            row["filename"],
            row["size"],
            row["created_at"],
            row["login"] or "",
        )
        for row in query.dicts()
    ]


def count_documents(scope: Scope, filters: DocumentFilters) -> int:
    return _document_query(scope, filters, Document.id).count()


def latest_attachments(scope: Scope, company_id: int) -> dict[str, DocumentRow]:
    """The newest signed mandate and RIB of a visible company, by kind (absent kinds left out)."""
    scope.company(company_id)
    latest: dict[str, DocumentRow] = {}
    for kind in ATTACHABLE_KINDS:
        rows = list_documents(scope, DocumentFilters(company_id=company_id, kind=kind), 0, 1)
        if rows:
            latest[kind] = rows[0]
    return latest


def get_document_content(scope: Scope, doc_id: int) -> tuple[str, bytes]:
    """(file name, bytes) of a visible document; NotFound whether absent or not ours."""
    row = (
        _document_query(scope, DocumentFilters(), Document.filename, Document.content)
        .where(Document.id == doc_id)
        .first()
    )
    if row is None:
        raise NotFound(f"Document {doc_id} introuvable.")
    return row.filename, bytes(row.content)


class OutputExists(DomainError):
    """Writing out would replace an existing file: the caller asks before passing overwrite."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"Le fichier « {path} » existe déjà.")


def check_output_path(out_path: str | Path, overwrite: bool = False) -> Path:
    """The path a document would be written to, or DomainError saying why it cannot be."""
    out = Path(str(out_path).strip()).expanduser()
    if not str(out_path).strip() or out.name in ("", ".", ".."):
        raise DomainError("Indiquez le chemin du fichier à écrire.")
    if out.is_dir():
        raise DomainError(f"« {out} » est un dossier : indiquez un nom de fichier.")
    folder = out.parent
    if not folder.is_dir():
        raise DomainError(f"Le dossier « {folder} » n'existe pas.")
    if out.exists() and not overwrite:
        raise OutputExists(out)
    return out


def write_document(
    scope: Scope, doc_id: int, out_path: str | Path, overwrite: bool = False
) -> Path:
    """Write a visible document's bytes to `out_path`; never leaves a half-written file."""
    out = check_output_path(out_path, overwrite)
    folder = out.parent
    filename, content = get_document_content(scope, doc_id)
    try:
        handle, tmp = tempfile.mkstemp(prefix=".myopenip-", suffix=".part", dir=folder)
    except PermissionError:
        raise DomainError(f"Impossible d'écrire dans « {folder} » (droits insuffisants).") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(tmp, 0o644 & ~_umask())
        if overwrite:
            os.replace(tmp, out)
        else:
            # A hard link never replaces an existing name: no race with a file created meanwhile.
            try:
                os.link(tmp, out)
            except FileExistsError:
                raise OutputExists(out) from None
            finally:
                os.unlink(tmp)
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise DomainError(f"Le fichier « {out} » n'a pas pu être écrit ({exc.strerror}).") from None
    audit.record(scope, "document_written", "document", doc_id, filename=filename, path=str(out))
    return out


def _umask() -> int:
    """The process umask, read without setting it: os.umask() would briefly set it for every
    thread (the UI runs writes in worker threads), so /proc is read where it exists."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def _file_safe(text: str) -> str:
    """A RUM may hold / ? : ( ) , ' + : not wanted in a file name (a "/" would even be a folder)."""
    return re.sub(r"[^A-Za-z0-9.-]+", "_", text).strip("._") or "mandat"


def format_size(size: int) -> str:
    """`842 octets`, `12,4 Ko`, `1,8 Mo` (French decimal comma)."""
    if size < 1024:
        return f"{size} octets"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} Ko".replace(".", ",")
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")
