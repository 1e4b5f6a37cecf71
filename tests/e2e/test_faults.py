"""When the file cannot be written: read-only, a journal that fails, a full disk; and
project files made by someone else whose schema carries SQL that must not run.

In every case the user gets a :class:`ProjectError` with a message to act on, the
action that failed leaves nothing behind (never half a span), what was saved before is
still there, and the program goes on once the cause is gone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from crash_worker import DOCUMENTS, State, read_project

from annotator.domain.errors import ProjectError
from annotator.services.commands import AddLink, AddSpan, DeleteSpans, History, UpdateSpan
from annotator.services.importing import import_texts
from annotator.services.project import open_project
from annotator.storage import Store


class Session:
    """A window's worth of services on one project, and its first document."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.store = open_project(path)
        report = import_texts(self.store, DOCUMENTS)
        assert report.ok
        self.doc = self.store.list_documents()[0].id
        self.text = self.store.get_document(self.doc).text
        self.history = History(self.store)

    def tag(self, word: str, label: str = "commitment", nth: int = 0) -> Any:
        start = -1
        for _ in range(nth + 1):
            start = self.text.index(word, start + 1)
        end = start + len(word)
        return self.history.do(AddSpan(self.doc, label, start, end, word)).added[0]

    def state(self) -> State:
        return read_project(self.path).state

    def close(self) -> None:
        self.store.close()


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    s = Session(tmp_path / "p.annotator.db")
    yield s
    s.close()


@contextlib.contextmanager
def unwritable(target: Path) -> Iterator[None]:
    """Make ``target`` unwritable even for root and even through open handles (chattr +i);
    as another user, chmod (which the program's own check sees)."""
    if os.geteuid() != 0:
        mode = target.stat().st_mode
        target.chmod(0o444)
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


def assert_intact(s: Session, expected: State) -> None:
    report = read_project(s.path)
    assert report.integrity == "ok"
    assert report.foreign_key_problems == [] and report.problems == []
    assert report.state == expected


# -- read-only -------------------------------------------------------------------------


def test_a_project_made_read_only_mid_session_refuses_the_next_edit(session: Session) -> None:
    first = session.tag("Minister")
    session.tag("Kim", label="speaker")
    saved = session.state()
    with unwritable(session.path):
        with pytest.raises(ProjectError, match="cannot be written") as info:
            session.tag("grain", label="entity")
        assert str(session.path) in str(info.value)
        assert "was not saved" in str(info.value)
        with pytest.raises(ProjectError, match="cannot be written"):
            session.history.undo()
    # Everything before is in the file, nothing of the refused edit; undo still works.
    assert_intact(session, saved)
    session.history.undo()
    session.tag("grain", label="entity")
    assert first.id in session.state().spans


def test_a_journal_that_fails_to_write_is_reported_and_nothing_is_half_done(
    session: Session,
) -> None:
    # Past the program's own check: SQLite's write to the -wal fails (EPERM, as on a
    # disk remounted read-only or a stick pulled out), the action rolls back.
    if os.geteuid() != 0:
        pytest.skip("only root can make a file unwritable through open handles (chattr +i)")
    session.tag("Minister")
    saved = session.state()
    wal = Path(f"{session.path}-wal")
    with unwritable(wal):
        with pytest.raises(ProjectError, match="could not be written") as info:
            session.tag("Kim", label="speaker")  # span + entity in one action
        assert "disk I/O error" in str(info.value)
        assert_intact(session, saved)
    session.tag("Kim", label="speaker")  # the disk is back: the program goes on
    after = session.state()
    assert len(after.spans) == len(saved.spans) + 1
    assert all(row[5] is not None for row in after.spans.values() if row[1] == "speaker")


# -- full disk -------------------------------------------------------------------------


def fill_until_full(s: Session) -> tuple[State, ProjectError]:
    """Tag until the disk is full; return the file as it was before the failed action."""
    words = ["Minister", "Kim", "grain", "June", "Seoul", "envoy", "Paulo", "owners"]
    for i in range(5_000):
        before = s.state()
        try:
            s.tag(words[i % len(words)], label=("speaker", "entity", "commitment")[i % 3])
        except ProjectError as exc:
            return before, exc
    raise AssertionError("the disk never filled up")


def test_a_full_project_is_reported_and_nothing_is_half_done(session: Session) -> None:
    # SQLite's max_page_count makes the file "full" the same way a full disk does
    # (SQLITE_FULL), on any file system.
    pages = session.store.db.execute("PRAGMA page_count").fetchone()[0]
    session.store.db.execute(f"PRAGMA max_page_count={pages + 2}")
    before, error = fill_until_full(session)
    assert str(error) == f"{session.path}: the disk is full; nothing was changed " + (
        "(free some space and try again)"
    )
    assert_intact(session, before)
    # A relabel that needs no new page still works; then space is freed and tagging
    # goes on.
    span_id = max(before.spans)
    session.history.do(UpdateSpan(span_id, {"label": "commitment"}))
    session.store.db.execute("PRAGMA max_page_count=1073741823")
    session.tag("Minister")
    assert len(session.state().spans) == len(before.spans) + 1


@pytest.mark.parametrize("action", ["tag a speaker", "delete linked spans"])
def test_a_disk_filling_up_half_way_through_an_action_leaves_none_of_it(
    session: Session, monkeypatch: pytest.MonkeyPatch, action: str
) -> None:
    # The disk fills at the action's *last* write (the mention's entity; the second of
    # two deletes, after the links went): everything it wrote before is rolled back.
    a = session.tag("Minister", label="speaker")
    b = session.tag("grain")
    assert a.id is not None and b.id is not None
    session.history.do(AddLink(b.id, a.id, "said_by"))
    saved = session.state()
    method = "set_span_entity" if action == "tag a speaker" else "delete_span"
    real = getattr(Store, method)
    calls = {"n": 0}

    def fails_second_time(store: Store, *args: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == (1 if method == "set_span_entity" else 2):
            raise sqlite3.OperationalError("database or disk is full")
        return real(store, *args)

    monkeypatch.setattr(Store, method, fails_second_time)
    with pytest.raises(ProjectError, match="the disk is full; nothing was changed"):
        if action == "tag a speaker":
            session.tag("Kim", label="speaker")
        else:
            session.history.do(DeleteSpans((b.id, a.id)))
    assert calls["n"] >= 1
    assert_intact(session, saved)
    monkeypatch.undo()
    session.tag("Kim", label="speaker")  # space again: the same action now works whole
    assert all(row[5] is not None for row in session.state().spans.values() if row[1] == "speaker")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB file system (tmpfs), or skip when this machine does not let us mount one."""
    mount = shutil.which("mount")
    if mount is None or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root and mount(8)")
    folder = tmp_path / "small-disk"
    folder.mkdir()
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill_disk(folder: Path) -> Path:
    filler = folder / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_is_reported_and_the_program_goes_on_when_space_is_freed(
    small_disk: Path,
) -> None:
    s = Session(small_disk / "p.annotator.db")
    try:
        s.tag("Minister")
        filler = fill_disk(small_disk)
        before, error = fill_until_full(s)
        assert "the disk is full; nothing was changed" in str(error)
        assert_intact(s, before)
        filler.unlink()
        s.tag("Kim", label="speaker")
        assert len(s.state().spans) == len(before.spans) + 1
    finally:
        s.close()


def test_a_new_project_on_a_full_disk_is_refused_and_leaves_nothing(small_disk: Path) -> None:
    fill_disk(small_disk)
    names = sorted(p.name for p in small_disk.iterdir())
    with pytest.raises(ProjectError, match="cannot be created") as info:
        Store.open(small_disk / "new.annotator.db")
    assert "new.annotator.db" in str(info.value)
    assert sorted(p.name for p in small_disk.iterdir()) == names


# -- a project file made by someone else ------------------------------------------------


HOSTILE_SCHEMA = """
CREATE VIEW evil_tokenizer AS SELECT fts3_tokenizer('simple') AS pointer;
CREATE VIEW evil_extension AS SELECT load_extension('/tmp/evil') AS loaded;
CREATE VIEW evil_call AS SELECT side_effect('read a view') AS x;
"""


def test_sql_in_a_project_someone_else_made_does_not_run(tmp_path: Path) -> None:
    path = tmp_path / "from-a-stranger.annotator.db"
    s = Session(path)
    s.tag("Minister")
    s.close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.executescript(HOSTILE_SCHEMA)
    calls: list[object] = []

    def side_effect(value: object) -> int:
        calls.append(value)
        return 1

    # The control: a connection that trusts the schema runs the function from a view.
    with contextlib.closing(sqlite3.connect(path)) as trusting:
        trusting.create_function("side_effect", 1, side_effect)
        assert trusting.execute("SELECT x FROM evil_call").fetchall() == [(1,)]
    assert calls == ["read a view"]
    calls.clear()

    # The program opens it (quick_check and all), and the file's SQL never runs: any
    # function that is not harmless -- here one the program (or a plugin) registered
    # with a side effect -- is refused inside views and triggers (trusted_schema=OFF).
    s = Session(path)
    try:
        s.store.db.conn.create_function("side_effect", 1, side_effect)
        for view in ("evil_tokenizer", "evil_extension", "evil_call"):
            with pytest.raises(sqlite3.OperationalError, match="unsafe use of"):
                s.store.db.execute(f"SELECT * FROM {view}").fetchall()
        assert calls == []
        s.tag("Kim", label="speaker")  # tagging works: no SQL of the file's runs
        assert calls == []
        # Reading the project is unaffected.
        assert sorted(sp.text for sp in s.store.spans_for_document(s.doc)) == ["Kim", "Minister"]
    finally:
        s.close()


def test_a_project_with_a_trigger_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    """Plain SQL in a trigger calls no function, so trusted_schema=OFF would let it run
    on every change (here: rewrite every tag's label). The file is refused instead."""
    path = tmp_path / "from-a-stranger.annotator.db"
    s = Session(path)
    s.tag("Minister")
    s.close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute(
            "CREATE TRIGGER relabel AFTER INSERT ON spans BEGIN "
            "UPDATE spans SET label_id = (SELECT min(id) FROM labels); END"
        )
        conn.commit()
    before = path.read_bytes()
    with pytest.raises(ProjectError, match=r"triggers that annotator did not make \(relabel\)"):
        Session(path)
    assert path.read_bytes() == before


def test_a_transaction_left_open_is_ended_not_joined(session: Session) -> None:
    # A ROLLBACK that failed after a disk error (or a stray BEGIN) leaves a transaction
    # open. Joined, every later action would become a savepoint inside it: acknowledged
    # in the window, never committed, gone at the next crash. It is rolled back instead.
    conn = session.store.db.conn
    conn.execute("BEGIN")
    conn.execute("UPDATE documents SET title = 'half of something'")
    span = session.tag("Minister")
    assert not conn.in_transaction
    assert span.id in session.state().spans  # seen from another connection: committed
    with contextlib.closing(sqlite3.connect(session.path)) as other:
        titles = [r[0] for r in other.execute("SELECT title FROM documents")]
    assert "half of something" not in titles
