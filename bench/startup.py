"""Start-up time of the ``micnews`` command, against its peers measured in the same run.

``python bench/startup.py [--runs 15]`` times, as fresh processes (median wall time):
the bare interpreter, ``import trafilatura`` (what cleaning a page needs), ``micnews --help``
and ``micnews scrape`` without arguments (a usage error). The command should cost about the
interpreter plus typer and rich, not the crawl and cleaning stack (scrapy, trafilatura, pyarrow),
which the commands import when they run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

CASES = {
    "python -c pass (interpreter)": [sys.executable, "-c", "pass"],
    "python -c 'import trafilatura' (peer)": [sys.executable, "-c", "import trafilatura"],
    "micnews --help": [sys.executable, "-m", "micnews.crawler.cli", "--help"],
    "micnews scrape (usage error)": [sys.executable, "-m", "micnews.crawler.cli", "scrape"],
}


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    results = {name: median_seconds(cmd, args.runs) for name, cmd in CASES.items()}
    peer = results["python -c 'import trafilatura' (peer)"]
    print(f"| command | median s ({args.runs} runs) | vs import trafilatura |")
    print("|---|---:|---:|")
    for name, seconds in results.items():
        print(f"| `{name}` | {seconds:.3f} | {seconds / peer:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
