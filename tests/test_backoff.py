"""Retries back off: a server that fails twice sees the retries 1×, then 2× the base apart."""

from __future__ import annotations

import time

import pytest

from micnews.crawler.backoff import backoff_delay
from micnews.crawler.demo.server import SiteServer
from tests.conftest import run_cli


def test_backoff_delay_doubles_and_is_capped():
    assert [backoff_delay(n, 1.0, 5.0) for n in range(5)] == [0.0, 1.0, 2.0, 4.0, 5.0]
    assert backoff_delay(3, 0.0, 5.0) == 0.0


@pytest.mark.e2e
def test_a_retried_request_waits_before_it_goes_out(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body><h1>Trang chủ</h1></body></html>")
    hits: list[float] = []

    def fail_twice(_target: str):
        hits.append(time.monotonic())
        if len(hits) <= 2:
            return 503, {"Content-Type": "text/html"}, b"<h1>busy</h1>"
        return None

    server = SiteServer(site)
    server.routes["/"] = fail_twice
    server.start()
    try:
        done = run_cli("crawl", server.base_url + "/", "--out", str(tmp_path / "out"),
                       "--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False",
                       "--set", "MICNEWS_RETRY_BACKOFF=0.5")
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(hits) == 3, "two retries, then 200"
    assert hits[1] - hits[0] >= 0.5
    assert hits[2] - hits[1] >= 1.0
