"""How long ``micnews crawl`` takes to fail on a site it cannot reach (issue 14: < 5 s).

Usage::

    python bench/fast_failure.py [--runs 5] [--rev REV]

Times, as fresh processes (median wall seconds of ``--runs``, cases alternated run by run),
``micnews crawl URL --out TMP`` with default settings on three unreachable entry points:

* DNS failure: ``http://tin-tuc.micnews.invalid/`` (``.invalid`` never resolves);
* connection refused: ``http://127.0.0.1:PORT/`` with nothing listening;
* TLS error: ``https://127.0.0.1:PORT/`` to a plain-HTTP server (the demo ``SiteServer``);

and, as the peer measured in the same run, ``micnews --help`` (the command's start-up
alone) and ``python -c 'import scrapy'``. Each case checks what the test checks (exit 1,
one ``error:`` line) so a fast wrong answer is not reported as fast. ``--rev REV``
also times the three cases with micnews of another revision (``git archive`` into a
temporary folder, first on ``PYTHONPATH``). ``tests/test_run_rules.py`` asserts the
behaviour (one request, no retry); the seconds are measured only here.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from micnews.crawler.demo.server import SiteServer  # noqa: E402

MICNEWS = [sys.executable, "-m", "micnews.crawler.cli"]


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(command: list[str], env: dict[str, str], check_failure: bool) -> float:
    """Wall seconds of one run (a crawl case must end with exit 1 and one error line)."""
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if check_failure:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        if done.returncode != 1 or len(lines) != 1 or not lines[0].startswith("error: "):
            raise SystemExit(f"{command}: exit {done.returncode}, stderr:\n{done.stderr}")
    return seconds


def checkout(rev: str, into: Path) -> Path:
    """micnews of ``rev`` as an importable ``micnews`` package under ``into``."""
    src = into / "src"
    src.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "crawler", "cleaners"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
    pkg = into / "pkg" / "micnews"
    pkg.mkdir(parents=True)
    for name in ("crawler", "cleaners"):
        (pkg / name).symlink_to(src / name)
    return into / "pkg"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rev", help="also time the crawl cases at this git revision")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="micnews-fastfail-"))
    (work / "plain").mkdir()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    envs = {"": env}
    if args.rev:
        envs[f" ({args.rev})"] = {**env, "PYTHONPATH": str(checkout(args.rev, work / "old"))}
    times: dict[str, list[float]] = {}
    try:
        with SiteServer(work / "plain") as plain:
            crawls = {
                "DNS failure": "http://tin-tuc.micnews.invalid/",
                "connection refused": f"http://127.0.0.1:{free_port()}/",
                "TLS error": f"https://127.0.0.1:{plain.port}/",
            }
            for n in range(args.runs):
                peers = {"micnews --help (start-up)": [*MICNEWS, "--help"],
                         "python -c 'import scrapy'": [sys.executable, "-c", "import scrapy"]}
                for name, command in peers.items():
                    times.setdefault(name, []).append(timed(command, env, False))
                for label, case_env in envs.items():
                    for name, url in crawls.items():
                        out = work / f"out-{n}"
                        seconds = timed([*MICNEWS, "crawl", url, "--out", str(out)],
                                        case_env, True)
                        times.setdefault(f"crawl, {name}{label}", []).append(seconds)
                        shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    peer = statistics.median(times["micnews --help (start-up)"])
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"| command | median s ({args.runs} runs) | min s | vs `micnews --help` |")
    print("|---|---:|---:|---:|")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.2f} | {min(values):.2f} | {median / peer:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
