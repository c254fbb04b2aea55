"""Start-up time of the ``micnews`` command, against its peers measured in the same run.

``python bench/startup.py [--runs 15] [--baseline DIR]`` times, as fresh processes (median
wall time): the bare interpreter, ``import trafilatura`` (what cleaning a page needs),
``micnews --help`` and ``micnews scrape`` without arguments (a usage error). ``--baseline DIR``
times the two micnews commands again with another revision first on the path: DIR holds a
``micnews/`` folder with ``crawler`` and ``cleaners`` of that revision, e.g.::

    git archive a38df39 crawler cleaners | tar -x -C /tmp/old
    mkdir -p /tmp/oldpkg/micnews && ln -s /tmp/old/crawler /tmp/old/cleaners /tmp/oldpkg/micnews/
    python bench/startup.py --baseline /tmp/oldpkg
 The command should cost about the
interpreter plus typer and rich, not the crawl and cleaning stack (scrapy, trafilatura, pyarrow),
which the commands import when they run.
"""

from __future__ import annotations

import argparse
import os
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


def median_seconds(command: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                       env=env)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--baseline", help="a folder holding micnews/ of another revision")
    args = parser.parse_args()
    results = {name: median_seconds(cmd, args.runs) for name, cmd in CASES.items()}
    if args.baseline:
        env = {**os.environ, "PYTHONPATH": args.baseline}
        for name, cmd in list(CASES.items())[2:]:
            results[f"{name} (baseline)"] = median_seconds(cmd, args.runs, env)
    peer = results["python -c 'import trafilatura' (peer)"]
    print(f"| command | median s ({args.runs} runs) | vs import trafilatura |")
    print("|---|---:|---:|")
    for name, seconds in results.items():
        print(f"| `{name}` | {seconds:.3f} | {seconds / peer:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
