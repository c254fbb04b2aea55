"""A page that cannot be fetched is one log line, not a traceback.

Connection refused, DNS failure, reset mid-body, timeout, too large: once the retries
are spent (``RetryMiddleware`` sits below this middleware) the failure is logged as
``fetch failed: URL: reason``, counted under ``micnews/fetch_failed/<kind>``, and passed
on as :class:`~scrapy.exceptions.IgnoreRequest`, so errbacks still run and Scrapy does
not print the exception's traceback.
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

logger = logging.getLogger(__name__)


class FetchErrorMiddleware:
    """Downloader middleware: download exceptions become one WARNING line each."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchErrorMiddleware:
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):
            return None
        kind = type(exception).__name__
        reason = str(exception).splitlines()[0][:200] if str(exception) else kind
        self.stats.inc_value(f"micnews/fetch_failed/{kind}")
        logger.warning("fetch failed: %s: %s (%s)", request.url, reason, kind)
        raise IgnoreRequest(f"fetch failed: {request.url}: {reason}") from exception
