"""The demo server, the bundled demo site and the fixture sites it serves."""

from __future__ import annotations

import importlib.util
import json
import re
import urllib.error
import urllib.request
from collections import deque
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from micnews.crawler.demo.server import DEFAULT_DEMO_ROOT, DemoServer, SiteServer, resolve
from tests.helpers import ROOT

SITES_DIR = Path(__file__).resolve().parent / "fixtures" / "sites"
DEMO_EXPECTED = json.loads((DEFAULT_DEMO_ROOT.parent / "expected.json").read_text("utf-8"))
FIXTURE_EXPECTED = json.loads((SITES_DIR / "expected.json").read_text("utf-8"))
HREF = re.compile(r"""<a\b[^>]*?\shref\s*=\s*["']([^"'#]+)""", re.I)


def fetch(url: str, method: str = "GET", headers: dict | None = None):
    """(status, headers, body) without raising on 4xx."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


@pytest.fixture(scope="module")
def demo():
    with DemoServer() as server:
        yield server


@pytest.fixture(scope="module")
def fixtures():
    servers = {p.name: SiteServer(p).start()
               for p in sorted(SITES_DIR.iterdir()) if p.is_dir() and not p.name.startswith("_")}
    yield servers
    for server in servers.values():
        server.stop()


def crawl_links(base: str, limit: int = 500) -> set[str]:
    """BFS over same-host ``<a href>`` links from ``/``: paths answering 200 with HTML."""
    host = urlsplit(base).netloc
    seen, found, queue = {"/"}, set(), deque(["/"])
    while queue and len(seen) < limit:
        path = queue.popleft()
        status, headers, body = fetch(base + path)
        if status != 200 or not headers.get("Content-Type", "").startswith("text/html"):
            continue
        found.add(path)
        for href in HREF.findall(body.decode("utf-8")):
            url = urljoin(base + path, unescape(href))
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or parts.netloc != host:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return found


def test_demo_has_the_three_families(demo):
    assert set(demo.sites) == {"mic-legacy", "mic", "sotttt-nukeviet"}
    assert set(DEMO_EXPECTED) == set(demo.sites)
    for name, articles in DEMO_EXPECTED.items():
        assert len(articles) >= 10, name
    ports = {s.base_url for s in demo.sites.values()}
    assert len(ports) == 3 and all(p.startswith("http://127.0.0.1:") for p in ports)


@pytest.mark.parametrize("path, ctype", [
    ("/", "text/html; charset=utf-8"),
    ("/robots.txt", "text/plain; charset=utf-8"),
    ("/sitemap.xml", "application/xml; charset=utf-8"),
    ("/sitemap-vi.news.xml", "application/xml; charset=utf-8"),
    ("/vi/news/rss/", "application/rss+xml; charset=utf-8"),
    ("/vi/news/tin-hoat-dong/page-2", "text/html; charset=utf-8"),
    ("/uploads/van-ban/ke-hoach-chuyen-doi-so.pdf", "application/pdf"),
])
def test_content_types(demo, path, ctype):
    status, headers, body = fetch(demo.sites["sotttt-nukeviet"].base_url + path)
    assert status == 200
    assert headers["Content-Type"] == ctype
    assert body


def test_placeholder_replaced_in_text_responses(demo):
    site = demo.sites["mic"]
    for path in ("/robots.txt", "/sitemap.xml", "/rss/tin-tuc.rss", "/"):
        _, _, body = fetch(site.base_url + path)
        text = body.decode("utf-8")
        assert "{{BASE}}" not in text, path
        assert site.base_url in text, path
    _, _, robots = fetch(site.base_url + "/robots.txt")
    assert f"Sitemap: {site.base_url}/sitemap.xml" in robots.decode()


def test_missing_path_is_404_html(demo):
    site = demo.sites["mic-legacy"]
    status, headers, body = fetch(site.base_url + "/Pages/TinTuc/1/Khong-co.html")
    assert status == 404
    assert headers["Content-Type"].startswith("text/html")
    assert "404" in body.decode("utf-8")
    status, _, _ = fetch(site.base_url + "/../../etc/passwd")
    assert status == 404


def test_head_and_conditional_requests(demo):
    site = demo.sites["mic-legacy"]
    url = site.base_url + "/rss.xml"
    status, headers, body = fetch(url, method="HEAD")
    assert status == 200 and body == b""
    assert int(headers["Content-Length"]) > 0
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert fetch(url, headers={"If-None-Match": etag})[0] == 304
    assert fetch(url, headers={"If-None-Match": '"other"'})[0] == 200
    assert fetch(url, headers={"If-Modified-Since": modified})[0] == 304
    assert fetch(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200


def test_query_string_mapping(demo):
    site = demo.sites["mic-legacy"]
    path = next(iter(DEMO_EXPECTED["mic-legacy"]))
    article_id = path.split("/")[3]
    status, _, body = fetch(f"{site.base_url}/pages/tintuc/printpage.aspx?tintucID={article_id}")
    assert status == 200 and b"print-page" in body
    # an unknown query is ignored
    status, _, body2 = fetch(f"{site.base_url}{path}?utm_source=x")
    assert status == 200 and b"divArticleContent" in body2


def test_request_log(fixtures):
    site = next(iter(fixtures.values()))
    before = len(site.requests)
    fetch(site.base_url + "/robots.txt")
    fetch(site.base_url + "/no-such-page")
    assert site.requests[before:] == [("GET", "/robots.txt", 200), ("GET", "/no-such-page", 404)]


def test_resolve_stays_inside_the_root(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "secret.txt").write_text("x")
    assert resolve(tmp_path / "site", "/../secret.txt") is None


@pytest.mark.parametrize("name", sorted(DEMO_EXPECTED))
def test_demo_articles_reachable_from_home(demo, name):
    site = demo.sites[name]
    reached = crawl_links(site.base_url)
    missing = set(DEMO_EXPECTED[name]) - reached
    assert not missing


@pytest.mark.parametrize("name", sorted(FIXTURE_EXPECTED))
def test_fixture_articles_reachable_from_home(fixtures, name):
    reached = crawl_links(fixtures[name].base_url)
    assert not set(FIXTURE_EXPECTED[name]) - reached
    assert 3 <= len(FIXTURE_EXPECTED[name]) <= 4


@pytest.mark.parametrize("name", sorted(FIXTURE_EXPECTED))
def test_fixture_sites_have_robots_disallow_404_and_offsite_link(fixtures, name):
    site = fixtures[name]
    robots = fetch(site.base_url + "/robots.txt")[2].decode()
    assert "Disallow: /admin/" in robots
    assert fetch(site.base_url + "/admin/")[0] == 200
    home = fetch(site.base_url + "/")[2].decode()
    assert 'href="/admin/"' in home
    assert "https://dichvucong.gov.vn/" in home
    broken = re.search(r'href="(/tin-da-go/[^"]+)"', home).group(1)
    assert fetch(site.base_url + broken)[0] == 404


def _expected_pages(server_of, expected):
    for name, articles in expected.items():
        for path, record in articles.items():
            yield server_of(name), path, record


def test_every_expected_article_page_shows_its_title(demo, fixtures):
    pages = [*_expected_pages(lambda n: demo.sites[n], DEMO_EXPECTED),
             *_expected_pages(lambda n: fixtures[n], FIXTURE_EXPECTED)]
    for site, path, record in pages:
        status, headers, body = fetch(site.base_url + path)
        assert status == 200, path
        text = unescape(body.decode("utf-8"))
        assert f">{record['title']}</h1>" in text, path
        assert record["body_first_words"] in text.replace("\xa0", " "), path


def test_expected_records_are_well_formed():
    for expected in (DEMO_EXPECTED, FIXTURE_EXPECTED):
        for articles in expected.values():
            for record in articles.values():
                assert set(record) == {"title", "lead", "published_at", "author", "source",
                                       "images", "body_first_words"}
                assert record["published_at"].endswith("+07:00")
                assert all(i["url"].startswith("/") for i in record["images"])


def test_sitemaps_list_every_article(demo):
    for name, articles in DEMO_EXPECTED.items():
        site = demo.sites[name]
        body = fetch(site.base_url + "/sitemap.xml")[2].decode()
        for loc in re.findall(r"<loc>([^<]+)</loc>", body):
            if loc.endswith(".xml"):  # a sitemap index
                body += fetch(loc)[2].decode()
        locs = {urlsplit(u).path for u in re.findall(r"<loc>([^<]+)</loc>", body)}
        assert set(articles) <= locs, name


def _build_demo_module():
    """``tools/demo/build_demo.py``: the generator stays out of the package (and the wheel)."""
    path = ROOT / "tools" / "demo" / "build_demo.py"
    spec = importlib.util.spec_from_file_location("build_demo", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_reproduces_the_committed_files(tmp_path):
    build_demo = _build_demo_module()
    demo = build_demo._load(build_demo.HERE / "content.py")
    build_demo.build(demo.SITES, tmp_path / "site", tmp_path / "expected.json")
    assert (tmp_path / "expected.json").read_bytes() == (
        DEFAULT_DEMO_ROOT.parent / "expected.json").read_bytes()
    generated = sorted(p.relative_to(tmp_path / "site") for p in (tmp_path / "site").rglob("*")
                       if p.is_file())
    committed = sorted(p.relative_to(DEFAULT_DEMO_ROOT) for p in DEFAULT_DEMO_ROOT.rglob("*")
                       if p.is_file())
    assert generated == committed
    for rel in generated:
        assert (tmp_path / "site" / rel).read_bytes() == (DEFAULT_DEMO_ROOT / rel).read_bytes(), rel
