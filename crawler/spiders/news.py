"""The one generic news spider: discovers pages of configured sites and yields them raw.

Discovery: robots.txt sitemaps (or ``/sitemap.xml``), RSS/Atom feeds linked from
pages, and same-site links of every HTML page (listings, pagination). Every HTML
page goes to the item pipeline; the cleaner decides what is an article. URLs are
canonicalized, crawler traps (endless calendars, absurd page numbers) are cut, and
with a crawl state a listing that answers 304 replays the links it had last time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from micnews.cleaners.attachments import ATTACHMENT_EXTENSIONS
from micnews.cleaners.clean import site_of
from micnews.cleaners.profile import crawl_deny_patterns
from micnews.crawler.fetchtime import fetched_at
from micnews.crawler.items import PageItem
from micnews.crawler.sites import Site, load_sites, resolve_targets
from micnews.crawler.stateowner import state_of
from micnews.crawler.urls import canonical_url, out_of_range_date, page_number, trap_key

FEED_TYPES = ("application/rss+xml", "application/atom+xml")


class NewsSpider(scrapy.Spider):
    """Crawl sites given by name or URL: ``-a site=mic`` / ``-a site=https://...``."""

    name = "news"
    site_names: tuple[str, ...] = ()

    def __init__(self, site: str | None = None, url: str | None = None,
                 sites_file: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        targets = [*self.site_names, *_split(site), *_split(url)]
        self.sites: list[Site] = resolve_targets(targets, load_sites(sites_file)) if targets else []
        self.allowed_domains = sorted({n.split(":")[0] for s in self.sites for n in s.netlocs})
        # A site is its host and port (site_of: no credentials, no default port): two
        # sites may share a host.
        # Aliases (hosts a site moved to, crawler/sites.toml) are on-site too.
        self._site_of_netloc = {n: s.name for s in self.sites for n in s.netlocs}
        skip = sorted(set(IGNORED_EXTENSIONS) | set(ATTACHMENT_EXTENSIONS))  # listed, not fetched
        # print/e-mail/save views of an article are copies of it (denied by the profiles)
        self.links = LinkExtractor(deny_extensions=skip, deny=crawl_deny_patterns(), unique=True)
        self._calendar_pages: dict[str, set[str]] = {}

    def _setup(self) -> None:
        settings = self.crawler.settings
        self.state = state_of(self.crawler)
        self.max_calendar = settings.getint("MICNEWS_MAX_CALENDAR_PAGES")
        self.max_listing_page = settings.getint("MICNEWS_MAX_LISTING_PAGE")

    async def start(self) -> AsyncIterator[Any]:
        """Entry points first, then robots.txt for sitemaps."""
        if not self.sites:
            raise ValueError("no site to crawl: pass -a site=NAME_OR_URL")
        self._setup()
        if self.crawler.settings.getbool("MICNEWS_REDIS_WORKER"):
            return  # a distributed worker: the entry points were queued by `--seed`
        for request in self.entry_requests():
            yield request

    def entry_requests(self) -> Iterable[scrapy.Request]:
        """The entry requests: each site's start URLs, then its robots.txt."""
        for site in self.sites:
            for url in site.start_urls:
                yield scrapy.Request(canonical_url(url), callback=self.parse, priority=10,
                                     meta={"micnews_entry": True})
            yield scrapy.Request(urljoin(site.root, "/robots.txt"), callback=self.parse_robots,
                                 priority=20, errback=self._sitemap_fallback,
                                 cb_kwargs={"root": site.root})

    # -- pages ---------------------------------------------------------------------------
    def parse(self, response: Response) -> Iterable[Any]:
        """An HTML page: hand it on, and follow its same-site links and feeds."""
        if response.status == 304:
            yield from self._replay(response.url)
            return
        if _is_feed(response):
            yield from self.parse_feed(response)
            return
        if not isinstance(response, TextResponse) or not _is_html(response):
            self.crawler.stats.inc_value("micnews/skipped_not_html")
            return
        feeds = response.xpath(
            "//link[@rel='alternate'][contains(@type,'rss') or contains(@type,'atom')]/@href"
        ).getall()
        links = [link.url for link in self.links.extract_links(response)]
        targets = list(dict.fromkeys(self._follow(u) for u in links))
        targets = [t for t in targets if t]
        yield PageItem(
            url=response.url,
            body=response.body,
            headers=_headers(response),
            status=response.status,
            fetched_at=fetched_at(response),
            site=self.site_name(response.url),
            links=targets,
        )
        for href in feeds:
            url = self._follow(response.urljoin(href))
            if url:
                yield scrapy.Request(url, callback=self.parse_feed)
        for url in targets:
            yield scrapy.Request(url, callback=self.parse)

    # -- discovery -----------------------------------------------------------------------
    def parse_robots(self, response: Response, root: str) -> Iterable[Any]:
        """Sitemaps named in robots.txt, else the conventional ``/sitemap.xml``."""
        urls = list(sitemap_urls_from_robots(response.body, base_url=response.url))
        if not urls or response.status != 200:
            urls = [urljoin(root, "/sitemap.xml")]
        for url in urls:
            if self._on_site(url):
                yield scrapy.Request(canonical_url(url), callback=self.parse_sitemap, priority=15)

    def _sitemap_fallback(self, failure: Any) -> Iterable[Any]:
        root = failure.request.cb_kwargs["root"]
        yield scrapy.Request(urljoin(root, "/sitemap.xml"), callback=self.parse_sitemap)

    def parse_sitemap(self, response: Response) -> Iterable[Any]:
        """Sitemap or sitemap index: follow every ``<loc>`` on the site."""
        if response.status == 304:
            yield from self._replay(response.url, callback=self.parse_sitemap_entry)
            return
        try:
            sitemap = Sitemap(response.body)
        except Exception:  # not XML: a 404 page or an HTML error page
            return
        is_index = sitemap.type == "sitemapindex"
        targets = []
        for entry in sitemap:
            url = self._follow(entry.get("loc", ""))
            if not url:
                continue
            targets.append(url)
            changed = bool(self.state and entry.get("lastmod")
                           and self.state.set_lastmod(url, entry["lastmod"]))
            if changed:
                self.crawler.stats.inc_value("micnews/changed_per_sitemap")
            yield scrapy.Request(url, callback=self.parse_sitemap if is_index else self.parse,
                                 meta={"micnews_refresh": changed}, dont_filter=changed)
        self._remember(response, "sitemap", targets)

    def parse_sitemap_entry(self, response: Response) -> Iterable[Any]:
        """A URL replayed from an unchanged sitemap: a page or a child sitemap."""
        if _is_xml(response):
            yield from self.parse_sitemap(response)
        else:
            yield from self.parse(response)

    def parse_feed(self, response: Response) -> Iterable[Any]:
        """RSS ``<item><link>`` and Atom ``<entry><link href>``."""
        if response.status == 304:
            yield from self._replay(response.url)
            return
        if not isinstance(response, TextResponse):
            return
        response.selector.remove_namespaces()
        links = response.xpath("//item/link/text() | //entry/link/@href").getall()
        targets = [u for u in (self._follow(response.urljoin(x.strip())) for x in links) if u]
        self._remember(response, "feed", targets)
        for url in targets:
            yield scrapy.Request(url, callback=self.parse)

    # -- helpers -------------------------------------------------------------------------
    def _follow(self, url: str) -> str | None:
        """The canonical URL to request, or None when it is off-site or a trap."""
        if not url:
            return None
        if not self._on_site(url):
            self.crawler.stats.inc_value("micnews/offsite_dropped")
            return None
        url = canonical_url(url)
        number = page_number(url)
        key = trap_key(url)
        if out_of_range_date(url) or (number is not None and number > self.max_listing_page) \
                or (key is not None and self._trap_count(key, url) > self.max_calendar):
            self.crawler.stats.inc_value("micnews/trap_dropped")
            self.crawler.stats.inc_value(f"micnews/site/{site_of(url)}/trap_dropped")
            return None
        return url

    def _trap_count(self, key: str, url: str) -> int:
        """Distinct URLs of this calendar seen so far, this one included (across all workers
        of a distributed crawl: the count lives in the shared crawl state)."""
        count = getattr(self.state, "count_trap", None)
        if count is not None:
            return count(key, url)
        seen = self._calendar_pages.setdefault(key, set())
        if len(seen) <= self.max_calendar:
            seen.add(url)
        return len(seen) if url in seen else len(seen) + 1

    def _replay(self, url: str, callback: Any = None) -> Iterable[Any]:
        """A 304: the links this page had last time."""
        for target in self.state.links(url) if self.state else []:
            yield scrapy.Request(target, callback=callback or self.parse)

    def _remember(self, response: Response, kind: str, targets: list[str]) -> None:
        if self.state is None:
            return
        headers = _headers(response)
        self.state.seen(response.url, kind, headers.get("etag"), headers.get("last-modified"))
        self.state.set_links(response.url, targets)

    def site_name(self, url: str) -> str:
        """The configured site ``url`` belongs to (by host and port, aliases too), or ""."""
        return self._site_of_netloc.get(site_of(url), "")

    def on_site(self, url: str) -> bool:
        """True for an http(s) URL of a configured site (host and port); see crawler/offsite.py."""
        return self._on_site(url)

    def _on_site(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
            return parts.scheme in ("http", "https") and site_of(url) in self._site_of_netloc
        except ValueError:  # a malformed URL (bad port, bad IPv6 literal) is on no site
            return False


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _headers(response: Response) -> dict[str, str]:
    return {k.decode("latin-1").lower(): b", ".join(v).decode("latin-1")
            for k, v in response.headers.items()}


def _content_type(response: Response) -> str:
    return (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()


def _is_xml(response: Response) -> bool:
    return "xml" in _content_type(response) or response.body[:100].lstrip().startswith(b"<?xml")


def _is_feed(response: Response) -> bool:
    ctype = _content_type(response)
    head = response.body[:1000]
    return any(t in ctype for t in FEED_TYPES) or (
        _is_xml(response) and (b"<rss" in head or b"<feed" in head))


def _is_html(response: Response) -> bool:
    ctype = _content_type(response)
    return not ctype or "html" in ctype
