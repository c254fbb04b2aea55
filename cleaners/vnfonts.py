"""Legacy Vietnamese encodings: TCVN3 (ABC, ``.VnTime`` fonts), VNI, TCVN5712-1 bytes, VISCII.

Pre-Unicode Vietnamese pages wrote their text in 8-bit *font* encodings: the bytes are
declared (or guessed) as windows-1252, so the decoded text is Latin-1 gibberish
(``Céng hoµ x· héi``) that only looked right because the browser drew it with a
``.VnTime`` or ``VNI-Times`` font. This module converts such text back to Unicode.

Two kinds of input:

* text runs (already decoded as cp1252/latin-1): :func:`looks_tcvn3`, :func:`looks_vni`,
  :func:`tcvn3_to_unicode`, :func:`vni_to_unicode`, :func:`fix_legacy_fonts`;
* raw bytes declared ``TCVN5712-1`` or ``VISCII`` (Python has no codec for either):
  :func:`decode_tcvn5712`, :func:`decode_viscii` (tables generated from glibc's charmaps).

Detection is word based and conservative: a word counts *for* a legacy encoding only
when it is not a Vietnamese syllable as it stands but becomes one once converted; words
that are valid Unicode Vietnamese and would be broken by the conversion count *against*.
Normal Vietnamese, English and French text therefore stays untouched. A run is only
looked at when it holds a character typical of the encoding (TCVN3: ¸ µ · ¹ ¨ © ­ ®,
mid-word capitals...; VNI: ø û ï ä ö ñ...); once a page is known to be legacy, runs
with any of its characters are judged too. Runs whose every word is also a plausible
Unicode spelling (``Quèc Gia``) cannot be told apart and stay as they are.

Known limit: TCVN3 (VN3) has no upper-case letters with tone marks; titles were set in
the ``.VnTimeH`` font, which draws the *lower-case* codes as capitals. We map the
lower-case table and upper-case a converted word only when its plain ASCII letters are
all upper case (``CéNG HOµ`` -> ``CỘNG HOÀ``); a ``.VnTimeH`` title typed in lower case
comes out in lower case.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from micnews.cleaners.bytescan import CharScan, utf8_of

# --- byte tables (generated from glibc /usr/share/i18n/charmaps/{TCVN5712-1,VISCII}.gz) ---

_TCVN5712_C0 = (
    "\x00ÚỤ\x03ỪỬỮ\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"  # 0x00
    "\x10ỨỰỲỶỸÝỴ\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"  # 0x10
)
_TCVN5712_HIGH = (
    "ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨ"  # 0x80
    "ÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ"  # 0x90
    "\xa0ĂÂÊÔƠƯĐăâêôơưđẰ"  # 0xA0
    "\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ"  # 0xB0
    "ẮẦẨẪẤỀặầẩẫấậèỂẻẽ"  # 0xC0
    "éẹềểễếệìỉỄẾỒĩíịò"  # 0xD0
    "Ổỏõóọồổỗốộờởỡớợù"  # 0xE0
    "ỖủũúụừửữứựỳỷỹýỵỐ"  # 0xF0
)
_VISCII_C0 = (
    "\x00\x01Ẳ\x03\x04ẴẪ\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"  # 0x00
    "\x10\x11\x12\x13Ỷ\x15\x16\x17\x18Ỹ\x1a\x1b\x1c\x1dỴ\x1f"  # 0x10
)
_VISCII_HIGH = (
    "ẠẮẰẶẤẦẨẬẼẸẾỀỂỄỆỐ"  # 0x80
    "ỒỔỖỘỢỚỜỞỊỎỌỈỦŨỤỲ"  # 0x90
    "Õắằặấầẩậẽẹếềểễệố"  # 0xA0
    "ồổỗỠƠộờởịỰỨỪỬơớƯ"  # 0xB0
    "ÀÁÂÃẢĂẳẵÈÉÊẺÌÍĨỳ"  # 0xC0
    "ĐứÒÓÔạỷừửÙÚỹỵÝỡư"  # 0xD0
    "àáâãảăữẫèéêẻìíĩỉ"  # 0xE0
    "đựòóôõỏọụùúũủýợỮ"  # 0xF0
)
_ASCII_MID = "".join(chr(i) for i in range(0x20, 0x80))
_TCVN5712_TABLE = _TCVN5712_C0 + _ASCII_MID + _TCVN5712_HIGH
_VISCII_TABLE = _VISCII_C0 + _ASCII_MID + _VISCII_HIGH
assert len(_TCVN5712_TABLE) == 256 and len(_VISCII_TABLE) == 256

# latin-1 decoding is the identity on code points, so a translate table finishes the job.
_TCVN5712_TRANSLATE = {i: c for i, c in enumerate(_TCVN5712_TABLE) if ord(c) != i}
_VISCII_TRANSLATE = {i: c for i, c in enumerate(_VISCII_TABLE) if ord(c) != i}


def decode_tcvn5712(data: bytes) -> str:
    """Decode TCVN 5712:1993 (VN1, glibc ``TCVN5712-1``) bytes to NFC text.

    Stand-alone tone bytes 0xB0-0xB4 decode to combining marks; NFC joins them to their
    base letter as glibc's decoder does.
    """
    return unicodedata.normalize("NFC", data.decode("latin-1").translate(_TCVN5712_TRANSLATE))


def decode_viscii(data: bytes) -> str:
    """Decode VISCII (RFC 1456) bytes to text."""
    return data.decode("latin-1").translate(_VISCII_TRANSLATE)


# --- Vietnamese syllable check ---------------------------------------------------------

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
# Nuclei ending in a semivowel (or ia/ua/ưa) take no final consonant; the others may.
_OPEN_NUCLEI = (
    "ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui ưa ưi ưu "
    "oai oao oay oeo uây uôi ươi ươu uyu iêu yêu uya"
).split()
_NUCLEI = "a ă â e ê i o ô ơ u ư y iê oa oă oe oo uâ uê uô uơ uy ươ yê uyê".split()


def _alt(items: list[str]) -> str:
    return "(?:" + "|".join(sorted(items, key=len, reverse=True)) + ")"


_SYLLABLE_RE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?"
    "(?:" + _alt(_OPEN_NUCLEI) + "|" + _alt(_NUCLEI) + r"(?:ch|ng|nh|[cmnpt])?)"
)


@lru_cache(maxsize=16384)
def is_vietnamese_syllable(word: str) -> bool:
    """True if ``word`` has the shape of one Vietnamese syllable (spelling, not lexicon).

    Checks case (lower, Title or UPPER), at most one tone mark, initial consonant,
    vowel nucleus and final consonant. Permissive on purpose: it tells Vietnamese from
    legacy-font gibberish, it is no spell checker.
    """
    if not (word.islower() or word.isupper() or (word[:1].isupper() and word[1:].islower())):
        return False
    nfd = unicodedata.normalize("NFD", word.lower())
    if sum(nfd.count(t) for t in _TONE_MARKS) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONE_MARKS))
    return _SYLLABLE_RE.fullmatch(base) is not None


# --- TCVN3 text runs -----------------------------------------------------------------------

# VN3 as drawn by the .VnTime fonts: the lower-case letters and Ă Â Ê Ô Ơ Ư Đ of the VN1
# table at 0xA1-0xFF, read through cp1252. Left out: VN1's capitals with tones (VN3 has
# none; their positions hold à, Â, Ã... that Unicode text uses), the combining tones
# 0xB0-0xB4 (° ± ² ³ ´ in ordinary text) and 0x80-0x9F (cp1252 punctuation).
_TCVN3_MAP = {
    b: _TCVN5712_TABLE[b]
    for b in range(0xA1, 0x100)
    if _TCVN5712_TABLE[b] != chr(b)
    and (_TCVN5712_TABLE[b].islower() or _TCVN5712_TABLE[b] in "ĂÂÊÔƠƯĐ")
    and not unicodedata.combining(_TCVN5712_TABLE[b])
}
# Latin-1 letters that Unicode Vietnamese itself uses: seeing them proves nothing.
# (lower case only: in TCVN3 the upper-case Latin-1 letters are lower-case letters, and
# mid-word capitals like the Õ of tiÕt are a strong sign).
_VN_LATIN1 = set("àáâãèéêìíòóôõùúý")
_TCVN3_STRONG = "".join(sorted(chr(b) for b in _TCVN3_MAP if chr(b) not in _VN_LATIN1))
_TCVN3_STRONG_RE = re.compile("[" + re.escape(_TCVN3_STRONG) + "]")
_TCVN3_WIDE_RE = re.compile("[" + re.escape("".join(chr(b) for b in _TCVN3_MAP)) + "]")

# A "word" for detection: ASCII letters, Latin-1 letters and symbols that legacy fonts
# use as letters (incl. the soft hyphen, TCVN3's ư), and Unicode Vietnamese letters.
_WORD_RE = re.compile("[A-Za-z\u00a1-\u00af\u00b5-\u00ff\u0100-\u024f\u0300-\u036f\u1e00-\u1eff]+")
_VN_UNICODE_RE = re.compile("[\u0100-\u01b0\u0300-\u0323\u1ea0-\u1ef9]")
_ASCII_LETTER_RE = re.compile("[A-Za-z]")


def _vnh_case(word: str, converted: str) -> str:
    """Upper-case ``converted`` when the source word was typed in capitals (.VnTimeH)."""
    letters = _ASCII_LETTER_RE.findall(word)
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return converted.upper()
    return converted


_TAG_RE = re.compile(r"<[^>]*>")


def _shouting(run: str) -> bool:
    """A run typed in capitals (for .VnTimeH): its one-letter words (X·) follow it."""
    letters = _ASCII_LETTER_RE.findall(_TAG_RE.sub(" ", run))
    return len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def _tcvn3_word(word: str) -> str:
    return _vnh_case(word, word.translate(_TCVN3_MAP))


def tcvn3_to_unicode(text: str) -> str:
    """Convert TCVN3 (ABC) text, decoded as cp1252/latin-1, to NFC Unicode.

    Converts unconditionally (call :func:`looks_tcvn3` or :func:`fix_legacy_fonts` for
    detection). Words holding Unicode Vietnamese letters are left alone.
    """

    shout = _shouting(text)

    def one(m: re.Match[str]) -> str:
        word = m.group(0)
        if _VN_UNICODE_RE.search(word):
            return word
        converted = _tcvn3_word(word)
        return converted.upper() if shout else converted

    return unicodedata.normalize("NFC", _WORD_RE.sub(one, text))


# --- VNI text runs -------------------------------------------------------------------------

_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_CIRC, _BREVE = "\u0302", "\u0306"
_VNI_MODS: dict[str, tuple[str, str]] = {k: ("", v) for k, v in _VNI_TONES.items()}
_VNI_MODS.update(
    {
        "â": (_CIRC, ""), "á": (_CIRC, "\u0301"), "à": (_CIRC, "\u0300"),
        "å": (_CIRC, "\u0309"), "ã": (_CIRC, "\u0303"), "ä": (_CIRC, "\u0323"),
        "ê": (_BREVE, ""), "é": (_BREVE, "\u0301"), "è": (_BREVE, "\u0300"),
        "ú": (_BREVE, "\u0309"), "ü": (_BREVE, "\u0303"), "ë": (_BREVE, "\u0323"),
    }
)  # fmt: skip
_VNI_MODS.update({k.upper(): v for k, v in list(_VNI_MODS.items())})
# Letters VNI writes as one character (i with tones, ỵ, đ, ơ, ư).
_VNI_SINGLE = {
    "í": "í",
    "ì": "ì",
    "æ": "ỉ",
    "ó": "ĩ",
    "ò": "ị",
    "î": "ỵ",
    "ñ": "đ",
    "ô": "ơ",
    "ö": "ư",
}
_VNI_SINGLE.update({k.upper(): v.upper() for k, v in list(_VNI_SINGLE.items())})
_VNI_BASES = "aAeEoOuUyYôÔöÖ"
_VNI_RE = re.compile(
    "([" + _VNI_BASES + "])([" + "".join(_VNI_MODS) + "])|([" + "".join(_VNI_SINGLE) + "])"
)
# Characters Unicode Vietnamese never uses but VNI text is full of.
_VNI_STRONG = "øûïåäüëæöîñØÛÏÅÄÜËÆÖÎÑ"
_VNI_STRONG_RE = re.compile(f"[{_VNI_STRONG}]")
# Once a page is known to hold VNI/TCVN3, any of their characters is worth a look.
_VNI_WIDE_RE = re.compile(
    "[" + _VNI_BASES + "][" + "".join(_VNI_MODS) + "]|[" + "".join(_VNI_SINGLE) + "]"
)


def _vni_pair(m: re.Match[str]) -> str:
    if m.group(3):
        return _VNI_SINGLE[m.group(3)]
    base, mod = m.group(1), m.group(2)
    shape, tone = _VNI_MODS[mod]
    base = _VNI_SINGLE.get(base, base)  # ô -> ơ, ö -> ư before the tone goes on
    if shape and (base.lower() not in ("a", "e", "o") or (shape == _BREVE and base.lower() != "a")):
        return m.group(0)  # not a VNI combination: keep as written
    return unicodedata.normalize("NFC", base + shape + tone)


def _vni_word(word: str) -> str:
    return _VNI_RE.sub(_vni_pair, word)


def vni_to_unicode(text: str) -> str:
    """Convert VNI (VNI-Windows) text, decoded as cp1252/latin-1, to NFC Unicode.

    VNI writes a base letter followed by modifier characters (``Vieät`` -> ``Việt``).
    Converts unconditionally; words holding Unicode Vietnamese letters are left alone.
    """

    def one(m: re.Match[str]) -> str:
        word = m.group(0)
        return word if _VN_UNICODE_RE.search(word) else _vni_word(word)

    return unicodedata.normalize("NFC", _WORD_RE.sub(one, text))


# --- detection -----------------------------------------------------------------------------


def _score(text: str, convert) -> tuple[int, int, int]:
    """(for, against, candidates) over the words of ``text`` that hold non-ASCII letters.

    "for" stays 0 when the words in real Unicode Vietnamese are a third of the candidates
    or more: then it could not outweigh them (:func:`_decide`), so the conversions are
    not tried (a run of Unicode Vietnamese holding a capital like Ô or Ý, the common case).
    """
    words = [w for w in _WORD_RE.findall(text) if not w.isascii()]
    unicode_vn = [bool(_VN_UNICODE_RE.search(w)) for w in words]
    con, cand = sum(unicode_vn), len(words)
    if 3 * con >= cand:
        return 0, con, cand
    pro = 0
    for word, is_unicode in zip(words, unicode_vn, strict=True):
        if is_unicode:  # real Unicode Vietnamese in the run: counted above
            continue
        converted = convert(word)
        if converted == word:
            continue
        ok_now = is_vietnamese_syllable(word)
        ok_conv = is_vietnamese_syllable(unicodedata.normalize("NFC", converted))
        if ok_conv and not ok_now and len(word) >= 2 and _ASCII_LETTER_RE.search(word):
            pro += 1
        elif ok_now and not ok_conv:
            con += 1
    return pro, con, cand


def _decide(score: tuple[int, int, int]) -> bool:
    pro, con, cand = score
    return pro >= 1 and pro > 2 * con and pro * 4 >= cand


_NEVER_RE = re.compile("(?!)")


def _classify(
    run: str, tcvn_re: re.Pattern[str] = _TCVN3_STRONG_RE, vni_re: re.Pattern[str] = _VNI_STRONG_RE
) -> str | None:
    """ "tcvn3", "vni" or None for one run; a kind is scored only if its regex matches."""
    tcvn = _score(run, _tcvn3_word) if tcvn_re.search(run) else (0, 0, 0)
    vni = _score(run, _vni_word) if vni_re.search(run) else (0, 0, 0)
    if _decide(tcvn) and tcvn[0] >= vni[0]:
        return "tcvn3"
    if _decide(vni):
        return "vni"
    return None


def looks_tcvn3(text: str) -> bool:
    """True if ``text`` (one run, e.g. a paragraph) is TCVN3 gibberish worth converting."""
    return _classify(text) == "tcvn3"


def looks_vni(text: str) -> bool:
    """True if ``text`` (one run, e.g. a paragraph) is VNI gibberish worth converting."""
    return _classify(text) == "vni"


# Runs are judged separately: block-level tags and line breaks separate them, inline tags
# (<font>, <b>, <span>, ...) do not, so a word split by markup is still judged in context.
_RUN_SPLIT_RE = re.compile(
    r"(\n|<(?:/?(?:p|div|td|th|tr|li|ul|ol|table|tbody|h[1-6]|title|option|br|hr|section"
    r"|article|header|footer|blockquote|dd|dt|caption|figcaption|body|head|script|style)\b)"
    r"[^>]*>)",
    re.IGNORECASE,
)


def _fix_run(run: str, kinds: set[str], tcvn_re: re.Pattern[str], vni_re: re.Pattern[str]) -> str:
    kind = _classify(run, tcvn_re, vni_re)
    if kind is None:
        return run
    convert = _tcvn3_word if kind == "tcvn3" else _vni_word
    kinds.add(kind)

    shout = kind == "tcvn3" and _shouting(run)

    def one(m: re.Match[str]) -> str:
        word = m.group(0)
        if word.isascii() or _VN_UNICODE_RE.search(word):
            return word
        converted = unicodedata.normalize("NFC", convert(word))
        if shout:
            converted = converted.upper()
        # keep a word that is fine as it stands and would be broken by the conversion
        if is_vietnamese_syllable(word) and not is_vietnamese_syllable(converted):
            return word
        return converted

    return _WORD_RE.sub(one, run)


def _run_bounds(text: str, pos: int) -> tuple[int, int]:
    """Start and end of the run around ``pos``."""
    start = pos
    while True:
        i = max(text.rfind("\n", 0, start), text.rfind("<", 0, start))
        if i < 0:
            start = 0
            break
        if text[i] == "\n":
            start = i + 1
            break
        m = _RUN_SPLIT_RE.match(text, i)
        if m and m.end() <= pos:
            start = m.end()
            break
        start = i
    m = _RUN_SPLIT_RE.search(text, pos)
    return start, (m.start() if m else len(text))


_CODE_TAGS_RE = re.compile(r"<(/?)(?:script|style)\b", re.IGNORECASE)
_CODE_TAG_CHARS = len("</script") + 1  # a tag and the character its \b looks at
_CODE_WINDOW = 4096


class _CodeSpans:
    """Is a position inside a page's ``<script>`` or ``<style>`` element? A run there is
    code, never text in a legacy font, however long its line (a page's inline style sheet
    can be one line of 140 000 characters, costly to judge).

    Inside means: the last script/style start tag before the position comes after the
    last end tag before it. Asked about ascending positions, it reads only the stretch of
    the page they need: back from the first position to the nearest such tag, then
    forward from one position to the next (a page's few suspicious characters are mostly
    in its footer; a scan of all its tags cost more than judging them)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = -1  # the last position asked about, and the answer there
        self.state = False

    def _tags(self, lo: int, hi: int) -> list[bool]:
        """Is each tag that starts in ``[lo, hi)`` a start tag? (in page order)"""
        end = min(len(self.text), hi + _CODE_TAG_CHARS)
        return [not m.group(1) for m in _CODE_TAGS_RE.finditer(self.text, lo, end)
                if m.start() < hi]

    def inside(self, pos: int) -> bool:
        """Is ``pos`` after a script/style start tag and before its end tag? ``pos`` must
        not be below the one asked about before."""
        if self.pos < 0:
            hi, width, state = pos, _CODE_WINDOW, False
            while hi > 0:
                lo = max(0, hi - width)
                tags = self._tags(lo, hi)
                if tags:
                    state = tags[-1]
                    break
                hi, width = lo, 2 * width
        else:
            tags = self._tags(self.pos, pos)
            state = tags[-1] if tags else self.state
        self.pos, self.state = pos, state
        return state


def _convert_runs(
    text: str, kinds: set[str], tcvn_re: re.Pattern[str], vni_re: re.Pattern[str],
    starts: list[int] | None = None,
) -> str:
    """Judge and convert the runs of ``text`` around matches of either regex (``starts``:
    where they match, when the caller found that faster); ``text`` itself when no run
    changed."""
    out: list[str] = []
    copied = last = 0
    if starts is None:
        trigger = re.compile(tcvn_re.pattern + "|" + vni_re.pattern)
        starts = [m.start() for m in trigger.finditer(text)]
    code_spans = _CodeSpans(text)
    for pos in starts:
        if pos < last or code_spans.inside(pos):  # never JS/CSS
            continue
        start, end = _run_bounds(text, pos)
        start = max(start, last)
        run = text[start:end]
        fixed = _fix_run(run, kinds, tcvn_re, vni_re)
        if fixed is not run:
            out += (text[copied:start], fixed)
            copied = end
        last = end
    if not out:
        return text
    out.append(text[copied:])
    return "".join(out)


# Every strong legacy-font character, found in a whole page by its UTF-8 bytes; and every
# TCVN3 one (the second look at a TCVN3 page: a str character class over a 250 KB page
# cost 18 ms).
_STRONG_SCAN = CharScan(_TCVN3_STRONG + _VNI_STRONG)
_TCVN3_WIDE_SCAN = CharScan("".join(chr(b) for b in _TCVN3_MAP))


def fix_legacy_fonts_report(text: str, utf8: bytes | None = None) -> tuple[str, frozenset[str]]:
    """:func:`fix_legacy_fonts`, also saying which encodings were converted ("tcvn3", "vni").
    ``utf8``: the text's UTF-8 bytes (:func:`~micnews.cleaners.bytescan.utf8_of`), to find
    the suspicious characters of a whole page fast."""
    kinds: set[str] = set()
    # only the runs around suspicious characters are looked at: pages are large
    out = _convert_runs(text, kinds, _TCVN3_STRONG_RE, _VNI_STRONG_RE,
                        _STRONG_SCAN.positions(text, utf8))
    if not kinds:
        return text, frozenset()
    # the page is known to use a legacy font: look again at the runs whose only
    # legacy characters are also Vietnamese letters (menu items like "Chính saùch")
    starts = None if "vni" in kinds else _TCVN3_WIDE_SCAN.positions(out, utf8_of(out))
    out = _convert_runs(
        out,
        kinds,
        _TCVN3_WIDE_RE if "tcvn3" in kinds else _NEVER_RE,
        _VNI_WIDE_RE if "vni" in kinds else _NEVER_RE,
        starts,
    )
    return out, frozenset(kinds)


def fix_legacy_fonts(text: str) -> str:
    """Convert the runs of ``text`` that are TCVN3 or VNI gibberish; leave the rest as is.

    ``text`` may be a paragraph or a whole HTML page: runs are separated by line breaks
    and block-level tags and judged one by one, so pages where only some elements use a
    ``.VnTime``/``VNI-Times`` font come out right. Safe on normal Unicode, English and
    French text (returned unchanged, cheaply when no suspicious character occurs).
    """
    return fix_legacy_fonts_report(text)[0]
