"""`myopenip ssh-session [LOGIN [KEYID]]`: what one SSH connection of a person may do.

Run by deploy/myopenip-ssh as the service account, for the person sshd authenticated:
the login comes from the key's line (`command="myopenip-ssh LOGIN SHA256:…"`), or, when
sshd's ForceCommand runs the wrapper without arguments, from the key sshd reports
(ExposeAuthInfo: $SSH_USER_AUTH) looked up in authorized_keys, or, on a site with one Unix
account per person running the wrapper through sudo, from $SUDO_USER. What the client asked
($SSH_ORIGINAL_COMMAND) is then one of:

    (nothing)              the app, on a terminal (`ssh -t`), Connexion showing that login
    put [-f] NOM           stdin into the person's inbox (20 Mo au plus; -f replaces)
    get NOM                a file of the person's outbox to stdout
    ls                     the files of both folders
    export LISTE           a list as CSV to stdout, in the person's scope
    import-prospects       a prospects CSV on stdin, the report on stdout

Anything else (a shell, scp, sftp, `put ../x`) gets one French line on stderr and exit code 2.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import sys
from dataclasses import dataclass, replace

from db.core.errors import DomainError
from tui.cli import command, open_store

USAGE = (
    "Commandes possibles : put [-f] NOM, get NOM, ls, export LISTE, import-prospects "
    "(ou rien, avec ssh -t : l'application)."
)
REFUSED = 2
GET_CAP = 512 * 1024 * 1024  # what the app writes to an outbox: exports of large lists too


class Refused(Exception):
    """One French line for stderr, exit code 2."""


@dataclass(frozen=True)
class Identity:
    login: str
    source: str  # "key:SHA256:…" or "unix:alice": the login throttling's source

    @property
    def fingerprint(self) -> str:
        return self.source.removeprefix("key:") if self.source.startswith("key:") else ""


def _shown(text: str) -> str:
    """A word of what the client sent, safe to print back: printable, short."""
    clean = "".join(c for c in text if c.isprintable())
    return clean[:40] + ("…" if len(clean) > 40 else "")


def identify(login: str | None, keyid: str | None, settings, environ) -> Identity:
    from tui.key_commands import SAFE_WORD, login_of_key

    if login:
        if not SAFE_WORD.fullmatch(login):
            raise Refused("Login de la clé invalide : prévenez l'administrateur.")
        return Identity(login, f"key:{keyid}" if keyid else f"key:{login}")
    auth_file = environ.get("SSH_USER_AUTH")
    if auth_file:
        try:
            with open(auth_file, encoding="utf-8") as handle:
                methods = handle.read(64 * 1024).splitlines()
        except OSError:
            methods = []
        for method in reversed(methods):
            words = method.split()
            if len(words) >= 3 and words[0] == "publickey":
                found = login_of_key(settings, words[1], words[2])
                if found:
                    return Identity(found[0], f"key:{found[1]}")
        raise Refused("Cette clé SSH n'est enregistrée pour personne : prévenez l'administrateur.")
    sudo_user = environ.get("SUDO_USER")
    if sudo_user and SAFE_WORD.fullmatch(sudo_user):
        return Identity(sudo_user, f"unix:{sudo_user}")
    raise Refused("Connexion refusée : personne n'est identifié pour cette session SSH.")


def _user_scope(login: str):
    from db.core.models import User
    from db.core.scope import Scope

    user = User.get_or_none(User.login == login)
    if user is None or user.disabled:
        raise Refused(f"Le compte « {login} » est inconnu ou désactivé.")
    return Scope.for_user(user)


def _folder(settings, identity: Identity, kind: str):
    from db.files.folders import Folder

    return Folder(settings.files_dir, identity.login, kind)


def _put(settings, identity, words, stdin, out) -> int:
    from db.files.folders import INBOX, copy_in

    overwrite = words[:1] == ["-f"]
    names = words[1:] if overwrite else words
    if len(names) != 1:
        raise Refused("Usage : put [-f] NOM < fichier (un nom de fichier, sans chemin).")
    _user_scope(identity.login)
    folder = _folder(settings, identity, INBOX)
    size = copy_in(folder, names[0], stdin, overwrite=overwrite)
    print(f"« {names[0].strip()} » déposé {folder.where(names[0])} ({size} octets).", file=out)
    return 0


def _get(settings, identity, words, stdout) -> int:
    from db.files.folders import OUTBOX, open_file

    if len(words) != 1:
        raise Refused("Usage : get NOM > fichier (un nom de fichier de votre dossier d'envoi).")
    _user_scope(identity.login)
    with open_file(_folder(settings, identity, OUTBOX), words[0], GET_CAP) as stream:
        while chunk := stream.read(1 << 16):
            stdout.write(chunk)
    stdout.flush()
    return 0


def _ls(settings, identity, words, out) -> int:
    from db.files.folders import INBOX, OUTBOX, list_files

    if words:
        raise Refused("Usage : ls (sans argument).")
    _user_scope(identity.login)
    for kind in (INBOX, OUTBOX):
        folder = _folder(settings, identity, kind)
        entries = list_files(folder)
        print(f"{folder.label} ({len(entries)} fichier(s)) :", file=out)
        for entry in entries:
            when = dt.datetime.fromtimestamp(entry.modified).strftime("%d/%m/%Y %H:%M")
            print(f"  {entry.name}\t{entry.size} octets\t{when}", file=out)
    return 0


class _Stdout:
    """An export's target that is the SSH channel instead of a file of the outbox (the same
    `write(fill, …)` and `name` as db.files.folders.FolderFile, which the export functions use)."""

    def __init__(self, stream):
        self.stream = stream
        self.name = "sortie standard"
        self.folder = type("Stdout", (), {"kind": "stdout"})()

    def write(self, fill, *, overwrite=False, text=False, encoding=None):
        import io

        wrapper = io.TextIOWrapper(self.stream, encoding=encoding, newline="", write_through=True)
        try:
            return fill(wrapper if text else self.stream)
        finally:
            wrapper.flush()
            wrapper.detach()


def _exports() -> dict:
    from db.companies.lists import CompanyFilters, ContactFilters
    from db.companies.prospects import ProspectFilters
    from db.core.models import CompanyKind
    from db.documents.storage import DocumentFilters
    from db.exchange.exports import (
        export_companies,
        export_contacts,
        export_documents,
        export_prospects,
        export_quotes,
    )
    from db.quotes.catalogue import OfferFilters, export_offers
    from db.quotes.lists import QuoteFilters

    def companies(kind):
        return lambda scope, target: export_companies(scope, kind, CompanyFilters(), target)

    return {
        "prospects": lambda scope, target: export_prospects(scope, ProspectFilters(), target),
        "clients": companies(CompanyKind.CLIENT),
        "operateurs": companies(CompanyKind.OPERATOR),
        "ambassadeurs": companies(CompanyKind.RESELLER),
        "entreprises-autres": companies(CompanyKind.OTHER),
        "contacts": lambda scope, target: export_contacts(scope, ContactFilters(), target),
        "devis": lambda scope, target: export_quotes(scope, QuoteFilters(), target),
        "formulaires": lambda scope, target: export_documents(scope, DocumentFilters(), target),
        "catalogue": lambda scope, target: export_offers(scope, OfferFilters(), target),
    }


def _export(settings, identity, words, stdout, out) -> int:
    exports = _exports()
    if len(words) != 1 or words[0] not in exports:
        raise Refused("Usage : export LISTE, LISTE parmi : " + ", ".join(exports) + ".")
    scope = _user_scope(identity.login)
    count = exports[words[0]](scope, _Stdout(stdout))
    stdout.flush()
    print(f"{count} ligne(s) exportée(s).", file=out)
    return 0


def _import(settings, identity, words, stdin, stdout, out) -> int:
    from db.exchange.prospect_import import import_prospects

    reseller = None
    if words[:1] == ["--reseller"] and len(words) == 2 and words[1].isdigit():
        reseller = int(words[1])
    elif words:
        raise Refused("Usage : import-prospects [--reseller IDENTIFIANT] < prospects.csv")
    scope = _user_scope(identity.login)
    report = import_prospects(scope, stdin, "entrée standard", reseller)
    print(f"Import pour {report.owner}", file=stdout)
    for line, status, name, detail in report.entries():
        print(
            f"  ligne {line} : {status} — {name or '(sans raison sociale)'}"
            + (f" — {detail}" if detail else ""),
            file=stdout,
        )
    print(report.summary, file=stdout)
    return 0 if report.ok else 1


def run_command(original: str, identity: Identity, settings, stdin, stdout, err) -> int:
    """One file command of the session (not the app); Refused or DomainError told on `err`."""
    try:
        words = shlex.split(original)
    except ValueError:
        raise Refused("Commande illisible. " + USAGE) from None
    verb, rest = words[0], words[1:]
    text_out = _Text(stdout)
    if verb == "put":
        return _put(settings, identity, rest, stdin, err)
    if verb == "get":
        return _get(settings, identity, rest, stdout)
    if verb == "ls":
        return _ls(settings, identity, rest, text_out)
    if verb == "export":
        return _export(settings, identity, rest, stdout, err)
    if verb == "import-prospects":
        return _import(settings, identity, rest, stdin, text_out, err)
    raise Refused(f"Commande refusée : « {_shown(verb)} ». {USAGE}")


class _Text:
    """print(…, file=) onto a binary stream, in UTF-8."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> None:
        self.stream.write(text.encode("utf-8"))

    def flush(self) -> None:
        self.stream.flush()


def _args(parser) -> None:
    parser.add_argument("login", nargs="?", metavar="LOGIN", help="login de la clé")
    parser.add_argument("keyid", nargs="?", metavar="EMPREINTE", help="SHA256:… de la clé")


@command(
    "ssh-session",
    "session SSH d'une personne (lancée par myopenip-ssh : application ou put/get/ls/export/"
    "import-prospects)",
    _args,
)
def ssh_session(args, settings) -> int:
    environ = os.environ
    original = environ.get("SSH_ORIGINAL_COMMAND", "").strip()
    err = sys.stderr
    try:
        identity = identify(args.login, args.keyid, settings, environ)
        if settings.log_dir:
            settings = replace(
                settings, log_file=os.path.join(settings.log_dir, f"{identity.login}.log")
            )
        from tui.logs import configure_logging

        configure_logging(settings.log_file)
        if not original:
            return _app(identity, settings)
        open_store(settings)
        return run_command(original, identity, settings, sys.stdin.buffer, sys.stdout.buffer, err)
    except (Refused, DomainError) as exc:
        message = exc.message if isinstance(exc, DomainError) else str(exc)
        print(message, file=err)
        return REFUSED


def _app(identity: Identity, settings) -> int:
    from tui.cli import run_app

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise Refused(
            "MyOpenIP a besoin d'un terminal : connectez-vous avec « ssh -t », ou donnez une "
            "commande (" + USAGE.split(" : ", 1)[1].rstrip(".") + ")."
        )
    open_store(settings)
    from db.core.models import User

    user = User.get_or_none(User.login == identity.login)
    portal = user.portal if user is not None else ""
    settings = replace(
        settings, ssh_login=identity.login, ssh_key=identity.source, ssh_portal=portal
    )
    return run_app(settings)
