"""Where the app's log goes: a file for the administrator, never the user's screen, IBANs masked.

Over SSH the terminal *is* the user's screen: a log line or a traceback written to stderr would
land in the middle of the interface, in front of whoever is logged in. So the log goes to a file
(settings.log_file, MYOPENIP_LOG_FILE), through db.core.audit's RedactingFilter, and if that file
cannot be opened the log is dropped rather than printed.

One file per person (the SSH wrapper sets MYOPENIP_LOG_FILE per login; locally the user's
default), created 0600 in a folder made 0700, opened without following a symbolic link, so no
other account reads it, and nobody can have it written through a link to another file.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
import traceback
from pathlib import Path

from db.core.audit import RedactingFilter, redact

FORMAT = "%(asctime)s %(levelname)s [%(process)d %(user)s] %(name)s: %(message)s"


class _UnixUser(logging.Filter):
    """Many users share one server (and maybe one log file): say whose session wrote the line."""

    def __init__(self) -> None:
        super().__init__()
        import getpass

        try:
            self.user = getpass.getuser()
        except Exception:  # noqa: BLE001 - no name is no reason to lose the log
            self.user = "?"

    def filter(self, record: logging.LogRecord) -> bool:
        record.user = self.user
        return True


FILE_MODE = 0o600
FOLDER_MODE = 0o700


def open_private_log(path: Path) -> int:
    """A descriptor appending to `path`: made 0600 (folder 0700), never through a symlink.

    OSError if the file is a link, not a regular file, or another account's: the log is then
    not written at all rather than written where someone else chose.
    """
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=FOLDER_MODE)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(path, flags | os.O_NONBLOCK, FILE_MODE)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
            raise OSError(f"{path}: pas un fichier ordinaire de ce compte")
        if stat.S_IMODE(info.st_mode) != FILE_MODE:
            os.fchmod(fd, FILE_MODE)  # a file left 0660 by an older version
        folder_info = os.stat(folder)
        if folder_info.st_uid == os.geteuid() and stat.S_IMODE(folder_info.st_mode) & 0o077:
            os.chmod(folder, FOLDER_MODE)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


class PrivateFileHandler(logging.FileHandler):
    """logging.FileHandler writing through open_private_log (0600, no symlink followed)."""

    def _open(self):
        fd = open_private_log(Path(self.baseFilename))
        return os.fdopen(fd, "a", encoding=self.encoding or "utf-8", errors=self.errors)


_INSTALLED: list[logging.Handler] = []  # ours, replaced when configure_logging runs again


def configure_logging(log_file: str, level: int = logging.INFO) -> logging.Handler:
    """Send every logger's records to `log_file` (masked); returns the handler installed."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler in _INSTALLED or (
            isinstance(handler, logging.StreamHandler)
            and not isinstance(handler, logging.FileHandler)
        ):
            root.removeHandler(handler)  # a stream handler writes on the user's terminal
            if handler in _INSTALLED:
                _INSTALLED.remove(handler)
                handler.close()
    try:
        handler: logging.Handler = PrivateFileHandler(Path(log_file).expanduser(), encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(_UnixUser())
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    _INSTALLED.append(handler)
    root.setLevel(level)
    # A failing handler (disk full, file removed) must not print its own traceback on stderr.
    logging.raiseExceptions = False
    logging.lastResort = None
    return handler


def crash_summary(error: BaseException | None) -> str:
    """One French sentence for the user after a crash: the kind of error, never its values."""
    kind = type(error).__name__ if error is not None else "erreur"
    return (
        f"MyOpenIP s'est arrêté sur une erreur inattendue ({kind}). "
        "Rien de ce qui n'était pas enregistré n'a été écrit. "
        "Le détail est dans le journal de l'administrateur."
    )


def log_crash(error: BaseException | None) -> None:
    """The whole traceback, without local variables, IBANs masked, in the log."""
    if error is None:
        error = sys.exc_info()[1]
    if error is None:
        logging.getLogger("myopenip").critical("Arrêt sur erreur inattendue")
        return
    text = "".join(traceback.format_exception(error))
    logging.getLogger("myopenip").critical("Arrêt sur erreur inattendue\n%s", redact(text))
