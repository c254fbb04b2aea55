"""The generic path on a made-up custom .NET portal (tests/fixtures/generic)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from micnews.cleaners.clean import clean_many
from micnews.cleaners.generic import apply_template, extract_generic, page_blocks
from micnews.cleaners.record import Page, Record
from micnews.cleaners.templates import SiteTemplate, TemplateRegistry
from micnews.cleaners.textnorm import norm_key

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "generic"
CASES = sorted(FIXTURES.glob("*.json"))
SITE = "stttt.tinhdemo.gov.vn"
# Template text that plain trafilatura lets through on this site.
TEMPLATE_LINES = [
    "Chung tay xây dựng chính quyền số vì nhân dân phục vụ",
    "Cơ quan chủ quản: Sở Thông tin và Truyền thông tỉnh Demo",
    "Điện thoại: 0200.3812.345 - Email: stttt@tinhdemo.gov.vn",
    "Tin đăng ngày",
    "Xem:",
]
REPEATED = "Sở yêu cầu các đơn vị báo cáo kết quả thực hiện trước ngày 15 hằng tháng."


def _tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def token_f1(got: str, want: str) -> float:
    a, b = _tokens(got), _tokens(want)
    common = sum((a & b).values())
    if not common:
        return 0.0
    p, r = common / sum(a.values()), common / sum(b.values())
    return 2 * p * r / (p + r)


def _load() -> tuple[list[Page], list[dict]]:
    pages, expected = [], []
    for path in CASES:
        data = json.loads(path.read_text(encoding="utf-8"))
        body = path.with_suffix(".html").read_bytes()
        pages.append(Page(data["url"], body, data["headers"]))
        expected.append(data["expected"])
    return pages, expected


def _registry() -> TemplateRegistry:
    reg = TemplateRegistry()
    for path in CASES:
        reg.for_site(SITE).learn(page_blocks(path.with_suffix(".html").read_text("utf-8")))
    return reg


def test_fixture_site_is_big_enough() -> None:
    assert 6 <= len(CASES) <= 8


def test_plain_extraction_leaks_the_template() -> None:
    """Without the template the furniture is there: the fixture tests something."""
    html = CASES[0].with_suffix(".html").read_text("utf-8")
    got = extract_generic(html, "https://stttt.tinhdemo.gov.vn/x")
    assert got is not None
    joined = "\n".join(got.paragraphs)
    assert "Cơ quan chủ quản" in joined


def test_page_blocks_cover_menu_sidebar_and_footer() -> None:
    blocks = set(page_blocks(CASES[0].with_suffix(".html").read_text("utf-8")))
    for line in ("Trang chủ", "Tin mới", TEMPLATE_LINES[0], TEMPLATE_LINES[1]):
        assert norm_key(line) in blocks


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_template_removes_site_furniture(path: Path) -> None:
    html = path.with_suffix(".html").read_text("utf-8")
    got = extract_generic(html, "https://stttt.tinhdemo.gov.vn/x", _registry().for_site(SITE))
    assert got is not None
    joined = "\n".join(got.paragraphs)
    for line in TEMPLATE_LINES:
        assert line not in joined
    assert got.removed.get("template", 0) >= 3


def test_repeated_sentence_inside_one_article_survives() -> None:
    pages, expected = _load()
    records = clean_many(pages)
    hits = [r for r in records if isinstance(r, Record) and REPEATED in r.text]
    assert len(hits) == 1
    assert hits[0].text.count(REPEATED) == 2


def test_body_f1_and_fields_through_clean_many() -> None:
    pages, expected = _load()
    records = clean_many(pages)
    for rec, want in zip(records, expected, strict=True):
        assert isinstance(rec, Record), rec
        assert token_f1(rec.text, want["text"]) >= 0.85, rec.url
        for line in TEMPLATE_LINES:
            assert line not in rec.text
        assert rec.title == want["title"]
        assert rec.lead == want["lead"]
        assert rec.text.count(want["lead"]) == 1
        assert rec.author == want["author"]
        assert rec.published_at is not None
        assert rec.published_at.isoformat() == want["published_at"]
        assert [{"url": i.url, "caption": i.caption} for i in rec.images] == want["images"]


def test_guard_keeps_an_article_the_template_would_empty() -> None:
    paragraphs = ["Đoạn một của bài báo.", "Đoạn hai của bài báo.", "Chân trang"]
    tpl = SiteTemplate(min_pages=3)
    for _ in range(3):
        tpl.learn(paragraphs)  # the same article seen three times (republished copies)
    kept, removed, tripped = apply_template(paragraphs, tpl)
    assert tripped and removed == 0 and kept == paragraphs
    tpl2 = SiteTemplate(min_pages=3)
    for _ in range(3):
        tpl2.learn(["Chân trang"])
    kept, removed, tripped = apply_template(paragraphs, tpl2)
    assert not tripped and removed == 1 and kept == paragraphs[:2]


def test_listing_page_is_not_an_article() -> None:
    items = "".join(
        f'<li><a href="/tin/{i}">Tin tức số {i} về hoạt động của ngành thông tin và truyền '
        f"thông tỉnh trong tháng</a></li>"
        for i in range(30)
    )
    html = f"<html><body><h1>Tin tức</h1><ul>{items}</ul></body></html>"
    assert extract_generic(html, "https://stttt.tinhdemo.gov.vn/tin-tuc") is None


def test_short_page_is_not_an_article() -> None:
    html = "<html><body><h1>Liên hệ</h1><p>Điện thoại: 0200.3812.345</p></body></html>"
    assert extract_generic(html, "https://stttt.tinhdemo.gov.vn/lien-he") is None


def test_teaser_cards_are_a_listing() -> None:
    """Summaries under headline links (a category page) are not an article, even when
    trafilatura keeps only the summaries."""
    cards = "".join(
        f'<div class="item"><h3><a href="/tin/{i}">Tiêu đề tin số {i} về hoạt động của Sở '
        f"trong tuần</a></h3><p>Tóm tắt tin số {i}: Sở Thông tin và Truyền thông tổ chức "
        f"nhiều hoạt động hỗ trợ người dân sử dụng dịch vụ công trực tuyến.</p></div>"
        for i in range(12)
    )
    html = f"<html><body><h1>Tin tức</h1><div class='list'>{cards}</div></body></html>"
    assert extract_generic(html, "https://stttt.tinhdemo.gov.vn/tin-tuc") is None


@pytest.mark.parametrize(
    ("line", "is_meta"),
    [
        ("Tin đăng ngày: 6/2/2020 - Xem: 92", True),
        ("Ngày đăng 24/04/2018 | 04:39 PM | View count: 1252", True),
        ("Cập nhật: 07/02/2007 08:30", True),
        ("Ngày 06/02/2007, Sở BCVT tỉnh Quảng Ninh tổ chức hội nghị.", False),
    ],
)
def test_date_and_view_count_lines_leave_the_body(line: str, is_meta: bool) -> None:
    body = "".join(
        f"<p>Đoạn văn số {i} của bài viết nói về công tác chuyển đổi số của tỉnh trong năm "
        f"qua với nhiều kết quả đáng ghi nhận.</p>"
        for i in range(4)
    )
    html = f"<html><body><article><h1>Tiêu đề</h1><p>{line}</p>{body}</article></body></html>"
    got = extract_generic(html, "https://stttt.tinhdemo.gov.vn/x")
    assert got is not None
    assert (line not in got.paragraphs) is is_meta


@pytest.mark.parametrize(
    "html",
    ["", "   ", "plain text", "<html></html>", "\x00\x01<p>a</p>",
     '<?xml version="1.0" encoding="utf-8"?><html><body><p>Đoạn</p></body></html>'],
)
def test_degenerate_input_gives_none_not_an_error(html: str) -> None:
    assert extract_generic(html, "https://stttt.tinhdemo.gov.vn/x") is None
    assert isinstance(page_blocks(html), list)


# --- related headlines and short articles with a related box --------------------------
_ARTICLE_PARAS = [
    "Sáng 12/3, Sở Thông tin và Truyền thông tỉnh tổ chức hội nghị tổng kết công tác chuyển "
    "đổi số năm 2023 với sự tham dự của đại diện các sở, ngành và địa phương trong tỉnh.",
    "Theo báo cáo, trong năm qua tỉnh đã đưa vào vận hành nền tảng dữ liệu dùng chung, cung "
    "cấp hơn 1.200 dịch vụ công trực tuyến toàn trình cho người dân và doanh nghiệp.",
    "Phát biểu tại hội nghị, Giám đốc Sở đề nghị các đơn vị tiếp tục rà soát quy trình, bảo "
    "đảm an toàn thông tin và nâng cao kỹ năng số cho cán bộ, công chức cấp xã.",
    "Dịp này, UBND tỉnh đã tặng bằng khen cho 15 tập thể và 20 cá nhân có thành tích xuất "
    "sắc trong triển khai chuyển đổi số năm 2023.",
]
_RELATED = ["Hội nghị giao ban báo chí quý III năm 2023 của tỉnh",
            "Khai trương Trung tâm giám sát điều hành đô thị thông minh",
            "Tập huấn kỹ năng số cho cán bộ cấp xã trên địa bàn tỉnh",
            "Phát động cuộc thi tìm hiểu về chuyển đổi số năm 2023"]


def _related_page() -> str:
    paras = "".join(f"<p>{p}</p>" for p in _ARTICLE_PARAS)
    related = "".join(f"<p><a href='/tin-{i}.html'>{t}</a></p>" for i, t in enumerate(_RELATED))
    return ("<html><head><title>Tổng kết chuyển đổi số năm 2023</title></head><body>"
            "<div class='menu'><a href='/'>Trang chủ</a></div><article>"
            f"<h1>Tổng kết chuyển đổi số năm 2023</h1>{paras}"
            f"<div class='related'><p>Tin liên quan</p>{related}</div></article>"
            "<footer>Bản quyền</footer></body></html>")


def test_short_article_with_a_related_box_is_not_a_teaser_listing() -> None:
    """The <article> holding four paragraphs and four headline links is small enough to
    look like a teaser card; a card holds one summary, so this is an article."""
    ex = extract_generic(_related_page(), "https://stttt.example.gov.vn/tin-tuc/tong-ket.html")
    assert ex is not None
    assert ex.paragraphs == _ARTICLE_PARAS


def test_headline_link_lines_leave_the_text() -> None:
    from micnews.cleaners.clean import parse_html
    from micnews.cleaners.generic import _drop_link_lines, link_words

    root = parse_html(_related_page())
    lines = [*_ARTICLE_PARAS, *_RELATED, f"2 {_RELATED[1]}", "Tin liên quan"]
    kept, removed = _drop_link_lines(link_words(root), lines)
    assert kept == [*_ARTICLE_PARAS, "Tin liên quan"]
    assert removed == len(_RELATED) + 1


# --- headline links in scripts written without spaces ---------------------------------
def test_japanese_related_headlines_leave_the_text() -> None:
    """A WordPress blog's "related posts" table (note100yen.com in the Zyte benchmark,
    ../shared/benchmarks/zyte-article-extraction: ``<table class="similar-text">`` rows of
    a thumbnail and a headline link): Japanese headlines have no spaces, yet are headlines."""
    from micnews.cleaners.clean import parse_html
    from micnews.cleaners.generic import _drop_link_lines, link_words, word_count

    headlines = ["クリップボード拡張ソフトを新しいパソコンに入れてみた",
                 "ファイル転送ソフトの日本語化の手順"]
    rows = "".join(
        f'<li><table class="similar-text"><tr><th><a href="/en-{i}.html"><img src="/{i}.jpg">'
        f'</a></th><td><a href="/en-{i}.html" title="{h}"> {h}</a></td></tr></table></li>'
        for i, h in enumerate(headlines))
    story = "今回はデスクトップアプリの設定に関する話です。起動のショートカットキーが重なりました。"
    root = parse_html(f"<html><body><p>{story}</p><ul>{rows}</ul></body></html>")
    assert word_count(headlines[1]) >= 4
    assert word_count("Speccy portable") == 2
    kept, removed = _drop_link_lines(link_words(root), [story, *headlines])
    assert kept == [story]
    assert removed == 2


def test_line_breaks_inside_a_paragraph_keep_words_apart() -> None:
    """A tour-date list written as one <p> with <br> between the dates (billboard.com in
    the Zyte benchmark, ../shared/benchmarks/zyte-article-extraction): trafilatura gives
    the breaks as <lb/>, whose text is nothing; the words must not run together."""
    dates = ["June 9 -- Coral Sky Amphitheatre, West Palm Beach, FL",
             "June 10 -- Credit Union Amphitheatre, Tampa, FL",
             "June 14 -- Bank Amphitheatre, Alpharetta, GA"]
    intro = ("The band announced a tour of forty cities for next summer, its first in years, "
             "with tickets on sale from Friday morning at the venues and online. ")
    html = ("<html><head><title>Tour dates</title></head><body><article><h1>Tour dates</h1>"
            f"<p>{intro * 2}</p><p>The 2020 dates:<br>{'<br>'.join(dates)}</p>"
            "</article></body></html>")
    ex = extract_generic(html, "https://www.example.com/articles/news/tour-dates")
    assert ex is not None
    assert ex.paragraphs[-1] == "The 2020 dates: " + " ".join(dates)


def test_labelled_headline_link_lines_leave_the_text() -> None:
    """"Xem thêm: <headline>" / "Read more: <headline>" lines between an article's
    paragraphs (cityam.com, express.co.uk, space.com in the Zyte benchmark); a sentence
    with a colon that is no link stays."""
    from micnews.cleaners.clean import parse_html
    from micnews.cleaners.generic import _drop_link_lines, link_words

    root = parse_html(_related_page())
    sentence = "Kết luận: các đơn vị tiếp tục rà soát quy trình, bảo đảm an toàn thông tin."
    source = f"Nguồn: {_RELATED[1]}"  # a source line naming a linked page is the article's
    lines = [_ARTICLE_PARAS[0], f"Xem thêm: {_RELATED[0]}", f"Tin liên quan: {_RELATED[2]}",
             f"READ MORE: {_RELATED[3]}", sentence, _ARTICLE_PARAS[1], source]
    kept, removed = _drop_link_lines(link_words(root), lines)
    assert kept == [_ARTICLE_PARAS[0], sentence, _ARTICLE_PARAS[1], source]
    assert removed == 3
