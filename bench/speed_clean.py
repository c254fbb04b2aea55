"""Cleaning throughput: micnews ``micnews.cleaners.clean`` vs plain trafilatura vs resiliparse.

Usage::

    /work/venv/bin/python bench/speed_clean.py                  # all groups present
    /work/venv/bin/python bench/speed_clean.py --zyte 60 --repeat 5 --markdown
    /work/venv/bin/python bench/speed_clean.py --no-profile

One process, one core: each system cleans every page ``--repeat`` times (after one warm-up
pass) and the table gives pages per second. Pages are split by what micnews detects:
**known family** (a profile in ``cleaners/profiles`` matches the page) and **unknown**
(the generic trafilatura path). Sources:

* ``tests/fixtures/pages/*.html`` and the article pages of ``tests/fixtures/sites`` and of
  the demo site ``crawler/demo/site`` (their ``expected.json``), with ``{{BASE}}`` filled in;
* ``../shared/realpages`` (the HTML pages of its ``MANIFEST.tsv``), when present;
* ``--zyte N`` pages of ``../shared/benchmarks/zyte-article-extraction``, when present.

Systems: micnews ``clean(Page)`` (no site template, as the crawl pipeline runs it);
``trafilatura.extract(bytes, url=..., with_metadata=True)`` (issue 12's bar); resiliparse
``extract_plain_text(HTMLTree.parse(...), main_content=True)`` after its own charset
detection (``pip install micnews[bench]``; skipped when missing).

Then cProfile of micnews over the known-family pages, then over the unknown pages: the top
functions by cumulative time, so a run says where the time goes.

``--instructions`` counts instructions per page instead (valgrind's cachegrind, one pass
minus none): a count, unmoved by other load on a shared machine, to compare small changes.

``--processes N`` measures whole processes instead, as issue 12 asks: N rounds, in each a
fresh process per system and group (order reversed every other round, so a busy spell of a
shared machine hits every system), each timing its steady state after a warm-up pass; the
table gives median pages per CPU-second and the median of the per-round ratios, and
start-up (import + first page in a fresh process) is measured apart.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import gzip
import io
import json
import os
import pstats
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from micnews.cleaners.clean import clean, parse_html  # noqa: E402
from micnews.cleaners.decode import decode_html  # noqa: E402
from micnews.cleaners.detect import detect_family  # noqa: E402
from micnews.cleaners.record import Page, Record  # noqa: E402
from micnews.crawler.demo.server import PLACEHOLDER, resolve  # noqa: E402

BASE = "http://127.0.0.1:8000"
HTML_HEADERS = {"content-type": "text/html; charset=utf-8"}


@dataclass
class Sample:
    """One page to clean: where it came from, its URL, bytes and headers."""

    source: str
    url: str
    body: bytes
    headers: dict[str, str]
    known: bool = False  # set by :func:`classify`


# --- loading -------------------------------------------------------------------------------
def fixture_pages() -> list[Sample]:
    """``tests/fixtures/pages``: one HTML file per JSON (its URL and headers)."""
    out = []
    for meta in sorted((ROOT / "tests" / "fixtures" / "pages").glob("*.json")):
        html = meta.with_suffix(".html")
        if html.exists():
            data = json.loads(meta.read_text(encoding="utf-8"))
            out.append(Sample("fixture pages", data["url"], html.read_bytes(),
                              data.get("headers") or HTML_HEADERS))
    return out


def site_articles(root: Path, source: str, expected: Path | None = None) -> list[Sample]:
    """The article pages listed in ``expected`` (default ``root/expected.json``;
    site -> path -> fields), read from ``root/<site>``."""
    expected = expected or root / "expected.json"
    if not expected.exists():
        return []
    out = []
    for site, pages in json.loads(expected.read_text(encoding="utf-8")).items():
        for path in pages:
            file = resolve(root / site, path)
            if file is not None:
                body = file.read_bytes().replace(PLACEHOLDER, BASE.encode())
                out.append(Sample(source, BASE + path, body, HTML_HEADERS))
    return out


def realpages(shared: Path) -> list[Sample]:
    """The HTML pages of ``shared/realpages/MANIFEST.tsv`` (articles and listings)."""
    manifest = shared / "realpages" / "MANIFEST.tsv"
    if not manifest.exists():
        return []
    out = []
    with manifest.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            path = shared / "realpages" / row["local_file"]
            if path.suffix == ".html" and path.exists():
                url = row.get("page_url") or f"https://example.vn/{row['local_file']}"
                out.append(Sample("realpages", url, path.read_bytes(), {}))
    return out


def zyte_pages(shared: Path, limit: int) -> list[Sample]:
    """The first ``limit`` pages of the Zyte article-extraction benchmark."""
    base = shared / "benchmarks" / "zyte-article-extraction"
    gt = base / "ground-truth.json"
    if limit <= 0 or not gt.exists():
        return []
    truth = json.loads(gt.read_text(encoding="utf-8"))
    out = []
    for key, item in sorted(truth.items())[:limit]:
        path = base / "html" / f"{key}.html.gz"
        if path.exists():
            out.append(Sample("zyte", item.get("url") or f"https://example.com/{key}",
                              gzip.decompress(path.read_bytes()), {}))
    return out


def classify(samples: list[Sample]) -> None:
    """Mark pages whose family micnews detects (the profile path) as known."""
    for s in samples:
        tree = parse_html(decode_html(s.body, s.headers.get("content-type")).html)
        s.known = tree is not None and detect_family(tree, s.url) is not None


# --- the systems -----------------------------------------------------------------------------
def run_micnews(s: Sample) -> int:
    """micnews: 1 when a record came out, else 0."""
    return int(isinstance(clean(Page(s.url, s.body, s.headers)), Record))


def run_trafilatura(s: Sample) -> int:
    """Plain trafilatura with its defaults and metadata, as issue 12 sets the bar (it decodes
    the bytes itself)."""
    return int(bool(trafilatura.extract(s.body, url=s.url, with_metadata=True)))


def _resiliparse() -> Callable[[Sample], int] | None:
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.encoding import bytes_to_str, detect_encoding
        from resiliparse.parse.html import HTMLTree
    except ImportError:
        return None

    def run_resiliparse(s: Sample) -> int:
        """resiliparse: charset detection, parse, main-content plain text."""
        tree = HTMLTree.parse(bytes_to_str(s.body, detect_encoding(s.body)))
        return int(bool(extract_plain_text(tree, main_content=True)))

    return run_resiliparse


def pages_per_second(fn: Callable[[Sample], int], pages: list[Sample], repeat: int) -> float:
    """Pages per CPU-second of ``fn`` over ``pages`` (one warm-up pass, then ``repeat``).

    Process CPU time, not wall time: on a shared machine other processes would otherwise
    change the answer; for one single-threaded process the two agree when it runs alone.
    """
    if not pages:
        return 0.0
    for s in pages:
        fn(s)
    t = time.process_time()
    for _ in range(repeat):
        for s in pages:
            fn(s)
    return len(pages) * repeat / (time.process_time() - t)


def profile(pages: list[Sample], top: int) -> str:
    """cProfile of micnews over ``pages``: the ``top`` functions by cumulative time."""
    prof = cProfile.Profile()
    prof.enable()
    for s in pages:
        run_micnews(s)
    prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    lines = buf.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return "\n".join(lines[start:])


# --- whole processes, alternated -----------------------------------------------------------------
STARTUP = {
    "micnews": "from micnews.cleaners.clean import clean\n"
               "from micnews.cleaners.record import Page\n"
               "clean(Page('https://example.vn/a.html', BODY, {}))",
    "trafilatura": "import trafilatura\n"
                   "trafilatura.extract(BODY, url='https://example.vn/a.html', with_metadata=True)",
    "resiliparse": "from resiliparse.extract.html2text import extract_plain_text\n"
                   "from resiliparse.parse.encoding import bytes_to_str, detect_encoding\n"
                   "from resiliparse.parse.html import HTMLTree\n"
                   "extract_plain_text(HTMLTree.parse(bytes_to_str(BODY, detect_encoding(BODY))),"
                   " main_content=True)",
}


def _child(args: argparse.Namespace) -> int:
    """One system over one group in this process: steady-state pages per CPU-second."""
    samples = _samples(args)
    pages = [s for s in samples if s.known == (args.child_group == "known family")]
    fn = {"micnews": run_micnews, "trafilatura": run_trafilatura}.get(args.child) or _resiliparse()
    print(json.dumps({"rate": pages_per_second(fn, pages, args.repeat), "pages": len(pages)}))
    return 0


def _child_passes(args: argparse.Namespace) -> int:
    """One system over one group, a warm-up pass then ``--repeat`` passes, untimed: run
    under cachegrind by :func:`instructions` (0 and 1 passes; the difference is one pass)."""
    samples = _samples(args)
    pages = [s for s in samples if s.known == (args.child_group == "known family")]
    fn = {"micnews": run_micnews, "trafilatura": run_trafilatura}[args.child_passes]
    for _ in range(1 + args.repeat):
        for s in pages:
            fn(s)
    print(json.dumps({"pages": len(pages)}))
    return 0


def _cachegrind(cmd: list[str]) -> tuple[int, dict]:
    """Instructions executed by ``cmd`` (valgrind's cachegrind, no cache simulation)."""
    out = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no",
                          "--cachegrind-out-file=/dev/null", *cmd],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    refs = next(line for line in out.stderr.splitlines() if "I   refs" in line or "I refs" in line)
    return int(refs.split(":")[1].replace(",", "").strip()), json.loads(
        out.stdout.strip().splitlines()[-1])


def instructions(args: argparse.Namespace, systems: list[str]) -> None:
    """``--instructions``: instructions per page of one steady-state pass, counted by
    cachegrind (the run with one pass minus the run with none, both after the same warm-up).
    A count, not a time: the same on a busy machine, so small changes can be compared; it
    weighs C and Python work alike (lxml's C is cheaper per instruction than the
    interpreter), so the time ratio of ``--processes`` stays the measure."""
    from concurrent.futures import ThreadPoolExecutor

    base = [sys.executable, str(Path(__file__).resolve()), "--shared", str(args.shared),
            "--zyte", str(args.zyte)]
    jobs = {(group, system, n): base + ["--repeat", str(n), "--child-passes", system,
                                        "--child-group", group]
            for group in ("known family", "unknown family") for system in systems
            for n in (0, 1)}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        counts = dict(zip(jobs, pool.map(_cachegrind, jobs.values()), strict=True))
    print(f"`bench/speed_clean.py --instructions --zyte {args.zyte}` — instructions of one "
          "steady-state pass (cachegrind), per page\n")
    print("| pages | n | " + " | ".join(f"{s} M instructions/page" for s in systems)
          + " | trafilatura / micnews |\n|" + "---|" * (len(systems) + 3))
    for group in ("known family", "unknown family"):
        n = counts[(group, systems[0], 1)][1]["pages"]
        per = {s: (counts[(group, s, 1)][0] - counts[(group, s, 0)][0]) / n for s in systems}
        print(f"| {group} | {n} | " + " | ".join(f"{per[s] / 1e6:.1f}" for s in systems)
              + f" | {per['trafilatura'] / per['micnews']:.2f}× |")


def _startup(system: str, body: bytes) -> float:
    """CPU seconds of a fresh process that imports ``system`` and cleans one page."""
    code = ("import resource, sys\nBODY = sys.stdin.buffer.read()\n" + STARTUP[system]
            + "\nu = resource.getrusage(resource.RUSAGE_SELF)\nprint(u.ru_utime + u.ru_stime)")
    out = subprocess.run([sys.executable, "-c", code], input=body, capture_output=True,
                         cwd=ROOT, check=True)
    return float(out.stdout.decode().strip().splitlines()[-1])


def processes(args: argparse.Namespace, systems: list[str]) -> None:
    """``--processes N``: N rounds; in each, one fresh process per system and group, the
    systems' order reversed every other round (a slow spell of the shared machine hits
    both sides). Steady-state rate per process; medians and paired ratios over rounds."""
    import statistics

    groups = ("known family", "unknown family")
    rates: dict[tuple[str, str], list[float]] = {}
    n_pages: dict[str, int] = {}
    base = [sys.executable, str(Path(__file__).resolve()), "--shared", str(args.shared),
            "--zyte", str(args.zyte), "--repeat", str(args.repeat)]
    for rnd in range(args.processes):
        order = systems if rnd % 2 == 0 else systems[::-1]
        for group in groups:
            for system in order:
                out = subprocess.run(base + ["--child", system, "--child-group", group],
                                     capture_output=True, text=True, cwd=ROOT, check=True)
                got = json.loads(out.stdout.strip().splitlines()[-1])
                rates.setdefault((group, system), []).append(got["rate"])
                n_pages[group] = got["pages"]
    body = (ROOT / "tests" / "fixtures" / "realpages" / "fundus"
            / "vnexpress_2025_10_22.html").read_bytes()
    starts = {s: statistics.median(_startup(s, body) for _ in range(3)) for s in systems}
    head = ["pages", "n", *(f"{s} pages/s" for s in systems),
            *(f"micnews / {s}" for s in systems if s != "micnews")]
    print(f"`bench/speed_clean.py --processes {args.processes} --zyte {args.zyte} --repeat "
          f"{args.repeat}` — one process per system and group, alternated, {args.processes} "
          f"rounds; median steady-state pages per CPU-second; Python "
          f"{sys.version.split()[0]}, {os.cpu_count()} CPUs, load average at the end "
          f"{os.getloadavg()[0]:.1f}\n")
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    for group in groups:
        med = {s: statistics.median(rates[(group, s)]) for s in systems}
        ratios = [
            statistics.median(m / o for m, o in zip(rates[(group, "micnews")],
                                                   rates[(group, s)], strict=True))
            for s in systems if s != "micnews"]
        print("| " + " | ".join([group, str(n_pages[group]), *(f"{med[s]:.1f}" for s in systems),
                                  *(f"{r:.2f}×" for r in ratios)]) + " |")
    print("\nStart-up (a fresh process: import, then one page), CPU seconds: "
          + ", ".join(f"{s} {v:.2f}" for s, v in starts.items()))


def _samples(args: argparse.Namespace) -> list[Sample]:
    samples = (fixture_pages()
               + site_articles(ROOT / "tests" / "fixtures" / "sites", "fixture sites")
               + site_articles(ROOT / "crawler" / "demo" / "site", "demo site",
                               ROOT / "crawler" / "demo" / "expected.json")
               + realpages(args.shared) + zyte_pages(args.shared, args.zyte))
    classify(samples)
    return samples


# --- report ----------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--zyte", type=int, default=0, help="also N Zyte benchmark pages")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--top", type=int, default=30, help="profile lines to print")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--processes", type=int, default=0,
                        help="N alternated rounds of whole processes (steady state + start-up)")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions per page with valgrind (noise-free)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-passes", help=argparse.SUPPRESS)
    parser.add_argument("--child-group", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args)
    if args.child_passes:
        return _child_passes(args)
    if args.instructions:
        instructions(args, ["micnews", "trafilatura"])
        return 0
    if args.processes:
        names = ["micnews", "trafilatura"] + (["resiliparse"] if _resiliparse() else [])
        processes(args, names)
        return 0

    samples = (fixture_pages()
               + site_articles(ROOT / "tests" / "fixtures" / "sites", "fixture sites")
               + site_articles(ROOT / "crawler" / "demo" / "site", "demo site",
                                ROOT / "crawler" / "demo" / "expected.json")
               + realpages(args.shared) + zyte_pages(args.shared, args.zyte))
    if not (args.shared / "realpages").exists():
        print(f"# {args.shared}/realpages absent: realpages group skipped", file=sys.stderr)
    classify(samples)
    groups = {"known family": [s for s in samples if s.known],
              "unknown family": [s for s in samples if not s.known]}
    systems: dict[str, Callable[[Sample], int]] = {"micnews": run_micnews,
                                                  "trafilatura": run_trafilatura}
    resili = _resiliparse()
    if resili is None:
        print("# resiliparse not installed (pip install micnews[bench]): skipped",
              file=sys.stderr)
    else:
        systems["resiliparse"] = resili

    rows = []
    for group, pages in groups.items():
        by_source = {src: [s for s in pages if s.source == src]
                     for src in dict.fromkeys(s.source for s in pages)}
        subsets = [(group, pages)]
        if len(by_source) > 1:  # and each source alone: page sizes differ a lot between them
            subsets += [(f"{group}: {src}", sub) for src, sub in by_source.items()]
        for label, sub in subsets:
            rates = {name: pages_per_second(fn, sub, args.repeat) for name, fn in systems.items()}
            kb = sum(len(s.body) for s in sub) / len(sub) / 1024
            rows.append([label, str(len(sub)), f"{kb:.0f}"]
                        + [f"{rates[n]:.1f}" for n in systems]
                        + [f"{rates['micnews'] / rates['trafilatura']:.2f}×"])
    head = ["pages", "n", "mean KB", *(f"{n} pages/s" for n in systems),
            "micnews / trafilatura"]
    print(f"`bench/speed_clean.py --zyte {args.zyte} --repeat {args.repeat}` — one process, "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join("---" for _ in head) + "|")
        for r in rows:
            print("| " + " | ".join(r) + " |")
    else:
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
        print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
        for r in rows:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    if not args.no_profile:
        for group, pages in groups.items():
            if pages:
                print(f"\n## where micnews spends its time: {group} ({len(pages)} pages × "
                      f"{args.repeat}), top {args.top} by cumulative time\n")
                print(profile(pages * args.repeat, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
