"""CSV export: the columns a researcher relies on, offsets that slice the stored text
exactly, spreadsheet-formula neutralisation that can be undone, and a loud failure
(with nothing written) when the file holds a damaged span."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from annotator.domain.errors import OffsetError
from annotator.domain.model import Document, Span, sha256_text
from annotator.domain.segment import split_sentences
from annotator.formats.csv_table import DANGEROUS_PREFIXES, neutralise, unneutralise
from annotator.services.exporting import export_csv
from annotator.services.importing import import_paths
from annotator.storage import Store

LEADING_COLUMNS = [
    "document_id",
    "document_title",
    "span_id",
    "label",
    "start",
    "end",
    "text",
    "sentence_index",
    "sentence_text",
    "attributes",
    "note",
    "origin",
    "annotator",
    "created_at",
    "updated_at",
]

EMOJI = "Both sides 👍🏽 welcomed it. The flag 🇺🇳 was raised 😀 twice."
ACCENTS = "Cafe\u0301 owners in Mu\u0308nchen and São Paulo agreed."
RTL = "The envoy said: שָׁלוֹם עֲלֵיכֶם and مرحبا بكم to all."
FORMULAS = "=SUM(A1) +44 20 -minus @handle 'quoted plain words."


def add_doc(store: Store, text: str, title: str) -> int:
    with store.transaction():
        return store.add_document(
            Document(None, title, text, sha256=sha256_text(text)), split_sentences(text)
        )


def tag(store: Store, doc_id: int, text: str, fragment: str, label: str = "entity") -> Span:
    start = text.index(fragment)
    return store.insert_span(Span(None, doc_id, label, start, start + len(fragment), fragment))


def export_rows(store: Store, **options: bool) -> tuple[list[str], list[dict[str, str]]]:
    out = io.StringIO(newline="")
    count = export_csv(store, out, **options)
    out.seek(0)
    reader = csv.reader(out)
    header = next(reader)
    rows = [dict(zip(header, r, strict=True)) for r in reader]
    assert count == len(rows)
    return header, rows


@pytest.fixture
def corpus(store: Store, tmp_path: Path) -> dict[int, str]:
    """Documents with emoji, combining accents, RTL text, and one imported with CRLF."""
    texts: dict[int, str] = {}
    for title, text, fragments in [
        ("emoji", EMOJI, ["👍🏽", "🇺🇳", "raised 😀 twice", "Both"]),
        ("accents", ACCENTS, ["Cafe\u0301", "Mu\u0308nchen", "São Paulo"]),
        ("rtl", RTL, ["שָׁלוֹם עֲלֵיכֶם", "مرحبا", "envoy"]),
    ]:
        doc_id = add_doc(store, text, title)
        texts[doc_id] = text
        for fragment in fragments:
            tag(store, doc_id, text, fragment)
    crlf = tmp_path / "windows.txt"
    crlf.write_bytes("Title line\r\nThe minister spoke.\r\nShe said: yes 😀.\r\n".encode())
    report = import_paths(store, [crlf])
    ((_, doc_id, _),) = report.imported
    text = store.get_document(doc_id).text
    texts[doc_id] = text
    tag(store, doc_id, text, "minister spoke.\nShe", label="speaker")
    tag(store, doc_id, text, "yes 😀", label="commitment")
    return texts


def test_columns_come_in_the_documented_order(store: Store, corpus: dict[int, str]) -> None:
    header, _ = export_rows(store)
    assert header[: len(LEADING_COLUMNS)] == LEADING_COLUMNS


def test_every_exported_offset_slices_the_stored_text(store: Store, corpus: dict[int, str]) -> None:
    _, rows = export_rows(store)
    assert len(rows) == store.span_count() == 12
    for row in rows:
        text = corpus[int(row["document_id"])]
        start, end = int(row["start"]), int(row["end"])
        assert text[start:end] == unneutralise(row["text"])
        sentences = store.sentences(int(row["document_id"]))
        if row["sentence_index"]:
            s, e = sentences[int(row["sentence_index"])]
            assert s <= start < e
            assert unneutralise(row["sentence_text"]) == text[s:e]
    # The CRLF document's offsets are into its "\n" text: no drift after the line breaks.
    crlf_row = next(r for r in rows if r["label"] == "commitment")
    assert crlf_row["text"] == "yes 😀"


def test_export_is_in_document_then_position_order(store: Store, corpus: dict[int, str]) -> None:
    _, rows = export_rows(store)
    keys = [(int(r["document_id"]), int(r["start"]), int(r["end"])) for r in rows]
    assert keys == sorted(keys)


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r", "'"])
def test_cells_that_would_run_as_formulas_are_neutralised(store: Store, prefix: str) -> None:
    text = f"{prefix}cmd|' /C calc'!A0 and more text."
    doc_id = add_doc(store, text, title=f"{prefix}title")
    span = tag(store, doc_id, text, text[:10])
    assert span.id is not None
    store.update_span(span.id, note=f"{prefix}note")

    _, rows = export_rows(store)
    (row,) = rows
    for column, original in [
        ("text", text[:10]),
        ("note", f"{prefix}note"),
        ("document_title", f"{prefix}title"),
    ]:
        assert row[column] == "'" + original
        assert unneutralise(row[column]) == original

    _, raw = export_rows(store, neutralise=False)
    assert raw[0]["text"] == text[:10]
    assert raw[0]["note"] == f"{prefix}note"


def test_safe_cells_and_numbers_are_left_alone(store: Store, corpus: dict[int, str]) -> None:
    _, rows = export_rows(store)
    for row in rows:
        assert not row["text"].startswith("'")
        assert row["start"].isdigit() and row["end"].isdigit()


@pytest.mark.parametrize(
    "value", ["=1+1", "+", "-", "@x", "\t", "\r\n", "'", "''x", "plain", "", "a=b", " =x"]
)
def test_neutralise_is_undone_exactly(value: str) -> None:
    cell = neutralise(value)
    assert unneutralise(cell) == value
    if value.startswith((*DANGEROUS_PREFIXES, "'")):
        assert cell.startswith("'")
    else:
        assert cell == value


def test_bom_option(store: Store, corpus: dict[int, str]) -> None:
    with_bom, without = io.StringIO(), io.StringIO()
    export_csv(store, with_bom, bom=True)
    export_csv(store, without)
    assert with_bom.getvalue() == "\ufeff" + without.getvalue()
    assert not without.getvalue().startswith("\ufeff")


def test_damaged_span_makes_the_export_fail_loudly_and_write_nothing(
    store: Store, corpus: dict[int, str]
) -> None:
    last_doc = max(corpus)
    victim = store.spans_for_document(last_doc)[-1]
    assert victim.id is not None
    # Same length, so the file's CHECK constraint lets the damage through.
    store.db.execute("UPDATE spans SET text = ? WHERE id = ?", ["X" * len(victim.text), victim.id])

    with pytest.raises(OffsetError) as info:
        export_csv(store, io.StringIO())
    message = str(info.value)
    assert f"span {victim.id}" in message
    assert repr(victim.text) in message

    # Through the command line, nothing at all reaches standard output or the file.
    from click.testing import CliRunner

    from annotator.cli import cli

    assert store.path is not None
    for extra in ([], ["--out", str(store.path.with_name("out.csv"))]):
        result = CliRunner().invoke(cli, ["export", "--db", str(store.path), *extra])
        assert result.exit_code != 0
        assert result.stdout == ""
        assert f"span {victim.id}" in result.stderr
    assert not store.path.with_name("out.csv").exists()
    assert not store.path.with_name("out.csv.part").exists()


def test_export_of_chosen_documents_only(store: Store, corpus: dict[int, str]) -> None:
    first = min(corpus)
    out = io.StringIO()
    count = export_csv(store, out, document_ids=[first])
    assert count == len(store.spans_for_document(first))
    out.seek(0)
    ids = {r["document_id"] for r in csv.DictReader(out)}
    assert ids == {str(first)}


def test_document_text_changed_behind_our_back_stops_the_export(
    store: Store, corpus: dict[int, str]
) -> None:
    doc_id = min(corpus)
    text = corpus[doc_id]
    # Change a word no span covers (same length, so the file's CHECK lets it through).
    damaged = text.replace("welcomed", "rejected")
    assert damaged != text and len(damaged) == len(text)
    store.db.execute("UPDATE documents SET text = ? WHERE id = ?", [damaged, doc_id])
    with pytest.raises(OffsetError, match=f"document {doc_id} .*hash"):
        export_csv(store, io.StringIO())


# -- large exports: a second process writes half the documents ---------------------------


@pytest.fixture
def two_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every export with two documents or more takes the two-process path."""
    from annotator.services import csv_worker

    monkeypatch.setattr(csv_worker, "PARALLEL_FROM", 1)


@pytest.mark.parametrize("table", ["spans", "commitments", "sentences"])
def test_two_processes_write_the_same_bytes_as_one(
    store: Store,
    corpus: dict[int, str],
    tmp_path: Path,
    table: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from annotator.services import csv_worker
    from annotator.services.exporting import export

    export(store, tmp_path / "one.csv", "csv", table=table)
    monkeypatch.setattr(csv_worker, "PARALLEL_FROM", 1)
    counts = {d.id: d.span_count for d in store.list_documents() if d.id is not None}
    assert csv_worker.wanted(counts, sorted(corpus), table)
    export(store, tmp_path / "two.csv", "csv", table=table, bom=True)
    one = (tmp_path / "one.csv").read_bytes()
    two = (tmp_path / "two.csv").read_bytes()
    assert two == "\ufeff".encode() + one
    # and to an in-memory text handle too
    out = io.StringIO(newline="")
    count = export_csv(store, out, table=table)
    assert out.getvalue().encode() == one
    assert count == len(list(csv.reader(io.StringIO(one.decode(), newline="")))) - 1


def test_damage_in_the_second_process_half_fails_the_export_and_writes_nothing(
    store: Store, corpus: dict[int, str], tmp_path: Path, two_processes: None
) -> None:
    from annotator.domain.errors import AnnotatorError
    from annotator.services.exporting import export

    last_doc = max(corpus)  # the second process writes the last documents
    victim = store.spans_for_document(last_doc)[-1]
    store.db.execute("UPDATE spans SET text = ? WHERE id = ?", ["X" * len(victim.text), victim.id])
    target = tmp_path / "out.csv"
    with pytest.raises(AnnotatorError, match=f"span {victim.id}"):
        export(store, target, "csv")
    assert not target.exists()
    assert list(tmp_path.glob("*.part")) == []


def test_the_second_process_takes_documents_from_the_back_until_it_meets_the_first(
    store: Store, corpus: dict[int, str], tmp_path: Path
) -> None:
    from annotator.services import csv_worker

    ids = sorted(corpus)
    claims = tmp_path / "claims"
    claims.mkdir()
    # this process has taken the first two documents already
    assert list(csv_worker.claimed(claims, ids[:2])) == ids[:2]
    written = csv_worker.write_part(
        {
            "project": str(store.path),
            "ids": ids,
            "table": "spans",
            "neutralise": True,
            "claims": str(claims),
            "part": str(tmp_path / "part.csv"),
        }
    )
    assert [entry[0] for entry in written] == ids[:1:-1]  # from the back, down to ours
    part = (tmp_path / "part.csv").read_bytes()
    for doc_id, offset, length, lines in written:
        alone = io.StringIO(newline="")
        assert export_csv(store, alone, document_ids=[doc_id]) == lines
        body = alone.getvalue().split("\r\n", 1)[1]  # without the header
        assert part[offset : offset + length] == body.encode()
    # and a document both want goes to one of them only
    assert list(csv_worker.claimed(claims, ids)) == []
