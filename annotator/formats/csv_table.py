"""CSV writing with spreadsheet-formula neutralisation (OWASP's advice)."""

from __future__ import annotations

import csv
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


def write_csv(
    out: TextIO,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    bom: bool = False,
    neutralise_formulas: bool = True,
) -> int:
    """Write ``header`` and ``rows``; return the number of data rows written."""
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    counter = _Counter(rows)
    if neutralise_formulas:
        first = _FIRST_CHARS
        writer.writerows(
            [QUOTE + v if v.__class__ is str and v[:1] in first else v for v in row]
            for row in counter
        )
    else:
        writer.writerows(counter)
    return counter.count


_FIRST_CHARS = frozenset((*DANGEROUS_PREFIXES, QUOTE))


class _Counter:
    """Counts the rows that pass through it."""

    def __init__(self, rows: Iterable[Sequence[Any]]) -> None:
        self._rows = iter(rows)
        self.count = 0

    def __iter__(self) -> _Counter:
        return self

    def __next__(self) -> Sequence[Any]:
        row = next(self._rows)
        self.count += 1
        return row
