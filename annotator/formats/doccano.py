"""doccano's JSONL: one document per line, ``{"text": ..., "label": [[start, end, name]]}``.

doccano's "JSONL (relation)" export, ``{"text": ..., "entities": [{"start_offset": 0,
"end_offset": 5, "label": name}, ...]}``, is read too (its relations are kept as metadata).
Offsets are code points (Python ``str`` indices), half-open, as in doccano.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from annotator.domain.errors import FormatError, OffsetError
from annotator.domain.model import check_offsets


@dataclass(frozen=True)
class ParsedDocument:
    """A document read from an annotated file, before it is in a project."""

    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    spans: tuple[tuple[int, int, str], ...] = ()
    line: int = 0


def parse_doccano_jsonl(source: str, *, name: str = "<input>") -> list[ParsedDocument]:
    """Parse every line; raise :class:`FormatError` naming the line of the first problem."""
    documents: list[ParsedDocument] = []
    for number, raw in enumerate(source.split("\n"), start=1):
        if not raw.strip():
            continue
        where = f"{name}, line {number}"
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise FormatError(f"{where}: not valid JSON ({exc.msg})") from exc
        if not isinstance(obj, dict):
            raise FormatError(f"{where}: expected a JSON object")
        text = obj.get("text")
        if not isinstance(text, str) or not text.strip():
            raise FormatError(f'{where}: no "text" (a non-empty string)')
        span_key = next((k for k in ("label", "labels", "entities") if k in obj), None)
        raw_spans = obj.get(span_key, []) if span_key else []
        if span_key == "entities" and isinstance(raw_spans, list):
            # doccano's "JSONL (relation)" export: entities as objects with offsets
            raw_spans = [_from_entity_object(item) for item in raw_spans]
        if not isinstance(raw_spans, list):
            raise FormatError(f'{where}: "label" must be a list of [start, end, label]')
        spans = []
        for i, item in enumerate(raw_spans, start=1):
            if (
                not isinstance(item, list | tuple)
                or len(item) != 3
                or not isinstance(item[2], str)
                or not item[2].strip()
            ):
                raise FormatError(f'{where}: span #{i} is not [start, end, "label"]: {item!r}')
            start, end, label = item
            try:
                check_offsets(text, start, end)
            except OffsetError as exc:
                raise FormatError(f"{where}: span #{i} {item!r}: {exc}") from exc
            spans.append((start, end, label.strip()))
        metadata = {k: v for k, v in obj.items() if k not in ("text", span_key)}
        documents.append(ParsedDocument(text, metadata, tuple(spans), number))
    if not documents:
        raise FormatError(f"{name}: no documents (the file has no JSON lines)")
    return documents


def _from_entity_object(item: Any) -> Any:
    """``{"start_offset": 0, "end_offset": 5, "label": "X"}`` as ``[0, 5, "X"]``."""
    if isinstance(item, dict) and {"start_offset", "end_offset", "label"} <= item.keys():
        return [item["start_offset"], item["end_offset"], item["label"]]
    return item


def dump_doccano_jsonl(documents: list[ParsedDocument]) -> str:
    """Write documents back as doccano JSONL (the inverse of :func:`parse_doccano_jsonl`)."""
    lines = []
    for doc in documents:
        obj = {"text": doc.text, "label": [list(s) for s in doc.spans], **doc.metadata}
        lines.append(json.dumps(obj, ensure_ascii=False))
    return "\n".join(lines) + "\n"
