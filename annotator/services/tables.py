"""The tables a researcher exports: spans, commitments, sentences, entities.

Rows are built per document from the store, and every span is checked against its
document's text on the way out: an export never carries a wrong offset.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.domain.errors import OffsetError
from annotator.domain.model import Document, Entity, Link, Span, TagSet, sha256_text
from annotator.storage import Store

SPAN_COLUMNS = (
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
    "entity",
    "speaker",
    "speaker_entity",
    "binds",
)
COMMITMENT_COLUMNS = (
    "document_id",
    "document_title",
    "sentence_index",
    "sentence_text",
    "span_id",
    "start",
    "end",
    "text",
    "speaker",
    "speaker_entity",
    "binds",
    "modality",
    "polarity",
    "note",
)
SENTENCE_COLUMNS = (
    "document_id",
    "document_title",
    "sentence_index",
    "start",
    "end",
    "text",
    "labels",
    "speaker",
)
ENTITY_COLUMNS = ("entity_id", "name", "type", "aliases", "mentions", "documents")
LIST_SEPARATOR = "; "


@dataclass
class DocumentContext:
    """Everything the tables need to know about one document, loaded once."""

    document: Document
    sentences: list[tuple[int, int]]
    spans: list[Span]
    links: list[Link]
    entity_names: dict[int, str]
    by_id: dict[int, Span] = field(init=False)
    _targets: dict[tuple[int, str], list[Span]] = field(init=False)
    _starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {s.id: s for s in self.spans if s.id is not None}
        self._targets: dict[tuple[int, str], list[Span]] = {}
        for link in self.links:
            target = self.by_id.get(link.target_id)
            if target is not None:
                self._targets.setdefault((link.source_id, link.type), []).append(target)
        for found in self._targets.values():
            found.sort(key=lambda s: (s.start, s.end))
        self._starts = [s for s, _ in self.sentences]
        text = self.document.text
        if self.document.sha256 and sha256_text(text) != self.document.sha256:
            raise OffsetError(
                f"document {self.document.id} ({self.document.title}): its text no longer "
                "matches the hash recorded when it was imported (the file was changed "
                "outside annotator); nothing exported"
            )
        for span in self.spans:
            if text[span.start : span.end] != span.text:
                raise OffsetError(
                    f"document {self.document.id} ({self.document.title}): span {span.id} "
                    f"[{span.start}, {span.end}) says {span.text!r} but the text there is "
                    f"{text[span.start : span.end]!r}; nothing exported"
                )

    def sentence_of(self, pos: int) -> int | None:
        i = bisect.bisect_right(self._starts, pos) - 1
        if i >= 0 and pos < self.sentences[i][1]:
            return i
        return None

    def sentence_text(self, index: int | None) -> str:
        if index is None:
            return ""
        start, end = self.sentences[index]
        return self.document.text[start:end]

    def targets(self, span: Span, link_type: str) -> list[Span]:
        """The spans ``span`` links to with ``link_type``, in text order."""
        if not self._targets or span.id is None:
            return []
        return self._targets.get((span.id, link_type), [])

    def entity_of(self, span: Span) -> str:
        """The canonical name a mention stands for: its own entity, or via an ``is`` link."""
        if span.entity_id is not None and span.entity_id in self.entity_names:
            return self.entity_names[span.entity_id]
        for target in self.targets(span, "is"):
            if target.entity_id is not None and target.entity_id in self.entity_names:
                return self.entity_names[target.entity_id]
        return ""

    def speaker(self, span: Span) -> tuple[str, str]:
        """(speaker mention text, its canonical entity) of a commitment, or blanks."""
        speakers = self.targets(span, "said_by")
        if not speakers:
            return "", ""
        return speakers[0].text, self.entity_of(speakers[0])

    def binds(self, span: Span) -> str:
        names: list[str] = []
        for target in self.targets(span, "binds"):
            name = self.entity_of(target) or target.text
            if name not in names:
                names.append(name)
        return LIST_SEPARATOR.join(names)


def contexts(store: Store, document_ids: Sequence[int] | None = None) -> Iterator[DocumentContext]:
    names = {e.id: e.name for e in store.entities() if e.id is not None}
    ids = list(document_ids) if document_ids is not None else [d.id for d in store.list_documents()]
    for doc_id in ids:
        yield DocumentContext(
            document=store.get_document(doc_id),
            sentences=store.sentences(doc_id),
            spans=store.spans_for_document(doc_id),
            links=store.links_for_document(doc_id),
            entity_names=names,
        )


def attribute_columns(tagset: TagSet) -> list[str]:
    """One column per attribute name declared anywhere in the tag set, in its order."""
    names: list[str] = []
    for label in tagset.labels:
        for attr in label.attributes:
            if attr.name not in names and attr.name not in SPAN_COLUMNS:
                names.append(attr.name)
    return names


def spans_table(
    store: Store, document_ids: Sequence[int] | None = None
) -> tuple[list[str], Iterator[list[Any]]]:
    attrs = attribute_columns(store.tagset())

    def rows() -> Iterator[list[Any]]:
        for ctx in contexts(store, document_ids):
            doc = ctx.document
            for span in ctx.spans:
                index = ctx.sentence_of(span.start)
                speaker, speaker_entity = ctx.speaker(span)
                yield [
                    doc.id,
                    doc.title,
                    span.id,
                    span.label,
                    span.start,
                    span.end,
                    span.text,
                    "" if index is None else index,
                    ctx.sentence_text(index),
                    json.dumps(span.attributes, ensure_ascii=False) if span.attributes else "",
                    span.note,
                    span.origin,
                    span.annotator,
                    span.created_at,
                    span.updated_at,
                    ctx.entity_of(span),
                    speaker,
                    speaker_entity,
                    ctx.binds(span),
                    *(_cell(span.attributes.get(a)) for a in attrs),
                ]

    return [*SPAN_COLUMNS, *attrs], rows()


def commitments_table(
    store: Store, document_ids: Sequence[int] | None = None, *, label: str = "commitment"
) -> tuple[list[str], Iterator[list[Any]]]:
    def rows() -> Iterator[list[Any]]:
        for ctx in contexts(store, document_ids):
            doc = ctx.document
            for span in ctx.spans:
                if span.label != label:
                    continue
                index = ctx.sentence_of(span.start)
                speaker, speaker_entity = ctx.speaker(span)
                yield [
                    doc.id,
                    doc.title,
                    "" if index is None else index,
                    ctx.sentence_text(index),
                    span.id,
                    span.start,
                    span.end,
                    span.text,
                    speaker,
                    speaker_entity,
                    ctx.binds(span),
                    _cell(span.attributes.get("modality")),
                    _cell(span.attributes.get("polarity")),
                    span.note,
                ]

    return list(COMMITMENT_COLUMNS), rows()


def sentences_table(
    store: Store, document_ids: Sequence[int] | None = None
) -> tuple[list[str], Iterator[list[Any]]]:
    order = {name: i for i, name in enumerate(store.tagset().names())}

    def rows() -> Iterator[list[Any]]:
        for ctx in contexts(store, document_ids):
            doc = ctx.document
            spans = ctx.spans  # sorted by start
            for index, (start, end) in enumerate(ctx.sentences):
                covering = [s for s in spans if s.start < end and s.end > start]
                labels = sorted({s.label for s in covering}, key=lambda n: order.get(n, 99))
                speakers: list[str] = []
                for span in covering:
                    mention, entity = ctx.speaker(span)
                    name = entity or mention
                    if name and name not in speakers:
                        speakers.append(name)
                yield [
                    doc.id,
                    doc.title,
                    index,
                    start,
                    end,
                    doc.text[start:end],
                    LIST_SEPARATOR.join(labels),
                    LIST_SEPARATOR.join(speakers),
                ]

    return list(SENTENCE_COLUMNS), rows()


def entities_table(
    store: Store, document_ids: Sequence[int] | None = None
) -> tuple[list[str], Iterator[list[Any]]]:
    def rows() -> Iterator[list[Any]]:
        titles = {d.id: d.title for d in store.list_documents()}
        for entity in store.entities():
            assert entity.id is not None
            docs = sorted({m[1] for m in store.mentions(entity.id)})
            if document_ids is not None and not set(docs) & set(document_ids):
                continue
            yield _entity_row(entity, [titles.get(d, str(d)) for d in docs])

    return list(ENTITY_COLUMNS), rows()


def _entity_row(entity: Entity, documents: list[str]) -> list[Any]:
    return [
        entity.id,
        entity.name,
        entity.type,
        LIST_SEPARATOR.join(entity.aliases),
        entity.mentions,
        LIST_SEPARATOR.join(documents),
    ]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


TableBuilder = Callable[..., tuple[list[str], Iterator[list[Any]]]]
TABLES: dict[str, TableBuilder] = {
    "spans": spans_table,
    "commitments": commitments_table,
    "sentences": sentences_table,
    "entities": entities_table,
}
