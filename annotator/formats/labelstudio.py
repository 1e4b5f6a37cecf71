"""Label Studio's JSON tasks: ``[{"data": {"text": ...}, "annotations": [{"result": [...]}]}]``.

A span is a ``labels`` result: ``{"id", "from_name": "label", "to_name": "text",
"type": "labels", "value": {"start", "end", "text", "labels": [...]}}``; its note is the
region's ``meta.text``. An attribute is a ``choices`` (or ``textarea``) result with the
same ``id`` (Label Studio's per-region controls). A link is a ``relation`` result
``{"from_id", "to_id", "type": "relation", "direction": "right", "labels": [type]}``.

Offsets are code points, half-open: Label Studio's own tests pin it ("Should calculate
offsets by code points in text": after one emoji, "test" starts at 21, not 22).

Import reads every annotation of a task that was not cancelled (its ``completed_by``
becomes the spans' annotator); predictions, image or audio regions and other result
types are not imported (a warning counts them); choices made for the whole task are
kept in the document's metadata. A region with several labels becomes one span per
label. Export writes one annotation per task and :func:`label_config` gives a labelling
configuration that shows it. Label Studio cannot hold entity attachments, a document's
status or note; boolean attributes become the choices ``true``/``false``.
"""

from __future__ import annotations

import dataclasses
import html
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from annotator.domain.errors import FormatError
from annotator.formats.records import DocumentRecord, LinkRecord, SpanRecord

LABELS = "label"
TEXT = "text"
_RESERVED_NAMES = (LABELS, TEXT)


@dataclass
class LabelStudioResult:
    documents: list[DocumentRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_labelstudio(source: str, *, name: str, text_field: str | None = None) -> LabelStudioResult:
    """Parse an export (a list of tasks, or one task); :class:`FormatError` names the task."""
    try:
        data = json.loads(source)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{name}: not valid JSON ({exc.msg}, line {exc.lineno})") from exc
    tasks = data if isinstance(data, list) else [data]
    result = LabelStudioResult()
    skipped: dict[str, int] = {}
    for index, task in enumerate(tasks, start=1):
        if not isinstance(task, dict):
            raise FormatError(f"{name}: task #{index} is not an object")
        task_id = task.get("id", f"#{index}")
        where = f"{name}, task {task_id}"
        result.documents.append(_read_task(task, task_id, where, text_field, skipped))
    if not result.documents:
        raise FormatError(f"{name}: no tasks")
    for what, count in skipped.items():
        result.warnings.append(f"{name}: {count} {what} not imported")
    return result


def _read_task(
    task: dict[str, Any],
    task_id: Any,
    where: str,
    text_field: str | None,
    skipped: dict[str, int],
) -> DocumentRecord:
    data = task.get("data")
    if not isinstance(data, dict):
        raise FormatError(f'{where}: no "data" object')
    key = text_field or ("text" if "text" in data else None)
    if key is None:
        strings = [k for k, v in data.items() if isinstance(v, str)]
        if len(strings) != 1:
            raise FormatError(f'{where}: no "text" in "data"; choose the key with --text-field')
        key = strings[0]
    text = data.get(key)
    if not isinstance(text, str) or not text.strip():
        raise FormatError(f'{where}: "data.{key}" is not a non-empty text')
    annotations = task.get("annotations", task.get("completions", []))
    if not isinstance(annotations, list):
        raise FormatError(f'{where}: "annotations" must be a list')
    if task.get("predictions"):
        skipped["predictions"] = skipped.get("predictions", 0) + len(task["predictions"])
    spans: list[SpanRecord] = []
    links: list[LinkRecord] = []
    classifications: dict[str, Any] = {}
    for number, annotation in enumerate(annotations):
        if not isinstance(annotation, dict):
            raise FormatError(f"{where}: annotation #{number + 1} is not an object")
        if annotation.get("was_cancelled") or annotation.get("skipped"):
            continue
        _read_annotation(annotation, number, where, spans, links, classifications, skipped)
    metadata: dict[str, Any] = {"format": "labelstudio", "task_id": task_id}
    metadata.update({k: v for k, v in data.items() if k != key})
    if classifications:
        metadata["classifications"] = classifications
    title = data.get("title")
    return DocumentRecord(
        text=text,
        title=title if isinstance(title, str) else "",
        metadata=metadata,
        spans=tuple(spans),
        links=tuple(links),
        where=where,
        anchor=f"task{task_id}",
    )


def _read_annotation(
    annotation: dict[str, Any],
    number: int,
    where: str,
    spans: list[SpanRecord],
    links: list[LinkRecord],
    classifications: dict[str, Any],
    skipped: dict[str, int],
) -> None:
    results = annotation.get("result")
    if not isinstance(results, list):
        raise FormatError(f'{where}: annotation #{number + 1} has no "result" list')
    who = annotation.get("completed_by", "")
    if isinstance(who, dict):
        who = who.get("email") or who.get("id") or ""
    annotator = str(who) if who not in (None, "") else ""
    first = len(spans)
    regions: dict[str, list[int]] = {}  # region id -> indexes into spans
    extras: list[dict[str, Any]] = []
    for item in results:
        if not isinstance(item, dict):
            raise FormatError(f"{where}: a result is not an object: {item!r}")
        kind = item.get("type")
        if kind == "labels":
            rid = str(item.get("id", f"#{len(spans) - first + 1}"))
            value = item.get("value")
            at = f"region {rid}"
            if not isinstance(value, dict):
                raise FormatError(f'{where}, {at}: no "value"')
            for key in ("start", "end", "labels"):
                if key not in value:
                    raise FormatError(f'{where}, {at}: "value" has no "{key}"')
            labels = value["labels"]
            if (
                not isinstance(labels, list)
                or not labels
                or not all(isinstance(x, str) and x.strip() for x in labels)
            ):
                raise FormatError(f'{where}, {at}: "labels" must be a non-empty list of names')
            for k in ("start", "end"):
                if not isinstance(value[k], int) or isinstance(value[k], bool):
                    raise FormatError(f'{where}, {at}: "{k}" must be an integer, got {value[k]!r}')
            meta = item.get("meta")
            note = meta.get("text", "") if isinstance(meta, dict) else ""
            note = "\n".join(str(x) for x in note) if isinstance(note, list) else str(note)
            shown = value.get("text")
            for i, label in enumerate(labels):
                regions.setdefault(rid, []).append(len(spans))
                spans.append(
                    SpanRecord(
                        key=f"{number}:{rid}" + (f"#{i + 1}" if i else ""),
                        label=label.strip(),
                        start=value["start"],
                        end=value["end"],
                        text=shown if isinstance(shown, str) else "",
                        note=note,
                        annotator=annotator,
                        created_at=str(annotation.get("created_at") or ""),
                        updated_at=str(annotation.get("updated_at") or ""),
                        where=at,
                    )
                )
        elif kind == "relation":
            if "from_id" not in item or "to_id" not in item:
                raise FormatError(f'{where}: a relation needs "from_id" and "to_id": {item!r}')
            extras.append(item)
        elif kind in ("choices", "textarea", "taxonomy", "rating", "number", "datetime"):
            extras.append(item)
        else:
            skipped[f"{kind} results"] = skipped.get(f"{kind} results", 0) + 1
    for item in extras:
        if item.get("type") == "relation":
            source, target = str(item["from_id"]), str(item["to_id"])
            if item.get("direction") == "left":
                source, target = target, source
            types = item.get("labels") or ["related"]
            for link_type in types:
                for s in regions.get(source, [None])[:1]:
                    for t in regions.get(target, [None])[:1]:
                        links.append(
                            LinkRecord(
                                spans[s].key if s is not None else f"{number}:{source}",
                                spans[t].key if t is not None else f"{number}:{target}",
                                str(link_type),
                                where=f"relation {source} -> {target}",
                            )
                        )
            continue
        value = _control_value(item)
        name = str(item.get("from_name", item.get("type")))
        rid = str(item.get("id", ""))
        if rid in regions:
            for i in regions[rid]:
                span = spans[i]
                spans[i] = dataclasses.replace(span, attributes={**span.attributes, name: value})
        else:
            classifications[name] = value


def _control_value(item: dict[str, Any]) -> Any:
    value = item.get("value")
    if not isinstance(value, dict):
        return value
    kind = item.get("type")
    found = value.get(kind) if kind != "textarea" else value.get("text")
    if isinstance(found, list) and len(found) == 1:
        return found[0]
    return found


def control_name(attribute: str) -> str:
    """The Label Studio control name used for an attribute."""
    return f"{attribute}_attribute" if attribute in _RESERVED_NAMES else attribute


@dataclass
class LabelStudioWriter:
    """Writes tasks and remembers what the labelling configuration must declare.

    Attributes named in ``text_attributes`` (free text) become per-region text areas;
    every other string attribute a per-region choice.
    """

    text_attributes: frozenset[str] = frozenset()
    labels: dict[str, None] = field(default_factory=dict)
    relations: dict[str, None] = field(default_factory=dict)
    choices: dict[str, dict[str, None]] = field(default_factory=dict)
    textareas: dict[str, None] = field(default_factory=dict)
    lost: int = 0

    def write(self, documents: Iterable[DocumentRecord], out: TextIO) -> int:
        out.write("[")
        count = 0
        for doc in documents:
            out.write(
                ("\n" if count == 0 else ",\n") + json.dumps(self.task(doc), ensure_ascii=False)
            )
            count += 1
        out.write("\n]\n")
        return count

    def task(self, doc: DocumentRecord) -> dict[str, Any]:
        results: list[dict[str, Any]] = []
        for span in doc.spans:
            self.labels.setdefault(span.label, None)
            region = {"start": span.start, "end": span.end, "text": span.text}
            item: dict[str, Any] = {
                "id": span.key,
                "from_name": LABELS,
                "to_name": TEXT,
                "type": "labels",
                "value": {**region, "labels": [span.label]},
                "origin": "manual",
            }
            if span.note:
                item["meta"] = {"text": [span.note]}
            results.append(item)
            for attr, value in span.attributes.items():
                name = control_name(attr)
                if isinstance(value, bool):
                    value = "true" if value else "false"
                if isinstance(value, str) and attr in self.text_attributes:
                    self.textareas.setdefault(name, None)
                    kind, payload = "textarea", {"text": [value]}
                elif isinstance(value, str):
                    self.choices.setdefault(name, {})[value] = None
                    kind, payload = "choices", {"choices": [value]}
                elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                    self.choices.setdefault(name, {}).update(dict.fromkeys(value))
                    kind, payload = "choices", {"choices": list(value)}
                else:
                    self.lost += 1
                    continue
                results.append(
                    {
                        "id": span.key,
                        "from_name": name,
                        "to_name": TEXT,
                        "type": kind,
                        "value": {**region, **payload},
                        "origin": "manual",
                    }
                )
        for link in doc.links:
            self.relations.setdefault(link.type, None)
            results.append(
                {
                    "from_id": link.source,
                    "to_id": link.target,
                    "type": "relation",
                    "direction": "right",
                    "labels": [link.type],
                }
            )
        return {
            "id": doc.id,
            "data": {TEXT: doc.text, "title": doc.title, "document_id": doc.id},
            "annotations": [{"result": results, "was_cancelled": False, "ground_truth": False}],
            "predictions": [],
        }

    def warnings(self) -> list[str]:
        if not self.lost:
            return []
        return [f"Label Studio cannot hold {self.lost} attribute value(s) (numbers or objects)"]

    def label_config(self, colors: dict[str, str] | None = None) -> str:
        """A labelling configuration (XML) for the tasks written."""
        colors = colors or {}
        out = ["<View>", f'  <Labels name="{LABELS}" toName="{TEXT}">']
        for label in self.labels:
            color = f" background={quoteattr(colors[label])}" if label in colors else ""
            out.append(f"    <Label value={quoteattr(label)}{color}/>")
        out += ["  </Labels>", f'  <Text name="{TEXT}" value="${TEXT}"/>']
        if self.relations:
            out.append("  <Relations>")
            out += [f"    <Relation value={quoteattr(r)}/>" for r in self.relations]
            out.append("  </Relations>")
        if self.choices or self.textareas:
            out.append('  <View visibleWhen="region-selected">')
            for name, values in self.choices.items():
                out.append(
                    f'    <Choices name={quoteattr(name)} toName="{TEXT}" perRegion="true" '
                    'choice="multiple">'
                )
                out += [f"      <Choice value={quoteattr(v)}/>" for v in values]
                out.append("    </Choices>")
            for name in self.textareas:
                out.append(
                    f'    <TextArea name={quoteattr(name)} toName="{TEXT}" perRegion="true"/>'
                )
            out.append("  </View>")
        out.append("</View>")
        return "\n".join(out) + "\n"


def quoteattr(value: str) -> str:
    """An XML attribute value, quoted (``xml.sax.saxutils`` would pull in urllib)."""
    return '"' + html.escape(value, quote=True).replace("\n", "&#10;") + '"'
