"""Pathological pages: CPU seconds and peak memory of ``clean`` on pages built to exhaust it.

Usage: ``python bench/pathological.py [--markdown]``

Each page is cleaned in a fresh child process (so its peak RSS is its own): a 7 MB page of
one million empty ``<b>`` tags, a page of 100 000 links, and the same two shapes just under
the limits of :class:`micnews.cleaners.pageview.Limits` (249 000 empty tags after a
paragraph; 19 900 links). Prints the result (record or the refusal reason), CPU seconds of
the clean call, and the child's peak RSS (import of micnews included, measured apart).
Targets (issue 12): under 5 CPU-seconds and 500 MB each.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PAGES = {
    "1M empty <b> tags (7 MB)": "b'<html><body>' + b'<b></b>' * 1_000_000 + b'</body></html>'",
    "100 000 links": "b'<html><body>' + b''.join(b'<a href=\"/p%d\">link %d</a> ' % (i, i) "
                     "for i in range(100_000)) + b'</body></html>'",
    "249 000 empty tags after a paragraph": "b'<html><body><p>' + b'word ' * 300 + b'</p>' "
                                            "+ b'<b></b>' * 249_000 + b'</body></html>'",
    "19 900 links after a paragraph": "b'<html><body><p>' + b'word ' * 300 + b'</p>' + "
                                      "b''.join(b'<a href=\"/p%d\">link %d</a> ' % (i, i) "
                                      "for i in range(19_900)) + b'</body></html>'",
}

CHILD = """
import json, resource, sys, time
from micnews.cleaners.clean import clean
from micnews.cleaners.record import Page, Record
start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
body = {expr}
t = time.process_time()
result = clean(Page("https://example.vn/a.html", body, {{}}))
cpu = time.process_time() - t
print(json.dumps({{"bytes": len(body), "cpu_s": cpu,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "start_rss_mb": start_rss,
    "result": "record" if isinstance(result, Record) else result.reason}}))
"""


def run() -> list[dict]:
    rows = []
    for name, expr in PAGES.items():
        out = subprocess.run([sys.executable, "-c", CHILD.format(expr=expr)], cwd=ROOT,
                             capture_output=True, text=True, check=True)
        rows.append({"page": name, **json.loads(out.stdout.strip().splitlines()[-1])})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    rows = run()
    head = ["page", "bytes", "result", "CPU s", "peak RSS MB", "RSS after import MB"]
    lines = [[r["page"], str(r["bytes"]), r["result"], f"{r['cpu_s']:.2f}",
              f"{r['peak_rss_mb']:.0f}", f"{r['start_rss_mb']:.0f}"] for r in rows]
    if args.markdown:
        print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
        for line in lines:
            print("| " + " | ".join(line) + " |")
    else:
        for line in [head, *lines]:
            print("  ".join(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
