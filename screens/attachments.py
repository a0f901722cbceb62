"""The Mandat Sépa and RIB rows of the billing forms (wizard step 2, Création du compte client)."""

from __future__ import annotations

from textual import on
from textual.containers import Horizontal
from textual.message_pump import MessagePump
from textual.widget import Widget
from textual.widgets import Button, Label, Static

from db.core.errors import DomainError
from db.core.models import Document
from db.documents.attachments import (
    ATTACHABLE_KINDS,
    ATTACHMENT_LABELS,
    attach_file,
    latest_attachments,
)
from tui.toolkit.dialogs.file_picker import FilePickerScreen
from tui.toolkit.dialogs.save_as import person_inbox
from tui.toolkit.widgets.card import plain


def attachment_row(kind: str, *extra: Widget) -> Horizontal:
    """ "Mandat Sépa (PDF, 20Mo max)" or "RIB (PDF, 20Mo max)": the latest file, Joindre…, `extra`."""
    return Horizontal(
        Label(ATTACHMENT_LABELS[kind], classes="caption"),
        Static("…", id=f"doc-{kind}", classes="doc-file"),
        Button("Joindre…", id=f"attach-{kind}", compact=True, classes="link"),
        *extra,
        id=f"row-{kind}",
        classes="doc-row",
    )


# A MessagePump (the base of every screen) so that Textual registers this mixin's @on handlers.
class AttachmentsMixin(MessagePump):
    """Joindre… (or the `attach('mandat_signe')` / `attach('rib')` actions) picks a PDF of the inbox
    and files it for the company `_attachments_company()` names; None while there is none.
    For a screen with DbWorkerMixin and a banner (tui.toolkit.form_screen.BannerMixin)."""

    def _attachments_company(self) -> int | None:
        raise NotImplementedError

    def _load_attachments(self) -> None:
        company_id = self._attachments_company()
        if company_id is not None:
            self.run_db(
                latest_attachments,
                self.app.scope,
                company_id,
                done=self._show_attachments,
                group="attachments",
            )

    def _show_attachments(self, latest: dict) -> None:
        for kind in ATTACHABLE_KINDS:
            found = self.query(f"#doc-{kind}")
            if not found:
                return  # the rows are gone meanwhile (the wizard moved to another step)
            row = latest.get(kind)
            found.first().update(
                f"{plain(row.filename)} [dim]({row.size_label}, {row.date_label})[/dim]"
                if row
                else "[dim]aucun fichier[/dim]"
            )

    @on(Button.Pressed, "#attach-mandat_signe, #attach-rib")
    def _attach_pressed(self, event: Button.Pressed) -> None:
        self.action_attach(event.button.id.removeprefix("attach-"))

    def action_attach(self, kind: str) -> None:
        company_id = self._attachments_company()
        if company_id is None:
            return
        inbox = person_inbox(self.app)

        def picked(name: str | None) -> None:
            if name is None:
                return
            self._banner("Enregistrement du fichier…")
            self.run_db(
                attach_file,
                self.app.scope,
                company_id,
                kind,
                name,
                inbox,
                done=self._attached,
                failed=self._document_refused,
                group="document",
            )

        self.app.push_screen(
            FilePickerScreen(inbox, title=ATTACHMENT_LABELS[kind], hint="PDF, 20 Mo au plus"),
            picked,
        )

    def _attached(self, document) -> None:
        self._banner("")
        self.notify(
            f"{Document.LABELS[document.kind]} joint : {plain(document.filename)}", timeout=5
        )
        self._load_attachments()

    def _document_refused(self, exc: DomainError) -> None:
        self._banner(exc.message, error=True)
