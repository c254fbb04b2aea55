"""End-to-end crawl rate: ``micnews crawl`` (one worker) against ``scrapy bench``.

Usage::

    /work/venv/bin/python bench/speed_crawl.py                 # 2 000 articles, 20 s bench
    /work/venv/bin/python bench/speed_crawl.py --pages 500 --bench-seconds 10   # quick

Both run as child processes on this machine, one after the other:

* ``scrapy bench`` (Scrapy's own local link-following benchmark, its own server) for
  ``--bench-seconds``; its ``Crawled N pages (at X pages/min)`` lines are parsed.
* ``micnews crawl`` of a synthetic NukeViet site: the demo site ``sotttt-nukeviet`` plus
  ``--pages`` article pages made from its articles (each with its own URL, canonical link
  and one extra sentence, so none is a duplicate), all listed in ``sitemap.xml``. The
  site is served from this process by the demo ``SiteServer`` (a ``ThreadingHTTPServer``)
  on 127.0.0.1, so server and crawler are separate processes as with ``scrapy bench``.
  Settings: ``DOWNLOAD_DELAY=0``, AutoThrottle off, 32 concurrent requests (per domain
  too), robots.txt obeyed, everything else as shipped (crawl state, WARC, Parquet).

Rates: the median of the per-second ``pages/min`` log lines while pages were coming in
(idle seconds at both ends, the first two and the last cut; both systems log them through
the same LogStats extension), and pages fetched / crawl seconds. Peak
memory: ``ru_maxrss`` of each child (``os.wait4``). With ``--redis URL`` also a run of two
``micnews crawl --redis`` workers on the same site (needs a Redis server).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from micnews.crawler.demo.server import SiteServer  # noqa: E402

# through this interpreter: a venv on system site-packages has no scrapy/micnews scripts
SCRAPY = [sys.executable, "-m", "scrapy"]
MICNEWS = [sys.executable, "-m", "micnews.crawler.cli"]
DEMO = ROOT / "crawler" / "demo"
_BODY_OPENINGS = (b'id="news-bodyhtml" class="bodytext margin-bottom-lg">',
                  b'<div class="bodytext">')
_CRAWLED = re.compile(r"Crawled (\d+) pages \(at (\d+) pages/min\)")
FAST = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS": "32",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "32", "LOGSTATS_INTERVAL": "1"}


@dataclass
class Run:
    """One measured child process."""

    label: str
    seconds: float
    pages: int
    interval_rates: list[int] = field(default_factory=list)
    maxrss_mb: float = 0.0
    note: str = ""
    cpu_s: float = 0.0  # user + system CPU of the child (and of its waited children)

    @property
    def median_rate(self) -> float:
        """Median pages/min of the one-second log intervals while pages were coming in:
        idle intervals at both ends cut, then the first two (ramp-up) and the last."""
        busy = [i for i, rate in enumerate(self.interval_rates) if rate]
        if not busy:
            return 0.0
        rates = self.interval_rates[busy[0]:busy[-1] + 1]
        steady = rates[2:-1] or rates
        return float(statistics.median(steady))

    @property
    def overall_rate(self) -> float:
        """Pages fetched per minute of the whole run."""
        return self.pages * 60 / self.seconds if self.seconds else 0.0


# --- the synthetic site ------------------------------------------------------------------------
def build_site(dest: Path, n: int) -> int:
    """Copy the demo NukeViet site to ``dest`` and add ``n`` articles; return URLs listed."""
    src = DEMO / "site" / "sotttt-nukeviet"
    shutil.copytree(src, dest)
    expected = json.loads((DEMO / "expected.json").read_text(encoding="utf-8"))
    templates = []
    for path in expected["sotttt-nukeviet"]:
        file = src / path.lstrip("/")
        if file.is_dir() or path.endswith("/"):
            file = src / path.lstrip("/") / "index.html"
        templates.append((path, file.read_bytes()))
    urls = ["{{BASE}}" + p for p in expected["sotttt-nukeviet"]]
    out_dir = dest / "vi" / "news" / "bench"
    out_dir.mkdir(parents=True)
    for i in range(n):
        path, body = templates[i % len(templates)]
        new_path = f"/vi/news/bench/bai-viet-so-{i}.html"
        extra = f"\n<p>Bài số {i} của bộ đo tốc độ thu thập, mã {i * 7919 % 100003}.</p>"
        page = body.replace(path.encode(), new_path.encode())
        for opening in _BODY_OPENINGS:  # NukeViet 4, then NukeViet 3
            if opening in page:
                page = page.replace(opening, opening + extra.encode(), 1)
                break
        (out_dir / f"bai-viet-so-{i}.html").write_bytes(page)
        urls.append("{{BASE}}" + new_path)
    (dest / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(f"<url><loc>{u}</loc></url>\n" for u in urls) + "</urlset>\n",
        encoding="utf-8")
    (dest / "robots.txt").write_text(
        "User-agent: *\nDisallow: /admin/\n\nSitemap: {{BASE}}/sitemap.xml\n", encoding="utf-8")
    return len(urls)


# --- running children ------------------------------------------------------------------------
def measure(label: str, cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run ``cmd``; wall seconds, its LogStats lines and its peak RSS (``os.wait4``)."""
    log = cwd / f"{label.replace(' ', '_')}.log"
    with log.open("wb") as fh:
        t = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT,
                                env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.monotonic() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(encoding="utf-8", errors="replace")
    matches = _CRAWLED.findall(text)
    run = Run(label, seconds, int(matches[-1][0]) if matches else 0,
              [int(rate) for _, rate in matches], usage.ru_maxrss / 1024,
              cpu_s=usage.ru_utime + usage.ru_stime)
    if proc.returncode not in (0, 3):
        run.note = f"exit {proc.returncode}: {text[-300:]!r}"
    return run


def scrapy_bench(work: Path, seconds: int) -> Run:
    """``scrapy bench`` for ``seconds`` (outside the project, so only Scrapy's defaults)."""
    cmd = [*SCRAPY, "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}",
           "-s", "LOGSTATS_INTERVAL=1"]
    bench_dir = work / "scrapy-bench"
    bench_dir.mkdir()
    env = {"SCRAPY_SETTINGS_MODULE": ""}
    run = measure("scrapy bench", cmd, bench_dir, env)
    run.seconds = float(seconds)  # the timeout; startup of its server is not crawling
    run.note = run.note or "its CPU includes its own server process (a child)"
    return run


def micnews_crawl(work: Path, base_url: str, label: str = "micnews crawl",
                  extra: list[str] | None = None) -> Run:
    """``micnews crawl BASE_URL`` into a fresh dataset; crawl seconds from its stats."""
    out = work / label.replace(" ", "-")
    cmd = [*MICNEWS, "crawl", base_url + "/", "--out", str(out),
           "--log-level", "INFO", *(extra or [])]
    for name, value in FAST.items():
        cmd += ["-s", f"{name}={value}"]
    run = measure(label, cmd, work)
    stats_files = sorted((out / "runs").glob("*.json")) if (out / "runs").exists() else []
    if stats_files:
        stats = json.loads(stats_files[-1].read_text(encoding="utf-8"))
        run.pages = int(stats.get("response_received_count", run.pages))
        run.seconds = float(stats.get("elapsed_time_seconds", run.seconds))
        run.note = run.note or (f"{stats.get('micnews/articles_written', 0)} articles written, "
                                f"{stats.get('micnews/not_article', 0)} not articles")
    return run


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000, help="synthetic articles")
    parser.add_argument("--bench-seconds", type=int, default=20)
    parser.add_argument("--redis", help="also two workers over this Redis URL")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="micnews-speed-crawl-"))
    runs: list[Run] = []
    try:
        listed = build_site(work / "site", args.pages)
        runs.append(scrapy_bench(work, args.bench_seconds))
        with SiteServer(work / "site") as server:
            runs.append(micnews_crawl(work, server.base_url))
        if args.redis:
            runs.extend(two_workers(work, args.redis))
    finally:
        if args.keep:
            print(f"# logs and datasets kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    bench = runs[0]
    print(f"`bench/speed_crawl.py --pages {args.pages} --bench-seconds {args.bench_seconds}` — "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}; site: {listed} URLs in "
          "the sitemap\n")
    print("| run | pages fetched | seconds | pages/min (median, steady) | pages/min (overall) "
          "| vs scrapy bench | peak RSS MB | crawler CPU ms/page | notes |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in runs:
        ratio = r.median_rate / bench.median_rate if bench.median_rate else 0.0
        cpu = f"{r.cpu_s * 1000 / r.pages:.1f}" if r.cpu_s and r.pages else "-"
        print(f"| {r.label} | {r.pages} | {r.seconds:.1f} | {r.median_rate:.0f} | "
              f"{r.overall_rate:.0f} | {ratio:.2f} | {r.maxrss_mb:.0f} | {cpu} | {r.note} |")
    return 0


def two_workers(work: Path, redis_url: str) -> list[Run]:
    """Two ``micnews crawl --redis`` workers into one dataset (seeded first); one Run."""
    with SiteServer(work / "site") as server:
        url = server.base_url + "/"
        out = work / "redis-out"
        subprocess.run([*MICNEWS, "crawl", url, "--out", str(out), "--redis", redis_url,
                        "--seed"], check=True, capture_output=True)
        procs = []
        t = time.monotonic()
        for i in range(2):
            cmd = [*MICNEWS, "crawl", url, "--out", str(out), "--redis", redis_url,
                   "--log-level", "INFO"]
            for name, value in FAST.items():
                cmd += ["-s", f"{name}={value}"]
            log = (work / f"worker{i}.log").open("wb")
            procs.append((subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT), log))
        rss, rates, cpu, pages = [], [], 0.0, 0
        for proc, log in procs:
            _, _, usage = os.wait4(proc.pid, 0)
            log.close()
            rss.append(usage.ru_maxrss / 1024)
            cpu += usage.ru_utime + usage.ru_stime
        seconds = time.monotonic() - t
        for i in range(2):
            found = _CRAWLED.findall((work / f"worker{i}.log").read_text(errors="replace"))
            pages += int(found[-1][0]) if found else 0
            rates.append([int(r) for _, r in found])
    merged = [a + b for a, b in zip(*rates, strict=False)]  # both logs tick every second
    busy = [i for i, rate in enumerate(merged) if rate]
    crawling = float(busy[-1] + 1) if busy else seconds  # without the final idle wait
    return [Run("micnews crawl --redis, 2 workers", crawling, pages, merged, max(rss),
                f"seconds: until the last page ({seconds:.0f} s with start-up and the idle "
                "wait before the workers stop); RSS of the larger worker; CPU: both", cpu)]


if __name__ == "__main__":
    sys.exit(main())
