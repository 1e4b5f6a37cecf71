"""Two at once: two windows (processes) on one project, a window and ``annotator
import``, and what each window sees of the other.

The policy under test (``annotator.storage.connection``):

* every action is one ``BEGIN IMMEDIATE`` transaction: a writer takes the lock before it
  reads, so a second writer waits for it instead of failing, trying again every
  0.2-1 ms for up to ``BUSY_TIMEOUT_MS`` = 10 s (SQLite's own busy handler backs off to
  100 ms a try and let one writer starve the other for a second or more); reads never
  wait (WAL);
* a wait longer than that (another program holding a write transaction open) is
  reported as "another program kept the project busy; try again", and nothing changes;
* a window holds no read transaction between actions, so each read sees every commit
  made so far, by anyone: a window sees the other's changes when it reloads a document
  (it does not repaint on its own);
* undo and redo put rows back under their old ids, and ids are never handed out twice
  (``claim_ids``), so one window's undo never collides with the other's new spans.
"""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from crash_worker import DOCUMENTS, Model, State, perform, pick_edit, read_project

from annotator.domain.errors import AnnotatorError, ProjectError
from annotator.services.commands import AddSpan, DeleteSpans, History, UpdateSpan
from annotator.services.importing import import_texts
from annotator.services.project import open_project
from annotator.storage import Store, connection

WORKER = Path(__file__).with_name("crash_worker.py")
EDITS = 300


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "shared.annotator.db"
    store = open_project(path)
    try:
        assert import_texts(store, DOCUMENTS).ok
    finally:
        store.close()
    return path


def records(output: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines()]


def replay(lines: list[dict[str, Any]]) -> Model:
    model = Model()
    for record in lines:
        if "ack" in record:
            model.ack(record)
    return model


def assert_file_holds(path: Path, expected: State) -> None:
    report = read_project(path)
    assert report.integrity == "ok"
    assert report.foreign_key_problems == []
    assert report.problems == []
    missing = {k: v for k, v in expected.spans.items() if report.state.spans.get(k) != v}
    extra = set(report.state.spans) - set(expected.spans)
    assert not missing and not extra, f"spans missing or changed: {missing}; extra: {extra}"
    assert report.state.links == expected.links


def test_two_windows_edit_one_project_at_once(project: Path, tmp_path: Path) -> None:
    go = tmp_path / "go"
    procs = []
    for seed in (1, 2):
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    str(WORKER),
                    str(project),
                    str(seed),
                    str(EDITS),
                    "--own",
                    "--wait-for",
                    str(go),
                ],  # fmt: skip
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
    # Both open the project, then start editing on the same signal.
    for proc in procs:
        assert proc.stdout is not None
        assert b"started" in proc.stdout.readline()
        assert b"opened" in proc.stdout.readline()
    began = time.monotonic()
    go.touch()
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode(errors="replace")
        assert b"locked" not in err and b"busy" not in err
        outputs.append(records(out))
    elapsed = time.monotonic() - began

    models = [replay(lines) for lines in outputs]
    for lines, model in zip(outputs, models, strict=True):
        assert model.acked == EDITS
        assert lines[-1]["finished"] == EDITS
    # Every edit of both writers is in the file; neither lost or overwrote the other's.
    assert_file_holds(project, models[0].state.merged(models[1].state))
    slowest = max(lines[-1]["slowest_ms"] for lines in outputs)
    kinds: dict[str, int] = {}
    for lines in outputs:
        for record in lines:
            if "ack" in record:
                kinds[record["ack"]] = kinds.get(record["ack"], 0) + 1
    print(
        f"\ntwo writers: 2 x {EDITS} edits {dict(sorted(kinds.items()))} in {elapsed:.1f} s, "
        f"slowest edit {slowest} ms, {len(models[0].state.spans) + len(models[1].state.spans)} "
        "spans at the end"
    )


def test_a_window_and_the_command_line_import_at_once(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    for i in range(40):
        (folder / f"readout-{i:02}.txt").write_bytes(
            f"Readout {i}\r\nThe minister met envoy {i} 😀 and they agreed.\r\n".encode()
        )
    # The window: the same services, on its own connection, editing the whole time.
    store = open_project(project)
    history = History(store)
    docs = {d.id: store.get_document(d.id).text for d in store.list_documents()}
    labels = store.tagset().names()
    registry = {label.name for label in store.tagset().labels if label.registry}
    model = Model()
    rng = random.Random(3)
    cli = subprocess.Popen(
        [sys.executable, "-m", "annotator", "import", "--db", str(project), str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    edits = 0
    try:
        while cli.poll() is None or edits < 150:
            intent = pick_edit(rng, model, docs, labels)
            if intent["intent"] == "add":
                intent["registry"] = intent["label"] in registry
            model.ack(perform(history, intent, docs))
            edits += 1
        out, err = cli.communicate(timeout=60)
    finally:
        store.close()
    message = (out + err).decode(errors="replace")
    assert cli.returncode == 0, message
    assert "40 imported, 0 skipped, 0 refused" in message
    assert "locked" not in message and "busy" not in message and "Traceback" not in message

    assert_file_holds(project, model.state)
    with closing(sqlite3.connect(project)) as conn:
        titles = [r[0] for r in conn.execute("SELECT title FROM documents ORDER BY id")]
    assert len(titles) == len(DOCUMENTS) + 40
    assert {f"Readout {i}" for i in range(40)} <= set(titles)
    print(f"\nwindow + annotator import: {edits} edits while 40 files were imported")


# -- what a second window sees ---------------------------------------------------------


@pytest.fixture
def two_windows(project: Path) -> Any:
    a, b = open_project(project), open_project(project)
    yield a, b
    a.close()
    b.close()


def _doc(store: Store) -> tuple[int, str]:
    doc = store.list_documents()[0].id
    return doc, store.get_document(doc).text


def test_a_window_sees_the_other_windows_changes_when_it_reloads(two_windows: Any) -> None:
    a, b = two_windows
    doc, text = _doc(a)
    before = b.spans_for_document(doc)  # window B has the document open
    added = History(a).do(AddSpan(doc, "commitment", 0, 7, text[0:7])).added[0]
    # B's screen still shows what it loaded; reloading the document shows A's span.
    assert [s.id for s in b.spans_for_document(doc)] == [*[s.id for s in before], added.id]
    assert added.id is not None
    History(b).do(UpdateSpan(added.id, {"label": "entity"}))
    assert a.get_span(added.id).label == "entity"


def test_undo_of_a_span_the_other_window_deleted_is_refused_and_changes_nothing(
    two_windows: Any, project: Path
) -> None:
    a, b = two_windows
    doc, text = _doc(a)
    history_a = History(a)
    span = history_a.do(AddSpan(doc, "commitment", 0, 7, text[0:7])).added[0]
    assert span.id is not None
    History(b).do(DeleteSpans((span.id,)))
    before = read_project(project).state
    with pytest.raises(AnnotatorError, match="no span"):
        history_a.undo()  # undo "tag": the span is already gone
    assert read_project(project).state == before


def test_ids_are_never_reused_so_undo_in_one_window_cannot_collide(two_windows: Any) -> None:
    # Before claim_ids: A deletes its newest span, B tags something and SQLite gives B
    # the same id (max + 1), and A's undo fails forever ("UNIQUE constraint failed").
    a, b = two_windows
    doc, text = _doc(a)
    history_a = History(a)
    span = history_a.do(AddSpan(doc, "commitment", 0, 7, text[0:7])).added[0]
    assert span.id is not None
    history_a.do(DeleteSpans((span.id,)))
    other = History(b).do(AddSpan(doc, "commitment", 10, 14, text[10:14])).added[0]
    assert other.id != span.id
    history_a.undo()  # the deleted span comes back under its own id
    assert a.get_span(span.id).text == text[0:7]
    assert b.get_span(other.id or 0).text == text[10:14]


def test_undo_in_one_window_keeps_an_entity_the_other_window_uses(two_windows: Any) -> None:
    # Before the fix, A's undo of "tag Kim as speaker" deleted the entity it had made,
    # and B's mention of Kim silently lost its entity; A's redo then made a second one.
    a, b = two_windows
    doc, text = _doc(a)
    start = text.index("Kim")
    later = text.index("Kim", start + 1)
    history_a = History(a)
    mine = history_a.do(AddSpan(doc, "speaker", start, start + 3, "Kim")).added[0]
    theirs = History(b).do(AddSpan(doc, "speaker", later, later + 3, "Kim")).added[0]
    assert mine.entity_id is not None and theirs.entity_id == mine.entity_id
    history_a.undo()
    assert b.get_span(theirs.id or 0).entity_id == mine.entity_id
    history_a.redo()
    assert a.get_span(mine.id or 0).entity_id == mine.entity_id
    assert [e.name for e in a.entities()] == ["Kim"]
    # And made, undone, then made again by name in the other window: redo joins it.
    word = text.index("Seoul")
    history_a.do(AddSpan(doc, "entity", word, word + 5, "Seoul"))
    history_a.undo()
    History(b).do(AddSpan(doc, "entity", word, word + 5, "Seoul"))
    history_a.redo()
    assert sorted(e.name for e in a.entities()) == ["Kim", "Seoul"]


def test_a_writer_holding_the_project_too_long_is_reported_and_nothing_changes(
    two_windows: Any, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _ = two_windows
    doc, text = _doc(a)
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)  # not 10 s: keep the test short
    other = sqlite3.connect(project, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # e.g. a database browser with unsaved edits
        before = time.monotonic()
        with pytest.raises(ProjectError, match="busy; try again"):
            History(a).do(AddSpan(doc, "commitment", 0, 7, text[0:7]))
        assert 0.2 <= time.monotonic() - before < 2  # it waited, then gave up
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert a.span_count() == 0
    History(a).do(AddSpan(doc, "commitment", 0, 7, text[0:7]))  # the next try works
    assert a.span_count() == 1
