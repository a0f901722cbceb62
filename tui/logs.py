"""Where the app's log goes: a file for the administrator, never the user's screen, IBANs masked.

Over SSH the terminal *is* the user's screen: a log line or a traceback written to stderr would
land in the middle of the interface, in front of whoever is logged in. So the log goes to a file
(settings.log_file, MYOPENIP_LOG_FILE), through db.audit's RedactingFilter, and if that file
cannot be opened the log is dropped rather than printed.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from db.audit import RedactingFilter, redact

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


def configure_logging(log_file: str, level: int = logging.INFO) -> logging.Handler:
    """Send every logger's records to `log_file` (masked); returns the handler installed."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.StreamHandler) and not isinstance(
            handler, logging.FileHandler
        ):
            root.removeHandler(handler)  # a stream handler writes on the user's terminal
    try:
        path = Path(log_file).expanduser()
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(_UnixUser())
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
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
