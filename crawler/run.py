"""Run a crawl in this process with the real Scrapy engine and return its summary."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess

from micnews.cleaners.storage import display, locate
from micnews.crawler.addon import crawl_settings
from micnews.crawler.diskfull import STAT as DISK_FULL
from micnews.crawler.diskfull import DiskFull, disk_full_message, is_disk_full
from micnews.crawler.exitcodes import EXIT_FAILED
from micnews.crawler.profilehealth import health
from micnews.crawler.report import EXTRA_ROWS, summary_rows
from micnews.crawler.runrules import FORCED_STOP, exit_code_of, verdict
from micnews.crawler.sites import load_sites, resolve_targets
from micnews.crawler.spiders.news import NewsSpider


class CrawlError(RuntimeError):
    """The crawl could not run at all (its message is one line for the user)."""


def _extraction_rows(stats: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f"extraction {h.site} ({h.family})", h.line()) for h in health(stats)]


EXTRA_ROWS.append(_extraction_rows)  # profile health (issue 11), after the totals


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
        """The run's exit code, decided by :class:`micnews.crawler.runrules.RunRules` (the
        same for ``scrapy crawl``); see :mod:`micnews.crawler.exitcodes`."""
        code = self.stats.get("micnews/exit_code")
        return int(code) if code is not None else verdict(self.stats, self.worker)

    @property
    def error(self) -> str | None:
        """The one line that says why the exit code is not 0, when there is more to say."""
        if self.get(DISK_FULL, ""):
            return disk_full_message(self.get(DISK_FULL), self.get("micnews/disk_full_reason",
                                                                    "no space left"))
        if self.exit_code == EXIT_FAILED:
            return str(self.get("micnews/error", "") or "no page could be fetched")
        return None

    @property
    def rows(self) -> list[tuple[str, str]]:
        """The summary table shown to a person (the same rows as in ``runs/*.json``)."""
        return [*summary_rows(self.stats), *self._archive_rows(),
                ("time", f"{self.seconds:.1f} s"),
                ("dataset", display(self.out).rstrip("/") + "/articles")]

    def print_table(self, console: Any) -> None:
        """Print the summary as a rich table."""
        from rich.table import Table

        table = Table(title="micnews crawl", show_header=False)
        for name, value in self.rows:
            table.add_row(name, value)
        console.print(table)

    def _archive_rows(self) -> list[tuple[str, str]]:
        """``--archive``: what the index listed and which captures were fetched."""
        if "micnews/archive/captures_chosen" not in self.stats:
            return []
        return [("archive captures: listed / chosen / fetched",
                 " / ".join(str(self.get(f"micnews/archive/captures_{k}"))
                            for k in ("listed", "chosen", "fetched")))]


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
    Raises :class:`micnews.crawler.lock.AlreadyRunning` when another run holds a site's lock
    (the run rules, :mod:`micnews.crawler.runrules`, are those of ``scrapy crawl``).
    """
    overrides: dict[str, Any] = {"MICNEWS_OUT": str(out), **(settings or {})}
    if max_pages:
        overrides["CLOSESPIDER_PAGECOUNT"] = max_pages
    project = crawl_settings(overrides)
    if redis_url:
        from micnews.crawler.distributed import redis_settings

        sites = resolve_targets(targets, load_sites(sites_file))
        for key, value in redis_settings(redis_url, sites,
                                         project.get("MICNEWS_REDIS_PREFIX")).items():
            project.set(key, value, priority="cmdline")
    process = CrawlerProcess(project)
    spider_cls: type[NewsSpider] = NewsSpider
    if project.get("MICNEWS_ARCHIVE"):  # archived copies instead of the live site
        from micnews.crawler.archive import ArchiveSpider

        spider_cls = ArchiveSpider
    crawler = process.create_crawler(spider_cls)
    started = time.monotonic()
    failures: list[Any] = []  # the crawl could not start (site locked, disk full…)
    process.crawl(crawler, site=",".join(targets),
                  sites_file=str(sites_file) if sites_file else None
                  ).addErrback(failures.append)
    process.start()
    if failures:
        error = failures[0].value
        if is_disk_full(error) and not isinstance(error, DiskFull):
            raise DiskFull(locate(out).staging, error)  # e.g. the state could not be created
        if exit_code_of(crawler, error) != EXIT_FAILED:
            raise error  # AlreadyRunning (75), NoSiteGiven (2), DiskFull (74)
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
