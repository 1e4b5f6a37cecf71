"""Speaker proposals, link pickers (P, B, I), attaching mentions, and the entity
registry (rename, type, merge, next mention), checked in the project file."""

from __future__ import annotations

from pathlib import Path

import pytest
from attribution_support import (
    close_picker,
    db_entities,
    db_links,
    db_span,
    pick,
    picker,
    query,
    tag,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView
from pytestqt.qtbot import QtBot
from window_support import TITLES, click_document, press

from annotator.domain.model import Entity
from annotator.ui.main_window import MainWindow

COMMITMENT = "committed to increase humanitarian funding"
PLEDGE = "promised to send observers to Kharkiv"


def test_enter_accepts_the_proposed_speaker(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    tag(qtbot, window, "Amina Diallo", "speaker")
    tag(qtbot, window, "Antonio Guterres", "speaker")
    commitment = tag(qtbot, window, COMMITMENT, "commitment")
    # the nearest speaker before it, in its paragraph
    message = "Speaker: Antonio Guterres — Enter to accept, P to pick"
    assert window.statusBar().currentMessage() == message
    assert window.attribution.span_panel.proposal_label.text() == message
    press(qtbot, window, Qt.Key.Key_Return)
    assert db_links(project) == [(COMMITMENT, "said_by", "Antonio Guterres")]
    assert window.attribution.proposal() is None
    assert not window.attribution.span_panel.proposal.isVisible()
    # Enter again proposes nothing new and links nothing twice
    press(qtbot, window, Qt.Key.Key_Return)
    assert len(db_links(project)) == 1
    assert db_span(project, commitment)["label"] == "commitment"


def test_moving_away_drops_the_proposal(qtbot: QtBot, window: MainWindow, project: Path) -> None:
    click_document(qtbot, window, TITLES["call"])
    tag(qtbot, window, "Amina Diallo", "speaker")
    tag(qtbot, window, COMMITMENT, "commitment")
    assert window.attribution.proposal() is not None
    press(qtbot, window, Qt.Key.Key_K)  # previous span
    assert window.attribution.proposal() is None
    press(qtbot, window, Qt.Key.Key_Return)
    assert db_links(project) == []


def test_p_picks_another_speaker_with_type_ahead(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    tag(qtbot, window, "Amina Diallo", "speaker")
    tag(qtbot, window, "Antonio Guterres", "speaker")
    tag(qtbot, window, COMMITMENT, "commitment")
    press(qtbot, window, Qt.Key.Key_P)
    dialog = picker(qtbot, window)
    assert dialog.visible_texts() == ["Antonio Guterres", "Amina Diallo"]  # nearest first
    shown = pick(qtbot, window, "ami")
    assert shown == ["Amina Diallo"]
    assert db_links(project) == [(COMMITMENT, "said_by", "Amina Diallo")]
    assert window.attribution.proposal() is None


def test_b_binds_a_mention_of_the_document(qtbot: QtBot, window: MainWindow, project: Path) -> None:
    click_document(qtbot, window, TITLES["emoji"])
    tag(qtbot, window, "Minister Okafor", "entity")
    tag(qtbot, window, "Minister Tanaka", "entity", nth=1)
    tag(qtbot, window, "pledged to open the border crossing", "commitment")
    press(qtbot, window, Qt.Key.Key_B)
    shown = pick(qtbot, window, "okaf")
    assert shown == ["Minister Okafor"]
    assert db_links(project) == [
        ("pledged to open the border crossing", "binds", "Minister Okafor")
    ]
    # Esc in a picker links nothing
    press(qtbot, window, Qt.Key.Key_B)
    dialog = picker(qtbot, window)
    qtbot.keyClick(dialog.filter_edit, Qt.Key.Key_Escape)
    close_picker(qtbot, window, dialog)
    assert len(db_links(project)) == 1


def test_b_on_a_registry_entity_tags_its_mention_and_undoes_in_one_step(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    tag(qtbot, window, "The Minister", "entity")  # joins the registry
    click_document(qtbot, window, TITLES["crlf"])
    tag(qtbot, window, PLEDGE, "commitment")
    press(qtbot, window, Qt.Key.Key_B)
    dialog = picker(qtbot, window)
    assert "The Minister" in dialog.visible_texts()
    pick(qtbot, window, "minister")
    assert db_links(project) == [(PLEDGE, "binds", "The Minister")]
    entities = db_entities(project)
    assert entities["The Minister"][2] == 2  # a mention in each document
    assert window.view.current_span_id() is not None
    assert window.view.spans().get(window.view.current_span_id()).text == PLEDGE

    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert db_links(project) == []
    assert db_entities(project)["The Minister"][2] == 1
    assert [r[0] for r in query(project, "SELECT text FROM spans ORDER BY id")] == [
        "The Minister",
        PLEDGE,
    ]


def test_i_links_a_speaker_to_the_entity_it_is(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    tag(qtbot, window, "Amina Diallo", "entity")
    tag(qtbot, window, "The Minister", "speaker")
    press(qtbot, window, Qt.Key.Key_I)
    pick(qtbot, window, "diallo")
    assert db_links(project) == [("The Minister", "is", "Amina Diallo")]
    # a commitment has no "is" links: the key says so and opens nothing
    tag(qtbot, window, COMMITMENT, "commitment")
    press(qtbot, window, Qt.Key.Key_I)
    assert window.attribution.picker is None
    assert "does not start" in window.statusBar().currentMessage()


def test_a_attaches_a_mention_to_a_new_entity(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["scripts"])
    arabic = "\u0627\u0644\u0648\u0632\u064a\u0631 \u0623\u062d\u0645\u062f"
    span_id = tag(qtbot, window, arabic, "speaker")
    assert arabic in db_entities(project)
    press(qtbot, window, Qt.Key.Key_A)
    pick(qtbot, window, "Ahmad Nasser")
    entities = db_entities(project)
    assert arabic not in entities  # the entity made for the mention alone is gone
    entity_id, aliases, mentions = entities["Ahmad Nasser"]
    assert (aliases, mentions) == ([arabic], 1)
    assert db_span(project, span_id)["entity_id"] == entity_id
    assert window.attribution.span_panel.entity.text() == "Entity: Ahmad Nasser"
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert set(db_entities(project)) == {arabic}


def _entity_rows(window: MainWindow) -> dict[str, int]:
    table = window.attribution.entity_panel.table
    model = table.model()
    return {model.index(r, 0).data(): r for r in range(model.rowCount())}


def _open_registry(qtbot: QtBot, window: MainWindow) -> QAbstractItemView:
    press(qtbot, window, Qt.Key.Key_F7)
    panel = window.attribution.entity_panel
    qtbot.waitUntil(panel.filter_edit.hasFocus)
    return panel.table


def test_registry_rename_type_and_merge(
    qtbot: QtBot, window: MainWindow, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    click_document(qtbot, window, TITLES["call"])
    tag(qtbot, window, "Amina Diallo", "speaker")
    click_document(qtbot, window, TITLES["crlf"])
    minister = tag(qtbot, window, "The Minister", "speaker")
    table = _open_registry(qtbot, window)
    assert set(_entity_rows(window)) == {"Amina Diallo", "The Minister"}

    # rename: F2 on the name, type, Enter
    table.setFocus()
    table.setCurrentIndex(table.model().index(_entity_rows(window)["Amina Diallo"], 0))
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = table.focusWidget()
    assert editor is not table
    editor.selectAll()
    qtbot.keyClicks(editor, "Amina Diallo (FM)")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits at the next turn
    qtbot.waitUntil(lambda: "Amina Diallo (FM)" in db_entities(project))
    qtbot.waitUntil(lambda: "Amina Diallo (FM)" in _entity_rows(window))

    # type: F2 on the type column offers the usual types
    row = _entity_rows(window)["Amina Diallo (FM)"]
    table.setCurrentIndex(table.model().index(row, 1))
    qtbot.keyClick(table, Qt.Key.Key_F2)
    combo = table.focusWidget()
    combo.setCurrentText("person")
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: (
            query(project, "SELECT type FROM entities WHERE name = 'Amina Diallo (FM)'")
            == [("person",)]
        )
    )

    # merge: select both, keep the first
    asked: list[tuple[str, str]] = []

    def keep_diallo(first: Entity, second: Entity) -> tuple[Entity, Entity]:
        asked.append((first.name, second.name))
        return (first, second) if first.name.startswith("Amina") else (second, first)

    monkeypatch.setattr(window.attribution.registry, "ask_merge", keep_diallo)
    table.selectAll()
    panel = window.attribution.entity_panel
    assert panel.merge_button.isEnabled()
    qtbot.mouseClick(panel.merge_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1
    entities = db_entities(project)
    assert set(entities) == {"Amina Diallo (FM)"}
    entity_id, aliases, mentions = entities["Amina Diallo (FM)"]
    assert mentions == 2 and "The Minister" in aliases
    assert db_span(project, minister)["entity_id"] == entity_id
    qtbot.waitUntil(lambda: set(_entity_rows(window)) == {"Amina Diallo (FM)"})

    # undo brings the merged entity back, with its mention
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert set(db_entities(project)) == {"Amina Diallo (FM)", "The Minister"}
    assert db_span(project, minister)["entity_id"] == db_entities(project)["The Minister"][0]


def test_next_mention_walks_through_documents(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    first = tag(qtbot, window, "The Minister", "entity")
    click_document(qtbot, window, TITLES["crlf"])
    second = tag(qtbot, window, "The Minister", "entity")
    assert db_span(project, first)["entity_id"] == db_span(project, second)["entity_id"]
    press(qtbot, window, Qt.Key.Key_M)
    assert window.document is not None and window.document.title == TITLES["call"]
    assert window.view.current_span_id() == first
    assert "mention 1 of 2" in window.statusBar().currentMessage()
    press(qtbot, window, Qt.Key.Key_M)
    assert window.document.title == TITLES["crlf"]
    assert window.view.current_span_id() == second

    # from the registry: select the entity, Enter shows its next mention
    table = _open_registry(qtbot, window)
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.view.current_span_id() == first


def test_attach_the_chosen_tag_from_the_registry(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    tag(qtbot, window, "Antonio Guterres", "entity")
    mention = tag(qtbot, window, "UN Secretary-General", "entity")
    table = _open_registry(qtbot, window)
    row = _entity_rows(window)["Antonio Guterres"]
    table.selectRow(row)
    qtbot.mouseClick(window.attribution.entity_panel.attach_button, Qt.MouseButton.LeftButton)
    entities = db_entities(project)
    assert "UN Secretary-General" not in entities
    entity_id, aliases, mentions = entities["Antonio Guterres"]
    assert (aliases, mentions) == (["UN Secretary-General"], 2)
    assert db_span(project, mention)["entity_id"] == entity_id


def test_l_walks_through_the_links_and_back(
    qtbot: QtBot, window: MainWindow, project: Path
) -> None:
    click_document(qtbot, window, TITLES["call"])
    speaker = tag(qtbot, window, "Amina Diallo", "speaker")
    bound = tag(qtbot, window, "Antonio Guterres", "entity")
    commitment = tag(qtbot, window, COMMITMENT, "commitment")
    press(qtbot, window, Qt.Key.Key_Return)
    press(qtbot, window, Qt.Key.Key_B)
    pick(qtbot, window, "guterres")
    assert [t for _, t, _ in db_links(project)] == ["said_by", "binds"]
    assert window.view.current_span_id() == commitment
    visited = []
    for _ in range(3):
        press(qtbot, window, Qt.Key.Key_L)
        visited.append(window.view.current_span_id())
    assert visited == [speaker, bound, commitment]
