"""Editing the tag set in the window (undoable), importing and exporting it, and
sentence mode, checked in the project file."""

from __future__ import annotations

from pathlib import Path

import pytest
from attribution_support import action, db_labels, db_links, db_span, query, tag
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot
from window_support import CALL, CRLF_BYTES, TITLES, click_document, db_spans, find, press

from annotator.domain.segment import split_sentences
from annotator.ui.main_window import MainWindow
from annotator.ui.tagset_dialog import TagsetDialog


def open_dialog(qtbot: QtBot, window: MainWindow) -> TagsetDialog:
    action(window, "labels.editTagset").trigger()
    dialog = window.attribution.tagsets.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def label_keys(window: MainWindow) -> dict[str, str]:
    return {
        a.objectName()[len("label.") :]: a.shortcut().toString()
        for a in window.label_bar.label_actions()
    }


def test_rename_recolour_and_rekey_a_label(
    qtbot: QtBot, window: MainWindow, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    click_document(qtbot, window, TITLES["call"])
    span_id = tag(qtbot, window, "Geneva", "entity")
    dialog = open_dialog(qtbot, window)
    dialog.select_label("entity")

    dialog.name_edit.setFocus()
    dialog.name_edit.selectAll()
    qtbot.keyClicks(dialog.name_edit, "actor")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert "actor" in db_labels(project) and "entity" not in db_labels(project)
    assert db_span(project, span_id)["label"] == "actor"  # the tag keeps its label
    assert dialog.current_name() == "actor"
    assert label_keys(window)["actor"] == "3"
    assert window.view.spans().get(span_id).label == "actor"
    assert [a.text() for a in window.labels_menu.actions()][-3:] == [
        "&Edit tag set…",
        "&Import tag set…",
        "E&xport tag set…",
    ]

    qtbot.mouseClick(dialog.link_boxes["is"], Qt.MouseButton.LeftButton)
    assert query(project, "SELECT links FROM labels WHERE name = 'actor'") == [('["is"]',)]

    monkeypatch.setattr(dialog, "ask_color", lambda initial: "#112233")
    qtbot.mouseClick(dialog.color_button, Qt.MouseButton.LeftButton)
    assert db_labels(project)["actor"]["color"] == "#112233"
    assert window.colors["actor"] == "#112233"

    dialog.shortcut_edit.setFocus()
    dialog.shortcut_edit.selectAll()
    qtbot.keyClicks(dialog.shortcut_edit, "9")
    qtbot.keyClick(dialog.shortcut_edit, Qt.Key.Key_Return)
    assert db_labels(project)["actor"]["shortcut"] == "9"
    assert label_keys(window)["actor"] == "9"

    # a key the window already uses is refused, with a message
    shown: list[str] = []
    monkeypatch.setattr(
        "annotator.ui.messages.show_message", lambda parent, title, text, **kw: shown.append(text)
    )
    dialog.shortcut_edit.selectAll()
    qtbot.keyClicks(dialog.shortcut_edit, "J")
    qtbot.keyClick(dialog.shortcut_edit, Qt.Key.Key_Return)
    assert db_labels(project)["actor"]["shortcut"] == "9"
    assert shown and "already a key" in shown[-1]
    assert dialog.shortcut_edit.text() == "9"

    # undo from the dialog: back to key 3, then the colour, the links, the name
    for _ in range(4):
        qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    assert db_labels(project)["entity"]["shortcut"] == "3"
    assert db_span(project, span_id)["label"] == "entity"
    assert dialog.current_name() == "entity"


def test_add_a_label_with_a_key_and_tag_with_it(
    qtbot: QtBot, window: MainWindow, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_dialog(qtbot, window)
    monkeypatch.setattr(dialog, "ask_text", lambda *a, **k: "location")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert "location" in db_labels(project)
    assert dialog.current_name() == "location"
    dialog.shortcut_edit.setFocus()
    qtbot.keyClicks(dialog.shortcut_edit, "4")
    qtbot.keyClick(dialog.shortcut_edit, Qt.Key.Key_Return)
    assert label_keys(window)["location"] == "4"
    dialog.close()

    click_document(qtbot, window, TITLES["call"])
    start, end = find(CALL, "Geneva")
    from window_support import select_with_keys

    select_with_keys(qtbot, window, start, end)
    press(qtbot, window, Qt.Key.Key_4)
    assert [(s.label, s.text) for s in db_spans(project)] == [("location", "Geneva")]


def test_add_an_attribute_value_shows_in_the_span_panel(
    qtbot: QtBot, window: MainWindow, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    click_document(qtbot, window, TITLES["call"])
    tag(qtbot, window, "committed to increase humanitarian funding", "commitment")
    dialog = open_dialog(qtbot, window)
    dialog.select_label("commitment")
    modality = dialog.attributes.topLevelItem(0)
    assert modality.text(0) == "modality"
    dialog.attributes.setCurrentItem(modality)
    monkeypatch.setattr(dialog, "ask_text", lambda *a, **k: "promise")
    qtbot.mouseClick(dialog.add_value_button, Qt.MouseButton.LeftButton)
    [attr] = [a for a in db_labels(project)["commitment"]["attributes"] if a["name"] == "modality"]
    assert attr["values"][-1] == "promise"
    combo = window.attribution.span_panel.editors()["modality"]
    assert combo.itemText(combo.count() - 1) == "promise"

    # a new text attribute gets a line edit
    answers = iter(["source"])
    monkeypatch.setattr(dialog, "ask_text", lambda *a, **k: next(answers))
    monkeypatch.setattr(dialog, "ask_item", lambda *a, **k: "text")
    qtbot.mouseClick(dialog.add_attribute_button, Qt.MouseButton.LeftButton)
    editors = window.attribution.span_panel.editors()
    assert list(editors) == ["modality", "polarity", "source"]
    source = editors["source"]
    source.setFocus()
    qtbot.waitUntil(source.hasFocus)
    qtbot.keyClicks(source, "Xinhua")  # letters type here; they are not window keys
    qtbot.keyClick(source, Qt.Key.Key_Return)
    span_id = window.attribution.span_panel.span_id()
    assert span_id is not None
    assert db_span(project, span_id)["attributes"] == {"source": "Xinhua"}


def test_delete_a_used_label_asks_then_undo_brings_the_tags_back(
    qtbot: QtBot, window: MainWindow, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    click_document(qtbot, window, TITLES["call"])
    speaker = tag(qtbot, window, "Amina Diallo", "speaker")
    tag(qtbot, window, "committed to increase humanitarian funding", "commitment")
    press(qtbot, window, Qt.Key.Key_Return)
    assert len(db_links(project)) == 1
    asked: list[str] = []
    answer = [False]
    monkeypatch.setattr(
        "annotator.ui.messages.confirm",
        lambda parent, title, text, **kw: asked.append(text) or answer[0],
    )
    dialog = open_dialog(qtbot, window)
    dialog.select_label("speaker")
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert "1 tag in 1 document" in asked[-1]
    assert "speaker" in db_labels(project)  # cancelled

    answer[0] = True
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert "speaker" not in db_labels(project)
    assert db_span(project, speaker) == {}
    assert db_links(project) == []
    assert "speaker" not in label_keys(window)
    assert speaker not in window.view.spans()

    qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    assert "speaker" in db_labels(project)
    assert db_span(project, speaker)["text"] == "Amina Diallo"
    assert len(db_links(project)) == 1
    assert label_keys(window)["speaker"] == "1"
    assert speaker in window.view.spans()

    # an unused label goes without a question
    asked.clear()
    dialog.select_label("entity")
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert asked == [] and "entity" not in db_labels(project)


def test_export_then_import_a_tag_set(
    qtbot: QtBot,
    window: MainWindow,
    project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "tags.toml"
    monkeypatch.setattr(window, "ask_save_path", lambda *a: out)
    action(window, "labels.exportTagset").trigger()
    text = out.read_text(encoding="utf-8")
    assert 'name = "commitment"' in text and 'name = "modality"' in text
    extra = tmp_path / "extra.toml"
    extra.write_text(
        text + '\n[[label]]\nname = "date"\ncolor = "#999933"\nshortcut = "5"\n'
        '\n[[label]]\nname = "place"\ncolor = "#44AA99"\nshortcut = "P"\n',
        encoding="utf-8",
    )
    shown: list[str] = []
    monkeypatch.setattr(
        "annotator.ui.messages.show_message", lambda parent, title, text, **kw: shown.append(text)
    )
    monkeypatch.setattr(window, "ask_open_path", lambda *a: extra)
    action(window, "labels.importTagset").trigger()
    assert db_labels(project)["date"]["shortcut"] == "5"
    assert label_keys(window)["date"] == "5"
    assert "date" in window.statusBar().currentMessage()
    assert shown and "place (P)" in shown[-1]  # P is the window's "choose the speaker"
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "date" not in db_labels(project)


def test_no_two_actions_share_a_key_after_tag_set_edits(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_dialog(qtbot, window)
    monkeypatch.setattr(dialog, "ask_text", lambda *a, **k: "place")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    seen: dict[str, str] = {}
    for act in window.findChildren(QAction):
        for seq in act.shortcuts():
            assert seq.toString() not in seen, (seq.toString(), act.objectName())
            seen[seq.toString()] = act.objectName()


# -- sentence mode ----------------------------------------------------------------------


def test_sentence_mode_tags_and_untags_whole_sentences(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    tag(qtbot, window, "Amina Diallo", "speaker")
    press(qtbot, window, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, window, Qt.Key.Key_Escape)
    press(qtbot, window, Qt.Key.Key_F6)
    sentences = window.attribution.sentences.panel
    assert sentences.isVisible() and sentences.list.hasFocus()
    assert sentences.current_row() == 0
    expected = split_sentences(CALL)

    qtbot.keyClick(sentences.list, Qt.Key.Key_Down)
    qtbot.keyClick(sentences.list, Qt.Key.Key_Down)
    assert sentences.current_row() == 2
    assert window.view.selected_offsets() == expected[2]  # the text follows
    qtbot.keyClick(sentences.list, Qt.Key.Key_2)
    start, end = expected[2]
    [speaker, commitment] = db_spans(project)
    assert (commitment.label, commitment.start, commitment.end) == ("commitment", start, end)
    assert commitment.text == CALL[start:end]
    assert sentences.list.hasFocus()
    info = sentences.model.index(2).data(Qt.ItemDataRole.UserRole + 1)
    assert ("commitment", window.colors["commitment"], True) in info.tags

    # the proposed speaker: Enter in the list accepts it, and the row shows it
    assert window.attribution.proposal() is not None
    qtbot.keyClick(sentences.list, Qt.Key.Key_Return)
    assert db_links(project) == [(CALL[start:end], "said_by", "Amina Diallo")]
    info = sentences.model.index(2).data(Qt.ItemDataRole.UserRole + 1)
    assert info.speaker == "Amina Diallo"

    # the same key again removes that tag (and its link)
    qtbot.keyClick(sentences.list, Qt.Key.Key_2)
    assert [s.label for s in db_spans(project)] == ["speaker"]
    assert db_links(project) == []
    # another label on the next sentence, then back up: the first stays untagged
    qtbot.keyClick(sentences.list, Qt.Key.Key_Down)
    qtbot.keyClick(sentences.list, Qt.Key.Key_3)
    qtbot.keyClick(sentences.list, Qt.Key.Key_Up)
    assert window.view.selected_offsets() == expected[2]
    rows = query(project, 'SELECT start, "end" FROM spans ORDER BY id')
    assert rows[-1] == expected[3]

    press(qtbot, window, Qt.Key.Key_F6)
    assert not sentences.isVisible()


def test_sentence_mode_is_fast_enough_for_thirty_sentences_a_minute(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    import time

    click_document(qtbot, window, TITLES["crlf"])
    text = CRLF_BYTES.decode("utf-8").replace("\r\n", "\n")
    press(qtbot, window, Qt.Key.Key_F6)
    sentences = window.attribution.sentences.panel
    begun = time.perf_counter()
    for _ in range(10):
        for row in range(3):
            sentences.select_row(row)
            qtbot.keyClick(sentences.list, Qt.Key.Key_2)
            qtbot.keyClick(sentences.list, Qt.Key.Key_2)
    per_key = (time.perf_counter() - begun) / 60
    assert per_key < 0.1, f"{per_key * 1000:.0f} ms a key"
    assert db_spans(project) == []
    assert [text[s:e] for s, e in split_sentences(text)][
        1
    ] == "The Ambassador confirmed the ceasefire."
