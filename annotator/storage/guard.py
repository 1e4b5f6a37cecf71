"""One user action as a write transaction whose SQLite failures become messages.

Whatever the failure (a full disk, a file made read-only, another program holding the
lock, a damaged file), the action is rolled back whole and the user reads one line
saying what happened and that what was saved before is safe.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from annotator.domain.errors import OffsetError, ProjectError
from annotator.storage.connection import write_transaction

__all__ = ["guarded_transaction", "storage_error"]


@contextlib.contextmanager
def guarded_transaction(db: Database, path: Path | None) -> Iterator[Database]:
    """A write transaction whose SQLite failures become messages for the user.

    Whatever the failure, the action is rolled back whole: what was saved before stays.
    """
    if path is not None and not db.conn.in_transaction and not _still_writable(path):
        # The file was made read-only (or its disk remounted read-only) since it was
        # opened. SQLite would go on appending to the -wal beside it; stop instead, so
        # a copy of the file alone still holds everything.
        raise ProjectError(
            f"{path}: the project file cannot be written any more (it is read-only now); "
            "this change was not saved, everything before it is safe in the file"
        )
    try:
        with write_transaction(db):
            yield db
    except sqlite3.IntegrityError as exc:
        raise OffsetError(f"the change breaks a rule of the project ({exc})") from exc
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from exc


def _still_writable(path: Path) -> bool:
    try:
        return os.access(path, os.W_OK)
    except OSError:  # pragma: no cover - access() reports, it does not raise
        return False


# Primary SQLite result codes (the low byte of an extended code).
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR = 5, 6, 8, 10
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 11, 13, 14, 26


def storage_error(exc: sqlite3.Error, path: Path | None) -> ProjectError:
    """The message a user sees when SQLite could not save an action (rolled back)."""
    text = str(exc)
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary == _SQLITE_FULL or (primary is None and "full" in text):
        return ProjectError(
            f"{path}: the disk is full; nothing was changed (free some space and try again)"
        )
    if primary == _SQLITE_READONLY or (primary is None and "readonly" in text):
        return ProjectError(
            f"{path}: the project file cannot be written ({text}); this change was not "
            "saved, everything before it is safe in the file"
        )
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED) or (
        primary is None and ("locked" in text or "busy" in text)
    ):
        return ProjectError(f"{path}: another program kept the project busy; try again ({text})")
    if text.startswith("unsafe use of"):  # trusted_schema=OFF refused the file's own SQL
        return ProjectError(
            f"{path}: the project file holds a trigger or view that calls a function "
            f"this program does not run from a file ({text}); nothing was changed"
        )
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return ProjectError(
            f"{path}: the project file is damaged ({text}); the change was not saved. "
            "Keep a copy of the file before doing anything else with it"
        )
    if primary in (_SQLITE_IOERR, _SQLITE_CANTOPEN):
        return ProjectError(
            f"{path}: the project file could not be written ({text}; is the disk full, "
            "read-only or disconnected?); the change may not have been saved"
        )
    return ProjectError(f"{path}: the change could not be saved ({text})")
