"""The run rules on every path (issue 14): unreachable entry points end a run at once with
one line, `scrapy crawl` has micnews's exit codes, the summary counts what the server said."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from micnews.crawler.demo.server import SiteServer
from micnews.crawler.lock import SiteLock
from tests.conftest import ROOT, run_cli
from tests.faultserver import MisbehavingSite

SITE = "nukeviet"
pytestmark = pytest.mark.e2e  # the micnews and scrapy commands in subprocesses


def _free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _scrapy_crawl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", "crawl", "news", *args],
                          cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
                          capture_output=True, text=True, timeout=120)


def _attempts(log: Path) -> dict[str, int]:
    """Requests that went out, retries and robots.txt fetches, from the stats Scrapy dumps
    into the run's log file (the run removes its runs/*.json: it fetched nothing)."""
    text = log.read_text("utf-8")
    keys = ("downloader/request_count", "retry/count", "robotstxt/request_count")
    return {k: int(m.group(1)) if (m := re.search(rf"'{k}': (\d+)", text)) else 0
            for k in keys}


def _crawl_unreachable(url: str, out: Path) -> tuple[subprocess.CompletedProcess, dict]:
    """A crawl with default settings (3 retries with back-off, 3 robots.txt attempts), its
    log in a file beside ``out`` so that stderr holds only what a user sees."""
    log = out.parent / "crawl.log"
    result = run_cli("crawl", url, "--out", str(out), "--log-level", "INFO",
                     "-s", f"LOG_FILE={log}")
    return result, _attempts(log)


@pytest.mark.parametrize(("url", "cause", "host"), [
    ("http://tin-tuc.micnews.invalid/", "DNS lookup failed", "tin-tuc.micnews.invalid"),
    ("http://127.0.0.1:{port}/", "connection refused", "127.0.0.1"),
])
def test_unreachable_site_is_one_line_one_attempt_and_leaves_nothing(tmp_path, url, cause, host):
    """Default settings: the run ends at the first failure (robots.txt, fetched first):
    no retry, no second robots.txt attempt, the entry page never sent. How long that takes
    is measured by bench/fast_failure.py, not here."""
    out = tmp_path / "out"
    result, attempts = _crawl_unreachable(url.format(port=_free_port()), out)
    assert result.returncode == 1, result.stderr[-3000:]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: cannot reach ") and cause in lines[0] and host in lines[0]
    assert result.stdout == ""  # no summary table for a run that reached nothing
    assert attempts == {"downloader/request_count": 1, "retry/count": 0,
                        "robotstxt/request_count": 1}
    assert not out.exists()  # the command created it: the run leaves no trace


def test_tls_failure_names_cause_and_host(tmp_path):
    """https:// to a server that speaks plain HTTP: the handshake fails, once, one line."""
    (tmp_path / "plain").mkdir()
    out = tmp_path / "out"
    out.mkdir()  # the user's folder: kept, and left empty
    with SiteServer(tmp_path / "plain") as plain:
        result, attempts = _crawl_unreachable(f"https://127.0.0.1:{plain.port}/", out)
    assert result.returncode == 1, result.stderr[-3000:]
    assert result.stderr.strip().splitlines() == [
        "error: cannot reach 127.0.0.1: TLS handshake failed (wrong version number)"]
    assert plain.requests == []  # no HTTP request was ever understood
    assert attempts == {"downloader/request_count": 1, "retry/count": 0,
                        "robotstxt/request_count": 1}
    assert list(out.iterdir()) == []


def test_scrapy_crawl_has_the_run_rules(tmp_path):
    out = tmp_path / "out"
    port = _free_port()
    with SiteLock(out, f"127.0.0.1:{port}"):  # another run holds the site
        locked = _scrapy_crawl("-a", f"site=http://127.0.0.1:{port}/", "-s", f"MICNEWS_OUT={out}")
    assert locked.returncode == 75, locked.stderr[-3000:]
    assert "error: a crawl of this site is already running" in locked.stderr
    shutil.rmtree(out / "locks")  # the test's own lock
    refused = _scrapy_crawl("-a", f"site=http://127.0.0.1:{port}/", "-s", f"MICNEWS_OUT={out}")
    assert refused.returncode == 1, refused.stderr[-3000:]
    assert "error: cannot reach 127.0.0.1: connection refused" in refused.stderr
    assert list(out.iterdir()) == [], "a run that fetched nothing leaves nothing"
    no_site = _scrapy_crawl("-s", f"MICNEWS_OUT={out}")
    assert no_site.returncode == 2, no_site.stderr[-3000:]


def test_summary_counts_statuses(fixture_expected, tmp_path):
    """Dead links (404), a failing page (500, retried once) and a robots-forbidden link:
    the table and runs/*.json say exactly what the server answered."""
    site = MisbehavingSite(SITE, fixture_expected[SITE], tmp_path)
    try:
        site.server.routes["/broken.html"] = lambda _t: (500, {}, b"boom")
        (site.root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
        site.link_from_home(["/dead-1.html", "/dead-2.html", "/broken.html", "/private/x.html",
                             "https://elsewhere.example/"])
        out = tmp_path / "out"
        result = site.crawl(out, "--set", "MICNEWS_RETRY_BACKOFF=0.01")
        assert result.returncode == 0, result.stderr[-3000:]
        answered = site.server.requests
        by_class = {"2xx": 0, "3xx": 0, "404": 0, "other 4xx": 0, "5xx": 0}
        for _method, _path, status in answered:
            cls = "404" if status == 404 else "other 4xx" if 400 <= status < 500 \
                else f"{status // 100}xx"
            by_class[cls] += 1
        assert by_class["5xx"] == 2  # /broken.html and its one retry (RETRY_TIMES=1)
        assert {p for _m, p, s in answered if s == 404} >= {"/dead-1.html", "/dead-2.html"}
        [stats_file] = (out / "runs").glob("*.json")
        summary = json.loads(stats_file.read_text())["summary"]
        for cls, n in by_class.items():
            assert summary[f"pages {cls}"] == str(n), (cls, summary)
            assert f"pages {cls}" in result.stdout
        assert summary["pages fetched"] == str(len(answered))
        # robots.txt asked once: the spider's request for its sitemaps gets the answer the
        # robots middleware fetched for the rules
        assert [p for _m, p, _s in answered].count("/robots.txt") == 1, answered
        assert summary["retries"] == "1"
        assert summary["robots.txt forbidden"] == "1"
        assert int(summary["off-site dropped"]) >= 1
        assert summary["articles written"] == str(len(site.expected))
        total, _, reasons = summary["not articles"].partition(" (")
        by_reason = [int(part.rsplit(" ", 1)[1]) for part in reasons.rstrip(")").split(", ")]
        assert int(total) == sum(by_reason) > 0  # the home page and listings, by reason
    finally:
        site.stop()


def test_settings_file_has_no_runtime_state(tmp_path):
    """`scrapy crawl` reads the project settings: the add-on is its only source of defaults."""
    from micnews.crawler.addon import crawl_settings
    from micnews.crawler.defaults import MICNEWS_BATCH_SIZE

    settings = crawl_settings({"MICNEWS_OUT": str(tmp_path)})
    assert settings.getint("MICNEWS_BATCH_SIZE") == MICNEWS_BATCH_SIZE
    assert settings.getpriority("MICNEWS_BATCH_SIZE") == 15  # the add-on's priority
    assert settings.get("MICNEWS_OUT") == str(tmp_path)
    assert "micnews.crawler.runrules.RunRules" in settings.getdict("EXTENSIONS")
    assert Path(ROOT / "crawler" / "settings.py").read_text().count("MICNEWS_") == 0
