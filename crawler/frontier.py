"""The shared frontier of a distributed crawl: scrapy-redis's scheduler plus claims.

scrapy-redis keeps the request queue (a sorted set) and the seen-request set in Redis,
so any number of workers share one frontier. It pops a request when a worker takes
it, so a worker killed with SIGKILL would lose every request it had taken and not
finished. :class:`ClaimingScheduler` closes that gap:

* **claim** — a request leaves the queue and enters the worker's in-flight hash
  ``<key>:inflight:<worker>`` in one Lua script (atomic: a kill cannot fall between);
* **fair share** — a worker holds at most ``CONCURRENT_REQUESTS_PER_DOMAIN`` +
  ``MICNEWS_REDIS_PREFETCH`` in-flight requests per site (what it may run at once there,
  plus a small prefetch), and takes the first queued request of a site under that limit,
  so the queue is shared by every worker instead of hoarded by the first;
* **release** — once the request is fully processed (Scrapy's engine no longer holds
  it: downloaded, callback run, every request it yielded pushed to Redis, every item
  through the pipelines) the entry leaves the in-flight hash; if records it produced
  wait for a Parquet commit it is kept in ``<key>:done:<worker>`` until that commit;
* **poll** — a worker holding nothing looks at the queue every ``MICNEWS_REDIS_POLL_SECONDS``
  and wakes its engine when there is work (Scrapy asks an idle scheduler only every 5 s:
  the workers waiting while the first one reads the sitemap would start seconds late);
* **heartbeat** — each worker refreshes ``<key>:alive:<worker>`` (TTL
  ``MICNEWS_REDIS_WORKER_TTL``) every ``MICNEWS_REDIS_HEARTBEAT_SECONDS``;
* **rescue** — any worker (at start, on each heartbeat) moves the in-flight and done
  entries of workers whose alive key expired back to the queue, in one Lua script per
  dead worker.

A new request is added to the seen set and the queue in one Lua script too, so a kill
cannot mark a URL seen without queueing it. A rescued request may be fetched a second
time (its worker died after fetching it); an article already committed is then skipped
by the crawl state, and two workers holding one URL at once (a request and its retry copy,
both requeued) write it once: the crawl state gives one writer per URL, named by its
heartbeat key (:meth:`~micnews.crawler.state_redis.RedisCrawlState.claim_write`).

The worker stops once the queue and every live worker's in-flight hash stayed empty for
``MICNEWS_REDIS_IDLE_SECONDS`` (checked on each heartbeat while the worker holds nothing).

Adapters for Scrapy 2.13+: scrapy-redis 0.9 passes ``spider=`` to the stats methods and
calls ``Spider.log`` (both deprecated) — the methods overridden here do not; knowing when
the engine is done with a request needs ``engine._slot.inprogress`` (no public API) —
if it is missing, nothing is released before the worker finishes, which is still
correct (a killed worker's requests are all refetched); an idle worker wakes the engine
through ``engine._slot.nextcall`` (if missing, Scrapy's own 5 s poll remains).
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections import Counter
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from micnews.cleaners.clean import site_of
from micnews.crawler.signals import batch_committed

logger = logging.getLogger(__name__)

CLAIM = """
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return false end
local id = redis.sha1hex(ARGV[1])
redis.call('HSET', KEYS[2], id, ARGV[1])
return id
"""
FINISH = """
for i, id in ipairs(ARGV) do
  local d = redis.call('HGET', KEYS[1], id)
  if d then redis.call('HSET', KEYS[2], id, d) end
  redis.call('HDEL', KEYS[1], id)
end
return #ARGV
"""
PUSH_NEW = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""
RESCUE = """
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local n = 0
for _, key in ipairs({KEYS[1], KEYS[5]}) do
  local v = redis.call('HVALS', key)
  for _, d in ipairs(v) do redis.call('ZADD', KEYS[2], 0, d) end
  redis.call('DEL', key)
  n = n + #v
end
redis.call('SREM', KEYS[4], ARGV[1])
return n
"""
WINDOW = 64  # queued requests looked at for one under its site's claim limit


def worker_id() -> str:
    """A name no other worker process has: host, pid and a random suffix."""
    host = socket.gethostname().split(".")[0] or "host"
    return f"{host}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class ClaimingScheduler(Scheduler):
    """scrapy-redis scheduler whose taken requests survive the worker (see module doc)."""

    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClaimingScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        settings = crawler.settings
        scheduler.worker = worker_id()
        scheduler.heartbeat_seconds = settings.getfloat("MICNEWS_REDIS_HEARTBEAT_SECONDS")
        scheduler.worker_ttl = max(1, settings.getint("MICNEWS_REDIS_WORKER_TTL"))
        scheduler.idle_seconds = settings.getfloat("MICNEWS_REDIS_IDLE_SECONDS")
        scheduler.claims = {}
        # requests of one site this worker may hold at once: what it may run on the site
        # plus a small prefetch (more would starve the other workers)
        scheduler.site_limit = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") \
            + settings.getint("MICNEWS_REDIS_PREFETCH")
        scheduler.max_claims = 0
        scheduler.records_waiting = 0
        scheduler._idle_since = None
        scheduler._loop = None
        scheduler.poll_seconds = settings.getfloat("MICNEWS_REDIS_POLL_SECONDS")
        scheduler._poll = None
        scheduler._claim = scheduler.server.register_script(CLAIM)
        scheduler._push_new = scheduler.server.register_script(PUSH_NEW)
        scheduler._rescue = scheduler.server.register_script(RESCUE)
        scheduler._finish = scheduler.server.register_script(FINISH)
        crawler.signals.connect(scheduler._spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(scheduler._item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(scheduler._batch_committed, signal=batch_committed)
        return scheduler

    # -- keys --------------------------------------------------------------------------
    @property
    def base(self) -> str:
        """The crawl's key prefix (the queue key without ``:requests``)."""
        return self.queue_key.removesuffix(":requests")

    def _inflight(self, worker: str) -> str:
        return f"{self.base}:inflight:{worker}"

    def _done(self, worker: str) -> str:
        # processed by the engine, its records not yet in a committed Parquet file
        return f"{self.base}:done:{worker}"

    def _alive(self, worker: str) -> str:
        return f"{self.base}:alive:{worker}"

    # -- lifecycle ---------------------------------------------------------------------
    def open(self, spider: Any) -> None:
        # scrapy-redis's open() without its deprecated ``spider.log`` call
        self.spider = spider
        self.queue = load_object(self.queue_cls)(server=self.server, spider=spider,
                                                 key=self.queue_key, serializer=self.serializer)
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        self._beat()
        self._name_writer()
        self.rescue_dead_workers()
        self._loop = task.LoopingCall(self._tick)
        self._loop.start(self.heartbeat_seconds, now=False)
        if self.poll_seconds > 0:
            self._poll = task.LoopingCall(self._poll_queue)
            self._poll.start(self.poll_seconds, now=False)
        logger.info("worker %s on %s (%d requests queued)", self.worker, self.base,
                    len(self.queue))

    def close(self, reason: str) -> None:
        """Finished: the pipelines have flushed, nothing is in flight. Otherwise (shutdown,
        page limit) give what was taken back to the queue for the other workers."""
        for loop in (self._loop, self._poll):
            if loop is not None and loop.running:
                loop.stop()
        inflight, done = self._inflight(self.worker), self._done(self.worker)
        if reason != "finished":
            with self.server.pipeline() as pipe:
                for data in [*self.server.hvals(inflight), *self.server.hvals(done)]:
                    pipe.zadd(self.queue.key, {data: 0})
                pipe.execute()
        with self.server.pipeline() as pipe:
            pipe.delete(inflight, done, self._alive(self.worker))
            pipe.srem(f"{self.base}:workers", self.worker)
            pipe.execute()
        if self.stats:
            self.stats.set_value("micnews/redis_max_claims_per_site", self.max_claims)
        super().close(reason)

    def _name_writer(self) -> None:
        # the crawl state's one-writer-per-URL claims name this worker by its heartbeat key
        # (a claim whose key expired belongs to a dead worker: see RedisCrawlState.claim_write)
        from micnews.crawler.stateowner import state_of

        state = state_of(self.crawler)
        if state is not None and hasattr(state, "writer_key"):
            state.writer_key = self._alive(self.worker)

    # -- queue -------------------------------------------------------------------------
    def enqueue_request(self, request: Request) -> bool:
        """Add to the seen set and the queue at once; False when seen before."""
        data = self.queue._encode_request(request)
        score = -request.priority
        if request.dont_filter:
            self.server.zadd(self.queue.key, {data: score})
        elif not self._push_new(keys=[self.df.key, self.queue.key],
                                args=[self.df.request_fingerprint(request), score, data]):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        """Take the first queued request of a site this worker holds fewer than
        ``site_limit`` claims of, and record it as this worker's claim."""
        self.release_processed()
        held = Counter(site_of(r.url) for r in self.claims.values())
        sites = {site_of(s.root) for s in getattr(self.spider, "sites", [])}
        if sites and all(held[s] >= self.site_limit for s in sites):
            return None  # full on every site: leave the queue to the other workers
        for data in self.server.zrange(self.queue.key, 0, WINDOW - 1):
            request = self.queue._decode_request(data)
            site = site_of(request.url)
            if held[site] >= self.site_limit:
                continue
            claim = self._claim(keys=[self.queue.key, self._inflight(self.worker)], args=[data])
            if not claim:
                continue  # another worker took it first
            self.claims[claim.decode() if isinstance(claim, bytes) else claim] = request
            self.max_claims = max(self.max_claims, held[site] + 1)
            if self.stats:
                self.stats.inc_value("scheduler/dequeued/redis")
            self._idle_since = None
            return request
        return None

    # -- claims ------------------------------------------------------------------------
    def _in_progress(self) -> set[Request] | None:
        slot = getattr(self.crawler.engine, "_slot", None)
        return getattr(slot, "inprogress", None)

    def release_processed(self) -> int:
        """Requests the engine is done with leave the in-flight hash: deleted when no
        record waits for a commit, else kept in the done hash until the next commit."""
        busy = self._in_progress()
        if busy is None:
            return 0
        done = [c for c, r in self.claims.items() if r not in busy]
        if done:
            if self.records_waiting:
                self._finish(keys=[self._inflight(self.worker), self._done(self.worker)],
                             args=done)
            else:
                self.server.hdel(self._inflight(self.worker), *done)
            for claim in done:
                del self.claims[claim]
        return len(done)

    def _item_scraped(self, item: Any) -> None:
        from micnews.cleaners.record import Record

        if isinstance(item, Record):
            self.records_waiting += 1

    def _batch_committed(self) -> None:
        # Every request the engine finished before now had its records in this batch.
        self.records_waiting = 0
        self.server.delete(self._done(self.worker))
        self.release_processed()

    # -- heartbeat and rescue ----------------------------------------------------------
    def _beat(self) -> None:
        with self.server.pipeline() as pipe:
            pipe.set(self._alive(self.worker), str(time.time()), ex=self.worker_ttl)
            pipe.sismember(f"{self.base}:workers", self.worker)
            pipe.sadd(f"{self.base}:workers", self.worker)
            _, member, _ = pipe.execute()
        if self._loop is not None and not member:
            logger.warning("worker %s was taken for dead (heartbeat older than %d s): its "
                           "requests were requeued", self.worker, self.worker_ttl)

    def _tick(self) -> None:
        try:
            self._beat()
            if self.records_waiting == 0:
                self.release_processed()
            self.rescue_dead_workers()
            self._wake_engine()
        except Exception:  # a Redis hiccup must not stop the heartbeat loop
            logger.exception("heartbeat of worker %s failed", self.worker)

    def _poll_queue(self) -> None:
        """A worker holding nothing takes queued work now, not at the engine's next 5 s
        poll (one ZCARD per poll while idle)."""
        if self.claims:
            return  # busy: the engine asks again as each request finishes
        try:
            if self.server.zcard(self.queue.key):
                self._wake_engine()
        except Exception:  # a Redis hiccup: the heartbeat reports lasting trouble
            logger.debug("queue poll of worker %s failed", self.worker, exc_info=True)

    def _wake_engine(self) -> None:
        # Scrapy asks an idle scheduler again only every 5 s; a waiting worker asks on each
        # heartbeat instead, to take new work (and to notice the crawl ended) sooner.
        slot = getattr(self.crawler.engine, "_slot", None)
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None and not self.claims:
            nextcall.schedule()

    def rescue_dead_workers(self) -> int:
        """Requeue the in-flight requests of workers whose heartbeat expired."""
        moved = 0
        for raw in self.server.smembers(f"{self.base}:workers"):
            other = raw.decode() if isinstance(raw, bytes) else raw
            if other == self.worker:
                continue
            n = self._rescue(keys=[self._inflight(other), self.queue.key, self._alive(other),
                                   f"{self.base}:workers", self._done(other)], args=[other])
            if n >= 0:
                logger.warning("worker %s is gone: requeued its %d requests", other, n)
                moved += n
        if moved:
            self._reconcile()
            if self.stats:
                self.stats.inc_value("micnews/redis_requeued", moved)
        return moved

    def _reconcile(self) -> None:
        # A dead worker may have renamed a Parquet file and died before committing its
        # URLs: commit them now, so the requeued articles in it are skipped, not rewritten.
        from micnews.cleaners.dataset import data_files
        from micnews.cleaners.storage import locate
        from micnews.crawler.stateowner import state_of

        settings = self.crawler.settings
        out = settings.get("MICNEWS_OUT")
        # A remote dataset is not listed here (a cost per rescue): an article the dead
        # worker uploaded but never committed is written again; load(dedupe=True) hides it.
        state = state_of(self.crawler)
        if state is not None and not locate(out).remote:
            state.reconcile(data_files(out))

    def work_elsewhere(self) -> bool:
        """True while the queue has requests or another live worker holds some."""
        if len(self.queue):
            return True
        for raw in self.server.smembers(f"{self.base}:workers"):
            other = raw.decode() if isinstance(raw, bytes) else raw
            if other != self.worker and (self.server.hlen(self._inflight(other))
                                         or self.server.hlen(self._done(other))):
                return True
        return False

    def _spider_idle(self) -> None:
        self.rescue_dead_workers()
        if self.records_waiting == 0:
            self.release_processed()
        now = time.monotonic()
        if self.work_elsewhere():
            self._idle_since = None
            raise DontCloseSpider
        if self._idle_since is None:
            self._idle_since = now
        if now - self._idle_since < self.idle_seconds:
            raise DontCloseSpider
