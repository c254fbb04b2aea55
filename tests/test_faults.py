"""Issue 7: hostile servers and faults, crawled through ``micnews crawl`` on 127.0.0.1.

Each test makes a fixture site misbehave (tests/faultserver.py), crawls it with the real
engine in a subprocess, and checks that the dataset is readable, holds every record
committed before the fault, that the next run completes the work, and that nothing
outside the configured site was fetched. Each reports records expected vs present to
the fault table printed at the end of the session (tests/conftest.py).
"""

from __future__ import annotations

import errno
import json
import resource
import signal
import subprocess
import threading
import time
from pathlib import Path

import pyarrow.dataset as ds
import pytest
from warcio.archiveiterator import ArchiveIterator

from micnews.cleaners.dataset import DatasetWriter, data_files
from micnews.cleaners.record import Record
from micnews.crawler.demo.server import SiteServer
from micnews.crawler.urls import canonical_url
from micnews.crawler.warc import iter_pages
from tests.faultserver import (
    MisbehavingSite,
    bomb,
    committed_urls,
    crawl_with_full_disk,
    dataset_urls,
    endless_body,
    report,
    reset_mid_body,
    slow_loris,
)

pytestmark = pytest.mark.e2e  # crawls or the micnews command in subprocesses

SITE = "mic-current"  # the `site` fixture (tests/conftest.py)


def _one_line_error(result) -> None:
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr[-3000:]


def _wait_for(predicate, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "the crawl never got there"
        time.sleep(0.05)


def _exactly_once(site: MisbehavingSite, out: Path) -> list[str]:
    present = dataset_urls(out)
    assert sorted(present) == sorted(site.urls()), "every article exactly once"
    return present


def _next_run_completes(site, out: Path, fault: str, test: str, after_fault) -> None:
    """The run after the fault finishes the work: every article exactly once; reported."""
    again = site.crawl(out)
    assert again.returncode == 0, again.stderr[-3000:]
    report(fault, site.urls(), _exactly_once(site, out), test, after_fault)


# -- hostile responses ----------------------------------------------------------------------
def test_hostile_responses_are_cut_and_nothing_off_site_is_fetched(site, tmp_path):
    other_host = f"http://localhost:{site.other.port}"  # another host name
    other_port = site.other.base_url  # same host, another port: another site all the same
    site.server.routes.update({
        "/bomb-gzip.htm": lambda _t: bomb("gzip"),
        "/bomb-deflate.htm": lambda _t: bomb("deflate"),
        "/loop.htm": lambda _t: (302, {"Location": "/loop.htm"}, b""),
        "/loop-a.htm": lambda _t: (302, {"Location": "/loop-b.htm"}, b""),
        "/loop-b.htm": lambda _t: (301, {"Location": "/loop-a.htm"}, b""),
        "/to-other-host.htm": lambda _t: (302, {"Location": other_host + "/stolen"}, b""),
        "/to-other-port.htm": lambda _t: (302, {"Location": other_port + "/stolen"}, b""),
        "/to-file.htm": lambda _t: (302, {"Location": "file:///etc/passwd"}, b""),
        "/to-js.htm": lambda _t: (302, {"Location": "javascript:alert(1)"}, b""),
        "/to-data.htm": lambda _t: (302, {"Location": "data:text/html,<p>x</p>"}, b""),
        "/to-ftp.htm": lambda _t: (307, {"Location": f"ftp://localhost:{site.other.port}/"},
                                   b""),
    })
    site.server.faults.update({
        "/endless.htm": endless_body(),
        "/slow-body.htm": slow_loris(),
        "/slow-headers.htm": slow_loris(in_headers=True),
        "/reset.htm": reset_mid_body(),
    })
    (site.root / "refresh.htm").write_text(
        f'<html><head><meta http-equiv="refresh" content="0;url={other_host}/refreshed">'
        "</head><body>moved</body></html>")
    site.link_from_home([
        *site.server.routes, *site.server.faults, "/refresh.htm",
        "javascript:fetch('/js-link')", "data:text/html,<a href=/data-link>x</a>",
        "file:///etc/passwd", f"//localhost:{site.other.port}/protocol-relative",
        f"{other_port}/other-port-link", f"http://user:hunter2@127.0.0.1:{site.server.port}/",
    ])
    out = tmp_path / "out"
    result = site.crawl(out)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, "each failure is one log line"
    present = _exactly_once(site, out)
    assert site.other.requests == [], "nothing outside the configured site is fetched"
    paths = site.server.paths()
    assert not {"/js-link", "/data-link"} & set(paths)
    assert paths.count("/loop.htm") <= 2 * 21, "redirect loops end"
    rows = ds.dataset(out / "articles", format="parquet").to_table().to_pylist()
    assert not any("root:x:0:0" in (r["text"] or "") for r in rows)
    report("hostile: bombs, endless, slow-loris, loops, off-site/non-http redirects",
           site.urls(), present, "test_hostile_responses_are_cut_and_nothing_off_site_is_fetched")


def test_xml_entities_and_enormous_sitemap_index_are_harmless(site, tmp_path):
    # an external entity whose text is an on-site URL: fetched only if entities resolve
    secret = tmp_path / "entity.txt"
    secret.write_text(f"{site.base}/xxe-external.htm")
    laughs = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    doctype = (f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">'
               f'<!ENTITY internal "{site.base}/xxe-internal.htm">{laughs}]>')
    sitemap = site.root / "sitemap.xml"
    sitemap.write_text(sitemap.read_text("utf-8").replace(
        "<urlset", doctype + "<urlset", 1).replace(
        "</urlset>", "<url><loc>&xxe;</loc></url><url><loc>&internal;</loc></url>"
        "<url><loc>&lol9;</loc></url></urlset>"), "utf-8")
    feed = site.root / "rss" / "tin-tuc.rss"
    text = feed.read_text("utf-8")
    head, sep, rest = text.partition("?>")
    feed.write_text(head + sep + doctype + rest.replace(
        "</channel>", "<item><link>&xxe;</link></item><item><link>&internal;</link></item>"
        "<item><title>&lol9;</title></item></channel>", 1), "utf-8")
    # a sitemap index of 12,000 entries, every one off-site or not http
    entries = "".join(f"<sitemap><loc>{u}/sm-{i}.xml</loc></sitemap>" for i in range(4000)
                      for u in (f"http://localhost:{site.other.port}", site.other.base_url,
                                "file:///etc"))
    (site.root / "sitemap-index.xml").write_text(
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}<sitemap><loc>{{{{BASE}}}}/sitemap.xml</loc></sitemap></sitemapindex>")
    robots = site.root / "robots.txt"
    robots.write_text(robots.read_text() + "Sitemap: {{BASE}}/sitemap-index.xml\n")
    out = tmp_path / "out"
    result = site.crawl(out)
    assert result.returncode == 0, result.stderr[-3000:]
    paths = site.server.paths()
    assert "/sitemap-index.xml" in paths and "/rss/tin-tuc.rss" in paths
    assert "/xxe-external.htm" not in paths, "external entities are not resolved"
    assert "/xxe-internal.htm" not in paths, "entities are not expanded"
    assert site.other.requests == []
    present = _exactly_once(site, out)
    report("XML entities (XXE, billion laughs), 12k-entry sitemap index", site.urls(), present,
           "test_xml_entities_and_enormous_sitemap_index_are_harmless")


def test_no_cookie_or_credential_reaches_the_warc_or_the_dataset(site, tmp_path):
    site.server.routes["/"] = lambda _t: (
        200, {"Content-Type": "text/html; charset=utf-8",
              "Set-Cookie": "session=COOKIE-SECRET; Path=/"},
        site.file_of("/").read_bytes().replace(b"{{BASE}}", site.base.encode()))
    userinfo = f"http://micnews:hunter2@127.0.0.1:{site.server.port}"
    site.link_from_home([userinfo + p for p in site.expected])
    out = tmp_path / "out"
    result = site.crawl(out, target=userinfo + "/")
    assert result.returncode == 0, result.stderr[-3000:]
    present = _exactly_once(site, out)
    records = 0
    for warc in (out / "warc").glob("*.warc.gz"):
        with open(warc, "rb") as fh:
            for record in ArchiveIterator(fh):
                records += 1
                heads = str(record.rec_headers.headers) + str(record.http_headers.headers)
                assert "COOKIE-SECRET" not in heads and "hunter2" not in heads, heads
                assert "cookie" not in heads.lower(), heads
    assert records > 2 * len(site.expected)
    for path in data_files(out):
        assert b"hunter2" not in path.read_bytes(), path
    assert all("hunter2" not in str(p) for p in out.rglob("*"))
    assert not any(b"hunter2" in line for _m, line, _s in
                   ((m, t.encode(), s) for m, t, s in site.server.requests))
    report("credentials in URLs, Set-Cookie", site.urls(), present,
           "test_no_cookie_or_credential_reaches_the_warc_or_the_dataset")


def test_changed_sitemap_entry_redirecting_off_site_is_not_followed(site, tmp_path):
    """A changed sitemap entry is re-requested with ``dont_filter``; its redirect to
    another site (same host, another port) must still be dropped."""
    site.server.routes["/moved.htm"] = lambda _t: (
        302, {"Location": site.other.base_url + "/stolen"}, b"")
    sitemap = site.root / "sitemap.xml"
    original = sitemap.read_text("utf-8")

    def entry(lastmod: str) -> None:
        sitemap.write_text(original.replace("</urlset>", "<url><loc>{{BASE}}/moved.htm</loc>"
                                            f"<lastmod>{lastmod}</lastmod></url></urlset>"))
    out = tmp_path / "out"
    entry("2024-01-01")
    assert site.crawl(out).returncode == 0
    entry("2024-06-01")  # changed: fetched again, dont_filter
    mark = len(site.server.requests)
    result = site.crawl(out)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "/moved.htm" in site.server.paths()[mark:], "the changed entry was asked again"
    assert site.other.requests == [], "its redirect to another site was not followed"
    present = _exactly_once(site, out)
    report("changed sitemap entry (dont_filter) redirecting off-site", site.urls(), present,
           "test_changed_sitemap_entry_redirecting_off_site_is_not_followed")


# -- faults ---------------------------------------------------------------------------------
def test_server_down_then_up(fixture_expected, tmp_path):
    probe = SiteServer(tmp_path).start()
    port = probe.port
    probe.stop()  # nothing listens on this port now
    out = tmp_path / "out"
    from tests.conftest import run_cli
    from tests.faultserver import FAST

    down = run_cli("crawl", f"http://127.0.0.1:{port}/", "--out", str(out), *FAST)
    assert down.returncode == 1, down.stderr[-3000:]
    _one_line_error(down)
    assert dataset_urls(out) == []

    site = MisbehavingSite(SITE, fixture_expected[SITE], tmp_path / "up")
    try:
        site.server.stop()
        site.server.port = port
        site.server.start()
        again = site.crawl(out)
        assert again.returncode == 0, again.stderr[-3000:]
        present = _exactly_once(site, out)
        report("server down, then up", site.urls(), present, "test_server_down_then_up")
    finally:
        site.stop()


def test_dns_failure_is_one_line_and_writes_nothing(tmp_path):
    from tests.conftest import run_cli
    from tests.faultserver import FAST

    out = tmp_path / "out"
    result = run_cli("crawl", "http://tin-tuc.micnews.invalid/", "--out", str(out), *FAST)
    assert result.returncode == 1, result.stderr[-3000:]
    _one_line_error(result)
    assert dataset_urls(out) == []
    report("DNS failure (.invalid)", set(), [], "test_dns_failure_is_one_line_and_writes_nothing")


def test_connection_reset_mid_body_then_next_run(site, tmp_path):
    healed = site.add_article("reset-once")  # reset once: the retry gets it
    broken = site.add_article("reset-always")  # reset on every try of this run
    site.server.faults[healed] = reset_mid_body(times=1)
    site.server.faults[broken] = reset_mid_body()
    out = tmp_path / "out"
    first = site.crawl(out)
    assert first.returncode == 0, first.stderr[-3000:]
    got = dataset_urls(out)
    after_fault = (committed_urls(out), got)
    assert sorted(got) == sorted(site.urls() - site.urls({broken})), "all but the broken one"
    assert site.urls({broken}).isdisjoint(committed_urls(out)), "a cut page is not committed"

    del site.server.faults[broken]
    second = site.crawl(out)
    assert second.returncode == 0, second.stderr[-3000:]
    present = _exactly_once(site, out)
    report("connection reset mid-body", site.urls(), present,
           "test_connection_reset_mid_body_then_next_run", after_fault)


@pytest.mark.parametrize(("what", "after"), [("parquet", 2), ("warc", 12)])
def test_disk_full_while_writing_then_next_run(site, tmp_path, what, after):
    """The disk fills up under the Parquet writer (after two files) or the WARC writer
    (after six fetches): what was committed stays readable, the next run completes."""
    for i in range(3):
        site.add_article(f"extra-{i}")
    out = tmp_path / "out"
    result = crawl_with_full_disk(site, out, what, after, "--set", "MICNEWS_BATCH_SIZE=1",
                                  "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    assert "No space left on device" in result.stderr, result.stderr[-3000:]
    partial = dataset_urls(out)  # every file readable
    after_fault = (committed_urls(out), partial)
    assert committed_urls(out) <= set(partial), "every committed record is in the dataset"
    assert len(partial) < len(site.expected), "the fault did cost something"
    assert what != "parquet" or len(partial) == after, "the files written before it stay"
    assert not list(out.rglob(".*.tmp")), "no temp file left behind"
    for warc in (out / "warc").glob("*.warc.gz"):
        list(iter_pages(warc))  # a half-written WARC record ends the replay, quietly

    _next_run_completes(site, out, f"disk full while writing {what}",
                        "test_disk_full_while_writing_then_next_run", after_fault)


def test_disk_full_for_a_moment_while_writing_the_warc(site, tmp_path):
    """One WARC write fails half-way (the disk was full for a moment): the file is cut
    back to its last whole record, so the archive still replays every page of the dataset."""
    out = tmp_path / "out"
    result = crawl_with_full_disk(site, out, "warc", 6, "--set", "MICNEWS_BATCH_SIZE=1",
                                  "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1", times=1)
    assert "No space left on device" in result.stderr, result.stderr[-3000:]
    written = dataset_urls(out)
    after_fault = (committed_urls(out), written)
    replayed = {canonical_url(p.url) for warc in sorted((out / "warc").glob("*.warc.gz"))
                for p in iter_pages(warc) if p.status == 200}
    assert set(written) <= replayed, "every row of the dataset has its raw response"
    stats = json.loads(next((out / "runs").glob("*.json")).read_text())
    assert stats["micnews/warc_write_errors"] == 1
    again = site.crawl(out)
    assert again.returncode == 0, again.stderr[-3000:]
    present = _exactly_once(site, out)
    report("disk full for one WARC write", site.urls(), present,
           "test_disk_full_for_a_moment_while_writing_the_warc", after_fault)


def _fsize_limit(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_disk_full_from_the_start_then_next_run(site, tmp_path):
    """RLIMIT_FSIZE (every write past 4 kB fails, EFBIG) leaves no room even for the state."""
    out = tmp_path / "out"
    proc = site.popen(out, preexec_fn=_fsize_limit(4096))
    _stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode != 0
    _one_line_error(subprocess.CompletedProcess([], proc.returncode, "", stderr))
    assert dataset_urls(out) == []

    again = site.crawl(out)
    assert again.returncode == 0, again.stderr[-3000:]
    present = _exactly_once(site, out)
    report("disk full from the start (RLIMIT_FSIZE 4 kB)", site.urls(), present,
           "test_disk_full_from_the_start_then_next_run")


def test_disk_full_keeps_the_batch_and_leaves_no_partial_file(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    from micnews.cleaners import clean_html
    from tests.conftest import SITES_DIR

    page = SITES_DIR / SITE / "ha-nam-ra-mat-ung-dung-cong-dan-so-411230602100500311.htm"
    record = clean_html(page.read_bytes(), "http://127.0.0.1:1/a.htm")
    assert isinstance(record, Record)
    writer = DatasetWriter(tmp_path, batch_size=10)
    writer.write(record)
    real = pq.write_table

    def full(table, where, **kwargs):
        Path(where).write_bytes(b"PAR1 partial")  # a partial temp file, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq, "write_table", full)
    with pytest.raises(OSError):
        writer.flush()
    assert not list(tmp_path.rglob("*.parquet*")), "no file, not even a temp one"
    monkeypatch.setattr(pq, "write_table", real)
    assert len(writer.flush()) == 1, "the batch is still there to write"
    assert ds.dataset(tmp_path / "articles", format="parquet").count_rows() == 1


@pytest.mark.parametrize(("sig", "twice"), [(signal.SIGTERM, False), (signal.SIGTERM, True),
                                          (signal.SIGKILL, False)],
                         ids=["SIGTERM", "SIGTERM-twice", "SIGKILL"])
def test_signal_mid_crawl_then_next_run(site, tmp_path, sig, twice):
    for i in range(3):
        site.add_article(f"more-{i}")
    site.server.delay = 0.3
    out = tmp_path / "out"
    proc = site.popen(out, "--set", "MICNEWS_BATCH_SIZE=1",
                      "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    _wait_for(lambda: len(committed_urls(out)) >= 2)  # two records are in the dataset
    proc.send_signal(sig)
    if twice:  # a second SIGTERM forces the stop, without the graceful close
        time.sleep(0.2)
        proc.send_signal(sig)
    _stdout, stderr = proc.communicate(timeout=60)
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
    elif not twice:
        assert proc.returncode == 3, stderr[-3000:]  # interrupted, what was written stays
        assert "Traceback" not in stderr
    partial = dataset_urls(out)
    after_fault = (committed_urls(out), partial)
    assert committed_urls(out) <= set(partial), "every committed record is in the dataset"
    if sig == signal.SIGKILL:
        assert len(partial) < len(site.expected), "killed before the end"

    site.server.delay = 0
    _next_run_completes(site, out, f"{sig.name}{' twice' if twice else ''} mid-crawl",
                        "test_signal_mid_crawl_then_next_run", after_fault)


def test_two_runs_at_once(fixture_expected, tmp_path):
    one = MisbehavingSite(SITE, fixture_expected[SITE], tmp_path / "one")
    two = MisbehavingSite("nukeviet", fixture_expected["nukeviet"], tmp_path / "two")
    out = tmp_path / "out"
    try:
        gate = threading.Event()  # the first run's home page waits until we are done
        one.server.routes["/"] = lambda _t: None if gate.wait(60) else None
        two.server.delay = 0.1
        first = one.popen(out)
        second = two.popen(out)  # another site, same dataset: runs alongside
        lock = out / "locks" / f"127.0.0.1_{one.server.port}.lock"
        _wait_for(lambda: lock.exists() and lock.read_text().strip())  # the first holds it
        same = one.crawl(out)  # the same site again: refused while the first runs
        gate.set()
        assert same.returncode == 75, same.stderr[-3000:]
        _one_line_error(same)
        for proc in (first, second):
            _stdout, stderr = proc.communicate(timeout=120)
            assert proc.returncode == 0, stderr[-3000:]
        present = dataset_urls(out)
        want = one.urls() | two.urls()
        assert sorted(present) == sorted(want), "both sites, every article exactly once"
        report("two runs at once (same site refused, two sites share a dataset)", want,
               present, "test_two_runs_at_once")
    finally:
        one.stop()
        two.stop()
