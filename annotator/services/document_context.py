"""One document as the export tables see it: its sentences, its spans checked against
its text, and what its links say (who said a commitment, whom it binds, which entity a
mention stands for). Loaded once per document; :mod:`annotator.services.tables` builds
the rows from it.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.domain.errors import OffsetError
from annotator.domain.model import Document, Link, Span, sha256_text
from annotator.storage import Store

__all__ = [
    "LIST_SEPARATOR",
    "DocumentContext",
    "EachDocument",
    "Encode",
    "LinkIndex",
    "Sentences",
    "check_document",
    "contexts",
    "export_ids",
    "entity_names",
    "plain",
]

LIST_SEPARATOR = "; "

Encode = Callable[[str], str]
#: What a link points at: (start, end, text, entity_id) of the target span.
Mention = tuple[int, int, str, "int | None"]


def plain(value: str) -> str:
    return value


class LinkIndex:
    """What a document's links say: who said a commitment, whom it binds, which entity
    a mention stands for. Built only for documents that have links."""

    def __init__(
        self, links: Sequence[Link], mentions: dict[int, Mention], entity_names: dict[int, str]
    ) -> None:
        self.entity_names = entity_names
        #: The spans with a link of their own (the others need no lookup).
        self.sources = {link.source_id for link in links}
        self._targets: dict[tuple[int, str], list[tuple[int, Mention]]] = {}
        for link in links:
            target = mentions.get(link.target_id)
            if target is not None:
                found = self._targets.setdefault((link.source_id, link.type), [])
                found.append((link.target_id, target))
        for found in self._targets.values():
            found.sort(key=lambda t: (t[1][0], t[1][1]))  # text order; stable for ties

    def targets(self, span_id: int | None, link_type: str) -> list[tuple[int, Mention]]:
        """(id, mention) of the spans ``span_id`` links to with ``link_type``, in text order."""
        if span_id is None:
            return []
        return self._targets.get((span_id, link_type), [])

    def entity_of(self, span_id: int | None, entity_id: int | None) -> str:
        """The canonical name a mention stands for: its own entity, or via an ``is`` link."""
        names = self.entity_names
        if entity_id is not None and entity_id in names:
            return names[entity_id]
        for _, (_, _, _, target_entity) in self.targets(span_id, "is"):
            if target_entity is not None and target_entity in names:
                return names[target_entity]
        return ""

    def speaker(self, span_id: int | None) -> tuple[str, str]:
        """(speaker mention text, its canonical entity) of a commitment, or blanks."""
        speakers = self.targets(span_id, "said_by")
        if not speakers:
            return "", ""
        target_id, (_, _, text, entity_id) = speakers[0]
        return text, self.entity_of(target_id, entity_id)

    def binds(self, span_id: int | None) -> str:
        names: list[str] = []
        for target_id, (_, _, text, entity_id) in self.targets(span_id, "binds"):
            name = self.entity_of(target_id, entity_id) or text
            if name not in names:
                names.append(name)
        return LIST_SEPARATOR.join(names)


def check_document(document: Document, spans: Iterable[tuple[Any, int, int, str]]) -> None:
    """Refuse to export a document whose text changed or a span that no longer fits it.

    ``spans`` are ``(id, start, end, text)``.
    """
    text = document.text
    if document.sha256 and sha256_text(text) != document.sha256:
        raise OffsetError(
            f"document {document.id} ({document.title}): its text no longer "
            "matches the hash recorded when it was imported (the file was changed "
            "outside annotator); nothing exported"
        )
    for span_id, start, end, span_text in spans:
        if text[start:end] != span_text:
            raise OffsetError(
                f"document {document.id} ({document.title}): span {span_id} "
                f"[{start}, {end}) says {span_text!r} but the text there is "
                f"{text[start:end]!r}; nothing exported"
            )


class Sentences:
    """A document's sentences: which one a position falls in, and its text (encoded once)."""

    def __init__(
        self,
        text: str,
        sentences: list[tuple[int, int]],
        encode: Encode,
        *,
        numbered: bool = False,
    ) -> None:
        """With ``numbered``, a cell is the sentence's index, a comma, then its text."""
        self.numbered = numbered
        self.text = text
        self.bounds = sentences
        self.starts = [s for s, _ in sentences]
        self.cells: list[str | None] = [None] * len(sentences)
        self._encode = encode

    def index_of(self, pos: int) -> int | None:
        i = bisect.bisect_right(self.starts, pos) - 1
        if i >= 0 and pos < self.bounds[i][1]:
            return i
        return None

    def cell(self, index: int | None) -> str:
        """The sentence's text, encoded; blank for no sentence."""
        if index is None:
            return ""
        cell = self.cells[index]
        if cell is None:
            start, end = self.bounds[index]
            cell = self._encode(self.text[start:end])
            if self.numbered:
                cell = f"{index},{cell}"
            self.cells[index] = cell
        return cell


@dataclass
class DocumentContext:
    """Everything the tables need to know about one document, loaded once."""

    document: Document
    sentences: list[tuple[int, int]]
    spans: list[Span]
    links: list[Link]
    entity_names: dict[int, str]
    by_id: dict[int, Span] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {s.id: s for s in self.spans if s.id is not None}
        targets = {link.target_id for link in self.links}
        self.index = LinkIndex(
            self.links,
            {
                i: (s.start, s.end, s.text, s.entity_id)
                for i, s in self.by_id.items()
                if i in targets
            },
            self.entity_names,
        )
        check_document(self.document, ((s.id, s.start, s.end, s.text) for s in self.spans))
        self._sentences = Sentences(self.document.text, self.sentences, plain)

    def sentence_of(self, pos: int) -> int | None:
        return self._sentences.index_of(pos)

    def sentence_text(self, index: int | None) -> str:
        return self._sentences.cell(index)

    def entity_of(self, span: Span) -> str:
        return self.index.entity_of(span.id, span.entity_id)

    def speaker(self, span: Span) -> tuple[str, str]:
        return self.index.speaker(span.id)

    def binds(self, span: Span) -> str:
        return self.index.binds(span.id)


#: Called before each document's rows with its position and title (progress, cancel).
EachDocument = Callable[[int, str], None]


def contexts(
    store: Store,
    document_ids: Iterable[int] | None = None,
    each_document: EachDocument | None = None,
) -> Iterator[DocumentContext]:
    names = entity_names(store)
    for n, doc_id in enumerate(export_ids(store, document_ids)):
        document = store.get_document(doc_id)
        if each_document is not None:
            each_document(n, document.title)
        yield DocumentContext(
            document=document,
            sentences=store.sentences(doc_id),
            spans=store.spans_for_document(doc_id),
            links=store.links_for_document(doc_id),
            entity_names=names,
        )


def entity_names(store: Store) -> dict[int, str]:
    return {e.id: e.name for e in store.entities() if e.id is not None}


def export_ids(store: Store, document_ids: Iterable[int] | None) -> Iterable[int]:
    """The documents asked for (walked lazily: a two-process export claims each one as
    it comes to it), or every document."""
    if document_ids is not None:
        return document_ids
    return [d.id for d in store.list_documents()]
