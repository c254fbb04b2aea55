"""Crawler building blocks without the engine: URLs, state, lock, WARC round trip."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from micnews.crawler.lock import AlreadyRunning, SiteLock
from micnews.crawler.state import CrawlState
from micnews.crawler.urls import canonical_url, out_of_range_date, page_number, trap_key


@pytest.mark.parametrize("url, want", [
    ("http://A.vn/x/?b=1&a=2#frag", "http://a.vn/x/?a=2&b=1"),
    ("http://a.vn/x/?PHPSESSID=3&utm_source=fb&id=7", "http://a.vn/x/?id=7"),
    ("http://a.vn/news;jsessionid=ABC?op=x", "http://a.vn/news?op=x"),
    ("http://a.vn", "http://a.vn/"),
])
def test_canonical_url(url, want):
    assert canonical_url(url) == want


def test_calendar_urls_share_a_trap_key_articles_do_not():
    days = [f"http://a.vn/lich/2024/05/{d:02d}/" for d in range(1, 4)]
    assert len({trap_key(u) for u in days}) == 1
    assert trap_key("http://a.vn/event?date=2024-05-01") == trap_key(
        "http://a.vn/event?date=2024-05-02")
    assert trap_key("http://a.vn/vi/news/tin-tuc/hoi-nghi-123.html") is None
    dated = ["http://a.vn/2024/05/01/hoi-nghi.html", "http://a.vn/2024/05/01/tap-huan.html"]
    assert trap_key(dated[0]) != trap_key(dated[1])


def test_out_of_range_dates_and_page_numbers():
    today = date(2026, 11, 23)
    assert out_of_range_date("http://a.vn/lich/2099/01/01/", today)
    assert out_of_range_date("http://a.vn/lich?year=1970", today)
    assert not out_of_range_date("http://a.vn/lich/2025/01/01/", today)
    assert page_number("http://a.vn/vi/news/thoi-su/page-12") == 12
    assert page_number("http://a.vn/tin-tuc/trang-3.htm") == 3
    assert page_number("http://a.vn/vi/news/thoi-su/hoi-nghi-12.html") is None


def test_state_commits_and_reconciles(tmp_path):
    state = CrawlState(tmp_path / "state.sqlite")
    state.seen("http://a.vn/1", "article", etag='"e1"', content_hash="h1")
    assert not state.is_committed_article("http://a.vn/1")
    state.commit(["http://a.vn/1"], "part-1.parquet")
    assert state.is_committed_article("http://a.vn/1")
    assert state.get("http://a.vn/1")["etag"] == '"e1"'
    # a file flushed but never committed (killed in between) is picked up at start
    orphan = tmp_path / "part-2.parquet"
    pq.write_table(pa.table({"url": ["http://a.vn/2"]}), orphan)
    assert state.reconcile([tmp_path / "part-1.parquet", orphan]) == 1
    assert state.is_committed_article("http://a.vn/2")
    state.set_links("http://a.vn/", ["http://a.vn/1", "http://a.vn/2"])
    assert sorted(state.links("http://a.vn/")) == ["http://a.vn/1", "http://a.vn/2"]
    assert state.set_lastmod("http://a.vn/1", "2024-01-01") is False
    assert state.set_lastmod("http://a.vn/1", "2024-02-01") is True


def test_site_lock_excludes_a_second_process(tmp_path):
    with SiteLock(tmp_path, "127.0.0.1:8080"):
        with pytest.raises(AlreadyRunning):
            SiteLock(tmp_path, "127.0.0.1:8080").acquire()
        code = (
            "import sys; from micnews.crawler.lock import SiteLock, AlreadyRunning\n"
            f"try: SiteLock({str(tmp_path)!r}, '127.0.0.1:8080').acquire()\n"
            "except AlreadyRunning: sys.exit(75)\n"
        )
        assert subprocess.run([sys.executable, "-c", code]).returncode == 75
    SiteLock(tmp_path, "127.0.0.1:8080").acquire().release()  # free again


def test_site_names_never_escape_the_lock_folder(tmp_path):
    lock = SiteLock(tmp_path, "../../etc/passwd")
    assert lock.path.parent == tmp_path / "locks"


def test_print_and_mail_views_of_an_article_are_not_followed():
    from scrapy.http import HtmlResponse

    from micnews.crawler.spiders.news import NewsSpider

    spider = NewsSpider(url="http://127.0.0.1:8000/")
    body = b"""<html><body>
      <a href="/Pages/TinTuc/9105/Ky-niem.html">article</a>
      <a href="/pages/tintuc/printpage.aspx?tintucID=9105">In bai</a>
      <a href="/vi/news/savefile/">save</a>
      <a href="/vi/news/sendmail/tin-tuc/abc-12.html">mail</a>
      <a href="/index.php?nv=news&amp;op=print/abc-12">print</a>
      <a href="/vi/news/tin-tuc/in-an-12.html">in an</a>
    </body></html>"""
    page = HtmlResponse("http://127.0.0.1:8000/", body=body, encoding="utf-8")
    urls = sorted(link.url for link in spider.links.extract_links(page))
    assert urls == ["http://127.0.0.1:8000/Pages/TinTuc/9105/Ky-niem.html",
                    "http://127.0.0.1:8000/vi/news/tin-tuc/in-an-12.html"]


def test_the_warc_record_and_the_row_share_the_one_fetch_stamp(tmp_path):
    """fetched_at has one owner (fetchtime.py): the WARC writer writes the stamp the
    response got on arrival, the spider reads the same one; a retry is stamped anew."""
    from datetime import UTC, datetime

    from scrapy.http import HtmlResponse, Request
    from scrapy.utils.test import get_crawler

    from micnews.crawler.fetchtime import META_KEY, FetchTimeMiddleware, fetched_at
    from micnews.crawler.warc import WarcWriterMiddleware, iter_pages

    request = Request("http://a.vn/tin/1.html")
    response = HtmlResponse(request.url, body=b"<p>x</p>")  # tied to request after the chain
    FetchTimeMiddleware().process_response(request, response)
    stamped = fetched_at(request)
    assert stamped.tzinfo is UTC and stamped.microsecond == 0
    long_ago = datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)  # not any clock's "now"
    request.meta[META_KEY] = long_ago
    writer = WarcWriterMiddleware(tmp_path, 1 << 30, get_crawler().stats)
    writer.process_response(request, response)
    writer.close()
    [page] = [p for f in tmp_path.glob("*.warc.gz") for p in iter_pages(f)]
    spider_sees = response.replace(request=request)
    assert page.fetched_at == fetched_at(spider_sees) == long_ago
    retry = request.replace(dont_filter=True)  # what RetryMiddleware sends: meta copied
    FetchTimeMiddleware().process_response(retry, HtmlResponse(retry.url, request=retry))
    assert retry.meta[META_KEY] != long_ago
