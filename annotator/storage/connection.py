"""Opening a project file: recognise it, refuse what is not ours, migrate with a backup.

Nothing here writes to a file until it is known to be an annotator project this
program can read (or a new, empty file); a refused file is left byte-for-byte as it was.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import secrets
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from sqlite_utils import Database

from annotator.domain.attribution import normalise_name
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
    _sweep_leftovers(path)
    if not path.exists():
        if not create:
            raise ProjectError(f"{path}: no such project file")
        if not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        _check_writable(path)
        _create(path)
    if path.is_dir():
        raise ProjectError(f"{path}: is a folder, not a project file")
    version = inspect_project(path)
    _check_writable(path)
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


def connect_checked(path: Path) -> Database:
    """Connect to a project that is open, checked and up to date elsewhere."""
    if inspect_version(path) != schema_version():
        raise ProjectError(f"{path}: changed while it was open")
    return _connect(path)


def inspect_version(path: Path) -> int:
    """The schema version of a project file (no check of the rest of it)."""
    with contextlib.closing(_connect_readonly(path)) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


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
                _refuse_triggers(conn, path)
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


def _refuse_triggers(conn: sqlite3.Connection, path: Path) -> None:
    """Annotator makes no triggers. One in a project (from another program, or someone
    who meant harm) would run its SQL on every change, out of sight: ``trusted_schema``
    stops it calling functions, not deleting or rewriting rows. Refuse the file."""
    names = [
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    ]
    if names:
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        raise ProjectError(
            f"{path}: the project file holds triggers that annotator did not make ({shown}); "
            "they would run on every change, so the file is not opened. If you know what "
            f'they are for, remove them (sqlite3 FILE "DROP TRIGGER {names[0]}") and open it '
            "again"
        )


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
    # How entity names are compared (find_entity), usable in queries on this connection.
    conn.create_function("annotator_name_key", 1, normalise_name, deterministic=True)
    mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if mode != "wal":
        db.close()
        raise ProjectError(f"{path}: cannot switch the project to WAL journaling ({mode})")
    # WAL with synchronous=FULL: a commit is on disk before the call returns.
    db.execute("PRAGMA synchronous=FULL")
    return db


def _create(path: Path) -> None:
    """Make a new, empty project at ``path`` in one step.

    The project is built beside ``path`` under a temporary name and moved into place
    only once it is complete, so a crash (or a full disk) while creating never leaves a
    half-made file under the project's name, which the next start would refuse.
    """
    temporary = _temporary_name(path)
    try:
        db = _connect(temporary)
        try:
            _migrate(db)
        finally:
            db.close()  # the last connection checkpoints and removes the -wal
        _fsync(temporary)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another program created it meanwhile: open that one
        except OSError:  # no hard links here (FAT, some network shares)
            if not path.exists():
                os.replace(temporary, path)
        _fsync(path.parent)
    except sqlite3.Error as exc:
        raise ProjectError(f"{path}: cannot be created as a project ({exc})") from exc
    except ProjectError as exc:  # it names the temporary file; say which one was meant
        reason = str(exc).split(": ", 1)[-1]
        raise ProjectError(f"{path}: {reason}") from exc
    except OSError as exc:
        raise ProjectError(f"{path}: cannot be created ({exc.strerror})") from exc
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                os.unlink(f"{temporary}{suffix}")


def _temporary_name(path: Path) -> Path:
    """Where :func:`_create` builds the project before moving it into place."""
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.new")


def _sweep_leftovers(path: Path) -> None:
    """Remove what a creation of ``path`` killed half-way left beside it (the hidden
    temporary file of :func:`_temporary_name` and its journal), once the process that
    made it is gone and the file is over a minute old (a creation takes milliseconds;
    the age also covers a process this machine cannot see, on a shared folder)."""
    if os.name == "nt":
        return  # os.kill(pid, 0) would end the process there, not probe it
    pattern = re.compile(
        rf"\.{re.escape(path.name)}\.(\d+)-[0-9a-f]{{8}}\.new(?:-journal|-wal|-shm)?"
    )
    try:
        entries = list(os.scandir(path.parent if str(path.parent) else "."))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        found = pattern.fullmatch(entry.name)
        if found is None:
            continue
        pid = int(found.group(1))
        with contextlib.suppress(OSError):
            if pid != os.getpid() and not _alive(pid) and now - entry.stat().st_mtime > 60:
                os.unlink(entry.path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process (EPERM): alive
        return True
    return True


def _fsync(path: Path) -> None:
    """Flush a file, or a folder's entries, to disk (best effort: not every OS allows it)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _migrate(db: Database) -> None:
    if _up_to_date(db):
        return  # the usual case: opening writes nothing, and waits for no other writer
    with write_transaction(db):
        # Checked again under the write lock: another program may have just done it.
        if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            db.execute(f"PRAGMA application_id={APPLICATION_ID}")
        MIGRATIONS.apply(db)
        db.execute(f"PRAGMA user_version={schema_version()}")


def _up_to_date(db: Database) -> bool:
    return (
        db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        and db.execute("PRAGMA user_version").fetchone()[0] == schema_version()
        and not MIGRATIONS.pending(db)
    )


# How deep the current write_transaction() nests, per Database (it has no __slots__).
_DEPTH = "_annotator_write_depth"


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """One user action: ``BEGIN IMMEDIATE`` so the write lock is taken up front.

    A deferred ``BEGIN`` (what ``db.atomic()`` issues) that reads and then writes can
    fail at once with SQLITE_BUSY when another process committed in between, without
    waiting for the busy timeout; taking the lock first makes a second writer wait (up
    to ``BUSY_TIMEOUT_MS``). Nested calls become savepoints through ``db.atomic()``.

    The outermost call commits; when it returns, the action is on disk
    (``synchronous=FULL``). A transaction left open by someone else (a ROLLBACK that
    failed after a disk error, a stray ``BEGIN``) is ended first, never joined: joined,
    every later action would become a savepoint of a transaction that never commits.
    """
    depth: int = getattr(db, _DEPTH, 0)
    if depth:
        if not db.conn.in_transaction:
            # SQLite already rolled the action back (after a disk error, say) and the
            # caller went on inside it: refuse rather than start a stray transaction.
            raise sqlite3.OperationalError("the transaction was rolled back by an error")
        setattr(db, _DEPTH, depth + 1)
        try:
            with db.atomic():
                yield db
        finally:
            setattr(db, _DEPTH, depth)
        return
    if db.conn.in_transaction:
        db.conn.execute("ROLLBACK")
    _begin_immediate(db)
    setattr(db, _DEPTH, 1)
    try:
        yield db
    except BaseException:
        _rollback(db)
        raise
    else:
        try:
            db.conn.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise
    finally:
        setattr(db, _DEPTH, 0)


def _begin_immediate(db: Database) -> None:
    """``BEGIN IMMEDIATE``, waiting up to ``BUSY_TIMEOUT_MS`` for another writer.

    SQLite's own busy handler sleeps longer and longer between tries (up to 100 ms), so
    a writer that commits back to back (an import, another window) can keep this one
    waiting for a second or more, and past the timeout under a long import. Trying
    again every 0.2-1 ms (randomised) gets in at the first gap between its transactions.
    (Two processes committing back to back on a 2-core machine: slowest wait ~0.5-1 s
    with SQLite's handler, ~25-120 ms this way.) A wait past the timeout raises
    SQLITE_BUSY, which the store reports as "busy; try again" with nothing changed.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    conn = db.conn
    conn.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() >= deadline:
                    raise
            time.sleep(random.uniform(0.0002, 0.001))
    finally:
        # Other statements (reads while a WAL is recovered, say) keep SQLite's handler.
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY: another connection holds the lock (not SQLITE_LOCKED, which waiting
    on this connection would never clear)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF == 5
    return "database is locked" in str(exc)


def _rollback(db: Database) -> None:
    """Roll back if SQLite has not already; never hide the error that led here."""
    if db.conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            db.conn.execute("ROLLBACK")


# Tables whose rows undo/redo deletes and re-inserts under their old ids.
ID_TABLES = ("spans", "links", "entities", "labels")


def claim_ids(db: Database, table: str, wanted: Sequence[int | None]) -> list[int]:
    """Ids for rows about to be inserted into ``table``: new ones never used before.

    Call inside the action's transaction. An ``int`` in ``wanted`` (redo putting a row
    back) is kept; each ``None`` gets an id above every id the table has ever held.
    SQLite alone would hand out ``max(id) + 1`` again after the newest row is deleted,
    so a second window (or the command line) could take the id of a span this window
    deleted, and this window's undo could then never put it back. The high-water mark
    lives in ``meta`` (``AUTOINCREMENT`` would need every table rebuilt).
    """
    if table not in ID_TABLES:
        raise ValueError(f"ids of {table!r} are not tracked")
    key = f"id_high_water.{table}"
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    newest = db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
    last = max(int(row[0]) if row else 0, int(newest))
    ids: list[int] = []
    for id_ in wanted:
        if id_ is None:
            last += 1
            ids.append(last)
        else:
            ids.append(id_)
            last = max(last, id_)
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, str(last)],
    )
    return ids
