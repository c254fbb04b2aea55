"""A tiny loopback web server for the bundled demo site and the test fixture sites.

Each site directory is served on its own ``127.0.0.1`` port by a stdlib
``ThreadingHTTPServer`` in a daemon thread. URL paths map to files:

* ``/a/b.html`` -> ``<root>/a/b.html``;
* a path ending in ``/`` or without an extension -> ``<path>/index.html``
  (or ``index.rss`` / ``index.xml`` for feed directories such as ``/vi/news/rss/``);
* a query string: ``/p.aspx?id=1`` is served from the file ``<root>/p.aspx@id=1`` when it
  exists, otherwise the query is ignored.

The placeholder ``{{BASE}}`` in text files is replaced by the server's base URL, so
sitemaps, feeds and canonical links stay valid on whatever port the OS hands out.
Responses carry ``ETag`` and ``Last-Modified`` and honour conditional requests (304),
as incremental crawls rely on them.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
import time
from collections.abc import Callable
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

DEFAULT_DEMO_ROOT: Path = Path(__file__).resolve().parent / "site"
# The demo's sites live on fixed ports (this one and the next ones, in name order), so its
# URLs, and so each row's url and site_key, are the same from one `micnews crawl --demo` to
# the next: crawls of the demo add up like crawls of a real site. `MICNEWS_DEMO_PORT` moves them.
DEMO_PORT = 8731
PLACEHOLDER = b"{{BASE}}"

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".aspx": "text/html; charset=utf-8",
    "": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".json": "application/json",
}
_TEXT_PREFIXES = ("text/", "application/xml", "application/rss+xml", "application/javascript",
                  "application/json", "image/svg+xml")
_INDEX_NAMES = ("index.html", "index.rss", "index.xml")

NOT_FOUND_PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>404 - Không tìm thấy trang</title></head>
<body><h1>404 - Không tìm thấy trang</h1>
<p>Trang bạn yêu cầu không tồn tại hoặc đã được chuyển đi.</p>
<p><a href="/">Về trang chủ</a></p></body></html>
"""


def content_type(path: Path) -> str:
    """Content-Type of a served file by extension (query-mapped files: the part before @)."""
    name = path.name.split("@", 1)[0]
    if name == "robots.txt":
        return "text/plain; charset=utf-8"
    suffix = Path(name).suffix.lower()
    return _TYPES.get(suffix, "application/octet-stream")


def resolve(root: Path, raw_path: str) -> Path | None:
    """Map a request target (path and optional query) to a file under ``root``, or None."""
    parts = urlsplit(raw_path)
    path = unquote(parts.path) or "/"
    rel = path.lstrip("/")
    root = root.resolve()
    candidates: list[Path] = []
    if parts.query and rel:
        candidates.append(root / f"{rel}@{unquote(parts.query)}")
    base = root / rel
    if path.endswith("/") or not Path(rel).suffix:
        if base.is_file() and not path.endswith("/"):
            candidates.append(base)
        candidates.extend(base / name for name in _INDEX_NAMES)
    else:
        candidates.append(base)
    for candidate in candidates:
        try:
            real = candidate.resolve()
        except OSError:
            continue
        # never serve anything outside the site directory (``..`` in the path)
        if real.is_file() and (real == root or root in real.parents):
            return real
    return None


class _Handler(BaseHTTPRequestHandler):
    server_version = "micnews-demo/1.0"
    protocol_version = "HTTP/1.1"
    site: SiteServer  # set on the per-site subclass

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        """Silence the stdlib's per-request stderr lines."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self._serve(head=False)

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
        self._serve(head=True)

    def _serve(self, head: bool) -> None:
        self.site.gate.wait()
        if self.site.delay:
            time.sleep(self.site.delay)
        route = self.site.routes.get(urlsplit(self.path).path)
        answer = route(self.path) if route else None
        if answer is not None:  # a scripted response (tests: faults, traps, redirects)
            status, headers, body = answer
            self._send(HTTPStatus(status), body, headers, head)
            return
        file = resolve(self.site.root, self.path)
        if file is None:
            body = NOT_FOUND_PAGE.encode("utf-8")
            self._send(HTTPStatus.NOT_FOUND, body, {"Content-Type": "text/html; charset=utf-8"},
                       head)
            return
        ctype = content_type(file)
        body = file.read_bytes()
        if ctype.startswith(_TEXT_PREFIXES):
            body = body.replace(PLACEHOLDER, self.site.base_url.encode("ascii"))
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        mtime = int(file.stat().st_mtime)
        headers = {
            "Content-Type": ctype,
            "ETag": etag,
            "Last-Modified": formatdate(mtime, usegmt=True),
            "Cache-Control": "no-cache",
        }
        if self._not_modified(etag, mtime):
            self._send(HTTPStatus.NOT_MODIFIED, b"", headers, head=True)
            return
        self._send(HTTPStatus.OK, body, headers, head)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
            return etag in tags or "*" in tags
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                return mtime <= parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def _send(self, status: HTTPStatus, body: bytes, headers: dict[str, str], head: bool) -> None:
        self.site._log(self.command, self.path, int(status))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != HTTPStatus.NOT_MODIFIED and "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and status != HTTPStatus.NOT_MODIFIED:
            self.wfile.write(body)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up mid-response are normal for a crawler; say nothing."""


class SiteServer:
    """Serve one site directory on one loopback port (``port=0``: any free port)."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = Path(root).resolve()
        self.host = host
        self.port = port
        self.requests: list[tuple[str, str, int]] = []
        # path -> callable(request target) returning (status, headers, body), or None to
        # serve the file as usual: lets tests script redirects, errors and traps.
        self.routes: dict[str, Callable[[str], tuple[int, dict[str, str], bytes] | None]] = {}
        self.delay = 0.0  # seconds to wait before each response (slow server)
        # every answer waits until this is set (tests hold a crawl at a known point with it)
        self.gate = threading.Event()
        self.gate.set()
        self._lock = threading.Lock()
        self._httpd: _QuietServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT`` once started."""
        return f"http://{self.host}:{self.port}"

    def _log(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self.requests.append((method, path, status))

    def start(self) -> SiteServer:
        """Bind and serve in a daemon thread (once: started already, nothing to do); returns
        self."""
        if self._httpd is not None:
            return self
        handler = type("SiteHandler", (_Handler,), {"site": self})
        self._httpd = _QuietServer((self.host, self.port), handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        name=f"site-{self.root.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class DemoServer:
    """Serve every site directory under ``root``, one port each: ``port`` and the next ones in
    name order, or any free ports (``port=0``)."""

    def __init__(self, root: Path = DEFAULT_DEMO_ROOT, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.root = Path(root)
        folders = [p for p in sorted(self.root.iterdir())
                   if p.is_dir() and not p.name.startswith((".", "_"))]
        self.sites: dict[str, SiteServer] = {
            p.name: SiteServer(p, host=host, port=port + i if port else 0)
            for i, p in enumerate(folders)
        }

    def start(self) -> DemoServer:
        """Start every site server; returns self. A port in use raises ``OSError`` and leaves
        nothing running."""
        try:
            for server in self.sites.values():
                server.start()
        except OSError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop every site server."""
        for server in self.sites.values():
            server.stop()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def demo_port() -> int:
    """The demo's first port: ``$MICNEWS_DEMO_PORT`` or :data:`DEMO_PORT`."""
    value = os.environ.get("MICNEWS_DEMO_PORT", "")
    return int(value) if value.isdigit() else DEMO_PORT


def start_demo(root: Path = DEFAULT_DEMO_ROOT, warn: Callable[[str], object] = print
               ) -> DemoServer:
    """The demo on its fixed ports; when they are taken (another demo is running), on free
    ports, saying that this run's URLs differ."""
    port = demo_port()
    try:
        return DemoServer(root, port=port).start()
    except OSError as exc:
        warn(f"demo ports {port}-{port + 2} unavailable ({exc.strerror or exc}): serving on "
             "free ports, so this run's URLs (and site_key) differ from other demo runs; "
             "set MICNEWS_DEMO_PORT to choose others")
        return DemoServer(root).start()


def main(argv: list[str] | None = None) -> int:
    """``python -m micnews.crawler.demo.server [ROOT]``: serve the sites until Ctrl-C."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else DEFAULT_DEMO_ROOT
    with start_demo(root) as demo:
        for name, site in demo.sites.items():
            print(f"{name}: {site.base_url}/", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
