"""The project file: schema, the offset contract at the door, refusals that touch
nothing, migrations with a backup, read-only files. No Qt anywhere."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from annotator.domain.errors import AnnotatorError, OffsetError, ProjectError
from annotator.domain.model import Document, Label, Link, Span, sha256_text
from annotator.storage import Store, inspect_project, open_database, schema_version
from annotator.storage import connection as connection_module
from annotator.storage.schema import APPLICATION_ID, MIGRATIONS

TEXT = "Mr Ødegård said: “We will act.” 😀 Then שָׁלוֹם.\nCafe\u0301 closed."


def add_doc(store: Store, text: str = TEXT, title: str = "doc") -> int:
    sentences = [(0, text.index("\n")), (text.index("\n") + 1, len(text))] if "\n" in text else []
    with store.transaction():
        return store.add_document(Document(None, title, text, sha256=sha256_text(text)), sentences)


def span(doc_id: int, start: int, end: int, label: str = "speaker", text: str = TEXT) -> Span:
    return Span(None, doc_id, label, start, end, text[start:end])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


@pytest.fixture
def labelled(project_path: Path) -> Iterator[Store]:
    store = Store.open(project_path)
    store.add_label(Label("speaker", "#0072B2"))
    store.add_label(Label("commitment", "#D55E00"))
    yield store
    store.close()


# -- creating --------------------------------------------------------------------------


def test_new_project_is_a_wal_sqlite_file_with_our_id_and_version(project_path: Path) -> None:
    store = Store.open(project_path)
    try:
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        store.close()
    # A clean close leaves just the one file.
    assert siblings(project_path) == [project_path.name]
    with contextlib.closing(sqlite3.connect(project_path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert inspect_project(project_path) == schema_version()


def test_open_without_create_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such project"):
        Store.open(tmp_path / "missing.db", create=False)
    assert list(tmp_path.iterdir()) == []


def test_new_project_in_a_new_folder(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "p.db"
    Store.open(path).close()
    assert inspect_project(path) == schema_version()


# -- spans and the offset contract -----------------------------------------------------


def test_spans_come_back_in_document_order(labelled: Store) -> None:
    doc = add_doc(labelled)
    wanted = [(20, 30), (0, 2), (3, 11), (0, 11), (33, 34)]
    for start, end in wanted:
        labelled.insert_span(span(doc, start, end))
    got = [(s.start, s.end) for s in labelled.spans_for_document(doc)]
    assert got == sorted(wanted)
    for s in labelled.spans_for_document(doc):
        assert TEXT[s.start : s.end] == s.text


def test_span_over_emoji_and_combining_marks_round_trips(labelled: Store) -> None:
    doc = add_doc(labelled)
    emoji = TEXT.index("😀")
    accent = TEXT.index("Cafe\u0301")
    a = labelled.insert_span(span(doc, emoji, emoji + 1))
    b = labelled.insert_span(span(doc, accent, accent + 5))
    assert labelled.get_span(a.id or 0).text == "😀"
    assert labelled.get_span(b.id or 0).text == "Cafe\u0301"


@pytest.mark.parametrize(
    "bad",
    [
        Span(None, 0, "speaker", 0, 2, "Xr"),  # text does not match
        Span(None, 0, "speaker", 5, 2, ""),  # inverted
        Span(None, 0, "speaker", 3, 3, ""),  # empty
        Span(None, 0, "speaker", -1, 2, "?"),  # before the text
        Span(None, 0, "speaker", 0, len(TEXT) + 1, TEXT + "!"),  # past the end
    ],
)
def test_span_breaking_the_contract_is_refused_and_nothing_written(
    labelled: Store, project_path: Path, bad: Span
) -> None:
    doc = add_doc(labelled)
    labelled.insert_span(span(doc, 0, 2))
    before = sha(project_path)
    bad = Span(None, doc, bad.label, bad.start, bad.end, bad.text)
    with pytest.raises(OffsetError):
        labelled.insert_span(bad)
    with pytest.raises(OffsetError):
        labelled.insert_spans([span(doc, 3, 5), bad], text=TEXT)
    assert labelled.span_count() == 1
    # Seen from another connection too: nothing committed.
    with contextlib.closing(sqlite3.connect(project_path)) as conn:
        assert conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 1
    assert sha(project_path) == before


def test_span_for_unknown_label_or_document_is_refused(labelled: Store) -> None:
    doc = add_doc(labelled)
    with pytest.raises(AnnotatorError, match="no label 'nope'"):
        labelled.insert_span(span(doc, 0, 2, label="nope"))
    with pytest.raises(AnnotatorError, match="no document"):
        labelled.insert_span(span(doc + 99, 0, 2))
    assert labelled.span_count() == 0


def test_sqlite_check_rejects_a_raw_insert_whose_length_is_wrong(labelled: Store) -> None:
    doc = add_doc(labelled)
    # SQLite's length() counts code points like Python: the emoji span is accepted...
    emoji = TEXT.index("😀")
    labelled.insert_span(span(doc, emoji, emoji + 1))
    # ...and a row that lies about its length is refused by the file itself.
    with pytest.raises(OffsetError), labelled.transaction():
        labelled.db.execute(
            'INSERT INTO spans (document_id, label_id, start, "end", text, created_at, '
            "updated_at) VALUES (?, ?, 0, 5, 'Mr', '', '')",
            [doc, labelled.label_id("speaker")],
        )
    assert labelled.span_count() == 1


def test_deleting_a_span_removes_its_links(labelled: Store) -> None:
    doc = add_doc(labelled)
    speaker = labelled.insert_span(span(doc, 0, 11))
    commitment = labelled.insert_span(span(doc, 18, 30, label="commitment"))
    other = labelled.insert_span(span(doc, 3, 11))
    assert speaker.id and commitment.id and other.id
    labelled.insert_link(Link(None, commitment.id, speaker.id, "said_by"))
    kept = labelled.insert_link(Link(None, commitment.id, other.id, "binds"))
    labelled.delete_span(speaker.id)
    assert labelled.links_of_span(commitment.id) == [kept]
    with pytest.raises(AnnotatorError, match="no span"):
        labelled.delete_span(speaker.id)


def test_readable_views_through_plain_sqlite(labelled: Store, project_path: Path) -> None:
    doc = add_doc(labelled, title="Readout")
    emoji = TEXT.index("😀")
    a = labelled.insert_span(span(doc, 0, 11))
    b = labelled.insert_span(span(doc, emoji, emoji + 1, label="commitment"))
    assert a.id and b.id
    labelled.insert_link(Link(None, b.id, a.id, "said_by"))
    labelled.close()

    with contextlib.closing(sqlite3.connect(project_path)) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute("SELECT * FROM spans_view ORDER BY start").fetchall()
        assert {
            "span_id",
            "document_id",
            "document_title",
            "label",
            "start",
            "end",
            "text",
            "sentence_index",
            "sentence_text",
            "attributes",
            "note",
            "origin",
            "annotator",
            "created_at",
            "updated_at",
        } <= set(rows[0].keys())
        labelled_texts = [(r["label"], r["text"]) for r in rows]
        assert labelled_texts == [("speaker", "Mr Ødegård "), ("commitment", "😀")]
        first_sentence = TEXT[: TEXT.index("\n")]
        # SQLite's substr() counts characters, so the sentence text matches Python's.
        assert rows[1]["sentence_text"] == first_sentence
        assert rows[1]["document_title"] == "Readout"

        docs = conn.execute("SELECT * FROM documents_view").fetchall()
        assert {"document_id", "title", "status", "length", "spans"} <= set(docs[0].keys())
        assert (docs[0]["title"], docs[0]["length"], docs[0]["spans"]) == ("Readout", len(TEXT), 2)

        links = conn.execute("SELECT * FROM links_view").fetchall()
        assert {
            "link_id",
            "type",
            "source_text",
            "source_label",
            "target_text",
            "target_label",
        } <= set(links[0].keys())
        assert (links[0]["type"], links[0]["source_text"], links[0]["target_label"]) == (
            "said_by",
            "😀",
            "speaker",
        )


def test_reopening_keeps_everything(project_path: Path) -> None:
    store = Store.open(project_path)
    store.add_label(Label("speaker", "#0072B2", shortcut="1"))
    doc = add_doc(store)
    saved = store.insert_span(span(doc, 0, 11))
    store.close()

    again = Store.open(project_path)
    try:
        assert again.tagset().names() == ["speaker"]
        assert again.get_document(doc).text == TEXT
        assert again.spans_for_document(doc) == [saved]
    finally:
        again.close()


# -- refusing files that are not ours --------------------------------------------------


def _real_project(path: Path, rows: int = 0) -> None:
    store = Store.open(path)
    store.add_label(Label("speaker", "#0072B2"))
    for i in range(rows):
        add_doc(store, text=f"Document {i}. " + "x" * 2000, title=str(i))
    store.close()


def _text_file(path: Path) -> None:
    path.write_text("just some notes\n", encoding="utf-8")


def _png(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _random(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


def _truncated(path: Path) -> None:
    _real_project(path, rows=60)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _foreign_sqlite(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE foo (x)")
        conn.execute("INSERT INTO foo VALUES (1)")
        conn.commit()


def _foreign_wal_sqlite(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE foo (x)")
        conn.commit()


def _too_new(path: Path) -> None:
    _real_project(path)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA user_version=99")


def _plain_sql_trigger(path: Path) -> None:
    # No function call for trusted_schema=OFF to stop: plain SQL that empties the notes
    # of every span as soon as anything is tagged.
    _real_project(path)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute(
            "CREATE TRIGGER quietly_wipe AFTER INSERT ON spans "
            "BEGIN UPDATE spans SET note = ''; END"
        )
        conn.commit()


def _unknown_migration(path: Path) -> None:
    _real_project(path)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES (?, '9999_future', '')",
            [MIGRATIONS.name],
        )
        conn.commit()


REFUSALS: dict[str, tuple[Callable[[Path], None], str]] = {
    "text file": (_text_file, "not a SQLite database"),
    "png": (_png, "not a SQLite database"),
    "empty file": (_empty, "empty file"),
    "random bytes": (_random, "not a SQLite database"),
    "truncated project": (_truncated, "damaged"),
    "foreign sqlite": (_foreign_sqlite, "not an annotator project"),
    "foreign wal sqlite": (_foreign_wal_sqlite, "not an annotator project"),
    "newer schema": (_too_new, "newer version"),
    "unknown migration": (_unknown_migration, "newer version"),
    "plain-SQL trigger": (_plain_sql_trigger, "did not make (quietly_wipe)"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
@pytest.mark.parametrize("opener", ["open_database", "inspect_project", "Store.open"])
def test_refused_file_is_left_byte_for_byte(tmp_path: Path, case: str, opener: str) -> None:
    make, words = REFUSALS[case]
    path = tmp_path / "victim.db"
    make(path)
    before, names = sha(path), siblings(path)
    call = {
        "open_database": open_database,
        "inspect_project": inspect_project,
        "Store.open": Store.open,
    }[opener]
    with pytest.raises(ProjectError) as info:
        call(path)
    message = str(info.value)
    assert words in message
    assert str(path) in message
    assert "\n" not in message and "Traceback" not in message
    assert sha(path) == before
    assert siblings(path) == names, "no -wal / -shm / journal left beside the file"


def test_a_folder_is_not_a_project(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="folder"):
        open_database(tmp_path)


def test_empty_sqlite_database_becomes_a_project(tmp_path: Path) -> None:
    path = tmp_path / "blank.db"
    sqlite3.connect(path).close()  # SQLite creates a 0-byte file: refused as empty...
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA user_version=0")
        conn.execute("VACUUM")  # ...but a real (header-only) empty database is accepted.
    if path.stat().st_size == 0:
        pytest.skip("this SQLite leaves an empty database at 0 bytes")
    Store.open(path).close()
    assert inspect_project(path) == schema_version()


# -- migrations ------------------------------------------------------------------------


def _extra_migration(monkeypatch: pytest.MonkeyPatch, body: Callable[[object], None]) -> None:
    """Pretend the program knows one more migration than the file has seen."""
    extra = MIGRATIONS._Migration("9000_test_extra", body)  # type: ignore[arg-type]
    monkeypatch.setattr(MIGRATIONS, "_migrations", [*MIGRATIONS._migrations, extra])


def test_migration_makes_a_backup_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.db"
    _real_project(path, rows=2)
    old_version = schema_version()
    old_sha = sha(path)

    def add_table(db: object) -> None:
        db.execute("CREATE TABLE added_later (x)")  # type: ignore[attr-defined]

    _extra_migration(monkeypatch, add_table)
    assert schema_version() == old_version + 1

    store = Store.open(path)
    try:
        assert store.document_count() == 2
        assert store.db["added_later"].exists()
    finally:
        store.close()
    backup = tmp_path / f"old.db.schema{old_version}.bak"
    assert backup.exists()
    assert sha(backup) == old_sha or inspect_project(backup) == old_version
    with contextlib.closing(sqlite3.connect(backup)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == old_version
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "added_later" not in tables
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == old_version + 1


def test_failed_migration_leaves_the_project_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    _real_project(path, rows=1)
    old_version = schema_version()

    def broken(db: object) -> None:
        db.execute("CREATE TABLE half_done (x)")  # type: ignore[attr-defined]
        db.execute("THIS IS NOT SQL")  # type: ignore[attr-defined]

    with monkeypatch.context() as m:
        _extra_migration(m, broken)
        with pytest.raises(ProjectError, match="cannot be opened"):
            Store.open(path)
    assert (tmp_path / f"old.db.schema{old_version}.bak").exists()
    # The program that knows only the old schema still opens it, unchanged.
    assert inspect_project(path) == old_version
    store = Store.open(path)
    try:
        assert store.document_count() == 1
        assert not store.db["half_done"].exists()
    finally:
        store.close()


def test_backup_copy_never_overwrites_an_earlier_backup(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    _real_project(path, rows=1)
    first = connection_module.backup_copy(path, 1)
    first_sha = sha(first)
    add = Store.open(path)
    add_doc(add, text="Another document.")
    add.close()
    second = connection_module.backup_copy(path, 1)
    assert first != second
    assert sha(first) == first_sha
    with contextlib.closing(sqlite3.connect(second)) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 2


# -- read-only files and folders -------------------------------------------------------


@contextlib.contextmanager
def read_only(target: Path) -> Iterator[None]:
    """Make ``target`` unwritable even for root (chattr +i), or chmod when not root."""
    if os.geteuid() != 0:
        mode = target.stat().st_mode
        target.chmod(0o555 if target.is_dir() else 0o444)
        try:
            yield
        finally:
            target.chmod(mode)
        return
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: cannot make a file read-only")
    done = subprocess.run(["chattr", "+i", str(target)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"chattr +i not supported here: {done.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(target)], check=True)


def test_read_only_project_file_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    _real_project(path, rows=1)
    before = sha(path)
    with read_only(path):
        assert not os.access(path, os.W_OK)
        with pytest.raises(ProjectError, match="read-only"):
            Store.open(path)
    assert sha(path) == before
    assert siblings(path) == ["p.db"]


def test_read_only_folder_is_refused_clearly(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "p.db"
    _real_project(path, rows=1)
    before = sha(path)
    with read_only(folder):
        with pytest.raises(ProjectError, match="folder .* is read-only"):
            Store.open(path)
        with pytest.raises(ProjectError, match="read-only"):
            Store.open(folder / "new.db")
    assert sha(path) == before
    assert siblings(path) == ["p.db"]


def test_read_only_check_uses_os_access(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The same refusal, independent of the file system's support for chattr/chmod.
    path = tmp_path / "p.db"
    _real_project(path)
    real_access = os.access
    monkeypatch.setattr(
        connection_module.os,
        "access",
        lambda p, mode: False if Path(p) == path and mode == os.W_OK else real_access(p, mode),
    )
    with pytest.raises(ProjectError, match="read-only; copy it somewhere writable"):
        Store.open(path)


@pytest.mark.parametrize("folder", ["notes #1", "what?", "100%25 done", "café 😀"])
def test_project_in_a_folder_with_uri_characters(tmp_path: Path, folder: str) -> None:
    # "#", "?" and "%" mean something in a SQLite URI; the file name must still be used whole.
    path = tmp_path / folder / "p.db"
    _real_project(path, rows=1)
    assert inspect_project(path) == schema_version()
    store = Store.open(path)
    try:
        assert store.document_count() == 1
    finally:
        store.close()
    assert connection_module.backup_copy(path, schema_version()).exists()
    # The checks read this file, not one named after the part before "#" or "?".
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA user_version=99")
    before = sha(path)
    with pytest.raises(ProjectError, match="newer version"):
        Store.open(path)
    assert sha(path) == before


def test_sqlite_failure_while_connecting_becomes_a_project_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # e.g. a network share where WAL's shared memory cannot be mapped
    def refuse(path: Path) -> object:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(connection_module, "_connect", refuse)
    with pytest.raises(ProjectError, match="disk I/O error") as info:
        Store.open(tmp_path / "p.db")
    assert "p.db" in str(info.value)


def _crashed_copy(path: Path, target: Path, statements: list[str]) -> None:
    """Commit ``statements`` into the WAL only, then copy the files as a crash leaves them."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_autocheckpoint=0")
        for statement in statements:
            conn.execute(statement)
        conn.commit()
        for suffix in ("", "-wal"):
            shutil.copyfile(f"{path}{suffix}", f"{target}{suffix}")
    finally:
        conn.close()


def test_work_committed_before_a_crash_is_there_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    _real_project(path, rows=1)
    crashed = tmp_path / "crashed.db"
    _crashed_copy(path, crashed, ["UPDATE documents SET title = 'saved in the WAL'"])
    assert Path(f"{crashed}-wal").stat().st_size > 0
    store = Store.open(crashed)
    try:
        assert [d.title for d in store.list_documents()] == ["saved in the WAL"]
    finally:
        store.close()


def test_newer_schema_recorded_only_in_the_wal_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    _real_project(path)
    crashed = tmp_path / "crashed.db"
    _crashed_copy(path, crashed, ["CREATE TABLE t (x)", "PRAGMA user_version=99"])
    before = sha(crashed)
    with pytest.raises(ProjectError, match="newer version"):
        Store.open(crashed)
    assert sha(crashed) == before


def test_leftovers_of_a_killed_creation_are_swept_only_when_their_process_is_gone(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.db"
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    dead = int(gone.stdout)
    stale = [
        tmp_path / f".p.db.{dead}-0badf00d.new",
        tmp_path / f".p.db.{dead}-0badf00d.new-journal",
    ]
    kept = [
        tmp_path / ".p.db.1-c0ffee00.new",  # pid 1 runs as long as the machine does
        tmp_path / f".p.db.2024-05.db.{dead}-abcd1234.new",  # project "p.db.2024-05.db"'s
        tmp_path / f".p.db.{dead}-notes.newer",  # not a name annotator makes
        tmp_path / ".p.db.backup.7-12345678.new",
    ]
    just_made = tmp_path / f".p.db.{dead}-feedf00d.new"  # dead, but seconds old: a
    # creation seen from another machine on a shared folder looks like that
    long_ago = time.time() - 3600
    for leftover in (*stale, *kept, just_made):
        leftover.write_bytes(b"half a project")
        if leftover is not just_made:
            os.utime(leftover, (long_ago, long_ago))
    Store.open(path).close()
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in kept)
    assert just_made.exists()
