"""Corpora: CSV, TSV and JSONL files with one document per row, the text column chosen
with ``text_field`` and every other column kept as metadata."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from annotator.services.importing import import_paths
from annotator.storage import Store


def documents(store: Store) -> list[tuple[str, str, dict[str, object]]]:
    out = []
    for summary in store.list_documents():
        doc = store.get_document(summary.id)
        out.append((doc.title, doc.text, doc.metadata))
    return out


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def test_csv_corpus_with_a_chosen_text_column(store: Store, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "speeches.csv",
        [
            ["id", "title", "speaker", "body"],
            ["1", "Opening", "Minister Ruiz", 'We will, "together", rebuild.\r\nThank you. 😀'],
            ["2", "", "Ambassador Lee", "The talks continue."],
            ["3", "Empty", "Nobody", "   "],
        ],
    )
    report = import_paths(store, [path], text_field="body")
    assert report.ok, report.failed
    assert len(report.imported) == 2
    assert [w for _, w in report.warnings] == [
        f"{path}, line 5: no text in 'body'; the row is skipped"
    ]
    (t1, text1, meta1), (t2, text2, meta2) = documents(store)
    assert (t1, text1) == ("Opening", 'We will, "together", rebuild.\nThank you. 😀')
    assert meta1["speaker"] == "Minister Ruiz" and meta1["id"] == "1" and meta1["format"] == "csv"
    assert meta1["encoding"] == "utf-8"
    assert (t2, text2) == ("The talks continue.", "The talks continue.")
    assert store.get_document(report.imported[0][1]).source == f"{path}#L3"


def test_tsv_corpus_defaults_to_the_text_column(store: Store, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "posts.tsv",
        [["text", "lang"], ["Bonjour à tous", "fr"], ["Hello all", "en"]],
        delimiter="\t",
    )
    report = import_paths(store, [path])
    assert report.ok, report.failed
    assert [(text, meta["lang"]) for _, text, meta in documents(store)] == [
        ("Bonjour à tous", "fr"),
        ("Hello all", "en"),
    ]


def test_csv_without_the_text_column_names_the_columns(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [["id", "content"], ["1", "Some words."]])
    report = import_paths(store, [path])
    ((name, reason),) = report.failed
    assert "x.csv" in reason and "'text'" in reason and "id, content" in reason
    assert "--text-field" in reason
    assert store.document_count() == 0


def test_csv_row_with_too_many_cells_refuses_the_file(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", [["text"], ["fine"], ["a", "b"]])
    report = import_paths(store, [path])
    ((_, reason),) = report.failed
    assert "bad.csv, line 3" in reason
    assert store.document_count() == 0


def test_jsonl_corpus_with_a_text_field(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "tweets.jsonl"
    lines = [
        {"id": 1, "content": "First post 🇺🇳", "user": {"name": "un"}},
        {"id": 2, "content": "Second\r\npost"},
        {"id": 3, "other": "no content"},
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    report = import_paths(store, [path], text_field="content")
    assert report.ok, report.failed
    docs = documents(store)
    assert [text for _, text, _ in docs] == ["First post 🇺🇳", "Second\npost"]
    assert docs[0][2]["user"] == {"name": "un"} and docs[0][2]["format"] == "jsonl"
    assert len(report.warnings) == 1 and "line 3" in report.warnings[0][1]


def test_jsonl_corpus_without_the_field_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"body": "words"}\n', encoding="utf-8")
    report = import_paths(store, [path], text_field="content")
    ((_, reason),) = report.failed
    assert "x.jsonl" in reason and "'content'" in reason


def test_duplicate_rows_are_skipped(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", [["text"], ["Same."], ["Same."], ["Other."]])
    report = import_paths(store, [path])
    assert store.document_count() == 2
    assert report.skipped == [(str(path), "1 document(s) already in the project")]
