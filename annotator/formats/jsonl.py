"""annotator's own JSONL: one document per line, everything a project knows about it.

::

    {"annotator_jsonl": 1, "id": 3, "title": "...", "source": "...", "status": "done",
     "note": "...", "metadata": {...}, "text": "...",
     "spans": [{"id": 12, "label": "speaker", "start": 0, "end": 6, "text": "Mr Kim",
                "attributes": {}, "note": "", "origin": "manual", "annotator": "ana",
                "created_at": "...", "updated_at": "...",
                "entity": {"id": 4, "name": "Kim Jong Un", "type": "person",
                           "aliases": ["Mr Kim"], "note": ""}}],
     "links": [{"id": 5, "source": 13, "target": 12, "type": "said_by"}]}

Offsets are code points, half-open; ``text`` of a span is checked against the document.
A line is recognised as ours by its ``spans`` list. Span and link ids are the ids in the
project the file came from: on import they tie links to spans, and new ids are given.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from annotator.domain.errors import FormatError
from annotator.formats.records import DocumentRecord, EntityRef, LinkRecord, SpanRecord

VERSION = 1


def is_annotator_line(obj: Any) -> bool:
    """Whether a parsed JSONL line is in our format (rather than doccano's)."""
    return isinstance(obj, dict) and isinstance(obj.get("spans"), list) and "text" in obj


def write_jsonl(documents: Iterable[DocumentRecord], out: TextIO) -> int:
    """Write one line per document; return how many."""
    count = 0
    for doc in documents:
        out.write(json.dumps(document_to_json(doc), ensure_ascii=False) + "\n")
        count += 1
    return count


def document_to_json(doc: DocumentRecord) -> dict[str, Any]:
    return {
        "annotator_jsonl": VERSION,
        "id": doc.id,
        "title": doc.title,
        "source": doc.source,
        "status": doc.status,
        "note": doc.note,
        "metadata": doc.metadata,
        "text": doc.text,
        "spans": [_span_to_json(s) for s in doc.spans],
        "links": [
            {"source": _key_out(k.source), "target": _key_out(k.target), "type": k.type}
            for k in doc.links
        ],
    }


def _key_out(key: str) -> int | str:
    return int(key) if key.isdigit() else key


def _span_to_json(span: SpanRecord) -> dict[str, Any]:
    entity = None
    if span.entity is not None:
        e = span.entity
        entity = {
            "id": e.id,
            "name": e.name,
            "type": e.type,
            "aliases": list(e.aliases),
            "note": e.note,
        }
    return {
        "id": _key_out(span.key),
        "label": span.label,
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "attributes": span.attributes,
        "note": span.note,
        "origin": span.origin,
        "annotator": span.annotator,
        "created_at": span.created_at,
        "updated_at": span.updated_at,
        "entity": entity,
    }


def read_jsonl_line(obj: dict[str, Any], *, where: str, anchor: str = "") -> DocumentRecord:
    """One parsed line of our JSONL as a record (not yet normalised)."""
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise FormatError(f'{where}: no "text" (a non-empty string)')
    spans = [_span_from_json(item, i, where) for i, item in enumerate(obj["spans"], start=1)]
    raw_links = obj.get("links", [])
    if not isinstance(raw_links, list):
        raise FormatError(f'{where}: "links" must be a list')
    links = []
    for i, item in enumerate(raw_links, start=1):
        if not isinstance(item, dict) or not all(k in item for k in ("source", "target", "type")):
            raise FormatError(f'{where}: link #{i} needs "source", "target" and "type": {item!r}')
        links.append(
            LinkRecord(
                str(item["source"]), str(item["target"]), str(item["type"]), where=f"link #{i}"
            )
        )
    metadata = obj.get("metadata", {})
    if not isinstance(metadata, dict):
        raise FormatError(f'{where}: "metadata" must be an object')
    status = obj.get("status", "todo")
    if status not in ("todo", "in_progress", "done"):
        raise FormatError(f"{where}: unknown status {status!r} (todo, in_progress or done)")
    return DocumentRecord(
        text=text,
        title=_string(obj, "title", where),
        metadata=metadata,
        spans=tuple(spans),
        links=tuple(links),
        status=status,
        note=_string(obj, "note", where),
        source=_string(obj, "source", where),
        where=where,
        anchor=anchor,
        id=obj.get("id") if isinstance(obj.get("id"), int) else None,
    )


def _span_from_json(item: Any, index: int, where: str) -> SpanRecord:
    if not isinstance(item, dict):
        raise FormatError(f"{where}: span #{index} is not an object")
    key = item.get("id", f"#{index}")
    at = f"span {key}"
    label = item.get("label")
    if not isinstance(label, str) or not label.strip():
        raise FormatError(f'{where}, {at}: no "label"')
    start, end = item.get("start"), item.get("end")
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise FormatError(f'{where}, {at}: "{name}" must be an integer, got {value!r}')
    attributes = item.get("attributes") or {}
    if not isinstance(attributes, dict):
        raise FormatError(f'{where}, {at}: "attributes" must be an object')
    raw_entity = item.get("entity")
    entity = None
    if raw_entity is not None:
        if not isinstance(raw_entity, dict) or not isinstance(raw_entity.get("name"), str):
            raise FormatError(f'{where}, {at}: "entity" needs a "name"')
        aliases = raw_entity.get("aliases", [])
        if not isinstance(aliases, list):
            raise FormatError(f'{where}, {at}: entity "aliases" must be a list')
        entity = EntityRef(
            name=raw_entity["name"],
            type=str(raw_entity.get("type") or "other"),
            aliases=tuple(str(a) for a in aliases),
            note=str(raw_entity.get("note") or ""),
        )
    text = item.get("text", "")
    return SpanRecord(
        key=str(key),
        label=label.strip(),
        start=int(start),  # type: ignore[arg-type]
        end=int(end),  # type: ignore[arg-type]
        text=text if isinstance(text, str) else "",
        attributes=attributes,
        note=str(item.get("note") or ""),
        origin=str(item.get("origin") or "import"),
        annotator=str(item.get("annotator") or ""),
        created_at=str(item.get("created_at") or ""),
        updated_at=str(item.get("updated_at") or ""),
        entity=entity,
        where=at,
    )


def _string(obj: dict[str, Any], key: str, where: str) -> str:
    value = obj.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FormatError(f'{where}: "{key}" must be a string')
    return value
