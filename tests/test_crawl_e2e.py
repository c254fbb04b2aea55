"""End to end: fixture sites on 127.0.0.1 → real Scrapy engine → Parquet → read back."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime

import duckdb
import pyarrow.dataset as ds
import pytest

from micnews.cleaners.dataset import DATASET_SCHEMA, load
from tests.conftest import ROOT, run_cli

# crawls or the micnews command in subprocesses; one worker runs the module,
# so its module-scoped fixture is built once, not once per worker
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("crawl_e2e")]


@pytest.fixture(scope="module")
def crawled(fixture_sites, tmp_path_factory):
    """Crawl every fixture site once with `micnews crawl URL...`."""
    out = tmp_path_factory.mktemp("crawl")
    urls = [s.base_url + "/" for s in fixture_sites.values()]
    result = run_cli("crawl", *urls, "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    return out, result


def _expected_rows(fixture_sites, fixture_expected) -> dict[str, dict]:
    rows = {}
    for name, articles in fixture_expected.items():
        base = fixture_sites[name].base_url
        for path, record in articles.items():
            rows[base + path] = record
    return rows


def test_one_row_per_article(crawled, fixture_sites, fixture_expected):
    out, _ = crawled
    table = load(out).to_table()
    expected = _expected_rows(fixture_sites, fixture_expected)
    urls = table.column("url").to_pylist()
    assert sorted(urls) == sorted(expected), "every article exactly once, nothing else"


def test_rows_carry_the_article_facts(crawled, fixture_sites, fixture_expected):
    out, _ = crawled
    expected = _expected_rows(fixture_sites, fixture_expected)
    for row in load(out).to_table().to_pylist():
        want = expected[row["url"]]
        assert row["title"] == want["title"]
        assert row["published_at"] == datetime.fromisoformat(want["published_at"])
        assert row["text"].strip() and row["lead"] == want["lead"]
        assert row["text"].count(want["lead"][:60]) == 1, "lead exactly once"
        assert want["body_first_words"] in row["text"]
        assert row["author"] == want["author"]
        assert row["source"] == want["source"]
        for marker in ("ĐÁNH GIÁ BÀI VIẾT", "Những tin cũ hơn", "Xem chi tiết", "Thời gian chờ"):
            assert marker not in row["text"]


def test_parquet_schema_and_duckdb(crawled, fixture_expected):
    out, _ = crawled
    dataset = ds.dataset(out / "articles", format="parquet")
    assert dataset.schema.equals(DATASET_SCHEMA, check_metadata=False)
    n = sum(len(a) for a in fixture_expected.values())
    glob = str(out / "articles" / "**" / "*.parquet")
    assert duckdb.sql(f"SELECT count(*) FROM '{glob}'").fetchall()[0][0] == n
    nulls = duckdb.sql(
        f"SELECT count(*) FROM '{glob}' WHERE title IS NULL OR text = '' OR published_at IS NULL"
    ).fetchall()[0][0]
    assert nulls == 0
    tz = duckdb.sql(f"SELECT typeof(published_at) FROM '{glob}' LIMIT 1").fetchall()[0][0]
    assert tz == "TIMESTAMP WITH TIME ZONE"


def test_nothing_offsite_or_disallowed_requested(crawled, fixture_sites):
    for server in fixture_sites.values():
        paths = [path for _method, path, _status in server.requests]
        assert paths, "the site was crawled"
        assert not [p for p in paths if p.startswith("/admin")], "robots.txt obeyed"


def test_summary_table_printed(crawled):
    _, result = crawled
    assert "articles written" in result.stdout
    assert "pages fetched" in result.stdout


def test_scrapy_crawl_from_repo_root(fixture_sites, fixture_expected, tmp_path):
    """`scrapy crawl news -a site=URL` keeps working next to the micnews command."""
    name, server = next(iter(fixture_sites.items()))
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"site={server.base_url}/",
         "-s", f"MICNEWS_OUT={tmp_path}", "-s", "LOG_LEVEL=WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert load(tmp_path).count_rows() == len(fixture_expected[name])


def test_scrapy_list_shows_spiders():
    result = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert {"news", "mic"} <= set(result.stdout.split())


def test_unknown_site_is_one_line_error(tmp_path):
    result = run_cli("crawl", "no-such-site", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "unknown site 'no-such-site'" in result.stderr
    assert "Traceback" not in result.stderr
