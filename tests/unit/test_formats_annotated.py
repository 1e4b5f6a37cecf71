"""Importing annotated files (brat standoff, Label Studio JSON, doccano and annotator
JSONL): spans, links, attributes, notes and entities arrive with exact offsets, and a
file whose offsets do not fit its text is refused whole, naming the file, line (or task)
and span, while the rest of the batch goes on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.services.importing import ImportReport, import_paths
from annotator.storage import Store

TEXT = "Minister 😀 Ruiz said:\nwe will\nsend aid to Gaza.\n"


def at(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def spans_of(store: Store, doc_id: int) -> list[tuple[str, str, dict[str, Any], str]]:
    return [(s.label, s.text, s.attributes, s.note) for s in store.spans_for_document(doc_id)]


def links_of(store: Store) -> list[tuple[str, str, str]]:
    return [
        (store.get_span(k.source_id).text, store.get_span(k.target_id).text, k.type)
        for k in store.all_links()
    ]


def only_doc(report: ImportReport) -> int:
    assert report.ok, report.failed
    ((_, doc_id, _),) = report.imported
    return doc_id


# -- brat ------------------------------------------------------------------------------


def brat_pair(folder: Path, stem: str, text: str | bytes, ann: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    txt = folder / f"{stem}.txt"
    txt.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    (folder / f"{stem}.ann").write_text(ann, encoding="utf-8")
    return txt


def test_brat_spans_relations_attributes_notes_and_entities(store: Store, tmp_path: Path) -> None:
    ruiz, commit = at(TEXT, "Ruiz"), at(TEXT, "we will\nsend aid")
    gaza = at(TEXT, "Gaza")
    ann = (
        f"T1\tspeaker {ruiz[0]} {ruiz[1]}\tRuiz\n"
        f"T2\tcommitment {commit[0]} {commit[1]}\twe will send aid\n"
        f"T3\tplace {gaza[0]} {gaza[1]}\tGaza\n"
        "R1\tsaid_by Arg1:T2 Arg2:T1\n"
        "A1\tmodality T2 intention\n"
        "A2\tNegated T3\n"
        "#1\tAnnotatorNotes T2\tpromised twice\n"
        "N1\tReference T1 Wikidata:Q42\tCarlos Ruiz\n"
    )
    brat_pair(tmp_path / "corpus", "call", TEXT, ann)
    report = import_paths(store, [tmp_path / "corpus"])
    doc_id = only_doc(report)  # the .txt is not imported a second time as plain text
    assert store.get_document(doc_id).metadata["format"] == "brat"
    assert spans_of(store, doc_id) == [
        ("speaker", "Ruiz", {}, ""),
        ("commitment", "we will\nsend aid", {"modality": "intention"}, "promised twice"),
        ("place", "Gaza", {"Negated": True}, ""),
    ]
    assert links_of(store) == [("we will\nsend aid", "Ruiz", "said_by")]
    (entity,) = store.entities()
    assert entity.name == "Carlos Ruiz" and entity.mentions == 1


def test_brat_crlf_text_offsets_are_remapped(store: Store, tmp_path: Path) -> None:
    raw = TEXT.replace("\n", "\r\n")
    gaza = at(raw, "Gaza")
    commit = at(raw, "we will\r\nsend")
    ann = (
        f"T1\tplace {gaza[0]} {gaza[1]}\tGaza\n"
        f"T2\tcommitment {commit[0]} {commit[1]}\twe will  send\n"
    )
    txt = brat_pair(tmp_path, "crlf", raw, ann)
    doc_id = only_doc(import_paths(store, [txt]))
    assert store.get_document(doc_id).text == TEXT
    assert [s[1] for s in spans_of(store, doc_id)] == ["we will\nsend", "Gaza"]


def test_brat_discontinuous_spans(store: Store, tmp_path: Path) -> None:
    text = "The United\nNations and the Red Cross agreed."
    ann = (
        "T1\torg 4 10;11 18\tUnited Nations\n"  # split only by a line break: one span
        "T2\torg 4 10;27 36\tUnited Red Cross\n"  # really apart: one span per fragment
        "A1\tlead T2\n"
    )
    brat_pair(tmp_path, "d", text, ann)
    report = import_paths(store, [tmp_path / "d.ann"])
    doc_id = only_doc(report)
    assert spans_of(store, doc_id) == [
        ("org", "United", {"lead": True}, ""),
        ("org", "United\nNations", {}, ""),
        ("org", "Red Cross", {"lead": True}, ""),
    ]
    ((_, warning),) = report.warnings
    assert "line 2" in warning and "T2" in warning and "2 spans" in warning


@pytest.mark.parametrize(
    ("ann", "words"),
    [
        ("T1\tplace 5 999\tGaza\n", ["line 2", "T1", "[5, 999)", "outside the text"]),
        ("T1\tplace 0 4\tGaza\n", ["line 2", "T1", "'Mini'", "'Gaza'"]),
        ("T1\tplace 9 3\tx\n", ["line 2", "T1", "empty or inverted"]),
        ("R1\tsaid_by Arg1:T9 Arg2:T0\n", ["line 2", "T9"]),
        ("A1\tneg T7\n", ["line 2", "T7"]),
        ("X1\twhat is this\n", ["line 2", "not a brat annotation line"]),
    ],
)
def test_brat_bad_ann_refuses_the_file_and_the_batch_goes_on(
    store: Store, tmp_path: Path, ann: str, words: list[str]
) -> None:
    good = brat_pair(tmp_path / "a", "good", "Fine text.", "T1\tx 0 4\tFine\n")
    bad = brat_pair(tmp_path / "b", "bad", TEXT, "T0\tspeaker 11 15\tRuiz\n" + ann)
    after = tmp_path / "c" / "after.txt"
    after.parent.mkdir()
    after.write_text("Plain text after.", encoding="utf-8")
    report = import_paths(store, [good, bad, after])
    ((name, reason),) = report.failed
    assert name == str(bad.with_suffix(".ann"))
    assert "bad.ann" in reason
    for word in words:
        assert word in reason
    assert sorted(d.title for d in store.list_documents()) == ["Fine text.", "Plain text after."]
    assert store.span_count() == 1  # only the good file's


def test_brat_events_are_counted_not_imported(store: Store, tmp_path: Path) -> None:
    ann = "T1\tspeaker 11 15\tRuiz\nE1\tsay:T1\n*\tEquiv T1 T1\n"
    brat_pair(tmp_path, "e", TEXT, ann)
    report = import_paths(store, [tmp_path / "e.ann"])
    only_doc(report)
    assert sorted(w for _, w in report.warnings) == [
        f"{tmp_path / 'e.ann'}: 1 equivalence lines (*) not imported",
        f"{tmp_path / 'e.ann'}: 1 event lines (E) not imported",
    ]


def test_brat_ann_without_its_txt_is_refused(store: Store, tmp_path: Path) -> None:
    ann = tmp_path / "lonely.ann"
    ann.write_text("T1\tx 0 1\ta\n", encoding="utf-8")
    ((_, reason),) = import_paths(store, [ann]).failed
    assert "lonely.ann" in reason and "lonely.txt" in reason


# -- Label Studio ----------------------------------------------------------------------


def ls_region(rid: str, text: str, phrase: str, *labels: str, **extra: Any) -> dict[str, Any]:
    start, end = at(text, phrase)
    value = {"start": start, "end": end, "text": phrase, "labels": list(labels)}
    return {
        "id": rid,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": value,
        **extra,
    }


def test_label_studio_tasks(store: Store, tmp_path: Path) -> None:
    commit = at(TEXT, "we will\nsend aid")
    tasks = [
        {
            "id": 41,
            "data": {"text": TEXT, "source": "wire"},
            "annotations": [
                {
                    "completed_by": {"email": "ana@example.org"},
                    "result": [
                        ls_region("a", TEXT, "Ruiz", "speaker"),
                        ls_region(
                            "b",
                            TEXT,
                            "we will\nsend aid",
                            "commitment",
                            meta={"text": ["check the date"]},
                        ),
                        {
                            "id": "b",
                            "from_name": "modality",
                            "to_name": "text",
                            "type": "choices",
                            "value": {
                                "start": commit[0],
                                "end": commit[1],
                                "choices": ["intention"],
                            },
                        },
                        ls_region("c", TEXT, "Gaza", "place", "entity"),
                        {
                            "from_id": "a",
                            "to_id": "b",
                            "type": "relation",
                            "direction": "left",
                            "labels": ["said_by"],
                        },
                        {
                            "id": "x",
                            "from_name": "topic",
                            "to_name": "text",
                            "type": "choices",
                            "value": {"choices": ["aid"]},
                        },
                    ],
                },
                {"was_cancelled": True, "result": [ls_region("z", TEXT, "Minister", "x")]},
            ],
            "predictions": [{"result": []}],
        }
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    report = import_paths(store, [path])
    doc_id = only_doc(report)
    assert spans_of(store, doc_id) == [
        ("speaker", "Ruiz", {}, ""),
        ("commitment", "we will\nsend aid", {"modality": "intention"}, "check the date"),
        ("place", "Gaza", {}, ""),
        ("entity", "Gaza", {}, ""),
    ]
    assert {s.annotator for s in store.spans_for_document(doc_id)} == {"ana@example.org"}
    assert links_of(store) == [("we will\nsend aid", "Ruiz", "said_by")]  # direction left
    metadata = store.get_document(doc_id).metadata
    assert metadata["task_id"] == 41 and metadata["source"] == "wire"
    assert metadata["classifications"] == {"topic": "aid"}
    assert [w for _, w in report.warnings] == [f"{path}: 1 predictions not imported"]


@pytest.mark.parametrize(
    ("result", "words"),
    [
        ({"id": "r1", "type": "labels", "value": {"end": 4, "labels": ["x"]}}, ['"start"', "r1"]),
        ({"id": "r2", "type": "labels", "value": {"start": 0, "end": 4}}, ['"labels"', "r2"]),
        ({"id": "r3", "type": "labels"}, ['"value"', "r3"]),
        (
            {"id": "r4", "type": "labels", "value": {"start": 0, "end": 99, "labels": ["x"]}},
            ["r4", "outside the text"],
        ),
        (
            {
                "id": "r5",
                "type": "labels",
                "value": {"start": 0, "end": 4, "text": "Gaza", "labels": ["x"]},
            },
            ["r5", "'Mini'", "'Gaza'"],
        ),
        ({"type": "relation", "to_id": "a"}, ['"from_id"']),
    ],
)
def test_label_studio_malformed_task_refuses_the_file(
    store: Store, tmp_path: Path, result: dict[str, Any], words: list[str]
) -> None:
    tasks = [
        {"id": 1, "data": {"text": "A fine task."}, "annotations": [{"result": []}]},
        {"id": 77, "data": {"text": TEXT}, "annotations": [{"result": [result]}]},
    ]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    after = tmp_path / "after.txt"
    after.write_text("After.", encoding="utf-8")
    report = import_paths(store, [path, after])
    ((name, reason),) = report.failed
    assert name == str(path) and "bad.json" in reason and "task 77" in reason
    for word in words:
        assert word in reason
    assert [d.title for d in store.list_documents()] == ["After."]


def test_label_studio_task_without_data_or_text(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps([{"id": 5, "annotations": []}]), encoding="utf-8")
    ((_, reason),) = import_paths(store, [path]).failed
    assert "task 5" in reason and '"data"' in reason
    path.write_text(json.dumps({"id": 6, "data": {"a": "x", "b": "y"}}), encoding="utf-8")
    ((_, reason),) = import_paths(store, [path]).failed
    assert "task 6" in reason and "--text-field" in reason
    report = import_paths(store, [path], text_field="b")
    assert report.ok and store.get_document(only_doc(report)).text == "y"


# -- doccano and annotator JSONL -------------------------------------------------------


def test_doccano_relations_become_links(store: Store, tmp_path: Path) -> None:
    ruiz, aid = at(TEXT, "Ruiz"), at(TEXT, "send aid")
    line = {
        "text": TEXT,
        "entities": [
            {"id": 10, "label": "speaker", "start_offset": ruiz[0], "end_offset": ruiz[1]},
            {"id": 11, "label": "commitment", "start_offset": aid[0], "end_offset": aid[1]},
        ],
        "relations": [{"id": 1, "from_id": 11, "to_id": 10, "type": "said_by"}],
    }
    path = tmp_path / "rel.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    only_doc(import_paths(store, [path]))
    assert links_of(store) == [("send aid", "Ruiz", "said_by")]


def annotator_line(**changes: Any) -> dict[str, Any]:
    ruiz = at(TEXT, "Ruiz")
    line: dict[str, Any] = {
        "annotator_jsonl": 1,
        "title": "Call",
        "status": "done",
        "note": "checked",
        "metadata": {"format": "text"},
        "text": TEXT,
        "spans": [
            {
                "id": 5,
                "label": "speaker",
                "start": ruiz[0],
                "end": ruiz[1],
                "text": "Ruiz",
                "entity": {"name": "Carlos Ruiz", "type": "person", "aliases": ["Ruiz"]},
            },
            {"id": 6, "label": "commitment", "start": 22, "end": 29, "text": "we will"},
        ],
        "links": [{"source": 6, "target": 5, "type": "said_by"}],
    }
    line.update(changes)
    return line


def test_annotator_jsonl_keeps_status_note_links_and_entities(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(annotator_line()) + "\n", encoding="utf-8")
    doc_id = only_doc(import_paths(store, [path]))
    doc = store.get_document(doc_id)
    assert (doc.title, doc.status, doc.note) == ("Call", "done", "checked")
    assert links_of(store) == [("we will", "Ruiz", "said_by")]
    (entity,) = store.entities()
    assert (entity.name, entity.type, entity.aliases) == ("Carlos Ruiz", "person", ("Ruiz",))


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"links": [{"source": 6, "target": 99, "type": "said_by"}]}, ["link #1", "'99'"]),
        ({"status": "finished"}, ["'finished'"]),
        (
            {"spans": [{"id": 8, "label": "x", "start": 0, "end": 4, "text": "Gaza"}], "links": []},
            ["span 8", "'Mini'", "'Gaza'"],
        ),
        ({"spans": [{"id": 8, "label": "x", "start": "0", "end": 4}], "links": []}, ["span 8"]),
    ],
)
def test_annotator_jsonl_errors_name_the_line_and_span(
    store: Store, tmp_path: Path, changes: dict[str, Any], words: list[str]
) -> None:
    path = tmp_path / "p.jsonl"
    first = {"annotator_jsonl": 1, "text": "Fine.", "spans": [], "links": []}
    path.write_text(
        json.dumps(first) + "\n" + json.dumps(annotator_line(**changes)) + "\n", encoding="utf-8"
    )
    ((_, reason),) = import_paths(store, [path]).failed
    assert "p.jsonl, line 2" in reason
    for word in words:
        assert word in reason
    assert store.document_count() == 0
