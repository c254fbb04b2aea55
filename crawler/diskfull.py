"""A full disk stops the crawl at the first write that fails, and says so in one line.

Every component that writes (the WARC and Parquet writers, the crawl state, the stats
file, the site lock) hands an error it gets to :func:`is_disk_full`; when it is one
(``ENOSPC``, ``EDQUOT``, ``EFBIG``, SQLite's "database or disk is full") the component calls
:func:`stop_for_disk_full`, which records the folder under the stat ``micnews/disk_full``,
logs one line and closes the spider (reason ``disk_full``). Nothing is committed that is
not on disk, so the next run (with room) fetches what this one could not write; the
command exits :data:`~micnews.crawler.exitcodes.EXIT_DISK_FULL`. Errors after the first
are dropped quietly: they are the same full disk.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.defer import _schedule_coro

logger = logging.getLogger(__name__)
_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
STAT = "micnews/disk_full"


class DiskFull(Exception):
    """Raised where no crawl is running yet (lock, state): one line for the user."""

    def __init__(self, folder: str | Path, exc: BaseException) -> None:
        self.folder = str(folder)
        super().__init__(disk_full_message(self.folder, exc))


def is_disk_full(exc: BaseException) -> bool:
    """True for an error that means "no room left" (disk, quota, file size limit)."""
    if isinstance(exc, DiskFull):
        return True
    if isinstance(exc, sqlite3.Error):
        return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL \
            or "disk is full" in str(exc)
    if isinstance(exc, OSError):  # pyarrow's IO errors are OSErrors too, not always with errno
        return exc.errno in _ERRNOS or "No space left on device" in str(exc)
    return False


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def disk_full_message(folder: str, exc: BaseException | str) -> str:
    """The one line a user sees."""
    reason = exc if isinstance(exc, str) else _reason(exc)
    return (f"disk full: cannot write in {folder} ({reason}); what was committed stays, "
            "make room and run again to fetch the rest")


def folder_of(exc: BaseException, default: str | Path) -> str:
    """The folder the failed write was in: the error's file name, else ``default``."""
    name = getattr(exc, "filename", None)
    return str(Path(name).parent) if name else str(default)


def stop_for_disk_full(crawler: Crawler, folder: str | Path, exc: BaseException) -> None:
    """Record the first full-disk error of the run and close the spider (once)."""
    if crawler.stats.get_value(STAT):
        return
    crawler.stats.set_value(STAT, str(folder))
    crawler.stats.set_value("micnews/disk_full_reason", _reason(exc))
    logger.error(disk_full_message(str(folder), exc))
    engine = crawler.engine
    if engine is not None and engine.spider is not None and engine.running:
        _schedule_coro(engine.close_spider_async(reason="disk_full"))


class DiskFullSpiderMiddleware:
    """Spider middleware: a full disk in a callback (the crawl state remembering a sitemap,
    a listing's links) stops the crawl instead of printing a traceback per page."""

    def __init__(self, crawler: Crawler) -> None:
        from micnews.cleaners.storage import locate

        self.crawler = crawler
        self.folder = locate(crawler.settings.get("MICNEWS_OUT")).staging

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiskFullSpiderMiddleware:
        return cls(crawler)

    def process_spider_exception(self, response: Response, exception: Exception) -> Any:
        if not is_disk_full(exception):
            return None
        stop_for_disk_full(self.crawler, folder_of(exception, self.folder), exception)
        return []
