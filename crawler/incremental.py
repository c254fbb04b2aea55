"""Incremental crawling: skip articles already in the dataset, ask listings "changed since?".

A downloader middleware over the crawl state (:class:`micnews.crawler.state.StateStore`):
- a request for an article whose record is committed is dropped (``micnews/skipped_known``)
  unless ``MICNEWS_REFRESH`` is set or the request carries ``meta['micnews_refresh']``;
- a request for a listing, feed or sitemap fetched before carries ``If-None-Match`` /
  ``If-Modified-Since``; a 304 answer reaches the spider, which replays the stored links.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response

from micnews.crawler.stateowner import state_of


class IncrementalMiddleware:
    """Downloader middleware: skip known articles, make conditional requests for listings."""

    def __init__(self, crawler: Crawler) -> None:
        state = state_of(crawler)
        if state is None:
            raise NotConfigured("MICNEWS_INCREMENTAL is off")
        self.state = state
        self.refresh = crawler.settings.getbool("MICNEWS_REFRESH")
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if request.url.endswith("/robots.txt"):
            return None
        fresh = (self.refresh or request.meta.get("micnews_refresh")
                 or request.meta.get("micnews_entry"))  # entry points are never skipped
        # an archived capture is known by its original URL (and time): crawler/archive.py
        key = request.meta.get("micnews_state_key", request.url)
        if (not fresh
                and self.state.is_committed_article(key)):
            self.stats.inc_value("micnews/skipped_known")
            raise IgnoreRequest(f"already in the dataset: {request.url}")
        row = self.state.get(request.url)
        if row is not None and row["kind"] in ("listing", "feed", "sitemap"):
            if row["etag"]:
                request.headers.setdefault(b"If-None-Match", row["etag"].encode("latin-1"))
            if row["last_modified"]:
                request.headers.setdefault(b"If-Modified-Since",
                                           row["last_modified"].encode("latin-1"))
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status == 304:
            self.stats.inc_value("micnews/not_modified")
        return response
