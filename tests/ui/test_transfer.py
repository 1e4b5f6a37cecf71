"""Import and export off the UI thread: progress, Cancel, drops, the format chooser."""

from __future__ import annotations

import csv
import json
import threading
import time
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from annotator.services.importing import import_texts
from annotator.services.project import open_project
from annotator.storage import Store
from annotator.ui.background import BackgroundTask
from annotator.ui.transfer import (
    DropImporter,
    ExportDialog,
    export_in_background,
    import_in_background,
)


def _documents(path: Path) -> int:
    store = Store.open(path)
    try:
        return store.document_count()
    finally:
        store.close()


def test_import_runs_in_a_thread_and_lands_in_the_project(qtbot, tmp_path: Path) -> None:
    project = tmp_path / "p.db"
    open_project(project).close()
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(5):
        (folder / f"d{i}.txt").write_text(f"Minister {i} said the talks went well. 👍🏽", "utf-8")
    report = import_in_background(None, project, [folder])
    assert len(report.imported) == 5 and report.ok
    assert _documents(project) == 5


def test_cancel_stops_the_work_and_the_window_stays_responsive(qtbot) -> None:
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)

    def work(progress, cancel: threading.Event) -> str:  # type: ignore[no-untyped-def]
        for i in range(2000):
            if cancel.is_set():
                return "cancelled"
            progress(i, 2000, f"file{i}.txt")
            time.sleep(0.002)
        return "finished"

    task = BackgroundTask(None, "Importing", work)
    [cancel_button] = task.dialog.findChildren(QPushButton)
    QTimer.singleShot(150, cancel_button.click)
    assert task.run() == "cancelled"
    timer.stop()
    assert len(ticks) > 5, "the event loop kept running while the work ran"


def test_an_error_in_the_work_reaches_the_caller(qtbot) -> None:
    def work(progress, cancel):  # type: ignore[no-untyped-def]
        raise ValueError("broken file")

    try:
        BackgroundTask(None, "Importing", work).run()
    except ValueError as exc:
        assert "broken file" in str(exc)
    else:
        raise AssertionError("the error was swallowed")


def test_cancelled_import_leaves_the_project_as_it_was(qtbot, tmp_path: Path) -> None:
    from annotator.services.importing import import_paths

    project = tmp_path / "p.db"
    open_project(project).close()
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(30):
        (folder / f"d{i:02}.txt").write_text(f"Statement number {i} was issued.", "utf-8")

    def work(progress, cancel: threading.Event):  # type: ignore[no-untyped-def]
        store = Store.open(project)
        try:

            def slow(done: int, total: int, name: str) -> None:
                progress(done, total, name)
                if done == 10:
                    cancel.set()  # as if the user pressed Cancel here

            return import_paths(store, [folder], progress=slow, cancel=cancel)
        finally:
            store.close()

    report = BackgroundTask(None, "Importing", work).run()
    assert report.cancelled
    assert _documents(project) == 0


def test_dropping_files_on_the_window_hands_their_paths_on(qtbot, tmp_path: Path) -> None:
    target = QWidget()
    qtbot.addWidget(target)
    received: list[list[Path]] = []
    dropper = DropImporter(received.append, target)
    dropper.watch(target)
    file = tmp_path / "dropped.txt"
    file.write_text("Dropped text.", "utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(file))])
    target.show()
    enter = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted(), "files dragged over the window are welcome"
    drop = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, drop)
    assert received == [[file]]


def test_export_dialog_offers_every_format_and_exports_in_a_thread(qtbot, tmp_path: Path) -> None:
    project = tmp_path / "p.db"
    store = open_project(project)
    import_texts(store, [("a.txt", "Ana Ruiz said Spain will host the summit. 😀".encode())])
    store.close()
    dialog = ExportDialog()
    qtbot.addWidget(dialog)
    formats = [dialog.format_box.itemData(i) for i in range(dialog.format_box.count())]
    assert set(formats) >= {"csv", "jsonl", "brat", "conll", "labelstudio", "doccano"}
    dialog.format_box.setCurrentIndex(formats.index("jsonl"))
    assert not dialog.table_box.isEnabled()
    out = tmp_path / "out.jsonl"
    report = export_in_background(None, project, out, dialog.fmt())
    assert report.documents == 1
    line = json.loads(out.read_text("utf-8").splitlines()[0])
    assert line["text"].endswith("😀")
    dialog.format_box.setCurrentIndex(formats.index("csv"))
    assert dialog.table_box.isEnabled()
    table = tmp_path / "sentences.csv"
    export_in_background(None, project, table, "csv", table="sentences")
    rows = list(csv.DictReader(table.open(encoding="utf-8", newline="")))
    assert rows[0]["text"] == "Ana Ruiz said Spain will host the summit."


def test_files_dropped_on_the_window_are_imported(
    qtbot, window, project: Path, tmp_path: Path
) -> None:
    from window_support import document_view

    before = _documents(project)
    dropped = tmp_path / "dropped_readout.txt"
    dropped.write_bytes(b"Dropped Readout\r\nThe envoy said both sides will talk again.\r\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(dropped))])
    viewport = document_view(window).viewport()
    args = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(QPoint(20, 20), *args)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(viewport, QDropEvent(QPointF(20, 20), *args))
    assert _documents(project) == before + 1
    store = Store.open(project)
    try:
        titles = [d.title for d in store.list_documents()]
        doc = store.get_document(store.list_documents()[-1].id)
    finally:
        store.close()
    assert "Dropped Readout" in titles
    assert "\r" not in doc.text
    model = window.findChild(QWidget, "documentList").model()
    shown = [model.index(r, 1).data() or model.index(r, 0).data() for r in range(model.rowCount())]
    assert any("Dropped Readout" in str(t) for t in shown)


def test_export_in_a_format_from_the_window(qtbot, window, tmp_path) -> None:
    out = tmp_path / "brat"
    out.mkdir()
    report = window.export_in(out, "brat")
    assert report is not None and not report.cancelled
    assert list(out.glob("*.ann")) and list(out.glob("*.txt"))
