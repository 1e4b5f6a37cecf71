"""Canonical entities: the registry that mentions (speaker and entity spans) attach to."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from annotator.domain.attribution import normalise_name
from annotator.domain.errors import AnnotatorError
from annotator.domain.model import Entity, Link
from annotator.storage.connection import claim_ids

# Look mentions up through the entity index, always. ANALYZE (run by PRAGMA optimize on
# close) counts NULLs as one value, so in a project whose spans mostly have no entity
# (any import) sqlite_stat1 says the index is useless, and the planner scans all spans
# instead: ~9 ms per lookup at 50,000 spans, several times per tag, undo and redo.
_BY_ENTITY = "INDEXED BY spans_entity"
_FEW_LINKS = 5_000  # see links_for_document


class EntityQueries:
    """Entity registry and link queries, mixed into :class:`annotator.storage.store.Store`."""

    db: Database

    def transaction(self) -> Any: ...  # provided by Store

    def entities(self) -> list[Entity]:
        rows = self.db.execute(
            "SELECT e.id, e.name, e.type, e.aliases, e.note, count(s.id), "
            "count(DISTINCT s.document_id), e.created_at FROM entities e "
            f"LEFT JOIN spans s {_BY_ENTITY} ON s.entity_id = e.id GROUP BY e.id ORDER BY e.name"
        ).fetchall()
        return [_entity(r) for r in rows]

    def get_entity(self, entity_id: int) -> Entity:
        row = self.db.execute(
            "SELECT e.id, e.name, e.type, e.aliases, e.note, count(s.id), "
            "count(DISTINCT s.document_id), e.created_at FROM entities e "
            f"LEFT JOIN spans s {_BY_ENTITY} ON s.entity_id = e.id WHERE e.id = ? GROUP BY e.id",
            [entity_id],
        ).fetchone()
        if row is None:
            raise AnnotatorError(f"the project has no entity {entity_id}")
        return _entity(row)

    def find_entity(self, name: str) -> Entity | None:
        """The entity whose name or one of whose aliases matches ``name`` (any case)."""
        key = normalise_name(name)
        # Compare names in SQLite (one call per entity) and read aliases only where there
        # are some: a registry of thousands stays a millisecond or two per new mention.
        rows = self.db.execute(
            "SELECT id, name, aliases FROM entities "
            "WHERE annotator_name_key(name) = ? OR aliases != '[]' ORDER BY id",
            [key],
        ).fetchall()
        for entity_id, entity_name, aliases in rows:
            if normalise_name(entity_name) == key or any(
                normalise_name(a) == key for a in json.loads(aliases)
            ):
                return self.get_entity(entity_id)
        return None

    def insert_entity(self, entity: Entity) -> Entity:
        from annotator.storage.store import now

        with self.transaction():
            (entity_id,) = claim_ids(self.db, "entities", [entity.id])
            self.db.execute(
                "INSERT INTO entities (id, name, type, aliases, note, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    entity_id,
                    entity.name,
                    entity.type,
                    json.dumps(list(entity.aliases), ensure_ascii=False),
                    entity.note,
                    entity.created_at or now(),
                ],
            )
        return self.get_entity(entity_id)

    def update_entity(self, entity_id: int, **fields: Any) -> Entity:
        values: dict[str, Any] = {}
        for key in ("name", "type", "note"):
            if key in fields:
                values[key] = fields.pop(key)
        if "aliases" in fields:
            values["aliases"] = json.dumps(list(fields.pop("aliases")), ensure_ascii=False)
        if fields:
            raise ValueError(f"cannot update entity fields {sorted(fields)}")
        if values:
            assignments = ", ".join(f"{k} = ?" for k in values)
            with self.transaction():
                self.db.execute(
                    f"UPDATE entities SET {assignments} WHERE id = ?",
                    [*values.values(), entity_id],
                )
        return self.get_entity(entity_id)

    def delete_entity(self, entity_id: int) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM entities WHERE id = ?", [entity_id])

    def set_span_entity(self, span_ids: Sequence[int], entity_id: int | None) -> None:
        with self.transaction():
            self.db.conn.executemany(
                "UPDATE spans SET entity_id = ? WHERE id = ?",
                [(entity_id, i) for i in span_ids],
            )

    def mentions(self, entity_id: int) -> list[tuple[int, int, int, int]]:
        """(span id, document id, start, end) of every mention, in document order."""
        rows = self.db.execute(
            f'SELECT id, document_id, start, "end" FROM spans {_BY_ENTITY} WHERE entity_id = ? '
            "ORDER BY document_id, start",
            [entity_id],
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def links_for_document(self, document_id: int) -> list[Link]:
        """Every link whose source span lies in the document."""
        # Two ways to answer: walk the document's spans and probe the links index for
        # each (what SQLite picks when ANALYZE last ran with no links: ~5 ms for a
        # 50,000-span document, even in a project with no link at all, and this runs
        # after every undo), or walk the links and look each source span up by id
        # (a cost per link in the project). The second while links are few; max(id)
        # bounds their number in O(log n).
        (most,) = self.db.execute("SELECT coalesce(max(id), 0) FROM links").fetchone()
        join = "CROSS JOIN" if most <= _FEW_LINKS else "JOIN"  # CROSS JOIN: links first
        rows = self.db.execute(
            "SELECT k.id, k.source_id, k.target_id, k.type FROM links k "
            f"{join} spans s ON s.id = k.source_id WHERE s.document_id = ? ORDER BY k.id",
            [document_id],
        )
        return [Link(*r) for r in rows]

    def get_link(self, link_id: int) -> Link:
        row = self.db.execute(
            "SELECT id, source_id, target_id, type FROM links WHERE id = ?", [link_id]
        ).fetchone()
        if row is None:
            raise AnnotatorError(f"the project has no link {link_id}")
        return Link(*row)

    def set_document_note(self, document_id: int, note: str) -> None:
        with self.transaction():
            self.db.execute("UPDATE documents SET note = ? WHERE id = ?", [note, document_id])

    def all_links(self) -> list[Link]:
        rows = self.db.execute("SELECT id, source_id, target_id, type FROM links ORDER BY id")
        return [Link(*r) for r in rows]


def _entity(row: Sequence[Any]) -> Entity:
    return Entity(
        id=row[0],
        name=row[1],
        type=row[2],
        aliases=tuple(json.loads(row[3])),
        note=row[4],
        mentions=row[5],
        documents=row[6],
        created_at=row[7],
    )
