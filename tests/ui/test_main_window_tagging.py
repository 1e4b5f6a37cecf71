"""Tagging in the main window: keys, the toolbar, relabel, delete, undo, redo, overlap.

Each test drives the real widgets and checks the project file through its own SQLite
connection: a tag the user saw appear must be on disk with exact offsets.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot
from window_support import (
    CALL,
    CRLF_BYTES,
    EMOJI,
    SCRIPTS,
    TITLES,
    assert_exact,
    click_document,
    click_text,
    db_document_id,
    db_document_text,
    db_spans,
    document_list,
    find,
    press,
    put_cursor,
    select_with_keys,
    span_table,
    text_point,
    toolbar_button,
)

from annotator.ui.main_window import MainWindow


def action(win: MainWindow, name: str) -> QAction:
    found = win.findChild(QAction, name)
    assert found is not None, name
    return found


def tag_with_key(
    qtbot: QtBot, win: MainWindow, start: int, end: int, key: Qt.Key = Qt.Key.Key_2
) -> None:
    select_with_keys(qtbot, win, start, end)
    press(qtbot, win, key)


def test_select_with_keys_and_press_2_stores_an_exact_commitment(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    start, end = find(CALL, "committed to increase humanitarian funding")
    tag_with_key(qtbot, window, start, end)

    [span] = db_spans(project)
    assert (span.label, span.start, span.end) == ("commitment", start, end)
    assert span.text == "committed to increase humanitarian funding"
    assert span.document_id == db_document_id(project, TITLES["call"])
    assert span.annotator == "tester"
    assert_exact(span)
    # The screen follows the file: table row, list count, status bar.
    assert span_table(window).model().rowCount() == 1
    assert window.span_count_label.text() == "1 span"
    assert window.saved_label.text().startswith("Saved ")
    counts = window.document_list.model
    assert counts.summary(span.document_id).span_count == 1


def test_ctrl_shift_right_selects_whole_words(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    start, _ = find(CALL, "Amina Diallo")
    put_cursor(qtbot, window, start)
    view = window.view
    qtbot.keyClick(
        view,
        Qt.Key.Key_Right,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.keyClick(
        view,
        Qt.Key.Key_Right,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    selected = view.selected_offsets()
    assert selected is not None
    press(qtbot, window, Qt.Key.Key_1)

    [span] = db_spans(project)
    assert (span.start, span.end) == selected
    assert span.label == "speaker"
    assert span.text.strip() == span.text  # snapped to words: no stray space
    assert span.text.startswith("Amina Diallo")
    assert_exact(span)


def test_toolbar_button_tags_the_selection(qtbot: QtBot, window: MainWindow, project: Path) -> None:
    click_document(qtbot, window, TITLES["call"])
    start, end = find(CALL, "Geneva")
    select_with_keys(qtbot, window, start, end)
    qtbot.mouseClick(toolbar_button(window, "entity"), Qt.MouseButton.LeftButton)

    [span] = db_spans(project)
    assert (span.label, span.start, span.end, span.text) == ("entity", start, end, "Geneva")


def test_emoji_offsets_are_code_points(qtbot: QtBot, window: MainWindow, project: Path) -> None:
    click_document(qtbot, window, TITLES["emoji"])
    text = db_document_text(project, db_document_id(project, TITLES["emoji"]))
    assert text == EMOJI
    # Three tags whose ends sit after an emoji with a skin tone, a flag, a math letter.
    for needle, key in (
        ("Tanaka 👍🏽", Qt.Key.Key_1),
        ("border crossing 🇺🇳", Qt.Key.Key_3),
        ("𝔘𝔑 envoy 𝕏", Qt.Key.Key_3),
    ):
        start, end = find(text, needle)
        select_with_keys(qtbot, window, start, end)
        selected = window.view.selected_offsets()
        assert selected is not None
        press(qtbot, window, key)
        span = db_spans(project)[-1]
        assert (span.start, span.end) == selected
        assert_exact(span)
        assert span.text == needle  # an emoji at the edge is part of the word
    assert len(db_spans(project)) == 3


def test_crlf_document_offsets_match_the_stored_text(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["crlf"])
    doc_id = db_document_id(project, TITLES["crlf"])
    text = db_document_text(project, doc_id)
    assert "\r" not in text
    start, end = find(text, "send observers to Kharkiv")
    tag_with_key(qtbot, window, start, end)

    [span] = db_spans(project)
    assert (span.start, span.end, span.text) == (start, end, "send observers to Kharkiv")
    # The offsets count in the stored ("\n") text, not in the file's CRLF lines:
    # three "\r" came before the tag in the file.
    assert CRLF_BYTES.decode("utf-8").index("send observers") == span.start + 3


def test_combining_accents_and_right_to_left_text(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["scripts"])
    name = "Zoe\u0308 A\u030angstro\u0308m"
    start, end = find(SCRIPTS, name, 1)
    tag_with_key(qtbot, window, start, end, Qt.Key.Key_1)
    hebrew = "\u05d4\u05e9\u05e8 \u05d3\u05d5\u05d3 \u05db\u05d4\u05df"
    start2, end2 = find(SCRIPTS, hebrew)
    tag_with_key(qtbot, window, start2, end2, Qt.Key.Key_1)
    arabic = "\u0627\u0644\u0648\u0632\u064a\u0631 \u0623\u062d\u0645\u062f"
    start3, end3 = find(SCRIPTS, arabic)
    tag_with_key(qtbot, window, start3, end3, Qt.Key.Key_3)

    spans = db_spans(project)
    assert [(s.start, s.end, s.text) for s in spans] == [
        (start, end, name),
        (start2, end2, hebrew),
        (start3, end3, arabic),
    ]
    for span in spans:
        assert_exact(span)


def test_click_a_tag_then_press_a_label_key_relabels_it(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    start, end = find(CALL, "Geneva")
    tag_with_key(qtbot, window, start, end, Qt.Key.Key_1)
    [span] = db_spans(project)
    # Click elsewhere, then on the tag: it becomes the current span.
    click_text(qtbot, window, find(CALL, "Both")[0])
    click_text(qtbot, window, start + 2)
    qtbot.waitUntil(lambda: window.view.current_span_id() == span.id)
    assert window.view.selected_offsets() is None
    press(qtbot, window, Qt.Key.Key_3)

    [relabelled] = db_spans(project)
    assert (relabelled.id, relabelled.label) == (span.id, "entity")
    assert (relabelled.start, relabelled.end) == (start, end)
    assert window.span_table.model.spans()[0].label == "entity"

    # The same label again is no change (nothing new to undo).
    steps = window.undo_stack.count()
    press(qtbot, window, Qt.Key.Key_3)
    assert window.undo_stack.count() == steps


def test_delete_undo_redo_with_keys_and_actions(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    start, end = find(CALL, "Amina Diallo")
    tag_with_key(qtbot, window, start, end, Qt.Key.Key_1)
    [span] = db_spans(project)
    assert window.view.current_span_id() == span.id  # a new tag is the current one

    press(qtbot, window, Qt.Key.Key_Delete)
    assert db_spans(project) == []
    assert window.span_table.model.rowCount() == 0

    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo delete
    [back] = db_spans(project)
    assert back == span  # same id, offsets, text
    assert window.span_table.model.rowCount() == 1

    action(window, "edit.undo").trigger()  # undo the tag
    assert db_spans(project) == []
    press(qtbot, window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)  # redo the tag
    assert db_spans(project) == [span]
    press(
        qtbot,
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )  # redo
    assert db_spans(project) == []
    action(window, "edit.undo").trigger()
    assert db_spans(project) == [span]

    # Backspace deletes too.
    window.view.select_span(span.id)
    press(qtbot, window, Qt.Key.Key_Backspace)
    assert db_spans(project) == []
    assert window.document_list.model.summary(span.document_id).span_count == 0


def test_overlapping_tags_are_both_stored(qtbot: QtBot, window: MainWindow, project: Path) -> None:
    click_document(qtbot, window, TITLES["call"])
    outer = find(CALL, "Foreign Minister Amina Diallo")
    inner = find(CALL, "Amina Diallo spoke today")
    tag_with_key(qtbot, window, *outer, Qt.Key.Key_1)
    tag_with_key(qtbot, window, *inner, Qt.Key.Key_2)
    same = find(CALL, "Amina Diallo")
    tag_with_key(qtbot, window, *same, Qt.Key.Key_3)

    spans = db_spans(project)
    assert [(s.label, s.start, s.end) for s in spans] == [
        ("speaker", *outer),
        ("commitment", *inner),
        ("entity", *same),
    ]
    assert window.span_table.model.rowCount() == 3
    assert window.document_list.model.summary(spans[0].document_id).span_count == 3


def test_undo_in_another_document_opens_it_first(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    tag_with_key(qtbot, window, *find(CALL, "Geneva"), Qt.Key.Key_3)
    call_id = db_document_id(project, TITLES["call"])
    click_document(qtbot, window, TITLES["scripts"])
    assert window.span_table.model.rowCount() == 0

    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert db_spans(project) == []
    assert window.document is not None and window.document.id == call_id
    assert document_list(window).currentIndex().data() == TITLES["call"]
    assert window.span_table.model.rowCount() == 0
    assert window.document_list.model.summary(call_id).span_count == 0

    click_document(qtbot, window, TITLES["crlf"])
    action(window, "edit.redo").trigger()
    [span] = db_spans(project)
    assert window.document.id == call_id
    assert window.span_table.model.rowCount() == 1
    assert window.document_list.model.summary(call_id).span_count == 1
    assert window.view.current_span_id() == span.id


def test_a_failed_command_shows_a_message_and_changes_nothing(
    qtbot: QtBot, window: MainWindow, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        "annotator.ui.messages.show_message",
        lambda parent, title, text, **kw: shown.append(f"{title}: {text}"),
    )
    click_document(qtbot, window, TITLES["call"])
    select_with_keys(qtbot, window, *find(CALL, "Geneva"))
    window.tag("no-such-label")

    assert db_spans(project) == []
    assert window.undo_stack.count() == 0
    assert window.span_table.model.rowCount() == 0
    assert len(shown) == 1 and "no-such-label" in shown[0]


def test_label_key_without_selection_or_tag_does_nothing(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    put_cursor(qtbot, window, 10)
    press(qtbot, window, Qt.Key.Key_2)
    press(qtbot, window, Qt.Key.Key_Delete)
    assert db_spans(project) == []
    assert window.undo_stack.count() == 0
    assert "Select some words" in window.statusBar().currentMessage() or (
        "Click a tag" in window.statusBar().currentMessage()
    )


def test_typing_a_digit_in_the_filter_box_types_it(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    select_with_keys(qtbot, window, *find(CALL, "Geneva"))
    box = window.document_list.filter_edit
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    qtbot.keyClicks(box, "2")
    assert box.text() == "2"
    assert db_spans(project) == []


def test_drag_with_the_mouse_then_click_the_toolbar(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    start, end = find(CALL, "humanitarian funding")
    viewport = window.view.viewport()
    # From inside the first word to inside the last: the tag snaps to whole words.
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=text_point(window, start + 3))
    qtbot.mouseMove(viewport, text_point(window, end - 3))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=text_point(window, end - 3))
    assert window.view.selected_offsets() == (start, end)
    assert window.selection_label.text() == f"chars {start}–{end}"
    qtbot.mouseClick(toolbar_button(window, "commitment"), Qt.MouseButton.LeftButton)

    [span] = db_spans(project)
    assert (span.label, span.start, span.end, span.text) == (
        "commitment",
        start,
        end,
        "humanitarian funding",
    )


def test_undo_after_the_file_changed_elsewhere_reports_and_moves_on(
    qtbot: QtBot, window: MainWindow, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        "annotator.ui.messages.show_message",
        lambda parent, title, text, **kw: shown.append(text),
    )
    click_document(qtbot, window, TITLES["call"])
    tag_with_key(qtbot, window, *find(CALL, "Geneva"), Qt.Key.Key_3)
    [span] = db_spans(project)
    with closing(sqlite3.connect(project)) as conn, conn:
        conn.execute("DELETE FROM spans WHERE id = ?", [span.id])

    action(window, "edit.undo").trigger()
    assert shown and str(span.id) in shown[-1]
    # The step that could not be undone is dropped rather than left half-done.
    assert window.undo_stack.count() == 0
    assert db_spans(project) == []
    # The screen shows what the file holds.
    assert window.span_table.model.rowCount() == 0
    assert window.view.spans().get(span.id) is None
    assert window.document_list.model.summary(span.document_id).span_count == 0


def test_s_selects_the_sentence_and_2_tags_it(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    sentence = "The Minister committed to increase humanitarian funding by ten percent."
    start, end = find(CALL, sentence)
    put_cursor(qtbot, window, start + 10)
    press(qtbot, window, Qt.Key.Key_S)
    assert window.view.selected_offsets() == (start, end)
    press(qtbot, window, Qt.Key.Key_2)

    [span] = db_spans(project)
    assert (span.label, span.start, span.end, span.text) == ("commitment", start, end, sentence)
    assert window.span_table.model.index(0, 3).data() == "3"  # the third sentence
