"""What every annotated format is read into and written from.

A :class:`DocumentRecord` is a document outside any project: its text, metadata and
spans keyed by an id that is only meaningful inside one file (our span id, a brat ``T``
id, a Label Studio region id). Readers return records as the file has them;
:func:`normalise_record` then decides the text once (line endings become ``\\n``, every
offset remapped) and checks every span and link, so a bad file is refused before
anything reaches a project. Writers take records built from a project.

Offsets are code points (Python ``str`` indices), half-open, as everywhere else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.domain.errors import FormatError, OffsetError
from annotator.domain.model import check_offsets
from annotator.domain.newlines import normalise_newlines


@dataclass(frozen=True, slots=True)
class EntityRef:
    """The canonical entity a mention stands for, by name (ids differ between projects)."""

    name: str
    type: str = "other"
    aliases: tuple[str, ...] = ()
    note: str = ""
    id: int | None = None  # the entity's id in the project it was exported from


@dataclass(frozen=True, slots=True)
class SpanRecord:
    key: str  # unique within its document record
    label: str
    start: int
    end: int
    text: str = ""  # when given, it must equal the document's text[start:end]
    attributes: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    origin: str = "import"
    annotator: str = ""
    created_at: str = ""
    updated_at: str = ""
    entity: EntityRef | None = None
    where: str = ""  # "line 4", "region abc": for error messages


@dataclass(frozen=True, slots=True)
class LinkRecord:
    source: str  # span keys
    target: str
    type: str
    where: str = ""


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    text: str
    title: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    spans: tuple[SpanRecord, ...] = ()
    links: tuple[LinkRecord, ...] = ()
    status: str = "todo"
    note: str = ""
    source: str = ""
    where: str = ""  # "speeches.jsonl, line 3": starts every error message about it
    anchor: str = ""  # where in its file: "L3", "task 12"; "" for a one-document file
    id: int | None = None  # the document's id in the project it was exported from
    sentences: tuple[tuple[int, int], ...] = ()  # filled by exporters that need them


def normalise_record(doc: DocumentRecord) -> DocumentRecord:
    """Check ``doc`` against its own text, then normalise its line endings.

    Raises :class:`FormatError` naming the document and the span for an offset outside
    the text, an empty or inverted span, a span whose text differs from the document's,
    a span made only of the ``\\r`` of a ``\\r\\n``, a duplicate span key, or a link to
    a span that does not exist.
    """
    where = doc.where or "<input>"
    if not isinstance(doc.text, str) or not doc.text.strip():
        raise FormatError(f"{where}: the document has no text")
    keys: set[str] = set()
    for span in doc.spans:
        if span.key in keys:
            raise FormatError(f"{_span_where(where, span)}: the id {span.key!r} is used twice")
        keys.add(span.key)
        try:
            check_offsets(doc.text, span.start, span.end, span.text or None)
        except OffsetError as exc:
            raise FormatError(f"{_span_where(where, span)}: {exc}") from exc
        if not span.label.strip():
            raise FormatError(f"{_span_where(where, span)}: the span has no label")
    for link in doc.links:
        for key in (link.source, link.target):
            if key not in keys:
                at = f"{where}, {link.where}" if link.where else where
                raise FormatError(f"{at}: the {link.type!r} link points to no span {key!r}")

    text, remap = normalise_newlines(doc.text)
    if text == doc.text:
        spans = tuple(dataclasses.replace(s, text=text[s.start : s.end]) for s in doc.spans)
        return dataclasses.replace(doc, spans=spans)
    spans_list = []
    for span in doc.spans:
        start, end = remap(span.start), remap(span.end)
        if start >= end:
            raise FormatError(
                f"{_span_where(where, span)}: the span [{span.start}, {span.end}) is only the "
                "carriage return of a line ending, which import turns into a single \\n"
            )
        spans_list.append(dataclasses.replace(span, start=start, end=end, text=text[start:end]))
    metadata = {**doc.metadata, "line_endings_normalised": True}
    return dataclasses.replace(doc, text=text, spans=tuple(spans_list), metadata=metadata)


def _span_where(where: str, span: SpanRecord) -> str:
    detail = span.where or f"span {span.key}"
    if span.where and span.key not in span.where:
        detail += f", span {span.key}"
    return f"{where}, {detail}"


def labels_in(documents: Sequence[DocumentRecord]) -> list[str]:
    """Every label used, in order of first use."""
    seen: dict[str, None] = {}
    for doc in documents:
        for span in doc.spans:
            seen.setdefault(span.label, None)
    return list(seen)


def without_overlaps(
    spans: Sequence[SpanRecord], label_order: Sequence[str] = ()
) -> tuple[list[SpanRecord], list[SpanRecord]]:
    """Split ``spans`` into (kept, dropped) so that no two kept spans overlap.

    The policy, for formats that cannot hold overlapping spans (CoNLL BIO, spaCy's
    ``doc.ents``): go through the spans by start, longest first, then by the label's
    place in ``label_order`` (then by name); keep a span when it overlaps none kept so far.
    """
    rank = {name: i for i, name in enumerate(label_order)}
    ordered = sorted(
        spans,
        key=lambda s: (s.start, -(s.end - s.start), rank.get(s.label, len(rank)), s.label),
    )
    kept: list[SpanRecord] = []
    dropped: list[SpanRecord] = []
    reach = -1
    for span in ordered:
        if span.start >= reach:
            kept.append(span)
            reach = span.end
        else:
            dropped.append(span)
    return kept, dropped
