"""Vietnamese date lines, ISO values, URLs and pages → aware Asia/Ho_Chi_Minh datetimes."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from micnews.cleaners.dates import (
    VN_TZ,
    date_from_html,
    date_from_url,
    parse_iso_datetime,
    parse_vn_datetime,
)
from tests.helpers import real_pages

# (date line, expected ISO in +07:00 or None)
VN_LINES = [
    # mic.gov.vn current portal / chinhphu.vn family
    ("Thứ năm, 17/07/2014 10:25", "2014-07-17T10:25:00+07:00"),
    # NukeViet 4 and 3 (two spaces before the time)
    ("Thứ tư - 30/05/2012 23:25", "2012-05-30T23:25:00+07:00"),
    ("Thứ tư - 30/05/2012  23:25", "2012-05-30T23:25:00+07:00"),
    ("Thứ tư\xa0-\xa030/05/2012\xa0\xa023:25", "2012-05-30T23:25:00+07:00"),
    # labels
    ("Cập nhật: 07/02/2007 08:30", "2007-02-07T08:30:00+07:00"),
    ("Ngày 06/02/2007", "2007-02-06T00:00:00+07:00"),
    ("Ngày đăng: 06/02/2007 14:05", "2007-02-06T14:05:00+07:00"),
    ("Tin đăng ngày: 6/2/2020 - Xem: 92", "2020-02-06T00:00:00+07:00"),
    # mic.gov.vn SharePoint: vi-VN AM/PM (SA = morning, CH = afternoon)
    ("17/07/2014 10:25 SA", "2014-07-17T10:25:00+07:00"),
    ("17/07/2014 02:25 CH", "2014-07-17T14:25:00+07:00"),
    ("17/07/2014 12:05 CH", "2014-07-17T12:05:00+07:00"),
    ("17/07/2014 12:05 SA", "2014-07-17T00:05:00+07:00"),
    ("17/07/2014 3:40 chiều", "2014-07-17T15:40:00+07:00"),
    # separators and order
    ("17-07-2014", "2014-07-17T00:00:00+07:00"),
    ("17.07.2014", "2014-07-17T00:00:00+07:00"),
    ("6/2/2020", "2020-02-06T00:00:00+07:00"),
    ("Đăng lúc 10:25 17/07/2014", "2014-07-17T10:25:00+07:00"),
    ("10:25 | 17/07/2014", "2014-07-17T10:25:00+07:00"),
    ("17/7/2014 - 10:25", "2014-07-17T10:25:00+07:00"),
    ("17/07/2014 lúc 10h25", "2014-07-17T10:25:00+07:00"),
    ("(17/07/2014)", "2014-07-17T00:00:00+07:00"),
    ("ngày 17 tháng 7 năm 2014", "2014-07-17T00:00:00+07:00"),
    ("Hà Nội, ngày 05 tháng 12 năm 2019", "2019-12-05T00:00:00+07:00"),
    ("Chủ nhật, 20/07/2014 07:00", "2014-07-20T07:00:00+07:00"),
    ("Thứ 2, 21/07/2014 08:15", "2014-07-21T08:15:00+07:00"),
    ("T2, 21/07/2014 08:15", "2014-07-21T08:15:00+07:00"),
    ("Thứ bảy, 19/07/2014, 09:00 (GMT+7)", "2014-07-19T09:00:00+07:00"),
    ("17/07/2014 03:25 GMT", "2014-07-17T03:25:00+07:00"),  # "GMT" without offset: ignored
    ("17/07/2014 10:25 GMT+0", "2014-07-17T17:25:00+07:00"),
    ("17/07/2014 10:25:31", "2014-07-17T10:25:31+07:00"),
    ("2014-07-17 10:25", "2014-07-17T10:25:00+07:00"),
    # the NukeViet 3 header clock: not the publication date, but parsed right when asked
    ("16:32 ICT Thứ ba, 14/07/2020", "2020-07-14T16:32:00+07:00"),
    # a date inside body text, when asked to parse that string
    ("Quyết định số 225/QĐ-UBND ngày 19/3/2014 của UBND tỉnh", "2014-03-19T00:00:00+07:00"),
    # the first valid date wins; invalid ones are skipped
    ("31/02/2014 - 01/03/2014", "2014-03-01T00:00:00+07:00"),
    # an invalid time keeps the date
    ("17/07/2014 25:61", "2014-07-17T00:00:00+07:00"),
    # negatives
    ("", None),
    ("Xem: 92", None),
    ("Quyết định số 225/QĐ-UBND", None),
    ("Thông tư 12/2014/TT-BTTTT", None),
    ("Điện thoại: 0912.345.678", None),
    ("Fax: 024.3822.1234", None),
    ("32/01/2014", None),
    ("17/13/2014", None),
    ("17/07/1890", None),
    ("17/07/2214", None),
    ("16:32 ICT", None),
    ("tháng 7/2014", None),
]


@pytest.mark.parametrize(("line", "expected"), VN_LINES)
def test_parse_vn_datetime(line: str, expected: str | None) -> None:
    value = parse_vn_datetime(line)
    if expected is None:
        assert value is None
    else:
        assert value is not None and value.isoformat() == expected
        assert value.tzinfo is not None and value.utcoffset().total_seconds() == 7 * 3600


def test_vn_table_is_large_enough() -> None:
    assert len(VN_LINES) >= 30
    assert sum(expected is None for _, expected in VN_LINES) >= 8


def test_formats_hints_come_first() -> None:
    # a profile hint can read a form the generic patterns would read differently (m/d/Y)
    assert parse_vn_datetime("07/17/2014 10:25", ["%m/%d/%Y %H:%M"]) == datetime(
        2014, 7, 17, 10, 25, tzinfo=VN_TZ
    )
    # the hint applies from the first digit on, so weekday prefixes need not be in it
    got = parse_vn_datetime("Thứ năm, 17/07/2014 10:25", ["%d/%m/%Y %H:%M"])
    assert got is not None and got.isoformat() == "2014-07-17T10:25:00+07:00"
    # a hint that does not fit falls back to the generic patterns
    got = parse_vn_datetime("Thứ năm, 17/07/2014 10:25", ["%Y%m%d"])
    assert got is not None and got.isoformat() == "2014-07-17T10:25:00+07:00"


ISO_VALUES = [
    ("2012-05-30+0723:25:00", "2012-05-30T23:25:00+07:00"),  # NukeViet 4 malformed meta
    ("2012-05-30T23:25:00+07:00", "2012-05-30T23:25:00+07:00"),
    ("2026-03-01T09:51:00+07:00", "2026-03-01T09:51:00+07:00"),
    ("2012-05-30T16:25:00Z", "2012-05-30T23:25:00+07:00"),
    ("2012-05-30T16:25:00.000Z", "2012-05-30T23:25:00+07:00"),
    ("2012-05-30T23:25:00+0700", "2012-05-30T23:25:00+07:00"),
    ("2012-05-30 23:25:00", "2012-05-30T23:25:00+07:00"),  # naive = local
    ("2012-05-30", "2012-05-30T00:00:00+07:00"),
    ("2012-5-30 23:25", "2012-05-30T23:25:00+07:00"),
    (" 2012-05-30T23:25:00+07:00\n", "2012-05-30T23:25:00+07:00"),
    ("Wed, 30 May 2012 23:25:00 +0700", "2012-05-30T23:25:00+07:00"),  # RSS pubDate
    ("30/05/2012 23:25", "2012-05-30T23:25:00+07:00"),  # a visible date in a meta
    ("", None),
    ("not a date", None),
    ("1800-01-01T00:00:00", None),
]


@pytest.mark.parametrize(("value", "expected"), ISO_VALUES)
def test_parse_iso_datetime(value: str, expected: str | None) -> None:
    got = parse_iso_datetime(value)
    if expected is None:
        assert got is None
    else:
        assert got is not None and got.isoformat() == expected


URLS = [
    # current mic.gov.vn / chinhphu.vn family: 3 digits + yyMMddHHmmss + ms
    ("https://mic.gov.vn/so-tt-tt-bac-ninh-so-ket-197140717102500123.htm",
     "2014-07-17T10:25:00+07:00"),
    ("https://baochinhphu.vn/chinh-sach-moi-102260228093004191.htm", "2026-02-28T09:30:04+07:00"),
    # 17-digit ids (yyyyMMddHHmmss + ms)
    ("https://tuoitre.vn/bai-viet-20260307075519174.htm", "2026-03-07T07:55:19+07:00"),
    # SharePoint uploads
    ("https://mic.gov.vn/Uploads/2014/07/17/10/25/anh.jpg", "2014-07-17T10:25:00+07:00"),
    ("https://example.vn/tin-tuc/2014/07/17/bai-viet.html", "2014-07-17T00:00:00+07:00"),
    # not dates
    ("https://mic.gov.vn/Pages/TinTuc/101234/So-BCVT-Quang-Ninh.html", None),
    ("https://sotttt.dienbien.gov.vn/vi/news/tin-tuc/so-tt-tt-5-nam-123.html", None),
    ("https://mic.gov.vn/chuyen-doi-so-999991399999999.htm", None),  # month 13
    ("", None),
]


@pytest.mark.parametrize(("url", "expected"), URLS)
def test_date_from_url(url: str, expected: str | None) -> None:
    got = date_from_url(url)
    if expected is None:
        assert got is None
    else:
        assert got is not None and got.isoformat() == expected


def test_date_from_html_reads_meta_with_time() -> None:
    html = (
        "<html><head><meta property='article:published_time' "
        "content='2014-07-17T10:25:00+07:00'></head><body><p>Bài viết.</p></body></html>"
    )
    got = date_from_html(html, "https://example.vn/bai-viet.html")
    assert got is not None and got.date().isoformat() == "2014-07-17"
    assert got.tzinfo is not None


def test_date_from_html_falls_back_to_url() -> None:
    html = "<html><body><p>Không có ngày tháng.</p></body></html>"
    got = date_from_html(html, "https://mic.gov.vn/Uploads/2014/07/17/10/25/a.htm")
    assert got is not None and got.isoformat() == "2014-07-17T10:25:00+07:00"
    assert date_from_html(html, None) is None
    assert date_from_html("", None) is None


# --- real pages (shipped ones, plus ../shared/realpages when present) -------------------------
def _real_expectations() -> list:
    """(html path, page URL, expected date) for every real article page with a known date."""
    out = []
    for page in real_pages():
        expected_file = page.expected_file()
        if "list" in page.local_file or not expected_file.is_file():
            continue
        raw = expected_file.read_text(encoding="utf-8")
        match = (re.search(r'published_at == \\"([^"\\]+)', raw)
                 or re.search(r'"(?:publishing_date|date)"\s*:\s*"([^"]+)"', raw))
        if match:
            out.append(pytest.param(str(page.path), page.page_url, match.group(1),
                                    id=page.local_file))
    return out


@pytest.mark.parametrize(("local_file", "url", "expected"), _real_expectations())
def test_date_from_html_on_real_pages(local_file: str, url: str, expected: str) -> None:
    html = Path(local_file).read_text(encoding="utf-8", errors="replace")
    got = date_from_html(html, url)
    want = parse_iso_datetime(expected)
    assert got is not None and want is not None
    if want.time() == datetime.min.time() and len(expected) <= 10:
        assert got.date() == want.date()  # the ground truth has the day only
    else:
        assert got.replace(second=0, microsecond=0) == want.replace(second=0, microsecond=0)
