"""Item pipelines: clean each page, drop duplicates, write Parquet.

Each is a small Scrapy component built ``from_crawler`` that reports what it did
through ``micnews.crawler.stats`` (``micnews/...`` keys), so the run summary can say why
pages did not become rows. With a crawl state (the default) the clean step
remembers every page and the Parquet step commits URLs once their batch is on disk.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

from micnews.cleaners import clean
from micnews.cleaners.clean import learn_template, page_view, site_of
from micnews.cleaners.dataset import DatasetWriter, data_files, sweep_temp_files
from micnews.cleaners.pageview import PageView
from micnews.cleaners.record import VN_TZ, NotArticle, Page, Record
from micnews.cleaners.storage import locate
from micnews.cleaners.templates import TemplateRegistry
from micnews.crawler.diskfull import STAT as DISK_FULL
from micnews.crawler.diskfull import folder_of, is_disk_full, stop_for_disk_full
from micnews.crawler.duplicates import DuplicateRule, Verdict
from micnews.crawler.items import PageItem
from micnews.crawler.profilehealth import count_record
from micnews.crawler.signals import batch_committed
from micnews.crawler.state import StateStore
from micnews.crawler.stateowner import state_of


def _state(crawler: Crawler) -> StateStore | None:
    return state_of(crawler)


class CleanPipeline:
    """PageItem → Record (or drop: not an article).

    Pages of a site with no family profile go the generic way, which learns the site's
    template (text repeated across its pages) as the crawl goes. Until a site has
    ``MICNEWS_TEMPLATE_WARMUP`` pages learned, its generic articles wait (at most
    ``MICNEWS_TEMPLATE_WAIT`` seconds) and are then cleaned with the template, so the
    first articles of a site get no more template text than the last.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.state = _state(crawler)
        self.staging = locate(crawler.settings.get("MICNEWS_OUT")).staging
        self.templates = TemplateRegistry()
        self.warmup = crawler.settings.getint("MICNEWS_TEMPLATE_WARMUP")
        self.wait = crawler.settings.getfloat("MICNEWS_TEMPLATE_WAIT")
        self.held: dict[str, list[tuple[Page, Deferred]]] = {}
        self.timers: dict[str, Any] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(crawler)

    def _clean(
        self, page: Page, site: str, view: PageView | None = None
    ) -> tuple[Record | NotArticle, Counter[str]]:
        """The page cleaned with its site's template so far, and what each step removed."""
        removed: Counter[str] = Counter()
        return clean(page, self.templates.template(site), removed, view), removed

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
        view = page_view(page)  # decoded and parsed once: cleaning and learning share it
        result, removed = self._clean(page, site, view) if view else self._clean(page, site)
        if result.family == "generic" and view is not None:
            learn_template(self.templates, page, view)
            if isinstance(result, Record) and self.wait > 0 and not self._ready(site):
                # cleaned again once the template is ready: only that cleaning counts
                result, removed = await maybe_deferred_to_future(self._hold(page, site))
            elif self._ready(site) and site in self.held:
                self._release(site)
        for step, n in removed.items():
            self.stats.inc_value(f"micnews/removed/{step}", n)
        if isinstance(result, Record) and item.archive:  # an archived copy (crawler/archive.py)
            result = dataclasses.replace(result, archived_at=item.archived_at,
                                         archive=item.archive)
        try:
            return self._route(item, result)
        except Exception as exc:  # the crawl state could not remember the page
            if not is_disk_full(exc):
                raise
            stop_for_disk_full(self.crawler, folder_of(exc, self.staging), exc)
            raise DropItem(f"not written (disk full): {item.url}", log_level="DEBUG") from None

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
        count_record(self.stats, result, self._family_hint(result.site))
        if self.state is not None:
            known = self.state.get(item.url)
            if known is not None and known["committed"] and \
                    known["content_hash"] == result.content_hash:
                self.stats.inc_value("micnews/unchanged")
                raise DropItem(f"unchanged since the last run: {item.url}", log_level="DEBUG")
            # the content hash is stored with the commit: the hash of the row on disk
            self.state.seen(item.url, "article", etag, last_modified)
        return result

    def _family_hint(self, site: str) -> str | None:
        """The ``family`` ``sites.toml`` sets for ``site`` (profile health counts by it)."""
        for conf in getattr(self.crawler.spider, "sites", ()):
            if site_of(conf.root) == site:
                return conf.family
        return None

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
    """Drop a true re-fetch (the duplicate rule of :mod:`micnews.crawler.duplicates`, shared
    with ``micnews reclean``); syndicated copies are kept and counted as
    ``micnews/exact_copies``. In a distributed crawl, a record another worker is writing
    (same URL) is dropped too (:meth:`_may_write`)."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.settings = crawler.settings
        self.rule = DuplicateRule()
        # distributed crawl: one writer per URL across workers (see _may_write)
        self.state = _state(crawler)
        self.claim_write = getattr(self.state, "claim_write", None)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DuplicatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Record):
            return item
        verdict = self.rule.judge(item)
        if verdict is Verdict.REFETCH:
            self.stats.inc_value("micnews/duplicates_dropped")
            raise DropItem(f"fetched twice, same text: {item.url}", log_level="DEBUG")
        if not self._may_write(item):
            self.stats.inc_value("micnews/written_by_another_worker")
            raise DropItem(f"written by another worker: {item.url}", log_level="DEBUG")
        if verdict is Verdict.COPY:
            self.stats.inc_value("micnews/exact_copies")
        return item

    def _may_write(self, item: Record) -> bool:
        """Distributed: a retried, redirected or requeued request may be fetched by two
        workers at once; only the first to claim the URL writes it (until it is committed,
        when the crawl state answers). A claim held by a dead worker is taken over once
        its files on disk are reconciled (it may have written the record before dying)."""
        if self.claim_write is None:
            return True
        verdict = self.claim_write(item.url, item.content_hash)
        if isinstance(verdict, str):
            location = locate(self.settings.get("MICNEWS_OUT"))  # the dead writer's files
            self.state.reconcile(data_files(location.out), location.filesystem)
            verdict = self.claim_write(item.url, item.content_hash, take_over=verdict)
        return verdict is True


class ParquetPipeline:
    """Append records to the Parquet dataset under ``MICNEWS_OUT``.

    Flushes every ``MICNEWS_BATCH_SIZE`` rows or ``MICNEWS_FLUSH_SECONDS``, then commits
    each new file's URLs in the crawl state (one transaction per file): a kill loses at
    most one unflushed batch, and those pages are fetched again by the next run. A full
    disk stops the crawl at the first failed write (:mod:`micnews.crawler.diskfull`); the
    rows not on disk stay uncommitted.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.state = _state(crawler)
        # temp files of writers killed mid-write (kill -9) go before this one writes
        swept = sweep_temp_files(settings.get("MICNEWS_OUT"))
        if swept:
            self.stats.set_value("micnews/temp_files_removed", swept)
        self.writer = DatasetWriter(settings.get("MICNEWS_OUT"),
                                    batch_size=settings.getint("MICNEWS_BATCH_SIZE"))
        # names this run's part-<id>-… files, so `micnews report` can tell which run wrote a row
        self.stats.set_value("micnews/dataset_run_id", self.writer.run_id)
        self.flush_seconds = settings.getfloat("MICNEWS_FLUSH_SECONDS")
        self._committed = 0  # files of self.writer.files whose URLs are committed
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
            if self.stats.get_value(DISK_FULL):
                raise DropItem(f"not written (disk full): {item.url}", log_level="DEBUG")
            self.stats.inc_value("micnews/articles_buffered")
            self._write(lambda: self.writer.write(item))
            if self._committed == len(self.writer.files) and \
                    time.monotonic() - self._last_flush > self.flush_seconds:
                self._flush()
        return item

    def close_spider(self) -> None:
        # not writer.close(): a remote file's local copy stays until the commit
        self._flush()
        self.stats.set_value("micnews/parquet_files", len(self.writer.files))

    def _flush(self) -> None:
        self._write(self.writer.flush)

    def _write(self, step: Callable[[], object]) -> None:
        """Run a writer step, then commit every file it completed (even when it failed
        half-way: the files before the failure are whole). A full disk stops the crawl."""
        try:
            step()
        except Exception as exc:
            if not is_disk_full(exc):
                raise
            stop_for_disk_full(self.crawler, folder_of(exc, self.writer.dir), exc)
        finally:
            self._commit()

    def _commit(self) -> None:
        """Commit the URLs of each new file, then tell the frontier (``batch_committed``)
        when every record passed so far is on disk, new files or not: an idle worker must
        release its claims."""
        new_files = self.writer.files[self._committed:]
        if not new_files:
            if not self.writer.buffered:
                self.signals.send_catch_log(batch_committed)
            return
        self._last_flush = time.monotonic()
        for path in new_files:
            urls, hashes = self.writer.file_urls.pop(path)
            self._committed += 1
            self.stats.inc_value("micnews/articles_written", len(urls))  # the file is whole
            if self.state is None:
                continue
            try:
                self.state.commit(urls, path.name, hashes)  # one transaction per file
            except Exception as exc:  # the next run's reconcile commits the file
                if not is_disk_full(exc):
                    raise
                stop_for_disk_full(self.crawler, folder_of(exc, self.writer.location.staging),
                                   exc)
        self.writer.release()  # remote dataset: the uploaded files' local copies can go
        if not self.writer.buffered:
            self.signals.send_catch_log(batch_committed)
