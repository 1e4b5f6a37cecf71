"""Web pages: the main text only, found by trafilatura.

Navigation, scripts, styles, sidebars, comments and footers ("Suggest To A Friend",
"All rights reserved") are left out; character references are decoded by the HTML
parser. Each block of the main text (heading, paragraph, quotation, list, table) becomes
a paragraph, and paragraphs are separated by a blank line; a ``<br>`` inside a block
is a line break, list items and table rows are lines (cells separated by a tab).
The page's title, date, author, site name, language and URL, where found, are metadata.
"""

from __future__ import annotations

from typing import Any

from annotator.domain.errors import FormatError
from annotator.formats.records import DocumentRecord

# trafilatura's own element names (it rewrites the page into a small TEI-like tree).
_LINE_BREAK = "lb"
_LINES = {"list": "item", "table": "row"}
_METADATA = ("title", "date", "author", "sitename", "hostname", "language", "url", "description")


def read_html(data: bytes, *, name: str) -> DocumentRecord:
    """The main text of an HTML page, or :class:`FormatError` when there is none."""
    import trafilatura  # imported here: it takes a moment and only HTML needs it

    try:
        found = trafilatura.bare_extraction(
            data,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            deduplicate=False,
        )
    except (ValueError, TypeError) as exc:  # trafilatura is defensive; just in case
        raise FormatError(f"{name}: cannot be read as HTML ({exc})") from exc
    body = getattr(found, "body", None) if found is not None else None
    paragraphs = [p for p in (_block_text(child) for child in body)] if body is not None else []
    text = "\n\n".join(p for p in paragraphs if p.strip())
    if not text.strip():
        raise FormatError(f"{name}: no main text found (the page holds only navigation or scripts)")
    metadata: dict[str, Any] = {"format": "html"}
    for key in _METADATA:
        value = getattr(found, key, None)
        if isinstance(value, str) and value.strip():
            metadata[key] = value.strip()
    title = metadata.get("title", "")
    return DocumentRecord(text=text, title=title, metadata=metadata, where=name)


def _block_text(element: Any) -> str:
    line_tag = _LINES.get(element.tag)
    if line_tag is None:
        return _inline_text(element).strip()
    lines = []
    for child in element.iter(line_tag):
        if element.tag == "table":
            cells = [_inline_text(cell).strip() for cell in child if isinstance(cell.tag, str)]
            line = "\t".join(cells)
        else:
            line = _inline_text(child).strip()
        if line.strip():
            lines.append(line)
    return "\n".join(lines)


def _inline_text(element: Any) -> str:
    parts = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):  # a comment or processing instruction
            parts.append(child.tail or "")
            continue
        if child.tag == _LINE_BREAK:
            parts.append("\n")
        elif child.tag not in _LINES:
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
