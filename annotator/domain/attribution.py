"""Who said it and whom it binds: rules for proposing a commitment's speaker."""

from __future__ import annotations

import re
from collections.abc import Sequence

from annotator.domain.model import Span

LINK_TYPES = ("said_by", "binds", "is")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def paragraph_bounds(text: str, pos: int) -> tuple[int, int]:
    """The paragraph holding ``pos``.

    Paragraphs are separated by blank lines when the text has any (hard-wrapped prose);
    otherwise each line is a paragraph (the usual shape of a readout).
    """
    if _BLANK_LINE.search(text):
        starts = [m.end() for m in _BLANK_LINE.finditer(text, 0, pos)]
        start = starts[-1] if starts else 0
        match = _BLANK_LINE.search(text, pos)
        end = match.start() if match else len(text)
        return start, end
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def propose_speaker(
    text: str, spans: Sequence[Span], commitment: Span, *, speaker_label: str = "speaker"
) -> Span | None:
    """The nearest speaker span before ``commitment`` in its paragraph, else the last
    speaker span earlier in the document, else ``None``."""
    earlier = [
        s
        for s in spans
        if s.label == speaker_label and s.end <= commitment.start and s.id != commitment.id
    ]
    if not earlier:
        return None
    earlier.sort(key=lambda s: (s.end, s.start))
    para_start, _ = paragraph_bounds(text, commitment.start)
    in_paragraph = [s for s in earlier if s.start >= para_start]
    return (in_paragraph or earlier)[-1]


def normalise_name(name: str) -> str:
    """The key under which entity names and aliases are compared."""
    return " ".join(name.casefold().split())
