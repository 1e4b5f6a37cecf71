"""The Span panel, notes, status keys and table exports, driven by the keyboard and
checked in the project file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from attribution_support import action, db_links, db_span, query, tag
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot
from window_support import CALL, TITLES, click_document, db_document_id, find, press

from annotator.domain.model import Span
from annotator.ui.main_window import MainWindow
from annotator.ui.span_panel import SpanPanel

COMMITMENT = "committed to increase humanitarian funding"


def test_attributes_and_note_by_keyboard_are_saved_and_undone(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    span_id = tag(qtbot, window, COMMITMENT, "commitment")
    panel = window.attribution.span_panel
    assert panel.span_id() == span_id

    press(qtbot, window, Qt.Key.Key_E)  # edit the chosen tag: the first attribute
    modality = panel.editors()["modality"]
    assert isinstance(modality, QComboBox) and modality.hasFocus()
    qtbot.keyClick(modality, Qt.Key.Key_Down)
    assert db_span(project, span_id)["attributes"] == {"modality": "obligation"}

    qtbot.keyClick(modality, Qt.Key.Key_Tab)
    polarity = panel.editors()["polarity"]
    assert polarity.hasFocus()
    qtbot.keyClick(polarity, Qt.Key.Key_Down)
    qtbot.keyClick(polarity, Qt.Key.Key_Down)
    assert db_span(project, span_id)["attributes"] == {
        "modality": "obligation",
        "polarity": "negative",
    }

    qtbot.keyClick(polarity, Qt.Key.Key_Tab)
    assert panel.note.hasFocus()
    qtbot.keyClicks(panel.note, "check 2nd source")  # digits type; they are not label keys
    assert db_span(project, span_id)["note"] == ""
    qtbot.keyClick(panel.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert db_span(project, span_id)["note"] == "check 2nd source"
    assert len(query(project, "SELECT id FROM spans")) == 1  # the "2" tagged nothing

    # Esc leaves the note for the text; undo walks back one field at a time.
    qtbot.keyClick(panel.note, Qt.Key.Key_Escape)
    assert window.view.hasFocus()
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert db_span(project, span_id)["note"] == ""
    assert panel.note.toPlainText() == ""
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert db_span(project, span_id)["attributes"]["polarity"] == "positive"  # each choice
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert db_span(project, span_id)["attributes"] == {"modality": "obligation"}
    assert polarity.currentText() == "—"
    press(qtbot, window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert db_span(project, span_id)["attributes"]["polarity"] == "negative"
    assert polarity.currentText() == "negative"


def test_note_is_saved_when_the_editor_loses_focus(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    span_id = tag(qtbot, window, "Geneva", "entity")
    panel = window.attribution.span_panel
    panel.note.setFocus()
    qtbot.waitUntil(panel.note.hasFocus)
    qtbot.keyClicks(panel.note, "venue")
    window.view.setFocus()
    qtbot.waitUntil(lambda: db_span(project, span_id)["note"] == "venue")


def test_delete_in_a_panel_field_never_deletes_the_tag(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    span_id = tag(qtbot, window, COMMITMENT, "commitment")
    press(qtbot, window, Qt.Key.Key_E)
    combo = window.attribution.span_panel.editors()["modality"]
    qtbot.keyClick(combo, Qt.Key.Key_Delete)
    qtbot.keyClick(combo, Qt.Key.Key_Backspace)
    assert db_span(project, span_id)["label"] == "commitment"


def test_links_list_jumps_and_removes(qtbot: QtBot, window: MainWindow, project: Path) -> None:
    click_document(qtbot, window, TITLES["call"])
    speaker = tag(qtbot, window, "Amina Diallo", "speaker")
    commitment = tag(qtbot, window, COMMITMENT, "commitment")
    press(qtbot, window, Qt.Key.Key_Return)  # accept the proposed speaker
    assert db_links(project) == [(COMMITMENT, "said_by", "Amina Diallo")]
    panel = window.attribution.span_panel
    assert [panel.links.item(i).text() for i in range(panel.links.count())] == [
        "said by → Amina Diallo"
    ]

    panel.links.setFocus()
    qtbot.keyClick(panel.links, Qt.Key.Key_Return)  # go to the speaker
    assert window.view.current_span_id() == speaker
    assert panel.span_id() == speaker
    assert panel.links.item(0).text().startswith("← said by")

    window.show_span(commitment)
    panel.links.setFocus()
    qtbot.keyClick(panel.links, Qt.Key.Key_Delete)
    assert db_links(project) == []
    assert db_span(project, commitment)["label"] == "commitment"  # the tag stays
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert db_links(project) == [(COMMITMENT, "said_by", "Amina Diallo")]


def test_linked_spans_are_outlined_in_the_view(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    speaker = tag(qtbot, window, "Amina Diallo", "speaker")
    commitment = tag(qtbot, window, COMMITMENT, "commitment")
    assert window.view.linked_spans() == {speaker}  # the proposed speaker
    press(qtbot, window, Qt.Key.Key_Return)
    assert window.view.linked_spans() == {speaker}  # now linked
    window.show_span(speaker)
    assert window.view.linked_spans() == {commitment}
    press(qtbot, window, Qt.Key.Key_Escape)
    assert window.view.linked_spans() == frozenset()


def test_document_note_saved_with_ctrl_enter_and_undone(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["crlf"])
    doc_id = db_document_id(project, TITLES["crlf"])
    press(qtbot, window, Qt.Key.Key_N)
    note = window.attribution.document_panel.note
    assert note.hasFocus()
    qtbot.keyClicks(note, "Second call this week.")
    qtbot.keyClick(note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    saved = query(project, "SELECT note FROM documents WHERE id = ?", (doc_id,))
    assert saved == [("Second call this week.",)]

    click_document(qtbot, window, TITLES["call"])
    assert note.toPlainText() == ""
    click_document(qtbot, window, TITLES["crlf"])
    assert note.toPlainText() == "Second call this week."
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert query(project, "SELECT note FROM documents WHERE id = ?", (doc_id,)) == [("",)]
    assert note.toPlainText() == ""


def test_a_note_typed_then_switching_document_goes_to_the_first_document(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["emoji"])
    note = window.attribution.document_panel.note
    note.setFocus()
    qtbot.waitUntil(note.hasFocus)
    qtbot.keyClicks(note, "emoji readout")
    click_document(qtbot, window, TITLES["scripts"])
    emoji = db_document_id(project, TITLES["emoji"])
    notes = dict(query(project, "SELECT id, note FROM documents"))
    assert notes[emoji] == "emoji readout"
    assert notes[db_document_id(project, TITLES["scripts"])] == ""


@pytest.mark.parametrize(
    ("key", "status"),
    [(Qt.Key.Key_2, "in_progress"), (Qt.Key.Key_3, "done"), (Qt.Key.Key_1, "todo")],
)
def test_status_shortcuts(
    qtbot: QtBot, window: MainWindow, project: Path, key: Qt.Key, status: str
) -> None:
    click_document(qtbot, window, TITLES["call"])
    doc_id = db_document_id(project, TITLES["call"])
    if status == "todo":
        press(qtbot, window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, window, key, Qt.KeyboardModifier.ControlModifier)
    assert query(project, "SELECT status FROM documents WHERE id = ?", (doc_id,)) == [(status,)]
    assert action(window, f"edit.status.{status}").isChecked()
    assert query(project, "SELECT count(*) FROM spans") == [(0,)]  # no label key fired


def test_export_commitments_and_sentences_tables(
    qtbot: QtBot,
    window: MainWindow,
    project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    click_document(qtbot, window, TITLES["call"])
    tag(qtbot, window, "Amina Diallo", "speaker")
    tag(qtbot, window, COMMITMENT, "commitment")
    press(qtbot, window, Qt.Key.Key_Return)
    rows = {}
    for table in ("commitments", "sentences", "entities"):
        out = tmp_path / f"{table}.csv"
        monkeypatch.setattr(window, "ask_save_path", lambda *a, out=out: out)
        action(window, f"file.export.{table}").trigger()
        with out.open(encoding="utf-8", newline="") as handle:
            rows[table] = list(csv.DictReader(handle))
        assert not out.with_name(out.name + ".part").exists()
    [commitment] = rows["commitments"]
    start, end = find(CALL, COMMITMENT)
    assert (commitment["text"], commitment["speaker"]) == (COMMITMENT, "Amina Diallo")
    assert (int(commitment["start"]), int(commitment["end"])) == (start, end)
    spoken = [r for r in rows["sentences"] if r["speaker"]]
    assert [r["labels"] for r in spoken] == ["commitment"]
    assert [r["name"] for r in rows["entities"]] == ["Amina Diallo"]


def test_the_panel_shows_the_whole_quote_and_offsets_from_one_tag_to_the_next(
    qtbot: QtBot, window: MainWindow
) -> None:
    """The quote, offsets and entity line sit in boxes that re-lay out only themselves;
    a long quote after a short one must still get the lines it needs, and back."""
    click_document(qtbot, window, TITLES["call"])
    panel = window.attribution.span_panel
    window.resize(900, 820)  # a narrow panel, so a sentence wraps

    def shown_whole() -> None:
        quote = panel.text
        assert quote.height() >= quote.heightForWidth(quote.width())  # every line
        for line in (panel.offsets, panel.entity):
            if line.isVisibleTo(panel):
                assert line.width() >= line.sizeHint().width()
                assert line.height() >= line.sizeHint().height()

    tag(qtbot, window, "Both", "entity")
    qtbot.wait(10)
    one_line = panel.text.height()
    shown_whole()
    assert panel.entity.text() == "Entity: Both"

    sentence = "Minister Amina Diallo spoke today with UN Secretary-General Antonio Guterres"
    tag(qtbot, window, sentence, "commitment")
    qtbot.waitUntil(lambda: panel.text.height() > one_line)
    assert panel.text.text() == f"“{sentence}”"
    assert panel.text.height() >= panel.text.heightForWidth(panel.text.width())
    shown_whole()
    assert not panel.entity.isVisibleTo(panel)  # commitments have no entity

    tag(qtbot, window, "Geneva", "entity")
    qtbot.waitUntil(lambda: panel.text.height() == one_line)
    shown_whole()
    start, end = find(window.document.text, "Geneva")  # type: ignore[union-attr]
    assert panel.offsets.text().startswith(f"chars {start}–{end}")


def test_a_quote_set_while_the_panel_is_hidden_gets_its_lines_when_shown(
    qtbot: QtBot,
) -> None:
    holder = QWidget()  # the panel inside a window, hidden and shown again (a tab)
    qtbot.addWidget(holder)
    panel = SpanPanel()
    QVBoxLayout(holder).addWidget(panel)
    holder.resize(300, 700)
    holder.show()
    qtbot.waitExposed(holder)
    panel.show_span(Span(1, 1, "entity", 0, 5, "short"))
    qtbot.wait(1)
    one_line = panel.text.height()
    panel.hide()
    long = "a long quote with many words " * 8
    panel.show_span(Span(2, 1, "commitment", 0, len(long), long))
    panel.show()
    qtbot.wait(20)
    assert panel.text.height() > one_line
    assert panel.text.height() >= panel.text.heightForWidth(panel.text.width())
