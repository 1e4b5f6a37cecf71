"""Plain dataclasses for the things a project holds, and the offset contract.

An offset is a Python ``str`` index (a Unicode code point), half-open:
``document.text[span.start:span.end] == span.text`` always.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from annotator.domain.errors import OffsetError

STATUSES = ("todo", "in_progress", "done")
ORIGINS = ("manual", "import", "rule")


def sha256_text(text: str) -> str:
    """The hash recorded for a document's canonical text (UTF-8 bytes)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_offsets(text: str, start: int, end: int, span_text: str | None = None) -> str:
    """Validate ``[start, end)`` against ``text`` and return the covered text.

    Raises :class:`OffsetError` when the range is inverted, empty, out of the text,
    or when ``span_text`` is given and differs from ``text[start:end]``.
    """
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
        raise OffsetError(f"offsets must be integers, got {start!r}, {end!r}")
    if start < 0 or end > len(text):
        raise OffsetError(f"span [{start}, {end}) lies outside the text (length {len(text)})")
    if start >= end:
        raise OffsetError(f"span [{start}, {end}) is empty or inverted")
    covered = text[start:end]
    if span_text is not None and covered != span_text:
        raise OffsetError(f"span [{start}, {end}) covers {covered!r} but its text is {span_text!r}")
    return covered


@dataclass(frozen=True, slots=True)
class Attribute:
    """One attribute a label's spans may carry: a choice, free text or yes/no."""

    name: str
    kind: str = "choice"  # "choice" | "text" | "bool"
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    color: str
    shortcut: str = ""
    attributes: tuple[Attribute, ...] = ()
    links: tuple[str, ...] = ()  # link types a span of this label may start
    id: int | None = None
    registry: bool = False  # its spans attach to canonical entities


@dataclass(frozen=True, slots=True)
class TagSet:
    labels: tuple[Label, ...]

    def by_name(self) -> dict[str, Label]:
        return {label.name: label for label in self.labels}

    def names(self) -> list[str]:
        return [label.name for label in self.labels]


@dataclass(frozen=True, slots=True)
class Document:
    id: int | None
    title: str
    text: str
    source: str = ""
    sha256: str = ""
    status: str = "todo"
    metadata: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    imported_at: str = ""


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """A row of the document list: everything but the text."""

    id: int
    title: str
    status: str
    span_count: int
    length: int
    source: str = ""


@dataclass(frozen=True, slots=True)
class Sentence:
    document_id: int
    index: int
    start: int
    end: int


@dataclass(slots=True)
class Span:
    """A tagged range of a document. Treat as a value: build a new one to change it.

    (Not frozen: a frozen dataclass costs four times as much to build, and a 50,000-span
    document is loaded whole when it opens.)
    """

    id: int | None
    document_id: int
    label: str
    start: int
    end: int
    text: str
    attributes: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    origin: str = "manual"
    annotator: str = ""
    created_at: str = ""
    updated_at: str = ""
    entity_id: int | None = None


@dataclass(frozen=True, slots=True)
class Link:
    id: int | None
    source_id: int
    target_id: int
    type: str


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity (a person, country, organisation...) that mentions attach to."""

    id: int | None
    name: str
    type: str = "other"
    aliases: tuple[str, ...] = ()
    note: str = ""
    created_at: str = ""
    mentions: int = 0
    documents: int = 0
