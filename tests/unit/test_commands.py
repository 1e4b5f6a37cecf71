"""Commands with undo/redo: every undo puts the project file back exactly as it was,
and redo brings back the same rows with the same ids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from annotator.domain.errors import AnnotatorError, OffsetError
from annotator.domain.model import Document, sha256_text
from annotator.services.commands import (
    AddLink,
    AddSpan,
    DeleteSpans,
    History,
    SetStatus,
    UpdateSpan,
)
from annotator.storage import Store

TEXT = "Minister Ana Ruiz said: “Spain will send 😀 aid.” Then she left.\nNext line."
NL = TEXT.index("\n")
TABLES = ("documents", "spans", "links", "entities", "labels")


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables a user's work lives in."""
    return {
        t: [tuple(r) for r in store.db.execute(f"SELECT * FROM {t} ORDER BY rowid")] for t in TABLES
    }


@pytest.fixture
def doc(store: Store) -> int:
    with store.transaction():
        return store.add_document(
            Document(None, "Readout", TEXT, sha256=sha256_text(TEXT)),
            [(0, NL), (NL + 1, len(TEXT))],
        )


def add(doc: int, label: str, fragment: str) -> AddSpan:
    start = TEXT.index(fragment)
    return AddSpan(doc, label, start, start + len(fragment), fragment)


def test_add_undo_redo(store: Store, doc: int) -> None:
    history = History(store)
    empty = snapshot(store)
    change = history.do(add(doc, "commitment", "Spain will send 😀 aid."))
    (span,) = change.added
    assert span.id is not None
    assert TEXT[span.start : span.end] == span.text == "Spain will send 😀 aid."
    assert span.annotator == "tester"  # from ANNOTATOR_USER
    done = snapshot(store)

    history.undo()
    assert snapshot(store) == empty
    history.redo()
    assert snapshot(store) == done
    assert store.get_span(span.id) == span  # same id, same timestamps


def test_registry_label_creates_an_entity_and_undo_removes_it(store: Store, doc: int) -> None:
    history = History(store)
    empty = snapshot(store)
    change = history.do(add(doc, "speaker", "Ana Ruiz"))
    (span,) = change.added
    assert span.entity_id is not None
    assert store.get_entity(span.entity_id).name == "Ana Ruiz"
    done = snapshot(store)
    history.undo()
    assert snapshot(store) == empty
    assert store.entities() == []
    history.redo()
    assert snapshot(store) == done


def test_relabel_and_edit_undo_exactly(store: Store, doc: int) -> None:
    history = History(store)
    (span,) = history.do(add(doc, "commitment", "Spain will send 😀 aid.")).added
    assert span.id is not None
    before = snapshot(store)

    history.do(UpdateSpan(span.id, {"label": "entity"}))
    assert store.get_span(span.id).label == "entity"
    history.do(UpdateSpan(span.id, {"attributes": {"modality": "intention"}, "note": "n"}))
    edited = store.get_span(span.id)
    assert (edited.attributes, edited.note) == ({"modality": "intention"}, "n")
    after = snapshot(store)

    history.undo()
    history.undo()
    assert snapshot(store) == before  # label, attributes, note and updated_at restored
    history.redo()
    history.redo()
    got = store.get_span(span.id)
    assert (got.label, got.attributes, got.note) == ("entity", {"modality": "intention"}, "n")
    assert {t: rows for t, rows in snapshot(store).items() if t != "spans"} == {
        t: rows for t, rows in after.items() if t != "spans"
    }


def test_delete_then_undo_restores_spans_and_links(store: Store, doc: int) -> None:
    history = History(store)
    (speaker,) = history.do(add(doc, "speaker", "Ana Ruiz")).added
    (commitment,) = history.do(add(doc, "commitment", "Spain will send 😀 aid.")).added
    (country,) = history.do(add(doc, "entity", "Spain")).added
    assert speaker.id and commitment.id and country.id
    history.do(AddLink(commitment.id, speaker.id, "said_by"))
    history.do(AddLink(commitment.id, country.id, "binds"))
    linked = snapshot(store)

    history.do(DeleteSpans((speaker.id, commitment.id)))
    assert store.links_of_span(country.id) == []
    assert [s.id for s in store.spans_for_document(doc)] == [country.id]

    history.undo()
    assert snapshot(store) == linked  # the same span ids, the same link ids
    history.redo()
    assert store.links_of_span(country.id) == []
    history.undo()
    assert snapshot(store) == linked


def test_undo_everything_then_redo_everything(store: Store, doc: int) -> None:
    history = History(store)
    start = snapshot(store)
    (a,) = history.do(add(doc, "speaker", "Minister Ana Ruiz")).added
    (b,) = history.do(add(doc, "commitment", "Spain will send 😀 aid.")).added
    assert a.id and b.id
    history.do(AddLink(b.id, a.id, "said_by"))
    history.do(UpdateSpan(b.id, {"attributes": {"polarity": "positive"}}))
    history.do(SetStatus(doc, "done"))
    history.do(DeleteSpans((a.id,)))
    history.do(add(doc, "entity", "Spain"))
    end = snapshot(store)

    while history.undo() is not None:
        pass
    assert snapshot(store) == start
    while history.redo() is not None:
        pass
    final = snapshot(store)
    # Everything but update timestamps of edited rows is identical.
    assert final["links"] == end["links"]
    assert final["entities"] == end["entities"]
    assert final["documents"] == end["documents"]
    assert [r[:6] for r in final["spans"]] == [r[:6] for r in end["spans"]]


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [(0, 5, "Minis"), (0, 8, "Minister"), (5, 2, ""), (0, 999, TEXT), (-1, 3, "Min")],
)
def test_add_span_with_bad_offsets_raises_and_writes_nothing(
    store: Store, doc: int, start: int, end: int, text: str
) -> None:
    history = History(store)
    before = snapshot(store)
    if text == "Minis":
        text = "Minus"  # right length, wrong text
    elif text == "Minister":
        start, end = 1, 9  # shifted by one
    with pytest.raises(OffsetError):
        history.do(AddSpan(doc, "speaker", start, end, text))
    assert snapshot(store) == before
    assert history.undo() is None  # nothing to undo: the failed command was not recorded


def test_unknown_label_and_status_are_refused(store: Store, doc: int) -> None:
    history = History(store)
    before = snapshot(store)
    with pytest.raises(AnnotatorError, match="no label"):
        history.do(add(doc, "nonsense", "Ana"))
    with pytest.raises(AnnotatorError, match="unknown status"):
        history.do(SetStatus(doc, "finished"))
    assert snapshot(store) == before


def test_new_command_clears_redo(store: Store, doc: int) -> None:
    history = History(store)
    history.do(add(doc, "entity", "Spain"))
    history.undo()
    history.do(add(doc, "entity", "Ana Ruiz"))
    assert history.redo() is None
    assert [s.text for s in store.spans_for_document(doc)] == ["Ana Ruiz"]


def test_failed_undo_changes_nothing_and_can_be_retried(
    store: Store, doc: int, project_path: Path
) -> None:
    history = History(store)
    (span,) = history.do(add(doc, "commitment", "Spain will send 😀 aid.")).added
    assert span.id is not None
    history.do(UpdateSpan(span.id, {"note": "check"}))
    # Another window (another connection) removes the span behind this history's back.
    other = Store.open(project_path)
    saved = other.get_span(span.id)
    other.delete_span(span.id)
    before = snapshot(store)
    with pytest.raises(AnnotatorError, match="no span"):
        history.undo()
    assert snapshot(store) == before
    # Once the span is back, the same undo (the note edit) is still the next one.
    other.insert_span(saved)
    other.close()
    history.undo()
    restored = store.get_span(span.id)
    assert restored.note == ""
    history.undo()
    assert store.spans_for_document(doc) == []
