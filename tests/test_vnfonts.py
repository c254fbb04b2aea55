"""Legacy Vietnamese encodings: TCVN3 and VNI text runs, TCVN5712-1 and VISCII bytes."""

from __future__ import annotations

import codecs
import gzip
import importlib.util
import random
import re
import unicodedata
from pathlib import Path

import pytest

from micnews.cleaners import vnfonts
from micnews.cleaners.vnfonts import (
    decode_tcvn5712,
    decode_viscii,
    fix_legacy_fonts,
    is_vietnamese_syllable,
    looks_tcvn3,
    looks_vni,
    tcvn3_to_unicode,
    vni_to_unicode,
)
from tests.helpers import real_pages

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "encodings"
CHARMAPS = Path("/usr/share/i18n/charmaps")


def _make_module():
    spec = importlib.util.spec_from_file_location("encodings_make", FIXTURES / "make.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKE = _make_module()
TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
VOWELS = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")
LETTERS = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES] + ["đ"]
ALL_LETTERS = LETTERS + [c.upper() for c in LETTERS]

TCVN3 = "Céng hoµ x· héi chñ nghÜa ViÖt Nam"
VNI = "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam"
UNICODE_VN = "Cộng hoà xã hội chủ nghĩa Việt Nam; Tôi là người Hà Nội, ông bà, cô ấy, Châu Âu."
NOT_LEGACY = [
    UNICODE_VN,
    "Tháng mười, cá và cà, vâng, tôi là sinh viên",  # Unicode Vietnamese, Latin-1 letters only
    "Hélène a été à Paris, très déçue. Où est le café? Noël, naïve, sûr, île.",
    "The café opened in 2005 — a naïve résumé, © 2005, 25°C, £5, § 3, Microsoft®.",
    "Schön für Müller; señor, año, mañana, sí, qué; Straße, Größe.",
    "Tin tức 24h · Thời sự · Thế giới",  # middle dots used as separators
]


# --- tables -------------------------------------------------------------------------------


def test_tcvn3_table_matches_the_standard_written_by_hand():
    # make.py's table is typed from the standard; ours comes from glibc's VN1 charmap
    for char, code in MAKE._VN3.items():
        assert vnfonts._TCVN3_MAP.get(code, chr(code)) == char, hex(code)


def test_tcvn3_converts_every_lowercase_letter():
    for letter in LETTERS:
        if letter.isascii():
            continue
        assert tcvn3_to_unicode(MAKE.to_tcvn3(letter).decode("latin-1")) == letter


def test_vni_round_trips_every_letter():
    for letter in ALL_LETTERS:
        assert vni_to_unicode(MAKE.to_vni(letter).decode("cp1252")) == letter, letter


def _glibc_table(name: str) -> dict[int, str]:
    path = CHARMAPS / f"{name}.gz"
    if not path.exists():
        pytest.skip(f"glibc charmap {name} not installed")
    table = {}
    for line in gzip.open(path, "rt", encoding="latin-1"):
        m = re.match(r"<U([0-9A-F]{4})>\s+/x([0-9a-f]{2})\s", line)
        if m:
            table[int(m.group(2), 16)] = chr(int(m.group(1), 16))
    return table


@pytest.mark.parametrize(
    ("name", "decode"), [("TCVN5712-1", decode_tcvn5712), ("VISCII", decode_viscii)]
)
def test_byte_tables_match_glibc(name, decode):
    table = _glibc_table(name)
    for byte, char in table.items():
        if unicodedata.combining(char):
            continue  # VN1's stand-alone tone bytes: checked below
        assert decode(bytes([byte])) == char, hex(byte)


def test_tcvn5712_combining_tone_bytes_compose():
    assert decode_tcvn5712(b"a\xb3 C\xb3") == "á Ć"


def test_tcvn5712_decodes_capitals():
    assert decode_tcvn5712(MAKE.to_tcvn5712("CỘNG HOÀ XÃ HỘI")) == "CỘNG HOÀ XÃ HỘI"


# --- syllables ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word",
    ["nghĩa", "Việt", "NGƯỜI", "khuỷu", "rượu", "quốc", "gì", "oà", "hoà", "hòa", "Thuý", "thúy"],
)
def test_syllables(word):
    assert is_vietnamese_syllable(word)


@pytest.mark.parametrize(
    "word", ["café", "été", "Hélène", "für", "Straße", "hoµ", "ViÖt", "vỔ", "saung", "việtt"]
)
def test_not_syllables(word):
    assert not is_vietnamese_syllable(word)


# --- detection and conversion ----------------------------------------------------------


def test_tcvn3_detected_and_converted():
    assert looks_tcvn3(TCVN3)
    assert not looks_vni(TCVN3)
    assert fix_legacy_fonts(TCVN3) == "Cộng hoà xã hội chủ nghĩa Việt Nam"
    assert tcvn3_to_unicode("Gi¸m ®èc Së B\xadu chÝnh ViÔn th«ng") == (
        "Giám đốc Sở Bưu chính Viễn thông"
    )


def test_tcvn3_capitals_typed_for_vntimeh():
    assert fix_legacy_fonts("CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM") == (
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    )
    assert tcvn3_to_unicode("§µ N½NG") == "ĐÀ NẴNG"


def test_vni_detected_and_converted():
    assert looks_vni(VNI)
    assert not looks_tcvn3(VNI)
    assert fix_legacy_fonts(VNI) == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert vni_to_unicode("Ngöôøi daân Ñaø Naüng naêm 2005") == "Người dân Đà Nẵng năm 2005"
    assert vni_to_unicode("VIEÄT NAM, UÛY BAN") == "VIỆT NAM, ỦY BAN"


@pytest.mark.parametrize("text", NOT_LEGACY)
def test_normal_text_untouched(text):
    assert not looks_tcvn3(text)
    assert not looks_vni(text)
    assert fix_legacy_fonts(text) == text


def test_runs_are_judged_separately():
    text = "\n".join([TCVN3, UNICODE_VN, NOT_LEGACY[2], VNI])
    expected = "\n".join(
        [
            "Cộng hoà xã hội chủ nghĩa Việt Nam",
            UNICODE_VN,
            NOT_LEGACY[2],
            "Cộng hòa xã hội chủ nghĩa Việt Nam",
        ]
    )
    assert fix_legacy_fonts(text) == expected


def test_html_runs_split_at_block_tags_not_inline_tags():
    html = (
        '<p><font face=".VnTime">Céng <b>hoµ</b> x· héi</font></p>'
        "<p>Hélène a été à Paris</p><td>Tôi là người Hà Nội</td>"
    )
    assert fix_legacy_fonts(html) == (
        '<p><font face=".VnTime">Cộng <b>hoà</b> xã hội</font></p>'
        "<p>Hélène a été à Paris</p><td>Tôi là người Hà Nội</td>"
    )


def test_unicode_words_inside_a_legacy_run_are_kept():
    assert fix_legacy_fonts("Céng hoµ x· héi chñ nghÜa ViÖt Nam, Hà Nội") == (
        "Cộng hoà xã hội chủ nghĩa Việt Nam, Hà Nội"
    )


def test_idempotent():
    for text in [TCVN3, VNI, *NOT_LEGACY]:
        once = fix_legacy_fonts(text)
        assert fix_legacy_fonts(once) == once


def test_weak_runs_converted_once_the_page_is_known_legacy():
    weak = "<li>Chính saùch</li>"
    assert fix_legacy_fonts(weak) == weak  # alone: nothing typical of VNI
    page = f"<p>{VNI}</p>{weak}"
    assert fix_legacy_fonts(page) == (
        "<p>Cộng hòa xã hội chủ nghĩa Việt Nam</p><li>Chính sách</li>"
    )
    assert fix_legacy_fonts("<p>Tin tøc</p><li>Xem chi tiÕt</li>") == (
        "<p>Tin tức</p><li>Xem chi tiết</li>"
    )


# --- whole pages: which runs are looked at --------------------------------------------------


def _page_texts() -> list[str]:
    """The real pages as text, each also with script/style tags in odd spellings planted
    (upper case, ſ for s, a letter glued on) in the middle."""
    texts = []
    for page in real_pages():
        text = page.path.read_bytes().removeprefix(codecs.BOM_UTF8).decode("utf-8", "replace")
        middle = len(text) // 2
        texts += [text, text[:middle] + "<SCRIPT>x</scriptạ><ſtyle>«»" + text[middle:]]
    return texts


def _inside_by_full_scan(text: str) -> list[bool]:
    """For every position: is the last script/style start tag before it after the last
    end tag before it?"""
    tags = {m.start(): not m[1] for m in vnfonts._CODE_TAGS_RE.finditer(text)}
    inside, state = [], False
    for pos in range(len(text)):
        inside.append(state)
        state = tags.get(pos, state)
    return inside


def test_code_spans_read_piecewise_answer_as_a_scan_of_all_tags():
    """_CodeSpans reads back to the nearest tag for its first position and then forward:
    the answers are those of one scan over every script/style tag of the page."""
    rng = random.Random(12)
    for text in _page_texts():
        expected = _inside_by_full_scan(text)
        tags = [m.start() for m in vnfonts._CODE_TAGS_RE.finditer(text)]
        assert tags and any(expected) and not all(expected)
        near_tags = {p + d for p in tags for d in (-1, 0, 1, 9) if 0 <= p + d < len(text)}
        for _ in range(5):
            positions = sorted(rng.sample(range(len(text)), 40) + rng.sample(sorted(near_tags), 40))
            spans = vnfonts._CodeSpans(text)
            assert [spans.inside(p) for p in positions] == [expected[p] for p in positions]
        for pos in rng.sample(range(len(text)), 20):  # first positions anywhere in the page
            assert vnfonts._CodeSpans(text).inside(pos) == expected[pos]


def test_page_without_legacy_run_is_returned_itself():
    """A page whose suspicious characters (©, « », ×) judge no run legacy comes back as
    the same string: nothing is copied."""
    for text in _page_texts():
        text = f"<p>© 2024 ×</p>{text}<footer>«Cổng thông tin» ©</footer>"
        for utf8 in (None, text.encode("utf-8")):
            fixed, kinds = vnfonts.fix_legacy_fonts_report(text, utf8)
            assert fixed is text and not kinds
