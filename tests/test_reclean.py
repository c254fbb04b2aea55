"""`micnews reclean` rebuilds the crawl's rows from the WARC archive alone (issue 5)."""

from __future__ import annotations

import pytest

from micnews.cleaners.dataset import load
from tests.conftest import run_cli

pytestmark = pytest.mark.e2e  # crawls or the micnews command in subprocesses


def _rows(out) -> dict[str, dict]:
    table = load(out, dedupe=True).to_table().drop_columns(["dup_of"])
    return {r["url"]: r for r in table.to_pylist()}


def test_reclean_of_the_demo_crawl_reproduces_its_rows(tmp_path):
    crawled = tmp_path / "crawl"
    assert run_cli("crawl", "--demo", "--out", str(crawled)).returncode == 0
    rebuilt = tmp_path / "rebuilt"
    done = run_cli("reclean", "--from", str(crawled), "--out", str(rebuilt), "--workers", "2")
    assert done.returncode == 0, done.stderr[-2000:]
    want, got = _rows(crawled), _rows(rebuilt)
    assert len(want) >= 30
    assert got.keys() == want.keys()
    for url, row in want.items():
        assert got[url] == row, url


def test_reclean_keeps_the_newest_version_of_an_edited_article(tmp_path):
    """Two crawls of one site, an article edited in between: the rebuilt dataset's newest
    row for that URL is the edited text, as in the crawled dataset."""
    import json

    from tests.conftest import SITES_DIR
    from tests.test_incremental_crawl import FaultySite

    name = "nukeviet"
    expected = json.loads((SITES_DIR / "expected.json").read_text("utf-8"))[name]
    site = FaultySite(name, expected, tmp_path / "site")
    out = tmp_path / "crawl"
    try:
        assert site.crawl(out).returncode == 0
        edited = next(p for p in site.articles if p != site.flaky)
        site.edit_article(edited, "sua")
        site.write_sitemap({edited: "2024-06-01"})
        assert site.crawl(out).returncode == 0
    finally:
        site.stop()
    rebuilt = tmp_path / "rebuilt"
    assert run_cli("reclean", "--from", str(out), "--out", str(rebuilt)).returncode == 0
    want, got = _rows(out), _rows(rebuilt)
    assert got.keys() == want.keys()
    titles = [r["title"] for u, r in got.items() if u.endswith(edited)]
    assert titles and "(sua)" in titles[0]
    assert got == want
