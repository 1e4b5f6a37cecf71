"""brat standoff: a ``.txt`` file with the exact text and an ``.ann`` file beside it.

Lines of the ``.ann`` file (tab-separated, see brat's standoff documentation):

* ``T1<TAB>label START END<TAB>text``: a span. Offsets are code points of the ``.txt``
  file as Python reads it (UTF-8), half-open. Discontinuous spans (``0 5;9 14``) whose
  fragments are separated only by whitespace (brat's way of writing a span across a line
  break) become one span; other fragments become one span each, with the same label,
  attributes and note (a relation attaches to the first), and a warning says so.
* ``R1<TAB>type Arg1:T1 Arg2:T2``: a link from the first argument to the second.
* ``A1<TAB>name T1`` (binary, read as ``true``) or ``A1<TAB>name T1 value``; ``M``
  lines are read the same way.
* ``#1<TAB>AnnotatorNotes T1<TAB>note``: the span's note.
* ``N1<TAB>Reference T1 resource:id<TAB>name``: the canonical entity the span stands for.
* Events (``E``) and equivalences (``*``) are not imported (a warning counts them).

The text after the offsets of a ``T`` line must match the ``.txt`` (whitespace compared
as spaces); a mismatch or an offset past the text refuses the whole file, naming its line.

Written: the exact document text (UTF-8, ``\\n`` line ends); in the ``.ann`` file, label,
attribute and link names with whitespace replaced by ``_``; in the text, note and entity
fields every whitespace character other than a space becomes a space (brat's lines
cannot hold a line break). Attributes that are ``true`` or a single word are written;
``false``, numbers, lists and values with spaces cannot be held (a warning counts them).
A document's title, status, note and metadata, and entities' types and aliases, cannot
be held either.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from annotator.domain.errors import FormatError
from annotator.formats.records import DocumentRecord, EntityRef, LinkRecord, SpanRecord

_T = re.compile(r"^(T\S*)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)(?:\t(.*))?$")
_R = re.compile(r"^(R\S*)\t(\S+) \S+?:(\S+) \S+?:(\S+)\s*$")
_A = re.compile(r"^([AM]\S*)\t(\S+) (\S+)(?: (\S+))?\s*$")
_NOTE = re.compile(r"^#\S*\t(\S+) (\S+)(?:\t(.*))?$")
_N = re.compile(r"^(N\S*)\t(\S+) (\S+) (\S+)(?:\t(.*))?$")
_SPACE = re.compile(r"\s+")


@dataclass
class BratResult:
    document: DocumentRecord
    warnings: list[str] = field(default_factory=list)


def read_brat(txt: bytes, ann: bytes, *, name: str, txt_name: str = "") -> BratResult:
    """Read a ``.txt``/``.ann`` pair; ``name`` (the ``.ann`` path) starts every error."""
    text = _decode(txt, txt_name or name)
    shift = 0
    if text.startswith("\ufeff"):  # brat counts a byte-order mark as a character
        text, shift = text[1:], 1
    source = _decode(ann, name).lstrip("\ufeff")

    spans: dict[str, list[SpanRecord]] = {}
    links: list[LinkRecord] = []
    attributes: list[tuple[int, str, str, Any]] = []
    notes: list[tuple[int, str, str]] = []
    refs: list[tuple[int, str, str]] = []
    skipped: dict[str, int] = {}
    warnings: list[str] = []

    for number, raw in enumerate(source.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        where = f"{name}, line {number}"
        kind = line[0]
        if kind == "T":
            found = _T.match(line)
            if not found:
                raise FormatError(f"{where}: not a brat span line (T): {line[:80]!r}")
            key, label, ranges, shown = found.groups()
            if key in spans:
                raise FormatError(f"{where}: {key} is defined twice")
            fragments = _fragments(ranges, shift, text, key, shown, where)
            spans[key] = _span_records(key, label, fragments, text, number, warnings, name)
        elif kind == "R":
            found = _R.match(line)
            if not found:
                raise FormatError(f"{where}: not a brat relation line (R): {line[:80]!r}")
            _, rel_type, arg1, arg2 = found.groups()
            links.append(LinkRecord(arg1, arg2, rel_type, where=f"line {number}"))
        elif kind in "AM":
            found = _A.match(line)
            if not found:
                raise FormatError(f"{where}: not a brat attribute line (A): {line[:80]!r}")
            _, attr, target, value = found.groups()
            attributes.append((number, target, attr, True if value is None else value))
        elif kind == "#":
            found = _NOTE.match(line)
            if not found:
                raise FormatError(f"{where}: not a brat note line (#): {line[:80]!r}")
            _, target, note = found.groups()
            notes.append((number, target, note or ""))
        elif kind == "N":
            found = _N.match(line)
            if not found:
                raise FormatError(f"{where}: not a brat normalisation line (N): {line[:80]!r}")
            _, _, target, reference, shown = found.groups()
            refs.append((number, target, (shown or "").strip() or reference))
        elif kind in "E*":
            skipped[kind] = skipped.get(kind, 0) + 1
        else:
            raise FormatError(f"{where}: not a brat annotation line: {line[:80]!r}")

    def targets(number: int, target: str, what: str) -> list[SpanRecord] | None:
        if target in spans:
            return spans[target]
        if target[:1] in ("R", "E", "*"):
            skipped[what] = skipped.get(what, 0) + 1
            return None
        raise FormatError(f"{name}, line {number}: {what} for {target}, which is not defined")

    for number, target, attr, value in attributes:
        for i, span in enumerate(targets(number, target, "attribute") or ()):
            spans[target][i] = dataclasses.replace(
                span, attributes={**span.attributes, attr: value}
            )
    for number, target, note in notes:
        for i, span in enumerate(targets(number, target, "note") or ()):
            joined = f"{span.note}\n{note}" if span.note else note
            spans[target][i] = dataclasses.replace(span, note=joined)
    for number, target, entity in refs:
        for i, span in enumerate(targets(number, target, "normalisation") or ()):
            spans[target][i] = dataclasses.replace(span, entity=EntityRef(entity))
    for link in links:
        for end in (link.source, link.target):
            if end not in spans:
                raise FormatError(
                    f"{name}, {link.where}: the relation refers to {end}, "
                    "which is not a span of this file"
                )

    names = {
        "E": "event lines (E)",
        "*": "equivalence lines (*)",
        "attribute": "attributes of relations or events",
        "note": "notes on relations or events",
        "normalisation": "normalisations of relations or events",
    }
    for what, count in skipped.items():
        warnings.append(f"{name}: {count} {names[what]} not imported")
    record = DocumentRecord(
        text=text,
        metadata={"format": "brat"},
        spans=tuple(s for group in spans.values() for s in group),
        links=tuple(links),
        where=name,
    )
    return BratResult(record, warnings)


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"{name}: brat files are UTF-8, but this one is not ({exc.reason} at byte {exc.start})"
        ) from None


def _fragments(
    ranges: str, shift: int, text: str, key: str, shown: str | None, where: str
) -> list[tuple[int, int]]:
    fragments = []
    for part in ranges.split(";"):
        start_s, end_s = part.split(" ")
        start, end = int(start_s) - shift, int(end_s) - shift
        if start < 0 or end > len(text):
            raise FormatError(
                f"{where}: {key} [{start + shift}, {end + shift}) lies outside the text "
                f"(length {len(text) + shift})"
            )
        if start >= end:
            raise FormatError(
                f"{where}: {key} [{start + shift}, {end + shift}) is empty or inverted"
            )
        fragments.append((start, end))
    covered = " ".join(text[s:e] for s, e in fragments)
    if shown and _blank(covered).strip() != _blank(shown).strip():
        raise FormatError(
            f"{where}: {key} [{fragments[0][0] + shift}, {fragments[-1][1] + shift}) covers "
            f"{covered!r} but the .ann file says {shown!r}"
        )
    return fragments


def _span_records(
    key: str,
    label: str,
    fragments: list[tuple[int, int]],
    text: str,
    number: int,
    warnings: list[str],
    name: str,
) -> list[SpanRecord]:
    where = f"line {number}"
    gaps_blank = all(
        not text[a[1] : b[0]].strip() for a, b in zip(fragments, fragments[1:], strict=False)
    )
    if gaps_blank:
        start, end = fragments[0][0], fragments[-1][1]
        return [SpanRecord(key, label, start, end, text[start:end], where=where)]
    warnings.append(
        f"{name}, line {number}: {key} has {len(fragments)} separate fragments; "
        f"imported as {len(fragments)} spans"
    )
    return [
        SpanRecord(key if i == 0 else f"{key}.{i + 1}", label, s, e, text[s:e], where=where)
        for i, (s, e) in enumerate(fragments)
    ]


def _blank(value: str) -> str:
    return "".join(" " if c.isspace() else c for c in value)


def brat_name(name: str) -> str:
    """A label, attribute or relation name as brat can hold it (no whitespace)."""
    return _SPACE.sub("_", name.strip()) or "_"


@dataclass
class BratWriter:
    """Writes documents as ``.txt``/``.ann`` pairs and collects what ``annotation.conf``
    must declare."""

    warnings: list[str] = field(default_factory=list)
    entity_types: dict[str, None] = field(default_factory=dict)
    relation_types: dict[str, None] = field(default_factory=dict)
    attribute_values: dict[str, dict[str, None] | None] = field(default_factory=dict)
    _lost: dict[str, int] = field(default_factory=dict)

    def write(self, doc: DocumentRecord) -> tuple[str, str]:
        """The ``.txt`` and ``.ann`` contents for ``doc``."""
        ids: dict[str, str] = {}
        lines: list[str] = []
        for i, span in enumerate(doc.spans, start=1):
            tid = f"T{span.key}" if span.key.isdigit() else f"T{i}"
            ids[span.key] = tid
            label = self._name(span.label, "label")
            self.entity_types.setdefault(label, None)
            lines.append(f"{tid}\t{label} {span.start} {span.end}\t{_blank(span.text)}")
        counters = {"R": 0, "A": 0, "#": 0, "N": 0}

        def next_id(kind: str) -> str:
            counters[kind] += 1
            return f"{kind}{counters[kind]}"

        for link in doc.links:
            if link.source in ids and link.target in ids:
                kind = self._name(link.type, "relation")
                self.relation_types.setdefault(kind, None)
                lines.append(
                    f"{next_id('R')}\t{kind} Arg1:{ids[link.source]} Arg2:{ids[link.target]}"
                )
        for span in doc.spans:
            tid = ids[span.key]
            for attr, value in span.attributes.items():
                name = self._name(attr, "attribute")
                if value is True:
                    self.attribute_values.setdefault(name, None)
                    lines.append(f"{next_id('A')}\t{name} {tid}")
                elif isinstance(value, str) and value and not _SPACE.search(value):
                    values = self.attribute_values.setdefault(name, {})
                    if values is not None:
                        values.setdefault(value, None)
                    lines.append(f"{next_id('A')}\t{name} {tid} {value}")
                else:
                    self._lose("attribute values that are not true or a single word")
            if span.note:
                note = _blank(span.note)
                if note != span.note:
                    self._lose("notes with line breaks or tabs (written as spaces)")
                lines.append(f"{next_id('#')}\tAnnotatorNotes {tid}\t{note}")
            if span.entity is not None:
                ref = span.entity.id if span.entity.id is not None else brat_name(span.entity.name)
                lines.append(
                    f"{next_id('N')}\tReference {tid} annotator:{ref}\t{_blank(span.entity.name)}"
                )
        return doc.text, "".join(line + "\n" for line in lines)

    def _name(self, name: str, what: str) -> str:
        safe = brat_name(name)
        if safe != name:
            self._lose(f"{what} names with spaces (written with _)")
        return safe

    def _lose(self, what: str) -> None:
        self._lost[what] = self._lost.get(what, 0) + 1

    def finish(self) -> list[str]:
        """The warnings, once every document is written."""
        return self.warnings + [f"brat cannot hold {what}: {n}" for what, n in self._lost.items()]

    def annotation_conf(self, labels: Iterable[str] = ()) -> str:
        """brat's ``annotation.conf`` declaring every type written (and ``labels``)."""
        entities = dict.fromkeys(brat_name(x) for x in labels) | self.entity_types
        out = ["[entities]", *entities, "", "[relations]"]
        out += [f"{r}\tArg1:<ENTITY>, Arg2:<ENTITY>" for r in self.relation_types]
        out += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]", ""]
        out.append("[attributes]")
        for name, values in self.attribute_values.items():
            usable = [v for v in (values or {}) if not re.search(r"[|,:]", v)]
            out.append(f"{name}\tArg:<ENTITY>" + (f", Value:{'|'.join(usable)}" if usable else ""))
        return "\n".join(out) + "\n"


def visual_conf(colors: Mapping[str, str]) -> str:
    """brat's ``visual.conf`` giving each label its colour in the project."""
    lines = ["[labels]", *(brat_name(n) for n in colors), "", "[drawing]"]
    lines += [f"{brat_name(n)}\tbgColor:{c}" for n, c in colors.items()]
    return "\n".join(lines) + "\n"
