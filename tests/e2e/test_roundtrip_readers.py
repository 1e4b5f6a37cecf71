"""Every export read back by the tool that its users read it with: pandas for CSV, a
brat standoff parser from PyPI (bratly), spaCy's CoNLL-2003 reader for BIO, spaCy for
DocBin, Label Studio's converter for its JSON. Every span's text and label must come out
as the project has them; our own importer closes the loop for JSONL, doccano and brat."""

from __future__ import annotations

import contextlib
import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from roundtrip_support import SPAN_FIELDS, build_project, snapshot, span_texts

from annotator.formats.csv_table import unneutralise
from annotator.formats.records import SpanRecord, without_overlaps
from annotator.formats.tokens import tokenize
from annotator.services.exporting import export
from annotator.services.importing import import_paths
from annotator.services.project import open_project
from annotator.storage import Store


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = build_project(tmp_path_factory.mktemp("project") / "p.db")
    yield store
    store.close()


def test_csv_read_by_pandas(project: Store, tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    out = tmp_path / "spans.csv"
    report = export(project, out, "csv")
    frame = pandas.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8")
    assert report.rows == len(frame) == project.span_count()
    texts = {d.id: project.get_document(d.id).text for d in project.list_documents()}
    got = []
    for row in frame.itertuples():
        text = unneutralise(row.text)
        start, end = int(row.start), int(row.end)
        assert texts[int(row.document_id)][start:end] == text
        got.append((texts[int(row.document_id)], start, end, row.label, text))
    assert sorted(got) == span_texts(project)


def test_brat_read_by_bratly(project: Store, tmp_path: Path) -> None:
    pytest.importorskip("bratly")
    from bratly import AttributeAnnotation, EntityAnnotation, NoteAnnotation, RelationAnnotation
    from bratly.io import read_and_load_txt_file

    out = tmp_path / "brat"
    export(project, out, "brat")
    assert (out / "annotation.conf").is_file() and (out / "visual.conf").is_file()
    got = []
    kinds: Counter[str] = Counter()
    for txt in sorted(out.glob("*.txt")):
        text = txt.read_text(encoding="utf-8")
        with contextlib.redirect_stdout(io.StringIO()):  # bratly prints as it searches
            document = read_and_load_txt_file(str(txt))
        for annotation in document.annotation_collections[0].annotations:
            if isinstance(annotation, EntityAnnotation):
                (fragment,) = annotation.fragments
                start, end = fragment.start, fragment.end
                assert annotation.content == " ".join(text[start:end].split("\n"))
                got.append((text, start, end, annotation.label, text[start:end]))
            kinds[type(annotation).__name__] += 1
    assert sorted(got) == span_texts(project)
    assert kinds[RelationAnnotation.__name__] == len(project.all_links())
    assert kinds[NoteAnnotation.__name__] == 1
    attributes = sum(
        len(s.attributes)
        for d in project.list_documents()
        for s in project.spans_for_document(d.id)
    )
    assert kinds[AttributeAnnotation.__name__] == attributes == 9


def test_brat_back_through_our_importer(project: Store, tmp_path: Path) -> None:
    out = tmp_path / "brat"
    export(project, out, "brat")
    copy = open_project(tmp_path / "copy.db")
    report = import_paths(copy, [out])
    assert report.ok, report.failed
    fields = ("start", "end", "label", "text", "attributes", "note")
    assert snapshot(copy, fields, documents=False) == snapshot(project, fields, documents=False)
    entities = sorted((e.name, e.mentions) for e in copy.entities())
    assert entities == sorted((e.name, e.mentions) for e in project.entities())
    copy.close()


def test_conll_read_by_spacy(project: Store, tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    from spacy.training.converters import conll_ner_to_docs

    out = tmp_path / "ner.conll"
    report = export(project, out, "conll")
    docs = list(conll_ner_to_docs(out.read_text(encoding="utf-8"), no_print=True))
    summaries = project.list_documents()
    assert len(docs) == len(summaries)
    order = project.tagset().names()
    dropped_total = 0
    for summary, doc in zip(summaries, docs, strict=True):
        text = project.get_document(summary.id).text
        records = [
            SpanRecord(str(s.id), s.label, s.start, s.end, s.text)
            for s in project.spans_for_document(summary.id)
        ]
        kept, dropped = without_overlaps(records, order)
        dropped_total += len(dropped)
        expected = []
        for span in kept:
            tokens = tokenize(text, {span.start, span.end})
            words = [text[a:b] for a, b in tokens if a >= span.start and b <= span.end]
            expected.append((" ".join(words), span.label))
        assert [(e.text, e.label_) for e in doc.ents] == expected
        assert [t.text for t in doc] == [text[a:b] for a, b in tokenize(text, _breaks(kept))]
    assert dropped_total > 0
    assert report.warnings == [
        f"CoNLL cannot hold overlapping spans: {dropped_total} span(s) dropped "
        "(kept: earliest start, then longest, then tag-set order)"
    ]


def _breaks(spans: list[SpanRecord]) -> set[int]:
    return {p for s in spans for p in (s.start, s.end)}


def test_docbin_read_by_spacy(project: Store, tmp_path: Path) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    out = tmp_path / "train.spacy"
    report = export(project, out, "spacy")
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("xx").vocab))
    summaries = project.list_documents()
    assert len(docs) == len(summaries)
    entity_names = {e.id: e.name for e in project.entities()}
    overlapping = 0
    for summary, doc in zip(summaries, docs, strict=True):
        text = project.get_document(summary.id).text
        assert doc.text == text
        spans = project.spans_for_document(summary.id)
        assert sorted(
            (s.start_char, s.end_char, s.label_, s.text, s.kb_id_, s.id_) for s in doc.spans["sc"]
        ) == sorted(
            (s.start, s.end, s.label, s.text, entity_names.get(s.entity_id, ""), str(s.id))
            for s in spans
        )
        ents = {(e.start_char, e.end_char, e.label_) for e in doc.ents}
        assert all(text[a:b] for a, b, _ in ents)
        overlapping += len(spans) - len(ents)
        assert doc.user_data["annotator"]["document_id"] == summary.id
    assert overlapping > 0 and report.warnings[0].startswith(
        f"doc.ents cannot hold overlapping spans: {overlapping}"
    )


def test_label_studio_read_by_its_converter(project: Store, tmp_path: Path) -> None:
    pytest.importorskip("label_studio_converter")
    from label_studio_converter import Converter

    out = tmp_path / "tasks.json"
    report = export(project, out, "labelstudio")
    (config,) = report.extra_files
    converter = Converter(config=config.read_text(encoding="utf-8"), project_dir=str(tmp_path))
    got = []
    attributes = Counter()
    for item in converter.iter_from_json_file(str(out)):
        text = item["input"]["text"]
        for region in item["output"]["label"]:
            (label,) = region["labels"]
            assert text[region["start"] : region["end"]] == region["text"]
            got.append((text, region["start"], region["end"], label, region["text"]))
        for name in ("modality", "polarity", "type"):
            attributes[name] += len(item["output"].get(name, []))
    assert sorted(got) == span_texts(project)
    assert attributes == Counter(modality=4, polarity=2, type=3)
    tasks = json.loads(out.read_text(encoding="utf-8"))
    relations = [r for t in tasks for r in t["annotations"][0]["result"] if r["type"] == "relation"]
    assert len(relations) == len(project.all_links())


def test_label_studio_back_through_our_importer(project: Store, tmp_path: Path) -> None:
    out = tmp_path / "tasks.json"
    export(project, out, "labelstudio")
    copy = open_project(tmp_path / "copy.db")
    report = import_paths(copy, [out])
    assert report.ok, report.failed
    fields = ("start", "end", "label", "text", "attributes", "note")
    assert snapshot(copy, fields, documents=False) == snapshot(project, fields, documents=False)
    copy.close()


@pytest.mark.parametrize("fmt", ["jsonl", "doccano"])
def test_jsonl_and_doccano_back_through_our_importer(
    project: Store, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"{fmt}.jsonl"
    export(project, out, fmt)
    copy = open_project(tmp_path / "copy.db")
    report = import_paths(copy, [out])
    assert report.ok, report.failed
    if fmt == "jsonl":  # everything
        assert snapshot(copy) == snapshot(project)
        assert snapshot(copy, SPAN_FIELDS)  # not empty
    else:  # doccano holds offsets, labels and relations
        fields = ("start", "end", "label", "text")
        assert snapshot(copy, fields, documents=False) == snapshot(project, fields, documents=False)
    copy.close()
