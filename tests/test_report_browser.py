"""The report of a real crawl, opened in a real headless Chromium (Debian's ``chromium``).

Two ``micnews crawl --demo`` runs (the demo sites on new loopback ports each time, so the
second run's three sites carry copies of the first run's articles), ``dedup`` fills
``dup_of``, then the report. The page is read back through the DOM: every chart's marks
(pygal's ``<desc class="value">``) and its JSON island must match what DuckDB counts in
the Parquet files and what the runs/*.json say; no console error, no request leaves the
file. Screenshots at laptop and phone widths go to the test's tmp folder (and to docs/
with MICNEWS_UPDATE_SCREENSHOTS=1, for the README).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from micnews.cleaners.dedup import dedup
from micnews.crawler.cli_report import write_report
from tests.conftest import ROOT
from tests.helpers import free_port_run

pytestmark = pytest.mark.e2e
CHROMIUM = os.environ.get("MICNEWS_CHROMIUM") or shutil.which("chromium")
CHARTS = {"timeline", "added", "extraction", "extraction_runs", "completeness",
          "syndication", "status", "not_articles"}
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

READ_CHARTS = """() => Array.from(document.querySelectorAll("figure.chart")).map(f => ({
  name: f.dataset.chart,
  marks: Array.from(f.querySelectorAll("svg .series desc.value"))
              .map(d => parseFloat(d.textContent)).filter(v => v),
  island: JSON.parse(document.querySelector(
      `script.chart-data[data-chart="${f.dataset.chart}"]`).textContent),
}))"""


def _browser():
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing (.ci/run installs Debian's chromium)")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    return sync_api.sync_playwright()


def _truth(out: Path) -> dict[str, Counter]:
    """What the charts must show, counted by DuckDB from the Parquet files and the run files."""
    glob = str(out / "articles" / "**" / "*.parquet")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Asia/Ho_Chi_Minh'")
    con.execute(f"CREATE VIEW a AS SELECT * FROM read_parquet('{glob}', hive_partitioning=false)")
    rows, urls = con.execute("SELECT count(*), count(DISTINCT url) FROM a").fetchone()
    assert rows == urls  # no refetch: every row is the newest of its URL

    def counter(sql: str) -> Counter:
        return Counter({tuple(r[:-1]): r[-1] for r in con.execute(sql).fetchall()})

    method = "extraction"
    fields = {
        "title": "trim(title) <> ''", "lead": "trim(lead) <> ''",
        "date": "published_at IS NOT NULL",
        "date with time": "published_at IS NOT NULL AND strftime(published_at, '%H:%M') <> '00:00'",
        "author": "trim(author) <> ''", "source": "trim(source) <> ''",
        "images": "len(images) > 0"}
    completeness = Counter()
    for label, cond in fields.items():
        for site, n in con.execute(
                f"SELECT site, count(*) FILTER (WHERE {cond}) FROM a GROUP BY site").fetchall():
            if n:
                completeness[(site, label)] = n
    truth = {
        "timeline": counter("SELECT site, coalesce(strftime(published_at, '%Y-%m'), 'undated'),"
                            " count(*) FROM a GROUP BY ALL"),
        "added_per_site": counter("SELECT site, count(*) FROM a GROUP BY site"),
        "extraction": counter(f"SELECT {method}, site || ' · ' || family, count(*) FROM a "
                              "GROUP BY ALL"),
        "methods": counter(f"SELECT {method}, count(*) FROM a GROUP BY ALL"),
        "completeness": completeness,
        "syndication": counter("SELECT c.site, o.site, count(*) FROM a c JOIN a o "
                               "ON c.dup_of = o.url GROUP BY ALL"),
    }
    status, reasons = Counter(), Counter()
    for path in sorted((out / "runs").glob("*.json")):
        stats = json.loads(path.read_text("utf-8"))
        recorded = any(k.startswith("micnews/status/") for k in stats)  # classes by the crawl
        for key, value in stats.items():
            if recorded and key.startswith("micnews/status/"):
                status[(key.split("/", 2)[2],)] += value
            elif not recorded and key.startswith("downloader/response_status_count/"):
                status[(key.rsplit("/", 1)[1][0] + "xx",)] += value
            elif key.startswith("micnews/not_article/"):
                reasons[(key.split("/", 2)[2],)] += value
    truth["status"], truth["not_articles"] = status, reasons
    return truth


def _by(points: list[dict], *keys: str) -> Counter:
    out: Counter = Counter()
    for p in points:
        out[tuple(p[k] for k in keys)] += p["value"]
    return out


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Path:
    """Two demo crawls at once into one dataset (each locks only its own sites)."""
    out = tmp_path_factory.mktemp("report-crawl")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    runs = [subprocess.Popen([sys.executable, "-m", "micnews.crawler.cli", "crawl", "--demo",
                              "--out", str(out)], cwd=ROOT, text=True,
                             env={**env, "MICNEWS_DEMO_PORT": str(free_port_run(3))},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    for run in runs:
        stdout, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stderr[-2000:]
        assert stdout.strip().splitlines()[-1] == f"report: {out / 'report.html'}"
    assert dedup(out).exact >= 1  # one run's sites carry the other run's articles
    return out


def test_report_of_a_real_crawl_in_headless_chromium(crawled, tmp_path):
    path = write_report(str(crawled))
    truth = _truth(crawled)
    errors: list[str] = []
    requests: list[str] = []
    with _browser() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url)
                    if not r.url.startswith(("file:", "data:")) else None)
            page.goto(path.as_uri(), wait_until="load")
            charts = {c["name"]: c for c in page.evaluate(READ_CHARTS)}
            titled = page.evaluate("document.querySelectorAll('svg .series title').length")
            newest = page.locator("ol.newest li").count()
            _screenshots(page, tmp_path)
        finally:
            browser.close()
    assert errors == [] and requests == []
    assert set(charts) == CHARTS
    for name, chart in charts.items():  # the marks draw the numbers of the island
        drawn = [p.get("share", p["value"]) for p in chart["island"]]
        assert sorted(chart["marks"]) == pytest.approx(sorted(drawn)), name
    assert titled >= sum(len(c["marks"]) for c in charts.values())  # hover titles
    island = {name: c["island"] for name, c in charts.items()}
    assert _by(island["timeline"], "series", "x") == truth["timeline"]
    assert _by(island["added"], "series") == truth["added_per_site"]
    half = sum(truth["added_per_site"].values()) // 2
    assert sorted(_by(island["added"], "x").values()) == [half, half]  # each run: its own rows
    assert _by(island["extraction"], "series", "x") == truth["extraction"]
    assert _by(island["extraction_runs"], "series") == truth["methods"]
    assert _by(island["completeness"], "series", "x") == truth["completeness"]
    assert _by(island["syndication"], "series", "x") == truth["syndication"]
    assert _by(island["status"], "series") == truth["status"]
    assert _by(island["not_articles"], "series") == truth["not_articles"]
    assert len(truth["added_per_site"]) == 6 and newest == 20


def _screenshots(page, folder: Path) -> None:
    targets = [folder]
    if os.environ.get("MICNEWS_UPDATE_SCREENSHOTS"):
        targets.append(ROOT / "docs")
    for width, height, name in ((1280, 1500, "report-laptop.png"), (390, 1500, "report-phone.png")):
        page.set_viewport_size({"width": width, "height": height})
        for target in targets:
            page.screenshot(path=str(target / name))
    assert (folder / "report-laptop.png").stat().st_size > 10_000


def test_empty_dataset_report_in_headless_chromium(tmp_path):
    (tmp_path / "articles").mkdir()
    path = write_report(str(tmp_path))
    with _browser() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 800})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri())
            assert page.locator("#nothing-yet").is_visible()
            assert "Nothing yet" in page.locator("#nothing-yet").inner_text()
            assert page.locator("figure.chart").count() == 0
        finally:
            browser.close()
    assert errors == []
