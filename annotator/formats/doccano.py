"""doccano's JSONL: one document per line.

Two shapes, both read and written:

* sequence labelling: ``{"text": ..., "label": [[start, end, "LABEL"], ...]}``;
* with relations: ``{"text": ..., "entities": [{"id": 1, "start_offset": 0,
  "end_offset": 5, "label": "LABEL"}], "relations": [{"id": 1, "from_id": 1,
  "to_id": 2, "type": "TYPE"}]}``.

Other keys are the document's metadata. Offsets are code points (Python ``str``
indices), half-open, as in doccano. doccano cannot hold attributes, notes, entity
attachments, a document's status or note.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from annotator.domain.errors import FormatError
from annotator.formats.records import DocumentRecord, LinkRecord, SpanRecord

SPAN_KEYS = ("label", "labels", "entities")
# Keys a line's metadata never overrides ("format" is the project's note of where a
# document came from, not something doccano knows).
RESERVED = ("text", *SPAN_KEYS, "relations", "format")


def iter_json_lines(source: str, *, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for every non-blank line; a bad line is a FormatError."""
    for number, raw in enumerate(source.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise FormatError(f"{name}, line {number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(obj, dict):
            raise FormatError(f"{name}, line {number}: expected a JSON object")
        yield number, obj


def parse_doccano_jsonl(source: str, *, name: str = "<input>") -> list[DocumentRecord]:
    """Parse every line; raise :class:`FormatError` naming the line of the first problem."""
    documents = [
        read_doccano_line(obj, where=f"{name}, line {number}", anchor=f"L{number}")
        for number, obj in iter_json_lines(source, name=name)
    ]
    if not documents:
        raise FormatError(f"{name}: no documents (the file has no JSON lines)")
    return documents


def read_doccano_line(obj: dict[str, Any], *, where: str, anchor: str = "") -> DocumentRecord:
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise FormatError(f'{where}: no "text" (a non-empty string)')
    span_key = next((k for k in SPAN_KEYS if k in obj), None)
    raw_spans = obj.get(span_key, []) if span_key else []
    if not isinstance(raw_spans, list):
        raise FormatError(f'{where}: "{span_key}" must be a list of [start, end, label]')
    spans = []
    for i, item in enumerate(raw_spans, start=1):
        key = str(i)
        if span_key == "entities" and isinstance(item, dict):
            if "id" in item:
                key = str(item["id"])
            item = [item.get("start_offset"), item.get("end_offset"), item.get("label")]
        if (
            not isinstance(item, list | tuple)
            or len(item) != 3
            or not isinstance(item[2], str)
            or not item[2].strip()
        ):
            raise FormatError(f'{where}: span #{i} is not [start, end, "label"]: {item!r}')
        start, end, label = item
        for value in (start, end):
            if not isinstance(value, int) or isinstance(value, bool):
                raise FormatError(
                    f"{where}: span #{i} {list(item)!r}: offsets must be integers, "
                    f"got {start!r}, {end!r}"
                )
        spans.append(SpanRecord(key, label.strip(), start, end, where=f"span #{i} {list(item)!r}"))
    links = []
    relations = obj.get("relations", [])
    if span_key == "entities" and isinstance(relations, list):
        for i, rel in enumerate(relations, start=1):
            if not isinstance(rel, dict) or not {"from_id", "to_id", "type"} <= rel.keys():
                raise FormatError(
                    f'{where}: relation #{i} needs "from_id", "to_id" and "type": {rel!r}'
                )
            links.append(
                LinkRecord(
                    str(rel["from_id"]), str(rel["to_id"]), str(rel["type"]), f"relation #{i}"
                )
            )
    # The relations stay in the metadata too: they are the file's own record of them.
    metadata = {k: v for k, v in obj.items() if k not in ("text", span_key)}
    fmt = "doccano" if span_key else "jsonl"
    return DocumentRecord(
        text=text,
        metadata={"format": fmt, **metadata},
        spans=tuple(spans),
        links=tuple(links),
        where=where,
        anchor=anchor,
    )


def write_doccano_jsonl(
    documents: Iterable[DocumentRecord], out: TextIO, *, relations: bool = False
) -> int:
    """Write documents as doccano JSONL; return how many.

    With ``relations`` every line has doccano's ``entities``/``relations`` shape (for a
    project with relation labelling); otherwise ``label`` triples and links are left out.
    """
    count = 0
    for doc in documents:
        meta = {k: v for k, v in doc.metadata.items() if k not in RESERVED}
        obj: dict[str, Any] = {"text": doc.text}
        if relations:
            ids = {span.key: i for i, span in enumerate(doc.spans, start=1)}
            obj["entities"] = [
                {
                    "id": ids[s.key],
                    "label": s.label,
                    "start_offset": s.start,
                    "end_offset": s.end,
                }
                for s in doc.spans
            ]
            obj["relations"] = [
                {"id": i, "from_id": ids[k.source], "to_id": ids[k.target], "type": k.type}
                for i, k in enumerate(doc.links, start=1)
                if k.source in ids and k.target in ids
            ]
        else:
            obj["label"] = [[s.start, s.end, s.label] for s in doc.spans]
        obj.update(meta)
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        count += 1
    return count
