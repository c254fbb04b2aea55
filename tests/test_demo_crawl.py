"""The README's first command: `micnews crawl --demo` on the bundled demo site."""

from __future__ import annotations

import json

import duckdb
import pyarrow.dataset as ds
import pytest

from micnews.crawler.demo.server import DEFAULT_DEMO_ROOT
from tests.conftest import run_cli
from tests.helpers import free_port_run

pytestmark = pytest.mark.e2e  # crawls or the micnews command in subprocesses


def test_demo_crawl_writes_one_row_per_demo_article(tmp_path):
    expected = json.loads((DEFAULT_DEMO_ROOT.parent / "expected.json").read_text("utf-8"))
    n_articles = sum(len(v) for v in expected.values())
    result = run_cli("crawl", "--demo", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "articles written" in result.stdout
    table = ds.dataset(tmp_path / "articles", format="parquet").to_table()
    assert table.num_rows == n_articles
    assert len(set(table.column("url").to_pylist())) == n_articles
    for column in ("url", "title", "text", "published_at"):
        assert table.column(column).null_count == 0, column
    glob = str(tmp_path / "articles" / "**" / "*.parquet")
    empty = duckdb.sql(f"SELECT count(*) FROM '{glob}' WHERE title = '' OR text = ''").fetchall()[0]
    assert empty[0] == 0
    paths = {url.split("/", 3)[3] for url in table.column("url").to_pylist()}
    want = {path.lstrip("/") for articles in expected.values() for path in articles}
    assert paths == want


def test_two_demo_crawls_plus_compact_leave_one_row_per_url(tmp_path, monkeypatch):
    """The demo keeps its URLs from one run to the next (fixed ports), so two runs of
    `micnews crawl --demo` are crawls of the same sites: the second (here with the crawl state
    off, so it writes every article again) appends a second row per URL, and `micnews compact`
    leaves one, readable by DuckDB."""
    monkeypatch.setenv("MICNEWS_DEMO_PORT", str(free_port_run(3)))
    for extra in ([], ["--set", "MICNEWS_INCREMENTAL=False"]):
        done = run_cli("crawl", "--demo", "--out", str(tmp_path), *extra)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "warning" not in done.stderr, done.stderr
    table = ds.dataset(tmp_path / "articles", format="parquet").to_table(columns=["url"])
    n = len(set(table.column("url").to_pylist()))
    assert n >= 30 and table.num_rows == 2 * n
    assert run_cli("compact", "--out", str(tmp_path)).returncode == 0
    glob = str(tmp_path / "articles" / "**" / "*.parquet")
    rows, distinct = duckdb.sql(
        f"SELECT count(*), count(DISTINCT url) FROM read_parquet('{glob}', "
        "hive_partitioning=false)").fetchall()[0]
    assert rows == distinct == n
