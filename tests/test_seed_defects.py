"""Every defect of the five seed files, reproduced by a fixture page and gone from our record.

Each row: defect, seed file it was seen in, evidence that the seed shows it, fixture page
whose HTML carries the same source of the defect, and the assertion on our record.
The seed check is skipped when ``../shared`` is absent; the fixture check never is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from micnews.cleaners.clean import clean
from micnews.cleaners.record import Page, Record
from tests.helpers import shared

HERE = Path(__file__).resolve().parent
PAGES = HERE / "fixtures" / "pages"

BANNER = [
    "Cổng dịch vụ công", "Những thông tin thủ tục hành chính", "khai báo online tại đây",
    "Xem chi tiết", "Chính sách pháp luật", "pháp luật Việt Nam", "Giới thiệu Sản phẩm",
    "Nơi giới thiệu những sản phẩm", "Cổng thông tin điện tử của các đơn vị thuộc Bộ",
    "Doanh nghiệp",
]


def record_of(name: str) -> tuple[Record, dict]:
    meta = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
    page = Page(meta["url"], (PAGES / f"{name}.html").read_bytes(), meta["headers"])
    rec = clean(page)
    assert isinstance(rec, Record), rec
    return rec, meta["expected"]


def paras(rec: Record) -> list[str]:
    return rec.text.split("\n\n")


def lead_once(rec: Record, exp: dict) -> None:
    assert rec.lead == exp["lead"]
    assert rec.text.startswith(rec.lead)
    assert rec.text.count(rec.lead[:60]) == 1


def no_source_tag(tag: str, source: str) -> Callable[[Record, dict], None]:
    def check(rec: Record, exp: dict) -> None:
        assert tag not in rec.text and not rec.lead.startswith(tag.split()[0])
        assert rec.source == exp["source"]
        if exp["source"] == source:
            assert rec.source == source

    return check


def absent(*needles: str) -> Callable[[Record, dict], None]:
    def check(rec: Record, exp: dict) -> None:
        for needle in needles:
            assert needle not in rec.text, needle

    return check


def byline(name: str) -> Callable[[Record, dict], None]:
    def check(rec: Record, exp: dict) -> None:
        assert name not in rec.text
        assert rec.author == exp["author"] and name in rec.author

    return check


def no_token(*tokens: str) -> Callable[[Record, dict], None]:
    def check(rec: Record, exp: dict) -> None:
        for tok in tokens:
            assert not re.search(rf"(?<!\w){tok}(?!\w)", rec.text), tok

    return check


def captions_in_images_only(rec: Record, exp: dict) -> None:
    assert [{"url": i.url, "caption": i.caption} for i in rec.images] == exp["images"]
    urls = [i.url for i in rec.images]
    assert len(urls) == len(set(urls))
    for img in exp["images"]:
        assert img["caption"] not in rec.text


def date_parsed(date_text: str) -> Callable[[Record, dict], None]:
    def check(rec: Record, exp: dict) -> None:
        assert date_text not in rec.text
        assert rec.published_at == datetime.fromisoformat(exp["published_at"])
        assert rec.published_at.utcoffset().total_seconds() == 7 * 3600

    return check


def all_of(*checks: Callable[[Record, dict], None]) -> Callable[[Record, dict], None]:
    def check(rec: Record, exp: dict) -> None:
        for c in checks:
            c(rec, exp)

    return check


# defect, seed, evidence in the seed, fixture, evidence in the fixture HTML, assertion
DEFECTS = [
    ("lead twice, verbatim", "000", None, "mic_legacy_2007_quangninh", "divArticleDescription",
     lead_once),
    ("lead twice, verbatim", "001", None, "nukeviet3_quangtri_2013", 'id="hometext"', lead_once),
    ("lead twice, &nbsp;/<span> variant", "003", None, "mic_legacy_2008_hanoi", "&nbsp;",
     lead_once),
    ("lead twice, <span> variant", "003", None, "nukeviet4_laichau_labels", "font-size:14px",
     lead_once),
    ("(Mic.gov.vn) - source tag", "000", "(Mic.gov.vn) -", "mic_legacy_2007_quangninh",
     "(Mic.gov.vn) –<strong>", no_source_tag("(Mic.gov.vn)", "Mic.gov.vn")),
    ("(Mic.gov.vn) - source tag", "003", "(Mic.gov.vn) -", "mic_legacy_2008_hanoi",
     "(Mic.gov.vn) -", no_source_tag("(Mic.gov.vn)", "Mic.gov.vn")),
    ("ĐÁNH GIÁ BÀI VIẾT( 0) rating", "000", "ĐÁNH GIÁ BÀI VIẾT( 0)", "mic_legacy_2007_quangninh",
     "ĐÁNH GIÁ BÀI VIẾT", absent("ĐÁNH GIÁ", "Xem cỡ chữ", "tương phản", "Gửi bình luận")),
    ("ĐÁNH GIÁ BÀI VIẾT( 0) rating", "001", "ĐÁNH GIÁ BÀI VIẾT( 0)", "mic_legacy_2016_ictnews",
     "ĐÁNH GIÁ BÀI VIẾT", absent("ĐÁNH GIÁ", "Họ và tên", "Mã Captcha", "Lượt xem")),
    ("byline H3VP glued at the end", "000", "\nH3VP\n", "mic_legacy_2007_quangninh",
     "<strong>H3VP</strong>", byline("H3VP")),
    ("byline Kim Thanh glued at the end", "001", "\nKim Thanh\n", "mic_legacy_2016_ictnews",
     "<strong>Kim Thanh</strong>", byline("Kim Thanh")),
    ("credit Theo ictnews.vietnamnet.vn", "001", None, "mic_legacy_2016_ictnews",
     "Theo ictnews.vietnamnet.vn", absent("Theo ictnews")),
    ("byline LM glued at the end", "003", "\nLM\n", "mic_legacy_2008_hanoi",
     "<strong>LM</strong>", all_of(byline("LM"), no_token("LM"))),
    ("stray img token", "002", "\nimg\n", "mic_current_2014_bacninh", 'alt="img"',
     no_token("img")),
    ("caption after image, in text", "002", "Toàn cảnh hội nghị.", "mic_current_2014_bacninh",
     "Toàn cảnh hội nghị.", captions_in_images_only),
    ("banner block after the article", "002", "Cổng dịch vụ công", "mic_current_2014_bacninh",
     "Cổng dịch vụ công", all_of(absent(*BANNER), no_token("banner", "icon"))),
    ("Top link", "002", "\nTop", "mic_current_2014_bacninh", ">Top<", no_token("Top")),
    ("byline with unit", "002", "Hữu Thắng - Sở TT&TT Bắc Ninh", "mic_current_2014_bacninh",
     "Hữu Thắng - Sở TT&amp;TT Bắc Ninh", byline("Hữu Thắng")),
    ("weekday date line left as text", "002", "Thứ năm, 17/07/2014 10:25",
     "mic_current_2014_bacninh", "Thứ năm, 17/07/2014 10:25",
     date_parsed("Thứ năm, 17/07/2014 10:25")),
    ("caption twice (figure + hidden #imgpreview)", "004", None, "nukeviet4_dienbien_45",
     'id="imgpreview"', captions_in_images_only),
    ("DIC - source prefix", "004", "DIC - ", "nukeviet4_dienbien_45", "DIC - ",
     no_source_tag("DIC -", "DIC")),
    ("inline /uploads/news/...jpg path", "004", "/uploads/news/2012_05/img_2592.jpg",
     "nukeviet4_dienbien_45", "/uploads/news/2012_05/img_2592.jpg", absent("/uploads/", ".jpg")),
    ("inline upload path from the 3.x search copy", "004", "/uploads/news/",
     "nukeviet3_quangtri_2013", "hidden-search", absent("/uploads/", ".jpg")),
    ("other-news panel", "004", "Những tin mới hơn", "nukeviet4_dienbien_45", "Những tin cũ hơn",
     absent("Những tin mới hơn", "Những tin cũ hơn", "(02/06/2012)", "Tổng số điểm",
            "Click để đánh giá")),
    ("other-news panel (3.x)", "004", "Những tin cũ hơn", "nukeviet3_quangtri_2013",
     "Những tin mới hơn", absent("Những tin mới hơn", "Những tin cũ hơn", "Tổng số điểm")),
    ("session pop-up and noscript notice", "004", "Bạn đã không sử dụng Site",
     "nukeviet4_dienbien_45", 'id="timeoutsess"',
     absent("Bạn đã không sử dụng Site", "Thời gian chờ", "JavaScript", "Đang truy cập")),
    ("byline glued at the end of the last paragraph", "004", "Chu Xuân Trường Giám đốc",
     "nukeviet4_dienbien_45", "<strong>Chu Xuân Trường<br />", byline("Chu Xuân Trường")),
    ("date line left as text (4.x)", "004", "Thứ tư - 30/05/2012 23:25", "nukeviet4_dienbien_45",
     "Thứ tư - 30/05/2012 23:25", date_parsed("30/05/2012")),
    ("date line left as text (3.x, two spaces)", "004", None, "nukeviet3_quangtri_2013",
     "14/05/2013  09:15", date_parsed("14/05/2013")),
    ("date left as text (mic.gov.vn SA/CH)", "000", None, "mic_legacy_2016_ictnews",
     "02:45 CH", date_parsed("17/03/2016")),
    ("date left as text (mic.gov.vn 2007)", "001", None, "mic_legacy_2007_quangninh",
     "08:30 SA", date_parsed("07/02/2007")),
    ("date left as text (current portal)", "002", None, "mic_current_2024_chuyendoiso",
     "Thứ ba, 12/03/2024 08:30", date_parsed("12/03/2024")),
]


@pytest.mark.parametrize(
    ("defect", "seed", "seed_evidence", "fixture", "fixture_evidence", "check"),
    DEFECTS,
    ids=[f"{d[1]}-{d[3]}-{d[0]}" for d in DEFECTS],
)
def test_seed_defect_is_gone(
    defect: str, seed: str, seed_evidence: str | None, fixture: str,
    fixture_evidence: str, check: Callable[[Record, dict], None],
) -> None:
    html = (PAGES / f"{fixture}.html").read_text(encoding="utf-8")
    assert fixture_evidence in html, "the fixture no longer carries the defect's source"
    rec, exp = record_of(fixture)
    check(rec, exp)


@pytest.mark.parametrize(("seed", "evidence"), sorted({(d[1], d[2]) for d in DEFECTS if d[2]}))
def test_seed_shows_the_defect(seed: str, evidence: str) -> None:
    (path,) = shared("seeds").glob(f"{seed}_*.txt")
    assert evidence in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("seed", ["000", "001", "003"])
def test_seed_repeats_its_lead(seed: str) -> None:
    (path,) = shared("seeds").glob(f"{seed}_*.txt")
    blocks = [b.strip() for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    assert blocks[2] == blocks[3]  # title, source tag, lead, lead again
