"""Every real page in ../shared/realpages goes through clean() without raising; the
VnExpress article (fundus ground truth) reaches body token F1 >= 0.9."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from micnews.cleaners.clean import clean
from micnews.cleaners.record import NotArticle, Page, Record

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REAL = SHARED / "realpages"
VNEXPRESS = REAL / "fundus" / "vnexpress_2025_10_22"
VNEXPRESS_URL = (
    "https://vnexpress.net/dau-bung-keo-dai-phat-hien-ung-thu-lymphoma-ruot-non-4954454.html"
)


def _manifest() -> dict[str, str]:
    """local_file -> page_url from MANIFEST.tsv (empty when absent)."""
    path = REAL / "MANIFEST.tsv"
    if not path.exists():
        return {}
    rows = path.read_text(encoding="utf-8").splitlines()[1:]
    return {r.split("\t")[0]: r.split("\t")[4] for r in rows if r.count("\t") >= 4}


def _pages() -> list[Path]:
    return sorted(REAL.rglob("*.html")) if REAL.exists() else []


def token_f1(got: str, want: str) -> float:
    a = Counter(re.findall(r"\w+", got.lower()))
    b = Counter(re.findall(r"\w+", want.lower()))
    common = sum((a & b).values())
    if not common:
        return 0.0
    p, r = common / sum(a.values()), common / sum(b.values())
    return 2 * p * r / (p + r)


@pytest.mark.parametrize("path", _pages() or [None], ids=lambda p: p and p.name)
def test_real_page_cleans_without_error(path: Path | None) -> None:
    if path is None:
        pytest.skip("../shared/realpages absent")
    rel = path.relative_to(REAL).as_posix()
    url = _manifest().get(rel) or f"https://example.vn/{rel}"
    result = clean(Page(url, path.read_bytes(), {}))
    assert isinstance(result, Record | NotArticle)
    if isinstance(result, NotArticle):
        assert not result.reason.startswith("error"), result.reason
    else:
        assert result.text.strip()
    if "_article" in path.name or path.parent.name == "fundus":
        assert isinstance(result, Record), result


def test_vnexpress_body_f1() -> None:
    html, expected = VNEXPRESS.with_suffix(".html"), VNEXPRESS.with_suffix(".expected.txt")
    if not html.exists() or not expected.exists():
        pytest.skip("fundus VnExpress page absent")
    page = Page(VNEXPRESS_URL, html.read_bytes(), {"content-type": "text/html; charset=utf-8"})
    result = clean(page)
    assert isinstance(result, Record), result
    assert token_f1(result.text, expected.read_text(encoding="utf-8")) >= 0.9
    assert result.lead and result.text.count(result.lead) == 1
