"""Moving around the window: documents, the span table, settings, help, import, export."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from pytestqt.qtbot import QtBot
from window_support import (
    CALL,
    TITLES,
    click_document,
    db_document_id,
    db_spans,
    document_list,
    find,
    press,
    select_with_keys,
    span_table,
)

from annotator.ui import create_main_window
from annotator.ui.document_list import STATUS_ROLE
from annotator.ui.help_dialog import keys_text
from annotator.ui.main_window import MainWindow
from annotator.ui.settings import Settings


def tag(qtbot: QtBot, win: MainWindow, needle: str, key: Qt.Key, nth: int = 0) -> None:
    select_with_keys(qtbot, win, *find(CALL, needle, nth))
    press(qtbot, win, key)


def test_clicking_rows_switches_documents(qtbot: QtBot, window: MainWindow) -> None:
    for key in ("emoji", "scripts", "call"):
        click_document(qtbot, window, TITLES[key])
        assert window.view.toPlainText().startswith(TITLES[key][:20])
        assert window.title_label.text().startswith(TITLES[key])


def test_document_keys_step_through_the_list(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    press(qtbot, window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.document.title == TITLES["emoji"]
    press(qtbot, window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.document.title == TITLES["crlf"]
    press(qtbot, window, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.document.title == TITLES["emoji"]
    assert document_list(window).currentIndex().data() == TITLES["emoji"]


def test_arrow_keys_in_the_list_open_documents(qtbot: QtBot, window: MainWindow) -> None:
    click_document(qtbot, window, TITLES["call"])
    lst = document_list(window)
    lst.setFocus()
    qtbot.keyClick(lst, Qt.Key.Key_Down)
    assert window.document.title == TITLES["emoji"]


def test_filter_box_narrows_the_list_and_enter_opens(qtbot: QtBot, window: MainWindow) -> None:
    box = window.document_list.filter_edit
    box.setFocus()
    qtbot.keyClicks(box, "ambassador")
    assert document_list(window).model().rowCount() == 1
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert window.document.title == TITLES["crlf"]
    assert window.view.hasFocus()
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    box.clear()
    assert document_list(window).model().rowCount() == 4


def test_span_table_follows_the_document_and_back(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    tag(qtbot, window, "Amina Diallo", Qt.Key.Key_1)
    tag(qtbot, window, "Geneva", Qt.Key.Key_3)
    tag(qtbot, window, "committed to increase humanitarian funding", Qt.Key.Key_2)
    spans = {s.text: s for s in db_spans(project)}
    table = span_table(window)
    assert table.model().rowCount() == 3

    # A row click selects the tag in the text.
    model = table.model()
    geneva_row = next(r for r in range(3) if model.index(r, 1).data() == "Geneva")
    rect = table.visualRect(model.index(geneva_row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.view.current_span_id() == spans["Geneva"].id
    assert window.selection_label.text().endswith(f"{spans['Geneva'].start}–{spans['Geneva'].end}")

    # Moving in the text moves the table's selection, without bouncing back.
    press(qtbot, window, Qt.Key.Key_K)  # previous span
    current = window.view.current_span_id()
    assert current is not None and current != spans["Geneva"].id
    assert table.currentIndex().data(Qt.ItemDataRole.UserRole + 2) == current
    press(qtbot, window, Qt.Key.Key_J)
    assert window.view.current_span_id() == spans["Geneva"].id
    assert table.currentIndex().data(Qt.ItemDataRole.UserRole + 2) == spans["Geneva"].id

    # Another document: its (empty) table.
    click_document(qtbot, window, TITLES["emoji"])
    assert table.model().rowCount() == 0


def test_label_filter_and_sorting(qtbot: QtBot, window: MainWindow, project: Path) -> None:
    click_document(qtbot, window, TITLES["call"])
    tag(qtbot, window, "Geneva", Qt.Key.Key_3)
    tag(qtbot, window, "Amina Diallo", Qt.Key.Key_1)
    tag(qtbot, window, "Antonio Guterres", Qt.Key.Key_1)
    table = span_table(window)
    combo = window.span_table.label_filter
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "All labels",
        "speaker",
        "commitment",
        "entity",
    ]
    combo.setCurrentIndex(combo.findText("speaker"))
    assert table.model().rowCount() == 2
    assert window.span_table.count_label.text() == "2 of 3 spans"
    # Relabelling a speaker as entity takes it out of this view.
    window.view.select_span(db_spans(project)[1].id)
    press(qtbot, window, Qt.Key.Key_3)
    assert table.model().rowCount() == 1
    combo.setCurrentIndex(0)
    assert table.model().rowCount() == 3
    # Default order is by position in the text; the Text column sorts alphabetically.
    assert [table.model().index(r, 1).data() for r in range(3)] == [
        "Amina Diallo",
        "Antonio Guterres",
        "Geneva",
    ]
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert [table.model().index(r, 0).data() for r in range(3)] == [
        "entity",
        "entity",
        "speaker",
    ]


def test_window_restores_last_document_zoom_and_splitter(
    qtbot: QtBot, project: Path, tmp_path: Path
) -> None:
    settings = Settings(tmp_path / "restore.ini")
    first = create_main_window(project, settings=settings)
    qtbot.addWidget(first)
    first.resize(1300, 820)
    first.show()
    click_document(qtbot, first, TITLES["scripts"])
    first.view.zoom_in()
    first.view.zoom_in()
    zoom = first.view.zoom()
    first.splitter.setSizes([200, 800, 300])
    sizes = first.splitter.sizes()
    first.close()

    again = create_main_window(project, settings=Settings(tmp_path / "restore.ini"))
    qtbot.addWidget(again)
    assert again.document is not None
    assert again.document.id == db_document_id(project, TITLES["scripts"])
    assert document_list(again).currentIndex().data() == TITLES["scripts"]
    assert again.view.zoom() == pytest.approx(zoom)
    assert again.splitter.sizes() == sizes or sum(again.splitter.sizes()) > 0
    assert Settings(tmp_path / "restore.ini").last_project() == project.resolve()
    again.close()


def test_first_start_opens_the_first_document(qtbot: QtBot, project: Path, tmp_path: Path) -> None:
    win = create_main_window(project, settings=Settings(tmp_path / "fresh.ini"))
    qtbot.addWidget(win)
    assert win.document is not None and win.document.title == TITLES["call"]
    win.close()


def test_named_actions_and_their_keys(window: MainWindow) -> None:
    def keys(name: str) -> set[str]:
        found = window.findChild(QAction, name)
        assert found is not None, name
        return {s.toString() for s in found.shortcuts()}

    assert keys("edit.undo") == {"Ctrl+Z"}
    assert keys("edit.redo") == {"Ctrl+Shift+Z", "Ctrl+Y"}
    assert keys("edit.delete") == {"Del", "Backspace"}
    for name, key in (("speaker", "1"), ("commitment", "2"), ("entity", "3")):
        assert keys(f"label.{name}") == {key}
        assert key in window.findChild(QAction, f"label.{name}").text()


def test_no_two_actions_share_a_key(window: MainWindow) -> None:
    seen: dict[str, str] = {}
    for act in window.findChildren(QAction):
        for seq in act.shortcuts():
            key = seq.toString()
            assert key not in seen, f"{key} is both {seen[key]} and {act.objectName()}"
            seen[key] = act.objectName()


def test_shortcuts_dialog_lists_every_action_key(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, window, Qt.Key.Key_F1)
    dialog = window._shortcuts_dialog
    assert dialog is not None and dialog.isVisible()
    shown = dict(dialog.rows())
    for act in window.findChildren(QAction):
        if keys_text(act) and act.objectName():
            assert keys_text(act) in shown.values(), act.objectName()
    native = QKeySequence("Ctrl+Z").toString(QKeySequence.SequenceFormat.NativeText)
    assert any(native in v for v in shown.values())
    dialog.close()


def test_zoom_keys(qtbot: QtBot, window: MainWindow) -> None:
    before = window.view.zoom()
    press(qtbot, window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.view.zoom() > before
    press(qtbot, window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.view.zoom() == pytest.approx(before)
    press(qtbot, window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.view.zoom() < before


def test_status_menu_marks_the_document(qtbot: QtBot, window: MainWindow, project: Path) -> None:
    click_document(qtbot, window, TITLES["crlf"])
    window.findChild(QAction, "edit.status.done").trigger()
    doc_id = db_document_id(project, TITLES["crlf"])
    assert window.store.get_document(doc_id).status == "done"
    row = window.document_list.model.row_of(doc_id)
    assert window.document_list.model.index(row, 1).data(STATUS_ROLE) == "done"
    window.undo_action.trigger()
    assert window.store.get_document(doc_id).status == "todo"


def test_import_and_export_from_the_window(
    qtbot: QtBot,
    window: MainWindow,
    project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        "annotator.ui.messages.show_message",
        lambda parent, title, text, **kw: shown.append(text),
    )
    new = tmp_path / "new.txt"
    new.write_text("Readout of a new call\n\nThe Minister spoke with her counterpart.\n")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02\x03" * 100)
    monkeypatch.setattr(window, "ask_open_paths", lambda *a: [new, bad])
    window.findChild(QAction, "file.import").trigger()
    assert "1 imported" in shown[-1] and "1 refused" in shown[-1]
    assert document_list(window).model().rowCount() == 5

    click_document(qtbot, window, TITLES["call"])
    tag(qtbot, window, "Geneva", Qt.Key.Key_3)
    out = tmp_path / "spans.csv"
    monkeypatch.setattr(window, "ask_save_path", lambda *a: out)
    window.findChild(QAction, "file.export").trigger()
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["label"], r["text"]) for r in rows] == [("entity", "Geneva")]
    start, end = find(CALL, "Geneva")
    assert (int(rows[0]["start"]), int(rows[0]["end"])) == (start, end)


def test_open_another_project_and_back_through_recent(
    qtbot: QtBot,
    window: MainWindow,
    project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    click_document(qtbot, window, TITLES["emoji"])
    other = tmp_path / "other.db"
    monkeypatch.setattr(window, "ask_save_path", lambda *a: other)
    window.findChild(QAction, "file.new").trigger()
    assert window.project_path == other
    assert document_list(window).model().rowCount() == 0
    assert window.document is None
    assert window.undo_stack.count() == 0

    window.recent_menu.aboutToShow.emit()  # as when the user opens File ▸ Open recent
    back = next(a for a in window.recent_menu.actions() if a.text().startswith("p.db"))
    back.trigger()
    assert window.project_path.resolve() == project.resolve()
    assert window.document is not None and window.document.title == TITLES["emoji"]
