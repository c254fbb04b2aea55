"""How the crawl state and the dataset grow: 10 000 vs 100 000 pages (time, memory, disk).

Usage::

    /work/venv/bin/python bench/scale.py               # 10 000 and 100 000
    /work/venv/bin/python bench/scale.py --sizes 1000 10000   # quick

Each step runs in a fresh interpreter so its peak RSS is its own:

* **crawl state** (``crawler/state.py`` ``CrawlState``, SQLite): ``seen`` for every URL one
  call at a time, as ``CleanPipeline`` does (1 in 20 a listing with 20 links kept by
  ``set_links``); ``commit`` in batches of 500, as ``ParquetPipeline`` does; then lookups
  as the next incremental run makes them: ``is_committed_article`` for every URL plus as
  many unknown URLs, and ``get`` for 10 000 random URLs.
* **dataset** (``cleaners/dataset.py``): the write and compact phases of
  ``bench/dataset_bench.py`` (same synthetic records, batch 5 000), reused, not copied.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import dataset_bench  # noqa: E402


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _url(i: int) -> str:
    return f"https://stttt.tinh-{i % 50:02d}.gov.vn/vi/news/tin-tuc/bai-viet-so-{i}.html"


def state_phase(folder: Path, n: int) -> dict:
    """Fill a fresh CrawlState with ``n`` URLs and look them up (run in a child)."""
    from micnews.crawler.state import CrawlState

    base = _rss_mb()
    state = CrawlState(folder / "state.sqlite")
    res: dict = {"import_rss_mb": round(base, 1)}
    t = time.perf_counter()
    for i in range(n):
        url = _url(i)
        if i % 20 == 0:  # a listing page and its links
            state.seen(url, "listing", '"etag"', "Mon, 01 Jan 2024 00:00:00 GMT")
            state.set_links(url, [_url(i + k) for k in range(1, 21)])
        else:
            state.seen(url, "article", '"etag"', "Mon, 01 Jan 2024 00:00:00 GMT", f"{i:040x}")
    res["seen_s"] = time.perf_counter() - t
    t = time.perf_counter()
    batch: list[str] = []
    for i in range(n):
        if i % 20:
            batch.append(_url(i))
        if len(batch) == 500:
            state.commit(batch, f"part-{i}.parquet")
            batch = []
    state.commit(batch, "part-last.parquet")
    res["commit_s"] = time.perf_counter() - t
    t = time.perf_counter()
    hits = sum(state.is_committed_article(_url(i)) for i in range(n))
    misses = sum(state.is_committed_article(_url(n + i)) for i in range(n))
    res["lookup_s"] = time.perf_counter() - t
    res["lookups"] = 2 * n
    rnd = random.Random(1)
    t = time.perf_counter()
    for _ in range(10_000):
        state.get(_url(rnd.randrange(n)))
    res["get_10k_s"] = time.perf_counter() - t
    state.close()
    res.update(hits=hits, misses=misses, peak_rss_mb=round(_rss_mb(), 1),
               mb_on_disk=round(sum(f.stat().st_size for f in folder.iterdir()) / 2**20, 1))
    return res


def _child(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                          check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--state-phase", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.state_phase:
        print(json.dumps(state_phase(Path(args.state_phase), args.n)))
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="micnews-scale-"))
    rows = []
    try:
        for n in args.sizes:
            (tmp / f"state{n}").mkdir()
            s = _child(["--state-phase", str(tmp / f"state{n}"), "--n", str(n)])
            assert s["hits"] == n - n // 20 and s["misses"] == 0, s
            rows.append((f"crawl state: `seen` {n:,} URLs (one transaction each)", n,
                         s["seen_s"], s["peak_rss_mb"],
                         f"{n / s['seen_s']:,.0f} URLs/s; {s['mb_on_disk']} MB on disk; RSS after "
                         f"imports {s['import_rss_mb']} MB"))
            rows.append((f"crawl state: `commit` {n - n // 20:,} articles (batches of 500)", n,
                         s["commit_s"], s["peak_rss_mb"],
                         f"{(n - n // 20) / s['commit_s']:,.0f} URLs/s"))
            rows.append((f"crawl state: `is_committed_article` × {s['lookups']:,} "
                         "(half unknown)", n, s["lookup_s"], s["peak_rss_mb"],
                         f"{s['lookups'] / s['lookup_s']:,.0f} lookups/s; `get` × 10 000: "
                         f"{s['get_10k_s']:.2f} s"))
        for n in args.sizes:
            w = dataset_bench.run("write", tmp / f"data{n}", n)
            rows.append((f"dataset: write {n:,} records (batch 5 000)", n, w["seconds"],
                         w["peak_rss_mb"], f"{n / w['seconds']:,.0f} rows/s, {w['files']} "
                         f"files, {w['mb_on_disk']} MB; Arrow pool peak "
                         f"{w['arrow_pool_peak_mb']} MB"))
            c = dataset_bench.run("compact", tmp / f"data{n}")
            rows.append((f"dataset: compact {n:,} rows", n, c["seconds"], c["peak_rss_mb"],
                         f"{c['files_after']} files after; Arrow pool peak "
                         f"{c['arrow_pool_peak_mb']} MB"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sizes = " ".join(str(n) for n in args.sizes)
    print(f"`/work/venv/bin/python bench/scale.py --sizes {sizes}` — Python "
          f"{sys.version.split()[0]}, {dataset_bench._cpu()}\n")
    print("| step | pages | seconds | peak RSS MB | notes |")
    print("|---|---:|---:|---:|---|")
    for label, n, secs, rss, note in rows:
        print(f"| {label} | {n:,} | {secs:.2f} | {rss} | {note} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
