"""Running db/ calls off the UI thread and handing results (or French errors) back to the screen."""

from __future__ import annotations

import logging
from collections.abc import Callable

from textual.dom import NoScreen
from textual.worker import active_worker, get_current_worker

from db.core import DomainError
from tui.toolkit.host import WidgetMixin, host

log = logging.getLogger("myopenip")


def still_shown(node) -> bool:
    """`node` is mounted and its screen is still on the app's stack: not popped or being removed.

    A screen popped with Escape keeps its widgets for a moment while Textual removes them; a
    result arriving then (a load, a save) must not touch them: they may already be gone.
    """
    if not node.is_attached:
        return False
    try:
        return node.screen in node.app.screen_stack
    except NoScreen:
        return False


class DbWorkerMixin(WidgetMixin):
    """For screens and widgets: `self.run_db(fn, *args, done=...)` runs `fn` in a thread worker.

    An exclusive group cancels the older query when a newer one starts (filter-as-you-type);
    a cancelled worker's result is dropped. DomainError goes to `failed` (or a notification);
    anything else is logged without its arguments (they may hold an IBAN) and shown generically.
    """

    def run_db(
        self,
        fn: Callable,
        *args,
        done: Callable | None = None,
        failed: Callable[[DomainError], None] | None = None,
        group: str = "db",
        exclusive: bool = True,
        **kwargs,
    ):
        app = self.app

        def job():
            try:
                return work()
            finally:
                # Textual marks the pool thread's own context with the worker it runs, and a
                # pool thread lives on: its last worker, and through it this widget and its
                # whole screen, were kept after the screen was closed (one screen per thread,
                # ~20,000 objects each, walked by every full garbage collection).
                active_worker.set(None)  # type: ignore[arg-type]

        def work():
            from db.core import database_proxy  # noqa: PLC0415 - not before Connexion is painted

            worker = get_current_worker()

            def deliver(callback: Callable, value) -> None:
                # Runs in the UI thread: the screen may have closed since the thread checked
                # (its workers are then cancelled) and its widgets be gone or going.
                # call_later runs it from this widget's own queue: an async callback is awaited,
                # and a dialog that closes itself there is not closing from inside a worker.
                if not worker.is_cancelled and still_shown(self):
                    self.call_later(callback, value)

            try:
                # The store opens once Connexion is painted (tui/app.py): a login typed
                # before waits for it here, and gets its French sentence if it failed.
                wait_for_store = getattr(app, "wait_for_store", None)
                if wait_for_store is not None:
                    wait_for_store()
                with database_proxy.connection_context():
                    # A disabled account's session ends at its next action, before it acts.
                    ended = getattr(app, "account_disabled", None)
                    message = ended() if ended is not None else None
                    if message:
                        app.call_from_thread(host(app).end_session, message)
                        return None
                    result = fn(*args, **kwargs)
            except DomainError as exc:
                if not worker.is_cancelled:
                    app.call_from_thread(deliver, failed or self._notify_domain_error, exc)
                return None
            except Exception as exc:  # noqa: BLE001 - shown to the user, logged for the admin
                log.exception("Erreur inattendue dans %s", getattr(fn, "__name__", fn))
                if not worker.is_cancelled:
                    app.call_from_thread(
                        app.notify,
                        f"Erreur inattendue : {type(exc).__name__}. L'opération n'a pas été enregistrée.",
                        severity="error",
                        timeout=8,
                    )
                return None
            if done is not None and not worker.is_cancelled:
                app.call_from_thread(deliver, done, result)
            return result

        return self.run_worker(
            job, thread=True, group=group, exclusive=exclusive, exit_on_error=False
        )

    def _notify_domain_error(self, exc: DomainError) -> None:
        self.app.notify(exc.message, severity="error", timeout=8)
