"""clean(): fixture pages to records, typed non-articles, encodings, clean_many, clean_html."""

from __future__ import annotations

import hashlib
import importlib
import json
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest

from micnews.cleaners.clean import clean, clean_html, clean_many, site_of
from micnews.cleaners.record import NotArticle, Page, Record
from micnews.cleaners.textnorm import norm_key
from tests.fixtures.pages._variants import VARIANTS, variants

# ``micnews.cleaners.clean`` the attribute is the function (re-exported); we want the module
clean_mod = importlib.import_module("micnews.cleaners.clean")
PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
NOT_ARTICLES = PAGES / "not_articles"
PROFILED = sorted(p.stem for p in PAGES.glob("*.json") if not p.stem.startswith("unknown"))


def meta_of(name: str, folder: Path = PAGES) -> dict:
    return json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))


def page_of(name: str, body: bytes | None = None, headers: dict | None = None) -> Page:
    meta = meta_of(name)
    raw = (PAGES / f"{name}.html").read_bytes() if body is None else body
    return Page(meta["url"], raw, meta["headers"] if headers is None else headers)


def as_record(result: Record | NotArticle) -> Record:
    assert isinstance(result, Record), result
    return result


# --- fixture pages of the known families --------------------------------------------


@pytest.mark.parametrize("name", PROFILED)
def test_profiled_fixture_gives_expected_record(name: str) -> None:
    meta = meta_of(name)
    exp = meta["expected"]
    rec = as_record(clean(page_of(name)))
    assert rec.family == meta["family"]
    assert rec.extractor == f"profile:{meta['family']}"
    assert rec.title == exp["title"]
    assert rec.lead == exp["lead"]
    assert rec.text == exp["text"]
    assert rec.author == exp["author"]
    assert rec.source == exp["source"]
    assert rec.published_at.isoformat() == exp["published_at"]
    assert [{"url": i.url, "caption": i.caption} for i in rec.images] == exp["images"]
    assert rec.tags == exp["tags"]
    assert rec.language == "vi"


@pytest.mark.parametrize("name", PROFILED)
def test_record_invariants(name: str) -> None:
    rec = as_record(clean(page_of(name)))
    assert rec.text.startswith(rec.lead + "\n\n")
    assert rec.text.count(rec.lead) == 1
    assert "\n\n\n" not in rec.text and rec.text == rec.text.strip()
    assert rec.title not in rec.text.split("\n\n")
    assert rec.word_count == len(rec.text.split())
    assert rec.content_hash == hashlib.sha1(norm_key(rec.text).encode("utf-8")).hexdigest()
    assert rec.site == site_of(rec.url) and rec.site == rec.site.lower()
    assert rec.fetched_at is not None and rec.fetched_at.utcoffset().total_seconds() == 0
    assert rec.published_at.utcoffset().total_seconds() == 7 * 3600
    assert unicodedata.is_normalized("NFC", rec.text)
    assert not re.search(r"&[a-z]+;|&#\d+;", rec.text)  # entities unescaped
    for img in rec.images:
        assert img.url.startswith(("http://", "https://"))
    rec.to_arrow_row()
    assert Record.from_json_dict(rec.to_json_dict()) == rec


def test_fetched_at_is_kept_in_utc() -> None:
    when = datetime(2024, 5, 1, 3, 0, tzinfo=UTC)
    meta = meta_of("nukeviet4_dienbien_45")
    page = Page(meta["url"], (PAGES / "nukeviet4_dienbien_45.html").read_bytes(),
                meta["headers"], fetched_at=when)
    assert as_record(clean(page)).fetched_at == when


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://MIC.gov.vn/Pages/a.html", "mic.gov.vn"),
        ("https://mic.gov.vn:443/a", "mic.gov.vn"),
        ("http://stttt.dienbien.gov.vn:80/vi/", "stttt.dienbien.gov.vn"),
        ("http://127.0.0.1:8081/vi/news/a-1.html", "127.0.0.1:8081"),
        ("https://example.vn:8443/", "example.vn:8443"),
    ],
)
def test_site_of(url: str, site: str) -> None:
    assert site_of(url) == site


def test_unknown_family_goes_generic() -> None:
    meta = meta_of("unknown_liferay_hanoi")
    rec = as_record(clean(page_of("unknown_liferay_hanoi")))
    assert rec.family == "generic"
    assert not rec.extractor.startswith("profile:")
    body = meta["expected"]["text"].split("\n\n")
    for para in body[1:]:
        assert para in rec.text
    assert rec.text.count(body[0]) == 1
    for furniture in ("Cơ quan chủ quản", "Trang chủ", "Tin khác"):
        assert furniture not in rec.text


# --- not articles -------------------------------------------------------------------


def test_listing_page_is_not_an_article() -> None:
    meta = meta_of("nukeviet4_listing", NOT_ARTICLES)
    page = Page(meta["url"], (NOT_ARTICLES / "nukeviet4_listing.html").read_bytes(),
                meta["headers"])
    result = clean(page)
    assert isinstance(result, NotArticle)
    assert result.family == "nukeviet4"


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        ((NOT_ARTICLES / "van_ban.pdf").read_bytes(), {"content-type": "application/pdf"}, 200),
        ((NOT_ARTICLES / "van_ban.pdf").read_bytes(), {}, 200),
        (b"", {"content-type": "text/html"}, 200),
        (b"   \n", {}, 200),
        (b"\x89PNG\r\n\x1a\n\x00\x00", {"content-type": "image/png"}, 200),
        (b'{"ok": true}', {"content-type": "application/json"}, 200),
        (b"<html><body><p>Kh\xc3\xb4ng t\xc3\xacm th\xe1\xba\xa5y</p></body></html>", {}, 404),
    ],
)
def test_non_html_empty_binary_are_typed_not_articles(body: bytes, headers: dict,
                                                      status: int) -> None:
    result = clean(Page("https://stttt.example.vn/a", body, headers, status=status))
    assert isinstance(result, NotArticle)
    assert result.reason


def test_unexpected_errors_become_not_article(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaput")

    monkeypatch.setattr(clean_mod, "detect_family", boom)
    result = clean(page_of("nukeviet4_dienbien_45"))
    assert isinstance(result, NotArticle) and result.reason.startswith("error: ")
    assert "kaput" in result.reason


# --- encodings ----------------------------------------------------------------------

def _variants(name: str) -> dict[str, tuple[bytes, dict]]:
    return variants((PAGES / f"{name}.html").read_text(encoding="utf-8"))


ENCODING_CASES = [
    (name, variant)
    for name in ("mic_legacy_2016_ictnews", "nukeviet4_dienbien_45", "nukeviet3_quangtri_2013")
    for variant in VARIANTS
]


@pytest.mark.parametrize(("name", "variant"), ENCODING_CASES)
def test_encoding_variants_give_the_same_record(name: str, variant: str) -> None:
    exp = meta_of(name)["expected"]
    body, headers = _variants(name)[variant]
    rec = as_record(clean(page_of(name, body=body, headers=headers)))
    assert rec.title == exp["title"]
    assert rec.text == exp["text"]
    assert rec.author == exp["author"]


# --- clean_many, clean_html ---------------------------------------------------------


def test_clean_many_matches_clean_for_profiled_pages() -> None:
    pages = [page_of(n) for n in PROFILED]
    pages.append(Page("https://x.vn/doc.pdf", b"%PDF-1.4\n", {"content-type": "application/pdf"}))
    results = clean_many(iter(pages))
    assert len(results) == len(pages)
    assert isinstance(results[-1], NotArticle)
    for page, result in zip(pages[:-1], results[:-1], strict=True):
        single = as_record(clean(page))
        assert as_record(result).text == single.text
        assert result.url == page.url


def test_clean_html_accepts_text_and_bytes() -> None:
    meta = meta_of("mic_current_2014_bacninh")
    html = (PAGES / "mic_current_2014_bacninh.html").read_text(encoding="utf-8")
    from_str = as_record(clean_html(html, meta["url"]))
    from_bytes = as_record(clean_html(html.encode("utf-8"), meta["url"]))
    assert from_str.text == from_bytes.text == meta["expected"]["text"]


# --- listings, home pages, fallback to the generic path -----------------------------


@pytest.mark.parametrize("name", ["nukeviet4_listing", "mic_current_listing"])
def test_family_listing_pages_are_not_articles(name: str) -> None:
    meta = meta_of(name, NOT_ARTICLES)
    page = Page(meta["url"], (NOT_ARTICLES / f"{name}.html").read_bytes(), meta["headers"])
    result = clean(page)
    assert isinstance(result, NotArticle), result
    assert result.family == meta["family"]


@pytest.mark.parametrize(
    ("url", "home"),
    [
        ("https://sotttt.example.vn/", True),
        ("https://sotttt.example.vn/vi/", True),
        ("https://sotttt.example.vn/index.php", True),
        ("https://sotttt.example.vn/Default.aspx", True),
        ("https://sotttt.example.vn/vi/news/tin-tuc/a-1.html", False),
        ("https://sotttt.example.vn/index.php?nv=news&op=tin-tuc/a-1", False),
    ],
)
def test_is_home_url(url: str, home: bool) -> None:
    assert clean_mod.is_home_url(url) is home


def test_home_page_of_unknown_family_is_not_an_article() -> None:
    html = (PAGES / "unknown_liferay_hanoi.html").read_text(encoding="utf-8")
    html = html.replace('<meta property="og:type" content="article" />', "")
    html = re.sub(r'<meta property="article:published_time"[^>]*>', "", html)
    result = clean_html(html, "https://sotttt.example-hanoi.gov.vn/")
    assert isinstance(result, NotArticle) and result.reason == "home page"


def test_profiled_page_in_an_unknown_theme_falls_back_to_generic() -> None:
    # NukeViet 4 by its generator, but a theme without #news-bodyhtml: the page says it is
    # an article (og:type), so the generic path reads it instead of giving up, and the
    # record says so (the family stays: it is a NukeViet site whose profile missed)
    html = (PAGES / "nukeviet4_dienbien_45.html").read_text(encoding="utf-8")
    html = html.replace('id="news-bodyhtml" class="bodytext margin-bottom-lg"',
                        'class="noi-dung-bai-viet"')
    meta = meta_of("nukeviet4_dienbien_45")
    rec = as_record(clean_html(html, meta["url"]))
    assert rec.family == "nukeviet4" and not rec.extractor.startswith("profile:")
    assert rec.extraction == "generic_fallback"
    body = meta["expected"]["text"].split("\n\n")
    assert body[-1] in rec.text


def test_clean_many_hands_each_site_its_template(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []
    real = clean_mod.extract_generic_or_reason

    def spy(view: object, url: str, template: object = None):
        seen.append(template)
        return real(view, url, template)

    monkeypatch.setattr(clean_mod, "extract_generic_or_reason", spy)
    clean_many([page_of("unknown_liferay_hanoi")] * 3)
    assert len(seen) == 3 and all(t is not None and t.pages_seen == 3 for t in seen)
