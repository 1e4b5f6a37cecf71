"""The exported tables on the sample readout: the rows a careful annotator expects."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from annotator.formats.csv_table import unneutralise
from annotator.resources import resources_root
from annotator.services.attribution import AttachEntity
from annotator.services.commands import AddLink, AddSpan, History, UpdateSpan
from annotator.services.exporting import export_csv
from annotator.services.importing import import_texts
from annotator.services.project import open_project


def _find(text: str, phrase: str, occurrence: int = 0) -> int:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    return start


@pytest.fixture
def annotated(tmp_path: Path):
    """The sample phone-call readout, annotated as a researcher would."""
    sample = resources_root() / "samples" / "readout_phone_call.txt"
    store = open_project(tmp_path / "p.db")
    import_texts(store, [("readout.txt", sample.read_bytes())])
    text = store.get_document(1).text
    history = History(store)

    def tag(
        label: str, phrase: str, occurrence: int = 0, *, within: str = "", **attributes: str
    ) -> int:
        start = _find(text, within or phrase, occurrence) + (within or phrase).index(phrase)
        span = history.do(
            AddSpan(1, label, start, start + len(phrase), phrase, attributes=dict(attributes))
        ).added[0]
        return span.id

    li = tag("speaker", "Li Wenhua", within="Li Wenhua said, China")
    china = tag("entity", "China", within="China is ready", type="country")
    egypt = tag("entity", "Egypt", within="with Egypt to prepare", type="country")
    ready = tag(
        "commitment",
        "China is ready to work with Egypt to prepare for the next meeting of the joint commission",
        modality="readiness",
        polarity="positive",
    )
    history.do(AddLink(ready, li, "said_by"))
    history.do(AddLink(ready, china, "binds"))
    history.do(AddLink(ready, egypt, "binds"))
    mansour = tag("speaker", "Karim Mansour", within="Karim Mansour said")
    mr = tag("speaker", "Mr. Mansour")
    history.do(AttachEntity((mr,), entity_id=store.get_span(mansour).entity_id))
    willing = tag(
        "commitment",
        "Egypt is willing to deepen cooperation under the framework of the Forum on "
        "China-Africa Cooperation",
    )
    history.do(UpdateSpan(willing, {"attributes": {"modality": "readiness"}}))
    history.do(AddLink(willing, mansour, "said_by"))
    yield store, text
    store.close()


def read(store, table: str) -> list[dict[str, str]]:
    out = io.StringIO()
    export_csv(store, out, table=table)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    return [{k: unneutralise(v) for k, v in row.items()} for row in rows]


def test_commitments_table_names_speaker_and_bound_entities(annotated) -> None:
    store, text = annotated
    rows = read(store, "commitments")
    assert [r["text"] for r in rows] == [
        "China is ready to work with Egypt to prepare for the next meeting of the joint commission",
        "Egypt is willing to deepen cooperation under the framework of the Forum on "
        "China-Africa Cooperation",
    ]
    first, second = rows
    assert (first["speaker"], first["speaker_entity"]) == ("Li Wenhua", "Li Wenhua")
    assert first["binds"] == "China; Egypt"
    assert (first["modality"], first["polarity"]) == ("readiness", "positive")
    assert first["sentence_text"].startswith("China is ready to work with Egypt")
    assert (second["speaker"], second["speaker_entity"]) == ("Karim Mansour", "Karim Mansour")
    assert second["binds"] == "" and second["polarity"] == ""
    for row in rows:
        start, end = int(row["start"]), int(row["end"])
        assert text[start:end] == row["text"]
        s = int(row["sentence_index"])
        assert store.sentences(1)[s][0] <= start < store.sentences(1)[s][1]


def test_spans_table_carries_links_entities_and_attribute_columns(annotated) -> None:
    store, text = annotated
    rows = read(store, "spans")
    assert {"modality", "polarity", "type", "entity", "speaker", "binds"} <= set(rows[0])
    by_text = {r["text"]: r for r in rows}
    assert by_text["Mr. Mansour"]["entity"] == "Karim Mansour"
    assert by_text["China"]["type"] == "country"
    ready = next(r for r in rows if r["text"].startswith("China is ready"))
    assert ready["speaker"] == "Li Wenhua" and ready["binds"] == "China; Egypt"
    assert [int(r["start"]) for r in rows] == sorted(int(r["start"]) for r in rows)
    for row in rows:
        assert text[int(row["start"]) : int(row["end"])] == row["text"]


def test_sentences_table_lists_covering_labels_and_the_speaker(annotated) -> None:
    store, text = annotated
    rows = read(store, "sentences")
    assert len(rows) == len(store.sentences(1))
    for row in rows:
        assert text[int(row["start"]) : int(row["end"])] == row["text"]
    ready = next(r for r in rows if r["text"].startswith("China is ready"))
    assert ready["labels"] == "commitment; entity"
    assert ready["speaker"] == "Li Wenhua"
    said = next(r for r in rows if r["text"].startswith("Li Wenhua said, China and Egypt"))
    # A speaker mention alone does not attribute the sentence to anyone.
    assert said["labels"] == "speaker" and said["speaker"] == ""
    untouched = next(r for r in rows if r["text"].startswith("The two ministers agreed"))
    assert untouched["labels"] == "" and untouched["speaker"] == ""


def test_entities_table_counts_mentions_and_lists_aliases(annotated) -> None:
    store, _ = annotated
    rows = {r["name"]: r for r in read(store, "entities")}
    assert set(rows) == {"Li Wenhua", "China", "Egypt", "Karim Mansour"}
    assert rows["Karim Mansour"]["mentions"] == "2"
    assert rows["Karim Mansour"]["aliases"] == "Mr. Mansour"
    assert rows["China"]["type"] == "country"
    assert rows["Li Wenhua"]["documents"].startswith("Foreign Minister Li Wenhua")
