"""Plain-text documents: decide a file's text once, at import.

``decode_text`` turns the bytes of a file into the canonical document text:

1. A byte-order mark wins (UTF-32 LE/BE, UTF-8, UTF-16 LE/BE) and is stripped.
2. Otherwise the bytes are refused as binary when they contain NUL bytes (unless
   they have the unmistakable shape of BOM-less UTF-16 text) or when more than
   :data:`CONTROL_SHARE_LIMIT` of them are control characters other than tab,
   line feed, carriage return and form feed.
3. Strict UTF-8 is tried first (plain ASCII is reported as ``"utf-8"``).
4. Otherwise charset-normalizer lists the readings that decode cleanly (its
   "chaos" ratio at most :data:`MAX_CHAOS`) and one is chosen, in this order:

   a. a CJK reading (GBK/GB18030, Big5, Shift-JIS, EUC-KR) made almost only of
      common characters: Western text read that way lands on rare characters;
   b. windows-1252, when it reads the bytes as Western European text. On short
      texts charset-normalizer often names a neighbouring code page instead
      (cp1250 for Spanish turns "España" into "Espańa"); windows-1252 is kept
      out when its reading shows the marks of Central European, Turkish or CJK
      text. Latin-1 files are reported as ``"cp1252"``: the two agree on every
      printable Latin-1 character (the WHATWG encoding standard does the same);
   c. charset-normalizer's best guess (among equally clean CJK readings: the
      most common characters, then Chinese before Japanese before Korean).

   Otherwise the file is refused: its encoding cannot be told.
5. A leading U+FEFF left after decoding is stripped, and line endings are
   normalised to ``"\\n"`` (``"\\r\\n"`` and a lone ``"\\r"``); what the original
   used is recorded in :attr:`DecodedText.newlines`.

Nothing else about the text changes: no Unicode normalisation, tabs and trailing
whitespace are kept. Offsets into the result are the offsets the project stores.

A guess is a guess: a few words of Central European, Cyrillic or Hebrew text in
a legacy code page may be misread. ``decode_text(data, encoding=...)`` skips the
guessing for a file whose encoding the user knows.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import unicodedata
from dataclasses import dataclass

from charset_normalizer import CharsetMatch, CharsetMatches, from_bytes

from annotator.domain.errors import FormatError

__all__ = [
    "CONTROL_SHARE_LIMIT",
    "MAX_CHAOS",
    "TITLE_MAX_CHARS",
    "DecodedText",
    "decode_text",
    "title_from_text",
]

#: Refuse a file as binary when more than this share of its characters are
#: control characters (other than tab, LF, CR and FF). Text files hold almost
#: none (a stray ESC or vertical tab); binary data holds ~10 % or more.
CONTROL_SHARE_LIMIT = 0.05

#: The highest charset-normalizer "chaos" ratio (0 = clean, 1 = garbage) accepted
#: for a guessed encoding. Correct guesses on real text score 0.0 or close to it.
MAX_CHAOS = 0.1

TITLE_MAX_CHARS = 120

# CJK readings this close to the best one count as equally clean.
_CJK_CHAOS_SLACK = 0.01
_CJK_SAMPLE_CHARS = 200_000
# A CJK reading with at least this share of common characters beats windows-1252.
_CJK_STRONG_SHARE = 0.9
_CJK_FAMILY_ORDER = ("zh-hans", "zh-hant", "ja", "ko")

# Codec names (as codecs.lookup spells them) of the CJK multi-byte families.
_CJK_FAMILIES = {
    **dict.fromkeys(("gb18030", "gbk", "gb2312", "hz"), "zh-hans"),
    **dict.fromkeys(("big5", "big5hkscs", "cp950"), "zh-hant"),
    **dict.fromkeys(
        (
            "cp932",
            "shift_jis",
            "shift_jis_2004",
            "shift_jisx0213",
            "euc_jp",
            "euc_jis_2004",
            "euc_jisx0213",
        ),
        "ja",
    ),
    **dict.fromkeys(("cp949", "euc_kr", "johab"), "ko"),
}

# Per family: a codec and the two-byte code ranges of its common characters
# (punctuation and symbols, then the frequent ideographs or syllables).
_CJK_COMMON: dict[str, tuple[str, tuple[tuple[int, int], ...]]] = {
    "zh-hans": ("gb2312", ((0xA1A1, 0xA9FE), (0xB0A1, 0xD7F9))),  # GB2312 level 1
    "zh-hant": ("big5", ((0xA140, 0xA3BF), (0xA440, 0xC67E))),  # Big5 level 1
    "ja": ("shift_jis", ((0x8140, 0x84BE), (0x889F, 0x9872))),  # JIS X 0208 level 1
    "ko": ("euc_kr", ((0xA1A1, 0xACFE), (0xB0A1, 0xC8FE))),  # KS X 1001 Hangul
}

# (BOM bytes, codec that strips it, reported name). UTF-32 LE must come before
# UTF-16 LE: its BOM starts with the UTF-16 LE BOM.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)

# Control bytes that do not occur in text (NUL is handled on its own).
_ALLOWED_CONTROL_BYTES = b"\t\n\f\r"
_CONTROL_BYTES = bytes(b for b in [*range(0x20), 0x7F] if b not in _ALLOWED_CONTROL_BYTES)
_NON_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)

# The same for decoded text, plus the C1 controls.
_CONTROL_CHARS_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")

# A GB18030 four-byte character (emoji, rare ideographs); Western text read as
# windows-1252 never has this shape ("•2‚6").
_GB18030_FOUR_BYTES = re.compile(rb"[\x81-\xfe][\x30-\x39][\x81-\xfe][\x30-\x39]")

# Non-letter characters a windows-1252 reading of real text may contain.
_CP1252_SYMBOLS = frozenset(
    "\u00a0\u00ad“”‘’‚„–—…•·«»‹›€£¥¢©®™°±×÷§¶†‡‰¡¿"  # typographic marks, currency, signs
)

# A windows-1252 reading that holds these letters together is Central European
# or Turkish text misread (cp1250 "ř č ě ů" read as "ø è ì ù", cp1250 "ő ű" as
# "õ û"). Each row: marker letters, companions, how many companions it takes.
# Any "þ" or "ð" (cp1254 "ş ğ") also disqualifies it: Icelandic is rare enough
# to leave to charset-normalizer.
_MISREAD_SIGNS: tuple[tuple[frozenset[str], frozenset[str], int], ...] = (
    (frozenset("ø"), frozenset("èìùò"), 2),  # Czech ("Søren ... in Genève" is fine)
    (frozenset("õ"), frozenset("öû"), 1),  # Hungarian
)
# Three or more accented letters in a row: CJK double-byte text read as
# windows-1252 ("王毅" in GBK reads "ÍõÒã"); Western words hold at most two.
_ACCENTED_RUN = re.compile("[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ffŒœŠšŽžŸ]{3,}")


@dataclass(frozen=True)
class DecodedText:
    """The canonical text of a file and how it was stored on disk.

    ``newlines`` describes the original file, before normalisation: ``"lf"``,
    ``"crlf"``, ``"cr"``, ``"mixed"`` or ``"none"`` (a single line).
    """

    text: str
    encoding: str
    had_bom: bool
    newlines: str


def decode_text(data: bytes, *, name: str = "<input>", encoding: str | None = None) -> DecodedText:
    """Decode a text file's bytes into normalised text, or raise :class:`FormatError`.

    ``name`` (usually the file name) starts every error message. ``encoding``, when
    given, is used as it is (strictly) instead of detecting one.
    """
    if not isinstance(data, bytes):
        data = bytes(data)
    if not data:
        raise FormatError(f"{name}: the file is empty")

    had_bom = False
    if encoding is not None:
        text, reported = _decode_as(data, encoding, name)
    elif bom := next((row for row in _BOMS if data.startswith(row[0])), None):
        text, reported, had_bom = _decode_strict(data, bom, name), bom[2], True
    elif b"\x00" in data:
        text, reported = _decode_bomless_utf16(data, name)
    else:
        _refuse_binary_bytes(data, name)  # before guessing an encoding for it
        text, reported = _decode_ascii_compatible(data, name)
    _refuse_binary_text(text, name)

    if text.startswith("\ufeff"):
        text = text[1:]
        had_bom = True
    if not text.strip():
        detail = " (it holds only whitespace)" if text else ""
        raise FormatError(f"{name}: the file is empty{detail}")

    newlines = _newline_style(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return DecodedText(text=text, encoding=reported, had_bom=had_bom, newlines=newlines)


def title_from_text(text: str, fallback: str) -> str:
    """The first non-empty line, stripped and cut to 120 characters, else ``fallback``."""
    for match in re.finditer(r"[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+", text):
        line = match.group().strip().lstrip("\ufeff").strip()
        if line:
            if len(line) > TITLE_MAX_CHARS:
                line = line[: TITLE_MAX_CHARS - 1].rstrip() + "…"
            return line
    return fallback


# -- helpers -----------------------------------------------------------------------


def _decode_strict(data: bytes, bom: tuple[bytes, str, str], name: str) -> str:
    mark, codec, _ = bom
    try:
        return data[len(mark) :].decode(codec)
    except UnicodeDecodeError as exc:
        label = codec.upper()
        raise FormatError(
            f"{name}: starts with a {label} byte-order mark but is not valid {label} "
            f"({exc.reason} at byte {exc.start + len(mark)})"
        ) from None


def _decode_as(data: bytes, encoding: str, name: str) -> tuple[str, str]:
    try:
        canonical = codecs.lookup(encoding).name
    except LookupError:
        raise FormatError(f"{name}: unknown text encoding {encoding!r}") from None
    try:
        return data.decode(canonical), canonical
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"{name}: is not valid {canonical} text ({exc.reason} at byte {exc.start})"
        ) from None
    except (LookupError, TypeError):  # a codec that does not decode bytes to str
        raise FormatError(f"{name}: {encoding!r} is not a text encoding") from None


def _refuse_binary_bytes(data: bytes, name: str) -> None:
    """Refuse NUL-free bytes of an ASCII-compatible encoding that hold many controls.

    In every ASCII-compatible encoding (UTF-8, GB18030, Big5, Shift-JIS, the
    code pages ...) a byte below 0x20 is always the control character itself.
    """
    controls = len(data.translate(None, _NON_CONTROL_BYTES))
    if controls > CONTROL_SHARE_LIMIT * len(data):
        raise FormatError(
            f"{name}: looks like a binary file, not text "
            f"({controls / len(data):.0%} of its bytes are control characters)"
        )


def _refuse_binary_text(text: str, name: str) -> None:
    """Refuse decoded text holding NUL or many other control characters (C0, DEL, C1)."""
    if "\x00" in text:
        raise FormatError(
            f"{name}: looks like a binary file, not text (it contains NUL characters)"
        )
    controls = len(_CONTROL_CHARS_RE.findall(text))
    if text and controls > CONTROL_SHARE_LIMIT * len(text):
        raise FormatError(
            f"{name}: looks like a binary file, not text "
            f"({controls / len(text):.0%} of its characters are control characters)"
        )


def _decode_bomless_utf16(data: bytes, name: str) -> tuple[str, str]:
    """Accept NUL bytes only in the pattern of UTF-16 text without a BOM.

    Text in a Latin script stored as UTF-16 has a zero high byte in (nearly) every
    code unit, so at least half of the bytes on one side are NUL and (almost) none
    on the other. Binary data does not look like that.
    """
    binary = FormatError(
        f"{name}: looks like a binary file, not text (it contains NUL bytes; "
        "if it is UTF-16 or UTF-32 text, save it as UTF-8 and import it again)"
    )
    half = len(data) // 2
    if len(data) % 2 or half < 2:
        raise binary
    even_nuls = data[0::2].count(0) / half
    odd_nuls = data[1::2].count(0) / half
    if odd_nuls >= 0.5 and even_nuls <= 0.01:
        codec = "utf-16-le"
    elif even_nuls >= 0.5 and odd_nuls <= 0.01:
        codec = "utf-16-be"
    else:
        raise binary
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError:
        raise binary from None


def _decode_ascii_compatible(data: bytes, name: str) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass

    # BOM-less UTF-16/32 is handled above (it holds NUL bytes); a guess of it here
    # is CJK text misread.
    matches = from_bytes(data, cp_exclusion=["utf_16", "utf_16_le", "utf_16_be", "utf_32"])
    best = matches.best()
    chosen = _choose_reading(data, matches, best)
    if chosen is None:
        raise FormatError(
            f"{name}: cannot tell the text encoding (it is not UTF-8 and no other encoding "
            "reads it cleanly); save it as UTF-8 and import it again"
        )
    return chosen


def _choose_reading(
    data: bytes, matches: CharsetMatches, best: CharsetMatch | None
) -> tuple[str, str] | None:
    """Pick the reading of non-UTF-8 bytes among charset-normalizer's guesses.

    1. A CJK reading made (almost) only of common characters: Western text read
       as GBK or Big5 lands on rare characters or does not decode at all.
    2. windows-1252, when the best guess reads the bytes the same way, or when
       windows-1252 reads them cleanly as Western European text.
    3. charset-normalizer's best guess (among equally clean CJK readings, the
       most common characters, then Chinese before Japanese before Korean).
    """
    cjk = _best_cjk_reading(matches)
    if cjk is not None:
        match, share, distinct = cjk
        if match.chaos <= MAX_CHAOS and share >= _CJK_STRONG_SHARE and distinct >= 2:
            with contextlib.suppress(UnicodeDecodeError, LookupError):
                return data.decode(match.encoding), codecs.lookup(match.encoding).name

    cp1252 = next((m for m in matches if _is_cp1252(m)), None)
    if cp1252 is None:  # charset-normalizer may stop before it tries windows-1252
        cp1252 = from_bytes(data, cp_isolation=["cp1252"]).best()
    if cp1252 is not None and _is_cp1252(cp1252) and cp1252.chaos <= MAX_CHAOS:
        with contextlib.suppress(UnicodeDecodeError):
            text = data.decode("cp1252")
            if (best is not None and _is_cp1252(best)) or (
                _looks_western(text) and not _GB18030_FOUR_BYTES.search(data)
            ):
                return text, "cp1252"

    if best is None or best.chaos > MAX_CHAOS:
        return None
    if cjk is not None and _cjk_family(best.encoding) is not None:
        best = cjk[0]
    try:
        return data.decode(best.encoding), codecs.lookup(best.encoding).name
    except (UnicodeDecodeError, LookupError):
        return None


def _is_cp1252(match: CharsetMatch) -> bool:
    return match.encoding == "cp1252" or "cp1252" in match.could_be_from_charset


def _looks_western(text: str) -> bool:
    """True when ``text`` (a windows-1252 reading) reads as Western European text.

    Every non-ASCII character must be a letter or a common typographic sign, and
    the letters must not show the marks of a Central European or Turkish text
    read with the wrong code page. Letters of several Western languages may mix
    (an English text naming Mr. Müller, Ms. Núñez and Genève).
    """
    letters: set[str] = set()
    for char in set(text):
        if char.isascii() or char in _CP1252_SYMBOLS:
            continue
        if not unicodedata.category(char).startswith("L"):
            return False
        letters.add(char.lower())
    if letters & {"ð", "þ"} or _ACCENTED_RUN.search(text):
        return False
    return not any(
        letters & marker and len(letters & companions) >= need
        for marker, companions, need in _MISREAD_SIGNS
    )


def _best_cjk_reading(matches: CharsetMatches) -> tuple[CharsetMatch, float, int] | None:
    """The cleanest CJK reading, with its share of common characters.

    On a few characters charset-normalizer cannot tell GBK from Big5, Shift-JIS
    or EUC-KR: each reading is "clean". The right one is made of common
    characters (GB2312 level 1, Big5 level 1, JIS X 0208 level 1, KS X 1001
    Hangul); a misreading lands mostly on rare ones. Among equally clean
    readings the highest share wins, then Chinese (simplified, traditional)
    before Japanese before Korean: the documents this program is for are far
    more often Chinese.
    """
    cjk = [m for m in matches if _cjk_family(m.encoding) is not None]
    if not cjk:
        return None
    cleanest = min(m.chaos for m in cjk)
    scored = []
    for index, match in enumerate(cjk):
        if match.chaos > cleanest + _CJK_CHAOS_SLACK:
            continue
        family = _cjk_family(match.encoding) or ""
        share, distinct = _common_share(str(match), family)
        scored.append((-share, _CJK_FAMILY_ORDER.index(family), index, match, share, distinct))
    _, _, _, match, share, distinct = min(scored, key=lambda row: row[:3])
    return match, share, distinct


def _cjk_family(encoding: str) -> str | None:
    try:
        canonical = codecs.lookup(encoding).name
    except LookupError:
        return None
    return _CJK_FAMILIES.get(canonical)


def _common_share(text: str, family: str) -> tuple[float, int]:
    """The share of common characters among the distinct non-ASCII ones, and their count."""
    chars = {char for char in text[:_CJK_SAMPLE_CHARS] if not char.isascii()}
    if not chars:
        return 0.0, 0
    return sum(_is_common_cjk(char, family) for char in chars) / len(chars), len(chars)


def _is_common_cjk(char: str, family: str) -> bool:
    codec, ranges = _CJK_COMMON[family]
    try:
        encoded = char.encode(codec)
    except UnicodeEncodeError:
        return False
    if len(encoded) != 2:
        return False
    code = int.from_bytes(encoded, "big")
    return any(low <= code <= high for low, high in ranges)


def _newline_style(text: str) -> str:
    crlf = text.count("\r\n")
    lone_cr = text.count("\r") - crlf
    lone_lf = text.count("\n") - crlf
    kinds = [kind for kind, n in (("crlf", crlf), ("cr", lone_cr), ("lf", lone_lf)) if n]
    if not kinds:
        return "none"
    return kinds[0] if len(kinds) == 1 else "mixed"
