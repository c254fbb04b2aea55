"""Issue 4 on the real engine: discovery with faults and traps, incremental re-runs,
kill -9 and resume, and WARC replay — against fixture sites served on 127.0.0.1."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pyarrow.dataset as ds
import pytest

from micnews.cleaners import clean
from micnews.cleaners.dataset import load
from micnews.cleaners.record import Record
from micnews.crawler.demo.server import SiteServer, resolve
from micnews.crawler.urls import canonical_url
from micnews.crawler.warc import iter_pages
from tests.conftest import ROOT, SITES_DIR, run_cli

pytestmark = pytest.mark.e2e  # crawls or the micnews command in subprocesses

FAST = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False",
        "--set", "MICNEWS_MAX_CALENDAR_PAGES=10", "--set", "RETRY_TIMES=2"]


# -- a fixture site we may edit, with scripted faults ------------------------------------
class FaultySite:
    """A copy of a fixture site plus a redirect, a 404, a 500-then-200, a calendar trap,
    a disallowed path and an off-site link, and the means to add or edit articles."""

    def __init__(self, name: str, expected: dict, tmp: Path) -> None:
        self.root = tmp / name
        shutil.copytree(SITES_DIR / name, self.root)
        self.articles = dict(expected)
        (tmp / "other-site-empty").mkdir()
        self.other = SiteServer(tmp / "other-site-empty").start()  # an off-site neighbour
        self.server = SiteServer(self.root)
        self.first, self.model = next(iter(self.articles.items()))
        self.flaky = self.add_article("flaky", link=False)
        self.server.routes.update({
            "/old-link.html": lambda _t: (301, {"Location": self.first}, b""),
            self.flaky: self._fail_once(),
            "/lich": self._calendar,
        })
        self.server.start()
        self._write_robots_and_links()
        self.write_sitemap()

    def _fail_once(self):
        calls = []

        def route(_target: str):
            calls.append(1)
            return (500, {"Content-Type": "text/html"}, b"<h1>Server error</h1>") \
                if len(calls) == 1 else None
        return route

    @staticmethod
    def _calendar(target: str):
        day = date.fromisoformat(parse_qs(urlsplit(target).query).get("date", ["2024-05-01"])[0])
        links = "".join(f'<a href="/lich?date={d}">{d}</a> '
                        for d in (day - timedelta(days=1), day + timedelta(days=1)))
        body = f"<html><body><h1>Lịch công tác {day}</h1>{links}</body></html>"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()

    def file_of(self, path: str) -> Path:
        found = resolve(self.root, path)
        assert found is not None, path
        return found

    def _write_robots_and_links(self) -> None:
        robots = self.root / "robots.txt"  # keep the site's own rules, make sure of ours
        rules = robots.read_text("utf-8") if robots.exists() else "User-agent: *\n"
        for line in ("Disallow: /admin/", "Sitemap: {{BASE}}/sitemap.xml"):
            if line not in rules:
                rules = rules.replace("User-agent: *\n", f"User-agent: *\n{line}\n", 1) \
                    if line.startswith("Disallow") else rules.rstrip("\n") + f"\n{line}\n"
        robots.write_text(rules)
        admin = self.root / "admin"
        admin.mkdir(exist_ok=True)
        (admin / "secret.html").write_text("<html><body>secret</body></html>")
        self.link_from_home([
            "/old-link.html", "/missing-page.html", "/lich?date=2024-05-01",
            "/admin/secret.html", self.other.base_url + "/", self.flaky,
        ])

    def link_from_home(self, hrefs: list[str]) -> None:
        home = self.file_of("/")
        html = home.read_text("utf-8")
        block = "".join(f'<a href="{h}">{h}</a>\n' for h in hrefs)
        home.write_text(html.replace("</body>", block + "</body>", 1), "utf-8")

    def write_sitemap(self, lastmod: dict[str, str] | None = None) -> None:
        entries = "".join(
            f"<url><loc>{{{{BASE}}}}{p}</loc><lastmod>{(lastmod or {}).get(p, '2024-01-01')}"
            "</lastmod></url>" for p in self.articles)
        (self.root / "sitemap.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>\n')

    def _rewrite(self, source: Path, target: Path, tag: str, want: dict,
                 moves: tuple[str, str] | None = None) -> None:
        """Copy an article page, changing its title and first body paragraph; ``moves``
        (old path, new path) points the copy's canonical URL and og:url at itself."""
        doc = lxml.html.fromstring(source.read_bytes())
        for el in doc.iter():
            if not isinstance(el.tag, str):
                continue
            for attr in ("href", "content"):
                value = el.get(attr)
                if moves and value and el.tag in ("link", "meta") and \
                        value.endswith(moves[0]):
                    el.set(attr, value[: -len(moves[0])] + moves[1])
            if el.text and want["title"] in el.text:
                el.text = el.text.replace(want["title"], f"{want['title']} ({tag})")
            if el.tag == "p" and want["body_first_words"] in el.text_content():
                for child in list(el):
                    el.remove(child)
                el.text = (f"Bản tin {tag}: Sở Thông tin và Truyền thông tiếp tục triển khai "
                           f"kế hoạch chuyển đổi số với nhiều nội dung mới ({tag}).")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(lxml.html.tostring(doc, encoding="utf-8", doctype="<!DOCTYPE html>"))

    def add_article(self, tag: str, link: bool = True) -> str:
        path = self.first.rstrip("/")
        stem, dot, ext = path.rpartition(".")
        new = f"{path}-{tag}/" if self.first.endswith("/") or not dot or "/" in ext \
            else f"{stem}-{tag}.{ext}"
        target = self.root / (new.lstrip("/") + ("index.html" if new.endswith("/") else ""))
        self._rewrite(self.file_of(self.first), target, tag, self.model, (self.first, new))
        self.articles[new] = {**self.model, "title": f"{self.model['title']} ({tag})"}
        if link:
            self.link_from_home([new])
        return new

    def edit_article(self, path: str, tag: str) -> None:
        file = self.file_of(path)
        self._rewrite(file, file, tag, self.articles[path])
        self.articles[path] = {**self.articles[path],
                               "title": f"{self.articles[path]['title']} ({tag})"}

    def article_fetches(self, since: int) -> list[str]:
        """Article paths requested (any status) after log position ``since``."""
        keys = {canonical_url(self.server.base_url + p) for p in self.articles}
        return [t for _m, t, _s in self.server.requests[since:]
                if canonical_url(self.server.base_url + t) in keys]

    def urls(self) -> set[str]:
        return {canonical_url(self.server.base_url + p) for p in self.articles}

    def crawl(self, out: Path, *extra: str):
        return run_cli("crawl", self.server.base_url + "/", "--out", str(out), *FAST, *extra)

    def stop(self) -> None:
        self.server.stop()
        self.other.stop()


def _site_names() -> list[str]:
    if not SITES_DIR.is_dir():
        return []
    return sorted(p.name for p in SITES_DIR.iterdir() if p.is_dir())


@pytest.fixture(params=_site_names())
def site(request, fixture_expected, tmp_path):
    faulty = FaultySite(request.param, fixture_expected[request.param], tmp_path)
    yield faulty
    faulty.stop()


def _dataset_urls(out: Path) -> list[str]:
    return [canonical_url(u) for u in load(out).to_table(columns=["url"]).column("url").to_pylist()]


def _paths(urls: list[str]) -> list[str]:
    """URLs without scheme and host: two servers of one site differ only in their port."""
    return sorted(urlsplit(u)._replace(scheme="", netloc="").geturl() for u in urls)


# -- tests -------------------------------------------------------------------------------
def test_discovery_with_faults_then_incremental_runs(site, tmp_path):
    out = tmp_path / "out"
    first = site.crawl(out)
    assert first.returncode == 0, first.stderr[-2000:]
    urls = _dataset_urls(out)
    assert sorted(urls) == sorted(site.urls()), "every article exactly once"
    targets = [t for _m, t, _s in site.server.requests]
    assert not [t for t in targets if t.startswith("/admin")], "robots.txt obeyed"
    assert site.other.requests == [], "nothing off-site requested"
    assert 0 < sum(t.startswith("/lich") for t in targets) <= 12, "calendar trap cut"
    assert (site.flaky in targets) and any(s == 500 for _m, t, s in site.server.requests
                                           if t == site.flaky), "500 then retried"

    # second run, nothing changed: no article is fetched again, nothing is written
    mark = len(site.server.requests)
    second = site.crawl(out)
    assert second.returncode == 0, second.stderr[-2000:]
    assert site.article_fetches(mark) == []
    assert len(_dataset_urls(out)) == len(urls)

    # two new articles and one edited (its sitemap lastmod moves): exactly those three
    new = [site.add_article("moi-1"), site.add_article("moi-2")]
    edited = next(p for p in site.articles if p not in new and p not in (site.flaky,))
    site.edit_article(edited, "sua")
    site.write_sitemap({edited: "2024-06-01"})
    mark = len(site.server.requests)
    third = site.crawl(out)
    assert third.returncode == 0, third.stderr[-2000:]
    fetched = {canonical_url(site.server.base_url + t) for t in site.article_fetches(mark)}
    assert fetched == {canonical_url(site.server.base_url + p) for p in [*new, edited]}
    rows = load(out).to_table().to_pylist()
    assert len(rows) == len(urls) + 3
    titles = {r["title"] for r in rows if canonical_url(r["url"]).endswith(edited)}
    assert any("(sua)" in t for t in titles), "the edited version is written"


def test_warc_replays_to_the_same_records(site, tmp_path):
    out = tmp_path / "out"
    assert site.crawl(out).returncode == 0
    rows = {r["url"]: r for r in load(out).to_table().drop_columns(["dup_of"]).to_pylist()}
    replayed = {}
    for warc in sorted((out / "warc").glob("*.warc.gz")):
        for page in iter_pages(warc):
            if page.status == 200 and page.url in rows:
                result = clean(page)
                assert isinstance(result, Record)
                replayed[page.url] = result.to_arrow_row()
    assert replayed.keys() == rows.keys()
    for url, row in rows.items():
        assert replayed[url] == row, url


def test_kill_9_then_resume_equals_an_uninterrupted_crawl(fixture_expected, tmp_path):
    name = _site_names()[0]
    reference = FaultySite(name, fixture_expected[name], tmp_path / "ref")
    try:
        assert reference.crawl(tmp_path / "ref-out").returncode == 0
        want = _paths(_dataset_urls(tmp_path / "ref-out"))
    finally:
        reference.stop()

    site = FaultySite(name, fixture_expected[name], tmp_path / "killed")
    out = tmp_path / "out"
    # after three articles are served, the others wait at a gate until the kill: the crawl is
    # killed midway whatever the machine's speed
    served, third, gate = [], threading.Event(), threading.Event()

    def hold(_target: str):
        served.append(1)
        if len(served) == 3:
            third.set()
        elif len(served) > 3:
            gate.wait(60)
        return None

    for path in site.articles:
        site.server.routes.setdefault(path, hold)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "micnews.crawler.cli", "crawl", site.server.base_url + "/",
             "--out", str(out), *FAST, "--set", "MICNEWS_BATCH_SIZE=1",
             "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert third.wait(60), "the crawl reached the articles"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        gate.set()
        assert proc.returncode == -signal.SIGKILL
        partial = _dataset_urls(out) if (out / "articles").exists() else []
        assert len(partial) < len(want), "killed before the end"

        again = site.crawl(out)
        assert again.returncode == 0, again.stderr[-2000:]
        got = _dataset_urls(out)
        assert _paths(got) == want, "same URLs, no duplicates"
        ds.dataset(out / "articles", format="parquet").to_table()  # every file readable
    finally:
        gate.set()
        site.stop()


def test_second_run_of_the_same_site_is_refused_while_one_runs(fixture_expected, tmp_path):
    """The first run is held, not hoped to be still running: it has taken the site's lock
    before its first request (robots.txt), and its home page waits at a gate until the second
    run has been refused."""
    name = _site_names()[0]
    site = FaultySite(name, fixture_expected[name], tmp_path)
    out = tmp_path / "out"
    started, gate = threading.Event(), threading.Event()
    site.server.routes["/robots.txt"] = lambda _t: started.set()  # then served as usual
    site.server.routes["/"] = lambda _t: None if gate.wait(60) else None
    proc = subprocess.Popen(
        [sys.executable, "-m", "micnews.crawler.cli", "crawl", site.server.base_url + "/",
         "--out", str(out), *FAST], cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True)
    try:
        assert started.wait(60), "the first run started"
        second = site.crawl(out)
        gate.set()
        assert second.returncode == 75, second.stderr[-2000:]
        assert "already running" in second.stderr
        _stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr[-2000:]
    finally:
        gate.set()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        site.stop()
