"""Exponential backoff for retried requests.

Scrapy's RetryMiddleware re-schedules a failed request (5xx, timeout, connection error) at
once; a struggling government server deserves a pause. This downloader middleware holds a
request that is a retry (``meta['retry_times'] = n``) for
``MICNEWS_RETRY_BACKOFF * 2 ** (n - 1)`` seconds, capped by ``MICNEWS_RETRY_BACKOFF_MAX``,
before it is downloaded. Other requests are not delayed. A 429 or 503 answer with a
``Retry-After`` header (seconds or an HTTP date) makes its retry wait at least that long,
up to ``MICNEWS_RETRY_AFTER_MAX`` (an archive that rate-limits says when to come back).
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater


def backoff_delay(retry_times: int, base: float, cap: float) -> float:
    """Seconds to wait before retry number ``retry_times`` (1, 2, ...): base, 2·base, 4·base…"""
    if retry_times <= 0 or base <= 0:
        return 0.0
    return min(cap, base * 2 ** (retry_times - 1))


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float:
    """A ``Retry-After`` value (delta-seconds or an HTTP date) in seconds; 0 if unusable."""
    if not value:
        return 0.0
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryBackoffMiddleware:
    """Downloader middleware: wait before a retried request goes out."""

    def __init__(self, crawler: Crawler) -> None:
        self.base = crawler.settings.getfloat("MICNEWS_RETRY_BACKOFF")
        self.cap = crawler.settings.getfloat("MICNEWS_RETRY_BACKOFF_MAX")
        self.after_cap = crawler.settings.getfloat("MICNEWS_RETRY_AFTER_MAX")
        if self.base <= 0:
            raise NotConfigured("MICNEWS_RETRY_BACKOFF is 0")
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryBackoffMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        """Before RetryMiddleware: its retry (a copy of ``request``) keeps the wait asked."""
        if response.status in (429, 503):
            after = retry_after_seconds(
                (response.headers.get(b"Retry-After") or b"").decode("latin-1"))
            if after:
                request.meta["micnews_retry_after"] = min(after, self.after_cap)
                self.stats.inc_value("micnews/retry_after")
        return response

    async def process_request(self, request: Request) -> None:
        delay = backoff_delay(request.meta.get("retry_times", 0), self.base, self.cap)
        if request.meta.get("retry_times"):
            delay = max(delay, request.meta.pop("micnews_retry_after", 0.0))
        if delay:
            from twisted.internet import reactor  # the one Scrapy installed, not a default

            self.stats.inc_value("micnews/retry_backoff_seconds", delay)
            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
        return None
