"""Fields found by meaning (cleaners/fields.py): the byline shapes real NukeViet themes use,
the lead however nested, the heading without the site's name, NukeViet's ICT meta dates and
source tags of any case."""

from __future__ import annotations

from datetime import datetime

import pytest
from lxml import html as lhtml

from micnews.cleaners.fields import (
    bylines_after,
    fix_malformed_iso,
    labelled_value,
    lead_element,
    meta_datetime,
    split_repeated_tag,
    strip_site_name,
    title_by_meaning,
    visible_date,
)
from micnews.cleaners.record import VN_TZ

BODY = '<div class="noidung"><p>Nội dung bài viết đủ dài để là một đoạn văn bản.</p></div>'


def _body(inner: str) -> lhtml.HtmlElement:
    page = (f"<html><body><div class='detail'><h1>Tiêu đề bài viết mới</h1>{inner}</div>"
            "</body></html>")
    return lhtml.document_fromstring(page).cssselect("div.noidung")[0]


@pytest.mark.parametrize("after, author, source", [
    # NukeViet 3 default: label in <strong>, right-aligned paragraph
    ('<p style="text-align: right;"><strong>Tác giả: </strong>Minh Anh</p>'
     '<p style="text-align: right;"><strong>Nguồn tin: </strong>Báo Lào Cai</p>',
     "Minh Anh", "Báo Lào Cai"),
    # mobile_nukeviet: p.ar
    ('<p class="ar"><strong>Tác giả: </strong>Thanh Hà</p>', "Thanh Hà", None),
    # modern: one div split by <br>
    ('<div class="aright source"><strong>Tác giả: </strong>Thanh Hà<br/>'
     '<strong>Nguồn tin: </strong>Bưu điện tỉnh</div>', "Thanh Hà", "Bưu điện tỉnh"),
    # the value in <strong>, inside a span
    ('<div class="info"><span>Tác giả bài viết: <strong>Nguyễn Văn Hùng</strong></span></div>',
     "Nguyễn Văn Hùng", None),
    # a meta list item
    ('<ul class="meta"><li class="post-author">Bài và ảnh: <b>Hoàng Nam</b></li>'
     '<li>Nguồn: Sở TT&amp;TT</li></ul>', "Hoàng Nam", "Sở TT&TT"),
])
def test_labelled_lines_after_the_body(after: str, author: str, source: str | None) -> None:
    assert bylines_after(_body(BODY + after)) == (author, source)


def test_a_meta_list_above_the_body_counts_too() -> None:
    before = '<ul class="meta"><li class="post-author">Tác giả: <strong>Lê Hoa</strong></li></ul>'
    assert bylines_after(_body(before + BODY)) == ("Lê Hoa", None)


def test_long_lines_and_unlabelled_lines_are_not_bylines() -> None:
    assert labelled_value("Theo dòng sự kiện") == (None, None)
    assert labelled_value("Tác giả: " + "rất dài " * 12) == (None, None)
    assert labelled_value("Nguồn tin: Báo Điện tử Chính phủ.") == (None, "Báo Điện tử Chính phủ")


def test_lead_however_nested_and_never_the_body() -> None:
    page = lhtml.document_fromstring(
        "<html><body><div id='hometext'><div class='imghome'><img src='a.jpg'></div>"
        "<div class='h2' itemprop='description'>Tóm tắt bài viết.</div></div>"
        "<div class='bodytext' itemprop='description'><p>Thân bài.</p></div></body></html>")
    body = page.cssselect("div.bodytext")[0]
    lead = lead_element(page, body)
    assert lead is not None and lead.get("class") == "h2"


def test_title_from_the_heading_or_without_the_site_name() -> None:
    page = lhtml.document_fromstring(
        "<html><head><title>Hội nghị chuyển đổi số năm 2023 - Chuyển đổi số - Sở TT&amp;TT"
        "</title></head><body><div class='x'><p>a</p></div></body></html>")
    assert title_by_meaning(page, None) == "Hội nghị chuyển đổi số năm 2023"
    assert strip_site_name("Tin tức | Cổng", "Tin tức") == "Tin tức"
    body = _body(BODY)
    assert title_by_meaning(body.getroottree().getroot(), body) == "Tiêu đề bài viết mới"


def test_nukeviet_ict_meta_dates_keep_their_time() -> None:
    assert fix_malformed_iso("2022-09-22ICT10:05:00") == "2022-09-22T10:05:00+07:00"
    assert meta_datetime("2022-09-22ICT10:05:00") == datetime(2022, 9, 22, 10, 5, tzinfo=VN_TZ)
    assert fix_malformed_iso("2022-09-22XYZ10:05:00") == "2022-09-22XYZ10:05:00"  # unknown zone


def test_visible_date_above_the_body() -> None:
    body = _body('<span class="small">Ngày đăng: Thứ năm - 22/09/2022 10:05</span>' + BODY
                 + '<ul><li>Tin khác (21/09/2022 08:00)</li></ul>')
    assert visible_date(body) == datetime(2022, 9, 22, 10, 5, tzinfo=VN_TZ)


@pytest.mark.parametrize("lead, body, tag", [
    ("VNPost - Năm 2023, Bưu điện tỉnh đã hỗ trợ hơn 3.500 hộ sản xuất",
     ["Năm 2023, Bưu điện tỉnh đã hỗ trợ hơn 3.500 hộ sản xuất đưa sản phẩm lên sàn."], "VNPost"),
    ("Sở TT&TT Lào Cai - Sáng 22/9, Sở Thông tin và Truyền thông tổ chức hội nghị...",
     ["Sáng 22/9, Sở Thông tin và Truyền thông tổ chức hội nghị đánh giá."], "Sở TT&TT Lào Cai"),
    # a dateline whose text the body does not repeat stays in the lead
    ("Hà Nội - Sáng nay, Bộ Thông tin và Truyền thông công bố kết quả",
     ["Một đoạn khác hẳn với phần mở đầu của tin này."], None),
])
def test_source_tag_of_any_case_when_the_same_text_follows(lead, body, tag) -> None:
    got, rest = split_repeated_tag(lead, body)
    assert got == tag
    assert (rest == lead) == (tag is None)
