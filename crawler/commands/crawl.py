"""``scrapy crawl`` that exits with micnews's codes (the run rules of
:mod:`micnews.crawler.runrules`): 0 done, 1 nothing fetched, 2 no site, 3 interrupted,
75 another run holds the site's lock — so cron, systemd and scrapyd see failures."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from micnews.crawler.runrules import exit_code_of


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one spider name")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        failures: list[BaseException] = []
        running: Any = self.crawler_process.crawl(crawler, **opts.spargs)
        if hasattr(running, "addErrback"):  # CrawlerProcess: a Deferred
            running.addErrback(lambda f: failures.append(f.value))
        else:  # AsyncCrawlerProcess: an asyncio Task
            running.add_done_callback(
                lambda t: t.cancelled() or t.exception() is None
                or failures.append(t.exception()))
        self.crawler_process.start()
        failure = failures[0] if failures else None
        self.exitcode = exit_code_of(crawler, failure)
        error = str(failure) if failure is not None else \
            (crawler.stats.get_value("micnews/error") if self.exitcode else "")
        if error:
            print(f"error: {str(error).splitlines()[0]}", file=sys.stderr)
