"""Each person's own folders (dépôt / envoi): files opened by name only, never by path."""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.core.facade import lazy_names

if TYPE_CHECKING:
    from db.files.folders import (
        INBOX,
        OUTBOX,
        FileEntry,
        Folder,
        FolderFile,
        check_name,
        copy_in,
        format_size,
        inbox,
        list_files,
        open_file,
        outbox,
    )
    from db.files.writes import OutputExists, check_output_path

# What the rest of the app may use, and the module each name comes from.
_WHERE = {
    "FileEntry": "folders",
    "Folder": "folders",
    "FolderFile": "folders",
    "INBOX": "folders",
    "OUTBOX": "folders",
    "OutputExists": "writes",
    "check_name": "folders",
    "check_output_path": "writes",
    "copy_in": "folders",
    "format_size": "folders",
    "inbox": "folders",
    "list_files": "folders",
    "open_file": "folders",
    "outbox": "folders",
}
__all__ = [
    "FileEntry",
    "Folder",
    "FolderFile",
    "INBOX",
    "OUTBOX",
    "OutputExists",
    "check_name",
    "check_output_path",
    "copy_in",
    "format_size",
    "inbox",
    "list_files",
    "open_file",
    "outbox",
]
__getattr__ = lazy_names(__name__, _WHERE)
