"""Profiles that say when they rot: a NukeViet site whose theme was swapped mid-way (most of
its articles now in a theme the profile does not know) is crawled with the real Scrapy engine
on 127.0.0.1; the records still come (generic fallback), the run warns naming the site and
family and exits with the documented code, and ``micnews stats`` shows how rows were read."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pyarrow.dataset as ds

from micnews.cleaners.record import Record
from micnews.crawler.profilehealth import EXIT_PROFILE_ROT, count_record, health, rotten
from tests.conftest import SITES_DIR, run_cli


def _swap_theme(root: Path, keep: int = 1) -> list[str]:
    """Rewrite all but ``keep`` article pages of the site in a redesigned theme (the body
    containers the profile knows are renamed); return the rewritten files."""
    pages = sorted(p for p in (root / "vi" / "news" / "tin-tuc").rglob("*.html")
                   if "og:type" in p.read_text(encoding="utf-8"))
    changed = []
    for page in pages[keep:]:
        html = page.read_text(encoding="utf-8")
        html = html.replace('id="news-bodyhtml"', 'id="noidung"')
        html = re.sub(r'class="bodytext\b', 'class="noi-dung', html)
        page.write_text(html, encoding="utf-8")
        changed.append(page.name)
    assert len(changed) >= 2
    return changed


def test_theme_swapped_mid_way_warns_and_exits_with_its_code(tmp_path: Path) -> None:
    from micnews.crawler.demo.server import SiteServer

    root = tmp_path / "site"
    shutil.copytree(SITES_DIR / "nukeviet", root)
    changed = _swap_theme(root)
    out = tmp_path / "out"
    server = SiteServer(root).start()
    try:
        result = run_cli("crawl", server.base_url + "/", "--out", str(out))
    finally:
        server.stop()
    assert result.returncode == EXIT_PROFILE_ROT, result.stderr[-3000:]
    host = server.base_url.split("//", 1)[1]
    warning = next(line for line in result.stderr.splitlines() if "profile health" in line)
    assert host in warning and "nukeviet4" in warning
    rows = ds.dataset(out / "articles", format="parquet", partitioning="hive").to_table(
        columns=["url", "family", "extraction"]).to_pylist()
    fell = [r for r in rows if r["extraction"] == "generic_fallback"]
    assert len(fell) == len(changed) and all(r["family"] == "nukeviet4" for r in fell)
    assert any(r["extraction"].startswith("profile") for r in rows)  # the page left alone
    stats = run_cli("stats", "--out", str(out), "--json")
    assert stats.returncode == 0, stats.stderr
    table = json.loads(stats.stdout)["extraction"]
    assert {"site": host, "family": "nukeviet4", "extraction": "generic_fallback",
            "rows": len(changed)} in table


class _Stats(dict):
    def inc_value(self, key: str, n: int = 1) -> None:
        self[key] = self.get(key, 0) + n


def _record(family: str, extraction: str, author: str | None = "A") -> Record:
    return Record(url="https://s.gov.vn/a", canonical_url=None, site="s.gov.vn", family=family,
                  title="T", lead="L", text="x", author=author, source="S",
                  extraction=extraction)


def test_health_counts_per_site_and_family_and_uses_the_sites_toml_hint() -> None:
    stats = _Stats()
    count_record(stats, _record("nukeviet4", "profile"))
    count_record(stats, _record("nukeviet4", "profile", author=None))
    count_record(stats, _record("generic", "generic"), hint="nukeviet4")  # not recognised
    (h,) = health(stats)
    assert (h.site, h.family, h.total, h.fell_back) == ("s.gov.vn", "nukeviet4", 3, 1)
    assert h.missing == {"author": 1, "published_at": 3} and not rotten(stats)
    count_record(stats, _record("nukeviet4", "generic_fallback"))
    count_record(stats, _record("generic", "generic"), hint="nukeviet4")
    assert [r.site for r in rotten(stats)] == ["s.gov.vn"]  # 3 of 5 fell back
    unknown = _Stats()
    for _ in range(5):
        count_record(unknown, _record("generic", "generic"), hint="auto")
    assert not rotten(unknown)  # an unknown family has no profile to rot
