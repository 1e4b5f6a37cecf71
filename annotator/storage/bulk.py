"""Bulk writes for importers, mixed into :class:`annotator.storage.store.Store`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlite_utils import Database

from annotator.domain.model import Link, Span, check_offsets
from annotator.storage.connection import claim_ids


class BulkQueries:
    """Inserting many spans and links at once, inside the caller's transaction."""

    db: Database

    def transaction(self) -> Any: ...  # provided by Store

    def label_id(self, name: str) -> int:  # provided by Store
        raise NotImplementedError

    def _load_label_cache(self) -> None: ...  # provided by Store

    def reload_label_cache(self) -> None:
        """Read the label ids again (after a rolled-back savepoint that added labels)."""
        self._load_label_cache()

    def import_spans(self, spans: Sequence[Span], *, text: str) -> list[int]:
        """Insert spans (each checked against ``text`` first); return their new ids in order.

        Ids are not kept: an imported span gets a fresh one.
        """
        from annotator.storage.store import now

        stamp = now()
        rows = []
        for span in spans:
            check_offsets(text, span.start, span.end, span.text)
            rows.append(
                [
                    span.document_id,
                    self.label_id(span.label),
                    span.start,
                    span.end,
                    span.text,
                    json.dumps(span.attributes, ensure_ascii=False),
                    span.note,
                    span.origin,
                    span.annotator,
                    span.created_at or stamp,
                    span.updated_at or stamp,
                    span.entity_id,
                ]
            )
        with self.transaction():
            ids = claim_ids(self.db, "spans", [None] * len(rows))
            self.db.conn.executemany(
                'INSERT INTO spans (id, document_id, label_id, start, "end", text, attributes, '
                "note, origin, annotator, created_at, updated_at, entity_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(id_, *row) for id_, row in zip(ids, rows, strict=True)],
            )
        return ids

    def import_links(self, links: Iterable[Link]) -> int:
        """Insert links (new ids); a link already there is not doubled. Return how many."""
        unique = list(dict.fromkeys((k.source_id, k.target_id, k.type) for k in links))
        with self.transaction():
            ids = claim_ids(self.db, "links", [None] * len(unique))
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO links (id, source_id, target_id, type) VALUES (?, ?, ?, ?)",
                [(id_, *row) for id_, row in zip(ids, unique, strict=True)],
            )
        return len(unique)
