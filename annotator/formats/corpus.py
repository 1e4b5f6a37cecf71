"""Corpora: one document per row of a CSV/TSV file or per line of a JSONL file.

The text is the column (or key) named by ``text_field``; every other column is kept
as the document's metadata, and a ``title`` column, when there is one, gives the title.
A row whose text is empty is skipped with a warning; a file without the text column is
refused.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, field
from typing import Any

from annotator.domain.errors import FormatError
from annotator.formats.doccano import iter_json_lines
from annotator.formats.records import DocumentRecord


@dataclass
class CorpusResult:
    documents: list[DocumentRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_delimited(
    source: str, *, name: str, text_field: str = "text", delimiter: str = ","
) -> CorpusResult:
    """Read a CSV (``delimiter=","``) or TSV (``"\\t"``) corpus with a header row."""
    kind = "tsv" if delimiter == "\t" else "csv"
    # A cell may hold a whole speech; the csv module's default limit is 128 KiB.
    csv.field_size_limit(max(csv.field_size_limit(), min(len(source) + 1, sys.maxsize)))
    reader = csv.reader(io.StringIO(source, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise FormatError(f"{name}: the file is empty") from None
    except csv.Error as exc:
        raise FormatError(f"{name}: not a valid {kind.upper()} file ({exc})") from exc
    header = [h.strip() for h in header]
    if text_field not in header:
        raise FormatError(
            f"{name}: no column named {text_field!r} (columns: {', '.join(header)}); "
            "choose the text column with --text-field"
        )
    result = CorpusResult()
    try:
        for row in reader:
            where = f"{name}, line {reader.line_num}"
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                raise FormatError(
                    f"{where}: {len(row)} cells but the header has {len(header)} columns"
                )
            row += [""] * (len(header) - len(row))
            metadata: dict[str, Any] = {h: v for h, v in zip(header, row, strict=True)}
            anchor = f"L{reader.line_num}"
            _add(result, metadata.pop(text_field), metadata, where, anchor, kind, text_field)
    except csv.Error as exc:
        raise FormatError(
            f"{name}, line {reader.line_num}: not valid {kind.upper()} ({exc})"
        ) from exc
    return result


def read_jsonl_corpus(source: str, *, name: str, text_field: str) -> CorpusResult:
    """Read a JSONL corpus whose text is under the key ``text_field``."""
    result = CorpusResult()
    seen_field = False
    for number, obj in iter_json_lines(source, name=name):
        where = f"{name}, line {number}"
        seen_field = seen_field or text_field in obj
        metadata = {k: v for k, v in obj.items() if k != text_field}
        _add(result, obj.get(text_field), metadata, where, f"L{number}", "jsonl", text_field)
    if not seen_field:
        raise FormatError(f"{name}: no line has the key {text_field!r}")
    return result


def _add(
    result: CorpusResult,
    text: Any,
    metadata: dict[str, Any],
    where: str,
    anchor: str,
    kind: str,
    text_field: str,
) -> None:
    if not isinstance(text, str) or not text.strip():
        result.warnings.append(f"{where}: no text in {text_field!r}; the row is skipped")
        return
    title = metadata.get("title")
    result.documents.append(
        DocumentRecord(
            text=text,
            title=title.strip() if isinstance(title, str) else "",
            metadata={"format": kind, "text_field": text_field, **metadata},
            where=where,
            anchor=anchor,
        )
    )
