"""Bulk writes for importers, mixed into :class:`annotator.storage.store.Store`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlite_utils import Database

from annotator.domain.model import Link, Span
from annotator.storage.connection import claim_ids


class BulkQueries:
    """Inserting many spans and links at once, inside the caller's transaction."""

    db: Database

    def transaction(self) -> Any: ...  # provided by Store

    def label_id(self, name: str) -> int:  # provided by Store
        raise NotImplementedError

    def _load_label_cache(self) -> None: ...  # provided by Store

    def _write_spans(self, spans: Iterable[Span], *, text: str, keep_ids: bool) -> list[int]:
        raise NotImplementedError  # provided by Store

    def reload_label_cache(self) -> None:
        """Read the label ids again (after a rolled-back savepoint that added labels)."""
        self._load_label_cache()

    def import_spans(self, spans: Sequence[Span], *, text: str) -> list[int]:
        """Insert spans (each checked against ``text`` first); return their new ids in order.

        Ids are not kept: an imported span gets a fresh one.
        """
        return self._write_spans(spans, text=text, keep_ids=False)

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
