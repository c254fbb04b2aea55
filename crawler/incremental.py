"""Incremental crawling: skip articles already in the dataset, ask listings "changed since?".

A downloader middleware over the crawl state (:class:`micnews.crawler.state.StateStore`):
- a request for an article whose record is committed is dropped (``micnews/skipped_known``)
  unless ``MICNEWS_REFRESH`` is set or the request carries ``meta['micnews_refresh']``;
- a request for a listing, feed or sitemap fetched before carries ``If-None-Match`` /
  ``If-Modified-Since``; a 304 answer reaches the spider, which replays the stored links.
"""

from __future__ import annotations

from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings

from micnews.cleaners.dataset import ARTICLES_DIR, data_files
from micnews.cleaners.storage import locate, recover_outboxes
from micnews.crawler.state import CrawlState, StateStore

_STATES: dict[Path | str, StateStore] = {}


def _state_key(settings: BaseSettings) -> Path | str:
    if settings.get("MICNEWS_REDIS_URL"):  # distributed crawl: the state lives in Redis
        return f"{settings['MICNEWS_REDIS_URL']}#{settings.get('MICNEWS_REDIS_PREFIX', 'micnews')}"
    # a remote dataset keeps its state in the local staging folder (cleaners.storage)
    staging = locate(settings.get("MICNEWS_OUT", "output")).staging
    return Path(settings.get("MICNEWS_STATE") or staging / "state.sqlite").resolve()


def open_state(settings: BaseSettings) -> StateStore:
    """The crawl state of the dataset named by ``MICNEWS_OUT`` (one connection per process):
    SQLite beside the dataset, or Redis when ``MICNEWS_REDIS_URL`` is set.

    On first open, URLs of dataset files written after the last commit are committed
    (on a remote dataset: the files dead processes left in their outboxes, uploaded now).
    """
    location = locate(settings.get("MICNEWS_OUT", "output"))
    path = _state_key(settings)
    if path not in _STATES:
        state: StateStore
        if isinstance(path, Path):
            state = CrawlState(path)
        else:
            from micnews.crawler.state_redis import RedisCrawlState

            state = RedisCrawlState(settings["MICNEWS_REDIS_URL"],
                                    f"{settings.get('MICNEWS_REDIS_PREFIX', 'micnews')}:state")
        if location.remote:
            recover_outboxes(location, state.reconcile)
            # the local state may be new (another machine, a cleared cache) or behind the
            # dataset: what the dataset holds is in its own Parquet (url, content_hash)
            state.reconcile(data_files(location.out), location.filesystem)
        else:
            state.reconcile(sorted((location.staging / ARTICLES_DIR).rglob("*.parquet")))
        _STATES[path] = state
    return _STATES[path]


def reconcile_dataset(settings: BaseSettings) -> int:
    """Commit, in the crawl state, what dataset files it has not seen hold (files another
    process wrote and died before committing); returns how many URLs that committed."""
    location = locate(settings.get("MICNEWS_OUT", "output"))
    return open_state(settings).reconcile(data_files(location.out), location.filesystem)


def close_state(settings: BaseSettings) -> None:
    """Close the state opened by :func:`open_state`, if any."""
    state = _STATES.pop(_state_key(settings), None)
    if state is not None:
        state.close()


class IncrementalMiddleware:
    """Downloader middleware: skip known articles, make conditional requests for listings."""

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("MICNEWS_INCREMENTAL", True):
            raise NotConfigured("MICNEWS_INCREMENTAL is off")
        self.crawler = crawler
        self.state = open_state(crawler.settings)
        self.refresh = crawler.settings.getbool("MICNEWS_REFRESH")
        self.stats = crawler.stats
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

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

    def spider_closed(self) -> None:
        close_state(self.crawler.settings)
