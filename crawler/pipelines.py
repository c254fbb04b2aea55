"""Item pipelines: clean each page, drop duplicates, write Parquet.

Each is a small Scrapy component built ``from_crawler`` that reports what it did
through ``micnews.crawler.stats`` (``micnews/...`` keys), so the run summary can say why
pages did not become rows. With a crawl state (the default) the clean step
remembers every page and the Parquet step commits URLs once their batch is on disk.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

from micnews.cleaners import clean
from micnews.cleaners.clean import learn_template, site_of
from micnews.cleaners.dataset import DatasetWriter
from micnews.cleaners.record import VN_TZ, NotArticle, Page, Record
from micnews.cleaners.templates import TemplateRegistry
from micnews.crawler.incremental import open_state
from micnews.crawler.items import PageItem
from micnews.crawler.signals import batch_committed
from micnews.crawler.state import StateStore


def _state(crawler: Crawler) -> StateStore | None:
    return open_state(crawler.settings) if crawler.settings.getbool("MICNEWS_INCREMENTAL", True) \
        else None


class CleanPipeline:
    """PageItem → Record (or drop: not an article).

    Pages of a site with no family profile go the generic way, which learns the site's
    template (text repeated across its pages) as the crawl goes. Until a site has
    ``MICNEWS_TEMPLATE_WARMUP`` pages learned, its generic articles wait (at most
    ``MICNEWS_TEMPLATE_WAIT`` seconds) and are then cleaned with the template, so the
    first articles of a site get no more template text than the last.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.state = _state(crawler)
        self.templates = TemplateRegistry()
        self.warmup = crawler.settings.getint("MICNEWS_TEMPLATE_WARMUP", 8)
        self.wait = crawler.settings.getfloat("MICNEWS_TEMPLATE_WAIT", 5.0)
        self.held: dict[str, list[tuple[Page, Deferred]]] = {}
        self.timers: dict[str, Any] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(crawler)

    def _clean(self, page: Page, site: str) -> tuple[Record | NotArticle, Counter[str]]:
        """The page cleaned with its site's template so far, and what each step removed."""
        removed: Counter[str] = Counter()
        return clean(page, self.templates.template(site), removed), removed

    def _ready(self, site: str) -> bool:
        tpl = self.templates.template(site)
        return tpl is not None and tpl.pages_seen >= self.warmup

    def _hold(self, page: Page, site: str) -> Deferred:
        """Park a generic article until its site's template is ready (or the wait is over)."""
        d: Deferred = Deferred()
        self.held.setdefault(site, []).append((page, d))
        if site not in self.timers:
            from twisted.internet import reactor

            self.timers[site] = reactor.callLater(self.wait, self._release, site)
        self.stats.inc_value("micnews/template_waits")
        return d

    def _release(self, site: str) -> None:
        timer = self.timers.pop(site, None)
        if timer is not None and timer.active():
            timer.cancel()
        for page, d in self.held.pop(site, []):
            d.callback(self._clean(page, site))

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem):
            return item
        page, site = item.to_page(), site_of(item.url)
        result, removed = self._clean(page, site)
        if result.family == "generic":
            learn_template(self.templates, page)
            if isinstance(result, Record) and self.wait > 0 and not self._ready(site):
                # cleaned again once the template is ready: only that cleaning counts
                result, removed = await maybe_deferred_to_future(self._hold(page, site))
            elif self._ready(site) and site in self.held:
                self._release(site)
        for step, n in removed.items():
            self.stats.inc_value(f"micnews/removed/{step}", n)
        return self._route(item, result)

    def _route(self, item: PageItem, result: Record | NotArticle) -> Record:
        """Record the page in the crawl state; drop what is no (new) article."""
        etag, last_modified = item.headers.get("etag"), item.headers.get("last-modified")
        if isinstance(result, NotArticle):
            self.stats.inc_value("micnews/not_article")
            self.stats.inc_value(f"micnews/not_article/{result.reason.split(':')[0]}")
            if self.state is not None:
                self.state.seen(item.url, "listing", etag, last_modified)
                self.state.set_links(item.url, item.links)
            raise DropItem(f"not an article ({result.reason}): {item.url}", log_level="DEBUG")
        self.stats.inc_value("micnews/articles_cleaned")
        self.stats.inc_value(f"micnews/family/{result.family}")
        if self.state is not None:
            known = self.state.get(item.url)
            if known is not None and known["committed"] and \
                    known["content_hash"] == result.content_hash:
                self.stats.inc_value("micnews/unchanged")
                raise DropItem(f"unchanged since the last run: {item.url}", log_level="DEBUG")
            self.state.seen(item.url, "article", etag, last_modified, result.content_hash)
        return result

    def close_spider(self) -> None:
        for site in list(self.held):
            self._release(site)


class SincePipeline:
    """Drop records published before ``MICNEWS_SINCE`` (an ISO date), when set."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        since = crawler.settings.get("MICNEWS_SINCE")
        self.since = datetime.fromisoformat(since) if since else None
        if self.since is not None and self.since.tzinfo is None:
            self.since = self.since.replace(tzinfo=VN_TZ)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SincePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if (isinstance(item, Record) and self.since is not None
                and item.published_at is not None and item.published_at < self.since):
            self.stats.inc_value("micnews/older_than_since")
            raise DropItem(f"published before {self.since:%Y-%m-%d}: {item.url}",
                           log_level="DEBUG")
        return item


class DuplicatePipeline:
    """Drop a record whose URL or normalized text was already seen in this run."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.seen_urls: set[str] = set()
        self.seen_hashes: set[str] = set()
        # Distributed crawl: the first writer of a key is agreed on in Redis, across workers.
        state = _state(crawler)
        self.claim_first = getattr(state, "claim_first", None)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DuplicatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Record):
            return item
        key = item.canonical_url or item.url
        if key in self.seen_urls or item.content_hash in self.seen_hashes or (
                self.claim_first is not None and not (
                    self.claim_first(f"url:{key}", item.url)
                    and self.claim_first(f"hash:{item.content_hash}", item.url))):
            self.stats.inc_value("micnews/duplicates_dropped")
            raise DropItem(f"duplicate: {item.url}", log_level="DEBUG")
        self.seen_urls.add(key)
        self.seen_hashes.add(item.content_hash)
        return item


class ParquetPipeline:
    """Append records to the Parquet dataset under ``MICNEWS_OUT``.

    Flushes every ``MICNEWS_BATCH_SIZE`` rows or ``MICNEWS_FLUSH_SECONDS``, then commits
    the batch's URLs in the crawl state: a kill loses at most one unflushed batch, and
    those pages are fetched again by the next run.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.stats = crawler.stats
        self.state = _state(crawler)
        self.writer = DatasetWriter(settings.get("MICNEWS_OUT", "output"),
                                    batch_size=settings.getint("MICNEWS_BATCH_SIZE", 500))
        # names this run's part-<id>-… files, so `micnews report` can tell which run wrote a row
        self.stats.set_value("micnews/dataset_run_id", self.writer.run_id)
        self.flush_seconds = settings.getfloat("MICNEWS_FLUSH_SECONDS", 30.0)
        self._pending: list[str] = []
        self._last_flush = time.monotonic()
        self.signals = crawler.signals
        # An idle crawl writes what it holds (a distributed worker waiting for work must
        # not sit on records: its requests stay claimed until they are on disk).
        crawler.signals.connect(self._flush, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ParquetPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Record):
            files_before = len(self.writer.files)
            self._pending.append(item.url)
            self.writer.write(item)
            self.stats.inc_value("micnews/articles_written")
            if len(self.writer.files) != files_before:
                self._commit(files_before)
            elif time.monotonic() - self._last_flush > self.flush_seconds:
                self._flush()
        return item

    def close_spider(self) -> None:
        files_before = len(self.writer.files)
        self.writer.flush()  # not close(): a remote file's local copy stays until the commit
        self._commit(files_before)
        self.stats.set_value("micnews/parquet_files", len(self.writer.files))

    def _flush(self) -> None:
        files_before = len(self.writer.files)
        self.writer.flush()
        self._commit(files_before)

    def _commit(self, files_before: int) -> None:
        self._last_flush = time.monotonic()
        new_files = self.writer.files[files_before:]
        if self.state is not None and new_files:
            self.state.commit(self._pending)
            for path in new_files:
                self.state.commit([], path.name)
        self.writer.release()  # remote dataset: the uploaded files' local copies can go
        self._pending.clear()
        self.signals.send_catch_log(batch_committed)
