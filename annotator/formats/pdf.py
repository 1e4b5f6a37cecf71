"""PDF files: the text layer, in reading order, via pdfminer.six.

pdfminer's layout analysis groups characters into lines and lines into text boxes, and
orders the boxes for reading. Each text box becomes a paragraph: its lines are joined
with a space, and a word hyphenated at a line end is joined again ("humani-" +
"tarian" gives "humanitarian"; the hyphen goes only when a lowercase letter follows,
so "Franco-" + "German" gives "Franco-German"). Paragraphs are separated by a blank line, pages too
(a word hyphenated across a page break is left as it is).

Metadata: the number of pages, where each page starts and ends in the text
(``pages``: ``[[start, end], ...]``, code points), the page labels when the PDF
defines them ("i", "ii", "1"...), and the title, author and creation date from the
document information. A PDF with no text layer (a scan) is refused: OCR it first.
"""

from __future__ import annotations

import io
import itertools
from typing import Any

from annotator.domain.errors import FormatError
from annotator.formats.records import DocumentRecord

_HYPHENS = ("-", "\u00ad", "\u2010")


def read_pdf(data: bytes, *, name: str) -> DocumentRecord:
    """The text of a PDF, or :class:`FormatError`."""
    if b"%PDF-" not in data[:1024]:
        raise FormatError(f"{name}: is not a PDF file")
    # imported here: pdfminer takes a moment and only PDFs need it
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer, LTTextLine

    pages: list[str] = []
    try:
        for page in extract_pages(io.BytesIO(data), laparams=LAParams()):
            paragraphs = []
            for element in page:  # text boxes come in reading order
                if not isinstance(element, LTTextContainer):
                    continue
                lines = [x.get_text() for x in element if isinstance(x, LTTextLine)]
                paragraph = join_lines(lines or [element.get_text()])
                if paragraph:
                    paragraphs.append(paragraph)
            pages.append("\n\n".join(paragraphs))
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on a damaged file
        reason = str(exc) or type(exc).__name__
        if "password" in reason.lower() or "encrypt" in type(exc).__name__.lower():
            raise FormatError(
                f"{name}: the PDF is encrypted; save a copy without a password"
            ) from exc
        raise FormatError(f"{name}: cannot be read as a PDF ({reason})") from exc

    parts: list[str] = []
    offsets: list[list[int]] = []
    position = 0
    for page_text in pages:
        if parts:
            parts.append("\n\n")
            position += 2
        parts.append(page_text)
        offsets.append([position, position + len(page_text)])
        position += len(page_text)
    text = "".join(parts)
    if not text.strip():
        raise FormatError(f"{name}: the PDF has no text layer (a scan?); OCR it first")
    metadata: dict[str, Any] = {"format": "pdf", "page_count": len(pages), "pages": offsets}
    metadata.update(_document_info(data, len(pages)))
    return DocumentRecord(text=text, title=metadata.get("title", ""), metadata=metadata, where=name)


def join_lines(lines: list[str]) -> str:
    """One paragraph from the lines of a text box, hyphenation at line ends undone."""
    out = ""
    for raw in lines:
        line = " ".join(raw.split())
        if not line:
            continue
        if not out:
            out = line
        elif out.endswith(_HYPHENS) and len(out) > 1 and out[-2].isalnum():
            # "humani-" + "tarian" is hyphenation; "Franco-" + "German" a real hyphen
            hyphenated = out[-1] == "\u00ad" or (out[-2].isalpha() and line[0].islower())
            out = (out[:-1] if hyphenated else out) + line
        else:
            out += " " + line
    return out


def _document_info(data: bytes, page_count: int) -> dict[str, Any]:
    from pdfminer.pdfdocument import PDFDocument, PDFNoPageLabels
    from pdfminer.pdfparser import PDFParser

    found: dict[str, Any] = {}
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        info = document.info[0] if document.info else {}
        for key, field in (("Title", "title"), ("Author", "author"), ("CreationDate", "created")):
            value = _info_text(info.get(key))
            if value:
                found[field] = value
        try:
            labels = list(itertools.islice(document.get_page_labels(), page_count))
        except PDFNoPageLabels:
            labels = []
        if labels:
            found["page_labels"] = [str(label) for label in labels]
    except Exception:  # noqa: BLE001 - metadata is a bonus; the text was read already
        pass
    return found


def _info_text(value: Any) -> str:
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    value = resolve1(value)
    if isinstance(value, bytes):
        return decode_text(value).strip()
    if isinstance(value, str):
        return value.strip()
    return ""
