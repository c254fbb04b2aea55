"""Run reporting: a live progress line on a terminal and a stats JSON file per run."""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet import task

from micnews.cleaners.dataset import locked_temp
from micnews.cleaners.storage import display, locate
from micnews.crawler.diskfull import is_disk_full, stop_for_disk_full
from micnews.crawler.report import summary_rows


class ProgressLine:
    """Rewrites one stderr line every second (only when stderr is a terminal)."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressLine:
        ext = cls(crawler)
        if crawler.settings.getbool("MICNEWS_PROGRESS") and sys.stderr.isatty():
            crawler.signals.connect(ext.opened, signal=signals.spider_opened)
            crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self) -> None:
        self.loop = task.LoopingCall(self.show)
        self.loop.start(1.0, now=False)

    def show(self) -> None:
        get = self.stats.get_value
        minutes = max(time.monotonic() - self.started, 1e-6) / 60
        pages = get("response_received_count", 0)
        sys.stderr.write(
            f"\r{pages} pages · {get('micnews/articles_written', 0)} articles · "
            f"{get('log_count/ERROR', 0)} errors · {pages / minutes:.0f} pages/min   "
        )
        sys.stderr.flush()

    def closed(self) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        sys.stderr.write("\r\033[K")  # cleared: the summary table comes next
        sys.stderr.flush()


class StatsFile:
    """Writes ``<out>/runs/<start time>.json`` with the final Scrapy stats of the run."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.location = locate(crawler.settings.get("MICNEWS_OUT"))
        self.folder = self.location.write_root() / "runs"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatsFile:
        ext = cls(crawler)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def closed(self, reason: str) -> None:
        stats: dict[str, Any] = dict(self.crawler.stats.get_stats())
        stats["finish_reason"] = reason
        if stats.get("micnews/fetched_nothing") and self.location.remote:
            return  # nothing to report, and nothing is left behind (see runrules)
        stats["summary"] = dict(summary_rows(stats))
        start = stats.get("start_time") or datetime.now(UTC)
        # unique per process: distributed workers on several machines share this folder
        path = self.folder / f"{start:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.json"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with locked_temp(path) as (tmp, fd):  # a kill leaves it to sweep_temp_files
                os.write(fd, json.dumps(stats, default=str, indent=2, sort_keys=True)
                         .encode("utf-8"))
                os.replace(tmp, path)
        except OSError as exc:  # the temp file is gone; a full disk is said once
            if not is_disk_full(exc):
                raise
            stop_for_disk_full(self.crawler, self.folder, exc)
            return
        self.location.publish(path)  # a remote dataset: upload it
        self.crawler.stats.set_value(
            "micnews/stats_file", display(self.location.out).rstrip("/") + f"/runs/{path.name}"
            if self.location.remote else str(path))
