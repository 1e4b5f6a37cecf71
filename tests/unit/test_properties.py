"""Properties over generated documents, through the real import and export paths.

Documents mix emoji (skin tones, flags, ZWJ families), combining marks, right-to-left
scripts, tabs and every line ending; they go in as UTF-8 bytes, as a file would.

* Import decides the text once: line endings become ``\\n`` and nothing else changes;
  its sentences are ordered, trimmed, never empty, never cross a line break, and hold
  every visible character exactly once.
* Spans added through ``AddSpan`` anywhere in that text (even through the middle of an
  emoji sequence: the offsets are code points) come back from the CSV export with
  offsets that slice the stored text to exactly the span's text.
* No cell of any exported table starts a spreadsheet formula, whatever the document's
  title, a span's text, a note or an entity's name begins with, and the original comes
  back exactly.
"""

from __future__ import annotations

import csv
import io
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.domain.model import Document, sha256_text
from annotator.domain.segment import snap_to_words, split_sentences
from annotator.formats.csv_table import DANGEROUS_PREFIXES, unneutralise
from annotator.services.commands import AddSpan, History, UpdateSpan
from annotator.services.exporting import TABLES, export_csv
from annotator.services.importing import import_texts
from annotator.services.project import open_project
from annotator.storage import Store

PIECES = [
    "Minister", "Ødegård", "said", "we", "will", "act", "Cafe\u0301", "Mu\u0308nchen",
    "São", "Paulo", "שָׁלוֹם", "עֲלֵיכֶם", "مرحبا", "بكم", "东京", "3.5", "Mr.", "U.S.",
    "👍🏽", "🇺🇳", "👩\u200d👩\u200d👧", "😀", "❤\ufe0f", "“", "”", "(", ")", ",",
    " ", " ", " ", "\t", ". ", "? ", "! ", "\n", "\r\n", "\r", "\r\n\r\n", " — ",
    "=SUM(A1)", "+44", "-1", "@here",
]  # fmt: skip
LETTERS = st.characters(
    codec="utf-8", categories=["L", "M", "N", "P", "S", "Zs"], exclude_characters="\x85"
)
pieces = st.one_of(st.sampled_from(PIECES), st.text(LETTERS, min_size=1, max_size=4))
raw_text = st.lists(pieces, min_size=1, max_size=60).map("".join).filter(lambda t: t.strip())

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@contextmanager
def project() -> Iterator[Store]:
    # Hypothesis runs many examples per test; a fresh project for each.
    with tempfile.TemporaryDirectory() as folder:
        store = open_project(Path(folder) / "p.annotator.db")
        try:
            yield store
        finally:
            store.close()


def imported(store: Store, raw: str, name: str = "doc.txt") -> tuple[int, str]:
    report = import_texts(store, [(name, raw.encode("utf-8"))])
    assert report.ok and len(report.imported) == 1, report
    doc_id = report.imported[0][1]
    return doc_id, store.get_document(doc_id).text


def export(store: Store, table: str = "spans") -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    count = export_csv(store, out, table=table)
    out.seek(0)
    rows = list(csv.DictReader(out))
    assert len(rows) == count
    return rows


@SETTINGS
@given(raw_text)
def test_import_normalises_line_endings_only_and_sentences_cover_the_text(raw: str) -> None:
    with project() as store:
        doc_id, text = imported(store, raw)
        assert text == raw.replace("\r\n", "\n").replace("\r", "\n")
        sentences = store.sentences(doc_id)
        assert sentences == split_sentences(text)
        covered = [0] * len(text)
        last_end = 0
        for start, end in sentences:
            assert last_end <= start < end <= len(text)
            assert not text[start].isspace() and not text[end - 1].isspace()
            assert "\n" not in text[start:end]
            for i in range(start, end):
                covered[i] += 1
            last_end = end
        for i, char in enumerate(text):
            assert covered[i] == 1 or (char.isspace() and covered[i] == 0), (i, char, sentences)


@SETTINGS
@given(raw_text, st.data())
def test_spans_anywhere_come_back_from_the_csv_with_exact_offsets(
    raw: str, data: st.DataObject
) -> None:
    with project() as store:
        doc_id, text = imported(store, raw)
        history = History(store)
        wanted = []
        for _ in range(data.draw(st.integers(1, 8), label="spans")):
            a = data.draw(st.integers(0, len(text) - 1))
            b = data.draw(st.integers(a + 1, len(text)))
            label = "commitment"
            if data.draw(st.booleans(), label="snap to words, as the window does"):
                a, b = snap_to_words(text, a, b)
                if a == b:
                    continue
                label = data.draw(st.sampled_from(["speaker", "entity", "commitment"]))
            history.do(AddSpan(doc_id, label, a, b, text[a:b]))
            wanted.append((a, b, text[a:b]))
        rows = export(store)
        got = [(int(r["start"]), int(r["end"]), unneutralise(r["text"])) for r in rows]
        assert sorted(got) == sorted(wanted)
        for start, end, span_text in got:
            assert text[start:end] == span_text
        for row in rows:
            if row["sentence_index"]:
                start, end = store.sentences(doc_id)[int(row["sentence_index"])]
                assert unneutralise(row["sentence_text"]) == text[start:end]


dangerous = st.tuples(
    st.sampled_from(DANGEROUS_PREFIXES),
    st.text(LETTERS, min_size=1, max_size=12).filter(lambda s: any(c.isalnum() for c in s)),
).map("".join)


@SETTINGS
@given(title=dangerous, mention=dangerous, commitment=dangerous, note=dangerous)
def test_no_exported_cell_runs_as_a_formula(
    title: str, mention: str, commitment: str, note: str
) -> None:
    text = f"{mention} said {commitment}"
    with project() as store:
        with store.transaction():
            doc_id = store.add_document(
                Document(None, title, text, sha256=sha256_text(text)), split_sentences(text)
            )
        history = History(store)
        speaker = history.do(AddSpan(doc_id, "speaker", 0, len(mention), mention)).added[0]
        start = len(text) - len(commitment)
        history.do(AddSpan(doc_id, "commitment", start, len(text), commitment))
        assert speaker.id is not None
        history.do(UpdateSpan(speaker.id, {"note": note}))
        for table in TABLES:
            for row in export(store, table):
                for column, cell in row.items():
                    assert not cell.startswith(DANGEROUS_PREFIXES), (table, column, cell)
        # ... and what was neutralised comes back exactly.
        rows = {r["label"]: r for r in export(store)}
        assert unneutralise(rows["speaker"]["document_title"]) == title
        assert unneutralise(rows["speaker"]["text"]) == mention
        assert unneutralise(rows["speaker"]["note"]) == note
        assert unneutralise(rows["commitment"]["text"]) == commitment
        (entity,) = export(store, "entities")
        assert unneutralise(entity["name"]) == mention.strip()


def test_generated_text_really_has_the_hard_cases() -> None:
    # A guard on the strategy itself: the pieces above hold what the properties are about.
    joined = "".join(PIECES)
    assert "\r\n" in joined and "\r" in joined.replace("\r\n", "") and "\t" in joined
    assert any(unicodedata.category(c) == "Mn" for c in joined)  # combining marks
    assert any(unicodedata.bidirectional(c) in ("R", "AL") for c in joined)  # RTL
    assert any(ord(c) > 0xFFFF for c in joined)  # beyond the BMP: 2 UTF-16 units
    assert "\u200d" in joined and "\U0001f3fd" in joined  # ZWJ, skin tone
