"""When a response was received: stamped once, read by whoever needs it.

:class:`FetchTimeMiddleware` (the downloader middleware next to the download handler)
stamps every response as it comes back, before any other middleware sees it. The WARC
writer (``WARC-Date``) and the spiders (the dataset's ``fetched_at``) read that one stamp
through :func:`fetched_at`; neither keeps a clock of its own, so a row and its WARC record
agree and ``micnews reclean`` rebuilds the same row. The stamp is whole seconds, since
``WARC-Date`` is written to the second.
"""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy.http import Request, Response

META_KEY = "micnews_fetched_at"  # set here only; Scrapy copies it into redirected/retried requests


def now() -> datetime:
    """This instant, aware UTC, to the second (the precision of ``WARC-Date``)."""
    return datetime.now(UTC).replace(microsecond=0)


def fetched_at(fetched: Request | Response) -> datetime:
    """When the response was received, given it (the spiders) or its request (downloader
    middlewares: the response is tied to its request only after them). Stamped by
    :class:`FetchTimeMiddleware`; a response it did not see (the middleware disabled) is
    stamped at its first read, so every later reader gets the same time."""
    return fetched.meta.setdefault(META_KEY, now())


class FetchTimeMiddleware:
    """Downloader middleware (990, closest to the download handler): each response
    received is stamped with the time it arrived. A redirect or retry gets its own
    stamp: a request copies the meta of the one before it, so the stamp is overwritten."""

    def process_response(self, request: Request, response: Response) -> Response:
        request.meta[META_KEY] = now()
        return response
