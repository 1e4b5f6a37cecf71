"""spaCy's ``DocBin`` (``.spacy``): the training-data format of spaCy 3.

Needs the optional extra: ``pip install "annotator[spacy]"``. Each document becomes a
``Doc`` over a blank multi-language vocabulary whose text is exactly the document's
(tokens from :mod:`annotator.formats.tokens`; whitespace is a token's trailing space or a
whitespace token of its own, as spaCy does). Every span is in ``doc.spans["sc"]`` (the
key spaCy's span categoriser reads) with its label, its span id as ``id_`` and its
canonical entity's name as ``kb_id_``; the spans kept by the overlap policy of
:mod:`annotator.formats.conll` are also ``doc.ents``. ``doc.user_data["annotator"]``
holds the document's id and title. Offsets (``span.start_char``) are code points.
Attributes, notes and links cannot be held.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.domain.errors import FormatError
from annotator.formats.records import DocumentRecord, without_overlaps
from annotator.formats.tokens import tokenize

SPAN_KEY = "sc"


def require_spacy() -> Any:
    """The ``spacy`` module, or a :class:`FormatError` saying how to install it."""
    try:
        import spacy
    except ImportError as exc:
        raise FormatError(
            'the spaCy export needs spaCy: install it with pip install "annotator[spacy]" '
            "(or uv sync --extra spacy)"
        ) from exc
    return spacy


def words_and_spaces(text: str, breaks: Iterable[int]) -> tuple[list[str], list[bool]]:
    """Words and trailing-space flags whose ``Doc`` text is exactly ``text``, with a token
    boundary at every offset in ``breaks``."""
    cut = set(breaks)
    words: list[str] = []
    spaces: list[bool] = []

    def whitespace(start: int, end: int) -> None:
        # a space right after a token is its trailing space, unless a span starts on
        # that space or ends right after it
        if (
            start < end
            and words
            and text[start] == " "
            and words[-1].strip()
            and start not in cut
            and start + 1 not in cut
        ):
            spaces[-1] = True
            start += 1
        points = sorted(p for p in cut if start < p < end)
        for a, b in zip([start, *points], [*points, end], strict=True):
            if a < b:
                words.append(text[a:b])
                spaces.append(False)

    position = 0
    for start, end in tokenize(text, cut):
        whitespace(position, start)
        words.append(text[start:end])
        spaces.append(False)
        position = end
    whitespace(position, len(text))
    return words, spaces


@dataclass
class DocBinWriter:
    label_order: Sequence[str] = ()
    overlapping: int = 0

    def to_bytes(self, documents: Iterable[DocumentRecord]) -> tuple[bytes, int]:
        """The ``DocBin`` bytes and the number of documents."""
        spacy = require_spacy()
        from spacy.tokens import Doc, DocBin

        vocab = spacy.blank("xx").vocab
        docbin = DocBin(store_user_data=True)
        count = 0
        for record in documents:
            breaks = {p for s in record.spans for p in (s.start, s.end)}
            words, spaces = words_and_spaces(record.text, breaks)
            doc = Doc(vocab, words=words, spaces=spaces)
            if doc.text != record.text:  # pragma: no cover - a broken invariant
                raise FormatError(f"document {record.id}: spaCy's text differs from ours")
            by_key = {}
            for span in record.spans:
                found = doc.char_span(
                    span.start,
                    span.end,
                    label=span.label,
                    kb_id=span.entity.name if span.entity else "",
                    span_id=span.key,
                )
                if found is None:  # pragma: no cover - every boundary is a token boundary
                    raise FormatError(f"document {record.id}: span {span.key} is not on tokens")
                by_key[span.key] = found
            doc.spans[SPAN_KEY] = list(by_key.values())
            kept, dropped = without_overlaps(record.spans, self.label_order)
            self.overlapping += len(dropped)
            doc.ents = [by_key[s.key] for s in kept]
            doc.user_data["annotator"] = {"document_id": record.id, "title": record.title}
            docbin.add(doc)
            count += 1
        return bytes(docbin.to_bytes()), count

    def warnings(self) -> list[str]:
        if not self.overlapping:
            return []
        return [
            f"doc.ents cannot hold overlapping spans: {self.overlapping} span(s) are only in "
            f'doc.spans["{SPAN_KEY}"]'
        ]
