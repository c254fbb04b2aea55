"""Issue 6, distributed crawling on a real Redis: a seed, worker processes sharing the
queue, and a worker killed with SIGKILL whose requests another worker finishes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
import redis

from micnews.cleaners.dataset import load
from micnews.crawler.demo.server import SiteServer
from micnews.crawler.state import CrawlState
from micnews.crawler.state_redis import RedisCrawlState
from micnews.crawler.urls import canonical_url
from tests.conftest import ROOT, SITES_DIR
from tests.helpers import free_port

pytestmark = pytest.mark.e2e  # crawls or the micnews command in subprocesses

FAST = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False",
        "--set", "CONCURRENT_REQUESTS=1",  # one page at a time per worker: the work is shared
        "--set", "MICNEWS_REDIS_HEARTBEAT_SECONDS=1", "--set", "MICNEWS_REDIS_WORKER_TTL=3"]


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory) -> Iterator[int]:
    """A throwaway redis-server on a free loopback port; yields the port."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed (.ci/run installs it)")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    folder = tmp_path_factory.mktemp("redis")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.05)
    yield port
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def redis_url(redis_server) -> Iterator[str]:
    """An empty Redis database for one test."""
    client = redis.Redis(port=redis_server)
    client.flushall()
    yield f"redis://127.0.0.1:{redis_server}/0"
    client.flushall()


@pytest.fixture
def sites(fixture_expected) -> Iterator[dict[str, SiteServer]]:
    """Every fixture site on its own port, each answer a little slow so workers overlap."""
    servers = {p.name: SiteServer(p) for p in sorted(SITES_DIR.iterdir()) if p.is_dir()}
    for server in servers.values():
        server.delay = 0.15
        server.start()
    yield servers
    for server in servers.values():
        server.stop()


def _targets(sites: dict[str, SiteServer]) -> list[str]:
    return [s.base_url + "/" for s in sites.values()]


def _expected_urls(sites, fixture_expected) -> set[str]:
    return {canonical_url(sites[name].base_url + path)
            for name, articles in fixture_expected.items() for path in articles}


def _dataset_urls(out: Path) -> list[str]:
    return [canonical_url(u) for u in load(out).to_table(columns=["url"]).column("url").to_pylist()]


def _claim_keys(client: redis.Redis) -> list[bytes]:
    """Every worker's claims: in flight, and processed but not yet committed."""
    return [*client.scan_iter("micnews:*:inflight:*"), *client.scan_iter("micnews:*:done:*")]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "micnews.crawler.cli", "crawl", *args]


def _seed(redis_url: str, sites, out: Path) -> None:
    seeded = subprocess.run(_cli("--redis", redis_url, "--seed", *_targets(sites),
                                 "--out", str(out)),
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert seeded.returncode == 0, seeded.stderr[-2000:]
    assert "queued" in seeded.stderr


def _worker(redis_url: str, sites, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        _cli("--redis", redis_url, *_targets(sites), "--out", str(out), *FAST, *extra),
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _finish(proc: subprocess.Popen) -> str:
    output, _ = proc.communicate(timeout=180)
    assert proc.returncode == 0, output[-3000:]
    return output


def _wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def _fetches(sites) -> Counter[str]:
    """Requests per URL across the sites, robots.txt aside (each process reads its own)."""
    return Counter(server.base_url + target for server in sites.values()
                   for _method, target, _status in server.requests
                   if target != "/robots.txt")


def _workers_key(client: redis.Redis) -> bytes:
    return next(iter(client.scan_iter("micnews:*:workers")), b"")


def _start_workers(redis_url: str, sites, out: Path, workers: list[subprocess.Popen],
                   count: int, *extra: str) -> None:
    """Seed, then start ``count`` workers (into ``workers``) with the sites' answers held
    until every worker has registered: the queue is never empty before the crawl, so no
    worker can stop idle while another is still starting (no race with process start-up)."""
    client = redis.Redis.from_url(redis_url)
    for server in sites.values():
        server.gate.clear()
    try:
        _seed(redis_url, sites, out)
        workers.extend(_worker(redis_url, sites, out, *extra) for _ in range(count))
        _wait_for(lambda: _workers_key(client)
                  and client.scard(_workers_key(client)) == count, seconds=120)
    finally:
        for server in sites.values():
            server.gate.set()


def two_workers_crawl(redis_url: str, sites, out) -> list[str]:
    """Start two workers on a seeded queue, both up before any site answers; their logs."""
    idle = ["--set", "MICNEWS_REDIS_IDLE_SECONDS=5"]
    workers: list[subprocess.Popen] = []
    try:
        _start_workers(redis_url, sites, out, workers, 2, *idle)
        return [_finish(w) for w in workers]
    finally:
        for w in workers:
            w.kill()
            w.wait()


def test_seed_then_two_workers_share_the_crawl(redis_url, sites, fixture_expected, tmp_path):
    out = tmp_path / "out"
    client = redis.Redis.from_url(redis_url)
    logs = two_workers_crawl(redis_url, sites, out)

    urls = _dataset_urls(out)
    assert sorted(urls) == sorted(_expected_urls(sites, fixture_expected)), \
        "every article exactly once"
    fetched = _fetches(sites)
    assert fetched and max(fetched.values()) == 1, \
        [u for u, n in fetched.items() if n > 1]
    parquet_runs = {p.name.split("-")[1] + p.name.split("-")[2]
                    for p in (out / "articles").rglob("*.parquet")}
    warcs = list((out / "warc").glob("*.warc.gz"))
    assert len(parquet_runs) == 2 and len(warcs) == 2, ("both workers wrote files", logs)
    assert not _claim_keys(client), "no claim left behind"
    assert client.zcard(next(iter(client.scan_iter("micnews:*:requests")), b"x")) == 0


def test_a_worker_killed_midway_loses_nothing(redis_url, sites, fixture_expected, tmp_path):
    out = tmp_path / "out"
    client = redis.Redis.from_url(redis_url)
    _seed(redis_url, sites, out)
    expected = _expected_urls(sites, fixture_expected)
    victim = _worker(redis_url, sites, out, "--set", "MICNEWS_BATCH_SIZE=1")
    try:
        def midway() -> bool:
            articles = [u for u in _fetches(sites) if canonical_url(u) in expected]
            claims = sum(client.hlen(k) for k in _claim_keys(client))
            return len(articles) >= 3 and claims > 0
        _wait_for(midway)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
    finally:
        victim.kill()
        victim.wait()
    assert victim.returncode == -signal.SIGKILL
    lost = sum(client.hlen(k) for k in _claim_keys(client))
    assert lost > 0, "the kill left requests in flight"
    partial = _dataset_urls(out) if (out / "articles").exists() else []
    assert len(partial) < len(expected), "killed before the end"

    rescuer = _worker(redis_url, sites, out, "--set", "MICNEWS_REDIS_IDLE_SECONDS=2")
    _finish(rescuer)
    urls = _dataset_urls(out)
    assert sorted(urls) == sorted(expected), "nothing lost, no duplicates"
    ds.dataset(out / "articles", format="parquet").to_table()  # every file readable
    stats = [p.read_text() for p in (out / "runs").glob("*.json")]
    assert len(stats) == 1 and f'"micnews/redis_requeued": {lost}' in stats[0], \
        "the rescuer requeued the dead worker's requests"
    assert not _claim_keys(client)


@pytest.mark.parametrize("store", ["sqlite", "redis"])
def test_both_crawl_states_answer_alike(store, request, tmp_path):
    state = CrawlState(tmp_path / "state.sqlite") if store == "sqlite" \
        else RedisCrawlState(request.getfixturevalue("redis_url"), "t:state")
    assert state.get("http://a.vn/1") is None
    state.seen("http://a.vn/1", "article", etag='"e1"', last_modified="Mon", content_hash="h1")
    row = state.get("http://a.vn/1")
    assert (row["kind"], row["etag"], row["last_modified"], row["content_hash"],
            row["committed"]) == ("article", '"e1"', "Mon", "h1", 0)
    assert not state.is_committed_article("http://a.vn/1")
    state.commit(["http://a.vn/1"], "part-1.parquet")
    assert state.is_committed_article("http://a.vn/1") and state.get("http://a.vn/1")["committed"]
    state.seen("http://a.vn/1", "article", etag='"e2"')  # refetched: hash and commit stay
    assert state.get("http://a.vn/1")["content_hash"] == "h1"
    assert state.is_committed_article("http://a.vn/1")
    state.uncommit("http://a.vn/1")
    assert not state.is_committed_article("http://a.vn/1")
    orphan = tmp_path / "part-2.parquet"  # flushed, never committed (killed in between)
    pq.write_table(pa.table({"url": ["http://a.vn/2"]}), orphan)
    assert state.reconcile([tmp_path / "part-1.parquet", orphan]) == 1
    assert state.reconcile([orphan]) == 0
    assert state.is_committed_article("http://a.vn/2")
    state.set_links("http://a.vn/", ["http://a.vn/1", "http://a.vn/2"])
    state.set_links("http://a.vn/", ["http://a.vn/2", "http://a.vn/3"])
    assert sorted(state.links("http://a.vn/")) == ["http://a.vn/2", "http://a.vn/3"]
    assert state.set_lastmod("http://a.vn/9", "2024-01-01") is False  # unknown URL
    assert state.set_lastmod("http://a.vn/9", "2024-01-01") is False
    assert state.set_lastmod("http://a.vn/9", "2024-02-01") is True
    state.seen("http://a.vn/", "listing")
    assert state.counts() == {"article": 2, "listing": 1, "unknown": 1}
    state.close()


def test_the_first_writer_of_a_text_wins_across_workers(redis_url):
    a, b = RedisCrawlState(redis_url, "t:state"), RedisCrawlState(redis_url, "t:state")
    assert a.claim_first("hash:h1", "http://a.vn/1")
    assert not b.claim_first("hash:h1", "http://a.vn/copy"), "a copy under another URL"
    assert b.claim_first("hash:h1", "http://a.vn/1"), "a refetch of the first URL is no copy"


def test_workers_claim_no_more_than_they_may_run_per_site(redis_url, sites, fixture_expected,
                                                          tmp_path):
    """Three workers at Scrapy's default concurrency (16 at once, 4 per site): a worker
    never holds more in-flight requests of a site than 4 + MICNEWS_REDIS_PREFETCH (2), as
    seen in Redis all along the crawl and as each worker counted itself."""
    import threading

    from scrapy_redis import picklecompat

    from micnews.cleaners.clean import site_of

    out = tmp_path / "out"
    client = redis.Redis.from_url(redis_url)
    limit = 4 + 2
    seen_max: Counter[tuple[str, str]] = Counter()
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            for key in client.scan_iter("micnews:*:inflight:*"):
                held = Counter(site_of(picklecompat.loads(v)["url"])
                               for v in client.hvals(key))
                for site, n in held.items():
                    worker = key.decode().rsplit(":", 1)[1]
                    seen_max[(worker, site)] = max(seen_max[(worker, site)], n)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    shared = ["--set", "CONCURRENT_REQUESTS=16", "--set", "MICNEWS_REDIS_IDLE_SECONDS=8"]
    workers: list[subprocess.Popen] = []
    try:
        _start_workers(redis_url, sites, out, workers, 3, *shared)
        logs = [_finish(w) for w in workers]
    finally:
        stop.set()
        watcher.join(timeout=10)
        for w in workers:
            w.kill()
            w.wait()
    assert (out / "articles").exists(), "\n=====\n".join(logs)
    assert sorted(_dataset_urls(out)) == sorted(_expected_urls(sites, fixture_expected))
    assert seen_max and max(seen_max.values()) <= limit, seen_max
    import json

    counted = [json.loads(p.read_text()).get("micnews/redis_max_claims_per_site", -1)
               for p in (out / "runs").glob("*.json")]
    assert len(counted) == 3 and all(0 <= n <= limit for n in counted), counted
    assert not _claim_keys(client)
