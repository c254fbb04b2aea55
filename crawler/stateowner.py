"""The one owner of a run's crawl state: opened once, handed to components, closed at the end.

:class:`StateOwner` is a Scrapy extension (enabled by the add-on). The spider, the
incremental middleware, the pipelines and the distributed scheduler ask
:func:`state_of` for the run's :class:`~micnews.crawler.state.StateStore` — SQLite beside
the dataset, or Redis when ``MICNEWS_REDIS_URL`` is set — and never open one themselves.
The state opens on the first request for it (after the site lock is taken) and closes
when the spider closes, after the pipelines' last commit.
"""

from __future__ import annotations

from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from micnews.cleaners.dataset import ARTICLES_DIR, data_files
from micnews.cleaners.storage import locate, recover_outboxes
from micnews.crawler.state import CrawlState, StateStore


class StateOwner:
    """Extension: the crawl state of this run (None when ``MICNEWS_INCREMENTAL`` is off)."""

    def __init__(self, crawler: Crawler) -> None:
        self.settings = crawler.settings
        self._state: StateStore | None = None
        self.closed = False
        crawler.signals.connect(self.close, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StateOwner:
        return cls(crawler)

    @property
    def state(self) -> StateStore | None:
        """The run's state, opened on first use."""
        if not self.settings.getbool("MICNEWS_INCREMENTAL"):
            return None
        if self._state is None:
            if self.closed:
                raise RuntimeError("the crawl state of this run is closed")
            self._state = open_state(self.settings)
        return self._state

    def close(self) -> None:
        """Close the state (the spider closed: the pipelines have committed)."""
        self.closed = True
        if self._state is not None:
            self._state.close()
            self._state = None


def state_of(crawler: Crawler) -> StateStore | None:
    """The crawl state of ``crawler``'s run (see :class:`StateOwner`)."""
    for ext in crawler.extensions.middlewares:
        if isinstance(ext, StateOwner):
            return ext.state
    raise RuntimeError("micnews's StateOwner extension is not enabled: add "
                       "'micnews.crawler.addon.Micnews' to the ADDONS setting")


def open_state(settings: BaseSettings) -> StateStore:
    """Open the crawl state of the dataset named by ``MICNEWS_OUT``: SQLite beside the
    dataset (or at ``MICNEWS_STATE``), or Redis when ``MICNEWS_REDIS_URL`` is set.

    URLs of dataset files written after the last commit are committed first (on a remote
    dataset: the files dead processes left in their outboxes, uploaded now).
    """
    location = locate(settings.get("MICNEWS_OUT"))
    state: StateStore
    if settings.get("MICNEWS_REDIS_URL"):
        from micnews.crawler.state_redis import RedisCrawlState

        state = RedisCrawlState(settings["MICNEWS_REDIS_URL"],
                                f"{settings.get('MICNEWS_REDIS_PREFIX')}:state")
    else:
        state = CrawlState(Path(settings.get("MICNEWS_STATE")
                                or location.staging / "state.sqlite").resolve())
    if location.remote:
        recover_outboxes(location, state.reconcile)
        # the local state may be new (another machine, a cleared cache) or behind the
        # dataset: what the dataset holds is in its own Parquet (url, content_hash)
        state.reconcile(data_files(location.out), location.filesystem)
    else:
        state.reconcile(sorted((location.staging / ARTICLES_DIR).rglob("*.parquet")))
    return state
