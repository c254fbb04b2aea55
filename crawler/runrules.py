"""The run rules, the same for ``micnews crawl``, ``scrapy crawl`` and a scrapyd job.

:class:`RunRules` (an extension the add-on enables first) takes the per-site lock before
anything opens (another run of a site: the crawl does not start, exit 75), decides the
run's exit code when the spider closes (``micnews/exit_code``, see
:mod:`micnews.crawler.exitcodes`) and, when the run fetched nothing, removes what it
created in the output folder. :class:`UnreachableSiteMiddleware` ends the run at once
when every site failed on its entry points with an error retries cannot mend (DNS
failure, connection refused, TLS handshake), with one message naming cause and host.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

from micnews.cleaners.clean import site_of
from micnews.cleaners.storage import locate
from micnews.crawler.diskfull import STAT as DISK_FULL
from micnews.crawler.diskfull import is_disk_full
from micnews.crawler.exitcodes import (
    EXIT_DISK_FULL,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_USAGE,
)
from micnews.crawler.lock import AlreadyRunning, SiteLock
from micnews.crawler.profilehealth import EXIT_PROFILE_ROT, rotten
from micnews.crawler.report import pages_reached

logger = logging.getLogger(__name__)

UNREACHABLE = "unreachable"  # the close reason when no site could be reached
FORCED_STOP = "shutdown_forced"  # finish_reason of a run stopped by a second signal


class NoSiteGiven(ValueError):
    """The spider was started without a site."""


def exit_code_of(crawler: Crawler | None, failure: BaseException | None = None) -> int:
    """The exit code of a run: from the error that kept it from starting, else from
    :class:`RunRules`'s verdict in the stats."""
    if failure is not None:
        if isinstance(failure, AlreadyRunning):
            return EXIT_LOCKED
        if isinstance(failure, NoSiteGiven):
            return EXIT_USAGE
        if is_disk_full(failure):
            return EXIT_DISK_FULL
        return EXIT_FAILED
    stats = getattr(crawler, "stats", None)
    code = stats.get_value("micnews/exit_code") if stats is not None else None
    return EXIT_FAILED if code is None else int(code)


def verdict(stats: dict[str, Any], worker: bool = False) -> int:
    """The exit code a finished run's stats call for (see :mod:`micnews.crawler.exitcodes`):
    74 the disk filled up, 3 interrupted (what was written stays), 4 finished but a site's
    family profile no longer fits it, 0 finished, 1 nothing could be fetched."""
    reason = stats.get("finish_reason", "")
    if stats.get(DISK_FULL):
        return EXIT_DISK_FULL
    if reason in ("shutdown", FORCED_STOP):
        return EXIT_INTERRUPTED
    if rotten(stats):
        return EXIT_PROFILE_ROT
    if worker and reason == "finished":
        return EXIT_OK  # the shared queue ran dry: no failure
    return EXIT_OK if _fetched(stats) else EXIT_FAILED


def _fetched(stats: dict[str, Any]) -> bool:
    """Did the run reach a page (robots.txt answers aside), or find its pages known?"""
    return pages_reached(stats) > 0 or bool(stats.get("micnews/skipped_known"))


class RunRules:
    """Extension: site lock, exit code and clean-up of a run that fetched nothing."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.sites = list(getattr(crawler.spider, "sites", None) or [])
        if hasattr(crawler.spider, "sites") and not self.sites:
            raise NoSiteGiven("no site to crawl: pass -a site=NAME_OR_URL")
        self.worker = bool(settings.get("MICNEWS_REDIS_URL"))
        location = locate(settings.get("MICNEWS_OUT"))
        self.folder: Path | None = None if location.remote else location.staging
        self.existed = self._entries()
        self.locks = ExitStack()
        if settings.getbool("MICNEWS_SITE_LOCK") and not self.worker:
            try:  # a remote dataset: the locks live in its local staging folder
                for site in self.sites:
                    self.locks.enter_context(SiteLock(location.staging,
                                                      urlsplit(site.root).netloc))
            except AlreadyRunning:
                self.locks.close()
                self._clean_up()
                raise
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRules:
        return cls(crawler)

    def _entries(self) -> set[str] | None:
        if self.folder is None or not self.folder.is_dir():
            return None
        return {p.name for p in self.folder.iterdir()}

    def spider_closed(self, reason: str) -> None:
        stats = self.crawler.stats
        values = {**stats.get_stats(), "finish_reason": reason}
        code = verdict(values, self.worker)
        fetched = _fetched(values)
        if code == EXIT_FAILED and not stats.get_value("micnews/error"):
            stats.set_value("micnews/error", stats.get_value("micnews/robots_unknown_error")
                            or "no page could be fetched")
        stats.set_value("micnews/exit_code", code)
        stats.set_value("micnews/fetched_nothing", not fetched)

    def engine_stopped(self) -> None:
        self.locks.close()
        if self.crawler.stats.get_value("micnews/fetched_nothing"):
            self._clean_up()

    def _clean_up(self) -> None:
        """Remove what this run created in the output folder (it fetched nothing).

        The folder may be shared: distributed workers, or runs of other sites, write into
        it at the same time, and a run refused by a site's lock starts while the holder is
        writing. So nothing is removed in worker mode or while another run holds a lock
        there, and an entry that holds dataset files (written by someone else, since this
        run fetched nothing) is always kept."""
        if self.folder is None or not self.folder.is_dir() or self.worker \
                or locks_held(self.folder):
            return
        before = self.existed or set()
        for path in self.folder.iterdir():
            if path.name in before or holds_data(path):
                continue
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() \
                else path.unlink(missing_ok=True)
        if self.existed is None and not any(self.folder.iterdir()):
            self.folder.rmdir()


DATA_SUFFIXES = (".parquet", ".warc.gz", ".warc")  # what a run that fetched nothing never writes


def holds_data(path: Path) -> bool:
    """Whether ``path`` is, or holds, a dataset or archive file."""
    if path.is_file():
        return path.name.endswith(DATA_SUFFIXES)
    return path.is_dir() and any(p.name.endswith(DATA_SUFFIXES) for p in path.rglob("*"))


def locks_held(folder: Path) -> bool:
    """Whether another process holds a site lock in ``folder/locks`` right now."""
    for lock in (folder / "locks").glob("*.lock"):
        try:
            fd = os.open(lock, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)  # closing drops a lock this probe may have taken
    return False


def unrecoverable_cause(exc: BaseException) -> tuple[str, str] | None:
    """("DNS lookup failed" | "connection refused" | "TLS handshake failed", detail), or
    None for an error a retry may mend (timeouts, resets)."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo and len(seen) < 20:
        e = todo.pop()
        seen.append(e)
        todo.extend(x for x in (e.__cause__, e.__context__) if x is not None)
        for reason in getattr(e, "reasons", None) or []:  # twisted ResponseNeverReceived
            if isinstance(getattr(reason, "value", None), BaseException):
                todo.append(reason.value)
    for e in seen:
        name, module = type(e).__name__, type(e).__module__
        if name in ("CannotResolveHostError", "DNSLookupError"):
            return "DNS lookup failed", ""
        if name in ("DownloadConnectionRefusedError", "ConnectionRefusedError"):
            return "connection refused", ""
        if module.startswith("OpenSSL") or "SSL" in name or "TLS" in name \
                or "certificate" in str(e).lower():
            return "TLS handshake failed", _openssl_reason(e)
    return None


def _openssl_reason(e: BaseException) -> str:
    """"wrong version number" from OpenSSL's [(lib, func, reason)] list, else the text."""
    first = e.args[0] if e.args else None
    if isinstance(first, list) and all(isinstance(t, tuple) and t for t in first):
        return ", ".join(str(t[-1]) for t in first if t[-1])
    return str(e).splitlines()[0][:160] if str(e) else ""


class UnreachableSiteMiddleware:
    """Downloader middleware (before retries): a site whose first fetches fail on DNS,
    a refused connection or TLS is down; once every site is down, the run ends."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.answered: set[str] = set()
        self.down: dict[str, tuple[str, str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UnreachableSiteMiddleware:
        return cls(crawler)

    def _sites(self) -> set[str]:
        return {site_of(s.root) for s in getattr(self.crawler.spider, "sites", [])}

    def process_response(self, request: Request, response: Response) -> Response:
        self.answered.add(site_of(request.url))
        return response

    def process_exception(self, request: Request, exception: Exception) -> Any:
        site = site_of(request.url)
        found = None if site in self.answered else unrecoverable_cause(exception)
        if found is None:
            return None
        cause, detail = found
        host = urlsplit(request.url).hostname or site
        self.down.setdefault(site, (cause + (f" ({detail})" if detail else ""), host))
        self.crawler.stats.inc_value("micnews/unreachable")
        sites = self._sites()
        if sites and sites <= set(self.down) and not self.answered & sites:
            stats = self.crawler.stats
            if not stats.get_value("micnews/error"):
                stats.set_value("micnews/error", "cannot reach " + "; ".join(
                    f"{h}: {c}" for c, h in (self.down[s] for s in sorted(sites))))
                from twisted.internet import reactor

                # after this errback: closing cancels the requests still waiting
                reactor.callLater(0, self._close)
        raise IgnoreRequest(f"{cause}: {host}")

    def _close(self) -> None:
        from scrapy.utils.defer import deferred_from_coro

        engine = self.crawler.engine
        if engine.spider is not None and getattr(engine, "_slot", None) is not None \
                and engine._slot.closing is None:
            deferred_from_coro(engine.close_spider_async(reason=UNREACHABLE))
