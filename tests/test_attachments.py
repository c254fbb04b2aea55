"""Documents linked from an article are listed in ``attachments`` (absolute URL + link
text), never fetched by the crawl; documents in sidebars are not the article's."""

from __future__ import annotations

import json
import shutil

import pytest

from micnews.cleaners import clean, clean_many
from micnews.cleaners.attachments import is_attachment
from micnews.cleaners.dataset import load
from micnews.cleaners.record import Attachment, Page, Record
from micnews.crawler.demo.server import DEFAULT_DEMO_ROOT, SiteServer
from tests.conftest import FIXTURES, SITES_DIR, run_cli

PAGES = FIXTURES / "pages"
FILE_P = ('<p>Tải về: <a href="/uploads/news/2020/ke-hoach-12-kh-ubnd.pdf">Kế hoạch số '
          '12/KH-UBND về chuyển đổi số năm 2020</a> và <a href="phu-luc.docx">phụ lục</a>.</p>')
# as unprofiled sites write it: the file name as the link, in a sentence of the text
FILE_P_TEXT = ('<p>Các cơ quan báo chí xem chi tiết kế hoạch tuyên truyền năm 2020 trong tệp '
               'đính kèm <a href="/Uploads/ke-hoach-tuyen-truyen.pdf">ke-hoach.pdf</a>.</p>')


def _page(name: str, html: str) -> Page:
    meta = json.loads((PAGES / f"{name}.json").read_text("utf-8"))
    return Page(meta["url"], html.encode("utf-8"), {"content-type": "text/html; charset=utf-8"})


@pytest.mark.parametrize(("url", "want"), [
    ("https://x.vn/uploads/a.PDF", True), ("https://x.vn/a/b.docx?download=1", True),
    ("https://x.vn/tin-tuc/a.html", False), ("https://x.vn/pdf/", False),
    ("https://x.vn/T%C3%A0i%20li%E1%BB%87u.xlsx", True), ("http://[::1", False),
])
def test_is_attachment(url: str, want: bool) -> None:
    assert is_attachment(url) is want


def test_profile_path_lists_the_body_documents_once() -> None:
    name = "nukeviet4_dienbien_45"
    html = (PAGES / f"{name}.html").read_text("utf-8")
    marker = 'id="news-bodyhtml" class="bodytext margin-bottom-lg">'
    assert marker in html
    html = html.replace(marker, marker + FILE_P + FILE_P, 1)  # the same links twice
    rec = clean(_page(name, html))
    assert isinstance(rec, Record)
    base = "https://" + rec.site
    assert rec.attachments == [
        Attachment(f"{base}/uploads/news/2020/ke-hoach-12-kh-ubnd.pdf",
                   "Kế hoạch số 12/KH-UBND về chuyển đổi số năm 2020"),
        Attachment(rec.url.rsplit("/", 1)[0] + "/phu-luc.docx", "phụ lục"),
    ]
    assert rec.to_json_dict()["attachments"][0]["title"].startswith("Kế hoạch số 12")


def test_sidebar_documents_are_not_the_articles() -> None:
    """The demo's legacy mic.gov.vn page has a PDF in its "Văn bản mới" sidebar."""
    path = next(DEFAULT_DEMO_ROOT.glob("mic-legacy/Pages/TinTuc/7301/*.html"))
    assert ".pdf" in path.read_text("utf-8")
    rec = clean(Page("https://mic.gov.vn/Pages/TinTuc/7301/x.html", path.read_bytes(),
                     {"content-type": "text/html; charset=utf-8"}))
    assert isinstance(rec, Record) and rec.family == "mic_legacy"
    assert rec.attachments == []


def test_generic_path_lists_documents_linked_from_the_text() -> None:
    pages = []
    for meta in sorted((FIXTURES / "generic").glob("*.json")):
        url = json.loads(meta.read_text("utf-8"))["url"]
        html = meta.with_suffix(".html").read_text("utf-8")
        if not pages:  # one article links a document in its text, and the sidebar one
            html = html.replace("</p><p>Một số cơ quan", "</p>" + FILE_P_TEXT + "<p>Một số cơ quan",
                                1)
            assert FILE_P_TEXT in html
        pages.append(Page(url, html.encode(), {"content-type": "text/html; charset=utf-8"}))
    records = clean_many(pages)
    first = records[0]
    assert isinstance(first, Record) and first.family == "generic"
    pdf = "https://stttt.tinhdemo.gov.vn/Uploads/ke-hoach-tuyen-truyen.pdf"
    assert first.attachments == [Attachment(pdf, "ke-hoach.pdf")]
    assert all(r.attachments == [] for r in records[1:] if isinstance(r, Record))


@pytest.mark.e2e
def test_crawl_lists_documents_without_fetching_them(tmp_path) -> None:
    site = tmp_path / "nukeviet"
    shutil.copytree(SITES_DIR / "nukeviet", site)
    expected = json.loads((SITES_DIR / "expected.json").read_text("utf-8"))["nukeviet"]
    article = next(p for p in expected if p.endswith(".html"))  # a NukeViet 4 page
    target = site / article.lstrip("/")
    target = target / "index.html" if target.is_dir() else target
    html = target.read_text("utf-8")
    marker = 'id="news-bodyhtml" class="bodytext margin-bottom-lg">'
    assert marker in html
    target.write_text(html.replace(marker, marker + FILE_P, 1), "utf-8")
    server = SiteServer(site).start()
    try:
        done = run_cli("crawl", server.base_url + "/", "--out", str(tmp_path / "out"),
                       "--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False")
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {r["url"]: r for r in load(tmp_path / "out").to_table().to_pylist()}
    row = next(r for u, r in rows.items() if u.endswith(article))
    assert [a["url"].removeprefix(server.base_url) for a in row["attachments"]] == [
        "/uploads/news/2020/ke-hoach-12-kh-ubnd.pdf",
        article.rsplit("/", 1)[0] + "/phu-luc.docx"]
    assert not [t for _m, t, _s in server.requests if t.endswith((".pdf", ".docx"))]
