"""Line-ending normalisation that keeps offsets: ``\\r\\n`` and lone ``\\r`` become ``\\n``."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

_CRLF = re.compile(r"\r\n")


def normalise_newlines(text: str) -> tuple[str, Callable[[int], int]]:
    """Return the normalised text and a function mapping old offsets to new ones.

    Each ``\\r\\n`` loses its ``\\r``; an offset that pointed between the two characters
    maps to the start of the remaining ``\\n``.
    """
    if "\r" not in text:
        return text, lambda offset: offset
    removed = [m.start() for m in _CRLF.finditer(text)]
    new_text = text.replace("\r\n", "\n").replace("\r", "\n")

    def remap(offset: int) -> int:
        return offset - bisect.bisect_left(removed, offset)

    return new_text, remap
