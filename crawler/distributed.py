"""Distributed crawling: many workers, one frontier and one crawl state in Redis.

``micnews crawl --redis URL --seed TARGETS`` queues the entry requests (home pages and
other start URLs, robots.txt → sitemaps) and exits; ``micnews crawl --redis URL TARGETS``
starts a worker that takes requests from the shared queue until it stays empty (see
:mod:`micnews.crawler.frontier` for claims, heartbeats and the rescue of killed workers). Workers
are given the same targets as the seed: the targets name the queue.

Keys (``MICNEWS_REDIS_PREFIX``, default ``micnews``):

* ``<prefix>:<sites>:requests|dupefilter|workers|alive:*|inflight:*|done:*`` — the frontier of
  one crawl, ``<sites>`` being the crawled sites' keys joined by ``+``;
* ``<prefix>:state:*`` — the crawl state (:mod:`micnews.crawler.state_redis`), shared by every
  crawl into the same dataset.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from micnews.cleaners.dataset import site_key
from micnews.crawler.frontier import PUSH_NEW
from micnews.crawler.sites import Site


class RedisUnavailable(RuntimeError):
    """The Redis server named by ``--redis`` cannot be reached."""


def crawl_key(sites: list[Site], prefix: str = "micnews") -> str:
    """Key prefix of the frontier of a crawl of ``sites`` (the same for every worker)."""
    keys = sorted({site_key(urlsplit(s.root).netloc) for s in sites})
    return f"{prefix}:{'+'.join(keys)}"


def redis_settings(redis_url: str, sites: list[Site], prefix: str = "micnews") -> dict[str, Any]:
    """Scrapy settings that make a crawl a worker of the shared frontier in Redis."""
    base = crawl_key(sites, prefix)
    return {
        # scrapy_redis.scheduler.Scheduler, plus claims that survive a killed worker
        "SCHEDULER": "micnews.crawler.frontier.ClaimingScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_PERSIST": True,  # the queue outlives any one worker
        "SCHEDULER_QUEUE_KEY": f"{base}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{base}:dupefilter",
        "REDIS_URL": redis_url,
        "MICNEWS_REDIS_URL": redis_url,
        "MICNEWS_REDIS_PREFIX": prefix,
        "MICNEWS_REDIS_WORKER": True,
    }


def check_redis(redis_url: str) -> None:
    """Raise :class:`RedisUnavailable` unless ``redis_url`` answers PING."""
    import redis

    try:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=5)
        client.ping()
        client.close()
    except (redis.RedisError, ValueError) as exc:
        raise RedisUnavailable(f"cannot reach Redis at {redis_url}: {exc}") from None


def seed(targets: list[str], redis_url: str, settings: dict[str, Any] | None = None,
         sites_file: str | Path | None = None) -> int:
    """Queue the entry requests of ``targets``; return how many were new.

    When no crawl of these sites is going on (queue empty, no request in flight), a new
    round starts: the seen-request set is cleared first, so listings are read again
    (articles already in the dataset are still skipped by the crawl state).
    """
    from scrapy.crawler import Crawler
    from scrapy_redis.connection import get_redis_from_settings
    from scrapy_redis.dupefilter import RFPDupeFilter
    from scrapy_redis.queue import PriorityQueue

    from micnews.crawler.addon import crawl_settings
    from micnews.crawler.sites import load_sites, resolve_targets
    from micnews.crawler.spiders.news import NewsSpider

    project = crawl_settings(settings)
    sites = resolve_targets(targets, load_sites(sites_file))
    for key, value in redis_settings(redis_url, sites,
                                     project.get("MICNEWS_REDIS_PREFIX")).items():
        project.set(key, value, priority="cmdline")
    crawler = Crawler(NewsSpider, project)
    spider = NewsSpider.from_crawler(crawler, site=",".join(targets),
                                     sites_file=str(sites_file) if sites_file else None)
    server = get_redis_from_settings(project)
    base = project["SCHEDULER_QUEUE_KEY"].removesuffix(":requests")
    queue = PriorityQueue(server, spider, project["SCHEDULER_QUEUE_KEY"])
    seen = RFPDupeFilter(server, project["SCHEDULER_DUPEFILTER_KEY"])
    busy = len(queue) or any(server.hlen(k) for pattern in ("inflight", "done")
                             for k in server.scan_iter(f"{base}:{pattern}:*"))
    if not busy:
        seen.clear()
        from micnews.crawler.state_redis import RedisCrawlState

        state = RedisCrawlState(redis_url, f"{project.get('MICNEWS_REDIS_PREFIX')}:state")
        state.clear_traps()
        state.close()
    push_new = server.register_script(PUSH_NEW)
    added = 0
    for request in spider.entry_requests():
        added += push_new(keys=[seen.key, queue.key],
                          args=[seen.request_fingerprint(request), -request.priority,
                                queue._encode_request(request)])
    server.close()
    return added
