"""Export -> import gives identical annotations, for generated documents with emoji,
combining marks, CRLF line endings and overlapping spans (hypothesis).

Each example: a JSONL file (texts with CRLF) is imported into project A, A is exported
in the format under test, and the export is imported into a fresh project B. What the
format can hold must be the same in A and B; what it cannot is documented in README."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from roundtrip_support import snapshot

from annotator.services.exporting import export
from annotator.services.importing import import_paths
from annotator.services.project import open_project

CHARS = list("ab Z.,'\n") + ["😀", "👍", "🏽", "\u0301", "é", "ש", "\t"]
LABELS = ["speaker", "commitment", "entity", "quote"]
WORDS = ["yes", "intention", "non-binding", "Q42"]
NAMES = [("Li Wenhua", "person"), ("Egypt", "country"), ("UN", "organisation")]


@st.composite
def documents(draw: st.DrawFn, fmt: str) -> list[dict[str, Any]]:
    """annotator JSONL lines; their texts use CRLF where ``crlf`` says, offsets fit."""
    lines = []
    for number in range(draw(st.integers(1, 3))):
        body = draw(st.text(alphabet=st.sampled_from(CHARS), min_size=1, max_size=40))
        text = f"D{number} {body}"  # distinct texts (duplicates would be skipped)
        crlf = [draw(st.booleans()) for _ in range(text.count("\n"))]
        spans = []
        for key in range(draw(st.integers(0, 6))):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, len(text)))
            span: dict[str, Any] = {
                "id": key,
                "label": draw(st.sampled_from(LABELS)),
                "start": start,
                "end": end,
                "origin": draw(st.sampled_from(["manual", "import", "rule"])),
            }
            if fmt != "doccano":
                span["attributes"] = draw(
                    st.dictionaries(
                        st.sampled_from(["modality", "type", "negated"]),
                        st.sampled_from([*WORDS, True]),
                        max_size=2,
                    )
                )
                note_chars = CHARS if fmt == "jsonl" else [c for c in CHARS if c not in "\n\t"]
                span["note"] = draw(st.text(alphabet=st.sampled_from(note_chars), max_size=8))
                if draw(st.booleans()):
                    name, kind = draw(st.sampled_from(NAMES))
                    span["entity"] = {"name": name, "type": kind, "aliases": []}
            spans.append(span)
        links = []
        if spans:
            for _ in range(draw(st.integers(0, 3))):
                links.append(
                    {
                        "source": draw(st.sampled_from(spans))["id"],
                        "target": draw(st.sampled_from(spans))["id"],
                        "type": draw(st.sampled_from(["said_by", "binds", "is"])),
                    }
                )
        raw = _with_crlf(text, crlf)
        for span in spans:
            span["start"], span["end"] = (
                _raw(text, crlf, span["start"]),
                _raw(text, crlf, span["end"]),
            )
        lines.append(
            {
                "annotator_jsonl": 1,
                "title": f"Document {number}",
                "status": draw(st.sampled_from(["todo", "in_progress", "done"])),
                "note": draw(st.sampled_from(["", "checked\r\ntwice"])),
                "text": raw,
                "spans": spans,
                "links": links,
            }
        )
    return lines


def _with_crlf(text: str, crlf: list[bool]) -> str:
    parts = text.split("\n")
    out = parts[0]
    for use, part in zip(crlf, parts[1:], strict=True):
        out += ("\r\n" if use else "\n") + part
    return out


def _raw(text: str, crlf: list[bool], offset: int) -> int:
    """``offset`` in ``text`` as an offset in the text written with CRLF."""
    before = text.count("\n", 0, offset)
    return offset + sum(crlf[:before])


FIELDS = {
    "jsonl": None,  # everything
    "doccano": ("start", "end", "label", "text"),
    "brat": ("start", "end", "label", "text", "attributes", "note", "entity_name"),
}


def roundtrip(fmt: str, lines: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = root / "in.jsonl"
        source.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
        first = open_project(root / "a.db")
        second = open_project(root / "b.db")
        try:
            report = import_paths(first, [source])
            assert report.ok, report.failed
            assert "\r" not in "".join(
                first.get_document(d.id).text for d in first.list_documents()
            )
            out = root / ("brat" if fmt == "brat" else f"out.{fmt}.jsonl")
            export(first, out, fmt)
            report = import_paths(second, [out])
            assert report.ok, report.failed
            fields = FIELDS[fmt]
            if fields is None:
                assert snapshot(second) == snapshot(first)
            else:
                assert snapshot(second, fields, documents=False) == snapshot(
                    first, fields, documents=False
                )
        finally:
            first.close()
            second.close()


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "brat"])
def test_export_then_import_gives_identical_annotations(fmt: str) -> None:
    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(documents(fmt))
    def check(lines: list[dict[str, Any]]) -> None:
        roundtrip(fmt, lines)

    check()
