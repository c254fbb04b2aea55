"""Distributed crawl speed-up: 1 worker vs 3 workers on one server-slowed site (issue 14).

Usage::

    python bench/distributed_speedup.py                      # 150 articles, 0.5 s per answer
    python bench/distributed_speedup.py --pages 60 --delay 0.3   # quick

One run, same machine, same site, real Redis (a throwaway ``redis-server`` on a free
loopback port): the synthetic NukeViet site of ``bench/speed_crawl.py`` (the demo site plus
``--pages`` distinct articles listed in its sitemap) is served on 127.0.0.1 by the demo
``SiteServer`` with ``--delay`` seconds before every answer (a slow portal: the server,
not the crawler, bounds the rate). For N = 1, then 3: an empty Redis database and
dataset, N ``micnews crawl --redis`` workers with the shipped politeness limits
(``CONCURRENT_REQUESTS_PER_DOMAIN=4``, ``CONCURRENT_REQUESTS=16``,
``MICNEWS_REDIS_PREFETCH=2``, heartbeat 5 s, queue poll 0.25 s; only ``DOWNLOAD_DELAY=0``
and AutoThrottle off, so the delay is the server's; ``--set NAME=VALUE`` adds more),
started and registered, then ``--seed``. The crawl time runs from
the seed until the shared queue and every worker's claims are empty (Redis polled every
50 ms); the workers' idle wait before they exit is not counted. Reported: seconds, pages
per second, the speed-up, and the split (articles written per worker, from each
worker's ``runs/*.json``, and its ``micnews/redis_max_claims_per_site``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from bench.speed_crawl import build_site  # noqa: E402
from micnews.crawler.demo.server import SiteServer  # noqa: E402

WORKER_SETTINGS = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False",
                   "MICNEWS_REDIS_IDLE_SECONDS=20"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(folder: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(400):
        try:
            client.ping()
            return proc, port
        except redis.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("redis-server did not start")


def crawl(n_workers: int, base_url: str, redis_url: str, out: Path,
          extra: list[str] | None = None) -> dict:
    """One measured crawl with ``n_workers`` workers (``extra``: more NAME=VALUE
    settings); its numbers."""
    client = redis.Redis.from_url(redis_url)
    client.flushall()
    cli = [sys.executable, "-m", "micnews.crawler.cli", "crawl", "--redis", redis_url,
           base_url + "/", "--out", str(out)]
    sets = [x for s in [*WORKER_SETTINGS, *(extra or [])] for x in ("--set", s)]
    workers = [subprocess.Popen(cli + sets, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True) for _ in range(n_workers)]

    def registered() -> int:
        key = next(iter(client.scan_iter("micnews:*:workers")), None)
        return client.scard(key) if key else 0

    while registered() < n_workers:
        dead = [w for w in workers if w.poll() is not None]
        if dead:
            raise SystemExit(f"a worker stopped: {dead[0].communicate()[1][-2000:]}")
        time.sleep(0.05)
    print(f"{n_workers} worker(s) up; seeding", file=sys.stderr)
    seeded = subprocess.run(cli[:-2] + ["--seed", "--out", str(out)], cwd=ROOT,
                            capture_output=True, text=True)
    assert seeded.returncode == 0, seeded.stderr
    started = time.monotonic()
    # the frontier's keys: <base>:workers, <base>:requests (gone from Redis while empty)
    queue = next(iter(client.scan_iter("micnews:*:workers"))).decode()[:-len("workers")] \
        + "requests"
    while True:
        claims = sum(client.hlen(k) for p in ("inflight", "done")
                     for k in client.scan_iter(f"micnews:*:{p}:*"))
        if client.zcard(queue) == 0 and claims == 0:
            break
        if all(w.poll() is not None for w in workers):
            raise SystemExit("every worker stopped before the crawl ended")
        time.sleep(0.05)
    seconds = time.monotonic() - started
    print(f"crawled in {seconds:.1f} s; waiting for the workers to stop", file=sys.stderr)
    for w in workers:
        _, err = w.communicate(timeout=300)
        assert w.returncode == 0, err[-2000:]
    runs = [json.loads(p.read_text()) for p in sorted((out / "runs").glob("*.json"))]
    split = [r.get("micnews/articles_written", 0) for r in runs]
    pages = sum(r.get("response_received_count", 0) for r in runs)
    return {"workers": n_workers, "seconds": seconds, "pages": pages,
            "articles": sum(split), "split": split,
            "max_claims": [r.get("micnews/redis_max_claims_per_site") for r in runs]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=150)
    parser.add_argument("--delay", type=float, default=0.5)
    parser.add_argument("--set", dest="extra", action="append", default=[],
                        metavar="NAME=VALUE", help="another worker setting (repeatable), "
                        "e.g. MICNEWS_REDIS_HEARTBEAT_SECONDS=1")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="micnews-speedup-"))
    try:
        listed = build_site(work / "site", args.pages)
        redis_proc, port = start_redis(work)
        server = SiteServer(work / "site").start()
        server.delay = args.delay
        try:
            results = [crawl(n, server.base_url, f"redis://127.0.0.1:{port}/0", work / f"out{n}",
                             args.extra) for n in (1, 3)]
        finally:
            server.stop()
            redis_proc.terminate()
            redis_proc.wait()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"site: {listed} URLs in the sitemap, {args.delay} s per answer; settings: "
          f"{' '.join([*WORKER_SETTINGS, *args.extra])}")
    print("| workers | seconds | pages | pages/s | articles | articles per worker "
          "| max claims per site |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['workers']} | {r['seconds']:.1f} | {r['pages']} | "
              f"{r['pages'] / r['seconds']:.1f} | {r['articles']} | "
              f"{'/'.join(map(str, r['split']))} | {'/'.join(map(str, r['max_claims']))} |")
    print(f"speed-up, 3 workers vs 1: {results[0]['seconds'] / results[1]['seconds']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
