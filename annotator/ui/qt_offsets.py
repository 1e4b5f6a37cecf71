"""The one conversion between Qt text positions and the project's offsets.

Our offsets are Python ``str`` indices (code points). ``QTextDocument`` counts
UTF-16 code units: a character outside the Basic Multilingual Plane (most
emoji, some CJK) takes two, and ``"\\r\\n"`` becomes a single paragraph
separator (one unit for two code points). Everything else is one unit per
code point -- ``\\n``, ``\\t``, U+2028/U+2029 and combining marks included
(``tests/unit/test_qt_offsets.py`` checks this against a real
``QPlainTextEdit``).

So the two scales only drift apart at a few places. :class:`OffsetMap` keeps a
sorted table of those places and bisects it both ways. Pure Python: no Qt
import, usable without a ``QApplication``.
"""

from __future__ import annotations

import re
from bisect import bisect_left

__all__ = ["OffsetMap"]

_SURROGATE_LEADS = (b"\xd8", b"\xd9", b"\xda", b"\xdb")  # first byte of D800-DBFF


def _odd_places(text: str) -> list[tuple[int, int]]:
    """``(code-point index, Qt width)`` of each character whose width is not 1, in order.

    A non-BMP character takes 2 units; the "\\r" of "\\r\\n" takes 0, since Qt merges
    the pair into one separator (stored texts never hold "\\r", but a map that
    silently drifted on one would be worse). A regex over 5 MB of text for non-BMP
    characters costs ~40 ms; instead the text is encoded to UTF-16 (big-endian) once
    and its high surrogates are found with ``bytes.find`` (memchr speed) on their
    first byte, at even offsets only: ~12 ms for 5 MB with a few thousand emoji.
    """
    places: list[tuple[int, int]] = []
    if not text.isascii():
        data = text.encode("utf-16-be", "surrogatepass")
        if len(data) != 2 * len(text):  # some character takes two units
            units: list[int] = []
            find = data.find
            for lead in _SURROGATE_LEADS:
                at = find(lead)
                while at >= 0:
                    if not at & 1:  # the first byte of a unit, not the second
                        units.append(at >> 1)
                    at = find(lead, at + 1)
            units.sort()
            drift = 0  # non-BMP characters before: each one unit wider than a code point
            for unit in units:
                cp = unit - drift
                # A lone surrogate in the text is one unit wide, like any BMP character.
                if ord(text[cp]) > 0xFFFF:
                    places.append((cp, 2))
                    drift += 1
    if "\r" in text:  # memchr: far cheaper than searching for "\r\n"
        crs = [(m.start(), 0) for m in re.finditer("\r\n", text)]
        places = sorted(places + crs) if places else crs
    return places


class OffsetMap:
    """Convert between code-point offsets of ``text`` and Qt (UTF-16) positions.

    Built in O(k) after a fast scan, where k is the number of characters whose
    width differs; conversions are O(log k) (O(1) when k is 0). ``to_qt(len(text))`` is the Qt
    length of the text (``QTextDocument.characterCount() - 1``).
    """

    __slots__ = ("_cum", "_length", "_odd_cp", "_odd_q", "_odd_q_end", "_qt_length")

    def __init__(self, text: str) -> None:
        self._length = len(text)
        odd_cp: list[int] = []  # code-point index of each odd character
        odd_q: list[int] = []  # its Qt start
        odd_q_end: list[int] = []  # its Qt end (start + width)
        cum = [0]  # cum[i]: Qt minus code-point offset after the first i odd characters
        drift = 0
        for cp, width in _odd_places(text):
            q = cp + drift
            odd_cp.append(cp)
            odd_q.append(q)
            odd_q_end.append(q + width)
            drift += width - 1
            cum.append(drift)
        self._odd_cp = odd_cp
        self._odd_q = odd_q
        self._odd_q_end = odd_q_end
        self._cum = cum
        self._qt_length = self._length + drift

    @property
    def length(self) -> int:
        """Length of the text in code points."""
        return self._length

    @property
    def qt_length(self) -> int:
        """Length of the text in Qt positions."""
        return self._qt_length

    @property
    def is_identity(self) -> bool:
        """True when both scales agree everywhere (no emoji, no CRLF)."""
        return not self._odd_cp

    def to_qt(self, cp: int) -> int:
        """Qt position of code-point offset ``cp`` (0 <= cp <= len(text))."""
        if cp < 0 or cp > self._length:
            raise IndexError(f"offset {cp} outside the text (length {self._length})")
        if not self._odd_cp:
            return cp
        return cp + self._cum[bisect_left(self._odd_cp, cp)]

    def from_qt(self, q: int) -> int:
        """Code-point offset of Qt position ``q``.

        A position inside a surrogate pair (or between the "\\r" and "\\n" Qt
        merged) rounds down to the start of that character. Out-of-range
        positions are clamped to the text, since Qt counts one more position
        (the final paragraph separator) than the text has.
        """
        if q <= 0:
            return 0
        if q >= self._qt_length:
            return self._length
        if not self._odd_cp:
            return q
        n = bisect_left(self._odd_q, q)  # odd characters starting before q
        if n and self._odd_q_end[n - 1] > q:
            return self._odd_cp[n - 1]  # q falls inside that character
        return q - self._cum[n]

    def __repr__(self) -> str:
        return (
            f"OffsetMap(length={self._length}, qt_length={self._qt_length}, "
            f"odd={len(self._odd_cp)})"
        )
