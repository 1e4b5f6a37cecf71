"""Word ``.docx`` files: the paragraphs of the body in order, via python-docx.

A ``.docx`` is a zip archive, so it is checked before anything is decompressed: the
sizes its directory declares must stay under :data:`MAX_UNCOMPRESSED` in total, and no
large member may expand more than :data:`MAX_RATIO` times (a zip bomb). Python's
``zipfile`` never returns more bytes than a member declares, so the declared sizes are
a true bound. A file that is not a zip archive, or not a Word document, is refused.

Each non-empty paragraph becomes a paragraph of the text, separated by a blank line;
a line break inside a paragraph stays a line break; a table gives one line per row with
its cells separated by a tab. Headers, footers, comments and footnotes are left out.
The document's core properties (title, author, created, modified) are metadata.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from annotator.domain.errors import FormatError
from annotator.formats.records import DocumentRecord

MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 100
# Small members may compress very well without harm; only the large ones are judged.
_RATIO_FLOOR = 1024 * 1024


def check_zip(
    data: bytes,
    *,
    name: str,
    max_uncompressed: int = MAX_UNCOMPRESSED,
    max_ratio: float = MAX_RATIO,
) -> None:
    """Refuse ``data`` unless it is a zip archive whose declared sizes are within limits."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise FormatError(f"{name}: is not a Word document (a .docx file is a zip archive)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FormatError(f"{name}: is a damaged zip archive ({exc})") from exc
    total = sum(m.file_size for m in members)
    if total > max_uncompressed:
        raise FormatError(
            f"{name}: would expand to {total / 1e6:.0f} MB; the limit is "
            f"{max_uncompressed / 1e6:.0f} MB (refused without expanding it)"
        )
    for member in members:
        if member.file_size < _RATIO_FLOOR:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > max_ratio:
            raise FormatError(
                f"{name}: {member.filename} would expand {ratio:.0f} times (a zip bomb?); "
                f"the limit is {max_ratio:.0f} (refused without expanding it)"
            )


def read_docx(
    data: bytes,
    *,
    name: str,
    max_uncompressed: int = MAX_UNCOMPRESSED,
    max_ratio: float = MAX_RATIO,
) -> DocumentRecord:
    """The text of a ``.docx`` file, or :class:`FormatError`."""
    check_zip(data, name=name, max_uncompressed=max_uncompressed, max_ratio=max_ratio)
    import docx  # imported here: only Word files need it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = [_block_text(block) for block in document.iter_inner_content()]
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise FormatError(f"{name}: is not a Word document ({exc})") from exc
    except Exception as exc:  # noqa: BLE001 - a damaged part can fail anywhere in lxml
        raise FormatError(f"{name}: the Word document cannot be read ({exc})") from exc
    text = "\n\n".join(b for b in blocks if b.strip())
    if not text.strip():
        raise FormatError(f"{name}: the Word document has no text")
    metadata: dict[str, Any] = {"format": "docx"}
    props = document.core_properties
    for key in ("title", "author", "subject"):
        value = getattr(props, key, None)
        if isinstance(value, str) and value.strip():
            metadata[key] = value.strip()
    for key in ("created", "modified"):
        value = getattr(props, key, None)
        if value is not None:
            metadata[key] = value.isoformat()
    return DocumentRecord(text=text, title=metadata.get("title", ""), metadata=metadata, where=name)


def _block_text(block: Any) -> str:
    rows = getattr(block, "rows", None)
    if rows is None:  # a paragraph
        return str(block.text).strip()
    lines = []
    for row in rows:
        cells: list[str] = []
        merged: list[Any] = []
        for cell in row.cells:
            # a merged cell is returned once per grid column it spans; keep it once
            if any(cell._tc is other for other in merged):
                continue
            merged.append(cell._tc)
            cells.append(" ".join(cell.text.split("\n")).strip())
        if any(cells):
            lines.append("\t".join(cells))
    return "\n".join(lines)
