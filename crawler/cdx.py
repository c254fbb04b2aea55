"""Web archive indexes (CDX) and captures, as pure functions: no I/O here.

Two archives, one index language (the CDX server API that the Wayback Machine, pywb and
Common Crawl's index server all speak):

* **wayback** — the Internet Archive (or any pywb): ``{replay}/cdx`` style index
  (``https://web.archive.org/cdx/search/cdx`` for the Wayback Machine), raw captures
  at ``{replay}/{timestamp}id_/{original url}`` (``id_``: the bytes as captured, no
  rewriting, no banner).
* **commoncrawl** — ``https://index.commoncrawl.org/{CRAWL}-index`` (JSON lines), and
  each capture is one gzipped WARC record fetched from ``https://data.commoncrawl.org/
  {filename}`` with an HTTP range request (``offset``, ``length`` from the index).

The spider (:mod:`micnews.crawler.archive`) asks; these functions build the URLs, read
the answers and choose captures. Index answers come in two shapes, both read by
:func:`parse_cdx`: a JSON array whose first row names the fields (the Wayback Machine's
``output=json``) or one JSON object per line (pywb, Common Crawl).
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlencode, urlsplit

WAYBACK_REPLAY = "https://web.archive.org/web"
COMMONCRAWL_INDEX = "https://index.commoncrawl.org"
COMMONCRAWL_DATA = "https://data.commoncrawl.org"
ARCHIVES = ("wayback", "commoncrawl")
HTML_TYPES = ("text/html", "application/xhtml+xml")
# field names as the Wayback Machine spells them -> as pywb / Common Crawl do
_ALIASES = {"original": "url", "mimetype": "mime", "statuscode": "status"}


class ArchiveError(ValueError):
    """An archive name, date window or index answer that cannot be used."""


@dataclass(frozen=True)
class Capture:
    """One capture listed by an index."""

    url: str  # the original URL
    timestamp: str  # 14 digits, UTC
    mime: str = ""
    status: str = ""
    digest: str = ""
    filename: str = ""  # Common Crawl: WARC file holding the record
    offset: int = 0
    length: int = 0
    key: str = ""  # the URL it is recorded under (canonical); "" = ``url``
    archive: str = ""  # the ``archive`` column it gets

    @property
    def record_url(self) -> str:
        """The URL the capture is recorded (and compared) under."""
        return self.key or self.url

    @property
    def archived_at(self) -> datetime:
        """Capture time, aware UTC."""
        return timestamp_datetime(self.timestamp)

    @property
    def is_html_page(self) -> bool:
        """A 200 answer with an HTML body (what the cleaner can use)."""
        mime = self.mime.split(";")[0].strip().lower()
        return self.status == "200" and mime in HTML_TYPES


@dataclass(frozen=True)
class ArchiveSource:
    """Where captures are listed and fetched: ``--archive`` and ``--archive-url`` resolved."""

    kind: str  # "wayback" | "commoncrawl"
    crawl: str = ""  # Common Crawl crawl id (CC-MAIN-YYYY-WW); "" = every crawl in the window
    base: str = ""  # wayback: the replay prefix; commoncrawl: the index server

    @property
    def data_base(self) -> str:
        """Common Crawl: where WARC files are (the index server's host when overridden)."""
        return COMMONCRAWL_DATA if self.base == COMMONCRAWL_INDEX else self.base

    @property
    def cdx_endpoint(self) -> str:
        """Wayback index: the Wayback Machine's ``/cdx/search/cdx`` beside a ``…/web``
        replay prefix, else pywb's ``{collection}/cdx``."""
        if self.base.endswith("/web"):
            return self.base[: -len("/web")] + "/cdx/search/cdx"
        return self.base + "/cdx"

    def label(self, crawl: str = "") -> str:
        """The ``archive`` column: ``wayback`` or ``commoncrawl:CC-MAIN-…``."""
        crawl = crawl or self.crawl
        return f"{self.kind}:{crawl}" if crawl else self.kind


def parse_source(archive: str, archive_url: str | None = None) -> ArchiveSource:
    """``wayback`` / ``commoncrawl`` / ``commoncrawl:CC-MAIN-2024-10`` (+ a base URL)."""
    kind, _, crawl = archive.strip().partition(":")
    kind = kind.lower()
    if kind not in ARCHIVES:
        raise ArchiveError(f"unknown archive {archive!r} (use wayback or commoncrawl[:CRAWL])")
    if kind == "wayback" and crawl:
        raise ArchiveError("--archive wayback takes no crawl id")
    if crawl and not crawl.upper().startswith("CC-MAIN-"):
        raise ArchiveError(f"not a Common Crawl crawl id: {crawl!r} (like CC-MAIN-2024-10)")
    base = (archive_url or (WAYBACK_REPLAY if kind == "wayback" else COMMONCRAWL_INDEX))
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ArchiveError(f"--archive-url is not an http(s) URL: {base!r}")
    return ArchiveSource(kind, crawl.upper(), base.rstrip("/"))


def window_bound(value: str | None, end: bool) -> str:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as a 14-digit CDX timestamp: the first
    second of the period (``--from``) or its last (``--to``); "" when not given."""
    if not value:
        return ""
    text = value.strip()
    try:
        if len(text) == 4:
            first = date(int(text), 1, 1)
            last = date(int(text), 12, 31)
        elif len(text) == 7:
            first = date.fromisoformat(text + "-01")
            nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            last = date.fromordinal(nxt.toordinal() - 1)
        else:
            first = last = date.fromisoformat(text)
    except ValueError:
        raise ArchiveError(f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)") from None
    return f"{last:%Y%m%d}235959" if end else f"{first:%Y%m%d}000000"


def timestamp_datetime(timestamp: str) -> datetime:
    """A CDX timestamp (up to 14 digits, UTC) as an aware datetime."""
    digits = (timestamp + "0101000000"[max(0, len(timestamp) - 4):])[:14]
    return datetime.strptime(digits, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def in_window(timestamp: str, start: str, stop: str) -> bool:
    """True when a capture time lies within ``[start, stop]`` (14-digit bounds, "" = open)."""
    ts = timestamp.ljust(14, "0")
    return (not start or ts >= start) and (not stop or ts <= stop)


def index_query(endpoint: str, url: str, match: str, start: str, stop: str,
                limit: int = 0, resume_key: str = "", page: int | None = None) -> str:
    """A CDX query: HTML 200 captures of ``url`` (``match``: host or prefix) in the window.

    The filters save the archive work; :func:`select_captures` applies them again, so an
    index that ignores one still gives the right captures.
    """
    params: list[tuple[str, str]] = [("url", url), ("matchType", match), ("output", "json"),
                                     ("filter", "statuscode:200"),
                                     ("filter", "mimetype:text/html")]
    if start:
        params.append(("from", start))
    if stop:
        params.append(("to", stop))
    if limit:
        params += [("limit", str(limit)), ("showResumeKey", "true")]
    if resume_key:
        params.append(("resumeKey", resume_key))
    if page is not None:
        params.append(("page", str(page)))
    return f"{endpoint}?{urlencode(params)}"


def site_query(root: str) -> tuple[str, str]:
    """What to ask the index for a site: ``(url, matchType)`` — the host for a root at
    ``/``, else the root as a prefix."""
    parts = urlsplit(root)
    if parts.path in ("", "/"):
        return parts.netloc, "host"
    return f"{parts.netloc}{parts.path}", "prefix"


def parse_cdx(body: bytes) -> tuple[list[Capture], str]:
    """An index answer as captures, plus the resume key (Wayback Machine paging) or "".

    Rows without a timestamp or URL are skipped; an answer that is not JSON raises
    :class:`ArchiveError`.
    """
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return [], ""
    rows: list[dict[str, str]] = []
    resume = ""
    try:
        if text.startswith("["):
            table = json.loads(text)
            if table and isinstance(table[0], list):
                header = [_ALIASES.get(h, h) for h in table[0]]
                body_rows = table[1:]
                if len(body_rows) >= 2 and body_rows[-2] == [] and len(body_rows[-1]) == 1:
                    resume = str(body_rows[-1][0])  # showResumeKey: [], [key] at the end
                    body_rows = body_rows[:-2]
                rows = [dict(zip(header, r, strict=False)) for r in body_rows if r]
        else:
            for line in text.splitlines():
                if line.strip():
                    obj = json.loads(line)
                    rows.append({_ALIASES.get(k, k): v for k, v in obj.items()})
    except (json.JSONDecodeError, TypeError, AttributeError):
        raise ArchiveError(f"the index answer is not CDX JSON: {text[:80]!r}") from None
    captures = []
    for row in rows:
        url, timestamp = str(row.get("url") or ""), str(row.get("timestamp") or "")
        if not url or not timestamp.isdigit():
            continue
        captures.append(Capture(
            url=url, timestamp=timestamp, mime=str(row.get("mime") or ""),
            status=str(row.get("status") or ""), digest=str(row.get("digest") or ""),
            filename=str(row.get("filename") or ""), offset=_int(row.get("offset")),
            length=_int(row.get("length"))))
    return captures, resume


def select_captures(captures: Iterable[Capture], every: bool = False) -> list[Capture]:
    """One capture per URL (the last), or with ``every`` each distinct one (by digest).

    ``captures`` are already in the window, HTML and on-site (the caller's rules); they
    are compared by :attr:`Capture.record_url` (the canonical URL the caller set).
    """
    if every:
        seen: dict[tuple[str, str], Capture] = {}
        for c in sorted(captures, key=lambda c: c.timestamp):
            seen.setdefault((c.record_url, c.digest or c.timestamp), c)
        return sorted(seen.values(), key=lambda c: (c.record_url, c.timestamp))
    last: dict[str, Capture] = {}
    for c in captures:
        if c.record_url not in last or c.timestamp > last[c.record_url].timestamp:
            last[c.record_url] = c
    return [last[u] for u in sorted(last)]


def replay_url(source: ArchiveSource, capture: Capture) -> str:
    """Wayback raw replay of a capture: ``{prefix}/{timestamp}id_/{url}``."""
    return f"{source.base}/{capture.timestamp}id_/{capture.url}"


def record_range(capture: Capture) -> str:
    """The ``Range`` header for a Common Crawl WARC record."""
    return f"bytes={capture.offset}-{capture.offset + capture.length - 1}"


def crawls_in_window(collinfo: bytes, start: str, stop: str) -> list[str]:
    """Common Crawl crawl ids (``collinfo.json``) whose dates overlap the window, newest
    first. A crawl without dates is kept (its index decides)."""
    try:
        infos = json.loads(collinfo)
    except json.JSONDecodeError:
        raise ArchiveError("collinfo.json is not JSON") from None
    chosen = []
    for info in infos if isinstance(infos, list) else []:
        crawl = str(info.get("id") or "")
        if not crawl:
            continue
        first = "".join(ch for ch in str(info.get("from") or "") if ch.isdigit())[:14]
        last = "".join(ch for ch in str(info.get("to") or "") if ch.isdigit())[:14]
        if (stop and first and first.ljust(14, "0") > stop) or (
                start and last and last.ljust(14, "9") < start):
            continue
        chosen.append(crawl)
    return chosen


def read_warc_record(data: bytes) -> tuple[int, dict[str, str], bytes]:
    """One (gzipped) WARC response record as HTTP status, headers (lower-case) and body."""
    from warcio.archiveiterator import ArchiveIterator

    try:  # a gzip member of a .warc.gz or a plain record: warcio reads both
        for record in ArchiveIterator(io.BytesIO(data)):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            status = int((record.http_headers.get_statuscode() or "0")[:3])
            headers = {k.lower(): v for k, v in record.http_headers.headers}
            return status, headers, record.content_stream().read()
    except (OSError, ValueError, EOFError, gzip.BadGzipFile) as exc:
        raise ArchiveError(f"not a WARC response record: {exc}") from None
    raise ArchiveError("no WARC response record in the range")


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0
