"""Issue 13: exactly once, whatever happens.

Each test drives the real ``micnews crawl`` (a subprocess, the real Scrapy engine) against a
fixture site on a loopback :class:`~tests.faultserver.FaultServer` that misbehaves on
command, with real signals, a real full filesystem (tmpfs, when root) and a real Redis.
Each reports records expected vs present to the fault table (tests/conftest.py), asserts
they are equal, and asserts that no URL is in the dataset twice before any ``compact``.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from micnews.cleaners.dataset import load
from micnews.crawler.exitcodes import EXIT_DISK_FULL, EXIT_INTERRUPTED
from micnews.crawler.urls import canonical_url
from tests.faultserver import (
    MisbehavingSite,
    committed_urls,
    dataset_urls,
    report,
    truncated_gzip,
)
from tests.test_distributed import (  # noqa: F401 - fixtures: a throwaway redis-server
    redis_server,
    redis_url,
)

SITE = "mic-current"  # the `site` fixture (tests/conftest.py)


def no_url_twice(out: Path | str) -> list[str]:
    """The dataset's canonical URLs, asserting none is there twice (no compact has run)."""
    present = dataset_urls(out)
    twice = sorted(u for u, n in Counter(present).items() if n > 1)
    assert not twice, f"written twice: {twice}"
    return present


def next_run_completes(site: MisbehavingSite, out: Path, fault: str, test: str,
                       after_fault: tuple[set[str], list[str]] | None = None) -> None:
    """The run after the fault finishes the work: every article exactly once; reported."""
    again = site.crawl(out)
    assert again.returncode == 0, again.stderr[-3000:]
    present = no_url_twice(out)
    assert sorted(present) == sorted(site.urls()), "every article exactly once"
    report(fault, site.urls(), present, test, after_fault)


def texts(out: Path) -> dict[str, str]:
    rows = load(out).to_table(columns=["url", "text"]).to_pylist()
    return {canonical_url(r["url"]): r["text"] for r in rows}


# -- 1. truncated bodies ----------------------------------------------------------------------
@pytest.mark.e2e
def test_truncated_gzip_bodies_are_retried_never_written(site, tmp_path):
    """A gzip body cut short (Content-Length of the cut body, or close-delimited) is a failed
    fetch: retried, and if never whole, neither written nor committed; next run gets it."""
    healed = site.add_article("cut-once")  # cut once: the retry gets the whole page
    cut_len = site.add_article("cut-length")  # always cut, Content-Length = cut size
    cut_close = site.add_article("cut-close")  # always cut, close-delimited
    site.server.faults[healed] = truncated_gzip(times=1)
    site.server.faults[cut_len] = truncated_gzip()
    site.server.faults[cut_close] = truncated_gzip(content_length=False)
    out = tmp_path / "out"
    first = site.crawl(out)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "Traceback" not in first.stderr
    broken = site.urls({cut_len, cut_close})
    got = no_url_twice(out)
    after_fault = (committed_urls(out), got)
    assert sorted(got) == sorted(site.urls() - broken), "all but the cut ones"
    assert broken.isdisjoint(committed_urls(out)), "a cut page is not committed"
    assert site.server.paths().count(healed) == 2, "the cut page was asked again"
    body = texts(out)
    model = body[canonical_url(site.base + site.model_path)]
    assert body[canonical_url(site.base + healed)].endswith(model[-200:]), \
        "the retried page is whole, to its last paragraph"

    site.server.faults.clear()
    again = site.crawl(out)
    assert again.returncode == 0, again.stderr[-3000:]
    present = no_url_twice(out)
    assert sorted(present) == sorted(site.urls()), "every article exactly once"
    for url in broken:
        assert body_ends_like(texts(out)[url], model)
    report("gzip body cut short (Content-Length / close-delimited)", site.urls(), present,
           "test_truncated_gzip_bodies_are_retried_never_written", after_fault)


def body_ends_like(text: str, model: str) -> bool:
    return text.endswith(model[-200:])


def test_body_problem_reads_headers_and_stream_ends():
    import zlib

    from scrapy.http import Request, Response

    from micnews.crawler.completeness import body_problem

    page = "<html><body><p>Tin tức đầy đủ.</p></body></html>".encode() * 50

    def packed(wbits: int) -> bytes:
        packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
        return packer.compress(page) + packer.flush()

    def answer(body: bytes, flags=(), **headers) -> Response:
        return Response("http://x/a", body=body, headers=headers, flags=list(flags),
                        request=Request("http://x/a"))
    gz = packed(31)
    assert body_problem(answer(gz, **{"Content-Encoding": "gzip"})) is None
    assert body_problem(answer(gz + gz, **{"Content-Encoding": "gzip"})) is None  # 2 members
    assert body_problem(answer(gz[:-4], **{"Content-Encoding": "gzip"}))  # trailer cut
    bad_crc = gz[:-8] + bytes([gz[-8] ^ 1]) + gz[-7:]
    assert body_problem(answer(bad_crc, **{"Content-Encoding": "gzip"}))
    assert body_problem(answer(packed(15), **{"Content-Encoding": "deflate"})) is None
    assert body_problem(answer(packed(-15), **{"Content-Encoding": "deflate"})) is None
    assert body_problem(answer(packed(-15)[:-3], **{"Content-Encoding": "deflate"}))
    assert body_problem(answer(page, **{"Content-Length": str(len(page) + 1)}))
    assert body_problem(answer(page, **{"Content-Length": str(len(page))})) is None
    assert body_problem(answer(page, flags=["dataloss"]))
    assert body_problem(answer(page, flags=["partial"])) is None, "close-delimited, plain"
    assert body_problem(answer(gz, **{"Content-Encoding": "gzip"}), max_size=100) is None, \
        "past DOWNLOAD_MAXSIZE the size limit decides"


# -- 2. a real full filesystem ----------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path):
    """An 800 kB tmpfs (a real filesystem that fills up); skipped when it cannot be mounted."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=800k", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.strip()}")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path, leave: int = 0) -> None:
    """Take all the room on ``disk`` but ``leave`` bytes."""
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    with open(disk / "ballast", "wb") as fh:
        try:
            fh.write(b"\0" * max(0, free - leave))
            fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


def grow(disk: Path) -> None:
    """The operator extends the disk."""
    subprocess.run(["mount", "-o", "remount,size=32m", str(disk)], check=True)


def disk_full_line(result: subprocess.CompletedProcess, folder: Path) -> str:
    """The run's one ``error:`` line, which names the folder and says "disk full"."""
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr[-3000:]
    assert "disk full" in errors[0] and str(folder) in errors[0], errors[0]
    assert result.returncode == EXIT_DISK_FULL, result.stderr[-3000:]
    return errors[0]


def no_temp_files(out: Path) -> None:
    left = [p for p in out.rglob(".*") if p.is_file() and p.name != ".lock"]
    assert not left, f"temp files left: {left}"


@pytest.mark.e2e
def test_disk_full_mid_crawl_stops_at_once_in_one_line(site, small_disk):
    for i in range(30):
        site.add_article(f"disk-{i}")
    out = small_disk / "out"
    fill(small_disk, leave=300_000)  # the crawl itself fills the rest
    result = site.crawl(out, "--set", "MICNEWS_BATCH_SIZE=2")
    disk_full_line(result, out)
    assert len(result.stderr.splitlines()) <= 3, result.stderr[-3000:]
    no_temp_files(out)
    partial = no_url_twice(out)  # every file readable
    after_fault = (committed_urls(out), partial)
    assert committed_urls(out) <= set(partial), "every committed record is in the dataset"
    assert len(partial) < len(site.expected), "the disk did fill up"

    grow(small_disk)
    next_run_completes(site, out, "disk full mid-crawl (800 kB tmpfs)",
                       "test_disk_full_mid_crawl_stops_at_once_in_one_line", after_fault)


@pytest.mark.e2e
def test_disk_full_from_the_start_is_one_line(site, small_disk):
    out = small_disk / "out"
    out.mkdir()
    fill(small_disk)
    result = site.crawl(out)
    disk_full_line(result, out)
    no_temp_files(out)
    assert dataset_urls(out) == []

    grow(small_disk)
    next_run_completes(site, out, "disk full from the start (full tmpfs)",
                       "test_disk_full_from_the_start_is_one_line")


def test_every_exit_code_is_documented():
    import re

    from micnews.crawler import exitcodes
    from tests.conftest import ROOT

    codes = {v for k, v in vars(exitcodes).items() if k.startswith("EXIT_")}
    table = ROOT.joinpath("README.md").read_text("utf-8").split("Exit codes of `micnews crawl`")[1]
    documented = {int(c) for c in re.findall(r"^\| `(\d+)` \|", table, re.M)}
    assert codes == documented


# -- 3. kill -9 during a Parquet write --------------------------------------------------------
@pytest.mark.e2e
def test_kill9_mid_parquet_write_leaves_no_temp_file(site, tmp_path):
    """SIGKILL in the middle of a Parquet write leaves a partial dot-temp file; the next
    ``stats``, crawl and ``compact`` remove such leftovers (nobody holds their lock), and
    never the temp file of a writer that is alive."""
    import fcntl
    import shutil
    import signal

    import pyarrow.parquet as pq

    from tests.conftest import run_cli
    from tests.faultserver import crawl_held_mid_write

    for i in range(3):
        site.add_article(f"kill-{i}")
    out, ready = tmp_path / "out", tmp_path / "ready"
    proc = crawl_held_mid_write(site, out, ready, 2, "--set", "MICNEWS_BATCH_SIZE=1",
                                "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    _wait_for(ready.exists)  # the third file is half written
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    leftover = Path(ready.read_text())
    assert leftover.exists() and leftover.stat().st_size == 248
    with pytest.raises(Exception, match="magic bytes"):
        pq.read_table(leftover)
    partial = no_url_twice(out)
    after_fault = (committed_urls(out), partial)
    assert len(partial) == 2 and committed_urls(out) <= set(partial)
    spare = tmp_path / "leftover.bin"
    shutil.copy(leftover, spare)

    def leave_one(name: str) -> Path:  # another dead writer's leftover, as found on disk
        path = leftover.with_name(f".{name}.parquet.dead00.tmp")
        shutil.copy(spare, path)
        return path

    live = leftover.with_name(".part-live.parquet.live00.tmp")  # a writer that is alive
    live.write_bytes(b"PAR1")
    holder = os.open(live, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        stats = run_cli("stats", "--json", "--out", str(out))  # 1. stats
        assert stats.returncode == 0, stats.stderr[-3000:]
        assert json.loads(stats.stdout)["temp_files_removed"] == 1
        assert not leftover.exists() and live.exists()

        leave_one("part-crawl")  # 2. the next crawl's start-up
        again = site.crawl(out)
        assert again.returncode == 0, again.stderr[-3000:]
        assert temp_files(out) == [live]
        present = no_url_twice(out)
        assert sorted(present) == sorted(site.urls()), "every article exactly once"

        leave_one("part-compact")  # 3. compact
        compacted = run_cli("compact", "--out", str(out))
        assert compacted.returncode == 0, compacted.stderr[-3000:]
        assert temp_files(out) == [live], "the live writer's temp file stays"
    finally:
        os.close(holder)
    report("kill -9 mid Parquet write (temp file left)", site.urls(), present,
           "test_kill9_mid_parquet_write_leaves_no_temp_file", after_fault)


def temp_files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob(".*.tmp") if p.is_file())


def _wait_for(predicate, seconds: float = 60) -> None:
    """Poll a condition the process under test makes true (a gate, not a guess of time)."""
    import time

    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "the crawl never got there"
        time.sleep(0.05)


# -- 4. a second SIGTERM --------------------------------------------------------------------
@pytest.mark.e2e
def test_second_sigterm_exits_3_with_a_truthful_summary(site, tmp_path):
    """The first SIGTERM starts the graceful close, which waits for a download held by a
    gate; the second stops at once. Exit 3; the summary and the stats file count only the
    rows on disk; the next run completes."""
    import re
    import signal
    import sys
    import threading

    from tests.conftest import ROOT
    from tests.faultserver import FAST

    for i in range(4):
        site.add_article(f"term-{i}")
    held = site.add_article("held")
    gate = threading.Event()
    site.server.routes[held] = lambda _t: None if gate.wait(60) else None
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "micnews.crawler.cli", "crawl", site.base + "/", "--out",
         str(out), *FAST, "--set", "MICNEWS_BATCH_SIZE=2", "--log-level", "INFO"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "COLUMNS": "120"})
    lines: list[str] = []
    graceful = threading.Event()

    def read_stderr() -> None:
        for line in proc.stderr:
            lines.append(line)
            if "shutting down gracefully" in line:
                graceful.set()
    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    try:
        _wait_for(lambda: len(committed_urls(out)) >= 2)
        proc.send_signal(signal.SIGTERM)
        assert graceful.wait(60), "".join(lines)[-3000:]  # the first one was handled
        proc.send_signal(signal.SIGTERM)  # the close waits for the held page: force it
        stdout, _ = proc.communicate(timeout=60)
    finally:
        gate.set()
    reader.join(10)
    stderr = "".join(lines)
    assert proc.returncode == EXIT_INTERRUPTED, stderr[-3000:]
    assert "Traceback" not in stderr, stderr[-3000:]
    partial = no_url_twice(out)
    after_fault = (committed_urls(out), partial)
    written = int(re.search(r"articles written\s*│\s*(\d+)", stdout).group(1))
    assert written == len(partial), stdout
    runs = [json.loads(p.read_text()) for p in (out / "runs").glob("*.json")]
    assert len(runs) == 1, "the stats file is written"
    assert runs[0]["finish_reason"] == "shutdown_forced"
    assert runs[0].get("micnews/articles_written", 0) == len(partial)
    assert committed_urls(out) <= set(partial)
    next_run_completes(site, out, "second SIGTERM (forced stop)",
                       "test_second_sigterm_exits_3_with_a_truthful_summary", after_fault)


# -- 7. syndicated exact copies -----------------------------------------------------------------
@pytest.mark.e2e
def test_syndicated_exact_copies_are_each_their_own_row(fixture_expected, tmp_path):
    """Two sites carry the same articles (one copy's canonical link even names the
    original); crawled in one run, every URL is a row, and ``dedup`` points each copy's
    ``dup_of`` at the same original whatever the fetch order was."""
    from tests.conftest import run_cli
    from tests.faultserver import FAST

    origin = MisbehavingSite(SITE, fixture_expected[SITE], tmp_path / "origin")
    copy = MisbehavingSite(SITE, fixture_expected[SITE], tmp_path / "copy")
    try:
        syndicated = copy.file_of(copy.model_path)
        html = syndicated.read_text("utf-8")
        syndicated.write_text(html.replace(
            f'rel="canonical" href="{{{{BASE}}}}{copy.model_path}',
            f'rel="canonical" href="{origin.base}{copy.model_path}'), "utf-8")
        assert origin.base in syndicated.read_text("utf-8")
        out = tmp_path / "out"
        result = run_cli("crawl", origin.base + "/", copy.base + "/", "--out", str(out), *FAST)
        assert result.returncode == 0, result.stderr[-3000:]
        want = origin.urls() | copy.urls()
        present = no_url_twice(out)
        assert sorted(present) == sorted(want), "both copies of every article"
        dedup = run_cli("dedup", "--out", str(out))
        assert dedup.returncode == 0, dedup.stderr[-3000:]
        rows = load(out).to_table(columns=["url", "dup_of", "content_hash"]).to_pylist()
        by_hash: dict[str, list[dict]] = {}
        for row in rows:
            by_hash.setdefault(row["content_hash"], []).append(row)
        assert len(by_hash) == len(origin.expected), "same text, same content_hash"
        for pair in by_hash.values():
            first, second = sorted(pair, key=lambda r: (len(r["url"]), r["url"]))
            assert first["dup_of"] is None and second["dup_of"] == first["url"], pair
        report("syndicated exact copies on two sites, one run", want, present,
               "test_syndicated_exact_copies_are_each_their_own_row")
    finally:
        origin.stop()
        copy.stop()


def test_only_a_true_refetch_is_dropped():
    from micnews.cleaners.record import Record
    from micnews.crawler.duplicates import DuplicateRule, Verdict

    def record(url: str, text: str) -> Record:
        return Record(url=url, canonical_url=None, site="a.vn", family="generic", title="t",
                      lead=None, text=text, content_hash=text)

    rule = DuplicateRule()  # the DuplicatePipeline's rule
    assert rule.judge(record("http://a.vn/1", "x")) is Verdict.NEW
    assert rule.judge(record("http://b.vn/1", "x")) is Verdict.COPY, "a copy elsewhere: kept"
    assert rule.judge(record("http://a.vn/1", "y")) is Verdict.NEW, "edited meanwhile: kept"
    assert rule.judge(record("http://a.vn/1#top", "x")) is Verdict.REFETCH


# -- 9. --refresh -------------------------------------------------------------------------------
@pytest.mark.e2e
def test_refresh_fetches_every_article_and_writes_only_edited_ones(site, tmp_path):
    """``--refresh`` fetches every known article again; one whose text changed gets a new
    row (a new version), an unchanged one is counted, not written twice."""
    for i in range(3):
        site.add_article(f"refresh-{i}")
    out = tmp_path / "out"
    first = site.crawl(out)
    assert first.returncode == 0, first.stderr[-3000:]
    assert sorted(no_url_twice(out)) == sorted(site.urls())
    edited = next(p for p in site.expected if "refresh-1" in p)
    page = site.file_of(edited)
    page.write_text(page.read_text("utf-8").replace("Bản tin refresh-1:", "Bản tin đã sửa:"),
                    "utf-8")
    mark = len(site.server.requests)
    again = site.crawl(out, "--refresh")
    assert again.returncode == 0, again.stderr[-3000:]
    asked = set(site.server.paths()[mark:])
    assert set(site.expected) <= asked, "every known article was fetched again"
    rows = load(out).to_table(columns=["url", "content_hash"]).to_pylist()
    versions = Counter(canonical_url(r["url"]) for r in rows)
    want = {u: 1 for u in site.urls()} | {u: 2 for u in site.urls({edited})}
    assert dict(versions) == want, "a new row for the edited article only"
    assert len({(r["url"], r["content_hash"]) for r in rows}) == len(rows), "no row twice"
    runs = [json.loads(p.read_text()) for p in (out / "runs").glob("*.json")]
    stats = max(runs, key=lambda r: r["start_time"])  # names share a second, maybe
    assert stats["micnews/unchanged"] == len(site.expected) - 1
    assert stats["micnews/articles_written"] == 1
    report("--refresh (one of six edited)", set(want) | {f"{edited}#v2"},
           [u for u, n in versions.items() for _ in range(n)],
           "test_refresh_fetches_every_article_and_writes_only_edited_ones")


# -- 5. distributed: a retried request and a killed worker ------------------------------------
def _worker(redis: str, site: MisbehavingSite, out: Path, log: Path, *extra: str,
            target: str | None = None) -> subprocess.Popen:
    """A ``micnews crawl --redis`` worker of ``site`` (or of ``target``, a configured site:
    pass ``--sites-file`` in ``extra``), its output to the file ``log``."""
    import sys

    from tests.conftest import ROOT
    from tests.faultserver import FAST

    with open(log, "w") as fh:  # a file, not a pipe: nobody has to drain it meanwhile
        return subprocess.Popen(
            [sys.executable, "-m", "micnews.crawler.cli", "crawl", "--redis", redis,
             target or site.base + "/", "--out", str(out), *FAST, "--set", "CONCURRENT_REQUESTS=1",
             "--set", "MICNEWS_REDIS_HEARTBEAT_SECONDS=0.5",
             "--set", "MICNEWS_REDIS_WORKER_TTL=2", "--set", "MICNEWS_REDIS_IDLE_SECONDS=1",
             *extra], cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, text=True)


def _seed(redis: str, site: MisbehavingSite, out: Path, *extra: str,
          target: str | None = None) -> None:
    from tests.conftest import run_cli

    seeded = run_cli("crawl", "--redis", redis, "--seed", target or site.base + "/", "--out",
                     str(out), *extra)
    assert seeded.returncode == 0, seeded.stderr[-2000:]


def _finish(proc: subprocess.Popen, log: Path) -> str:
    try:
        proc.wait(timeout=120)
    finally:
        proc.kill()
        proc.wait()
    output = log.read_text()
    assert proc.returncode == 0, output[-3000:]
    return output


def _held_by_workers(client, path: str, kept: tuple[str, ...] = ("inflight", "done")) -> int:
    """Copies of the request for ``path`` claimed by a worker (in flight, or done and
    waiting for its Parquet commit) or waiting in the shared queue."""
    import pickle  # scrapy-redis's serializer (tests only read what the workers wrote)

    held = [data for name in kept
            for key in client.scan_iter(f"micnews:*:{name}:*") for data in client.hvals(key)]
    queued = [data for key in client.scan_iter("micnews:*:requests")
              for data in client.zrange(key, 0, -1)]
    return sum(urlsplit(pickle.loads(data)["url"]).path == path for data in held + queued)


def _claimed(client, path: str) -> int:
    """Copies queued or in a worker's hands not yet through its pipelines."""
    return _held_by_workers(client, path, kept=("inflight",))


@pytest.mark.e2e
def test_distributed_kill9_never_writes_an_article_twice(request, site, tmp_path):
    """Worker A (alone) gets a 500 for an article once it holds records it has not
    committed, so A keeps the original request's claim (in its done hash, waiting for the
    commit) while the retry copy is queued or in A's hands; from the 500 on the server
    answers A nothing (A is provably mid-flight), A is killed with SIGKILL, and both copies
    are requeued. Workers B and C take one copy each and fetch them at the same moment (the
    server answers neither until both asked), and neither commits before both copies went
    through its pipelines. The article is written once; every other article too."""
    import signal
    import threading

    import redis

    server = request.getfixturevalue("redis_url")  # tests/test_distributed.py's Redis
    flaky = site.add_article("retried")  # the site's three articles are A's records
    # linked from the retried article only, so queued once a copy of it is parsed: each of B
    # and C takes one next and is held there, busy (no idle flush, no commit) until both
    # copies went through the pipelines — the one-writer-per-URL claim has to decide, not
    # the crawl state's "committed already" (which a commit in between would answer)
    tails = [site.add_article(f"tail-{i}", link=False) for i in range(2)]
    page = site.file_of(flaky)
    page.write_text(page.read_text("utf-8").replace(
        "</body>", "".join(f'<a href="{t}">{t}</a>' for t in tails) + "</body>", 1), "utf-8")
    arrivals: list[int] = []
    lock = threading.Lock()
    records_waiting = threading.Event()  # A has records not committed: claims stay held
    held = site.server.gate  # every answer waits on it (cleared: A's requests stay unanswered)
    request.addfinalizer(held.set)  # A's held requests end (answered to closed sockets)
    both_asked = threading.Event()
    both_through = threading.Event()  # both copies left the workers' in-flight hashes

    def answer(_target: str):
        with lock:
            arrivals.append(1)
            n = len(arrivals)
        if n == 1:  # A's original request: a 500, once A holds uncommitted records
            records_waiting.wait(60)
            held.clear()  # from now on A gets no answer: what it sends next stays in flight
            return 500, {"Content-Type": "text/plain"}, b"busy"
        if n >= 3:
            both_asked.set()
        both_asked.wait(60)  # n = 2, 3: B's and C's copies, in flight together
        return None  # then served as usual
    site.server.routes[flaky] = answer
    for tail in tails:
        site.server.routes[tail] = lambda _t: None if both_through.wait(60) else None
    out = tmp_path / "out"
    client = redis.Redis.from_url(server)
    _seed(server, site, out)
    victim = _worker(server, site, out, tmp_path / "victim.log",
                     "--set", "CONCURRENT_REQUESTS=2",  # one slot keeps crawling meanwhile
                     "--set", "DOWNLOAD_TIMEOUT=60",  # the held request does not time out
                     "--set", "MICNEWS_RETRY_BACKOFF=0", "--set", "MICNEWS_REDIS_WORKER_TTL=1",
                     "--set", "MICNEWS_BATCH_SIZE=100", "--set", "MICNEWS_FLUSH_SECONDS=600")
    try:
        # a request A finished after scraping a record waits in A's done hash for the commit
        _wait_for(lambda: any(client.hlen(k) for k in client.scan_iter("micnews:*:done:*")))
        records_waiting.set()
        # the 500 is answered: A holds the original's claim, its retry copy exists too
        _wait_for(lambda: _held_by_workers(client, flaky) == 2)
        alive = list(client.scan_iter("micnews:*:alive:*"))
        assert len(alive) == 1, alive
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
    finally:
        victim.kill()
        victim.wait()
        records_waiting.set()
    # A's requests stay held on the old gate (never reaching the route); B and C get a new one
    site.server.gate = threading.Event()
    site.server.gate.set()
    _wait_for(lambda: not client.exists(*alive))  # A's heartbeat expired: A is dead
    logs = [tmp_path / f"rescuer-{i}.log" for i in range(2)]
    # one claim at a time, so B and C take a copy each; the first copy asked waits for the
    # other worker to start and ask too: no timeout meanwhile
    one_claim = ["--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "--set", "MICNEWS_REDIS_PREFETCH=0",
                 "--set", "MICNEWS_FLUSH_SECONDS=600", "--set", "DOWNLOAD_TIMEOUT=60"]
    rescuers = [_worker(server, site, out, log, *one_claim) for log in logs]
    try:
        _wait_for(lambda: len(arrivals) >= 3 and not _claimed(client, flaky))
        both_through.set()
        outputs = [_finish(w, log) for w, log in zip(rescuers, logs, strict=True)]
    finally:
        both_asked.set()
        both_through.set()
        for w in rescuers:
            w.kill()
            w.wait()
    assert len(arrivals) == 3, ("both copies were fetched again", outputs)
    present = no_url_twice(out)
    assert sorted(present) == sorted(site.urls()), ("every article exactly once", outputs)
    runs = [json.loads(p.read_text()) for p in (out / "runs").glob("*.json")]
    assert sum(r.get("micnews/written_by_another_worker", 0) for r in runs) >= 1, \
        "one copy was refused by the one-writer-per-URL claim"
    report("distributed: retry copy + kill -9 (3 workers)", site.urls(), present,
           "test_distributed_kill9_never_writes_an_article_twice")


# -- 6. robots.txt before any request ------------------------------------------------------------
@pytest.mark.e2e
def test_no_request_leaves_before_robots_rules_are_known(site, tmp_path):
    """robots.txt (``Disallow: /admin/``) cannot be fetched at first (the connection is reset
    on both tries of the first attempt): Scrapy would then allow everything. The rules are
    fetched again and nothing under /admin/ is ever asked; every article is written."""
    from tests.faultserver import reset_mid_body

    site.server.faults["/robots.txt"] = reset_mid_body(times=2)  # RETRY_TIMES=1: 2 tries
    site.link_from_home(["/admin/index.php", "/admin/"])
    out = tmp_path / "out"
    result = site.crawl(out)
    assert result.returncode == 0, result.stderr[-3000:]
    paths = site.server.paths()
    assert paths.count("/robots.txt") >= 3, "fetched again after the failed attempt"
    assert not [p for p in paths if p.startswith("/admin")], paths
    stats = json.loads(next((out / "runs").glob("*.json")).read_text())
    assert stats.get("robotstxt/forbidden", 0) >= 1
    present = no_url_twice(out)
    assert sorted(present) == sorted(site.urls())
    report("robots.txt unreachable at first (reset twice)", site.urls(), present,
           "test_no_request_leaves_before_robots_rules_are_known")


@pytest.mark.e2e
def test_no_worker_sends_a_request_before_it_knows_the_robots_rules(request, site, tmp_path):
    """Three workers on one Redis; the site's robots.txt says ``Disallow: /admin/``, its
    configured entry points and its home page name /admin/ pages. Every robots.txt answer is
    held until all three workers wait for their rules, each holding a claimed request (no
    page may be asked meanwhile); then the server, under load, answers 503 to each worker's
    first fetch (both tries) before it serves the rules. Scrapy would then allow everything;
    no worker asks anything under /admin/, the /admin/ requests end as
    ``robotstxt/forbidden``, and every article is written once."""
    import threading

    import redis

    server = request.getfixturevalue("redis_url")  # tests/test_distributed.py's Redis
    admin = ["/admin/index.php", "/admin/login.php"]
    site.link_from_home(admin)
    sites_file = tmp_path / "sites.toml"
    start = [site.base + p for p in [*admin, "/tin-tuc.htm", "/rss/tin-tuc.rss"]]
    sites_file.write_text(f'[gated]\nroot = "{site.base}/"\nstart = {json.dumps(start)}\n')
    asked: list[int] = []
    lock = threading.Lock()
    all_waiting, release = threading.Event(), threading.Event()
    request.addfinalizer(release.set)

    def robots(_target: str):
        with lock:
            asked.append(1)
            n = len(asked)
        if n <= 3:  # one fetch per worker: held until the three wait for their rules
            if n == 3:
                all_waiting.set()
            release.wait(60)
        if n <= 6:  # each worker's first fetch and its retry (RETRY_TIMES=1)
            return 503, {"Content-Type": "text/plain"}, b"busy"
        return None  # then the rules
    site.server.routes["/robots.txt"] = robots
    out = tmp_path / "out"
    client = redis.Redis.from_url(server)
    opts = ["--sites-file", str(sites_file)]
    _seed(server, site, out, *opts, target="gated")
    logs = [tmp_path / f"worker-{i}.log" for i in range(3)]
    workers = [_worker(server, site, out, log, *opts, "--set", "DOWNLOAD_TIMEOUT=60",
                       "--set", "MICNEWS_RETRY_BACKOFF=0", target="gated") for log in logs]
    try:
        assert all_waiting.wait(60), "three workers asked for robots.txt"
        claimed = [client.hlen(k) for k in client.scan_iter("micnews:*:inflight:*")]
        assert len(claimed) == 3 and all(claimed), ("each worker holds a request", claimed)
        assert [p for p in site.server.paths() if p != "/robots.txt"] == [], \
            "a request left before its worker knew the rules"
        release.set()
        outputs = [_finish(w, log) for w, log in zip(workers, logs, strict=True)]
    finally:
        release.set()
        for w in workers:
            w.kill()
            w.wait()
    paths = site.server.paths()
    assert not [p for p in paths if p.startswith("/admin")], paths
    runs = [json.loads(p.read_text()) for p in (out / "runs").glob("*.json")]
    assert len(runs) == 3, outputs
    assert all(r.get("robotstxt/response_status_count/200", 0) >= 1 for r in runs), \
        "every worker learned the rules"
    assert sum(r.get("robotstxt/forbidden", 0) for r in runs) >= len(admin), runs
    present = no_url_twice(out)
    assert sorted(present) == sorted(site.urls()), ("every article exactly once", outputs)
    report("distributed: robots.txt held, then 503 (3 workers)", site.urls(), present,
           "test_no_worker_sends_a_request_before_it_knows_the_robots_rules")


@pytest.mark.e2e
def test_a_site_whose_robots_rules_stay_unknown_gets_no_request(site, tmp_path):
    """robots.txt answers 503 to every fetch (each of the ``MICNEWS_ROBOTS_ATTEMPTS``, with
    its retries): the site gets no other request this run, ``micnews/robots_unknown`` says
    why, nothing is written or committed; the next run (robots.txt back) gets every article."""
    site.server.routes["/robots.txt"] = lambda _t: (503, {"Content-Type": "text/plain"}, b"busy")
    out = tmp_path / "out"
    first = site.crawl(out, "--set", "MICNEWS_RETRY_BACKOFF=0")
    assert "Traceback" not in first.stderr, first.stderr[-3000:]
    assert "nothing is sent to that site this run" in first.stderr, first.stderr[-3000:]
    paths = site.server.paths()
    assert set(paths) == {"/robots.txt"}, paths
    assert len(paths) == 3 * 2, "3 attempts, each with its retry (RETRY_TIMES=1)"
    # no page was reached: a failed run (exit 1) that says why, and leaves nothing behind
    assert first.returncode == 1, first.stderr[-3000:]
    errors = [line for line in first.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "robots.txt of" in errors[0] and "could not be read" in \
        errors[0], first.stderr[-3000:]
    assert not (out / "runs").exists() and dataset_urls(out) == []
    assert committed_urls(out) == set()
    del site.server.routes["/robots.txt"]
    next_run_completes(site, out, "robots.txt 503 for a whole run",
                       "test_a_site_whose_robots_rules_stay_unknown_gets_no_request",
                       (committed_urls(out), []))
