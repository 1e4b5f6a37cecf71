"""The tables a researcher exports: spans, commitments, sentences, entities.

Rows are built per document from the store, and every span is checked against its
document's text on the way out: an export never carries a wrong offset.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from annotator.domain.model import Entity, TagSet
from annotator.formats.csv_table import CellEncoder
from annotator.services.document_context import (
    LIST_SEPARATOR,
    EachDocument,
    Encode,
    LinkIndex,
    Sentences,
    check_document,
    contexts,
    entity_names,
    export_ids,
    plain,
)
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


def attribute_columns(tagset: TagSet) -> list[str]:
    """One column per attribute name declared anywhere in the tag set, in its order."""
    names: list[str] = []
    for label in tagset.labels:
        for attr in label.attributes:
            if attr.name not in names and attr.name not in SPAN_COLUMNS:
                names.append(attr.name)
    return names


def spans_table(
    store: Store,
    document_ids: Iterable[int] | None = None,
    *,
    encode: CellEncoder,
    each_document: EachDocument | None = None,
) -> tuple[list[str], Iterator[str]]:
    """Every span, one CSV line each (text cells made ready by ``encode``).

    The biggest table (a line per span, a million in a large project), so it reads the
    store's plain rows rather than building a :class:`Span` per row, encodes each
    repeated value (title, label, sentence, time stamp) once, and formats each line
    in one step. Every span is checked against its document's text on the way.
    """
    attrs = attribute_columns(store.tagset())
    no_attrs = "," * len(attrs)

    def lines() -> Iterator[str]:
        names = entity_names(store)
        label_cells = {i: encode(name) for i, name in store.label_names().items()}
        loads, dumps, bisect_right = json.loads, json.dumps, bisect.bisect_right
        once = encode.once
        for n, doc_id in enumerate(export_ids(store, document_ids)):
            doc = store.get_document(doc_id)
            if each_document is not None:
                each_document(n, doc.title)
            check_document(doc, ())
            text = doc.text
            found = store.span_rows(doc_id)
            sentences = Sentences(text, store.sentences(doc_id), encode, numbered=True)
            starts, bounds, sentence_cell = sentences.starts, sentences.bounds, sentences.cell
            links = store.links_for_document(doc_id)
            index = None
            sources: set[int] | frozenset[int] = frozenset()
            if links:
                targets = {link.target_id for link in links}
                mentions = {r[0]: (r[2], r[3], r[4], r[11]) for r in found if r[0] in targets}
                index = LinkIndex(links, mentions, names)
                sources = index.sources
            head = f"{doc_id},{encode(doc.title)},"
            sentence_cells = sentences.cells
            origin = who = made = None
            stamps = ""  # origin, annotator, created_at (the same for runs of spans)
            for row in found:
                span_id, lab, start, end, span_text, attributes, note, o, w, m, changed, entity = (
                    row
                )
                if text[start:end] != span_text:
                    check_document(doc, [(span_id, start, end, span_text)])  # raises
                if m != made or o != origin or w != who:
                    origin, who, made = o, w, m
                    made_cell = encode(m)
                    stamps = f"{encode(o)},{encode(w)},{made_cell}"
                    unedited = f"{stamps},{made_cell},,,,{no_attrs}"  # updated_at = created_at
                i = bisect_right(starts, start) - 1
                if i >= 0 and start < bounds[i][1]:
                    sentence = sentence_cells[i] or sentence_cell(i)  # "index,text"
                else:
                    sentence = ","
                span_text = once(span_text)
                if (
                    attributes is None
                    and note is None
                    and changed is None
                    and entity is None
                    and span_id not in sources
                ):  # the usual span: no attributes, note, edit, entity or link
                    yield (
                        f"{head}{span_id},{label_cells[lab]},{start},{end},{span_text},"
                        f"{sentence},,,{unedited}"
                    )
                    continue
                line = f"{head}{span_id},{label_cells[lab]},{start},{end},{span_text},{sentence},"
                if index is None or span_id not in sources:  # no link of its own
                    canonical = names.get(entity, "") if entity is not None else ""
                    speaker = speaker_entity = binds = ""
                else:
                    canonical = index.entity_of(span_id, entity)
                    speaker, speaker_entity = index.speaker(span_id)
                    binds = index.binds(span_id)
                if attributes is not None and (attributes := loads(attributes)):
                    attribute_cells = encode(dumps(attributes, ensure_ascii=False))
                    extra = "".join(["," + str(_cell(attributes.get(a), encode)) for a in attrs])
                else:
                    attribute_cells = ""
                    extra = no_attrs
                yield (
                    f"{line}{attribute_cells},{encode(note) if note else ''},{stamps},"
                    f"{made_cell if changed is None else encode(changed)},"
                    f"{encode(canonical) if canonical else ''},"
                    f"{encode(speaker) if speaker else ''},"
                    f"{encode(speaker_entity) if speaker_entity else ''},"
                    f"{encode(binds) if binds else ''}{extra}"
                )

    return [*SPAN_COLUMNS, *attrs], lines()


def commitments_table(
    store: Store,
    document_ids: Iterable[int] | None = None,
    *,
    label: str = "commitment",
    encode: CellEncoder,
    each_document: EachDocument | None = None,
) -> tuple[list[str], Iterator[str]]:
    def rows() -> Iterator[str]:
        for ctx in contexts(store, document_ids, each_document):
            doc = ctx.document
            for span in ctx.spans:
                if span.label != label:
                    continue
                index = ctx.sentence_of(span.start)
                speaker, speaker_entity = ctx.speaker(span)
                yield _line(
                    [
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
                    ],
                    encode,
                )

    return list(COMMITMENT_COLUMNS), rows()


def sentences_table(
    store: Store,
    document_ids: Iterable[int] | None = None,
    *,
    encode: CellEncoder,
    each_document: EachDocument | None = None,
) -> tuple[list[str], Iterator[str]]:
    order = {name: i for i, name in enumerate(store.tagset().names())}

    def rows() -> Iterator[str]:
        for ctx in contexts(store, document_ids, each_document):
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
                yield _line(
                    [
                        doc.id,
                        doc.title,
                        index,
                        start,
                        end,
                        doc.text[start:end],
                        LIST_SEPARATOR.join(labels),
                        LIST_SEPARATOR.join(speakers),
                    ],
                    encode,
                )

    return list(SENTENCE_COLUMNS), rows()


def entities_table(
    store: Store,
    document_ids: Iterable[int] | None = None,
    *,
    encode: CellEncoder,
    each_document: EachDocument | None = None,  # one row per entity, not per document
) -> tuple[list[str], Iterator[str]]:
    def rows() -> Iterator[str]:
        titles = {d.id: d.title for d in store.list_documents()}
        chosen = set(document_ids) if document_ids is not None else None
        for entity in store.entities():
            assert entity.id is not None
            docs = sorted({m[1] for m in store.mentions(entity.id)})
            if chosen is not None and not set(docs) & chosen:
                continue
            yield _line(_entity_row(entity, [titles.get(d, str(d)) for d in docs]), encode)

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


def _line(row: list[Any], encode: Encode) -> str:
    """One CSV line: text cells encoded, numbers as they are."""
    return ",".join([encode(v) if v.__class__ is str else str(v) for v in row])


def _cell(value: Any, encode: Encode = plain) -> str | int | float:
    """An attribute value as one cell: text (encoded), a number, yes/no, or a list."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple):
        return encode(LIST_SEPARATOR.join(str(v) for v in value))
    if isinstance(value, str):
        return encode(value)
    return encode(json.dumps(value, ensure_ascii=False))


TableBuilder = Callable[..., tuple[list[str], Iterator[str]]]
TABLES: dict[str, TableBuilder] = {
    "spans": spans_table,
    "commitments": commitments_table,
    "sentences": sentences_table,
    "entities": entities_table,
}
