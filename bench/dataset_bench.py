"""Benchmark of the dataset layer: write throughput, memory, compaction, dedup scaling.

Not a test. Each phase runs in its own subprocess so its peak RSS is its own::

    /work/venv/bin/python bench/dataset_bench.py            # full: 100 000 rows
    /work/venv/bin/python bench/dataset_bench.py --quick    # 10 000 rows, for a smoke run

Synthetic records: 50 sites, years 2015–2025 plus 5 % without a date, ~250-word
bodies drawn from a 4 000-syllable vocabulary, 5 % near-duplicate variants (a
paragraph cut or a byline added) of earlier records. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).absolute().parents[1]
sys.path.insert(0, str(ROOT))

_ONSETS = ["b", "c", "ch", "d", "đ", "g", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "qu",
           "s", "t", "th", "tr", "v", "x"]
_RIMES = ["a", "à", "á", "ả", "ân", "ất", "ăng", "e", "ê", "ết", "i", "ình", "o", "ô", "ộc",
          "ơn", "u", "ư", "ước", "ương", "ai", "ao", "oa", "uy", "iên", "iệt", "ong", "ung"]


def vocabulary(n: int = 4000, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    words = {rnd.choice(_ONSETS) + rnd.choice(_RIMES) for _ in range(n * 3)}
    return sorted(words)[:n]


def records(n: int, seed: int = 1, start: int = 0, shuffled: bool = False):
    """``n`` synthetic records (a generator: memory stays flat).

    Crawl order by default: blocks of 500 articles of one site, newest first (as a
    spider walks listing pages); ``shuffled``: every record a random site and year.
    """
    from micnews.cleaners.record import VN_TZ, Record

    rnd = random.Random(seed)
    vocab = vocabulary()
    bodies: list[str] = []
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    for i in range(start, start + n):
        if bodies and rnd.random() < 0.05:
            paras = rnd.choice(bodies).split("\n\n")
            if rnd.random() < 0.5 and len(paras) > 3:
                del paras[rnd.randrange(1, len(paras))]
            else:
                paras.append("Theo Cổng Thông tin điện tử Bộ Thông tin và Truyền thông")
            text = "\n\n".join(paras)
        else:
            text = "\n\n".join(" ".join(rnd.choices(vocab, k=rnd.randint(25, 45)))
                               for _ in range(rnd.randint(5, 9)))
            if len(bodies) < 2000:
                bodies.append(text)
            else:
                bodies[rnd.randrange(len(bodies))] = text
        if shuffled:
            site = f"stttt.tinh-{rnd.randrange(50):02d}.gov.vn"
            published = datetime(rnd.randint(2015, 2025), rnd.randint(1, 12),
                                 rnd.randint(1, 28), 8, tzinfo=VN_TZ)
        else:  # ~1.5 articles a day, going back in time
            site = f"stttt.tinh-{(i // 500) % 50:02d}.gov.vn"
            published = datetime(2025, 6, 30, 8, tzinfo=VN_TZ) - timedelta(hours=16 * (i % 500))
        if rnd.random() < 0.05:
            published = None
        yield Record(url=f"https://{site}/tin-tuc/bai-{i}.html", canonical_url=None, site=site,
                     family="nukeviet4", title=f"Tiêu đề {i}", lead=None, text=text,
                     published_at=published, word_count=len(text.split()),
                     content_hash=hashlib.sha1(text.encode()).hexdigest(),
                     fetched_at=t0 + timedelta(seconds=i), extractor="bench")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase(name: str, out: Path, n: int, start: int, shuffled: bool = False) -> dict:
    """One measured step, run in this (child) process."""
    import pyarrow as pa

    from micnews.cleaners.dataset import DatasetWriter, compact, data_files
    from micnews.cleaners.dedup import dedup

    base_rss = _rss_mb()
    t = time.perf_counter()
    result: dict = {}
    if name == "write":
        w = DatasetWriter(out, batch_size=5000)
        for r in records(n, seed=start + 1, start=start, shuffled=shuffled):
            w.write(r)
        w.close()
        files = data_files(out)
        result = {"rows": w.rows_written, "files": len(files),
                  "mb_on_disk": round(sum(f.stat().st_size for f in files) / 2**20, 1)}
    elif name == "compact":
        rep = compact(out)
        result = {"rows": rep.rows_before, "rows_after": rep.rows_after,
                  "files_after": rep.files_after}
    elif name == "dedup":
        rep = dedup(out)
        result = {"rows": rep.rows, "hashed": rep.hashed, "reused": rep.reused,
                  "exact": rep.exact, "near": rep.near, "files_rewritten": rep.files_rewritten}
    result["seconds"] = round(time.perf_counter() - t, 2)
    result["peak_rss_mb"] = round(_rss_mb(), 1)
    result["import_rss_mb"] = round(base_rss, 1)
    result["arrow_pool_peak_mb"] = round(pa.default_memory_pool().max_memory() / 2**20, 1)
    return result


def run(name: str, out: Path, n: int = 0, start: int = 0, shuffled: bool = False) -> dict:
    """Run :func:`phase` in a fresh interpreter; return its JSON result."""
    cmd = [sys.executable, __file__, "--phase", name, "--dir", str(out), "--n", str(n),
           "--start", str(start)] + (["--shuffled"] if shuffled else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10 000 rows instead of 100 000")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--dir", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--shuffled", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, Path(args.dir), args.n, args.start, args.shuffled)))
        return
    big = 10_000 if args.quick else 100_000
    small = 1_000 if args.quick else 10_000
    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="micnews-bench-"))
    try:
        # write + compact + incremental dedup on the big dataset
        w = run("write", tmp / "big", big)
        rows.append((f"write {big:,} records (batch 5 000)", w,
                     f"{big / w['seconds']:,.0f} rows/s, {w['files']} files, "
                     f"{w['mb_on_disk']} MB"))
        w = run("write", tmp / "shuffled", small, shuffled=True)
        rows.append((f"write {small:,} records, worst case: random site and year", w,
                     f"{small / w['seconds']:,.0f} rows/s, {w['files']} files "
                     f"(~{small // max(1, w['files'])} rows each)"))
        w = run("compact", tmp / "shuffled")
        rows.append((f"compact that worst case ({small:,} rows)", w,
                     f"{w['files_after']} files after"))
        run("write", tmp / "big", small // 10, start=0)  # re-crawl: 1 % of URLs again
        r2 = run("compact", tmp / "big")
        rows.append((f"compact {r2['rows']:,} rows → {r2['rows_after']:,}", r2,
                     f"{r2['files_after']} files after"))
        # dedup scaling: fresh datasets of two sizes
        for n in (small, big):
            d = tmp / f"dedup{n}"
            if n == big:
                d = tmp / "big"
            else:
                run("write", d, n)
            res = run("dedup", d)
            rows.append((f"dedup {res['rows']:,} documents (from scratch)", res,
                         f"{res['rows'] / res['seconds']:,.0f} docs/s, {res['near']} near, "
                         f"{res['exact']} exact, {res['files_rewritten']} files rewritten"))
        run("write", tmp / "big", small // 10, start=big)
        res = run("dedup", tmp / "big")
        rows.append((f"dedup +{small // 10:,} new onto {big:,} (incremental)", res,
                     f"{res['hashed']} hashed, {res['reused']:,} reused"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    cmd = "/work/venv/bin/python bench/dataset_bench.py" + (" --quick" if args.quick else "")
    print(f"`{cmd}` — Python {sys.version.split()[0]}, {_cpu()}\n")
    print("| step | seconds | peak RSS MB | Arrow pool peak MB | notes |")
    print("|---|---:|---:|---:|---|")
    for label, res, note in rows:
        print(f"| {label} | {res['seconds']} | {res['peak_rss_mb']} | "
              f"{res['arrow_pool_peak_mb']} | {note} |")
    print(f"\nPeak RSS includes the interpreter and imports (~{rows[0][1]['import_rss_mb']} MB "
          "after importing pyarrow).")


def _cpu() -> str:
    import os

    return f"{os.cpu_count()} CPUs"


if __name__ == "__main__":
    main()
