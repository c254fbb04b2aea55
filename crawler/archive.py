"""Crawl a site's archived copies: the Wayback Machine or Common Crawl as the source.

``micnews crawl SITE --archive wayback|commoncrawl[:CRAWL] --from 2007 --to 2025``
(settings ``MICNEWS_ARCHIVE*``) runs :class:`ArchiveSpider` instead of the live one:

1. discovery is the archive's CDX index (the site's host, its aliases, or its root as a
   prefix), not the site: HTML 200 captures in the window, kept by the live crawl's
   on-site and trap rules (:meth:`NewsSpider._follow`), then one capture per URL — the
   last one before ``--to`` — or every distinct one (``MICNEWS_ARCHIVE_EVERY_CAPTURE``);
2. each capture is fetched raw (Wayback ``id_`` replay; a WARC record by HTTP range
   for Common Crawl) and goes down the same pipelines as a live page, its ``url`` the
   original URL, with ``archived_at`` and ``archive`` set;
3. the crawl state keys a capture by its URL (by URL and capture time with every
   capture), so a capture already in the dataset is not fetched again, nor a page found
   to be no article, and a killed run resumes where its last committed batch ended.

Why not a client library: cdx-toolkit speaks both indexes but fetches with synchronous
``requests`` (it would block Scrapy's reactor and bypass its politeness, retries and
stats); the CDX API is a GET with a few parameters, so Scrapy asks it directly and
warcio (already a dependency) reads Common Crawl's records. The archive's own copies are
the raw archive here: archive mode writes no WARC of its own (``reclean`` replays live
crawls only).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from micnews.cleaners.record import record_keys
from micnews.crawler.cdx import (
    ArchiveError,
    ArchiveSource,
    Capture,
    crawls_in_window,
    in_window,
    index_query,
    parse_cdx,
    parse_source,
    read_warc_record,
    record_range,
    replay_url,
    select_captures,
    site_query,
    window_bound,
)
from micnews.crawler.fetchtime import fetched_at
from micnews.crawler.items import PageItem
from micnews.crawler.sites import Site
from micnews.crawler.spiders.news import NewsSpider, _headers

# Polite to the archive (lower than the live defaults; `--set` still wins): the Wayback
# Machine asks API clients for about one request a second and answers 429 beyond it.
ARCHIVE_SETTINGS: dict[str, Any] = {
    "CONCURRENT_REQUESTS": 4,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "DOWNLOAD_DELAY": 1.0,
    "AUTOTHROTTLE_START_DELAY": 1.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    "RETRY_TIMES": 5,
    "DOWNLOAD_TIMEOUT": 60,
    # the archive's index and replay are its API; the original site is never asked
    "ROBOTSTXT_OBEY": False,
}


class ArchiveSpider(NewsSpider):
    """The news spider with an archive's index for discovery and its captures as pages."""

    name = "archive"
    custom_settings = ARCHIVE_SETTINGS

    def _setup(self) -> None:
        super()._setup()
        settings = self.crawler.settings
        self.source: ArchiveSource = parse_source(settings.get("MICNEWS_ARCHIVE") or "wayback",
                                                  settings.get("MICNEWS_ARCHIVE_URL") or None)
        self.start_ts = window_bound(settings.get("MICNEWS_ARCHIVE_FROM"), end=False)
        self.stop_ts = window_bound(settings.get("MICNEWS_ARCHIVE_TO"), end=True)
        self.every = settings.getbool("MICNEWS_ARCHIVE_EVERY_CAPTURE")
        self.limit = settings.getint("MICNEWS_ARCHIVE_CDX_LIMIT")
        self._found: dict[str, list[Capture]] = {s.name: [] for s in self.sites}
        self._open: Counter[str] = Counter()  # index requests not answered yet, per site

    async def start(self) -> AsyncIterator[Any]:
        """The index requests of every site (nothing is asked of the sites themselves)."""
        if not self.sites:
            raise ValueError("no site to crawl: pass -a site=NAME_OR_URL")
        self._setup()
        for site in self.sites:
            if self.source.kind == "commoncrawl" and not self.source.crawl:
                yield self._index_request(f"{self.source.base}/collinfo.json", site,
                                          self.parse_collinfo)
                continue
            for request in self._site_queries(site, self.source.crawl):
                yield request

    def on_site(self, url: str) -> bool:
        """The site's own URLs, and the archive's (its index, replay and WARC files)."""
        return self._on_site(url) or url.startswith(
            (self.source.base + "/", self.source.data_base + "/", self.source.cdx_endpoint))

    # -- the index -----------------------------------------------------------------------
    def _site_queries(self, site: Site, crawl: str) -> Iterable[scrapy.Request]:
        """One index query per host of the site (root, then aliases)."""
        targets = [site_query(site.root)] + [(alias, "host") for alias in site.aliases]
        for url, match in dict.fromkeys(targets):
            if self.source.kind == "wayback":
                query = index_query(self.source.cdx_endpoint, url, match, self.start_ts,
                                    self.stop_ts, limit=self.limit)
                yield self._index_request(query, site, self.parse_index,
                                          base_query=query)
            else:
                endpoint = f"{self.source.base}/{crawl}-index"
                query = index_query(endpoint, url, match, self.start_ts, self.stop_ts)
                yield self._index_request(query + "&showNumPages=true", site,
                                          self.parse_num_pages, base_query=query, crawl=crawl)

    def _index_request(self, url: str, site: Site, callback: Any, **kwargs: Any
                       ) -> scrapy.Request:
        self._open[site.name] += 1
        return scrapy.Request(url, callback=callback, errback=self._index_failed,
                              dont_filter=True, priority=20,
                              cb_kwargs={"site": site, **kwargs},
                              meta={"allow_offsite": True, "micnews_no_archive": True,
                                    "micnews_entry": True})

    def parse_collinfo(self, response: Response, site: Site) -> Iterable[Any]:
        """Common Crawl's list of crawls: query each one that overlaps the window."""
        try:
            crawls = crawls_in_window(response.body, self.start_ts, self.stop_ts)
        except ArchiveError as exc:
            self.logger.error("%s: %s", response.url, exc)
            crawls = []
        self.crawler.stats.set_value("micnews/archive/crawls", len(crawls))
        for crawl in crawls:
            yield from self._site_queries(site, crawl)
        yield from self._answered(site)

    def parse_num_pages(self, response: Response, site: Site, base_query: str,
                        crawl: str) -> Iterable[Any]:
        """``showNumPages``: ask each page; an index without pages answered the captures."""
        try:
            pages = json.loads(response.body).get("pages")
        except (ValueError, AttributeError):
            pages = None
        if not isinstance(pages, int):
            yield from self.parse_index(response, site, base_query, crawl)
            return
        for page in range(pages):
            yield self._index_request(f"{base_query}&page={page}", site, self.parse_index,
                                      base_query=base_query, crawl=crawl)
        yield from self._answered(site)

    def parse_index(self, response: Response, site: Site, base_query: str,
                    crawl: str = "") -> Iterable[Any]:
        """One index answer: keep the captures a live crawl would follow; page on."""
        stats = self.crawler.stats
        try:
            captures, resume = parse_cdx(response.body)
        except ArchiveError as exc:
            self.logger.error("%s: %s", response.url, exc)
            captures, resume = [], ""
        label = self.source.label(crawl)
        for capture in captures:
            stats.inc_value("micnews/archive/captures_listed")
            if not capture.is_html_page or not in_window(capture.timestamp, self.start_ts,
                                                         self.stop_ts):
                stats.inc_value("micnews/archive/captures_skipped")
                continue
            url = self._follow(capture.url)
            if url is None:
                stats.inc_value("micnews/archive/captures_offsite_or_trap")
                continue
            self._found[site.name].append(replace(capture, key=url, archive=label))
        if resume:
            yield self._index_request(f"{base_query}&{urlencode({'resumeKey': resume})}", site,
                                      self.parse_index, base_query=base_query)
        yield from self._answered(site)

    def _index_failed(self, failure: Any) -> Iterable[Any]:
        site = failure.request.cb_kwargs["site"]
        self.crawler.stats.inc_value("micnews/archive/index_failed")
        yield from self._answered(site)

    def _answered(self, site: Site) -> Iterable[Any]:
        """An index request is done; after the site's last one, fetch its captures."""
        self._open[site.name] -= 1
        if self._open[site.name] > 0:
            return
        chosen = select_captures(self._found.pop(site.name, []), every=self.every)
        self.crawler.stats.inc_value("micnews/archive/captures_chosen", len(chosen))
        for capture in chosen:
            if self._seen_page(capture.record_url):
                self.crawler.stats.inc_value("micnews/archive/skipped_not_article")
                continue
            yield self._capture_request(capture, site)

    def _seen_page(self, url: str) -> bool:
        """A page an earlier run found to be no article (home, listing): an archived copy
        does not change, and its links are not needed (the index lists the pages)."""
        if self.state is None or self.crawler.settings.getbool("MICNEWS_REFRESH"):
            return False
        row = self.state.get(url)
        return row is not None and row["kind"] == "listing"

    # -- the captures --------------------------------------------------------------------
    def _capture_request(self, capture: Capture, site: Site) -> scrapy.Request:
        url = capture.record_url
        key = record_keys(url, capture.archived_at)[-1] if self.every else url
        meta = {"allow_offsite": True, "micnews_no_archive": True, "micnews_state_key": key}
        kwargs = {"site": site, "url": url, "timestamp": capture.timestamp,
                  "label": capture.archive}
        if self.source.kind == "wayback":
            return scrapy.Request(replay_url(self.source, capture), callback=self.parse_capture,
                                  cb_kwargs=kwargs, meta=meta)
        return scrapy.Request(f"{self.source.data_base}/{capture.filename}",
                              headers={"Range": record_range(capture)},
                              callback=self.parse_capture, cb_kwargs=kwargs, meta=meta,
                              dont_filter=True)  # one WARC file holds many captures

    def parse_capture(self, response: Response, site: Site, url: str, timestamp: str,
                      label: str) -> Iterable[Any]:
        """A raw capture: the page as the site served it, under its original URL."""
        if self.source.kind == "wayback":
            status, headers, body = response.status, _original_headers(response), response.body
        else:
            try:
                status, headers, body = read_warc_record(response.body)
            except ArchiveError as exc:
                self.logger.error("%s (%s): %s", url, response.url, exc)
                self.crawler.stats.inc_value("micnews/archive/bad_record")
                return
        self.crawler.stats.inc_value("micnews/archive/captures_fetched")
        yield PageItem(url=url, body=body, headers=headers, status=status,
                       fetched_at=fetched_at(response), site=site.name,
                       archived_at=Capture(url, timestamp).archived_at, archive=label)


def _original_headers(response: Response) -> dict[str, str]:
    """The capture's own headers: the Wayback Machine sends them as ``x-archive-orig-*``."""
    headers = _headers(response)
    prefix = "x-archive-orig-"
    for name, value in list(headers.items()):
        if name.startswith(prefix):
            headers.setdefault(name[len(prefix):], value)
    return headers
