"""Web archives on 127.0.0.1 for the archive-mode tests (tests/test_archive.py).

* :func:`build_warc` writes captures of a fixture site (fetched from its loopback server)
  into a ``.warc.gz`` with warcio, each under its original URL and capture time.
* :class:`Pywb` runs a real pywb (``wayback``) over a collection of those WARCs. pywb pins
  ``redis==2.10.6`` (and older cryptography/pyOpenSSL/Werkzeug) while micnews needs redis>=5
  (scrapy-redis, the distributed crawl), so pywb cannot share our environment: it lives in
  its own virtualenv, created once by :func:`pywb_venv` under ``~/.cache/micnews/``
  (``MICNEWS_PYWB_VENV`` names another; pip needs PyPI the first time only).
* :class:`GateProxy` sits in front of pywb and answers ``429 Retry-After`` once on command.
* :class:`CommonCrawlServer` is a Common Crawl look-alike: ``collinfo.json``, a paged
  ``{CRAWL}-index`` answering JSON lines (as index.commoncrawl.org does) and WARC files
  served only by HTTP range requests.
"""

from __future__ import annotations

import fcntl
import http.client
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

PYWB_VERSION = "2.10.0"


@dataclass
class Snapshot:
    """One capture to put in a WARC: ``url`` (original) at ``when`` (UTC, 14 digits)."""

    url: str
    when: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def fetch_snapshot(live_url: str, original_url: str, when: str) -> Snapshot:
    """GET ``live_url`` (a loopback fixture site) and keep it as ``original_url`` at ``when``."""
    try:
        with urllib.request.urlopen(live_url, timeout=10) as resp:  # noqa: S310 - loopback
            status, headers, body = resp.status, list(resp.headers.items()), resp.read()
    except urllib.error.HTTPError as exc:
        status, headers, body = exc.code, list(exc.headers.items()), exc.read()
    keep = [(k, v) for k, v in headers if k.lower() in ("content-type", "last-modified")]
    return Snapshot(original_url, when, status, keep, body)


def build_warc(path: Path, snapshots: list[Snapshot]) -> list[dict]:
    """Write ``snapshots`` as gzipped WARC response records; return their CDX rows
    (Common Crawl's JSON fields: url, timestamp, mime, status, digest, filename, offset,
    length)."""
    rows = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for snap in snapshots:
            reason = {200: "OK", 404: "Not Found"}.get(snap.status, "OK")
            http_headers = StatusAndHeaders(
                f"{snap.status} {reason}",
                [*snap.headers, ("Content-Length", str(len(snap.body)))], protocol="HTTP/1.1")
            date = datetime.strptime(snap.when, "%Y%m%d%H%M%S").strftime("%Y-%m-%dT%H:%M:%SZ")
            record = writer.create_warc_record(
                snap.url, "response", payload=io.BytesIO(snap.body), http_headers=http_headers,
                warc_headers_dict={"WARC-Date": date})
            offset = fh.tell()
            writer.write_record(record)
            mime = dict((k.lower(), v) for k, v in snap.headers).get("content-type", "")
            rows.append({"url": snap.url, "timestamp": snap.when,
                         "mime": mime.split(";")[0].strip(), "status": str(snap.status),
                         "digest": record.rec_headers.get_header("WARC-Payload-Digest"),
                         "filename": path.name, "offset": str(offset),
                         "length": str(fh.tell() - offset)})
    return rows


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pywb_venv() -> Path:
    """A virtualenv with pywb (created once, under a file lock: parallel workers wait)."""
    venv = Path(os.environ.get("MICNEWS_PYWB_VENV")
                or Path.home() / ".cache" / "micnews" / f"pywb-{PYWB_VERSION}")
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f".{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / "bin" / "wayback").exists():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
            subprocess.run([str(venv / "bin" / "pip"), "install", "-q",
                            f"pywb=={PYWB_VERSION}"], check=True)
    return venv


class Pywb:
    """``wayback`` serving collection ``coll`` of ``warcs`` on a loopback port."""

    def __init__(self, root: Path, warcs: list[Path], coll: str = "coll") -> None:
        self.root, self.coll = root, coll
        self.bin = pywb_venv() / "bin"
        subprocess.run([str(self.bin / "wb-manager"), "init", coll], cwd=root, check=True,
                       capture_output=True)
        subprocess.run([str(self.bin / "wb-manager"), "add", coll, *map(str, warcs)],
                       cwd=root, check=True, capture_output=True)
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The collection's replay prefix (what ``--archive-url`` takes)."""
        return f"http://127.0.0.1:{self.port}/{self.coll}"

    def start(self) -> Pywb:
        self.proc = subprocess.Popen(
            [str(self.bin / "wayback"), "-b", "127.0.0.1", "-p", str(self.port)],
            cwd=self.root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # ready when its index answers
            if self.proc.poll() is not None:
                raise RuntimeError(f"pywb exited: {self.proc.stderr.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/cdx?url=x", timeout=2):  # noqa: S310
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("pywb did not answer in 60 s")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)


class _Server:
    """A threading HTTP server on a free loopback port, handler given by the subclass."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, int]] = []  # (path with query, status)
        self.agents: set[str] = set()  # User-Agent headers seen
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                status, headers, body = owner.answer(self)
                with owner._lock:
                    owner.requests.append((self.path, status))
                    owner.agents.add(self.headers.get("User-Agent", ""))
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self, handler: BaseHTTPRequestHandler) -> tuple[int, list, bytes]:
        raise NotImplementedError

    def paths(self, since: int = 0) -> list[str]:
        with self._lock:
            return [p for p, _s in self.requests[since:]]

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class GateProxy(_Server):
    """Forwards GETs to ``upstream``; :meth:`fail_once` makes the next matching request
    answer ``status`` with ``Retry-After`` instead (a rate-limiting archive), :meth:`hold`
    keeps the next matching one waiting until the test releases it."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream)
        self._fail: tuple[str, int, str] | None = None
        self._hold: tuple[str, threading.Event, threading.Event] | None = None
        super().__init__()

    def fail_once(self, path_contains: str, status: int = 429, retry_after: str = "1") -> None:
        self._fail = (path_contains, status, retry_after)

    def hold(self, path_contains: str) -> tuple[threading.Event, threading.Event]:
        """(reached, release): set when the request arrives / set it to let it through."""
        reached, release = threading.Event(), threading.Event()
        self._hold = (path_contains, reached, release)
        return reached, release

    def answer(self, handler: BaseHTTPRequestHandler) -> tuple[int, list, bytes]:
        with self._lock:
            fail = self._fail
            if fail and fail[0] in handler.path:
                self._fail = None
        if fail and fail[0] in handler.path:
            return fail[1], [("Retry-After", fail[2])], b"slow down"
        hold = self._hold
        if hold and hold[0] in handler.path:
            self._hold = None
            hold[1].set()
            hold[2].wait(60)
        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=30)
        try:
            conn.request("GET", handler.path, headers={"User-Agent": handler.headers.get(
                "User-Agent", "")})
            resp = conn.getresponse()
            body = resp.read()
            skip = {"content-length", "transfer-encoding", "connection"}
            return resp.status, [(k, v) for k, v in resp.getheaders()
                                 if k.lower() not in skip], body
        finally:
            conn.close()


class CommonCrawlServer(_Server):
    """``/collinfo.json``, ``/{crawl}-index`` (JSON lines, ``showNumPages`` and ``page``)
    and WARC files under ``/crawl-data/`` answered only to ``Range`` requests."""

    def __init__(self, crawls: dict[str, tuple[str, str, list[dict]]], warc_dir: Path,
                 page_size: int = 3) -> None:
        self.crawls = crawls  # id -> (from ISO, to ISO, CDX rows)
        self.warc_dir = warc_dir
        self.page_size = page_size
        super().__init__()

    def answer(self, handler: BaseHTTPRequestHandler) -> tuple[int, list, bytes]:
        parts = urlsplit(handler.path)
        if parts.path == "/collinfo.json":
            info = [{"id": c, "name": c, "from": f, "to": t,
                     "cdx-api": f"https://index.commoncrawl.org/{c}-index"}
                    for c, (f, t, _rows) in self.crawls.items()]
            return 200, [("Content-Type", "application/json")], json.dumps(info).encode()
        if parts.path.endswith("-index"):
            return self._index(parts.path[1:-len("-index")], parse_qs(parts.query))
        if parts.path.startswith("/crawl-data/"):
            return self._range(parts.path.rpartition("/")[2], handler.headers.get("Range"))
        return 404, [], b"not found"

    def _index(self, crawl: str, query: dict[str, list[str]]) -> tuple[int, list, bytes]:
        if crawl not in self.crawls:
            return 404, [], b"no such crawl"
        want = query.get("url", [""])[0].split("/")[0]
        rows = [r for r in self.crawls[crawl][2] if urlsplit(r["url"]).netloc == want]
        pages = [rows[i:i + self.page_size] for i in range(0, len(rows), self.page_size)]
        if query.get("showNumPages") == ["true"]:
            body = {"pages": len(pages), "pageSize": self.page_size, "blocks": len(pages)}
            return 200, [("Content-Type", "application/json")], json.dumps(body).encode()
        page = int(query.get("page", ["0"])[0])
        if page >= len(pages):
            return 400, [], b"page out of range"
        lines = "".join(json.dumps({"urlkey": r["url"], **r}) + "\n" for r in pages[page])
        return 200, [("Content-Type", "text/x-ndjson")], lines.encode()

    def _range(self, name: str, spec: str | None) -> tuple[int, list, bytes]:
        path = self.warc_dir / name
        if not path.is_file():
            return 404, [], b"no such file"
        if not spec or not spec.startswith("bytes="):
            return 403, [], b"range requests only"
        first, _, last = spec[len("bytes="):].partition("-")
        data = path.read_bytes()
        start, stop = int(first), int(last) + 1
        return 206, [("Content-Type", "application/octet-stream"),
                     ("Content-Range", f"bytes {start}-{stop - 1}/{len(data)}")], data[start:stop]


def answer_with(status: int, headers: dict[str, str]) -> Callable[[str], tuple]:
    """A SiteServer route answering ``status`` with ``headers`` and no body."""
    return lambda _target: (status, headers, b"")
