"""Exponential backoff for retried requests.

Scrapy's RetryMiddleware re-schedules a failed request (5xx, timeout, connection error) at
once; a struggling government server deserves a pause. This downloader middleware holds a
request that is a retry (``meta['retry_times'] = n``) for
``MICNEWS_RETRY_BACKOFF * 2 ** (n - 1)`` seconds, capped by ``MICNEWS_RETRY_BACKOFF_MAX``,
before it is downloaded. Other requests are not delayed.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater


def backoff_delay(retry_times: int, base: float, cap: float) -> float:
    """Seconds to wait before retry number ``retry_times`` (1, 2, ...): base, 2·base, 4·base…"""
    if retry_times <= 0 or base <= 0:
        return 0.0
    return min(cap, base * 2 ** (retry_times - 1))


class RetryBackoffMiddleware:
    """Downloader middleware: wait before a retried request goes out."""

    def __init__(self, crawler: Crawler) -> None:
        self.base = crawler.settings.getfloat("MICNEWS_RETRY_BACKOFF")
        self.cap = crawler.settings.getfloat("MICNEWS_RETRY_BACKOFF_MAX")
        if self.base <= 0:
            raise NotConfigured("MICNEWS_RETRY_BACKOFF is 0")
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryBackoffMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        delay = backoff_delay(request.meta.get("retry_times", 0), self.base, self.cap)
        if delay:
            from twisted.internet import reactor  # the one Scrapy installed, not a default

            self.stats.inc_value("micnews/retry_backoff_seconds", delay)
            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
        return None
