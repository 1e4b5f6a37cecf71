"""Opening a project file: recognise it, refuse what is not ours, migrate with a backup.

Nothing here writes to a file until it is known to be an annotator project this
program can read (or a new, empty file); a refused file is left byte-for-byte as it was.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from annotator.domain.errors import ProjectError
from annotator.storage.schema import APPLICATION_ID, MIGRATIONS, migration_names, schema_version

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


def open_database(path: Path | str, *, create: bool = True) -> Database:
    """Open (or create) the project at ``path`` and bring its schema up to date.

    Raises :class:`ProjectError` with a message for the user when the file is not a
    SQLite database, not a project, damaged, from a newer version, or not writable.
    """
    path = Path(path)
    if path.exists():
        if path.is_dir():
            raise ProjectError(f"{path}: is a folder, not a project file")
        version = inspect_project(path)
        _check_writable(path)
    else:
        if not create:
            raise ProjectError(f"{path}: no such project file")
        if not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        _check_writable(path)
        version = 0
    try:
        db = _connect(path)
    except sqlite3.Error as exc:
        # e.g. a network share without the shared memory WAL needs
        raise ProjectError(f"{path}: cannot be opened as a project ({exc})") from exc
    try:
        if 0 < version < schema_version():
            db.close()
            backup_copy(path, version)
            db = _connect(path)
        _migrate(db)
    except sqlite3.Error as exc:
        db.close()
        raise ProjectError(f"{path}: cannot be opened as a project ({exc})") from exc
    return db


def inspect_project(path: Path) -> int:
    """Return the schema version of the project at ``path`` (0 for an empty SQLite file).

    Opens the file read-only; raises :class:`ProjectError` for anything it would refuse.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise ProjectError(f"{path}: cannot be read ({exc.strerror})") from exc
    if len(header) == 0:
        raise ProjectError(f"{path}: is an empty file, not a project")
    if not header.startswith(SQLITE_MAGIC):
        raise ProjectError(f"{path}: is not an annotator project (not a SQLite database)")
    try:
        with contextlib.closing(_connect_readonly(path)) as conn:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
            if app_id == APPLICATION_ID:
                check = conn.execute("PRAGMA quick_check").fetchone()[0]
                if check != "ok":
                    raise ProjectError(f"{path}: the project file is damaged ({check})")
                _check_known_migrations(conn, path)
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"{path}: is damaged or not a SQLite database ({exc})") from exc
    if app_id != APPLICATION_ID:
        if tables:
            raise ProjectError(
                f"{path}: is a SQLite database but not an annotator project; "
                "choose another file or a new name"
            )
        return 0
    if version > schema_version():
        raise ProjectError(
            f"{path}: was made by a newer version of annotator (schema {version}, "
            f"this program knows up to {schema_version()}); update annotator to open it"
        )
    return int(version)


def _check_known_migrations(conn: sqlite3.Connection, path: Path) -> None:
    try:
        rows = conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATIONS.name]
        ).fetchall()
    except sqlite3.OperationalError:
        return
    unknown = sorted({r[0] for r in rows} - set(migration_names()))
    if unknown:
        raise ProjectError(
            f"{path}: was made by a newer version of annotator (unknown migrations "
            f"{', '.join(unknown)}); update annotator to open it"
        )


def backup_copy(path: Path, version: int) -> Path:
    """Copy the project (and its WAL) aside before migrating it; return the copy's path."""
    target = path.with_name(f"{path.name}.schema{version}.bak")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.schema{version}.bak{n}")
    source = sqlite3.connect(_readonly_uri(path), uri=True)
    with contextlib.closing(source) as src, contextlib.closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return target


def _check_writable(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() and not os.access(path, os.W_OK):
        raise ProjectError(f"{path}: the project file is read-only; copy it somewhere writable")
    if not os.access(folder, os.W_OK):
        raise ProjectError(
            f"{path}: the folder {folder} is read-only (the project needs to write its "
            "journal beside the file); copy the project somewhere writable"
        )


def _readonly_uri(path: Path, *, immutable: bool = False) -> str:
    # as_uri() percent-encodes "?", "#" and "%", which would otherwise end the file
    # name in a SQLite URI (a project in a folder called "notes #1" must open).
    return path.absolute().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection that leaves nothing beside the file.

    A read-only connection to a WAL-mode file creates its ``-wal`` and ``-shm`` and
    cannot remove them on close. When the file has no ``-wal`` (no one has it open),
    there is nothing to read from one: open it ``immutable`` so nothing is created.
    """
    wal = path.with_name(path.name + "-wal")
    immutable = _header_says_wal(path) and not wal.exists()
    conn = sqlite3.connect(
        _readonly_uri(path, immutable=immutable), uri=True, timeout=BUSY_TIMEOUT_MS / 1000
    )
    conn.execute("PRAGMA trusted_schema=OFF")
    return conn


def _header_says_wal(path: Path) -> bool:
    """Bytes 18 and 19 of a SQLite header are 2 for a WAL-mode database."""
    with path.open("rb") as handle:
        header = handle.read(20)
    return len(header) == 20 and header[18:20] == b"\x02\x02"


def _connect(path: Path) -> Database:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    # No implicit transactions: every write runs inside write_transaction(), and a
    # stray statement outside one commits at once instead of hanging open.
    conn.isolation_level = None
    db = Database(conn, execute_plugins=False)
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA trusted_schema=OFF")
    db.execute("PRAGMA cell_size_check=ON")
    mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if mode != "wal":
        db.close()
        raise ProjectError(f"{path}: cannot switch the project to WAL journaling ({mode})")
    # WAL with synchronous=FULL: a commit is on disk before the call returns.
    db.execute("PRAGMA synchronous=FULL")
    return db


def _migrate(db: Database) -> None:
    fresh = db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID
    with write_transaction(db):
        if fresh:
            db.execute(f"PRAGMA application_id={APPLICATION_ID}")
    MIGRATIONS.apply(db)
    with write_transaction(db):
        db.execute(f"PRAGMA user_version={schema_version()}")


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """One user action: ``BEGIN IMMEDIATE`` so the write lock is taken up front.

    A deferred ``BEGIN`` (what ``db.atomic()`` issues) that reads and then writes can
    fail at once with SQLITE_BUSY when another process committed in between, without
    waiting for the busy timeout; taking the lock first makes a second writer wait.
    Nested calls become savepoints through ``db.atomic()``.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        try:
            db.conn.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
