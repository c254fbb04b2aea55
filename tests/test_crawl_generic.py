"""A site with no family profile, crawled: its template is learned during the crawl and
no template text reaches any record — the first articles included (issue 3, item 6)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from micnews.cleaners.dataset import load
from micnews.crawler.demo.server import SiteServer
from tests.conftest import FIXTURES, run_cli

pytestmark = pytest.mark.e2e  # crawls or the micnews command in subprocesses

GENERIC = FIXTURES / "generic"
FAST = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False"]
# Lines of the fixture site's template (menu, sidebar, footer) — see tests/test_generic.py.
TEMPLATE_TEXT = ("Chung tay xây dựng chính quyền số", "Cơ quan chủ quản:")


@pytest.fixture
def generic_site(tmp_path: Path):
    """The unprofiled .NET portal of tests/fixtures/generic, served with a home page."""
    root = tmp_path / "site"
    (root / "tin-tuc").mkdir(parents=True)
    expected = {}
    for meta in sorted(GENERIC.glob("*.json")):
        path = f"/tin-tuc/{meta.stem}.html"
        shutil.copy(meta.with_suffix(".html"), root / path.lstrip("/"))
        expected[path] = json.loads(meta.read_text("utf-8"))["expected"]
    links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in expected)
    (root / "index.html").write_text(
        f"<html><head><title>Tin tức</title></head><body><ul>{links}</ul></body></html>",
        "utf-8")
    server = SiteServer(root).start()
    yield server, expected
    server.stop()


def test_crawl_learns_the_template_of_an_unprofiled_site(generic_site, tmp_path):
    server, expected = generic_site
    out = tmp_path / "out"
    done = run_cli("crawl", server.base_url + "/", "--out", str(out), *FAST)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {r["url"].removeprefix(server.base_url): r for r in load(out).to_table().to_pylist()}
    assert sorted(rows) == sorted(expected)
    for path, want in expected.items():
        row = rows[path]
        assert row["family"] == "generic"
        assert not [t for t in TEMPLATE_TEXT if t in row["text"]], path
        assert row["text"] == want["text"], path
        assert row["title"] == want["title"], path
    stats = json.loads(next((out / "runs").glob("*.json")).read_text("utf-8"))
    assert stats.get("micnews/removed/template", 0) > 0
    assert stats.get("micnews/template_waits", 0) > 0, "early articles waited for the template"
