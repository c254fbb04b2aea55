"""Archived copies (issue 16): a real pywb and a Common Crawl look-alike on 127.0.0.1.

The archives hold captures of the NukeViet fixture site under the host it had before it
closed (``stttt.example.gov.vn``, never contacted: discovery and fetching go through the
archive only). Captures, per article of tests/fixtures/sites/expected.json:

=========================  =====================  ======================================
article                    captured               crawl ``--from 2007 --to 2025``
=========================  =====================  ======================================
Hoi-thi-tin-hoc-tre…-51    2016-05-01, 2021-03-01 the 2021 capture
hoi-nghi-bao-chi…-988      2019-07-01, 2020-08-01 the 2020 capture (its text was edited)
kiem-tra-hoat-dong…-377    2022-02-02, 2026-01-15 the 2022 capture (2026 is after --to)
ra-mat-kho-du-lieu…-956    2026-03-01 only        nothing
=========================  =====================  ======================================

plus the home page and a listing (pages, not articles), robots.txt (not HTML) and a
404 capture (not 200), which the index lists and the crawl leaves.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from micnews.cleaners.dataset import compact, load
from tests.archives import (
    CommonCrawlServer,
    GateProxy,
    Pywb,
    Snapshot,
    build_warc,
    fetch_snapshot,
)
from tests.conftest import run_cli

# one worker runs the module: pywb and the two-run fixture start once
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("archive")]

HOST = "https://stttt.example.gov.vn"
A51 = "/vi/news/tin-tuc/Hoi-thi-tin-hoc-tre-cap-tinh-51/"
A988 = "/vi/news/tin-tuc/hoi-nghi-bao-chi-quy-iii-2021-988.html"
A377 = "/vi/news/tin-tuc/kiem-tra-hoat-dong-trang-thong-tin-dien-tu-tong-hop-377.html"
A956 = "/vi/news/tin-tuc/ra-mat-kho-du-lieu-mo-cua-tinh-956.html"
CAPTURES = [  # (path, capture time)
    ("/", "20150110080000"), ("/vi/news/tin-tuc/", "20150110080500"),
    ("/robots.txt", "20150110080000"), ("/vi/news/tin-tuc/xoa-bai-999.html", "20180101000000"),
    (A51, "20160501000000"), (A51, "20210301101500"),
    (A988, "20190701000000"), (A988, "20200801000000"),
    (A377, "20220202020202"), (A377, "20260115000000"),
    (A956, "20260301000000"),
]
EXPECTED = {HOST + A51: "20210301101500", HOST + A988: "20200801000000",
            HOST + A377: "20220202020202"}  # url -> capture time recorded
FAST = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False",
        "--set", "MICNEWS_RETRY_BACKOFF=0.1"]


def _ts(when: str) -> datetime:
    return datetime.strptime(when, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


EDITED = " Bài viết đã được cập nhật."  # added to A988's first body sentence in 2020


@pytest.fixture(scope="module")
def snapshots(fixture_sites, fixture_expected) -> list[Snapshot]:
    """The captures, fetched from the loopback fixture site (A988's 2020 one edited)."""
    site = fixture_sites["nukeviet"]
    snaps = [fetch_snapshot(site.base_url + path, HOST + path, when) for path, when in CAPTURES]
    words = fixture_expected["nukeviet"][A988]["body_first_words"].encode()
    for snap in snaps:
        if snap.url == HOST + A988 and snap.when.startswith("2020"):
            assert words in snap.body
            snap.body = snap.body.replace(words, words + EDITED.encode(), 1)
    return snaps


@pytest.fixture(scope="module")
def sites_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("sites") / "sites.toml"
    path.write_text(f'[stttt-example]\nroot = "{HOST}/"\nfamily = "auto"\n'
                    'status = "archive-only"  # closed: read it from an archive\n', "utf-8")
    return path


@pytest.fixture(scope="module")
def wayback(snapshots, tmp_path_factory):
    """pywb over a collection of the captures, behind a proxy that can answer 429."""
    root = tmp_path_factory.mktemp("pywb")
    warc = root / "stttt-example.warc.gz"
    build_warc(warc, snapshots)
    pywb = Pywb(root, [warc]).start()
    proxy = GateProxy(pywb.url)
    yield pywb, proxy
    proxy.stop()
    pywb.stop()


def _crawl(sites_file, out, *args: str):
    return run_cli("crawl", "stttt-example", "--sites-file", str(sites_file), "--out", str(out),
                   "--from", "2007", "--to", "2025", *FAST, *args)


@pytest.fixture(scope="module")
def wayback_runs(wayback, sites_file, tmp_path_factory):
    """Two runs over the proxy: the first meets one 429, the second has nothing to fetch."""
    pywb, proxy = wayback
    out = tmp_path_factory.mktemp("wayback-out")
    archive = ["--archive", "wayback", "--archive-url", f"{proxy.base_url}/{pywb.coll}"]
    proxy.fail_once("id_/", status=429, retry_after="1")
    first = _crawl(sites_file, out, *archive)
    mark = len(proxy.requests)
    second = _crawl(sites_file, out, *archive)
    return out, first, second, proxy.requests[:mark], proxy.requests[mark:]


def _rows(out):
    return load(out).to_table().to_pylist()


def _run_stats(out) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((out / "runs").glob("*.json"))]


def test_wayback_records_every_archived_article_once(wayback_runs, fixture_expected):
    out, first, _second, _log, _log2 = wayback_runs
    assert first.returncode == 0, first.stderr[-3000:]
    rows = _rows(out)
    assert sorted(r["url"] for r in rows) == sorted(EXPECTED), "each article once, original URL"
    # the summary: 5 captures chosen (home, listing, 3 articles), each fetched
    assert "archive captures: listed / chosen / fetched" in first.stdout
    assert " / 5 / 5 " in first.stdout, first.stdout
    titles = {HOST + p: a["title"] for p, a in fixture_expected["nukeviet"].items()}
    for row in rows:
        assert row["archived_at"] == _ts(EXPECTED[row["url"]]), row["url"]
        assert row["archive"] == "wayback"
        assert row["title"] == titles[row["url"]]
        assert row["site"] == "stttt.example.gov.vn"


def test_wayback_takes_the_last_capture_before_to(wayback_runs):
    _out, _first, _second, log, _log2 = wayback_runs
    replayed = [p for p, status in log if "id_/" in p and status == 200]
    assert not [p for p in replayed if p.split("/")[2].startswith("2026")], "after --to"
    assert not any("20160501000000" in p for p in replayed), "an older capture of a URL"
    assert not any(p.endswith("robots.txt") or "xoa-bai-999" in p for p in replayed)


def test_wayback_survives_429_with_retry_after(wayback_runs):
    _out, first, _second, log, _log2 = wayback_runs
    limited = [p for p, status in log if status == 429]
    assert len(limited) == 1
    assert (limited[0], 200) in log, "the rate-limited capture was fetched again"
    stats = _run_stats(_out)[0]
    assert stats["micnews/retry_after"] == 1
    assert stats["micnews/retry_backoff_seconds"] >= 1.0, "it waited as Retry-After asked"


def test_polite_to_the_archive(wayback, wayback_runs):
    """The archive sees micnews's User-Agent, with its contact URL."""
    _pywb, proxy = wayback
    assert proxy.agents and all(a.startswith("micnews/") and "+http" in a for a in proxy.agents)


def test_wayback_second_run_fetches_nothing(wayback_runs):
    out, _first, second, _log, log2 = wayback_runs
    assert second.returncode == 0, second.stderr[-3000:]
    assert [p for p, _s in log2 if "id_/" in p] == [], "no capture fetched again"
    assert [p for p, _s in log2 if "/cdx?" in p], "the index was asked"
    assert len(_rows(out)) == len(EXPECTED)
    stats = _run_stats(out)[-1]
    assert stats["micnews/skipped_known"] == len(EXPECTED)
    assert stats["micnews/archive/skipped_not_article"] == 2  # home, listing


def test_every_capture_keeps_each_distinct_capture(wayback, sites_file, tmp_path):
    pywb, _proxy = wayback
    out = tmp_path / "out"
    result = _crawl(sites_file, out, "--archive", "wayback", "--archive-url", pywb.url,
                    "--every-capture")
    assert result.returncode == 0, result.stderr[-3000:]
    rows = sorted((r["url"], r["archived_at"], r["text"]) for r in _rows(out))
    # A988 was edited between its captures: both; A51's two hold the same bytes: one
    assert [(u, t) for u, t, _x in rows if u == HOST + A988] == [
        (HOST + A988, _ts("20190701000000")), (HOST + A988, _ts("20200801000000"))]
    assert [EDITED.strip() in x for u, _t, x in rows if u == HOST + A988] == [False, True]
    assert [u for u, _t, _x in rows].count(HOST + A51) == 1
    assert {u for u, _t, _x in rows} == set(EXPECTED)
    # versions of a page are its captures: loading without repeats and compacting keep both
    assert load(out, dedupe=True).count_rows() == len(rows)
    compact(out)
    assert sorted((r["url"], r["archived_at"], r["text"]) for r in _rows(out)) == rows
    again = _crawl(sites_file, out, "--archive", "wayback", "--archive-url", pywb.url,
                   "--every-capture")
    assert again.returncode == 0, again.stderr[-3000:]
    assert len(_rows(out)) == len(rows), "no capture written twice"
    assert _run_stats(out)[-1].get("micnews/archive/captures_fetched", 0) == 0


def test_a_killed_run_resumes(wayback, sites_file, tmp_path):
    """SIGTERM while a capture is being fetched: what was written stays, and the next run
    fetches only the captures not in the dataset; each article ends up there once."""
    pywb, proxy = wayback
    out = tmp_path / "out"
    reached, release = proxy.hold(A377)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    first = subprocess.Popen(
        [sys.executable, "-m", "micnews.crawler.cli", "crawl", "stttt-example", "--sites-file",
         str(sites_file), "--out", str(out), "--from", "2007", "--to", "2025", *FAST,
         "--archive", "wayback", "--archive-url", f"{proxy.base_url}/{pywb.coll}"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert reached.wait(120), "the crawl reached the held capture"
        first.send_signal(signal.SIGTERM)
    finally:
        release.set()
    _stdout, stderr = first.communicate(timeout=120)
    assert first.returncode == 3, stderr[-3000:]
    kept = {r["url"] for r in _rows(out)} if (out / "articles").exists() else set()
    mark = len(proxy.requests)
    again = _crawl(sites_file, out, "--archive", "wayback", "--archive-url",
                   f"{proxy.base_url}/{pywb.coll}")
    assert again.returncode == 0, again.stderr[-3000:]
    fetched = {p.split("id_/", 1)[1] for p in proxy.paths(mark) if "id_/" in p}
    assert fetched & set(EXPECTED) == set(EXPECTED) - kept, "only articles not yet written"
    assert sorted(r["url"] for r in _rows(out)) == sorted(EXPECTED)


@pytest.fixture(scope="module")
def commoncrawl(snapshots, tmp_path_factory):
    """Two crawls: CC-MAIN-2021-10 (captures up to 2025) and CC-MAIN-2026-05 (later)."""
    root = tmp_path_factory.mktemp("cc")
    early = [s for s in snapshots if s.when < "2025"]
    late = [s for s in snapshots if s.when >= "2025"]
    rows_early = build_warc(root / "CC-MAIN-2021-10-00000.warc.gz", early)
    rows_late = build_warc(root / "CC-MAIN-2026-05-00000.warc.gz", late)
    for row in rows_early + rows_late:
        row["filename"] = "crawl-data/CC-MAIN/segments/warc/" + row["filename"]
    server = CommonCrawlServer({
        "CC-MAIN-2021-10": ("2015-01-01T00:00:00", "2024-12-31T23:59:59", rows_early),
        "CC-MAIN-2026-05": ("2026-01-01T00:00:00", "2026-03-31T23:59:59", rows_late),
    }, root)
    yield server
    server.stop()


def test_commoncrawl_index_and_range_requests(commoncrawl, sites_file, tmp_path):
    out = tmp_path / "out"
    result = _crawl(sites_file, out, "--archive", "commoncrawl",
                    "--archive-url", commoncrawl.base_url)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = _rows(out)
    assert sorted(r["url"] for r in rows) == sorted(EXPECTED)
    for row in rows:
        assert row["archived_at"] == _ts(EXPECTED[row["url"]])
        assert row["archive"] == "commoncrawl:CC-MAIN-2021-10"
    paths = commoncrawl.paths()
    assert not [p for p in paths if "CC-MAIN-2026-05" in p], "a crawl after --to is not asked"
    assert [p for p in paths if "page=1" in p], "the index was read page by page"
    assert all(s == 206 for p, s in commoncrawl.requests if p.startswith("/crawl-data/"))
    again = _crawl(sites_file, out, "--archive", "commoncrawl:CC-MAIN-2021-10",
                   "--archive-url", commoncrawl.base_url)
    assert again.returncode == 0, again.stderr[-3000:]
    assert len(commoncrawl.paths()) > len(paths), "the named crawl's index was asked"
    assert not [p for p in commoncrawl.paths()[len(paths):] if p.startswith("/crawl-data/")]
