"""The project file's schema: numbered migrations and the readable views.

Every change to the schema is a new numbered migration appended to ``MIGRATIONS``; the
file's ``PRAGMA user_version`` records how many have run, so a file from a newer
program (a larger number) is recognised and refused.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

# 'ANNO' in ASCII: marks a SQLite file as an annotator project (PRAGMA application_id).
APPLICATION_ID = 0x414E4E4F

MIGRATIONS = Migrations("annotator")


@MIGRATIONS(name="0001_initial")
def _m0001_initial(db: Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            length INTEGER NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            sha256 TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'todo'
                CHECK (status IN ('todo', 'in_progress', 'done')),
            metadata TEXT NOT NULL DEFAULT '{}',
            note TEXT NOT NULL DEFAULT '',
            imported_at TEXT NOT NULL,
            CHECK (length = length(text))
        );
        CREATE INDEX documents_sha256 ON documents (sha256);
        CREATE TABLE sentences (
            document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            PRIMARY KEY (document_id, idx),
            CHECK (start >= 0 AND "end" > start)
        ) WITHOUT ROWID;
        CREATE TABLE labels (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            color TEXT NOT NULL,
            shortcut TEXT NOT NULL DEFAULT '',
            attributes TEXT NOT NULL DEFAULT '[]',
            links TEXT NOT NULL DEFAULT '[]',
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE spans (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            label_id INTEGER NOT NULL REFERENCES labels (id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            attributes TEXT NOT NULL DEFAULT '{}',
            note TEXT NOT NULL DEFAULT '',
            origin TEXT NOT NULL DEFAULT 'manual',
            annotator TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (start >= 0 AND "end" > start AND length(text) = "end" - start)
        );
        CREATE INDEX spans_document_order ON spans (document_id, start, "end");
        CREATE INDEX spans_label ON spans (label_id);
        CREATE TABLE links (
            id INTEGER PRIMARY KEY,
            source_id INTEGER NOT NULL REFERENCES spans (id) ON DELETE CASCADE,
            target_id INTEGER NOT NULL REFERENCES spans (id) ON DELETE CASCADE,
            type TEXT NOT NULL,
            UNIQUE (source_id, target_id, type)
        );
        CREATE INDEX links_target ON links (target_id);

        CREATE VIEW spans_view AS
        SELECT
            s.id AS span_id,
            d.id AS document_id,
            d.title AS document_title,
            l.name AS label,
            s.start,
            s."end",
            s.text,
            se.idx AS sentence_index,
            substr(d.text, se.start + 1, se."end" - se.start) AS sentence_text,
            s.attributes,
            s.note,
            s.origin,
            s.annotator,
            s.created_at,
            s.updated_at
        FROM spans s
        JOIN documents d ON d.id = s.document_id
        JOIN labels l ON l.id = s.label_id
        LEFT JOIN sentences se ON se.document_id = s.document_id
            AND se.start <= s.start AND s.start < se."end";

        CREATE VIEW documents_view AS
        SELECT
            d.id AS document_id,
            d.title,
            d.status,
            d.source,
            d.length,
            (SELECT count(*) FROM spans s WHERE s.document_id = d.id) AS spans,
            d.imported_at
        FROM documents d;

        CREATE VIEW links_view AS
        SELECT
            k.id AS link_id,
            k.type,
            a.text AS source_text,
            la.name AS source_label,
            b.text AS target_text,
            lb.name AS target_label,
            d.title AS document_title
        FROM links k
        JOIN spans a ON a.id = k.source_id
        JOIN spans b ON b.id = k.target_id
        JOIN labels la ON la.id = a.label_id
        JOIN labels lb ON lb.id = b.label_id
        JOIN documents d ON d.id = a.document_id;
        """,
    )


def run_script(db: Database, script: str) -> None:
    """Run statements one by one inside the caller's transaction.

    ``sqlite3.executescript`` would COMMIT first and so break a migration's atomicity.
    """
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            db.execute(buffer)
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete SQL statement: {buffer.strip()[:60]}")


def schema_version() -> int:
    """The number of migrations this program knows: the version it writes."""
    return len(MIGRATIONS._migrations)


def migration_names() -> list[str]:
    return [m.name for m in MIGRATIONS._migrations]


@MIGRATIONS(name="0002_entities")
def _m0002_entities(db: Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE entities (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL DEFAULT 'other',
            aliases TEXT NOT NULL DEFAULT '[]',
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        ALTER TABLE spans ADD COLUMN entity_id INTEGER
            REFERENCES entities (id) ON DELETE SET NULL;
        CREATE INDEX spans_entity ON spans (entity_id);
        ALTER TABLE labels ADD COLUMN registry INTEGER NOT NULL DEFAULT 0;
        UPDATE labels SET registry = 1 WHERE name IN ('speaker', 'entity');

        CREATE VIEW entities_view AS
        SELECT
            e.id AS entity_id,
            e.name,
            e.type,
            e.aliases,
            count(s.id) AS mentions,
            count(DISTINCT s.document_id) AS documents
        FROM entities e
        LEFT JOIN spans s ON s.entity_id = e.id
        GROUP BY e.id;

        DROP VIEW spans_view;
        CREATE VIEW spans_view AS
        SELECT
            s.id AS span_id,
            d.id AS document_id,
            d.title AS document_title,
            l.name AS label,
            s.start,
            s."end",
            s.text,
            e.name AS entity,
            se.idx AS sentence_index,
            substr(d.text, se.start + 1, se."end" - se.start) AS sentence_text,
            s.attributes,
            s.note,
            s.origin,
            s.annotator,
            s.created_at,
            s.updated_at
        FROM spans s
        JOIN documents d ON d.id = s.document_id
        JOIN labels l ON l.id = s.label_id
        LEFT JOIN entities e ON e.id = s.entity_id
        LEFT JOIN sentences se ON se.document_id = s.document_id
            AND se.start <= s.start AND s.start < se."end";
        """,
    )
