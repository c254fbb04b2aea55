"""Whole-page character scans on UTF-8 bytes give the answers of the str scans they replace.

The pages are the real pages of tests/fixtures/realpages (and ../shared/realpages when
present), each also with legacy-font letters, mojibake and control characters planted at
the start, in the middle (inside a Vietnamese word) and at the end.
"""

from __future__ import annotations

import codecs

import pytest

from micnews.cleaners import vnfonts
from micnews.cleaners.bytescan import MIN_CHARS, CharScan, utf8_of
from micnews.cleaners.decode import (
    _CONTROL_SCAN,
    _MOJIBAKE_HINT_RE,
    _has_mojibake_hint,
    decode_html,
)
from tests.helpers import real_pages

PLANTED = ("Chính saùch", "Viá»‡t Nam", "©", "a\x01b\x7f", "«TCVN3 ¸nh s¸ng»")


def _texts() -> list[str]:
    texts = []
    for page in real_pages():
        text = page.path.read_bytes().removeprefix(codecs.BOM_UTF8).decode("utf-8", "replace")
        if len(text) < MIN_CHARS:
            continue
        middle = next((i for i, c in enumerate(text) if ord(c) > 0x1E00), len(text) // 2)
        texts.append(text)
        for plant in PLANTED:
            texts.append(plant + text[:middle] + plant + text[middle:] + plant)
    return texts


TEXTS = _texts()


def test_there_are_long_real_pages():
    assert len(TEXTS) >= 6 * 3


@pytest.mark.parametrize("scan", [vnfonts._STRONG_SCAN, _CONTROL_SCAN])
def test_positions_and_presence_match_the_str_scan(scan: CharScan):
    for text in TEXTS:
        utf8 = utf8_of(text)
        assert utf8 is not None
        expected = [m.start() for m in scan.text_re.finditer(text)]
        assert scan.positions(text, utf8) == expected
        assert scan.found(text, utf8) == bool(expected)


def test_mojibake_hint_matches_the_str_scan():
    hits = 0
    for text in TEXTS:
        expected = _MOJIBAKE_HINT_RE.search(text) is not None
        assert _has_mojibake_hint(text, utf8_of(text)) == expected
        hits += expected
    assert hits >= len(PLANTED)  # the planted mojibake was seen


def test_characters_of_three_bytes_are_refused():
    with pytest.raises(ValueError):
        CharScan("ệ")


def test_decoded_page_has_no_control_characters():
    """A real page with control characters planted comes out without them (lxml refuses
    them as text) and says so; its other text is untouched."""
    page = next(p for p in real_pages() if p.shipped and p.path.stat().st_size > MIN_CHARS)
    text = page.path.read_bytes().removeprefix(codecs.BOM_UTF8).decode("utf-8")
    middle = len(text) // 2
    dirty = "\x01" + text[:middle] + "\x0b\x1f\x7f" + text[middle:] + "\x00"
    decoded = decode_html(dirty.encode("utf-8"), "text/html; charset=utf-8")
    clean = decode_html(text.encode("utf-8"), "text/html; charset=utf-8")
    assert decoded.html == clean.html
    assert "controls" in decoded.repairs and "controls" not in clean.repairs
