"""The project store: every read and write of a project file, returning domain objects."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from annotator.domain.errors import AnnotatorError
from annotator.domain.model import (
    Attribute,
    Document,
    DocumentSummary,
    Label,
    Link,
    Span,
    TagSet,
    check_offsets,
)
from annotator.storage.bulk import BulkQueries
from annotator.storage.connection import (
    claim_ids,
    connect_checked,
    open_database,
)
from annotator.storage.entities import EntityQueries
from annotator.storage.guard import guarded_transaction
from annotator.storage.labels import LabelQueries

_SPAN_COLUMNS = (
    's.id, s.document_id, l.name, s.start, s."end", s.text, s.attributes, s.note, '
    "s.origin, s.annotator, s.created_at, s.updated_at, s.entity_id"
)


def now() -> str:
    """A timestamp for created_at / updated_at: UTC, ISO 8601, milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Store(EntityQueries, LabelQueries, BulkQueries):
    """A project file. Open with :meth:`open`; close with :meth:`close`."""

    def __init__(self, db: Database, path: Path | None = None) -> None:
        self.db = db
        self.path = path
        self._text_cache: tuple[int, str] | None = None
        self._label_ids: dict[str, int] = {}
        self._label_names: dict[int, str] = {}
        self._load_label_cache()

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True) -> Store:
        return cls(open_database(path, create=create), Path(path))

    @classmethod
    def open_again(cls, path: Path | str) -> Store:
        """A second connection to a project another connection opened and checked (the
        whole-file check and the migrations take ~0.5 s on a large project)."""
        return cls(connect_checked(Path(path)), Path(path))

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.execute("PRAGMA optimize")
        self.db.close()

    def transaction(self) -> contextlib.AbstractContextManager[Database]:
        """One user action: all writes inside commit together or not at all."""
        return guarded_transaction(self.db, self.path)

    # -- meta ------------------------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return default if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )

    # -- labels ----------------------------------------------------------------------

    def _load_label_cache(self) -> None:
        rows = self.db.execute("SELECT id, name FROM labels").fetchall()
        self._label_ids = {name: id_ for id_, name in rows}
        self._label_names = {id_: name for id_, name in rows}

    def tagset(self) -> TagSet:
        rows = self.db.execute(
            "SELECT id, name, color, shortcut, attributes, links, registry FROM labels "
            "ORDER BY position, id"
        ).fetchall()
        return TagSet(tuple(_label_from_row(r) for r in rows))

    def add_label(self, label: Label) -> Label:
        with self.transaction():
            position = self.db.execute(
                "SELECT coalesce(max(position), -1) + 1 FROM labels"
            ).fetchone()[0]
            (label_id,) = claim_ids(self.db, "labels", [label.id])
            self.db.execute(
                "INSERT INTO labels (id, name, color, shortcut, attributes, links, position, "
                "registry) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    label_id,
                    label.name,
                    label.color,
                    label.shortcut,
                    json.dumps([_attr_to_json(a) for a in label.attributes]),
                    json.dumps(list(label.links)),
                    position,
                    int(label.registry),
                ],
            )
        self._load_label_cache()
        return _replace_id(label, label_id)

    def label_id(self, name: str) -> int:
        try:
            return self._label_ids[name]
        except KeyError:
            raise AnnotatorError(f"the project has no label {name!r}") from None

    # -- documents -------------------------------------------------------------------

    def add_document(self, doc: Document, sentences: Sequence[tuple[int, int]]) -> int:
        """Insert a document and its sentences; return its id (inside the caller's action)."""
        with self.transaction():
            cursor = self.db.execute(
                "INSERT INTO documents (title, text, length, source, sha256, status, metadata, "
                "note, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    doc.title,
                    doc.text,
                    len(doc.text),
                    doc.source,
                    doc.sha256,
                    doc.status,
                    json.dumps(doc.metadata, ensure_ascii=False),
                    doc.note,
                    doc.imported_at or now(),
                ],
            )
            doc_id = int(cursor.lastrowid or 0)
            self.db.conn.executemany(
                'INSERT INTO sentences (document_id, idx, start, "end") VALUES (?, ?, ?, ?)',
                ((doc_id, i, s, e) for i, (s, e) in enumerate(sentences)),
            )
        return doc_id

    def document_ids_by_sha(self, sha256: str) -> list[int]:
        rows = self.db.execute("SELECT id FROM documents WHERE sha256 = ?", [sha256])
        return [r[0] for r in rows]

    def get_document(self, doc_id: int) -> Document:
        row = self.db.execute(
            "SELECT id, title, text, source, sha256, status, metadata, note, imported_at "
            "FROM documents WHERE id = ?",
            [doc_id],
        ).fetchone()
        if row is None:
            raise AnnotatorError(f"the project has no document {doc_id}")
        # The open document's text, kept for insert_span's check (see _document_text).
        self._text_cache = (row[0], row[2])
        return Document(
            id=row[0],
            title=row[1],
            text=row[2],
            source=row[3],
            sha256=row[4],
            status=row[5],
            metadata=json.loads(row[6]),
            note=row[7],
            imported_at=row[8],
        )

    def list_documents(self) -> list[DocumentSummary]:
        rows = self.db.execute(
            "SELECT d.id, d.title, d.status, coalesce(c.n, 0), d.length, d.source "
            "FROM documents d LEFT JOIN "
            "(SELECT document_id, count(*) AS n FROM spans GROUP BY document_id) c "
            "ON c.document_id = d.id ORDER BY d.id"
        ).fetchall()
        return [DocumentSummary(*r) for r in rows]

    def document_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM documents").fetchone()[0])

    def set_document_status(self, doc_id: int, status: str) -> None:
        with self.transaction():
            self.db.execute("UPDATE documents SET status = ? WHERE id = ?", [status, doc_id])

    def sentences(self, doc_id: int) -> list[tuple[int, int]]:
        rows = self.db.execute(
            'SELECT start, "end" FROM sentences WHERE document_id = ? ORDER BY idx', [doc_id]
        )
        return rows.fetchall()  # (start, end) tuples already

    # -- spans -----------------------------------------------------------------------

    def insert_span(self, span: Span, *, text: str | None = None) -> Span:
        """Insert ``span`` (keeping its id when it has one, as redo needs).

        ``text`` is the document's text when the caller has it; otherwise it is read.
        The offsets are checked against it before anything is written.
        """
        doc_text = text if text is not None else self._document_text(span.document_id)
        (span_id,) = self._write_spans([span], text=doc_text, keep_ids=True)
        return self.get_span(span_id)

    def insert_spans(self, spans: Iterable[Span], *, text: str) -> int:
        """Bulk insert (ids kept when given): every span is checked against ``text`` first."""
        return len(self._write_spans(spans, text=text, keep_ids=True))

    def _write_spans(self, spans: Iterable[Span], *, text: str, keep_ids: bool) -> list[int]:
        """Check every span against ``text``, then insert them all; return their ids."""
        spans = list(spans)
        stamp = now()
        rows = []
        for span in spans:
            check_offsets(text, span.start, span.end, span.text)
            rows.append(
                (
                    span.document_id,
                    self.label_id(span.label),
                    span.start,
                    span.end,
                    span.text,
                    json.dumps(span.attributes, ensure_ascii=False) if span.attributes else "{}",
                    span.note,
                    span.origin,
                    span.annotator,
                    span.created_at or stamp,
                    span.updated_at or stamp,
                    span.entity_id,
                )
            )
        wanted = [span.id for span in spans] if keep_ids else [None] * len(rows)
        with self.transaction():
            ids = claim_ids(self.db, "spans", wanted)
            self.db.conn.executemany(
                'INSERT INTO spans (id, document_id, label_id, start, "end", text, attributes, '
                "note, origin, annotator, created_at, updated_at, entity_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(id_, *row) for id_, row in zip(ids, rows, strict=True)],
            )
        return ids

    def spans_of_label(self, name: str) -> list[Span]:
        rows = self.db.execute(
            f"SELECT {_SPAN_COLUMNS} FROM spans s JOIN labels l ON l.id = s.label_id "
            'WHERE l.name = ? ORDER BY s.document_id, s.start, s."end", s.id',
            [name],
        )
        return [_span_from_row(r) for r in rows]

    def get_span(self, span_id: int) -> Span:
        row = self.db.execute(
            f"SELECT {_SPAN_COLUMNS} FROM spans s JOIN labels l ON l.id = s.label_id "
            "WHERE s.id = ?",
            [span_id],
        ).fetchone()
        if row is None:
            raise AnnotatorError(f"the project has no span {span_id}")
        return _span_from_row(row)

    def spans_for_document(self, doc_id: int) -> list[Span]:
        # A document opens with all its spans (50,000 in a long one), so every cost per
        # row counts: the spans are built positionally in one comprehension from
        # span_rows(). Same spans as get_span().
        names = self.label_names()
        loads = json.loads
        return [
            Span(
                id_,
                doc_id,
                names[lab],
                start,
                end,
                text,
                {} if attrs is None else loads(attrs),
                note or "",
                origin,
                who,
                made,
                made if changed is None else changed,
                entity,
            )
            for id_, lab, start, end, text, attrs, note, origin, who, made, changed, entity in (
                self.span_rows(doc_id)
            )
        ]

    def span_rows(self, doc_id: int) -> list[tuple[Any, ...]]:
        """A document's spans as plain rows, in text order, for readers of every span.

        ``(id, label_id, start, end, text, attributes, note, origin, annotator,
        created_at, updated_at, entity_id)``, where columns at their usual value come
        back as ``None`` rather than as a new string object: attributes ``'{}'``, note
        ``''``, ``updated_at`` equal to ``created_at``. Label ids name labels through
        :meth:`label_names`.
        """
        return self.db.execute(
            "SELECT s.id, s.label_id, s.start, s.\"end\", s.text, nullif(s.attributes, '{}'), "
            "nullif(s.note, ''), s.origin, s.annotator, s.created_at, "
            "nullif(s.updated_at, s.created_at), s.entity_id FROM spans s "
            'WHERE s.document_id = ? ORDER BY s.start, s."end", s.id',
            [doc_id],
        ).fetchall()

    def label_names(self) -> dict[int, str]:
        """Label id -> name, for :meth:`span_rows`."""
        return dict(self.db.execute("SELECT id, name FROM labels").fetchall())

    def update_span(self, span_id: int, **fields: Any) -> Span:
        """Change a span's label, attributes or note (offsets never change)."""
        allowed = {"label", "attributes", "note", "updated_at", "entity_id"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"cannot update span fields {sorted(unknown)}")
        values: dict[str, Any] = {"updated_at": fields.pop("updated_at", None) or now()}
        if "label" in fields:
            values["label_id"] = self.label_id(fields.pop("label"))
        if "attributes" in fields:
            values["attributes"] = json.dumps(fields.pop("attributes"), ensure_ascii=False)
        if "note" in fields:
            values["note"] = fields.pop("note")
        if "entity_id" in fields:
            values["entity_id"] = fields.pop("entity_id")
        assignments = ", ".join(f"{k} = ?" for k in values)
        with self.transaction():
            cursor = self.db.execute(
                f"UPDATE spans SET {assignments} WHERE id = ?", [*values.values(), span_id]
            )
            if cursor.rowcount != 1:
                raise AnnotatorError(f"the project has no span {span_id}")
        return self.get_span(span_id)

    def delete_span(self, span_id: int) -> None:
        with self.transaction():
            cursor = self.db.execute("DELETE FROM spans WHERE id = ?", [span_id])
            if cursor.rowcount != 1:
                raise AnnotatorError(f"the project has no span {span_id}")

    def span_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM spans").fetchone()[0])

    # -- links -----------------------------------------------------------------------

    def insert_link(self, link: Link) -> Link:
        with self.transaction():
            (link_id,) = claim_ids(self.db, "links", [link.id])
            self.db.execute(
                "INSERT INTO links (id, source_id, target_id, type) VALUES (?, ?, ?, ?)",
                [link_id, link.source_id, link.target_id, link.type],
            )
        return Link(link_id, link.source_id, link.target_id, link.type)

    def delete_link(self, link_id: int) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM links WHERE id = ?", [link_id])

    def links_of_span(self, span_id: int) -> list[Link]:
        rows = self.db.execute(
            "SELECT id, source_id, target_id, type FROM links "
            "WHERE source_id = ? OR target_id = ? ORDER BY id",
            [span_id, span_id],
        )
        return [Link(*r) for r in rows]

    # -- reporting -------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        per_label = self.db.execute(
            "SELECT l.name, count(s.id) FROM labels l LEFT JOIN spans s ON s.label_id = l.id "
            "GROUP BY l.id ORDER BY l.position, l.id"
        ).fetchall()
        per_status = self.db.execute(
            "SELECT status, count(*) FROM documents GROUP BY status"
        ).fetchall()
        return {
            "documents": self.document_count(),
            "spans": self.span_count(),
            "per_label": dict(per_label),
            "per_status": dict(per_status),
        }

    def export_rows(self, document_ids: Sequence[int] | None = None) -> Iterator[tuple[Any, ...]]:
        """Rows for the span export, ordered by document then position.

        Each row: document_id, document_title, span_id, label, start, end, text,
        attributes JSON, note, origin, annotator, created_at, updated_at.
        """
        where = ""
        params: list[Any] = []
        if document_ids is not None:
            where = f"WHERE s.document_id IN ({', '.join('?' for _ in document_ids)})"
            params = list(document_ids)
        yield from self.db.execute(
            'SELECT s.document_id, d.title, s.id, l.name, s.start, s."end", s.text, '
            "s.attributes, s.note, s.origin, s.annotator, s.created_at, s.updated_at "
            "FROM spans s JOIN documents d ON d.id = s.document_id "
            f"JOIN labels l ON l.id = s.label_id {where} "
            'ORDER BY s.document_id, s.start, s."end", s.id',
            params,
        )

    def _document_text(self, doc_id: int) -> str:
        # A document's text never changes after import, so the last one read is kept:
        # tagging a 5 MB document must not read 5 MB per span.
        cached = self._text_cache
        if cached is not None and cached[0] == doc_id:
            return cached[1]
        row = self.db.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            raise AnnotatorError(f"the project has no document {doc_id}")
        self._text_cache = (doc_id, str(row[0]))
        return self._text_cache[1]


def _label_from_row(row: Sequence[Any]) -> Label:
    attributes = tuple(
        Attribute(name=a["name"], kind=a.get("kind", "choice"), values=tuple(a.get("values", [])))
        for a in json.loads(row[4])
    )
    return Label(
        id=row[0],
        name=row[1],
        color=row[2],
        shortcut=row[3],
        attributes=attributes,
        links=tuple(json.loads(row[5])),
        registry=bool(row[6]),
    )


def _attr_to_json(attr: Attribute) -> dict[str, Any]:
    return {"name": attr.name, "kind": attr.kind, "values": list(attr.values)}


def _replace_id(label: Label, new_id: int) -> Label:
    return dataclasses.replace(label, id=new_id)


def _span_from_row(row: Sequence[Any]) -> Span:
    return Span(
        id=row[0],
        document_id=row[1],
        label=row[2],
        start=row[3],
        end=row[4],
        text=row[5],
        attributes=json.loads(row[6]) if row[6] != "{}" else {},
        note=row[7],
        origin=row[8],
        annotator=row[9],
        created_at=row[10],
        updated_at=row[11],
        entity_id=row[12],
    )
