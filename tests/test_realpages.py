"""Every real page (the ones shipped in tests/fixtures/realpages, plus ../shared/realpages when
present) goes through clean() without raising; the VnExpress article (fundus ground truth)
reaches body token F1 >= 0.9."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from micnews.cleaners.clean import clean
from micnews.cleaners.record import NotArticle, Page, Record
from tests.helpers import REALPAGES, RealPage, real_pages

VNEXPRESS = REALPAGES / "fundus" / "vnexpress_2025_10_22"
VNEXPRESS_URL = (
    "https://vnexpress.net/dau-bung-keo-dai-phat-hien-ung-thu-lymphoma-ruot-non-4954454.html"
)


def token_f1(got: str, want: str) -> float:
    a = Counter(re.findall(r"\w+", got.lower()))
    b = Counter(re.findall(r"\w+", want.lower()))
    common = sum((a & b).values())
    if not common:
        return 0.0
    p, r = common / sum(a.values()), common / sum(b.values())
    return 2 * p * r / (p + r)


@pytest.mark.parametrize("page", real_pages(), ids=lambda p: p.local_file)
def test_real_page_cleans_without_error(page: RealPage) -> None:
    path = page.path
    result = clean(Page(page.page_url, path.read_bytes(), {}))
    assert isinstance(result, Record | NotArticle)
    if isinstance(result, NotArticle):
        assert not result.reason.startswith("error"), result.reason
    else:
        assert result.text.strip()
    if "_article" in path.name or path.parent.name == "fundus":
        assert isinstance(result, Record), result


def test_shipped_pages_are_always_there() -> None:
    shipped = [p for p in real_pages() if p.shipped]
    assert len(shipped) >= 7 and any("_list" in p.local_file for p in shipped)


def test_vnexpress_body_f1() -> None:
    html, expected = VNEXPRESS.with_suffix(".html"), VNEXPRESS.with_suffix(".expected.txt")
    page = Page(VNEXPRESS_URL, html.read_bytes(), {"content-type": "text/html; charset=utf-8"})
    result = clean(page)
    assert isinstance(result, Record), result
    assert token_f1(result.text, expected.read_text(encoding="utf-8")) >= 0.9
    assert result.lead and result.text.count(result.lead) == 1
