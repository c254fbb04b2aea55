"""Raw archive: every fetched response into gzipped WARC files, and back out as Pages.

The downloader middleware writes a ``request`` and a ``response`` record per fetch
to ``<out>/warc/micnews-<run>-<seq>.warc.gz``, rotating at ``MICNEWS_WARC_MAX_BYTES``.
On a remote dataset (:mod:`micnews.cleaners.storage`) the file is staged locally and uploaded
when it is rotated or closed.
Cookies and credentials are never written. :func:`iter_pages` replays a WARC file
as :class:`~cleaners.record.Page` objects, so the dataset can be rebuilt offline.
"""

from __future__ import annotations

import logging
import os
import uuid
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from micnews.cleaners.record import Page
from micnews.cleaners.storage import Location, locate
from micnews.crawler.diskfull import STAT, is_disk_full, stop_for_disk_full
from micnews.crawler.fetchtime import fetched_at
from micnews.crawler.robots import REUSED

logger = logging.getLogger(__name__)
SECRET_HEADERS = {"cookie", "set-cookie", "authorization", "proxy-authorization"}


class WarcWriterMiddleware:
    """Downloader middleware: archive each response as it arrives."""

    def __init__(self, folder: Path, max_bytes: int, stats: Any,
                 location: Location | None = None, crawler: Crawler | None = None) -> None:
        self.folder = folder
        self.crawler = crawler  # to stop the crawl when the disk is full
        self.location = location  # publishes each finished file (uploads it if remote)
        self.max_bytes = max_bytes
        self.stats = stats
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        self.run_id = f"{stamp}-{uuid.uuid4().hex[:8]}"
        self._seq = 0
        self._fh: Any = None
        self._writer: WARCWriter | None = None
        self._path: Path | None = None  # the file being written, not yet published

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcWriterMiddleware:
        settings = crawler.settings
        location = locate(settings.get("MICNEWS_OUT"))
        mw = cls(
            location.write_root() / "warc",
            settings.getint("MICNEWS_WARC_MAX_BYTES"),
            crawler.stats,
            location,
            crawler,
        )
        from scrapy import signals

        crawler.signals.connect(mw.close, signal=signals.spider_closed)
        return mw

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("micnews_no_archive") or REUSED in response.flags:
            return response  # (robots.txt served again from memory: archived when fetched)
        if self.stats.get_value(STAT):  # the disk is full: the crawl is stopping
            raise IgnoreRequest(f"not archived (disk full): {request.url}")
        start = None
        try:
            writer = self._current()
            start = self._fh.tell()  # every earlier record is flushed: this much is on disk
            self._archive(writer, request, response)
        except OSError as exc:
            # Disk full or failing: half a record would hide every later one from a
            # replay, so cut the file back to its last whole record. The page is dropped
            # (never committed), so the next run fetches it again.
            self.stats.inc_value("micnews/warc_write_errors")
            if start is not None:
                self._cut_back(start)
            if self.crawler is None or not is_disk_full(exc):
                raise
            stop_for_disk_full(self.crawler, self.folder, exc)
            raise IgnoreRequest(f"not archived (disk full): {request.url}") from None
        return response

    def _cut_back(self, size: int) -> None:
        """Close the current file and truncate it to ``size`` (else start a new file)."""
        path = Path(self._fh.name)
        self._close_file()
        try:
            os.truncate(path, size)
        except OSError:
            self._publish()
            self._seq += 1

    def _archive(self, writer: WARCWriter, request: Request, response: Response) -> None:
        # the time the response arrived, as the dataset row has it (fetchtime.py)
        date = fetched_at(request).strftime("%Y-%m-%dT%H:%M:%SZ")
        req_headers = [(k.decode("latin-1"), b", ".join(v).decode("latin-1"))
                       for k, v in request.headers.items()
                       if k.decode("latin-1").lower() not in SECRET_HEADERS]
        path = request.url.split("/", 3)[3] if request.url.count("/") >= 3 else ""
        writer.write_record(writer.create_warc_record(
            request.url, "request",
            http_headers=StatusAndHeaders(f"{request.method} /{path} HTTP/1.1", req_headers,
                                          is_http_request=True),
            warc_headers_dict={"WARC-Date": date},
        ))
        resp_headers = [(k.decode("latin-1"), b", ".join(v).decode("latin-1"))
                        for k, v in response.headers.items()
                        if k.decode("latin-1").lower() not in SECRET_HEADERS]
        # Scrapy has already decoded gzip bodies: say so, or replays would gunzip twice.
        resp_headers = [(k, v) for k, v in resp_headers
                        if k.lower() not in ("content-encoding", "transfer-encoding",
                                             "content-length")]
        writer.write_record(writer.create_warc_record(
            response.url, "response",
            payload=BytesIO(response.body),
            http_headers=StatusAndHeaders(f"{response.status} -", resp_headers,
                                          protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": date},
        ))
        self._fh.flush()
        self.stats.inc_value("micnews/warc_records")
        if self._fh.tell() >= self.max_bytes:
            self._rotate()

    def _current(self) -> WARCWriter:
        if self._writer is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            name = f"micnews-{self.run_id}-{self._seq:05d}.warc.gz"
            self._path = self.folder / name
            self._fh = open(self._path, "ab")  # noqa: SIM115 - closed in _rotate/close
            self._writer = WARCWriter(self._fh, gzip=True)
        return self._writer

    def _rotate(self) -> None:
        self.close()
        self._seq += 1

    def close(self) -> None:
        """Flush and close the current file, then publish it."""
        self._close_file()
        self._publish()

    def _publish(self) -> None:
        path, self._path = self._path, None
        if path is not None and self.location is not None and path.exists():
            self.location.publish(path)

    def _close_file(self) -> None:
        if self._fh is not None:
            fh, self._fh, self._writer = self._fh, None, None
            try:
                fh.close()
            except OSError:  # a full disk may refuse the last bytes too
                if not self.stats.get_value(STAT):  # else: said once already
                    logger.warning("%s: could not be closed cleanly", fh.name)


def iter_pages(path: str | Path) -> Iterator[Page]:
    """The responses of a WARC file as Pages (fetched_at from ``WARC-Date``).

    A file cut short (the crawl was killed mid-write) yields every complete record
    before the cut, then stops with a warning.
    """
    with open(path, "rb") as fh:
        try:
            yield from _pages(fh)
        except (ArchiveLoadFailed, EOFError, OSError, zlib.error) as exc:
            logger.warning("%s: truncated WARC, stopped at the last complete record (%s)",
                           path, exc)


def _pages(fh: Any) -> Iterator[Page]:
    for record in ArchiveIterator(fh):
        if record.rec_type != "response" or record.http_headers is None:
            continue
        headers = {k.lower(): v for k, v in record.http_headers.headers}
        status = int(record.http_headers.get_statuscode() or 0)
        when = record.rec_headers.get_header("WARC-Date")
        fetched = datetime.fromisoformat(when.replace("Z", "+00:00")) if when else None
        yield Page(
            url=record.rec_headers.get_header("WARC-Target-URI"),
            body=record.content_stream().read(),
            headers=headers,
            status=status,
            fetched_at=fetched,
        )
