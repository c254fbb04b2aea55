"""Peak memory of ``micnews reclean`` on a WARC archive of 1 GB or more (issue 12).

Usage: ``python bench/reclean_memory.py [--gb 1.0] [--keep DIR]``

Builds one uncompressed WARC file of at least ``--gb`` GB in a temporary folder: the
article and listing pages of ``tests/fixtures/generic`` and ``tests/fixtures/pages``, each
copy under its own URL on one of four hosts, padded to about 400 KB with an inline
``<script>`` (as real pages carry trackers and bundles: bytes the cleaner must read but that
cost little to clean). Then runs ``micnews reclean --workers 1`` in a child process (the
WARC is cleaned in that process: its peak RSS is the worker's, plus the dataset writer) and
reports the child's peak RSS (``ru_maxrss`` of the child), its wall and CPU time and the
records written. (That reclean writes the records the crawl wrote is tests/test_reclean.py.)
Target: peak RSS under 500 MB whatever the archive size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1]
HOSTS = ("stttt.tinhdemo.gov.vn", "sotttt.demo-a.gov.vn", "portal.demo-b.gov.vn",
         "tintuc.demo-c.vn")
PAD = 400_000


def source_pages() -> list[tuple[str, bytes]]:
    """(path-ish name, body) of the fixture pages used as the archive's content."""
    out = []
    for folder in (ROOT / "tests" / "fixtures" / "generic", ROOT / "tests" / "fixtures" / "pages"):
        for html in sorted(folder.glob("*.html")):
            out.append((html.stem, html.read_bytes()))
    return out


def build_warc(path: Path, gigabytes: float) -> int:
    """Write the archive; returns the number of responses."""
    pages = source_pages()
    script = b"<script>var pad='" + b"x" * PAD + b"';</script>"
    target = int(gigabytes * 1024**3)
    n = 0
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=False)
        while fh.tell() < target:
            name, body = pages[n % len(pages)]
            host = HOSTS[n % len(HOSTS)]
            padded = body.replace(b"</head>", script + b"</head>", 1)
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            rec = writer.create_warc_record(f"https://{host}/{name}-{n}.html", "response",
                                            payload=BytesIO(padded), http_headers=headers)
            writer.write_record(rec)
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=1.0)
    parser.add_argument("--keep", type=Path, help="build the archive here and keep it")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="micnews-reclean-bench-"))
    (work / "warc").mkdir(parents=True, exist_ok=True)
    warc = work / "warc" / "bench.warc"
    if not warc.exists():
        t = time.time()
        n = build_warc(warc, args.gb)
        print(f"# built {warc} ({warc.stat().st_size / 1024**3:.2f} GB, {n} responses) "
              f"in {time.time() - t:.0f} s", file=sys.stderr)
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    t = time.time()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-m", "micnews.crawler.cli", "reclean", "--from",
                           str(work), "--out", str(out), "--workers", "1"],
                          capture_output=True, text=True, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        return 1
    from micnews.cleaners.dataset import load

    records = load(out).count_rows()
    print(json.dumps({
        "warc_gb": round(warc.stat().st_size / 1024**3, 2),
        "peak_rss_mb": round(after.ru_maxrss / 1024),
        "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime),
        "wall_s": round(time.time() - t),
        "records": records,
        "stdout_tail": done.stdout.strip().splitlines()[-3:],
        "load": os.getloadavg(),
    }, indent=1))
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
