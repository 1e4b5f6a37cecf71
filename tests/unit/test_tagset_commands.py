"""Editing the tag set: spans follow a renamed label; deleting one can be undone."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from annotator.domain.errors import AnnotatorError
from annotator.domain.model import Attribute
from annotator.services.commands import AddLink, AddSpan, History
from annotator.services.importing import import_texts
from annotator.services.project import open_project
from annotator.services.tagset_commands import (
    AddLabel,
    DeleteLabel,
    ImportTagset,
    UpdateLabel,
    export_tagset,
    new_label,
)

TEXT = "Ana Ruiz said Spain will host the summit. Berg agreed."


@pytest.fixture
def project(tmp_path: Path):
    store = open_project(tmp_path / "p.db")
    import_texts(store, [("a.txt", TEXT.encode())])
    history = History(store)
    yield store, history
    store.close()


def _tag(history: History, label: str, phrase: str) -> int:
    start = TEXT.index(phrase)
    return history.do(AddSpan(1, label, start, start + len(phrase), phrase)).added[0].id


def test_renamed_label_keeps_its_spans_and_undo_restores_the_name(project) -> None:
    store, history = project
    span = _tag(history, "commitment", "Spain will host the summit")
    history.do(UpdateLabel("commitment", {"name": "pledge", "color": "#112233"}))
    assert store.get_span(span).label == "pledge"
    assert "commitment" not in store.tagset().names()
    history.undo()
    assert store.get_span(span).label == "commitment"
    assert store.get_label("commitment").color == "#D55E00"


def test_shortcut_and_name_clashes_are_refused(project) -> None:
    store, history = project
    with pytest.raises(AnnotatorError, match="shortcut"):
        history.do(UpdateLabel("entity", {"shortcut": "1"}))
    with pytest.raises(AnnotatorError, match="already a label"):
        history.do(AddLabel(new_label(store, "speaker")))
    assert store.get_label("entity").shortcut == "3"


def test_deleting_a_used_label_removes_its_spans_and_undo_brings_all_back(project) -> None:
    store, history = project
    speaker = _tag(history, "speaker", "Ana Ruiz")
    commitment = _tag(history, "commitment", "Spain will host the summit")
    history.do(AddLink(commitment, speaker, "said_by"))
    before = store.spans_for_document(1)
    history.do(DeleteLabel("speaker"))
    assert "speaker" not in store.tagset().names()
    assert [s.label for s in store.spans_for_document(1)] == ["commitment"]
    assert store.links_of_span(commitment) == []
    history.undo()
    assert store.spans_for_document(1) == before
    assert [link.type for link in store.links_of_span(commitment)] == ["said_by"]


def test_attribute_values_can_be_added(project) -> None:
    store, history = project
    label = store.get_label("commitment")
    modality = label.attributes[0]
    extended = Attribute(modality.name, modality.kind, (*modality.values, "conditional"))
    history.do(UpdateLabel("commitment", {"attributes": (extended, *label.attributes[1:])}))
    assert "conditional" in store.get_label("commitment").attributes[0].values
    history.undo()
    assert "conditional" not in store.get_label("commitment").attributes[0].values


def test_tagset_toml_round_trips_into_another_project(project, tmp_path: Path) -> None:
    store, history = project
    history.do(AddLabel(new_label(store, "date")))
    toml = export_tagset(store)
    other = open_project(tmp_path / "other.db")
    try:
        History(other).do(ImportTagset(toml))
        assert _without_ids(other) == _without_ids(store)
    finally:
        other.close()


def _without_ids(store):  # type: ignore[no-untyped-def]
    return [dataclasses.replace(label, id=None) for label in store.tagset().labels]
