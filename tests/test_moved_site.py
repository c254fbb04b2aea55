"""A site that moved (issue 16): its root 301-redirects to a host the sites file does not
list. The crawl says so in one line naming the host; with the host as an alias it follows
the move and completes. Both hosts are loopback fixture servers."""

from __future__ import annotations

import pytest

from micnews.cleaners.dataset import load
from micnews.crawler.demo.server import SiteServer
from tests.conftest import SITES_DIR, run_cli

pytestmark = pytest.mark.e2e

FAST = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False"]


@pytest.fixture
def moved(tmp_path):
    """The old host (empty, its root moved permanently) and the new one (the NukeViet site)."""
    new = SiteServer(SITES_DIR / "nukeviet").start()
    (tmp_path / "old").mkdir()
    old = SiteServer(tmp_path / "old").start()
    old.routes["/"] = lambda _target: (301, {"Location": new.base_url + "/"}, b"")
    yield old, new
    old.stop()
    new.stop()


def _sites_file(path, old: SiteServer, aliases: str = "") -> str:
    path.write_text(f'[stttt-moved]\nroot = "{old.base_url}/"\nstatus = "moved"\n{aliases}',
                    "utf-8")
    return str(path)


def test_root_moved_to_an_unlisted_host_says_so_in_one_line(moved, tmp_path):
    old, new = moved
    sites = _sites_file(tmp_path / "sites.toml", old)
    result = run_cli("crawl", "stttt-moved", "--sites-file", sites, "--out", str(tmp_path / "o"),
                     *FAST)
    host = f"127.0.0.1:{new.port}"
    lines = [line for line in result.stderr.splitlines() if host in line]
    assert len(lines) == 1, result.stderr
    assert "aliases" in lines[0] and "--archive" in lines[0] and "stttt-moved" in lines[0]
    assert new.requests == [], "the other host was not fetched"
    assert not (tmp_path / "o" / "articles").exists() or load(tmp_path / "o").count_rows() == 0


def test_with_the_alias_the_crawl_follows_the_move(moved, tmp_path, fixture_expected):
    old, new = moved
    sites = _sites_file(tmp_path / "sites.toml", old, f'aliases = ["127.0.0.1:{new.port}"]\n')
    out = tmp_path / "o"
    result = run_cli("crawl", "stttt-moved", "--sites-file", sites, "--out", str(out), *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "moved" not in result.stderr
    urls = sorted(load(out).to_table().column("url").to_pylist())
    assert urls == sorted(new.base_url + p for p in fixture_expected["nukeviet"])
    assert not [p for _m, p, _s in new.requests if p.startswith("/admin")], "robots obeyed"


def test_an_archive_only_site_crawled_live_gets_a_hint(moved, tmp_path):
    old, _new = moved
    path = tmp_path / "sites.toml"
    path.write_text(f'[gone]\nroot = "{old.base_url}/"\nstatus = "archive-only"\n', "utf-8")
    result = run_cli("crawl", "gone", "--sites-file", str(path), "--out", str(tmp_path / "o"),
                     *FAST)
    hints = [line for line in result.stderr.splitlines() if "archive-only" in line]
    assert len(hints) == 1 and "--archive wayback" in hints[0], result.stderr
