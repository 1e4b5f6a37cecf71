"""Importing web pages, Word files and PDFs: the main text only, in order, with the
metadata a researcher needs, and refusals (zip bombs, scans, script-only pages) that
name the file and change nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from annotator.formats.pdf import join_lines
from annotator.formats.word import check_zip
from annotator.services.importing import ImportLimits, ImportReport, import_paths
from annotator.storage import Store

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Readout of the Minister&#8217;s Call | Ministry of Foreign Affairs</title>
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<style>body { font-family: sans-serif } .nav { color: red }</style>
<script>var tracker = "TRACKING-CODE"; function f() { return 1; }</script>
</head><body>
<header><nav class="nav"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/about">About Us</a></li></ul></nav></header>
<main><article>
<h1>Readout of the Minister&#8217;s Call</h1>
<p>The Minister spoke today with her counterpart about trade &amp; security in the region.
Both sides agreed that regular consultations would continue at the working level.</p>
<p>The Minister said the government &#8220;will provide humanitarian assistance&#8221; to
those affected by the floods, and urged all parties to allow safe access for aid workers.</p>
<p>They also discussed preparations for the summit next month, where ministers are
expected to sign a memorandum on energy cooperation &amp; climate resilience.</p>
</article></main>
<footer><div class="share"><a href="#">Suggest To A Friend</a> | <a href="#">Print</a></div>
<p>&copy; 2024 Ministry of Foreign Affairs. All rights reserved.</p></footer>
<script>document.write("TRACKING-PIXEL");</script>
</body></html>
"""


def only(store: Store, report: ImportReport) -> tuple[str, dict[str, object], str]:
    assert report.ok, report.failed
    ((_, doc_id, _),) = report.imported
    doc = store.get_document(doc_id)
    return doc.text, doc.metadata, doc.title


def refused(report: ImportReport, path: Path) -> str:
    ((name, reason),) = report.failed
    assert name == str(path) and path.name in reason and "\n" not in reason
    return reason


# -- HTML ------------------------------------------------------------------------------


def test_html_main_text_without_navigation_scripts_or_footer(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "readout.html"
    path.write_text(PAGE, encoding="utf-8")
    text, metadata, title = only(store, import_paths(store, [path]))
    paragraphs = text.split("\n\n")
    assert paragraphs[0] == "Readout of the Minister\u2019s Call"
    assert paragraphs[1].startswith("The Minister spoke today with her counterpart about trade & ")
    assert "\u201cwill provide humanitarian assistance\u201d" in paragraphs[2]
    assert paragraphs[3].endswith("energy cooperation & climate resilience.")
    for noise in (
        "Home",
        "About Us",
        "Suggest To A Friend",
        "All rights reserved",
        "TRACKING",
        "font-family",
        "&amp;",
        "&#8217;",
    ):
        assert noise not in text
    assert title.startswith("Readout of the Minister\u2019s Call")
    assert metadata["format"] == "html"
    assert metadata["date"] == "2024-03-05"
    assert "\r" not in text


def test_html_page_of_only_scripts_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "app.html"
    path.write_text(
        "<html><head><script>var a = 1;</script><style>p{}</style></head>"
        "<body><script>render()</script><noscript></noscript></body></html>",
        encoding="utf-8",
    )
    assert "no main text found" in refused(import_paths(store, [path]), path)
    assert store.document_count() == 0


# -- Word ------------------------------------------------------------------------------


def make_docx() -> bytes:
    document = docx.Document()
    document.core_properties.title = "Joint Statement on Cooperation"
    document.core_properties.author = "Ministry"
    document.add_heading("Joint Statement", level=1)
    paragraph = document.add_paragraph("Both sides ")
    paragraph.add_run("reaffirmed").bold = True
    paragraph.add_run(" their commitment to the 😀 agreement.")
    document.add_paragraph("")
    second = document.add_paragraph("First line")
    second.add_run().add_break()
    second.add_run("second line of the same paragraph.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Signed by"
    table.cell(0, 1).text = "Date"
    table.cell(1, 0).text = "Minister Ruiz"
    table.cell(1, 1).text = "5 March"
    document.add_paragraph("The talks will continue in June.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_paragraphs_in_order_with_properties(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "statement.docx"
    path.write_bytes(make_docx())
    text, metadata, title = only(store, import_paths(store, [path]))
    assert text == (
        "Joint Statement\n\n"
        "Both sides reaffirmed their commitment to the 😀 agreement.\n\n"
        "First line\nsecond line of the same paragraph.\n\n"
        "Signed by\tDate\nMinister Ruiz\t5 March\n\n"
        "The talks will continue in June."
    )
    assert title == "Joint Statement on Cooperation"
    assert metadata["format"] == "docx" and metadata["author"] == "Ministry"


def bomb(member_bytes: int) -> bytes:
    """A .docx-looking zip with one huge, highly compressible member."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(member_bytes // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def test_docx_zip_bomb_is_refused_without_expanding(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bomb.docx"
    path.write_bytes(bomb(20 * 1024 * 1024))  # 20 MB of zeros in ~20 KB
    assert path.stat().st_size < 100_000

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("a member was decompressed")

    monkeypatch.setattr(zipfile.ZipExtFile, "read", never)
    monkeypatch.setattr(zipfile.ZipExtFile, "read1", never)
    reason = refused(import_paths(store, [path]), path)
    assert "zip bomb" in reason and "word/document.xml" in reason
    assert store.document_count() == 0


def test_docx_over_the_uncompressed_limit_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "large.docx"
    path.write_bytes(make_docx())
    limits = ImportLimits(max_uncompressed=10_000)
    reason = refused(import_paths(store, [path], limits=limits), path)
    assert "would expand to" in reason and "limit" in reason


def test_docx_that_is_not_a_zip_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "renamed.docx"
    path.write_text("Just some text saved with the wrong extension.", encoding="utf-8")
    assert "not a Word document" in refused(import_paths(store, [path]), path)


def test_zip_that_is_not_a_word_document_is_refused(store: Store, tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    path = tmp_path / "archive.docx"
    path.write_bytes(out.getvalue())
    assert "not a Word document" in refused(import_paths(store, [path]), path)


def test_check_zip_accepts_a_real_document() -> None:
    check_zip(make_docx(), name="ok.docx")  # no exception


def test_file_over_the_size_limit_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000, encoding="utf-8")
    reason = refused(import_paths(store, [path], limits=ImportLimits(max_file_bytes=1000)), path)
    assert "MB" in reason and "limit" in reason


# -- PDF -------------------------------------------------------------------------------


def make_pdf(pages: list[list[str]], *, title: str = "") -> bytes:
    """A minimal PDF written by hand: one Helvetica text line per string, top to bottom;
    an empty string leaves a gap (a new paragraph)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    contents = []
    for lines in pages:
        ops = [b"BT", b"/F1 12 Tf", b"14 TL", b"72 720 Td"]
        for line in lines:
            escaped = line.encode("latin-1").replace(b"(", b"\\(").replace(b")", b"\\)")
            ops.append(b"(" + escaped + b") Tj T*")
        ops.append(b"ET")
        stream = b"\n".join(ops)
        contents.append(add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)))
    pages_id = len(objects) + len(contents) + 1
    kids = [
        add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (pages_id, c, font)
        )
        for c in contents
    ]
    refs = b" ".join(b"%d 0 R" % k for k in kids)
    add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids)))
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    info = add(b"<< /Title (%s) >>" % title.encode("latin-1")) if title else 0
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    trailer += b" /Info %d 0 R >>" % info if info else b" >>"
    out += b"trailer\n%s\nstartxref\n%d\n%%%%EOF\n" % (trailer, xref)
    return bytes(out)


def test_pdf_text_in_order_with_hyphenation_joined_and_pages(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "briefing.pdf"
    path.write_bytes(
        make_pdf(
            [
                [
                    "Press briefing",
                    "",
                    "The ministers discussed the humani-",
                    "tarian situation and the Franco-",
                    "German proposal for a cease-",
                    "fire in the region.",
                ],
                ["Questions followed.", "The briefing ended at noon."],
            ],
            title="Briefing of 5 March",
        )
    )
    text, metadata, title = only(store, import_paths(store, [path]))
    assert text == (
        "Press briefing\n\n"
        "The ministers discussed the humanitarian situation and the Franco-German "
        "proposal for a ceasefire in the region.\n\n"
        "Questions followed. The briefing ended at noon."
    )
    assert title == "Briefing of 5 March"
    assert metadata["page_count"] == 2
    (s1, e1), (s2, e2) = metadata["pages"]
    assert text[s1:e1].startswith("Press briefing") and text[s2:e2] == (
        "Questions followed. The briefing ended at noon."
    )


def test_pdf_without_a_text_layer_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf([[]]))
    assert "OCR it first" in refused(import_paths(store, [path]), path)


def test_damaged_pdf_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    assert "PDF" in refused(import_paths(store, [path]), path)


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["humani-\n", "tarian aid\n"], "humanitarian aid"),
        (["Franco-\n", "German talks\n"], "Franco-German talks"),
        (["2024-\n", "2025 budget\n"], "2024-2025 budget"),
        (["peace -\n", "and more\n"], "peace - and more"),
        (["soft\u00ad\n", "ware\n"], "software"),
        (["  spaced   out \n", "\n", "line\n"], "spaced out line"),
    ],
)
def test_join_lines(lines: list[str], joined: str) -> None:
    assert join_lines(lines) == joined
