"""`micnews scrape`: one record per input, joined back by the input as given."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from micnews.cleaners.record import SCHEMA_VERSION
from tests.conftest import FIXTURES, run_cli


def _first_article(fixture_sites, fixture_expected):
    name, articles = next(iter(fixture_expected.items()))
    path, want = next(iter(articles.items()))
    return fixture_sites[name].base_url + path, want


@pytest.mark.e2e
def test_scrape_url_prints_jsonl_when_piped(fixture_sites, fixture_expected):
    url, want = _first_article(fixture_sites, fixture_expected)
    result = run_cli("scrape", url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["url"] == url
    assert record["title"] == want["title"]
    assert record["published_at"].endswith("+07:00")


@pytest.mark.e2e
def test_scrape_local_file_and_a_failure(fixture_sites, fixture_expected, tmp_path):
    url, want = _first_article(fixture_sites, fixture_expected)
    server = next(s for s in fixture_sites.values() if url.startswith(s.base_url))
    local = tmp_path / "archived.html"
    import urllib.request

    local.write_bytes(urllib.request.urlopen(url).read())
    missing = tmp_path / "missing.html"
    result = run_cli("scrape", str(missing), str(local), server.base_url + "/no-such-page.html")
    assert result.returncode == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["url"] for r in records] == [local.resolve().as_uri()]
    assert records[0]["title"] == want["title"]
    # a saved page has no host in its file:// URL: its site comes from its canonical URL
    assert records[0]["site"] == server.base_url.split("://", 1)[1]
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 2, result.stderr
    assert "missing.html" in errors[0] and "404" in errors[1]
    assert "Traceback" not in result.stderr


def test_a_saved_page_takes_its_site_from_its_canonical_url():
    from micnews.cleaners import clean
    from micnews.cleaners.record import Page

    saved = FIXTURES / "pages" / "mic_current_2024_chuyendoiso.html"
    record = clean(Page(url=saved.as_uri(), body=saved.read_bytes(), headers={}, status=200))
    assert record.site == "mic.gov.vn"
    assert record.url == saved.as_uri()


@pytest.mark.e2e
def test_scrape_to_parquet(fixture_sites, fixture_expected, tmp_path):
    url, want = _first_article(fixture_sites, fixture_expected)
    out = tmp_path / "one.parquet"
    result = run_cli("scrape", url, "-o", str(out))
    assert result.returncode == 0, result.stderr
    table = pq.read_table(out)
    assert table.column("title").to_pylist() == [want["title"]]
    assert table.schema.metadata[b"micnews.schema_version"] == SCHEMA_VERSION.encode()
