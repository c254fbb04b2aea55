"""What a run did, in rows: one definition for the summary table and ``runs/*.json``.

:class:`SiteCounts` (a downloader middleware next to the downloader, so retried answers
count too) counts every response by HTTP status class and site, and the articles written
per site; :func:`summary_rows` turns the run's stats into the
rows shown by ``micnews crawl`` and stored under ``"summary"`` in the run's stats file —
totals first, then one block per site when the run crawled several.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response

from micnews.cleaners.clean import site_of
from micnews.cleaners.record import Record
from micnews.crawler.robots import REUSED

STATUS_CLASSES = ("2xx", "3xx", "404", "other 4xx", "5xx")
ROBOTS_ANSWERS = "micnews/robots_answers"


def status_class(status: int) -> str:
    """The summary's class of an HTTP status (404 apart: dead links are common)."""
    if status == 404:
        return "404"
    if 400 <= status < 500:
        return "other 4xx"
    if 200 <= status < 600:
        return f"{status // 100}xx"
    return "other"


class SiteCounts:
    """Downloader middleware: ``micnews/status/<class>`` and ``micnews/site/<site>/…``."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteCounts:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if REUSED in response.flags:  # robots.txt served again from memory: not an answer
            return response
        cls = status_class(response.status)
        self.stats.inc_value(f"micnews/status/{cls}")
        if request.meta.get("dont_obey_robotstxt") and request.url.endswith("/robots.txt"):
            self.stats.inc_value(ROBOTS_ANSWERS)  # counted in the table, not a page reached
        self.stats.inc_value(f"micnews/site/{site_of(response.url)}/status/{cls}")
        return response

    def item_scraped(self, item: Any) -> None:
        if isinstance(item, Record):
            self.stats.inc_value(f"micnews/site/{site_of(item.url)}/articles_written")


def _sum(stats: Mapping[str, Any], prefix: str) -> int:
    return sum(int(v) for k, v in stats.items() if k.startswith(prefix))


def pages_reached(stats: Mapping[str, Any]) -> int:
    """Answers other than robots.txt's, retried ones included: a run whose every answer was
    a robots.txt (a site whose rules stayed unknown) reached no page. Stats written before
    the status classes were counted: Scrapy's ``response_received_count``."""
    if not any(k.startswith("micnews/status/") for k in stats):
        return int(stats.get("response_received_count") or 0)
    return _sum(stats, "micnews/status/") - int(stats.get(ROBOTS_ANSWERS) or 0)


def _reasons(stats: Mapping[str, Any], prefix: str) -> str:
    parts = sorted((k[len(prefix):], int(v)) for k, v in stats.items()
                   if k.startswith(prefix) and "/" not in k[len(prefix):])
    return ", ".join(f"{reason} {n}" for reason, n in parts)


def _totals(stats: Mapping[str, Any]) -> list[tuple[str, str]]:
    get = stats.get
    rows = [("pages fetched", str(_sum(stats, "micnews/status/")))]
    rows += [(f"pages {c}", str(get(f"micnews/status/{c}", 0))) for c in STATUS_CLASSES]
    rows += [
        ("retries", str(get("retry/count", 0))),
        ("fetch failures (after retries)", str(_sum(stats, "micnews/fetch_failed/"))),
        ("robots.txt forbidden", str(get("robotstxt/forbidden", 0))),
        ("off-site dropped", str(get("offsite/filtered", 0) + get("micnews/offsite_dropped", 0))),
        ("trap dropped", str(get("micnews/trap_dropped", 0))),
        ("known articles skipped", str(get("micnews/skipped_known", 0))),
    ]
    reasons = _reasons(stats, "micnews/not_article/")
    rows.append(("not articles", str(get("micnews/not_article", 0))
                 + (f" ({reasons})" if reasons else "")))
    rows += [
        ("boilerplate removed (blocks)", str(_sum(stats, "micnews/removed/"))),
        ("older than --since", str(get("micnews/older_than_since", 0))),
        ("duplicates dropped", str(get("micnews/duplicates_dropped", 0))),
        ("articles written", str(get("micnews/articles_written", 0))),
        ("errors logged", str(get("log_count/ERROR", 0))),
    ]
    return rows


def _site_rows(stats: Mapping[str, Any], site: str) -> list[tuple[str, str]]:
    prefix = f"micnews/site/{site}/"
    rows = [(f"  pages {c}", str(stats.get(f"{prefix}status/{c}", 0))) for c in STATUS_CLASSES]
    rows += [("  trap dropped", str(stats.get(f"{prefix}trap_dropped", 0))),
             ("  articles written", str(stats.get(f"{prefix}articles_written", 0)))]
    return rows


# More rows (e.g. per-site extraction health) are added by appending a function of the
# stats to this list; each returns (name, value) rows shown after the totals.
EXTRA_ROWS: list[Callable[[Mapping[str, Any]], list[tuple[str, str]]]] = []


def sites_in(stats: Mapping[str, Any]) -> list[str]:
    """The sites the per-site counters name."""
    return sorted({k.split("/")[2] for k in stats if k.startswith("micnews/site/")})


def summary_rows(stats: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The run summary: totals, extra rows, then one block per site if several."""
    rows = _totals(stats)
    for extra in EXTRA_ROWS:
        rows += extra(stats)
    sites = sites_in(stats)
    if len(sites) > 1:
        for site in sites:
            rows.append((site, ""))
            rows += _site_rows(stats, site)
    return rows
