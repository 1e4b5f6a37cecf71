"""Exports: tables built by :mod:`annotator.services.tables`, written by ``formats/``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from annotator.domain.errors import AnnotatorError
from annotator.formats.csv_table import write_csv
from annotator.services.tables import SPAN_COLUMNS, TABLES
from annotator.storage import Store

__all__ = ["SPAN_COLUMNS", "TABLES", "export_csv", "export_spans_csv", "stats_report"]


def export_csv(
    store: Store,
    out: TextIO,
    *,
    table: str = "spans",
    bom: bool = False,
    neutralise: bool = True,
    document_ids: Sequence[int] | None = None,
) -> int:
    """Write one of :data:`TABLES` as CSV; return the number of rows."""
    try:
        builder = TABLES[table]
    except KeyError:
        raise AnnotatorError(f"no table {table!r}; choose one of {', '.join(TABLES)}") from None
    header, rows = builder(store, document_ids)
    # Rows are verified as they are built; callers write to a temporary file and keep
    # it only when the export completes (see cli.export), so a damaged span leaves nothing.
    return write_csv(out, header, rows, bom=bom, neutralise_formulas=neutralise)


def export_spans_csv(
    store: Store,
    out: TextIO,
    *,
    bom: bool = False,
    neutralise: bool = True,
    document_ids: Sequence[int] | None = None,
) -> int:
    """Write the spans table as CSV; return the number of rows."""
    return export_csv(
        store, out, table="spans", bom=bom, neutralise=neutralise, document_ids=document_ids
    )


def stats_report(store: Store) -> dict[str, Any]:
    report = store.stats()
    report["per_document"] = [
        {"id": d.id, "title": d.title, "status": d.status, "spans": d.span_count}
        for d in store.list_documents()
    ]
    return report


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
