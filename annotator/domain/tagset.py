"""Reading and writing tag sets as TOML (``[[label]]`` tables)."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from annotator.domain.errors import FormatError
from annotator.domain.model import Attribute, Label, TagSet

_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
# Okabe & Ito, then a few more that stay apart from them; used for labels that arrive
# without a colour (for example from an imported file).
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#882255",
    "#44AA99",
    "#999933",
)


def color_for(index: int) -> str:
    """A palette colour for the ``index``-th label."""
    return PALETTE[index % len(PALETTE)]


def parse_tagset(source: str, *, name: str = "<tag set>") -> TagSet:
    """Parse a TOML tag set; raise :class:`FormatError` naming what is wrong."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise FormatError(f"{name}: not valid TOML ({exc})") from exc
    raw_labels = data.get("label")
    if not isinstance(raw_labels, list) or not raw_labels:
        raise FormatError(f"{name}: no [[label]] tables")
    labels: list[Label] = []
    seen: set[str] = set()
    shortcuts: dict[str, str] = {}
    for i, raw in enumerate(raw_labels):
        labels.append(_parse_label(raw, i, name))
        label = labels[-1]
        if label.name in seen:
            raise FormatError(f"{name}: label {label.name!r} is defined twice")
        seen.add(label.name)
        if label.shortcut and label.shortcut in shortcuts:
            raise FormatError(
                f"{name}: shortcut {label.shortcut!r} is given to both "
                f"{shortcuts[label.shortcut]!r} and {label.name!r}"
            )
        shortcuts[label.shortcut] = label.name
    return TagSet(tuple(labels))


def _parse_label(raw: Any, index: int, source: str) -> Label:
    if not isinstance(raw, dict):
        raise FormatError(f"{source}: label #{index + 1} is not a table")
    label_name = str(raw.get("name", "")).strip()
    if not label_name:
        raise FormatError(f"{source}: label #{index + 1} has no name")
    color = str(raw.get("color", color_for(index)))
    if not _COLOR.match(color):
        raise FormatError(f"{source}: label {label_name!r} has colour {color!r}, not #RRGGBB")
    attributes = []
    raw_attributes = raw.get("attribute", [])
    if not isinstance(raw_attributes, list):
        raise FormatError(f"{source}: label {label_name!r}: attribute must be [[label.attribute]]")
    for number, attr in enumerate(raw_attributes, start=1):
        where = f"{source}: label {label_name!r}, attribute #{number}"
        if not isinstance(attr, dict):
            raise FormatError(f"{where} is not a table")
        attr_name = str(attr.get("name", "")).strip()
        if not attr_name:
            raise FormatError(f"{where} has no name")
        kind = str(attr.get("kind", "choice"))
        if kind not in ("choice", "text", "bool"):
            raise FormatError(f"{where}: kind {kind!r} is not choice, text or bool")
        values = attr.get("values", [])
        if not isinstance(values, list):
            raise FormatError(f"{where}: values must be a list of strings")
        attributes.append(
            Attribute(name=attr_name, kind=kind, values=tuple(str(v) for v in values))
        )
    links = raw.get("links", [])
    if not isinstance(links, list):
        raise FormatError(f"{source}: label {label_name!r}: links must be a list of strings")
    registry = raw.get("registry", False)
    if not isinstance(registry, bool):
        raise FormatError(f"{source}: label {label_name!r}: registry must be true or false")
    return Label(
        name=label_name,
        color=color.upper(),
        shortcut=str(raw.get("shortcut", "")),
        attributes=tuple(attributes),
        links=tuple(str(x) for x in links),
        registry=registry,
    )


def dump_tagset(tagset: TagSet) -> str:
    """Write a tag set as TOML that :func:`parse_tagset` reads back unchanged."""
    out: list[str] = []
    for label in tagset.labels:
        out += ["[[label]]", f"name = {_q(label.name)}", f"color = {_q(label.color)}"]
        out.append(f"shortcut = {_q(label.shortcut)}")
        if label.links:
            out.append("links = [" + ", ".join(_q(x) for x in label.links) + "]")
        if label.registry:
            out.append("registry = true")
        for attr in label.attributes:
            out += ["", "  [[label.attribute]]", f"  name = {_q(attr.name)}"]
            out.append(f"  kind = {_q(attr.kind)}")
            out.append("  values = [" + ", ".join(_q(v) for v in attr.values) + "]")
        out.append("")
    return "\n".join(out)


def _q(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    # TOML forbids raw control characters (C0 and DEL) in strings; escape them.
    escaped = "".join(f"\\u{ord(c):04x}" if c < " " or c == "\x7f" else c for c in escaped)
    return f'"{escaped}"'
