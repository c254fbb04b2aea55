"""Run a crawl in this process with the real Scrapy engine and return its summary."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess

from micnews.cleaners.storage import display
from micnews.crawler import exitcodes
from micnews.crawler.addon import crawl_settings
from micnews.crawler.report import summary_rows
from micnews.crawler.runrules import exit_code_of
from micnews.crawler.sites import load_sites, resolve_targets
from micnews.crawler.spiders.news import NewsSpider


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
        """The run's exit code (decided by :class:`micnews.crawler.runrules.RunRules`)."""
        return int(self.get("micnews/exit_code", exitcodes.FAILED))

    @property
    def error(self) -> str:
        """One line saying why the run failed, or ""."""
        return str(self.get("micnews/error", "")) if self.exit_code == exitcodes.FAILED else ""

    @property
    def rows(self) -> list[tuple[str, str]]:
        """The summary table shown to a person (the same rows as in ``runs/*.json``)."""
        return [*summary_rows(self.stats),
                ("time", f"{self.seconds:.1f} s"),
                ("dataset", display(self.out).rstrip("/") + "/articles")]

    def print_table(self, console: Any) -> None:
        """Print the summary as a rich table."""
        from rich.table import Table

        table = Table(title="micnews crawl", show_header=False)
        for name, value in self.rows:
            table.add_row(name, value)
        console.print(table)


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
    crawler = process.create_crawler(NewsSpider)
    started = time.monotonic()
    failures: list[Any] = []  # the crawl could not start (site locked, disk full…)
    process.crawl(crawler, site=",".join(targets),
                  sites_file=str(sites_file) if sites_file else None
                  ).addErrback(failures.append)
    process.start()
    if failures:
        if exit_code_of(crawler, failures[0].value) != exitcodes.FAILED:
            raise failures[0].value  # AlreadyRunning (75), NoSiteGiven (2)
        raise CrawlError(f"the crawl could not start: {failures[0].getErrorMessage()} "
                         f"({failures[0].type.__name__})")
    return CrawlSummary(
        stats=dict(crawler.stats.get_stats()), seconds=time.monotonic() - started, out=str(out),
        worker=bool(redis_url),
    )
