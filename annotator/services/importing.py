"""Bringing files into a project: one transaction per file, a report for the batch."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.errors import AnnotatorError, FormatError, OffsetError
from annotator.domain.model import Document, Label, Span, sha256_text
from annotator.domain.newlines import normalise_newlines
from annotator.domain.segment import split_sentences
from annotator.domain.tagset import color_for
from annotator.formats.doccano import ParsedDocument, parse_doccano_jsonl
from annotator.formats.plaintext import decode_text, title_from_text
from annotator.storage import Store

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
ANNOTATED_SUFFIXES = (".jsonl",)
SUPPORTED = TEXT_SUFFIXES + ANNOTATED_SUFFIXES
MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass
class ImportReport:
    """What happened to each file of a batch."""

    imported: list[tuple[str, int, str]] = field(default_factory=list)  # name, doc id, detail
    skipped: list[tuple[str, str]] = field(default_factory=list)  # name, reason
    failed: list[tuple[str, str]] = field(default_factory=list)  # name, reason

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        return (
            f"{len(self.imported)} imported, {len(self.skipped)} skipped, "
            f"{len(self.failed)} refused"
        )


Progress = Callable[[int, int, str], None]


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand folders (recursively, in name order); return files and refusals."""
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
                else:
                    refused.append(
                        (
                            str(child),
                            f"{child}: {child.suffix or 'no extension'} is not a supported "
                            f"format (supported: {', '.join(SUPPORTED)})",
                        )
                    )
        elif path.is_file():
            files.append(path)
        else:
            refused.append((str(path), f"{path}: no such file or folder"))
    return files, refused


def import_paths(
    store: Store, paths: Sequence[Path | str], *, progress: Progress | None = None
) -> ImportReport:
    """Import files and folders; bad files are reported and the rest go on."""
    files, refused = collect_files(Path(p) for p in paths)
    report = ImportReport(failed=list(refused))
    for i, path in enumerate(files):
        if progress:
            progress(i, len(files), str(path))
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise FormatError(
                    f"{path}: is {size / 1e6:.0f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB"
                )
            data = path.read_bytes()
        except OSError as exc:
            report.failed.append((str(path), f"{path}: cannot be read ({exc.strerror})"))
            continue
        _import_one(store, path.name, data, str(path), report)
    if progress:
        progress(len(files), len(files), "")
    return report


def import_texts(
    store: Store, items: Sequence[tuple[str, bytes]], *, source_prefix: str = ""
) -> ImportReport:
    """Import in-memory files given as (name, bytes)."""
    report = ImportReport()
    for name, data in items:
        _import_one(store, name, data, source_prefix + name, report)
    return report


def _import_one(store: Store, name: str, data: bytes, source: str, report: ImportReport) -> None:
    suffix = Path(name).suffix.lower()
    try:
        if suffix in ANNOTATED_SUFFIXES:
            decoded = decode_text(data, name=source)
            parsed = parse_doccano_jsonl(decoded.text, name=source)
            added, dupes = _add_annotated(store, parsed, source)
            for doc_id in added:
                report.imported.append((source, doc_id, "doccano JSONL"))
            if dupes:
                report.skipped.append((source, f"{dupes} document(s) already in the project"))
            return
        if suffix not in TEXT_SUFFIXES:
            raise FormatError(
                f"{source}: {suffix or 'no extension'} is not a supported format "
                f"(supported: {', '.join(SUPPORTED)})"
            )
        decoded = decode_text(data, name=source)
        text = decoded.text
        sha = sha256_text(text)
        if store.document_ids_by_sha(sha):
            report.skipped.append((source, "the same text is already in the project"))
            return
        metadata = {
            "format": "markdown" if suffix in (".md", ".markdown") else "text",
            "encoding": decoded.encoding,
            "newlines": decoded.newlines,
            "had_bom": decoded.had_bom,
            "line_endings_normalised": decoded.newlines in ("crlf", "cr", "mixed"),
        }
        doc = Document(
            id=None,
            title=title_from_text(text, fallback=Path(name).stem),
            text=text,
            source=source,
            sha256=sha,
            metadata=metadata,
        )
        with store.transaction():
            doc_id = store.add_document(doc, split_sentences(text))
        detail = f"{decoded.encoding}, {decoded.newlines} line endings"
        report.imported.append((source, doc_id, detail))
    except AnnotatorError as exc:
        report.failed.append((source, str(exc)))


def _add_annotated(
    store: Store, parsed: list[ParsedDocument], source: str
) -> tuple[list[int], int]:
    """Add every document of one file in a single transaction (all or nothing)."""
    added: list[int] = []
    dupes = 0
    with store.transaction():
        known = set(store.tagset().names())
        for doc in parsed:
            text, remap = normalise_newlines(doc.text)
            sha = sha256_text(text)
            if store.document_ids_by_sha(sha):
                dupes += 1
                continue
            for _, _, label in doc.spans:
                if label not in known:
                    store.add_label(Label(name=label, color=color_for(len(known))))
                    known.add(label)
            metadata = {"format": "doccano", **doc.metadata}
            if text != doc.text:
                metadata["line_endings_normalised"] = True
            document = Document(
                id=None,
                title=title_from_text(text, fallback=f"{Path(source).stem} #{doc.line}"),
                text=text,
                source=f"{source}#L{doc.line}",
                sha256=sha,
                metadata=metadata,
            )
            doc_id = store.add_document(document, split_sentences(text))
            spans = [(remap(s), remap(e), label) for s, e, label in doc.spans]
            try:
                store.insert_spans(
                    (
                        Span(None, doc_id, label, s, e, text[s:e], origin="import")
                        for s, e, label in spans
                    ),
                    text=text,
                )
            except OffsetError as exc:
                # e.g. a span made of the "\r" of a "\r\n", empty once line endings are "\n"
                raise FormatError(
                    f"{source}, line {doc.line}: a span does not survive line-ending "
                    f"normalisation ({exc})"
                ) from exc
            added.append(doc_id)
    return added, dupes
