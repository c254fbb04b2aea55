"""Page bytes -> clean NFC text: charset choice, mojibake repair, legacy fonts, NFC.

:func:`decode_html` picks the charset in this order: HTTP header, BOM (a BOM that
contradicts the header wins, as in browsers), UTF-16 without a BOM (a NUL in every other
byte: no label is readable before; the bytes tell LE from BE), ``<meta charset>`` /
``http-equiv`` / XML declaration in the first 4 KB, detection, UTF-8 with replacement. A declared
charset that does not fit the bytes is skipped for the next candidate; nothing raises.
Then :func:`repair_text`'s steps run on the whole page (without its whitespace clean-up).

Detection tries, in order: valid UTF-8; "mostly UTF-8" (a UTF-8 page with a few
invalid bytes: cp1258/cp1252 runs are decoded as cp1258, broken sequences become
U+FFFD); a Vietnamese score (share of words that are Vietnamese syllables) over
windows-1258, windows-1252 + legacy font conversion, and VISCII; charset-normalizer.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

import ftfy
from charset_normalizer import from_bytes
from ftfy.badness import is_bad

from micnews.cleaners import vnfonts
from micnews.cleaners.bytescan import CharScan, utf8_of


@dataclass(frozen=True)
class Decoded:
    """A decoded page and how it was decoded."""

    html: str  # the page as text, NFC, mojibake repaired, legacy fonts converted
    encoding: str  # codec actually used, e.g. "utf-8", "cp1258"
    source: str  # where the charset came from: header | bom | meta | detected | fallback
    repairs: tuple[str, ...] = ()  # e.g. ("ftfy", "tcvn3", "nfc")
    # ``html`` in UTF-8 when it is at hand for free (the page's own bytes, read as UTF-8
    # with nothing repaired): the parser reads bytes faster than a str
    utf8: bytes | None = field(default=None, repr=False, compare=False)


# ftfy limited to encoding problems: the source's typography (curly quotes, dashes,
# ellipses, ligatures, full-width forms, line breaks, HTML entities) stays as written.
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)

# --- charset labels ----------------------------------------------------------------------

TCVN5712 = "tcvn5712-1"
VISCII = "viscii"
_CUSTOM = {TCVN5712: vnfonts.decode_tcvn5712, VISCII: vnfonts.decode_viscii}
_ALIASES = {
    # browsers read these as windows-1252 (WHATWG); so do we
    **dict.fromkeys(
        ("iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "ascii",
         "us-ascii", "ansi_x3.4-1968", "windows-1252", "cp1252", "x-cp1252"),
        "cp1252",
    ),
    **dict.fromkeys(("windows-1258", "cp1258", "x-cp1258"), "cp1258"),
    **dict.fromkeys(
        ("tcvn", "tcvn3", "tcvn-3", "tcvn-5712", "tcvn5712", "tcvn5712-1", "tcvn5712-1:1993",
         "tcvn-5712-1", "x-viet-tcvn", "x-viet-tcvn5712", "vn3"),
        TCVN5712,
    ),
    **dict.fromkeys(("viscii", "csviscii", "x-viet-viscii", "viscii1.1-1"), VISCII),
    # a meta tag cannot truly declare UTF-16 in an ASCII-compatible document (HTML spec)
    **dict.fromkeys(("utf-16", "utf-16le", "utf-16be", "utf8", "unicode-1-1-utf-8"), "utf-8"),
}  # fmt: skip


def _codec(label: str | None) -> str | None:
    """Canonical codec name for a charset label, None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _ALIASES:
        return _ALIASES[label]
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


_HEADER_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?\s*([^\"';,\s]+)", re.IGNORECASE)
_META_CHARSET_RE = re.compile(
    rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)"
    rb"|<\?xml\b[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9_.:\-]+)",
    re.IGNORECASE,
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: same first two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


# UTF-16 without a BOM: HTML markup is ASCII, so one byte of most code units is NUL (the
# high byte: first in big-endian, second in little-endian); other encodings have no NULs.
_UTF16_SAMPLE = 4096
_UTF16_MIN_NUL_SHARE = 0.4  # of the high-byte positions (Vietnamese letters: 0x00/0x01/0x1e)


def utf16_without_bom(body: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when ``body`` is UTF-16 without a BOM, else None."""
    head = body[:_UTF16_SAMPLE]
    if len(head) < 16 or b"\x00" not in head:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    if odd >= _UTF16_MIN_NUL_SHARE * half and even * 10 <= odd:
        return "utf-16-le"
    if even >= _UTF16_MIN_NUL_SHARE * half and odd * 10 <= even:
        return "utf-16-be"
    return None


def utf16_of(body: bytes) -> str | None:
    """The UTF-16 codec ``body`` is in (with or without a BOM), None for other encodings."""
    by_bom = next((codec for bom, codec in _BOMS if body.startswith(bom)), None)
    if by_bom is not None:
        return by_bom if by_bom.startswith("utf-16") else None
    return utf16_without_bom(body)


def _header_charset(content_type: str | None) -> str | None:
    m = _HEADER_CHARSET_RE.search(content_type or "")
    return m.group(1) if m else None


def _meta_charset(body: bytes) -> str | None:
    m = _META_CHARSET_RE.search(body[:4096])
    if not m:
        return None
    return (m.group(1) or m.group(2)).decode("ascii")


# --- UTF-8 with stray bytes ----------------------------------------------------------------

_SURROGATES_RE = re.compile("[\udc80-\udcff]+")
_NON_ASCII_RE = re.compile("[^\x00-\x7f\udc80-\udcff]")
# Latin letters, combining marks, punctuation and symbols of Latin-script pages
_LATINISH_RE = re.compile("[\u0080-\u036f\u1e00-\u1eff\u2000-\u20cf\u2100-\u22ff\u25a0-\u27bf]")


def _looks_truncated_utf8(raw: bytes) -> bool:
    """A lead byte followed only by continuation bytes: a cut-off UTF-8 sequence."""
    return len(raw) >= 2 and 0xC2 <= raw[0] <= 0xF4 and all(0x80 <= b <= 0xBF for b in raw[1:])


def _stray_bytes(m: re.Match[str]) -> str:
    """Decode one run of invalid bytes in a UTF-8 page: cp1258 text if it is, else U+FFFD."""
    raw = bytes(ord(c) - 0xDC00 for c in m.group(0))
    if _looks_truncated_utf8(raw) or 0xFF in raw:
        return "\ufffd"
    try:
        text = raw.decode("cp1258")
    except UnicodeDecodeError:
        return "\ufffd"
    if all(unicodedata.category(c)[0] in "LMPSZ" for c in text):
        return text
    return "\ufffd"


def _utf8_lenient(body: bytes) -> tuple[str | None, tuple[str, ...]]:
    """Decode UTF-8, repairing stray bytes; (None, ()) when the bytes are not mostly UTF-8.

    Other encodings seldom form valid UTF-8 multi-byte sequences, and the few they form
    decode to odd scripts; the stray bytes of a mostly-UTF-8 Latin-script page are
    cp1258/cp1252 letters and punctuation.
    """
    try:
        return body.decode("utf-8"), ()
    except UnicodeDecodeError:
        pass
    text = body.decode("utf-8", "surrogateescape")
    bad = len(_SURROGATES_RE.findall(text))
    valid = _NON_ASCII_RE.findall(text)
    # stray bytes get the cp1258 repair, which only makes sense in a Latin-script page
    if len(valid) < max(2, bad // 3):
        return None, ()
    weird = sum(not _LATINISH_RE.match(c) for c in valid)
    if weird * 10 > len(valid):
        return None, ()
    fixed = _SURROGATES_RE.sub(_stray_bytes, text)
    replaced = fixed.count("\ufffd") - text.count("\ufffd")
    if replaced > max(2, bad // 5):
        return None, ()
    repairs = []
    if replaced < bad:
        repairs.append("mixed-cp1258")
    if replaced:
        repairs.append("utf8-replace")
    return fixed, tuple(repairs)


def _is_valid_utf8_non_ascii(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --- single-byte Vietnamese detection ------------------------------------------------------

_VN_CANDIDATES = ("cp1258", "cp1252", VISCII)
# What charset-normalizer may answer: on short pages it otherwise picks exotic code pages
# (mac-iceland, cp1006...) that no Vietnamese or Western site uses.
_PLAUSIBLE = (
    "utf_8", "cp1252", "cp1258", "cp1250", "cp1251", "iso8859_2", "iso8859_15", "koi8_r",
    "gb18030", "big5", "shift_jis", "euc_jp", "euc_kr", "utf_16", "utf_32",
)  # fmt: skip


def _vn_score(text: str) -> tuple[float, int]:
    """(share of non-ASCII words that are Vietnamese syllables, number of such words)."""
    words = [w for w in vnfonts._WORD_RE.findall(text) if len(w) >= 2 and not w.isascii()]
    if not words:
        return 0.0, 0
    ok = sum(vnfonts.is_vietnamese_syllable(w) for w in words)
    return ok / len(words), len(words)


def _decode_strict(body: bytes, codec: str) -> str | None:
    """Decode with ``codec``, None if the bytes do not fit it.

    windows-1252 is decoded as browsers do (WHATWG): its five undefined bytes become
    the C1 controls of the same value instead of failing.
    """
    if codec in _CUSTOM:
        return _CUSTOM[codec](body)
    try:
        return body.decode(codec)
    except UnicodeDecodeError:
        if codec != "cp1252":
            return None
    except LookupError:
        return None
    text = body.decode("cp1252", "surrogateescape")
    return _SURROGATES_RE.sub(lambda m: "".join(chr(ord(c) - 0xDC00) for c in m.group(0)), text)


def _vn_scores(body: bytes, candidates: tuple[str, ...]) -> dict[str, tuple[float, int]]:
    # score a sample: the first 64 KB of lines that hold non-ASCII bytes
    sample = b"\n".join(line for line in body.splitlines() if not line.isascii())[:65536]
    scores = {}
    for codec in candidates:
        text = _decode_strict(sample, codec)
        if text is None:
            continue
        text = unicodedata.normalize("NFC", text)
        if codec == "cp1252":
            text = vnfonts.fix_legacy_fonts(text)
        scores[codec] = _vn_score(text)
    return scores


def _detect_vietnamese(body: bytes) -> str | None:
    """The single-byte Vietnamese charset these bytes are clearly in, if any."""
    scores = _vn_scores(body, _VN_CANDIDATES)
    if not scores:
        return None
    best = max(scores, key=lambda c: scores[c][0])  # ties: first in _VN_CANDIDATES
    share, n = scores[best]
    return best if n >= 3 and share >= 0.6 else None


# cp1258 writes tones as these combining-mark bytes; in cp1252 they are Ì Ò Þ ì ò
_CP1258_TONE_BYTES = re.compile(rb"[\xcc\xd2\xde\xec\xf2]")


def _better_than_cp1252(body: bytes) -> str | None:
    """A page declared windows-1252/latin-1 that is really windows-1258 or VISCII."""
    if not _CP1258_TONE_BYTES.search(body) and not re.search(rb"[\x80-\x9f]", body):
        return None
    scores = _vn_scores(body, _VN_CANDIDATES)
    base = scores.get("cp1252", (0.0, 0))[0]
    for codec in ("cp1258", VISCII):
        share, n = scores.get(codec, (0.0, 0))
        if n >= 3 and share >= 0.6 and share >= base + 0.2:
            return codec
    return None


def _detect(body: bytes) -> tuple[str, str, tuple[str, ...]] | None:
    """(text, codec, repairs) found without a usable declaration, None if nothing fits."""
    if body.isascii():
        return body.decode("ascii"), "utf-8", ()
    text, repairs = _utf8_lenient(body)
    if text is not None:
        return text, "utf-8", repairs
    codec = _detect_vietnamese(body)
    if codec:
        return _decode_strict(body, codec) or "", codec, ()
    try:
        best = from_bytes(body, cp_isolation=list(_PLAUSIBLE)).best()
    except Exception:  # detection is best effort; never let it break decoding
        best = None
    if best is not None and best.encoding:
        return str(best), _codec(best.encoding) or best.encoding, ()
    return None


# --- repairs ------------------------------------------------------------------------------

_ETH_WORD_RE = re.compile(
    "[A-Za-z\u00c0-\u024f\u1e00-\u1eff]*[ðÐ][A-Za-z\u00c0-\u024f\u1e00-\u1eff]*"
)


def _fix_eth(m: re.Match[str]) -> str:
    """ð/Ð (Icelandic eth) for đ/Đ, a cp1252-for-cp1258 confusion: fix Vietnamese words."""
    word = m.group(0)
    fixed = word.replace("ð", "đ").replace("Ð", "Đ")
    return fixed if vnfonts.is_vietnamese_syllable(fixed) else word


# UTF-8 read as cp1252/latin-1: a lead byte (Â..ô) followed by a continuation byte
# (0x80-0xBF as latin-1, C1 control or cp1252 punctuation). Cheap pre-check before ftfy.
_MOJIBAKE_SECONDS = (
    "\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018"
    "\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178")
_MOJIBAKE_HINT_RE = re.compile(f"[\u00c2-\u00f4][\u0080-\u00bf{_MOJIBAKE_SECONDS}]")
# the same pairs in UTF-8 bytes (Â..ô are C3 82..C3 B4): led by one literal byte, a whole
# page is searched ~14x faster than the str (micnews.cleaners.bytescan)
_MOJIBAKE_HINT_BYTES = re.compile(
    b"\xc3[\x82-\xb4](?:\xc2[\x80-\xbf]|"
    + b"|".join(re.escape(c.encode("utf-8")) for c in _MOJIBAKE_SECONDS) + b")")
# C0 controls but tab, LF and CR, and DEL: invalid in HTML, and lxml refuses them as text.
_CONTROLS = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]))
_CONTROL_SCAN = CharScan(_CONTROLS)


def _fix_mojibake(line: str) -> str:
    return ftfy.fix_text(line, _FTFY) if is_bad(line) else line


def _has_mojibake_hint(text: str, utf8: bytes | None) -> bool:
    if utf8 is None:
        return _MOJIBAKE_HINT_RE.search(text) is not None
    return _MOJIBAKE_HINT_BYTES.search(utf8) is not None


def without_controls(text: str, utf8: bytes | None = None) -> str:
    """``text`` without C0 control characters (tab, LF and CR stay) and DEL."""
    if _CONTROL_SCAN.found(text, utf8):
        return _CONTROL_SCAN.text_re.sub("", text)
    return text


def _repair(text: str, utf8: bytes | None = None) -> tuple[str, tuple[str, ...]]:
    """Control characters out, ftfy (mojibake only), legacy fonts, ð->đ, NFC; returns the
    text and what changed. A long text's scans run on its UTF-8 bytes (bytescan.py;
    ``utf8``: those bytes, when the caller has them)."""
    if utf8 is None:
        utf8 = utf8_of(text)
    repairs: list[str] = []
    fixed = without_controls(text, utf8)
    if fixed is not text:
        repairs.append("controls")
        text, utf8 = fixed, utf8_of(fixed) if utf8 is not None else None
    if text.isascii():
        return text, tuple(repairs)
    if _has_mojibake_hint(text, utf8):
        fixed = "".join(
            _fix_mojibake(line) if _MOJIBAKE_HINT_RE.search(line) else line
            for line in text.splitlines(keepends=True)
        )
        if fixed != text:
            repairs.append("ftfy")
            text, utf8 = fixed, utf8_of(fixed) if utf8 is not None else None
    fixed, kinds = vnfonts.fix_legacy_fonts_report(text, utf8)
    if kinds:
        repairs.extend(sorted(kinds))
        text = fixed
    if "ð" in text or "Ð" in text:
        fixed = _ETH_WORD_RE.sub(_fix_eth, text)
        if fixed != text:
            repairs.append("eth")
            text = fixed
    nfc = nfc_by_chunks(text)
    if nfc is not text:
        repairs.append("nfc")
    return nfc, tuple(repairs)


NFC_CHUNK = 8192


def nfc_by_chunks(text: str) -> str:
    """NFC of ``text``, normalising it a few thousand characters at a time (cut after a line
    break, where no composition spans): ``unicodedata`` quick-checks a string and, at its
    first combining mark, renormalises all of it — two stray marks on a 500 KB page cost 9 ms,
    now the two chunks around them. Returns ``text`` itself when nothing changed."""
    if len(text) <= NFC_CHUNK:
        nfc = unicodedata.normalize("NFC", text)
        return text if nfc == text else nfc
    out: list[str] = []
    pos, changed = 0, False
    while pos < len(text):
        end = text.find("\n", pos + NFC_CHUNK)
        end = len(text) if end < 0 else end + 1
        chunk = text[pos:end]
        nfc = unicodedata.normalize("NFC", chunk)
        changed = changed or nfc != chunk
        out.append(nfc)
        pos = end
    return "".join(out) if changed else text


# invisible characters that only break words for search; NBSP-like spaces become spaces
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007"), " ")
_INVISIBLE_SPACES = {**_INVISIBLE, **_SPACES}
# translate with a dict costs a lookup per character: only run it when one is there
_INVISIBLE_SPACES_RE = re.compile("[\u200b\u2060\ufeff\u00a0\u202f\u2007]")


def repair_text(text: str) -> str:
    """Repair one text run (paragraph, text node, title) for the dataset.

    ftfy (mojibake only; typography stays), TCVN3/VNI conversion when the run is clearly
    in a legacy font, ð->đ in Vietnamese words, NFC; then zero-width characters are
    dropped, NBSP-like spaces become plain spaces, and soft hyphens are dropped from
    Unicode Vietnamese text (in TCVN3 they are the letter ư, converted before). Idempotent.
    Never rewrites correct Vietnamese spelling (hoà/hòa both stay).
    """
    if text.isascii():
        return text
    text, _ = _repair(text)
    if _INVISIBLE_SPACES_RE.search(text):
        text = text.translate(_INVISIBLE_SPACES)
    if "\u00ad" in text and vnfonts._VN_UNICODE_RE.search(text):
        text = text.replace("\u00ad", "")
    return text


# --- the entry point ----------------------------------------------------------------------


def _choose(body: bytes, content_type: str | None) -> tuple[str, str, str, tuple[str, ...]]:
    """Pick the charset and decode: (text, codec, source, decoding repairs)."""
    header = _codec(_header_charset(content_type))
    for bom, codec in _BOMS:
        if body.startswith(bom):
            text = body[len(bom) :].decode(codec, "replace")
            source = "header" if header == codec else "bom"
            return text, codec, source, ("utf8-replace",) if "\ufffd" in text else ()
    utf16 = utf16_without_bom(body)
    if utf16:  # a header or meta label cannot be read before: the bytes say which UTF-16
        text = body[: len(body) - len(body) % 2].decode(utf16, "replace")
        header_label = (_header_charset(content_type) or "").strip("\"'").lower()
        meta_label = (_meta_charset(text[:_UTF16_SAMPLE].encode("utf-8", "replace")) or "")
        source = ("header" if header_label.startswith("utf-16")
                  else "meta" if meta_label.lower().startswith("utf-16") else "detected")
        return text, utf16, source, ("utf8-replace",) if "\ufffd" in text else ()
    meta = _codec(_meta_charset(body))
    declared = [(c, s) for c, s in ((header, "header"), (meta, "meta")) if c]
    utf8_source = next((s for c, s in declared if c == "utf-8"), "detected")
    for codec, source in declared:
        if codec == "utf-8":
            text, repairs = _utf8_lenient(body)
            if text is not None:
                return text, "utf-8", source, repairs
            continue  # declared UTF-8, but it is not
        if codec.startswith(("utf-16", "utf-32")):
            text = _decode_strict(body, codec)
            if text is not None:
                return text, codec, source, ()
            continue
        if _is_valid_utf8_non_ascii(body):
            # a legacy label on UTF-8 bytes (a common server default): the bytes win
            return body.decode("utf-8"), "utf-8", utf8_source, ()
        if codec == "cp1252":
            better = _better_than_cp1252(body)
            if better:
                return _decode_strict(body, better) or "", better, "detected", ()
        text = _decode_strict(body, codec)
        if text is not None:
            return text, codec, source, ()
    found = _detect(body)
    if found:
        text, codec, repairs = found
        return text, codec, "detected", repairs
    return body.decode("utf-8", "replace"), "utf-8", "fallback", ("utf8-replace",)


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode page bytes to clean NFC text; never raises.

    ``content_type`` is the HTTP Content-Type header value (its ``charset`` is used).
    See the module docstring for the charset order and the repairs.
    """
    try:
        text, codec, source, repairs = _choose(body, content_type)
    except Exception:  # never raise on hostile bytes
        text, codec, source, repairs = body.decode("utf-8", "replace"), "utf-8", "fallback", ()
    # the page's bytes are the text's UTF-8 when they were read as UTF-8 as they are
    utf8 = body if codec == "utf-8" and source != "bom" and not repairs else None
    text, more = _repair(text, utf8)
    return Decoded(html=text, encoding=codec, source=source, repairs=repairs + more,
                   utf8=utf8 if not more else None)
