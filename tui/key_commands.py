"""`myopenip add-key / remove-key / list-keys`: the SSH keys of the service account, one per line
of its authorized_keys, each tied to an app login by the command it runs.

A line written here reads
`command="/usr/local/bin/myopenip-ssh LOGIN SHA256:…",restrict,pty ssh-ed25519 AAAA… comment`:
sshd runs the wrapper for that login whatever the client asks, `restrict` turns off every
forwarding, agent, X11 and ~/.ssh/rc, and `pty` gives back the terminal the app needs. The file
is locked (fcntl, on a `.lock` file beside it) while read and rewritten, and replaced atomically
(temporary file, 0600, renamed over it); lines this command did not write are kept as they are.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import hashlib
import os
import re
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

from db.core.errors import DomainError
from tui.cli import command, open_store

KEY_TYPES = (
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
)
MAX_KEY_FILE = 16 * 1024
# What may stand in the command sshd hands to the shell: no quote, blank or shell character.
SAFE_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")
SAFE_PATH = re.compile(r"/[A-Za-z0-9._/+-]{1,200}")


@dataclass(frozen=True)
class PublicKey:
    kind: str
    blob: str  # the base64 text
    comment: str = ""

    @property
    def fingerprint(self) -> str:
        """'SHA256:…' as `ssh-keygen -lf` prints it."""
        digest = hashlib.sha256(base64.b64decode(self.blob)).digest()
        return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


@dataclass(frozen=True)
class KeyLine:
    text: str  # the line as it is in the file
    key: PublicKey | None  # None: a line that is no key (blank, comment, unreadable)
    login: str | None  # the app login, on lines this command wrote
    fingerprint_in_command: str | None


def _split_options(line: str) -> tuple[str, str]:
    """('command="x y",restrict', 'ssh-ed25519 AAAA c') — options end at the first unquoted blank."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char in " \t" and not quoted:
            return line[:index], line[index:].strip()
    return line, ""


def parse_key(text: str) -> PublicKey:
    """A public key `TYPE BASE64 [comment]`; DomainError saying what is wrong with it."""
    fields = text.split(None, 2)
    if len(fields) < 2 or fields[0] not in KEY_TYPES:
        raise DomainError(
            "Ce n'est pas une clé publique SSH (attendu : « ssh-ed25519 AAAA… commentaire », "
            "le contenu d'un fichier .pub)."
        )
    kind, blob = fields[0], fields[1]
    try:
        raw = base64.b64decode(blob, validate=True)
        (length,) = struct.unpack(">I", raw[:4])
        inner = raw[4 : 4 + length].decode("ascii")
    except (binascii.Error, struct.error, UnicodeDecodeError, ValueError):
        raise DomainError("La clé publique est illisible (base64 abîmé).") from None
    if inner != kind:
        raise DomainError(f"La clé se dit {kind} mais contient une clé {inner[:40]}.")
    if len(raw) < 4 + length + 16:
        raise DomainError("La clé publique est tronquée.")
    comment = "".join(c for c in (fields[2] if len(fields) > 2 else "") if c.isprintable())
    return PublicKey(kind, blob, comment.strip()[:200])


def parse_line(line: str, wrapper: str) -> KeyLine:
    text = line.rstrip("\n")
    stripped = text.strip()
    if not stripped or stripped.startswith("#"):
        return KeyLine(text, None, None, None)
    options, rest = ("", stripped) if stripped.split()[0] in KEY_TYPES else _split_options(stripped)
    try:
        key = parse_key(rest)
    except DomainError:
        return KeyLine(text, None, None, None)
    login = fingerprint = None
    found = re.match(r'command="([^"]*)"', options)
    if found:
        words = found.group(1).split()
        if len(words) >= 2 and words[0] == wrapper:
            login = words[1]
            fingerprint = words[2] if len(words) > 2 else None
    return KeyLine(text, key, login, fingerprint)


def key_line(wrapper: str, login: str, key: PublicKey) -> str:
    comment = f" {key.comment}" if key.comment else ""
    return (
        f'command="{wrapper} {login} {key.fingerprint}",restrict,pty {key.kind} {key.blob}{comment}'
    )


def read_key_file(path: str) -> PublicKey:
    """The one key of a .pub file (or `-`: stdin); a line with options in front is refused."""
    try:
        if path == "-":
            data = sys.stdin.read(MAX_KEY_FILE + 1)
        else:
            with open(path, encoding="utf-8", errors="replace") as handle:
                data = handle.read(MAX_KEY_FILE + 1)
    except OSError as exc:
        raise DomainError(f"Le fichier « {path} » ne peut pas être lu ({exc.strerror}).") from None
    if len(data) > MAX_KEY_FILE:
        raise DomainError("Ce fichier est trop grand pour une clé publique.")
    lines = [line.strip() for line in data.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("#")]
    if len(lines) != 1:
        raise DomainError("Le fichier doit contenir exactement une clé publique (une ligne).")
    if lines[0].split()[0] not in KEY_TYPES and any(t in KEY_TYPES for t in lines[0].split()):
        raise DomainError(
            "La clé donnée porte des options (command=, from=, …) : refusée. Donnez la clé "
            "seule, telle que ssh-keygen l'écrit dans le fichier .pub."
        )
    return parse_key(lines[0])


@contextlib.contextmanager
def locked(path: Path):
    """The authorized_keys file held for this process alone (a `.lock` beside it)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []


def write_lines(path: Path, lines: list[str]) -> None:
    """Replace the file with `lines`, complete or not at all, 0600."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(fd, 0o600)
            handle.write("".join(f"{line}\n" for line in lines))
            handle.flush()
            os.fsync(fd)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _wrapper(settings) -> str:
    wrapper = settings.ssh_wrapper
    if not SAFE_PATH.fullmatch(wrapper):
        raise DomainError(f"Chemin du programme SSH invalide : {wrapper!r}.")
    return wrapper


def _existing_login(login: str) -> str:
    from db.core.models import User

    if not SAFE_WORD.fullmatch(login or ""):
        raise DomainError(
            f"Le login « {login} » ne peut pas servir pour une clé SSH (lettres, chiffres et "
            ". _ - + @ seulement, 64 caractères au plus)."
        )
    if not User.select().where(User.login == login).exists():
        raise DomainError(f"Utilisateur « {login} » inconnu : créez-le d'abord (create-user).")
    return login


def add_key(settings, login: str, key: PublicKey) -> str:
    wrapper = _wrapper(settings)
    path = Path(settings.authorized_keys).expanduser()
    with locked(path):
        lines = read_lines(path)
        for line in lines:
            parsed = parse_line(line, wrapper)
            if parsed.key is not None and parsed.key.blob == key.blob:
                owner = (
                    f"pour « {parsed.login} »" if parsed.login else "(ligne d'une autre origine)"
                )
                raise DomainError(
                    f"Cette clé ({key.fingerprint}) est déjà enregistrée {owner} : une clé ne sert "
                    "qu'à une personne."
                )
        write_lines(path, [*lines, key_line(wrapper, login, key)])
    return key.fingerprint


def remove_keys(settings, login: str, fingerprint: str | None) -> list[str]:
    wrapper = _wrapper(settings)
    path = Path(settings.authorized_keys).expanduser()
    with locked(path):
        lines = read_lines(path)
        kept, removed = [], []
        for line in lines:
            parsed = parse_line(line, wrapper)
            if (
                parsed.login == login
                and parsed.key is not None
                and (fingerprint is None or parsed.key.fingerprint == fingerprint)
            ):
                removed.append(parsed.key.fingerprint)
            else:
                kept.append(line)
        if not removed:
            which = f"la clé {fingerprint}" if fingerprint else "aucune clé"
            raise DomainError(f"« {login} » n'a pas {which} enregistrée.")
        write_lines(path, kept)
    return removed


def list_keys(settings, login: str | None = None) -> list[KeyLine]:
    wrapper = _wrapper(settings)
    path = Path(settings.authorized_keys).expanduser()
    with locked(path):
        parsed = [parse_line(line, wrapper) for line in read_lines(path)]
    return [p for p in parsed if p.key is not None and (login is None or p.login == login)]


def login_of_key(settings, kind: str, blob: str) -> tuple[str, str] | None:
    """(login, fingerprint) of the line holding this key, for the wrapper run by ForceCommand."""
    for line in list_keys(settings):
        if line.login and line.key.kind == kind and line.key.blob == blob:
            return line.login, line.key.fingerprint
    return None


def _add_args(parser) -> None:
    parser.add_argument("login", metavar="LOGIN", help="login de l'application (create-user)")
    parser.add_argument(
        "file", metavar="FICHIER.pub", help="clé publique (« - » : entrée standard)"
    )


@command("add-key", "enregistre la clé SSH publique d'une personne (authorized_keys)", _add_args)
def add_key_command(args, settings) -> int:
    open_store(settings)
    login = _existing_login(args.login)
    key = read_key_file(args.file)
    fingerprint = add_key(settings, login, key)
    print(f"Clé {key.kind} {fingerprint} enregistrée pour « {login} ».")
    return 0


def _remove_args(parser) -> None:
    parser.add_argument("login", metavar="LOGIN")
    parser.add_argument(
        "fingerprint", nargs="?", metavar="EMPREINTE", help="SHA256:… (sans elle : toutes)"
    )


@command("remove-key", "retire une clé SSH (ou toutes celles) d'une personne", _remove_args)
def remove_key_command(args, settings) -> int:
    removed = remove_keys(settings, args.login, args.fingerprint)
    for fingerprint in removed:
        print(f"Clé {fingerprint} retirée pour « {args.login} ».")
    return 0


def _list_args(parser) -> None:
    parser.add_argument("login", nargs="?", metavar="LOGIN")


@command("list-keys", "liste les clés SSH enregistrées (d'une personne, ou de toutes)", _list_args)
def list_keys_command(args, settings) -> int:
    lines = list_keys(settings, args.login)
    for line in lines:
        owner = line.login or "(hors MyOpenIP)"
        comment = f"  {line.key.comment}" if line.key.comment else ""
        print(f"{owner}\t{line.key.kind}\t{line.key.fingerprint}{comment}")
    if not lines:
        print("Aucune clé enregistrée.", file=sys.stderr)
    return 0
