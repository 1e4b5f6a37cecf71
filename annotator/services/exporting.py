"""Exports: every format the project can leave in, written safely.

:func:`export` builds a :class:`~annotator.formats.records.DocumentRecord` per document
(every span checked against its document's text and hash first: an export never carries
a wrong offset) and hands them to the writer of ``formats/``. The output is written to a
temporary file (a temporary folder for brat) beside the target and renamed into place
at the end, so a failed or cancelled export leaves the target as it was. ``cancel`` is
checked between documents; run it off the UI thread with ``progress`` and ``cancel``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from annotator.domain.errors import AnnotatorError
from annotator.formats.brat import BratWriter, visual_conf
from annotator.formats.conll import ConllWriter
from annotator.formats.csv_table import CellEncoder, write_encoded
from annotator.formats.doccano import write_doccano_jsonl
from annotator.formats.jsonl import write_jsonl
from annotator.formats.labelstudio import LabelStudioWriter
from annotator.formats.records import DocumentRecord, EntityRef, LinkRecord, SpanRecord
from annotator.formats.spacy_docbin import DocBinWriter, require_spacy
from annotator.services import csv_worker
from annotator.services.document_context import DocumentContext
from annotator.services.importing import Cancel, Progress, stop_checker
from annotator.services.tables import SPAN_COLUMNS, TABLES
from annotator.storage import Store

__all__ = [
    "FORMATS",
    "SPAN_COLUMNS",
    "TABLES",
    "ExportReport",
    "export",
    "export_csv",
    "export_spans_csv",
    "stats_report",
]

#: Format name -> the usual suffix of its file (brat writes a folder).
FORMATS = {
    "csv": ".csv",
    "jsonl": ".jsonl",
    "brat": "",
    "conll": ".conll",
    "spacy": ".spacy",
    "labelstudio": ".json",
    "doccano": ".jsonl",
}
FOLDER_FORMATS = ("brat",)


@dataclass
class ExportReport:
    path: Path
    format: str
    documents: int = 0
    spans: int = 0
    rows: int = 0  # CSV only
    warnings: list[str] = field(default_factory=list)
    extra_files: list[Path] = field(default_factory=list)
    cancelled: bool = False

    def summary(self) -> str:
        if self.cancelled:
            return "export cancelled: nothing was written"
        if self.format == "csv":
            return f"{self.rows} rows written to {self.path}"
        return f"{self.documents} documents, {self.spans} spans written to {self.path}"


class _Cancelled(Exception):
    pass


def export(
    store: Store,
    out: Path | str,
    fmt: str,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    document_ids: Sequence[int] | None = None,
    table: str = "spans",
    bom: bool = False,
    neutralise: bool = True,
) -> ExportReport:
    """Write the project (or ``document_ids``) to ``out`` in format ``fmt``.

    ``table``, ``bom`` and ``neutralise`` apply to CSV. Raises :class:`AnnotatorError`
    for an unknown format, a damaged span, or a missing optional dependency; returns a
    report with ``cancelled`` set when ``cancel`` stopped it (nothing written).
    """
    if fmt not in FORMATS:
        raise AnnotatorError(f"no export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "spacy":
        require_spacy()
    out = Path(out)
    report = ExportReport(out, fmt)
    ids = list(document_ids) if document_ids is not None else [d.id for d in store.list_documents()]
    stop = stop_checker(cancel)
    records = _Records(store, ids, stop, progress, report)
    tagset = store.tagset()
    order = tagset.names()
    try:
        if fmt == "brat":
            writer = BratWriter()
            _write_folder(out, _brat_files(writer, records, order, tagset_colors(store)))
            report.warnings += writer.finish()
        elif fmt == "csv":

            def write_table(handle: TextIO) -> None:
                report.rows = _csv(store, handle, ids, table, bom, neutralise, stop, progress)

            _write_text(out, write_table)
        elif fmt == "jsonl":
            _write_text(out, lambda handle: write_jsonl(records, handle))
        elif fmt == "doccano":
            relations = any(store.links_for_document(i) for i in ids)
            _write_text(out, lambda h: write_doccano_jsonl(records, h, relations=relations))
        elif fmt == "conll":
            conll = ConllWriter(order)
            _write_text(out, lambda handle: conll.write(records, handle))
            report.warnings += conll.warnings()
        elif fmt == "labelstudio":
            text_attributes = frozenset(
                a.name for label in tagset.labels for a in label.attributes if a.kind == "text"
            )
            ls = LabelStudioWriter(text_attributes=text_attributes)
            _write_text(out, lambda handle: ls.write(records, handle))
            report.warnings += ls.warnings()
            config = out.with_name(out.stem + ".label_config.xml")
            _write_text(config, lambda h: h.write(ls.label_config(tagset_colors(store))))
            report.extra_files.append(config)
        elif fmt == "spacy":
            docbin = DocBinWriter(order)
            _write_bytes(out, lambda: docbin.to_bytes(records)[0])
            report.warnings += docbin.warnings()
    except _Cancelled:
        return ExportReport(out, fmt, cancelled=True)
    if progress:
        progress(len(ids), len(ids), "")
    report.warnings += records.warnings()
    return report


def tagset_colors(store: Store) -> dict[str, str]:
    return {label.name: label.color for label in store.tagset().labels}


class _Records:
    """The documents as records, built (and checked) one at a time as a writer asks."""

    def __init__(
        self,
        store: Store,
        ids: list[int],
        stop: Callable[[], bool],
        progress: Progress | None,
        report: ExportReport,
    ) -> None:
        self.store = store
        self.ids = ids
        self.stop = stop
        self.progress = progress
        self.report = report
        self.cross_links = 0

    def __iter__(self) -> Iterator[DocumentRecord]:
        store = self.store
        entities = {e.id: e for e in store.entities()}
        names = {i: e.name for i, e in entities.items() if i is not None}
        for i, doc_id in enumerate(self.ids):
            if self.stop():
                raise _Cancelled
            ctx = DocumentContext(
                document=store.get_document(doc_id),
                sentences=store.sentences(doc_id),
                spans=store.spans_for_document(doc_id),
                links=store.links_for_document(doc_id),
                entity_names=names,
            )  # checks every span against the text and the text against its hash
            doc = ctx.document
            if self.progress:
                self.progress(i, len(self.ids), doc.title)
            spans = []
            for s in ctx.spans:
                entity = entities.get(s.entity_id) if s.entity_id is not None else None
                ref = None
                if entity is not None:
                    ref = EntityRef(
                        entity.name, entity.type, entity.aliases, entity.note, entity.id
                    )
                spans.append(
                    SpanRecord(
                        key=str(s.id),
                        label=s.label,
                        start=s.start,
                        end=s.end,
                        text=s.text,
                        attributes=s.attributes,
                        note=s.note,
                        origin=s.origin,
                        annotator=s.annotator,
                        created_at=s.created_at,
                        updated_at=s.updated_at,
                        entity=ref,
                    )
                )
            links = []
            for k in ctx.links:
                if k.source_id in ctx.by_id and k.target_id in ctx.by_id:
                    links.append(LinkRecord(str(k.source_id), str(k.target_id), k.type))
                else:
                    self.cross_links += 1
            self.report.documents += 1
            self.report.spans += len(spans)
            yield DocumentRecord(
                text=doc.text,
                title=doc.title,
                metadata=doc.metadata,
                spans=tuple(spans),
                links=tuple(links),
                status=doc.status,
                note=doc.note,
                source=doc.source,
                id=doc.id,
                sentences=tuple(ctx.sentences),
            )

    def warnings(self) -> list[str]:
        if not self.cross_links:
            return []
        return [f"{self.cross_links} link(s) between documents cannot be exported"]


def _write_text(out: Path, write: Callable[[TextIO], Any]) -> None:
    def run(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            write(handle)

    _atomic(out, run)


def _write_bytes(out: Path, build: Callable[[], bytes]) -> None:
    _atomic(out, lambda tmp: tmp.write_bytes(build()))


def _atomic(out: Path, write: Callable[[Path], object]) -> None:
    if out.is_dir():
        raise AnnotatorError(f"{out}: is a folder; give a file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
    try:
        write(tmp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def _brat_files(
    writer: BratWriter,
    records: Iterable[DocumentRecord],
    labels: Sequence[str],
    colors: dict[str, str],
) -> Iterator[tuple[str, str]]:
    used: set[str] = set()
    for record in records:
        stem = _file_stem(record, used)
        txt, ann = writer.write(record)
        yield f"{stem}.txt", txt
        yield f"{stem}.ann", ann
    yield "annotation.conf", writer.annotation_conf(labels)
    yield "visual.conf", visual_conf(colors)


def _file_stem(record: DocumentRecord, used: set[str]) -> str:
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in record.title.lower())
    slug = "-".join(part for part in slug.split("-") if part)[:40].strip("-")
    stem = f"{record.id or 0:05d}" + (f"-{slug}" if slug else "")
    while stem in used:
        stem += "-1"
    used.add(stem)
    return stem


def _write_folder(out: Path, files: Iterable[tuple[str, str]]) -> None:
    """Write every file into a hidden folder beside ``out``, then move them in."""
    if out.exists() and not out.is_dir():
        raise AnnotatorError(f"{out}: is a file; the brat export needs a folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent))
    try:
        for name, content in files:
            (tmp / name).write_text(content, encoding="utf-8", newline="")
        out.mkdir(exist_ok=True)
        for path in sorted(tmp.iterdir()):
            os.replace(path, out / path.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _csv(
    store: Store,
    out: TextIO,
    ids: Sequence[int] | None,
    table: str,
    bom: bool,
    neutralise: bool,
    stop: Callable[[], bool] | None = None,
    progress: Progress | None = None,
) -> int:
    try:
        builder = TABLES[table]
    except KeyError:
        raise AnnotatorError(f"no table {table!r}; choose one of {', '.join(TABLES)}") from None
    total = len(ids) if ids is not None else None

    def each_document(index: int, title: str) -> None:
        if stop is not None and stop():
            raise _Cancelled
        if progress is not None:
            progress(index, total if total is not None else index + 1, title)

    encode = CellEncoder(neutralise_formulas=neutralise)
    documents = store.list_documents()
    every = list(ids) if ids is not None else [d.id for d in documents]
    counts = {d.id: d.span_count for d in documents if d.id is not None}
    if store.path is None or not csv_worker.wanted(counts, every, table):
        header, rows = builder(store, every, encode=encode, each_document=each_document)
        return write_encoded(out, header, rows, bom=bom)
    # A large export: a second process takes documents from the back while this one
    # takes them from the front (see csv_worker); its lines follow ours.
    worker = csv_worker.Worker(store.path, every, table, neutralise)
    try:
        header, rows = builder(
            store, worker.mine(every), encode=encode, each_document=each_document
        )
        count = write_encoded(out, header, rows, bom=bom)
        return count + worker.append_to(out)
    finally:
        worker.close()


def export_csv(
    store: Store,
    out: TextIO,
    *,
    table: str = "spans",
    bom: bool = False,
    neutralise: bool = True,
    document_ids: Sequence[int] | None = None,
) -> int:
    """Write one of :data:`TABLES` as CSV to an open file; return the number of rows."""
    # Rows are verified as they are built; callers write to a temporary file and keep
    # it only when the export completes, so a damaged span leaves nothing.
    return _csv(store, out, document_ids, table, bom, neutralise)


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
