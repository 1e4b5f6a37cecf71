"""Decoding plain-text files: encodings, BOMs, line endings, binary and empty input."""

from __future__ import annotations

import codecs
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.domain.errors import FormatError
from annotator.formats.plaintext import DecodedText, decode_text, title_from_text

ENGLISH = (
    "On Jan. 10, Foreign Minister Ana Ribeiro spoke by phone with Mr. Daniel Okafor.\n"
    "Ms. Ribeiro said both sides should keep in close touch, and the U.S. side "
    "agreed to send a delegation.\n"
)
CHINESE = (
    "1月10日，外交部长王毅应约同法国外长通电话。\n"
    "王毅表示，中方愿同法方加强沟通，推动双边关系稳定发展。双方同意保持密切联系。\n"
)
FRENCH = "Le ministre a déclaré à Genève que la coopération était « essentielle ».\n"
CP1252_SHORT = "café — “quoted”"
CP1252_PROSE = (
    "The minister said the talks were “frank and useful” — and that Señor Peña’s "
    "proposal, worth €2 billion, will be studied.\n"
)
GERMAN = "Der Außenminister traf Frau Müller in Zürich.\n"
EMOJI = "Both sides welcomed the outcome 👍🏽 and raised the flag 🇺🇳 😀\n"


# -- encodings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "codec", "reported", "had_bom"),
    [
        (ENGLISH, "ascii", "utf-8", False),
        (ENGLISH + FRENCH + EMOJI + CHINESE, "utf-8", "utf-8", False),
        (ENGLISH + FRENCH + EMOJI + CHINESE, "utf-8-sig", "utf-8-sig", True),
        (ENGLISH + CHINESE + EMOJI, "utf-16", None, True),  # native order, with BOM
        (EMOJI + CHINESE, "utf-32", None, True),
        (CHINESE, "gbk", "gb18030", False),
        (CHINESE, "gb18030", "gb18030", False),
        (CP1252_SHORT, "cp1252", "cp1252", False),
        (CP1252_PROSE, "cp1252", "cp1252", False),
        (FRENCH, "cp1252", "cp1252", False),
        # Latin-1 is read as its superset windows-1252 (as the WHATWG standard does).
        (FRENCH, "latin-1", "cp1252", False),
        (GERMAN, "latin-1", "cp1252", False),
    ],
)
def test_round_trip(text: str, codec: str, reported: str | None, had_bom: bool) -> None:
    decoded = decode_text(text.encode(codec), name="doc.txt")
    assert decoded.text == text
    assert decoded.had_bom is had_bom
    if reported is not None:
        assert decoded.encoding == reported
    else:
        assert decoded.encoding.startswith(codec)


@pytest.mark.parametrize(
    ("bom", "codec", "reported"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    ],
)
def test_bom_wins_and_is_stripped(bom: bytes, codec: str, reported: str) -> None:
    text = ENGLISH + CHINESE + EMOJI
    decoded = decode_text(bom + text.encode(codec))
    assert decoded == DecodedText(text=text, encoding=reported, had_bom=True, newlines="lf")
    assert not decoded.text.startswith("\ufeff")


def test_only_one_bom_is_stripped_and_a_second_feff_is_kept() -> None:
    # U+FEFF after the first character is a zero-width no-break space: text, kept.
    text = "A\ufeffB sides agreed."
    assert decode_text(codecs.BOM_UTF8 + text.encode()).text == text


def test_leading_feff_inside_a_legacy_encoding_is_stripped() -> None:
    decoded = decode_text(("\ufeff" + CHINESE).encode("gb18030"))
    assert decoded.text == CHINESE
    assert decoded.had_bom
    assert decoded.encoding == "gb18030"


@pytest.mark.parametrize(
    "text",
    [
        "外交部发言人表示，中方欢迎各方为缓和局势所作努力。",
        "王毅说，双方应加强战略沟通。",
        "中方愿同俄方加强沟通。",
        "双方同意继续保持密切联系。第一，双方应维护彼此正当权益。",
        "王毅",
        "Foreign Minister Wang Yi (王毅) spoke with Mr. Lavrov on Jan. 10.",
        "The spokesperson (华春莹) said the U.S. side should stop.",
        "2021年8月16日，国务委员兼外长王毅同俄罗斯外长拉夫罗夫通电话。",
    ],
)
def test_short_gbk_chinese(text: str) -> None:
    decoded = decode_text(text.encode("gbk"))
    assert (decoded.text, decoded.encoding) == (text, "gb18030")


def test_gb18030_four_byte_characters() -> None:
    text = "王毅表示 😀 𠀀 双方应加强沟通。"
    decoded = decode_text(text.encode("gb18030"))
    assert (decoded.text, decoded.encoding) == (text, "gb18030")


@pytest.mark.parametrize(
    "text",
    [
        CP1252_SHORT,
        "He said “yes”.",
        "Price: 5 € per unit",
        "Naïve café résumé",
        "El canciller afirmó que España está dispuesta a dialogar.",
        "“We are ready,” said Señor Peña. Ambassador Çelik attended.",
        "Mr. Müller met Ms. Núñez in Genève on Jan. 10 — talks were “useful”.",
        "The €50 million fund — agreed on Jan. 10 — will be “reviewed” in 2025.",
        "A reunião em Brasília foi “produtiva”, disse o ministro.",
        "Søren’s visit to Genève went ahead.",
    ],
)
def test_short_cp1252_western(text: str) -> None:
    decoded = decode_text(text.encode("cp1252"))
    assert (decoded.text, decoded.encoding) == (text, "cp1252")


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("外交部長與俄羅斯外長通電話，雙方同意加強戰略溝通。", "big5"),
        ("Talks with 臺灣 officials went well.", "big5"),
        (
            "Minister spraw zagranicznych Polski powiedział, że współpraca z sąsiadami jest ważna.",
            "cp1250",
        ),
        ("Ministr zahraničí České republiky řekl, že spolupráce je důležitá.", "cp1250"),
        (
            "Dışişleri Bakanı, görüşmenin çok verimli geçtiğini söyledi. İki ülke "
            "işbirliğini güçlendirecek.",
            "cp1254",
        ),
        ("Ο υπουργός Εξωτερικών είχε τηλεφωνική επικοινωνία με τον ομόλογό του.", "cp1253"),
        ("أجرى وزير الخارجية اتصالا هاتفيا مع نظيره وبحثا العلاقات الثنائية.", "cp1256"),
        ("외교부 장관은 상대국 장관과 전화 통화를 하고 양국 협력을 논의했다.", "euc_kr"),
        ("外務大臣は電話会談を行い、両国の協力について意見交換した。", "shift_jis"),
    ],
)
def test_other_legacy_encodings_read_correctly(text: str, codec: str) -> None:
    # The text must come back; the reported name may be a superset (cp950, cp949 ...).
    assert decode_text(text.encode(codec)).text == text


def test_explicit_encoding_skips_detection() -> None:
    text = "Česká republika"  # too short to tell cp1250 from cp1252
    decoded = decode_text(text.encode("cp1250"), encoding="windows-1250")
    assert (decoded.text, decoded.encoding) == (text, "cp1250")


def test_explicit_encoding_errors_are_clear() -> None:
    with pytest.raises(FormatError, match=r"^a\.txt: unknown text encoding 'klingon'"):
        decode_text(b"abc", name="a.txt", encoding="klingon")
    with pytest.raises(FormatError, match=r"^a\.txt: is not valid utf-8 text"):
        decode_text(b"abc \xff", name="a.txt", encoding="utf-8")
    with pytest.raises(FormatError, match="not a text encoding"):
        decode_text(b"abc", name="a.txt", encoding="base64")


def test_invalid_data_after_a_bom_is_refused() -> None:
    with pytest.raises(FormatError, match=r"^x\.txt: starts with a UTF-16-LE byte-order mark"):
        decode_text(codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"\x00\xdc", name="x.txt")


def test_bomless_utf16_with_latin_text() -> None:
    text = ENGLISH + FRENCH
    for codec in ("utf-16-le", "utf-16-be"):
        decoded = decode_text(text.encode(codec))
        assert decoded == DecodedText(text=text, encoding=codec, had_bom=False, newlines="lf")


# -- line endings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "newlines"),
    [
        ("a\nb\n", "lf"),
        ("a\r\nb\r\n", "crlf"),
        ("a\rb\r", "cr"),
        ("a\r\nb\nc\rd", "mixed"),
        ("a\r\nb\n", "mixed"),
        ("one line, no newline", "none"),
        ("a\n\r\nb", "mixed"),
    ],
)
def test_line_endings_are_normalised_and_reported(raw: str, newlines: str) -> None:
    decoded = decode_text(raw.encode())
    assert decoded.newlines == newlines
    assert decoded.text == raw.replace("\r\n", "\n").replace("\r", "\n")
    assert "\r" not in decoded.text


def test_crlf_in_utf16_and_gbk() -> None:
    text = "王毅说，双方应加强沟通。\r\n第一，双方应保持联系。\r\n"
    for codec, reported in (("utf-16", None), ("gbk", "gb18030")):
        decoded = decode_text(text.encode(codec))
        assert decoded.text == text.replace("\r\n", "\n")
        assert decoded.newlines == "crlf"
        if reported:
            assert decoded.encoding == reported


def test_nothing_else_changes() -> None:
    # Tabs, trailing spaces, NBSP, decomposed accents, a form feed and U+2028 stay.
    text = "\tIndented\t \n  trailing   \nCafe\u0301 vs Caf\u00e9\u00a0\f\u2028end  "
    assert decode_text(text.encode()).text == text


# -- binary and empty ---------------------------------------------------------------------


PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def test_png_is_binary() -> None:
    data = PNG_HEADER + random.Random(1).randbytes(4096)
    with pytest.raises(FormatError, match=r"^image\.png: looks like a binary file, not text"):
        decode_text(data, name="image.png")


def test_nul_bytes_are_binary() -> None:
    with pytest.raises(FormatError, match=r"^a\.bin: looks like a binary file.*NUL"):
        decode_text(b"The minister said\x00\x00 hello\x00 world", name="a.bin")


def test_random_bytes_without_nul_are_refused() -> None:
    rng = random.Random(7)
    data = bytes(b for b in rng.randbytes(8192) if b)
    with pytest.raises(FormatError, match=r"^r\.dat: looks like a binary file"):
        decode_text(data, name="r.dat")


def test_many_control_characters_are_binary() -> None:
    data = b"abc\x01\x02\x03def\x1b\x1bghi\x7f" * 10
    with pytest.raises(FormatError, match=r"% of its bytes are control characters"):
        decode_text(data, name="ctl.txt")


def test_a_few_stray_controls_are_tolerated_and_kept() -> None:
    text = "The readout\x1b ends here.\n" + ENGLISH * 5
    assert decode_text(text.encode()).text == text


def test_utf16_with_nul_characters_is_binary() -> None:
    data = codecs.BOM_UTF16_LE + "abc\x00def".encode("utf-16-le")
    with pytest.raises(FormatError, match="binary"):
        decode_text(data, name="u.txt")


def test_c1_controls_in_utf8_are_binary() -> None:
    with pytest.raises(FormatError, match="of its characters are control characters"):
        decode_text(("ab\u0085\u0090\u009f" * 50).encode(), name="c1.txt")


def test_empty() -> None:
    with pytest.raises(FormatError, match=r"^empty\.txt: the file is empty$"):
        decode_text(b"", name="empty.txt")
    with pytest.raises(FormatError, match=r"^bom\.txt: the file is empty$"):
        decode_text(codecs.BOM_UTF8, name="bom.txt")


@pytest.mark.parametrize(
    "data",
    [
        b"   ",
        b"\n\n\r\n\t ",
        " \u3000\u00a0\n".encode(),
        codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"),
    ],
)
def test_whitespace_only_is_empty(data: bytes) -> None:
    with pytest.raises(FormatError, match=r"^ws\.txt: the file is empty"):
        decode_text(data, name="ws.txt")


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(128, 256)) * 4,
        bytes(range(128, 256)) * 4 + bytes(range(1, 32)),
        bytes(range(1, 32)) + bytes(range(128, 256)) * 4 + b"\x07\x08",
    ],
)
def test_no_plausible_encoding(data: bytes) -> None:
    with pytest.raises(FormatError, match=r"^junk\.txt: ") as info:
        decode_text(data, name="junk.txt")
    message = str(info.value)
    assert "cannot tell the text encoding" in message or "binary" in message


def test_high_bytes_with_no_encoding_say_so() -> None:
    with pytest.raises(FormatError, match=r"^junk\.txt: cannot tell the text encoding"):
        decode_text(bytes(range(128, 256)) * 4, name="junk.txt")


def test_default_name_in_messages() -> None:
    with pytest.raises(FormatError, match=r"^<input>: the file is empty"):
        decode_text(b"")


# -- size -----------------------------------------------------------------------------


def test_twenty_megabyte_single_line() -> None:
    unit = "The minister said — café, 王毅, 😀 — both sides will cooperate. "
    text = unit * (20_000_000 // len(unit.encode()))
    decoded = decode_text(text.encode())
    assert decoded.text == text
    assert (decoded.encoding, decoded.newlines) == ("utf-8", "none")


def test_large_crlf_cp1252_file() -> None:
    line = "Le ministre a déclaré : « Nous sommes prêts » — Mr. Smith’s visit.\r\n"
    decoded = decode_text((line * 20_000).encode("cp1252"))
    assert decoded.encoding == "cp1252"
    assert decoded.newlines == "crlf"
    assert decoded.text == line.replace("\r\n", "\n") * 20_000


# -- property -------------------------------------------------------------------------

TEXT_CHARS = st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\n\t")


@settings(max_examples=300, deadline=None)
@given(st.text(TEXT_CHARS, min_size=1))
def test_any_utf8_text_comes_back_unchanged(text: str) -> None:
    if not text.strip() or text.startswith("\ufeff"):
        return
    decoded = decode_text(text.encode("utf-8"))
    assert decoded.text == text
    assert decoded.encoding == "utf-8"
    assert not decoded.had_bom
    assert decoded.newlines == ("lf" if "\n" in text else "none")


# -- titles ---------------------------------------------------------------------------


def test_title_is_first_non_empty_line_stripped() -> None:
    assert title_from_text("\n  \n\t Wang Yi Speaks with Lavrov  \nbody", "x.txt") == (
        "Wang Yi Speaks with Lavrov"
    )


def test_title_is_cut_to_120_characters() -> None:
    title = title_from_text("word " * 100, "x.txt")
    assert len(title) <= 120
    assert title.endswith("…")
    assert title.startswith("word word")
    exact = "a" * 120
    assert title_from_text(exact, "x") == exact
    assert len(title_from_text("b" * 121, "x")) == 120


def test_title_fallback() -> None:
    assert title_from_text("", "notes.txt") == "notes.txt"
    assert title_from_text(" \n\t\n ", "notes.txt") == "notes.txt"


def test_title_of_non_latin_text() -> None:
    assert title_from_text("王毅同拉夫罗夫通电话\n正文", "x") == "王毅同拉夫罗夫通电话"


# -- the sample documents shipped in resources/samples ------------------------------

SAMPLES = sorted((Path(__file__).parents[2] / "resources" / "samples").glob("*.txt"))


def test_there_are_sample_documents() -> None:
    assert len(SAMPLES) >= 3


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_documents_are_clean_utf8(path: Path) -> None:
    decoded = decode_text(path.read_bytes(), name=path.name)
    assert (decoded.encoding, decoded.had_bom, decoded.newlines) == ("utf-8", False, "lf")
    assert 150 <= len(decoded.text.split()) <= 400
    assert not decoded.text.isascii()  # non-Latin names, typographic marks
    title = title_from_text(decoded.text, path.name)
    assert title == decoded.text.split("\n", 1)[0]
    assert re.search(r"\b(Mr|Ms)\. ", decoded.text)
