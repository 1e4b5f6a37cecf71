"""CSV writing with spreadsheet-formula neutralisation (OWASP's advice).

:func:`write_encoded` writes lines whose text cells a :class:`CellEncoder` has made
ready, byte-for-byte what :mod:`csv` would write (``QUOTE_MINIMAL``, ``\\r\\n``). A
million spans carry a few hundred megabytes of text, mostly the same sentences and
titles again and again; :mod:`csv` scans every character of every cell, the encoder
scans each distinct value once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

# A cell starting with one of these runs as a formula in Excel, LibreOffice and Sheets.
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


QUOTE = "'"


def neutralise(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would run as a formula with ``'``.

    A cell that already starts with ``'`` is prefixed too, so the change can always be
    undone exactly by :func:`unneutralise` (strip one leading ``'``).
    """
    if isinstance(value, str) and value.startswith((*DANGEROUS_PREFIXES, QUOTE)):
        return QUOTE + value
    return value


def unneutralise(value: str) -> str:
    """The exact original of a cell written with neutralisation on."""
    return value[1:] if value.startswith(QUOTE) else value


_FIRST_CHARS = frozenset((*DANGEROUS_PREFIXES, QUOTE))


_NEEDS_QUOTES = re.compile('[",\\r\\n]')


def quote(value: str) -> str:
    """``value`` as :mod:`csv` writes it: in double quotes when it holds ``",\\r\\n``."""
    if _NEEDS_QUOTES.search(value) is None:
        return value
    return '"' + value.replace('"', '""') + '"'


class CellEncoder:
    """Text cells as they go into the file: neutralised (optionally), then quoted.

    Calling the encoder remembers the result, for values that repeat (titles, sentence
    texts, labels, time stamps); :meth:`once` is for values that rarely do.
    """

    def __init__(self, *, neutralise_formulas: bool = True, limit: int = 200_000) -> None:
        self.neutralise = neutralise_formulas
        self._risky = _FIRST_CHARS if neutralise_formulas else frozenset()  # first chars
        self._limit = limit
        self._seen: dict[str, str] = {}

    def once(self, value: str) -> str:
        """``value`` as a cell (not remembered: for values that rarely repeat)."""
        # The usual word or phrase needs nothing: tested with plain string operations,
        # cheaper than the regex for the million short span texts of a large export.
        if (
            value[:1] not in self._risky
            and '"' not in value
            and "," not in value
            and "\n" not in value
            and "\r" not in value
        ):
            return value
        return quote(neutralise(value) if self.neutralise else value)

    def __call__(self, value: str) -> str:
        cell = self._seen.get(value)
        if cell is None:
            if len(self._seen) >= self._limit:
                self._seen.clear()
            cell = self._seen[value] = self.once(value)
        return cell


def write_encoded(
    out: TextIO, header: Sequence[str] | None, lines: Iterable[str], *, bom: bool = False
) -> int:
    """Write ``header`` (unless ``None``) and lines whose cells a :class:`CellEncoder`
    made ready.

    Each line is its cells joined by commas, without the line end; returns their number.
    """
    if bom:
        out.write("\ufeff")
    if header is not None:
        out.write(",".join(quote(h) for h in header) + "\r\n")
    count = 0
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) == 4096:
            count += len(batch)
            out.write("\r\n".join(batch) + "\r\n")
            batch.clear()
    if batch:
        count += len(batch)
        out.write("\r\n".join(batch) + "\r\n")
    return count
