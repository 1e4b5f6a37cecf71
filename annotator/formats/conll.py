"""CoNLL-2003 style BIO: one token per line, ``TOKEN -X- _ TAG``, a blank line between
sentences, ``-DOCSTART- -X- O O`` before each document.

Tokens follow :mod:`annotator.formats.tokens`. ``TAG`` is ``B-label`` on a span's first
token, ``I-label`` on the rest, ``O`` outside (whitespace in a label becomes ``_``).
Sentences are the project's; a sentence break inside a span is not written, so the span
stays whole. Offsets are not written: a token's text is all there is.

BIO cannot hold overlapping spans. The policy: by start, longest first, then by the
label's place in the tag set, a span is kept when it overlaps no span kept before it;
the others are dropped and counted in a warning. A span of only whitespace has no token
and is dropped too. Attributes, notes, links, entities and metadata cannot be held.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from annotator.formats.records import DocumentRecord, without_overlaps
from annotator.formats.tokens import tokenize

DOCSTART = "-DOCSTART- -X- O O"
_SPACE = re.compile(r"\s+")


def tag_name(label: str) -> str:
    return _SPACE.sub("_", label.strip())


@dataclass
class ConllWriter:
    label_order: Sequence[str] = ()
    overlapping: int = 0
    blank: int = 0
    _renamed: set[str] = field(default_factory=set)

    def write(self, documents: Iterable[DocumentRecord], out: TextIO) -> int:
        count = 0
        for doc in documents:
            out.write(DOCSTART + "\n\n")
            for sentence in self.rows(doc):
                out.writelines(f"{token} -X- _ {tag}\n" for token, tag in sentence)
                out.write("\n")
            count += 1
        return count

    def rows(self, doc: DocumentRecord) -> list[list[tuple[str, str]]]:
        """The document's sentences as lists of (token, tag)."""
        kept, dropped = without_overlaps(doc.spans, self.label_order)
        self.overlapping += len(dropped)
        text = doc.text
        spans = []
        for span in kept:
            if text[span.start : span.end].strip():
                spans.append(span)
            else:
                self.blank += 1
        breaks = {p for s in spans for p in (s.start, s.end)}
        tokens = tokenize(text, breaks)
        starts = [s for s, _ in doc.sentences] or [0]
        sentences: list[list[tuple[str, str]]] = []
        current: list[tuple[str, str]] = []
        last_sentence = None
        k = 0  # the first kept span that may still cover a token
        for start, end in tokens:
            while k < len(spans) and spans[k].end <= start:
                k += 1
            tag = "O"
            if k < len(spans) and spans[k].start <= start:
                name = tag_name(spans[k].label)
                if name != spans[k].label:
                    self._renamed.add(spans[k].label)
                tag = ("B-" if start == spans[k].start else "I-") + name
            sentence = bisect.bisect_right(starts, start)
            if current and sentence != last_sentence and not tag.startswith("I-"):
                sentences.append(current)
                current = []
            last_sentence = sentence
            current.append((text[start:end], tag))
        if current:
            sentences.append(current)
        return sentences

    def warnings(self) -> list[str]:
        out = []
        if self.overlapping:
            out.append(
                f"CoNLL cannot hold overlapping spans: {self.overlapping} span(s) dropped "
                "(kept: earliest start, then longest, then tag-set order)"
            )
        if self.blank:
            out.append(f"CoNLL cannot hold spans of only whitespace: {self.blank} dropped")
        if self._renamed:
            out.append(f"labels with spaces written with _: {', '.join(sorted(self._renamed))}")
        return out
