"""crawler/cdx.py (index answers, windows, capture choice), Retry-After, sites aliases.

The Wayback Machine answer below has the shape its CDX server documents for
``output=json&showResumeKey=true`` (a header row, the rows, an empty row, the key);
the Common Crawl lines are those of index.commoncrawl.org (pywb's JSON lines).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from micnews.crawler import cdx
from micnews.crawler.backoff import retry_after_seconds
from micnews.crawler.cli import app
from micnews.crawler.sites import SiteConfigError, load_sites

WAYBACK = json.dumps([
    ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
    ["vn,gov,mic)/pages/tintuc/1/a.html", "20150301101010", "http://mic.gov.vn/Pages/TinTuc/1/a.html",
     "text/html", "200", "AAA", "5123"],
    ["vn,gov,mic)/robots.txt", "20150301101011", "http://mic.gov.vn/robots.txt", "text/plain",
     "200", "BBB", "120"],
    [],
    ["vn,gov,mic)/pages/tintuc/2/b.html 20160101000000"],
]).encode()
COMMONCRAWL = (
    b'{"urlkey": "vn,gov,tiengiang,stttt)/", "timestamp": "20240301120000", '
    b'"url": "https://stttt.tiengiang.gov.vn/", "mime": "text/html", "mime-detected": '
    b'"text/html", "status": "200", "digest": "CCC", "length": "9000", "offset": "123", '
    b'"filename": "crawl-data/CC-MAIN-2024-10/segments/1/warc/x.warc.gz", "languages": "vie"}\n'
    b'{"urlkey": "vn,gov,tiengiang,stttt)/a", "timestamp": "20240302", "url": '
    b'"https://stttt.tiengiang.gov.vn/a", "mime": "text/html", "status": "301", '
    b'"digest": "DDD", "length": "500", "offset": "9123", "filename": "x.warc.gz"}\n'
)


def test_wayback_machine_answer_and_its_resume_key():
    captures, resume = cdx.parse_cdx(WAYBACK)
    assert [c.url for c in captures] == ["http://mic.gov.vn/Pages/TinTuc/1/a.html",
                                         "http://mic.gov.vn/robots.txt"]
    assert resume == "vn,gov,mic)/pages/tintuc/2/b.html 20160101000000"
    assert captures[0].is_html_page and not captures[1].is_html_page
    assert captures[0].archived_at == datetime(2015, 3, 1, 10, 10, 10, tzinfo=UTC)


def test_common_crawl_lines():
    captures, resume = cdx.parse_cdx(COMMONCRAWL)
    assert resume == ""
    first, redirect = captures
    assert (first.offset, first.length, first.digest) == (123, 9000, "CCC")
    assert first.filename.startswith("crawl-data/CC-MAIN-2024-10/")
    assert first.is_html_page and not redirect.is_html_page  # a 301 is no page
    assert redirect.archived_at == datetime(2024, 3, 2, tzinfo=UTC)  # short timestamps


@pytest.mark.parametrize("body", [b"<html>503 Service Unavailable</html>", b"{oops"])
def test_an_answer_that_is_not_cdx_json_is_an_error(body):
    with pytest.raises(cdx.ArchiveError):
        cdx.parse_cdx(body)


def test_empty_answer_is_no_capture():
    assert cdx.parse_cdx(b"") == ([], "") and cdx.parse_cdx(b"[]") == ([], "")


def test_window_bounds_cover_the_whole_period():
    assert cdx.window_bound("2007", end=False) == "20070101000000"
    assert cdx.window_bound("2025", end=True) == "20251231235959"
    assert cdx.window_bound("2024-02", end=True) == "20240229235959"
    assert cdx.window_bound("2024-12", end=True) == "20241231235959"
    assert cdx.window_bound("2024-03-05", end=True) == "20240305235959"
    assert cdx.window_bound(None, end=True) == ""
    for bad in ("2024-13", "yesterday", "2024-02-30"):
        with pytest.raises(cdx.ArchiveError):
            cdx.window_bound(bad, end=False)
    assert cdx.in_window("20251231235959", "", "20251231235959")
    assert not cdx.in_window("20260101", "", "20251231235959")
    assert not cdx.in_window("20061231235959", "20070101000000", "")


def test_last_capture_per_url_or_every_distinct_one():
    caps = [cdx.Capture("http://h/a", "20150101000000", digest="X", key="https://h/a"),
            cdx.Capture("https://h/a", "20200101000000", digest="Y", key="https://h/a"),
            cdx.Capture("https://h/a", "20210101000000", digest="Y", key="https://h/a"),
            cdx.Capture("https://h/b", "20190101000000", digest="Z")]
    last = cdx.select_captures(caps)
    assert [(c.record_url, c.timestamp) for c in last] == [("https://h/a", "20210101000000"),
                                                          ("https://h/b", "20190101000000")]
    assert last[0].url == "https://h/a"  # fetched under the URL the archive knows
    every = cdx.select_captures(caps, every=True)
    assert [(c.record_url, c.timestamp) for c in every] == [
        ("https://h/a", "20150101000000"), ("https://h/a", "20200101000000"),
        ("https://h/b", "20190101000000")]  # the 2021 copy is the 2020 one (same digest)


def test_sources_and_queries():
    ia = cdx.parse_source("wayback")
    assert ia.cdx_endpoint == "https://web.archive.org/cdx/search/cdx"
    assert cdx.parse_source("wayback", "http://127.0.0.1:8080/coll/").cdx_endpoint == \
        "http://127.0.0.1:8080/coll/cdx"
    cc = cdx.parse_source("commoncrawl:cc-main-2024-10")
    assert (cc.crawl, cc.data_base, cc.label()) == (
        "CC-MAIN-2024-10", "https://data.commoncrawl.org", "commoncrawl:CC-MAIN-2024-10")
    for bad in ("geocities", "wayback:2020", "commoncrawl:2024", "commoncrawl"):
        url = "ftp://x/" if bad == "commoncrawl" else None
        with pytest.raises(cdx.ArchiveError):
            cdx.parse_source(bad, url)
    assert cdx.site_query("https://mic.gov.vn/") == ("mic.gov.vn", "host")
    assert cdx.site_query("https://www.tiengiang.gov.vn/stttt/") == ("www.tiengiang.gov.vn/stttt/",
                                                                "prefix")
    query = cdx.index_query(ia.cdx_endpoint, "mic.gov.vn", "host", "20070101000000",
                        "20251231235959", limit=5000)
    assert "matchType=host" in query and "from=20070101000000" in query
    assert "filter=statuscode%3A200" in query and "showResumeKey=true" in query


def test_common_crawl_crawls_in_the_window():
    info = json.dumps([
        {"id": "CC-MAIN-2026-05", "from": "2026-01-10T00:00:00", "to": "2026-01-25T00:00:00"},
        {"id": "CC-MAIN-2024-10", "from": "2024-02-20T00:00:00", "to": "2024-03-05T00:00:00"},
        {"id": "CC-MAIN-2006-01"},  # no dates: kept, its index decides
        {"id": "CC-MAIN-2005-01", "from": "2005-01-01", "to": "2005-02-01"},
    ]).encode()
    assert cdx.crawls_in_window(info, "20070101000000", "20251231235959") == [
        "CC-MAIN-2024-10", "CC-MAIN-2006-01"]


def test_retry_after_in_seconds_or_as_a_date():
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("30") == 30.0
    assert retry_after_seconds("Wed, 01 Jan 2025 12:01:00 GMT", now) == 60.0
    assert retry_after_seconds("Wed, 01 Jan 2025 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon") == 0.0 and retry_after_seconds(None) == 0.0


def test_aliases_and_status_in_the_sites_file(tmp_path):
    path = tmp_path / "sites.toml"
    path.write_text('[old]\nroot = "https://stttt.example.gov.vn/"\nstatus = "moved"\n'
                    'aliases = ["skhcn.example.gov.vn", "https://New.Example.vn:8443/x"]\n')
    site = load_sites(path)["old"]
    assert site.status == "moved"
    assert site.netlocs == ["stttt.example.gov.vn", "skhcn.example.gov.vn", "new.example.vn:8443"]
    for table, words in [('status = "gone"', "status must be"),
                         ('aliases = ["bad host:99999"]', "aliases")]:
        path.write_text(f'[old]\nroot = "https://stttt.example.gov.vn/"\n{table}\n')
        with pytest.raises(SiteConfigError, match=words):
            load_sites(path)


@pytest.mark.parametrize(("args", "words"), [
    (["--archive", "geocities"], "unknown archive"),
    (["--archive", "wayback", "--from", "2020-13"], "not a date"),
    (["--archive", "wayback", "--from", "2024", "--to", "2020"], "after"),
    (["--from", "2020"], "go with --archive"),
    (["--archive", "wayback", "--demo"], "cannot be combined"),
])
def test_bad_archive_options_are_one_line_errors(args, words, tmp_path):
    result = CliRunner().invoke(app, ["crawl", "https://stttt.example.gov.vn/", "--out",
                                      str(tmp_path / "o"), *args])
    assert result.exit_code == 2, result.output
    assert words in result.output and len(result.output.strip().splitlines()) == 1
