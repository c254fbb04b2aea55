"""Bytes -> clean NFC text: charset order, fall-backs, mojibake, legacy fonts, NFC."""

from __future__ import annotations

import codecs
import dataclasses
import importlib.util
import json
import re
import unicodedata
from pathlib import Path

import pytest

from micnews.cleaners.decode import NFC_CHUNK, Decoded, decode_html, nfc_by_chunks, repair_text
from tests.helpers import real_pages, shared

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "encodings"
CASES = json.loads((FIXTURES / "cases.json").read_text(encoding="utf-8"))


def _make_module():
    spec = importlib.util.spec_from_file_location("encodings_make", FIXTURES / "make.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _paragraphs(html: str) -> list[str]:
    found = re.findall(r'<p id="t\d+">(.*?)</p>', html, flags=re.S)
    return [re.sub(r"<[^>]+>", "", p) for p in found]


# --- our fixtures -------------------------------------------------------------------------


def test_fixtures_are_reproducible():
    cases = _make_module().cases()
    assert sorted(cases) == sorted(CASES)
    for name, case in cases.items():
        assert (FIXTURES / name).read_bytes() == case.pop("bytes"), name
        assert case == CASES[name], name


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_decodes_exactly(name):
    case = CASES[name]
    decoded = decode_html((FIXTURES / name).read_bytes(), case["content_type"])
    assert _paragraphs(decoded.html) == case["expect"]
    assert (decoded.encoding, decoded.source) == (case["encoding"], case["source"])
    assert unicodedata.is_normalized("NFC", decoded.html)


def test_repairs_are_reported():
    def repairs(name):
        data = (FIXTURES / name).read_bytes()
        return decode_html(data, CASES[name]["content_type"]).repairs

    assert repairs("utf8_plain.html") == ()
    assert "nfc" in repairs("cp1258_header.html")
    assert "ftfy" in repairs("mojibake.html")
    assert "tcvn3" in repairs("tcvn3_font.html")
    assert "vni" in repairs("vni_font.html")
    assert "utf8-replace" in repairs("invalid_utf8.html")
    assert "mixed-cp1258" in repairs("mixed_utf8_cp1258.html")


def test_decoded_is_frozen():
    decoded = decode_html(b"<p>x</p>")
    assert isinstance(decoded, Decoded)
    with pytest.raises(dataclasses.FrozenInstanceError):
        decoded.html = "y"  # type: ignore[misc]


# --- never raises ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "ctype"),
    [
        (b"", None),
        (b"\x00\xff\xfe\x80" * 50, None),
        (b"<p>abc</p>", "text/html; charset=bogus-charset"),
        (b"<meta charset=nonsense><p>abc</p>", "text/html; charset="),
        ("<p>Hà Nội</p>".encode("utf-16-le"), "text/html; charset=utf-16"),
        (b"\xff\xfe" + "<p>Hà Nội</p>".encode("utf-16-le"), None),
        ("<p>Hà Nội</p>".encode() + b"\xe1", "text/html; charset=tcvn"),
    ],
)
def test_never_raises(body, ctype):
    decoded = decode_html(body, ctype)
    assert isinstance(decoded.html, str)
    assert decoded.source in {"header", "bom", "meta", "detected", "fallback"}


def test_utf16_bom():
    decoded = decode_html(codecs.BOM_UTF16_LE + "<p>Hà Nội</p>".encode("utf-16-le"))
    assert (decoded.html, decoded.encoding, decoded.source) == ("<p>Hà Nội</p>", "utf-16-le", "bom")


def test_unknown_declared_charset_falls_through_to_meta():
    body = '<meta charset="utf-8"><p>Hà Nội</p>'.encode()
    decoded = decode_html(body, "text/html; charset=x-unknown")
    assert (decoded.source, decoded.encoding) == ("meta", "utf-8")


def test_xml_declaration_counts_as_meta():
    xml = '<?xml version="1.0" encoding="windows-1258"?><p>Hà Nội</p>'
    body = _make_module().to_cp1258(xml)
    decoded = decode_html(body)
    assert "Hà Nội" in decoded.html
    assert decoded.source == "meta"


def test_tcvn_label_aliases():
    make = _make_module()
    body = b"<p>" + make.to_tcvn5712("Điện Biên: Uỷ ban nhân dân tỉnh") + b"</p>"
    for label in ("tcvn", "TCVN5712-1", "tcvn5712-1:1993"):
        decoded = decode_html(body, f"text/html; charset={label}")
        assert decoded.html == "<p>Điện Biên: Uỷ ban nhân dân tỉnh</p>", label


def test_legacy_font_in_script_is_left_alone():
    body = (
        '<script>var s = "hoµ ViÖt";</script><p><font face=".VnTime">Céng hoµ ViÖt Nam</font></p>'
    ).encode("cp1252")
    html = decode_html(body, "text/html; charset=iso-8859-1").html
    assert 'var s = "hoµ ViÖt";' in html
    assert "Cộng hoà Việt Nam" in html


# --- the shared VISCII / windows-1258 / UTF-8 samples ------------------------------------


@pytest.mark.parametrize(
    ("name", "ctype", "encoding"),
    [
        ("uchardet_vi_utf-8.txt", None, "utf-8"),
        ("uchardet_vi_windows-1258.txt", None, "cp1258"),
        ("uchardet_vi_windows-1258.txt", "text/plain; charset=windows-1258", "cp1258"),
        ("uchardet_vi_viscii.txt", None, "viscii"),
        ("uchardet_vi_viscii.txt", "text/plain; charset=VISCII", "viscii"),
    ],
)
def test_shared_samples_match_utf8(name, ctype, encoding):
    folder = shared("realpages", "encodings")  # MPL/GPL texts: not shipped
    expected = unicodedata.normalize(
        "NFC", (folder / "uchardet_vi_utf-8.txt").read_text(encoding="utf-8")
    )
    decoded = decode_html((folder / name).read_bytes(), ctype)
    assert decoded.html == expected
    assert decoded.encoding == encoding


def test_real_utf8_pages_are_not_rewritten():
    """Correct UTF-8 pages come out as NFC of their bytes: no false mojibake/legacy repairs."""
    pages = [page.path for page in real_pages()]
    assert pages
    for path in pages:
        data = path.read_bytes().removeprefix(codecs.BOM_UTF8)
        expected = unicodedata.normalize("NFC", data.decode("utf-8"))
        assert decode_html(path.read_bytes()).html == expected, path.name


# --- repair_text --------------------------------------------------------------------------

SAMPLES = [
    "Sở Bưu chính Viễn thông",
    "Ông Nguyễn Văn Hoà và bà Thuý; hòa bình, thúy",
    '“nghĩa tình” – … …. ﬁnal ＡＢＣ — "thẳng"',
    "Thôn tin và truyên thông (lỗi chính tả thật)",
    "Céng hoµ x· héi chñ nghÜa ViÖt Nam",
    "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam",
    "Sá»Ÿ BÆ°u chÃ\xadnh Viá»…n thÃ´ng",
    "Hélène a été à Paris. The café, naïve résumé.",
    "Ðà Nẵng và Ðồng Nai",
    "a\u00a0b\u200bc",
    "ASCII only text",
]


def test_repair_mojibake():
    assert repair_text("Sá»Ÿ BÆ°u chÃ\xadnh Viá»…n thÃ´ng") == "Sở Bưu chính Viễn thông"


def test_repair_keeps_typography_and_typos():
    text = '“nghĩa tình” – … …. ﬁnal ＡＢＣ — "thẳng"'
    assert repair_text(text) == text
    typo = "Thôn tin và truyên thông (lỗi chính tả thật)"
    assert repair_text(typo) == typo


def test_repair_mojibake_keeps_source_typography():
    original = "“nghĩa tình”… Hà Nội – ﬁ"
    moji = _make_module().sloppy_cp1252(original.encode("utf-8"))
    assert "â€œ" in moji
    assert repair_text(moji) == original


def test_repair_keeps_both_tone_placements():
    text = "Ông Nguyễn Văn Hoà và bà Thuý; hòa bình, thúy"
    assert repair_text(text) == text
    decomposed = unicodedata.normalize("NFD", text)
    assert repair_text(decomposed) == text


def test_repair_legacy_fonts_and_eth():
    assert repair_text("Céng hoµ x· héi chñ nghÜa ViÖt Nam") == "Cộng hoà xã hội chủ nghĩa Việt Nam"
    assert repair_text("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam") == (
        "Cộng hòa xã hội chủ nghĩa Việt Nam"
    )
    assert repair_text("Ðà Nẵng và Ðồng Nai") == "Đà Nẵng và Đồng Nai"
    assert repair_text("Ðað sagði") == "Ðað sagði"  # Icelandic stays


def test_repair_foreign_text_untouched():
    for text in ("Hélène a été à Paris. The café, naïve résumé.", "Schön für Müller, año, sí"):
        assert repair_text(text) == text


def test_repair_spaces_conservative():
    assert repair_text("a\u00a0b\u200bc") == "a bc"
    assert repair_text("người\u00addân") == "ngườidân"
    assert repair_text("a  b\n\nc") == "a  b\n\nc"  # layout whitespace is not ours


@pytest.mark.parametrize("text", SAMPLES)
def test_repair_idempotent(text):
    once = repair_text(text)
    assert repair_text(once) == once
    assert unicodedata.is_normalized("NFC", once)


def test_utf8_page_with_a_cp1252_paragraph():
    body = (
        "<p>Hội nghị tổng kết năm 2012 của Sở</p>".encode()
        + b"<p>Le caf\xe9 de H\xe9l\xe8ne \xe0 Paris, \x93vraiment\x94.</p>"
    )
    decoded = decode_html(body)
    assert decoded.encoding == "utf-8"
    assert decoded.html == (
        "<p>Hội nghị tổng kết năm 2012 của Sở</p><p>Le café de Hélène à Paris, “vraiment”.</p>"
    )


@pytest.mark.parametrize("codec", ["gbk", "big5"])
def test_cjk_legacy_page_is_not_taken_for_broken_utf8(codec):
    text = (
        "<p>中華民國國務院新聞辦公室</p>"
        if codec == "big5"
        else "<p>中华人民共和国国务院新闻办公室</p>"
    )
    decoded = decode_html(text.encode(codec))
    assert decoded.html == text


def test_legacy_font_text_stored_as_utf8():
    """A CMS that re-saved a .VnTime page as UTF-8 keeps the gibberish as real characters."""
    body = '<meta charset="utf-8"><p><font face=".VnTime">Céng hoµ x· héi</font></p>'.encode()
    decoded = decode_html(body)
    assert (
        decoded.html == '<meta charset="utf-8"><p><font face=".VnTime">Cộng hoà xã hội</font></p>'
    )
    assert decoded.repairs == ("tcvn3",)


def test_declared_latin1_with_undefined_cp1252_bytes_does_not_fail():
    decoded = decode_html(b"<p>caf\xe9 \x81 \x93x\x94</p>", "text/html; charset=iso-8859-1")
    assert (decoded.html, decoded.encoding, decoded.source) == (
        "<p>café \x81 “x”</p>",
        "cp1252",
        "header",
    )


def test_fixture_paragraphs_are_already_clean():
    for case in CASES.values():
        for text in case["expect"]:
            assert repair_text(text) == text


# --- UTF-16 without a BOM, on real pages ----------------------------------------------------
# (URL, title as the page's <h1> shows it, dateline as the page shows it); the pages are
# shipped in tests/fixtures/realpages/tracking_news_mcp (MIT)
UTF16_PAGES = {
    "tuoitre_article": (  # the VCCorp CMS family; <meta http-equiv ... charset=utf-8>
        "https://tuoitre.vn/chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-20260307075519174.htm",
        "Chiến sự đẩy giá hoa nhập khẩu dịp 8-3 tăng mạnh", (2026, 3, 7, 8, 1)),
    "vnexpress_article": (  # the generic path; <meta charset="utf-8">
        "https://vnexpress.net/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html",
        "Cách các nước đối phó cú sốc năng lượng từ Trung Đông", (2026, 3, 7, 0, 5)),
}


@pytest.mark.parametrize("name", sorted(UTF16_PAGES))
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("ctype", [None, "text/html", "text/html; charset=utf-16",
                                   "text/html; charset=utf-8"])
def test_utf16_without_bom_is_the_same_page(name: str, codec: str, ctype: str | None) -> None:
    from micnews.cleaners.clean import clean
    from micnews.cleaners.record import Page, Record
    from tests.helpers import REALPAGES

    url, title, when = UTF16_PAGES[name]
    raw = (REALPAGES / "tracking_news_mcp" / f"{name}.html").read_bytes()
    utf16 = raw.decode("utf-8").encode(codec)  # no BOM: Python's -le/-be codecs write none
    assert not utf16.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    decoded = decode_html(utf16, ctype)
    assert decoded.encoding == codec and "\x00" not in decoded.html
    assert decoded.source == ("header" if ctype and "utf-16" in ctype else "detected")
    headers = {"content-type": ctype} if ctype else {}
    got, want = clean(Page(url, utf16, headers)), clean(Page(url, raw, {}))
    assert isinstance(got, Record) and isinstance(want, Record), got
    assert got.title == title
    assert got.published_at is not None
    assert got.published_at.replace(second=0).timetuple()[:5] == when
    assert (got.title, got.text, got.published_at, got.author) == (
        want.title, want.text, want.published_at, want.author)


def test_a_utf16_meta_label_on_utf16_bytes() -> None:
    body = '<html><head><meta charset="utf-16"></head><body><p>Hà Nội</p></body></html>'
    for codec in ("utf-16-le", "utf-16-be"):
        decoded = decode_html(body.encode(codec))
        assert (decoded.html, decoded.encoding, decoded.source) == (body, codec, "meta")


def test_page_in_decomposed_unicode_comes_out_nfc_chunk_by_chunk():
    """A real page saved in decomposed Unicode (NFD: letters plus combining marks, as some
    editors and macOS tools write it) comes out exactly as NFC of the whole page, although
    it is normalised a chunk at a time; a page already in NFC is returned as it is."""
    path = FIXTURES.parent / "realpages" / "fundus" / "vnexpress_2025_10_22.html"
    text = path.read_bytes().decode("utf-8")
    assert len(text) > 4 * NFC_CHUNK
    nfc = unicodedata.normalize("NFC", text)
    decoded = decode_html(unicodedata.normalize("NFD", text).encode("utf-8"),
                          "text/html; charset=utf-8")
    assert decoded.html == nfc
    assert "nfc" in decoded.repairs
    assert nfc_by_chunks(nfc) is nfc  # unchanged text is not copied
