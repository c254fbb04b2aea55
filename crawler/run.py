"""Run a crawl in this process with the real Scrapy engine and return its summary."""

from __future__ import annotations

import os
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from micnews.cleaners.storage import display, locate
from micnews.crawler.diskfull import STAT as DISK_FULL
from micnews.crawler.diskfull import DiskFull, disk_full_message, is_disk_full
from micnews.crawler.exitcodes import EXIT_DISK_FULL, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from micnews.crawler.lock import SiteLock
from micnews.crawler.profilehealth import EXIT_PROFILE_ROT, health, rotten
from micnews.crawler.sites import load_sites, resolve_targets
from micnews.crawler.spiders.news import NewsSpider

FORCED_STOP = "shutdown_forced"  # finish_reason of a run stopped by a second signal


class CrawlError(RuntimeError):
    """The crawl could not run at all (its message is one line for the user)."""


@dataclass
class CrawlSummary:
    """What a finished crawl did, read from the Scrapy stats."""

    stats: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    out: str = "output"  # a folder or a filesystem URI
    worker: bool = False  # a distributed worker: finding the queue empty is no failure

    def get(self, key: str, default: int = 0) -> Any:
        """One stats value."""
        return self.stats.get(key, default)

    @property
    def exit_code(self) -> int:
        """See :mod:`micnews.crawler.exitcodes`: 74 the disk filled up, 3 interrupted (what
        was written stays), 4 finished but a site's family profile no longer fits it
        (profile health), 0 finished, 1 nothing could be fetched."""
        if self.get(DISK_FULL, ""):
            return EXIT_DISK_FULL
        if self.get("finish_reason", "") in ("shutdown", FORCED_STOP):
            return EXIT_INTERRUPTED
        if rotten(self.stats):
            return EXIT_PROFILE_ROT
        if self.worker and self.get("finish_reason", "") == "finished":
            return EXIT_OK
        fetched = self.get("response_received_count") or self.get("micnews/skipped_known")
        return EXIT_OK if fetched else EXIT_FAILED

    @property
    def error(self) -> str | None:
        """The one line that says why the exit code is not 0, when there is more to say."""
        if self.get(DISK_FULL, ""):
            return disk_full_message(self.get(DISK_FULL), self.get("micnews/disk_full_reason",
                                                                    "no space left"))
        return None

    @property
    def rows(self) -> list[tuple[str, str]]:
        """The summary table shown to a person."""
        removed = sum(v for k, v in self.stats.items() if k.startswith("micnews/removed/"))
        return [
            ("pages fetched", str(self.get("response_received_count"))),
            ("articles written", str(self.get("micnews/articles_written"))),
            ("known articles skipped", str(self.get("micnews/skipped_known"))),
            ("not articles (listings, home…)", str(self.get("micnews/not_article"))),
            ("boilerplate removed (blocks)", str(removed)),
            ("duplicates dropped", str(self.get("micnews/duplicates_dropped"))),
            ("errors", str(self.get("log_count/ERROR"))),
            ("time", f"{self.seconds:.1f} s"),
            ("dataset", display(self.out).rstrip("/") + "/articles"),
            *((f"extraction {h.site} ({h.family})", h.line()) for h in health(self.stats)),
        ]


def run_crawl(
    targets: list[str],
    out: str | Path = "output",
    max_pages: int = 0,
    settings: dict[str, Any] | None = None,
    sites_file: str | Path | None = None,
    redis_url: str | None = None,
) -> CrawlSummary:
    """Crawl configured sites (names) and/or URLs into the dataset at ``out``.

    With ``redis_url`` the process is one worker of a distributed crawl
    (:mod:`micnews.crawler.distributed`): no site lock, the frontier and state live in Redis.
    Raises :class:`micnews.crawler.lock.AlreadyRunning` when another run holds a site's lock.
    """
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "micnews.crawler.settings")
    project = get_project_settings()
    project.set("MICNEWS_OUT", str(out), priority="cmdline")
    if max_pages:
        project.set("CLOSESPIDER_PAGECOUNT", max_pages, priority="cmdline")
    for key, value in (settings or {}).items():
        project.set(key, value, priority="cmdline")
    sites = resolve_targets(targets, load_sites(sites_file))
    if redis_url:
        from micnews.crawler.distributed import redis_settings

        prefix = project.get("MICNEWS_REDIS_PREFIX", "micnews")
        for key, value in redis_settings(redis_url, sites, prefix).items():
            project.set(key, value, priority="cmdline")
    with ExitStack() as locks:
        for site in sites if not redis_url else []:  # workers share sites on purpose
            # a remote dataset: the locks live in its local staging folder
            locks.enter_context(SiteLock(locate(out).staging, urlsplit(site.root).netloc))
        process = CrawlerProcess(project)
        crawler = process.create_crawler(NewsSpider)
        started = time.monotonic()
        failures: list[Any] = []  # the crawl could not start (e.g. the disk is full)
        process.crawl(crawler, site=",".join(targets),
                      sites_file=str(sites_file) if sites_file else None
                      ).addErrback(failures.append)
        process.start()
    if failures:
        if is_disk_full(failures[0].value):  # e.g. the crawl state could not be created
            raise DiskFull(locate(out).staging, failures[0].value)
        raise CrawlError(f"the crawl could not start: {failures[0].getErrorMessage()} "
                         f"({failures[0].type.__name__})")
    if "finish_reason" not in crawler.stats.get_stats():
        _forced_stop(crawler)
    return CrawlSummary(
        stats=dict(crawler.stats.get_stats()), seconds=time.monotonic() - started, out=str(out),
        worker=bool(redis_url),
    )


def _forced_stop(crawler: Any) -> None:
    """A second signal stopped the reactor before the spider closed: nothing more was
    committed, so say so (finish reason, stats file) instead of looking finished."""
    from micnews.crawler.extensions import StatsFile

    crawler.stats.set_value("finish_reason", FORCED_STOP)
    for ext in getattr(crawler.extensions, "middlewares", ()):
        if isinstance(ext, StatsFile):
            ext.closed(FORCED_STOP)
