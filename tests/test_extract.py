"""Profiles, family detection, the profile extraction path and known-boilerplate stripping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import html as lhtml

from micnews.cleaners.boilerplate import DEFAULT_MARKERS, Markers, is_boilerplate, strip_boilerplate
from micnews.cleaners.detect import detect_family
from micnews.cleaners.extract import extract_with_profile, interpret_byline, paragraphs_of
from micnews.cleaners.profile import get_profile, load_profiles

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
PROFILED = sorted(p.stem for p in PAGES.glob("*.json") if not p.stem.startswith("unknown"))


def load(name: str) -> tuple[dict, lhtml.HtmlElement]:
    meta = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
    tree = lhtml.document_fromstring((PAGES / f"{name}.html").read_text(encoding="utf-8"))
    return meta, tree


# --- profiles -----------------------------------------------------------------------


def test_profiles_load_once_as_frozen_data() -> None:
    profiles = load_profiles()
    assert [p.name for p in profiles] == ["mic_legacy", "nukeviet3", "nukeviet4", "vccorp_cms"]
    assert load_profiles() is profiles  # cached
    with pytest.raises(AttributeError):
        profiles[0].name = "x"  # type: ignore[misc]
    assert get_profile("nukeviet4").extractor == "profile:nukeviet4"


def test_every_profile_selector_is_valid_css() -> None:
    tree = lhtml.document_fromstring("<html><body><p>x</p></body></html>")
    for p in load_profiles():
        sels = p.title + p.lead + p.body + p.date + p.author + p.tags + p.drop + p.images
        for sel in sels + p.canonical + p.labelled + p.detect.markers:
            tree.cssselect(sel.split("@")[0])


# --- detection ----------------------------------------------------------------------


@pytest.mark.parametrize("name", PROFILED)
def test_detects_family_of_each_fixture(name: str) -> None:
    meta, tree = load(name)
    profile = detect_family(tree, meta["url"])
    assert profile is not None and profile.name == meta["family"]


def test_unknown_family_is_not_profiled() -> None:
    meta, tree = load("unknown_liferay_hanoi")
    assert detect_family(tree, meta["url"]) is None


@pytest.mark.parametrize(
    "name", ["nukeviet4_dienbien_45", "nukeviet4_laichau_labels", "nukeviet3_kontum_br"]
)
def test_nukeviet_fires_for_any_host(name: str) -> None:
    meta, tree = load(name)
    for url in ("http://sotttt.example.vn/vi/news/a-1.html", "https://127.0.0.1:8081/x.html"):
        assert detect_family(tree, url).name == meta["family"]


def test_hostname_alone_never_decides() -> None:
    tree = lhtml.document_fromstring(
        "<html><body><h1>Tin</h1><div class='content'><p>Một đoạn văn.</p></div></body></html>"
    )
    assert detect_family(tree, "https://mic.gov.vn/Pages/TinTuc/1/a.html") is None


def test_generator_meta_alone_decides_nukeviet() -> None:
    tree = lhtml.document_fromstring(
        '<html><head><meta name="generator" content="NukeViet v4.0"></head><body></body></html>'
    )
    assert detect_family(tree, "http://x.vn/").name == "nukeviet4"
    tree = lhtml.document_fromstring(
        '<html><head><meta name="generator" content="NukeViet v3.4"></head><body></body></html>'
    )
    assert detect_family(tree, "http://x.vn/").name == "nukeviet3"


# --- profile extraction -------------------------------------------------------------


@pytest.mark.parametrize("name", PROFILED)
def test_extract_with_profile_reads_expected_fields(name: str) -> None:
    meta, tree = load(name)
    exp = meta["expected"]
    ex = extract_with_profile(tree, meta["url"], get_profile(meta["family"]))
    assert ex is not None
    assert ex.title == exp["title"]
    assert ex.lead == exp["lead"]
    assert ex.author == exp["author"]
    assert ex.source == exp["source"]
    assert ex.published_at is not None and ex.published_at.isoformat() == exp["published_at"]
    assert [{"url": i.url, "caption": i.caption} for i in ex.images] == exp["images"]
    assert ex.tags == exp["tags"]
    # NukeViet 3 themes print no canonical link: then there is none to report
    assert ex.canonical_url == (None if meta["family"] == "nukeviet3" else meta["url"])
    assert ex.language == "vi"
    # captions never in the paragraphs
    for img in exp["images"]:
        assert not any(img["caption"] in p for p in ex.paragraphs)


def test_listing_page_has_no_article_body() -> None:
    tree = lhtml.document_fromstring(
        (PAGES / "not_articles" / "nukeviet4_listing.html").read_text(encoding="utf-8")
    )
    profile = detect_family(tree, "https://stttt.dienbien.gov.vn/vi/news/tin-tuc-su-kien/page-2")
    assert profile is not None and profile.name == "nukeviet4"
    assert extract_with_profile(tree, "https://x.vn/", profile) is None


def test_removed_counts_each_step() -> None:
    meta, tree = load("nukeviet4_dienbien_45")
    ex = extract_with_profile(tree, meta["url"], get_profile("nukeviet4"))
    assert ex.removed["captions"] >= 2  # home image and body image
    assert ex.removed["duplicate_images"] >= 1  # #imgpreview repeats the home image
    assert ex.removed["bylines"] == 1
    assert ex.removed["source_tag"] == 1


def test_paragraphs_from_blocks_and_double_br() -> None:
    el = lhtml.fragment_fromstring(
        "<div>Một<br>hai<br><br>ba<p>bốn &agrave;</p>năm<div><span>sáu</span></div></div>"
    )
    assert paragraphs_of(el) == ["Một hai", "ba", "bốn à", "năm", "sáu"]


def test_alt_text_never_in_paragraphs() -> None:
    el = lhtml.fragment_fromstring('<div><p>Trước <img src="a.jpg" alt="ẢNH ALT"> sau</p></div>')
    assert paragraphs_of(el) == ["Trước sau"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("H3VP", ("H3VP", None)),
        ("Kim Thanh", ("Kim Thanh", None)),
        ("Hữu Thắng - Sở TT&TT Bắc Ninh", ("Hữu Thắng - Sở TT&TT Bắc Ninh", None)),
        ("Theo ictnews.vietnamnet.vn", (None, "ictnews.vietnamnet.vn")),
        ("Tác giả: Minh Hải", ("Minh Hải", None)),
        ("Tác giả bài viết: Lê Hương", ("Lê Hương", None)),
        ("Nguồn tin: Sở TT&TT Kon Tum", (None, "Sở TT&TT Kon Tum")),
    ],
)
def test_interpret_byline(line: str, expected: tuple) -> None:
    assert interpret_byline(line) == expected


# --- known boilerplate --------------------------------------------------------------


@pytest.mark.parametrize(
    "para",
    [
        "ĐÁNH GIÁ BÀI VIẾT( 0)",
        "ĐÁNH GIÁ BÀI VIẾT(  0)",
        "Xem cỡ chữ",
        "Tăng tương phản",
        "Tổng số điểm của bài viết là: 0 trong 0 đánh giá",
        "Click để đánh giá bài viết",
        "Bạn đã không sử dụng Site, Bấm vào đây để duy trì trạng thái đăng nhập. "
        "Thời gian chờ: 60 giây",
        "Trình duyệt của bạn đã tắt chức năng hỗ trợ JavaScript. Website chỉ làm việc khi bạn "
        "bật nó trở lại.",
        "Top",
        "img",
        "banner",
        "icon",
        "Xem chi tiết icon",
        "/uploads/news/2012_05/img_2592.jpg",
        "Họ và tên:",
        "Mã Captcha:",
        "Lượt xem: 1.024",
        # navigation labels alone or in a row (cleaners/boilerplate.toml [navigation])
        "Đọc tiếp Về trang Chủ đề",
        "Xem thêm »",
        "Quay lại | Trang chủ",
    ],
)
def test_default_markers_catch_known_furniture(para: str) -> None:
    assert is_boilerplate(para, DEFAULT_MARKERS)


@pytest.mark.parametrize(
    "para",
    [
        "Sở TT&TT tổ chức hội nghị tổng kết công tác năm.",
        "Top 10 doanh nghiệp công nghệ số được vinh danh tại hội nghị.",
        "Họ và tên người đạt giải được công bố trên Cổng thông tin điện tử của tỉnh vào cuối tuần.",
        "Đọc tiếp bài phát biểu của Bộ trưởng tại hội nghị.",  # a sentence with a label's words
        "Trở về trang chủ đề của hội nghị, đại biểu thảo luận về chuyển đổi số.",
    ],
)
def test_article_text_is_not_boilerplate(para: str) -> None:
    assert not is_boilerplate(para, DEFAULT_MARKERS + get_profile("vccorp_cms").markers)


def test_strip_boilerplate_cuts_other_news_and_scrubs_upload_paths() -> None:
    paras = [
        "Đoạn một.",
        "phát triển /uploads/news/2012_05/img_2592.jpg Giám đốc Sở",
        "Những tin mới hơn",
        "Hội nghị giao ban tháng 6 (02/06/2012)",
    ]
    kept, removed = strip_boilerplate(paras)
    assert kept == ["Đoạn một.", "phát triển Giám đốc Sở"]
    assert removed == 3


def test_profile_markers_add_to_defaults() -> None:
    markers = Markers(lines=("Cổng dịch vụ công Quốc Gia",))
    kept, removed = strip_boilerplate(["Cổng dịch vụ công  Quốc Gia", "Top", "Nội dung."], markers)
    assert kept == ["Nội dung."] and removed == 2


def test_marker_patterns_keep_their_own_flags_when_tested_as_one() -> None:
    """The whole-paragraph regexes are tried as one alternation: each keeps its own flags
    (the defaults ignore case, a profile's need not), and a pattern with global inline
    flags, which cannot join others, is still tried."""
    import re

    markers = Markers(patterns=(re.compile("Lượt xem: \\d+"), re.compile("(?i)in bài")))
    assert is_boilerplate("Lượt xem: 12", markers)
    assert not is_boilerplate("lượt xem: 12", markers)  # this one is case-sensitive
    assert is_boilerplate("IN BÀI", markers)  # "(?i)" kept
    assert not is_boilerplate("In bài viết này", markers)  # whole paragraph only
    both = DEFAULT_MARKERS + Markers(patterns=(re.compile("Nguồn: TTXVN"),))
    assert is_boilerplate("ĐÁNH GIÁ BÀI VIẾT( 0)", both)
    assert is_boilerplate("đánh giá bài viết (3)", both)
    assert is_boilerplate("Nguồn: TTXVN", both) and not is_boilerplate("nguồn: ttxvn", both)
