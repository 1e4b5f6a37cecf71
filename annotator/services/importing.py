"""Bringing files into a project: read every file, then save the batch in one transaction.

A batch runs in two steps. First every file is read and checked (decoding, extraction,
offsets): no lock is held and nothing is written, so a slow PDF does not block the
window. Then everything is written inside one transaction, each file in its own
savepoint: a file that fails is rolled back alone and reported, and a cancelled batch
is rolled back whole, leaving the project as it was. Cancellation is checked between
files in both steps.

Run it off the UI thread with ``progress`` and ``cancel``; ``cancel`` is a callable
returning ``True`` to stop, or anything with ``is_set()`` (a ``threading.Event``). A
worker thread may use the window's :class:`Store` while the window makes no other call on
it, or open its own on the same file: the save step then holds the write lock for its
duration, and the window's writes wait for it (up to the busy timeout).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from annotator.domain.attribution import normalise_name
from annotator.domain.errors import AnnotatorError, FormatError
from annotator.domain.model import Document, Entity, Label, Link, Span, sha256_text
from annotator.domain.segment import split_sentences
from annotator.domain.tagset import color_for
from annotator.formats import word
from annotator.formats.brat import read_brat
from annotator.formats.corpus import read_delimited, read_jsonl_corpus
from annotator.formats.doccano import iter_json_lines, read_doccano_line
from annotator.formats.jsonl import is_annotator_line, read_jsonl_line
from annotator.formats.labelstudio import read_labelstudio
from annotator.formats.pdf import read_pdf
from annotator.formats.plaintext import decode_text, title_from_text
from annotator.formats.records import DocumentRecord, EntityRef, normalise_record
from annotator.formats.webpage import read_html
from annotator.storage import Store

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
DOCUMENT_SUFFIXES = (".docx", ".pdf")
CORPUS_SUFFIXES = (".csv", ".tsv")
ANNOTATED_SUFFIXES = (".jsonl", ".json", ".ann")
SUPPORTED = TEXT_SUFFIXES + HTML_SUFFIXES + DOCUMENT_SUFFIXES + CORPUS_SUFFIXES + ANNOTATED_SUFFIXES
MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    """Files over these limits are refused with a message, before they are expanded."""

    max_file_bytes: int = MAX_FILE_BYTES
    max_uncompressed: int = word.MAX_UNCOMPRESSED  # a .docx, once unzipped
    max_ratio: float = word.MAX_RATIO  # how many times a .docx member may expand


@dataclass
class ImportReport:
    """What happened to each file of a batch."""

    imported: list[tuple[str, int, str]] = field(default_factory=list)  # name, doc id, detail
    skipped: list[tuple[str, str]] = field(default_factory=list)  # name, reason
    failed: list[tuple[str, str]] = field(default_factory=list)  # name, reason
    warnings: list[tuple[str, str]] = field(default_factory=list)  # name, what was lost
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed and not self.cancelled

    def summary(self) -> str:
        if self.cancelled:
            return "import cancelled: nothing was imported"
        return (
            f"{len(self.imported)} imported, {len(self.skipped)} skipped, "
            f"{len(self.failed)} refused"
        )


Progress = Callable[[int, int, str], None]


class _Event(Protocol):
    def is_set(self) -> bool: ...


Cancel = Callable[[], bool] | _Event


class _Cancelled(Exception):
    pass


def stop_checker(cancel: Cancel | None) -> Callable[[], bool]:
    """``cancel`` (a callable or an event, or ``None``) as a callable."""
    if cancel is None:
        return lambda: False
    if hasattr(cancel, "is_set"):
        return cancel.is_set
    return cancel


@dataclass
class _Read:
    """One file, read and checked, ready to be saved."""

    source: str
    documents: list[DocumentRecord]
    detail: str
    warnings: list[str] = field(default_factory=list)


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand folders (recursively, in name order); return files and refusals.

    A ``.txt`` file with an ``.ann`` file beside it is brat standoff: the pair is
    imported once, through the ``.ann`` file.
    """
    files: list[Path] = []
    refused: list[tuple[str, str]] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                # Hidden files and everything in hidden folders (.git, .obsidian ...) are
                # not documents.
                if not child.is_file() or any(
                    p.startswith(".") for p in child.relative_to(path).parts
                ):
                    continue
                if child.suffix.lower() in SUPPORTED:
                    files.append(child)
                elif child.name not in ("annotation.conf", "visual.conf", "tools.conf"):
                    refused.append((str(child), _unsupported(child, str(child))))
        elif path.is_file():
            files.append(path)
        else:
            refused.append((str(path), f"{path}: no such file or folder"))
    unique: list[Path] = []
    seen: set[Path] = set()
    for path in files:
        if path.suffix.lower() == ".txt" and path.with_suffix(".ann").is_file():
            path = path.with_suffix(".ann")
        if path not in seen:
            seen.add(path)
            unique.append(path)
    return unique, refused


def import_paths(
    store: Store,
    paths: Sequence[Path | str],
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    text_field: str | None = None,
    limits: ImportLimits | None = None,
) -> ImportReport:
    """Import files and folders; bad files are reported and the rest go on.

    ``text_field`` names the text column of CSV/TSV corpora (default ``text``), the text
    key of JSONL corpora and of Label Studio tasks' ``data``.
    """
    limits = limits or ImportLimits()
    stop = stop_checker(cancel)
    files, refused = collect_files(Path(p) for p in paths)
    report = ImportReport(failed=list(refused))
    read: list[_Read] = []
    for i, path in enumerate(files):
        if stop():
            return ImportReport(cancelled=True)
        if progress:
            progress(i, len(files), str(path))
        try:
            size = path.stat().st_size
            if size > limits.max_file_bytes:
                raise FormatError(
                    f"{path}: is {size / 1e6:.0f} MB; the limit is "
                    f"{limits.max_file_bytes / 1e6:.0f} MB"
                )
            data = path.read_bytes()
            companion = None
            if path.suffix.lower() == ".ann":
                txt = path.with_suffix(".txt")
                if not txt.is_file():
                    raise FormatError(f"{path}: brat standoff needs {txt.name} beside it")
                companion = txt.read_bytes()
        except OSError as exc:
            report.failed.append((str(path), f"{path}: cannot be read ({exc.strerror})"))
            continue
        except AnnotatorError as exc:
            report.failed.append((str(path), str(exc)))
            continue
        _read_one(path.name, data, str(path), report, read, text_field, limits, companion)
    if progress:
        progress(len(files), len(files), "")
    return _save_all(store, read, report, stop)


def import_texts(
    store: Store,
    items: Sequence[tuple[str, bytes]],
    *,
    source_prefix: str = "",
    text_field: str | None = None,
) -> ImportReport:
    """Import in-memory files given as (name, bytes)."""
    report = ImportReport()
    read: list[_Read] = []
    for name, data in items:
        _read_one(name, data, source_prefix + name, report, read, text_field, ImportLimits())
    return _save_all(store, read, report, lambda: False)


# -- reading ---------------------------------------------------------------------------


def _unsupported(path: Path, source: str) -> str:
    return (
        f"{source}: {path.suffix or 'no extension'} is not a supported format "
        f"(supported: {', '.join(SUPPORTED)})"
    )


def _read_one(
    name: str,
    data: bytes,
    source: str,
    report: ImportReport,
    read: list[_Read],
    text_field: str | None,
    limits: ImportLimits,
    companion: bytes | None = None,
) -> None:
    try:
        item = _read_file(name, data, source, text_field, limits, companion)
        documents = []
        for doc in item.documents:
            doc = normalise_record(doc)
            documents.append(dataclasses.replace(doc, sentences=tuple(split_sentences(doc.text))))
        item.documents = documents
        read.append(item)
    except AnnotatorError as exc:
        report.failed.append((source, str(exc)))
    except Exception as exc:  # noqa: BLE001 - a third-party reader failed on a bad file
        report.failed.append((source, f"{source}: cannot be read ({type(exc).__name__}: {exc})"))


def _read_file(
    name: str,
    data: bytes,
    source: str,
    text_field: str | None,
    limits: ImportLimits,
    companion: bytes | None,
) -> _Read:
    suffix = Path(name).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        decoded = decode_text(data, name=source)
        metadata: dict[str, Any] = {
            "format": "markdown" if suffix in (".md", ".markdown") else "text",
            "encoding": decoded.encoding,
            "newlines": decoded.newlines,
            "had_bom": decoded.had_bom,
            "line_endings_normalised": decoded.newlines in ("crlf", "cr", "mixed"),
        }
        doc = DocumentRecord(decoded.text, metadata=metadata, where=source)
        return _Read(source, [doc], f"{decoded.encoding}, {decoded.newlines} line endings")
    if suffix in HTML_SUFFIXES:
        return _Read(source, [read_html(data, name=source)], "HTML, main text")
    if suffix == ".docx":
        doc = word.read_docx(
            data, name=source, max_uncompressed=limits.max_uncompressed, max_ratio=limits.max_ratio
        )
        return _Read(source, [doc], "Word document")
    if suffix == ".pdf":
        doc = read_pdf(data, name=source)
        return _Read(source, [doc], f"PDF, {doc.metadata['page_count']} page(s)")
    if suffix in CORPUS_SUFFIXES:
        decoded = decode_text(data, name=source)
        delimiter = "\t" if suffix == ".tsv" else ","
        found = read_delimited(
            decoded.text, name=source, text_field=text_field or "text", delimiter=delimiter
        )
        rows = [
            dataclasses.replace(d, metadata={**d.metadata, "encoding": decoded.encoding})
            for d in found.documents
        ]
        return _Read(source, rows, f"{suffix[1:].upper()} row", found.warnings)
    if suffix == ".jsonl":
        return _read_jsonl(decode_text(data, name=source).text, source, text_field)
    if suffix == ".json":
        text = decode_text(data, name=source).text
        found_ls = read_labelstudio(text, name=source, text_field=text_field)
        return _Read(source, found_ls.documents, "Label Studio task", found_ls.warnings)
    if suffix == ".ann":
        if companion is None:
            raise FormatError(f"{source}: brat standoff needs its .txt file beside it")
        brat = read_brat(
            companion, data, name=source, txt_name=str(Path(source).with_suffix(".txt"))
        )
        return _Read(source, [brat.document], "brat standoff", brat.warnings)
    raise FormatError(_unsupported(Path(name), source))


def _read_jsonl(text: str, source: str, text_field: str | None) -> _Read:
    """Our own JSONL (lines with a ``spans`` list), doccano's, or a corpus."""
    if text_field not in (None, "text"):
        corpus = read_jsonl_corpus(text, name=source, text_field=text_field)
        return _Read(source, corpus.documents, "JSONL line", corpus.warnings)
    documents = []
    kinds = set()
    for number, obj in iter_json_lines(text, name=source):
        where, anchor = f"{source}, line {number}", f"L{number}"
        if is_annotator_line(obj):
            kinds.add("annotator JSONL")
            documents.append(read_jsonl_line(obj, where=where, anchor=anchor))
        else:
            record = read_doccano_line(obj, where=where, anchor=anchor)
            kinds.add("doccano JSONL" if record.metadata["format"] == "doccano" else "JSONL")
            documents.append(record)
    if not documents:
        raise FormatError(f"{source}: no documents (the file has no JSON lines)")
    return _Read(source, documents, " and ".join(sorted(kinds)))


# -- saving ----------------------------------------------------------------------------


def _save_all(
    store: Store, read: list[_Read], report: ImportReport, stop: Callable[[], bool]
) -> ImportReport:
    if not read:
        return report
    saver = _Saver(store)
    try:
        with store.transaction():
            for item in read:
                if stop():
                    raise _Cancelled
                part = ImportReport()
                try:
                    with store.transaction():  # a savepoint: this file alone rolls back
                        saver.save(item, part)
                except AnnotatorError as exc:
                    saver.forget()
                    report.failed.append((item.source, str(exc)))
                    continue
                saver.keep()
                report.imported += part.imported
                report.skipped += part.skipped
                report.warnings += [(item.source, w) for w in item.warnings]
    except _Cancelled:
        saver.forget()
        return ImportReport(cancelled=True)
    return report


class _Saver:
    """Writes read files into the store; remembers labels, entities and texts seen."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.batch_hashes: set[str] = set()
        self.forget()

    def keep(self) -> None:
        """The file just saved stays: its texts count as already imported."""
        self.batch_hashes |= self.pending

    def forget(self) -> None:
        """Re-read what the project holds (after a rollback)."""
        self.pending: set[str] = set()
        self.store.reload_label_cache()
        self.labels = set(self.store.tagset().names())
        self.entities: dict[str, int] = {}
        for entity in self.store.entities():
            assert entity.id is not None
            for name in (entity.name, *entity.aliases):
                self.entities.setdefault(normalise_name(name), entity.id)

    def save(self, item: _Read, report: ImportReport) -> None:
        dupes = 0
        for doc in item.documents:
            sha = sha256_text(doc.text)
            if sha in self.batch_hashes or sha in self.pending:
                dupes += 1
                continue
            if self.store.document_ids_by_sha(sha):
                dupes += 1
                continue
            self.pending.add(sha)
            report.imported.append((item.source, self._add(item, doc, sha), item.detail))
        if dupes:
            reason = (
                "the same text is already in the project"
                if len(item.documents) == 1
                else f"{dupes} document(s) already in the project"
            )
            report.skipped.append((item.source, reason))

    def _add(self, item: _Read, doc: DocumentRecord, sha: str) -> int:
        store = self.store
        for span in doc.spans:
            if span.label not in self.labels:
                store.add_label(Label(name=span.label, color=color_for(len(self.labels))))
                self.labels.add(span.label)
        anchor = f"#{doc.anchor}" if doc.anchor else ""
        stem = Path(item.source).stem
        fallback = f"{stem} {anchor}".strip()
        document = Document(
            id=None,
            title=doc.title or title_from_text(doc.text, fallback=fallback),
            text=doc.text,
            source=doc.source or item.source + anchor,
            sha256=sha,
            status=doc.status,
            metadata=doc.metadata,
            note=doc.note,
        )
        doc_id = store.add_document(document, doc.sentences)
        spans = [
            Span(
                id=None,
                document_id=doc_id,
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
                entity_id=self._entity(s.entity) if s.entity else None,
            )
            for s in doc.spans
        ]
        ids = dict(
            zip((s.key for s in doc.spans), store.import_spans(spans, text=doc.text), strict=True)
        )
        store.import_links(Link(None, ids[k.source], ids[k.target], k.type) for k in doc.links)
        return doc_id

    def _entity(self, ref: EntityRef) -> int:
        key = normalise_name(ref.name)
        found = self.entities.get(key)
        if found is not None:
            return found
        entity = self.store.insert_entity(
            Entity(None, ref.name.strip(), ref.type or "other", tuple(ref.aliases), ref.note)
        )
        assert entity.id is not None
        for name in (entity.name, *entity.aliases):
            self.entities.setdefault(normalise_name(name), entity.id)
        return entity.id
