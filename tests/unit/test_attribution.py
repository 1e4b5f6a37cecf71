"""Who said what: speaker proposals, the entity registry, links, and their undo."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.domain.attribution import paragraph_bounds, propose_speaker
from annotator.domain.errors import AnnotatorError
from annotator.domain.model import Span
from annotator.services.attribution import (
    AttachEntity,
    MergeEntities,
    RemoveLink,
    SetDocumentNote,
    UpdateEntity,
)
from annotator.services.commands import AddLink, AddSpan, DeleteSpans, History
from annotator.services.importing import import_texts
from annotator.services.project import open_project

TEXT = (
    "Minister Ana Ruiz (安娜) spoke with Foreign Minister Tomas Berg on Monday.\n"
    "Ana Ruiz said, Spain and Sweden should deepen trade ties. Both will meet in May.\n"
    "Berg said that Sweden is ready to host the next round.\n"
)


@pytest.fixture
def project(tmp_path: Path):
    store = open_project(tmp_path / "p.db")
    import_texts(store, [("call.txt", TEXT.encode())])
    yield store, History(store), store.get_document(1).text
    store.close()


def tag(history: History, text: str, label: str, phrase: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    change = history.do(AddSpan(1, label, start, start + len(phrase), phrase))
    return change.added[0]


def test_tagging_a_speaker_attaches_it_to_a_new_canonical_entity(project) -> None:
    store, history, text = project
    span = tag(history, text, "speaker", "Ana Ruiz", 1)
    [entity] = store.entities()
    assert entity.name == "Ana Ruiz" and entity.mentions == 1
    assert store.get_span(span.id).entity_id == entity.id


def test_a_second_mention_by_name_or_alias_joins_the_same_entity(project) -> None:
    store, history, text = project
    first = tag(history, text, "speaker", "Ana Ruiz", 1)
    hanzi = tag(history, text, "entity", "安娜")
    # "安娜" is a new name, so it becomes its own entity until attached by hand.
    assert {e.name for e in store.entities()} == {"Ana Ruiz", "安娜"}
    history.undo()
    history.undo()
    assert store.entities() == [] and store.span_count() == 0
    history.redo()
    history.redo()
    assert store.get_span(first.id).entity_id is not None
    entity_id = store.get_span(first.id).entity_id
    history.do(AttachEntity((hanzi.id,), entity_id=entity_id))
    entity = store.get_entity(entity_id)
    assert entity.aliases == ("安娜",) and entity.mentions == 2
    # The alias now matches a fresh mention automatically.
    again = tag(history, text, "speaker", "Ana Ruiz", 0)
    assert store.get_span(again.id).entity_id == entity_id


def test_merge_moves_mentions_and_names_and_undo_splits_them_again(project) -> None:
    store, history, text = project
    a = tag(history, text, "speaker", "Tomas Berg")
    b = tag(history, text, "speaker", "Berg", 1)
    ids = {e.name: e.id for e in store.entities()}
    history.do(MergeEntities(ids["Tomas Berg"], ids["Berg"]))
    [merged] = store.entities()
    assert merged.name == "Tomas Berg" and merged.aliases == ("Berg",) and merged.mentions == 2
    assert store.get_span(b.id).entity_id == merged.id
    history.undo()
    assert {e.name: e.mentions for e in store.entities()} == {"Tomas Berg": 1, "Berg": 1}
    assert store.get_span(b.id).entity_id == ids["Berg"]
    assert store.get_span(a.id).entity_id == ids["Tomas Berg"]


def test_rename_refuses_a_name_taken_by_another_entity(project) -> None:
    store, history, text = project
    tag(history, text, "speaker", "Tomas Berg")
    tag(history, text, "entity", "Sweden")
    ids = {e.name: e.id for e in store.entities()}
    with pytest.raises(AnnotatorError, match="merge"):
        history.do(UpdateEntity(ids["Sweden"], {"name": "tomas berg"}))
    history.do(UpdateEntity(ids["Sweden"], {"name": "Kingdom of Sweden", "type": "country"}))
    assert store.get_entity(ids["Sweden"]).name == "Kingdom of Sweden"
    history.undo()
    assert store.get_entity(ids["Sweden"]).name == "Sweden"
    assert store.get_entity(ids["Sweden"]).type == "other"


def test_links_are_stored_removed_and_restored_with_the_span(project) -> None:
    store, history, text = project
    speaker = tag(history, text, "speaker", "Ana Ruiz", 1)
    commitment = tag(history, text, "commitment", "Spain and Sweden should deepen trade ties")
    link = history.do(AddLink(commitment.id, speaker.id, "said_by"))
    assert link.links
    [stored] = store.links_of_span(commitment.id)
    history.do(RemoveLink(stored.id))
    assert store.links_of_span(commitment.id) == []
    history.undo()
    assert store.links_of_span(commitment.id) == [stored]
    history.do(DeleteSpans((speaker.id,)))
    assert store.links_of_span(commitment.id) == []  # the link went with its span
    history.undo()
    assert store.links_of_span(commitment.id) == [stored]


def test_document_note_is_saved_and_undone(project) -> None:
    store, history, _ = project
    history.do(SetDocumentNote(1, "check the date"))
    assert store.get_document(1).note == "check the date"
    history.undo()
    assert store.get_document(1).note == ""


def test_propose_speaker_prefers_the_same_paragraph(project) -> None:
    store, history, text = project
    ana = tag(history, text, "speaker", "Ana Ruiz", 1)
    berg = tag(history, text, "speaker", "Berg", 1)
    first = tag(history, text, "commitment", "Spain and Sweden should deepen trade ties")
    later = tag(history, text, "commitment", "Sweden is ready to host the next round")
    spans = store.spans_for_document(1)
    assert propose_speaker(text, spans, first) == store.get_span(ana.id)
    assert propose_speaker(text, spans, later) == store.get_span(berg.id)


def test_propose_speaker_falls_back_to_the_last_earlier_speaker() -> None:
    text = "Ana said this.\n\nSpain will act.\n"
    speaker = Span(1, 1, "speaker", 0, 3, "Ana")
    commitment = Span(2, 1, "commitment", 16, 31, "Spain will act.")
    assert propose_speaker(text, [speaker, commitment], commitment) == speaker
    assert propose_speaker(text, [commitment], commitment) is None


def test_paragraphs_are_blank_line_blocks_when_the_text_has_them() -> None:
    wrapped = "One line\ncontinues here.\n\nNext paragraph."
    assert paragraph_bounds(wrapped, 12) == (0, 24)
    lines = "First line.\nSecond line."
    assert paragraph_bounds(lines, 14) == (12, 24)


def test_entity_registry_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    store = open_project(path)
    import_texts(store, [("call.txt", TEXT.encode())])
    text = store.get_document(1).text
    history = History(store)
    tag(history, text, "entity", "Sweden")
    store.close()
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name, mentions FROM entities_view").fetchall()
    assert rows == [("Sweden", 1)]
