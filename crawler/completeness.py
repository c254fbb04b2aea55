"""A page not received whole is a failed fetch, never an article.

Scrapy hands on what arrived when a close-delimited body ends early (flag ``partial``)
or, with ``DOWNLOAD_FAIL_ON_DATALOSS`` off, when a body is shorter than its
``Content-Length`` (flag ``dataloss``), and its gzip decoder returns as much text as a
cut stream holds. This downloader middleware sits between the download and
``HttpCompressionMiddleware`` (590), so it sees the body as sent, and checks:

* the body is as long as ``Content-Length`` promised;
* a gzip or deflate body ends with its end-of-stream marker (gzip: trailer with a CRC
  and length that match what was decoded).

A body that fails is retried like a connection error (``RETRY_TIMES``, stats
``retry/reason_count/micnews.truncated_body``); once the retries are spent it is one
``fetch failed`` log line, ``micnews/fetch_failed/truncated_body``, and the request is
dropped: nothing is archived, written or committed, so the next run fetches it again.
"""

from __future__ import annotations

import logging
import zlib

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

logger = logging.getLogger(__name__)
_CHUNK = 1 << 16
_GZIP_MAGIC = b"\x1f\x8b"


def _stream_ends(body: bytes, wbits: int, max_size: int) -> bool | None:
    """True when ``body`` is one or more whole compressed streams, False when cut or
    corrupt, None when decoding would pass ``max_size`` (the size limit decides then)."""
    data, size = body, 0
    while True:
        inflater = zlib.decompressobj(wbits)
        try:
            while data:
                size += len(inflater.decompress(data, _CHUNK))
                if max_size and size > max_size:
                    return None
                data = inflater.unconsumed_tail
                if inflater.eof:
                    break
        except zlib.error:
            return False
        if not inflater.eof:
            return False
        data = inflater.unused_data
        if not (wbits == 31 and data.startswith(_GZIP_MAGIC)):  # no further gzip member
            return True


def body_problem(response: Response, max_size: int = 0) -> str | None:
    """Why ``response`` (its body as sent on the wire) is not whole, or None."""
    flags = set(response.flags)
    if "dataloss" in flags:
        return "connection lost before the end of the body"
    length = response.headers.get(b"Content-Length")
    if length is not None and length.strip().isdigit() and \
            len(response.body) < int(length) and response.request.method != "HEAD":
        return f"{len(response.body)} of {int(length)} bytes received"
    if not response.body:
        return None
    encodings = [e.strip().lower() for e in
                 response.headers.get(b"Content-Encoding", b"").decode("latin-1").split(",")
                 if e.strip()]
    if len(encodings) != 1:
        return None
    if encodings[0] in ("gzip", "x-gzip") and response.body.startswith(_GZIP_MAGIC):
        whole = _stream_ends(response.body, 31, max_size)
    elif encodings[0] == "deflate":  # zlib-wrapped as the RFC says, or raw as IIS sends it
        whole = _stream_ends(response.body, 15, max_size)
        if whole is False:
            whole = _stream_ends(response.body, -15, max_size)
    else:
        return None
    if whole is False:
        return f"{encodings[0]} body cut short or corrupt ({len(response.body)} bytes)"
    return None


class CompleteBodyMiddleware:
    """Downloader middleware (595): retry, then drop, a response whose body is not whole."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE", 0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CompleteBodyMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        problem = body_problem(response, request.meta.get("download_maxsize", self.max_size))
        if problem is None:
            return response
        self.stats.inc_value("micnews/truncated_bodies")
        retry = None
        if not request.meta.get("dont_retry"):
            retry = get_retry_request(request, spider=self.crawler.spider,
                                      reason="micnews.truncated_body",
                                      give_up_log_level="DEBUG")  # our line says it
        if retry is not None:
            return retry
        self.stats.inc_value("micnews/fetch_failed/truncated_body")
        logger.warning("fetch failed: %s: %s (truncated_body)", request.url, problem)
        raise IgnoreRequest(f"fetch failed: {request.url}: {problem}")
