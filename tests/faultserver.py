"""A loopback site that misbehaves on command, for the fault-injection suite.

:class:`FaultServer` is a :class:`micnews.crawler.demo.server.SiteServer` whose ``faults`` map a
path to a raw behaviour on the socket (connection reset mid-body, endless body,
slow-loris headers or body); everything else is served as usual, including the scripted
``routes`` (redirects, bombs). :class:`MisbehavingSite` is a copy of a fixture site on
such a server with helpers to add articles and links, crawl it through the CLI and read
what the dataset and the crawl state hold. :data:`FAULT_RESULTS` collects, per fault, the
records expected and present; ``tests/conftest.py`` prints them as a table.
"""

from __future__ import annotations

import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from micnews.cleaners.dataset import articles_dir, load
from micnews.crawler.demo.server import SiteServer, _Handler, _QuietServer, resolve
from micnews.crawler.urls import canonical_url
from tests.conftest import ROOT, SITES_DIR, run_cli

# Fast, bounded settings for every crawl of the suite.
FAST = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False",
        "--set", "RETRY_TIMES=1", "--set", "DOWNLOAD_TIMEOUT=3",
        "--set", "DOWNLOAD_MAXSIZE=1048576", "--set", "DOWNLOAD_WARNSIZE=524288",
        "--set", "MICNEWS_MAX_CALENDAR_PAGES=10"]

# A raw fault: gets the request handler, answers on its socket; False = serve normally.
Fault = Callable[[BaseHTTPRequestHandler], bool]


@dataclass
class FaultResult:
    """One line of the fault table: records expected vs records present."""

    fault: str
    expected: int
    present: int  # after the next run (or after the one run of a hostile-server test)
    test: str
    committed: int | None = None  # records committed when the fault struck...
    kept: int | None = None  # ...and of those, the ones in the dataset right after it


FAULT_RESULTS: list[FaultResult] = []


def report(fault: str, expected: set[str], present: list[str], test: str,
           after_fault: tuple[set[str], list[str]] | None = None) -> None:
    """Add a line to the fault table (asserting is the test's job). ``after_fault``: the
    URLs committed in the crawl state and the URLs in the dataset, right after the fault."""
    line = FaultResult(fault, len(expected), len(present), test)
    if after_fault is not None:
        committed, rows = after_fault
        line.committed, line.kept = len(committed), len(committed & set(rows))
    FAULT_RESULTS.append(line)


# -- raw behaviours -------------------------------------------------------------------------
def _head(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str]) -> None:
    handler.site._log(handler.command, handler.path, status)  # type: ignore[attr-defined]
    lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in headers.items()]
    handler.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    handler.wfile.flush()


def _reset(handler: BaseHTTPRequestHandler) -> None:
    """Close with RST (SO_LINGER 0) instead of FIN: the client sees a connection reset."""
    handler.close_connection = True
    sock = handler.connection
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def reset_mid_body(times: int = 10**9) -> Fault:
    """Promise 50 kB, send 2 kB, reset; the first ``times`` requests, then serve normally."""
    calls = []

    def fault(handler: BaseHTTPRequestHandler) -> bool:
        calls.append(1)
        if len(calls) > times:
            return False
        _head(handler, 200, {"Content-Type": "text/html; charset=utf-8",
                             "Content-Length": "50000"})
        handler.wfile.write(b"<html><head><title>cut</title></head><body><p>" + b"x" * 2000)
        handler.wfile.flush()
        time.sleep(0.05)
        _reset(handler)
        return True
    return fault


def truncated_gzip(keep: float = 0.6, content_length: bool = True,
                   times: int = 10**9) -> Fault:
    """Serve the page gzip-encoded but only the first ``keep`` of the compressed stream
    (no trailer): with a ``Content-Length`` that matches the cut body (a broken upstream),
    or close-delimited (the connection just ends). The first ``times`` requests."""
    calls = []

    def fault(handler: BaseHTTPRequestHandler) -> bool:
        calls.append(1)
        if len(calls) > times:
            return False
        site = handler.site  # type: ignore[attr-defined]
        file = resolve(site.root, handler.path)
        assert file is not None, handler.path
        body = file.read_bytes().replace(b"{{BASE}}", site.base_url.encode())
        packer = zlib.compressobj(6, zlib.DEFLATED, 31)
        cut = (packer.compress(body) + packer.flush())
        cut = cut[:int(len(cut) * keep)]
        headers = {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}
        if content_length:
            headers["Content-Length"] = str(len(cut))
        else:
            headers["Connection"] = "close"
            handler.close_connection = True
        _head(handler, 200, headers)
        handler.wfile.write(cut)
        handler.wfile.flush()
        return True
    return fault


def endless_body(limit_seconds: float = 20.0) -> Fault:
    """A 200 without Content-Length whose body never ends (until the client hangs up)."""
    def fault(handler: BaseHTTPRequestHandler) -> bool:
        handler.close_connection = True
        _head(handler, 200, {"Content-Type": "text/html; charset=utf-8", "Connection": "close"})
        chunk = b"<p>" + "Tin tức mãi không hết. ".encode() * 2000 + b"</p>\n"
        deadline = time.monotonic() + limit_seconds
        try:
            handler.wfile.write(b"<html><body>")
            while time.monotonic() < deadline:
                handler.wfile.write(chunk)
        except OSError:
            pass
        return True
    return fault


def slow_loris(interval: float = 0.5, limit_seconds: float = 15.0, in_headers: bool = False
               ) -> Fault:
    """Trickle one byte every ``interval`` seconds (in the headers, or in the body)."""
    def fault(handler: BaseHTTPRequestHandler) -> bool:
        handler.close_connection = True
        handler.site._log(handler.command, handler.path, 200)  # type: ignore[attr-defined]
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        if in_headers:
            trickle = head + b"X-Slow: " + b"a" * 1000
        else:
            handler.wfile.write(head + b"Content-Length: 100000\r\n\r\n")
            trickle = b"<html><body>" + b"x" * 1000
        deadline = time.monotonic() + limit_seconds
        try:
            for byte in trickle:
                if time.monotonic() > deadline:
                    break
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(interval)
        except OSError:
            pass
        return True
    return fault


def bomb(encoding: str, size: int = 64 * 1024 * 1024) -> tuple[int, dict[str, str], bytes]:
    """A route answer: ``size`` bytes of HTML-ish zeros compressed to about ``size``/1000."""
    raw = b"<html><body><p>" + b"0" * size
    if encoding == "gzip":
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip wrapper
    else:
        packer = zlib.compressobj(9, zlib.DEFLATED, 15)  # zlib wrapper ("deflate")
    body = packer.compress(raw) + packer.flush()
    return 200, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": encoding}, body


class _FaultHandler(_Handler):
    def _serve(self, head: bool) -> None:
        fault = self.site.faults.get(urlsplit(self.path).path)  # type: ignore[attr-defined]
        if fault is not None and fault(self):
            return
        super()._serve(head)


class FaultServer(SiteServer):
    """A SiteServer whose ``faults`` (path -> :data:`Fault`) answer on the raw socket."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(root, host, port)
        self.faults: dict[str, Fault] = {}

    def start(self) -> FaultServer:
        """Bind and serve in a daemon thread (the fault-aware handler); returns self."""
        import threading

        handler = type("FaultHandler", (_FaultHandler,), {"site": self})
        self._httpd = _QuietServer((self.host, self.port), handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        name=f"fault-{self.root.name}", daemon=True)
        self._thread.start()
        return self

    def paths(self) -> list[str]:
        """Every path requested so far."""
        return [urlsplit(t).path for _m, t, _s in self.requests]


# -- a fixture site on a fault server --------------------------------------------------------
class MisbehavingSite:
    """A copy of fixture site ``name`` on a :class:`FaultServer`, and an off-site neighbour
    that must never be asked for anything."""

    def __init__(self, name: str, expected: dict, tmp: Path) -> None:
        self.root = tmp / f"site-{name}"
        shutil.copytree(SITES_DIR / name, self.root)
        self.expected = dict(expected)
        (tmp / f"neighbour-{name}").mkdir()
        self.other = SiteServer(tmp / f"neighbour-{name}").start()
        self.server = FaultServer(self.root).start()
        self.model_path, self.model = next(iter(self.expected.items()))

    @property
    def base(self) -> str:
        """The site's base URL."""
        return self.server.base_url

    def file_of(self, path: str) -> Path:
        """The served file of ``path``."""
        found = resolve(self.root, path)
        assert found is not None, path
        return found

    def add_article(self, tag: str, link: bool = True) -> str:
        """A new article (a tagged copy of the first one) at a new path; returns the path."""
        stem, _dot, ext = self.model_path.rpartition(".")
        new = f"{stem}-{tag}.{ext}"
        html = self.file_of(self.model_path).read_text("utf-8")
        words = self.model["body_first_words"]
        html = (html.replace(self.model_path, new)
                .replace(self.model["title"], f"{self.model['title']} ({tag})")
                .replace(words, f"Bản tin {tag}: {words}"))
        assert f"Bản tin {tag}" in html, "the copy must differ in its text"
        target = self.root / new.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, "utf-8")
        self.expected[new] = {**self.model, "title": f"{self.model['title']} ({tag})"}
        if link:
            self.link_from_home([new])
        return new

    def link_from_home(self, hrefs: list[str]) -> None:
        """Append links to the home page."""
        home = self.file_of("/")
        block = "".join(f'<a href="{escape(h)}">{escape(h)}</a>\n' for h in hrefs)
        home.write_text(home.read_text("utf-8").replace("</body>", block + "</body>", 1),
                        "utf-8")

    def urls(self, paths: set[str] | None = None) -> set[str]:
        """Canonical URLs of ``paths`` (default: every expected article)."""
        return {canonical_url(self.base + p) for p in (self.expected if paths is None else paths)}

    def crawl(self, out: Path, *extra: str, target: str | None = None):
        """``micnews crawl`` of this site into ``out`` with the suite's fast settings."""
        return run_cli("crawl", target or self.base + "/", "--out", str(out), *FAST, *extra,
                       timeout=120)

    def popen(self, out: Path, *extra: str, **kwargs) -> subprocess.Popen:
        """The same crawl, started in the background."""
        return subprocess.Popen(
            [sys.executable, "-m", "micnews.crawler.cli", "crawl", self.base + "/",
             "--out", str(out), *FAST, *extra], cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kwargs)

    def stop(self) -> None:
        """Stop both servers."""
        self.server.stop()
        self.other.stop()


def dataset_urls(out: Path) -> list[str]:
    """Canonical URLs of every row of the dataset (reading every file: it must be readable)."""
    if not articles_dir(out).exists():
        return []
    return [canonical_url(u) for u in load(out).to_table(columns=["url"]).column("url")
            .to_pylist()]


def committed_urls(out: Path) -> set[str]:
    """Articles the crawl state says are in the dataset."""
    path = out / "state.sqlite"
    if not path.exists():
        return set()
    db = sqlite3.connect(path)
    try:
        rows = db.execute("SELECT url FROM urls WHERE kind = 'article' AND committed = 1")
        return {canonical_url(r[0]) for r in rows}
    except sqlite3.OperationalError:  # the state was never created (the disk was full)
        return set()
    finally:
        db.close()


# The crawl command with the disk filling up under one writer: ``write_table`` (Parquet)
# or ``write_record`` (WARC) succeeds ``after`` times, then writes half and fails ENOSPC
# (``times`` times, 0 = for good; then the space comes back).
_FULL_DISK = r"""
import errno, sys
import pyarrow.parquet as pq
import micnews.crawler.warc as warc
from pathlib import Path
what, after, times = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
calls = []

def full(real, write_half):
    def writer(*args, **kwargs):
        calls.append(1)
        if len(calls) > after and (not times or len(calls) <= after + times):
            write_half(*args)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)
    return writer

if what == "parquet":
    pq.write_table = full(pq.write_table, lambda table, where: Path(where).write_bytes(b"PAR1"))
else:
    real = warc.WARCWriter.write_record
    def half(self, record, *rest):
        self.out.write(b"\x1f\x8b\x08\x00 half a gzip member")
    warc.WARCWriter.write_record = full(real, half)
sys.argv = ["micnews", *sys.argv[4:]]
from micnews.crawler.cli import main
main()
"""


def crawl_with_full_disk(site: MisbehavingSite, out: Path, what: str, after: int,
                         *extra: str, times: int = 0) -> subprocess.CompletedProcess:
    """``micnews crawl`` of ``site`` whose ``what`` (parquet|warc) writes fail after ``after``
    (``times`` writes, or all of them)."""
    return subprocess.run(
        [sys.executable, "-c", _FULL_DISK, what, str(after), str(times), "crawl",
         site.base + "/",
         "--out", str(out), *FAST, *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=120)


# The crawl command whose Parquet write number ``after + 1`` writes ``keep`` bytes of its
# file, touches ``ready`` and then waits for ever (the test kills it there with SIGKILL).
_HOLD_WRITE = r"""
import io, sys, threading
import pyarrow.parquet as pq
from pathlib import Path
ready, after, keep = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
real, calls = pq.write_table, []

def held(table, where, **kwargs):
    calls.append(1)
    if len(calls) <= after:
        return real(table, where, **kwargs)
    buffer = io.BytesIO()
    real(table, buffer, **kwargs)
    with open(where, "wb") as fh:
        fh.write(buffer.getvalue()[:keep])
    staged = ready.with_name(ready.name + ".tmp")  # rename: the test never reads it half-written
    staged.write_text(str(where))
    staged.rename(ready)
    threading.Event().wait()  # held mid-write until killed

pq.write_table = held
sys.argv = ["micnews", *sys.argv[4:]]
from micnews.crawler.cli import main
main()
"""


def crawl_held_mid_write(site: MisbehavingSite, out: Path, ready: Path, after: int,
                         *extra: str, keep: int = 248) -> subprocess.Popen:
    """``micnews crawl`` of ``site`` that stops in the middle of Parquet write ``after + 1``
    (``keep`` bytes written to its temp file) and writes that file's name to ``ready``."""
    return subprocess.Popen(
        [sys.executable, "-c", _HOLD_WRITE, str(ready), str(after), str(keep), "crawl",
         site.base + "/", "--out", str(out), *FAST, *extra],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
