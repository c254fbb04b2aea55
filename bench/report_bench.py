"""Benchmark of ``micnews report`` on a synthetic dataset written with the real writer.

Not a test. Writes N records (default 100 000) with :class:`DatasetWriter` — the
synthetic records of ``dataset_bench.py`` in crawl order (50 sites, 5 % undated), 90 % read
by a profile, authors/images on part of them, 5 % marked as copies (``dup_of``) of
another site's article — plus 10 runs/*.json, then times, in this one process:

* ``report``: :func:`micnews.cleaners.report.load_report` + render + write (the command);
* the peer ``micnews stats`` (:func:`compute_stats`) on the same dataset, measured in the
  same run, so the ratio holds on a busy machine.

    /work/venv/bin/python bench/report_bench.py              # 100 000 rows
    /work/venv/bin/python bench/report_bench.py --rows 10000 # a smoke run
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).absolute().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from dataset_bench import records  # noqa: E402

from micnews.cleaners.dataset import DatasetWriter, data_files, rewrite_file  # noqa: E402
from micnews.cleaners.record import Image  # noqa: E402

T0 = datetime(2025, 1, 1, tzinfo=UTC)  # dataset_bench: fetched_at = T0 + i seconds
RUNS = 10


def write_dataset(out: Path, n: int, seed: int = 3) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rnd = random.Random(seed)
    writer = DatasetWriter(out, batch_size=5000)
    urls: list[str] = []
    for r in records(n, seed=seed):  # crawl order: blocks of 500 articles of one site
        r.extractor = "profile:nukeviet4" if rnd.random() < 0.9 else "trafilatura"
        r.author = "Phòng Thông tin" if rnd.random() < 0.6 else None
        r.lead = "Sa pô của bài." if rnd.random() < 0.8 else None
        r.images = [Image(f"{r.url}/anh.jpg", "ảnh")] if rnd.random() < 0.5 else []
        urls.append(r.url)
        writer.write(r)
    writer.close()
    copies = {u: rnd.choice(urls) for u in rnd.sample(urls, n // 20)}
    for path in data_files(out):
        table = pq.read_table(path)
        dup = pa.array([copies.get(u) for u in table.column("url").to_pylist()], pa.string())
        rewrite_file(path, table.set_column(table.schema.get_field_index("dup_of"), "dup_of",
                                            dup))
    span = n // RUNS  # runs share the fetch-time range
    (out / "runs").mkdir(exist_ok=True)
    for k in range(RUNS):
        start = T0 + timedelta(seconds=k * span)
        stats = {"start_time": str(start), "finish_time": str(start + timedelta(seconds=span)),
                 "elapsed_time_seconds": float(span), "finish_reason": "finished",
                 "response_received_count": span * 2, "micnews/articles_written": span,
                 "downloader/response_status_count/200": span * 2 - 7,
                 "downloader/response_status_count/404": 7, "retry/count": k,
                 "micnews/not_article/no article body (listing or home page)": span}
        (out / "runs" / f"{start:%Y%m%dT%H%M%S}-bench{k}.json").write_text(json.dumps(stats))


def timed(func, *args):
    t = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - t, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of N timings")
    args = parser.parse_args()

    from micnews.cleaners.report import read_articles
    from micnews.cleaners.report_html import render
    from micnews.crawler.cli_dataset import compute_stats
    from micnews.crawler.cli_report import crawl_exit_code, write_report

    tmp = Path(tempfile.mkdtemp(prefix="micnews-report-bench-"))
    try:
        write_s, _ = timed(write_dataset, tmp, args.rows)
        crawl_exit_code({})  # import the crawl's exit-code rule (scrapy) outside the timings
        report_s = min(timed(write_report, str(tmp))[0] for _ in range(args.repeat))
        read_s = min(timed(read_articles, str(tmp))[0] for _ in range(args.repeat))
        from micnews.cleaners.report import load_report
        report = load_report(str(tmp))
        render_s = min(timed(render, report)[0] for _ in range(args.repeat))
        stats_s = min(timed(compute_stats, tmp)[0] for _ in range(args.repeat))
        size_kb = (tmp / "report.html").stat().st_size / 1024
        mb = sum(f.stat().st_size for f in data_files(tmp)) / 2**20
        print(f"| rows | files | dataset MB | report s | of which: read s | render s | "
              f"`micnews stats` s | report / stats | report.html KB |\n"
              f"|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n| {args.rows:,} | "
              f"{len(data_files(tmp))} | {mb:.0f} | {report_s:.2f} | {read_s:.2f} | "
              f"{render_s:.2f} | {stats_s:.2f} | {report_s / stats_s:.2f} | {size_kb:.0f} |")
        print(f"(dataset written in {write_s:.0f} s; best of {args.repeat} timings)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
