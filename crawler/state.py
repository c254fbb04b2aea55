"""What earlier runs saw: an embedded SQLite file beside the dataset.

Per URL: its kind (article / listing / feed / sitemap), validators for conditional
requests (ETag, Last-Modified), the sitemap ``lastmod`` last seen, the content hash,
and whether its record is *committed* (in a Parquet file that exists). A URL is
committed only after its batch is flushed, so a killed crawl refetches what it had
not written instead of losing it; :meth:`CrawlState.reconcile` closes the gap between
a flush and the commit that follows it by reading files the state has not seen.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

import pyarrow.fs as pafs
import pyarrow.parquet as pq

from micnews.cleaners.record import record_keys

SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    lastmod TEXT,
    content_hash TEXT,
    committed INTEGER NOT NULL DEFAULT 0,
    fetched_at TEXT
);
CREATE TABLE IF NOT EXISTS links (
    page TEXT NOT NULL,
    target TEXT NOT NULL,
    PRIMARY KEY (page, target)
);
CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY);
"""


class StateStore(Protocol):
    """What the spider, the incremental middleware and the pipelines need from a crawl state.

    :class:`CrawlState` (SQLite, one crawl at a time) and
    :class:`~micnews.crawler.state_redis.RedisCrawlState`
    (shared by distributed workers) implement it.
    """

    def get(self, url: str) -> Mapping[str, Any] | None: ...
    def is_committed_article(self, url: str) -> bool: ...
    def seen(self, url: str, kind: str, etag: str | None = None,
             last_modified: str | None = None, content_hash: str | None = None,
             fetched_at: str | None = None) -> None: ...
    def set_lastmod(self, url: str, lastmod: str) -> bool: ...
    def commit(self, urls: Iterable[str], file_name: str | None = None,
               hashes: Iterable[str | None] | None = None) -> None: ...
    def uncommit(self, url: str) -> None: ...
    def set_links(self, page: str, targets: Iterable[str]) -> None: ...
    def links(self, page: str) -> list[str]: ...
    def reconcile(self, dataset_files: Iterable[Path],
                  filesystem: pafs.FileSystem | None = None) -> int: ...
    def counts(self) -> dict[str, int]: ...
    def close(self) -> None: ...


class CrawlState:
    """SQLite-backed crawl memory. One writer (the crawl) at a time; see crawler/lock.py."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None)  # autocommit; WAL below
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def get(self, url: str) -> sqlite3.Row | None:
        """Everything known about ``url``."""
        self.db.row_factory = sqlite3.Row
        return self.db.execute("SELECT * FROM urls WHERE url = ?", (url,)).fetchone()

    def is_committed_article(self, url: str) -> bool:
        """True when ``url`` is an article whose record is already in the dataset."""
        row = self.db.execute(
            "SELECT 1 FROM urls WHERE url = ? AND kind = 'article' AND committed = 1", (url,)
        ).fetchone()
        return row is not None

    def seen(self, url: str, kind: str, etag: str | None = None,
             last_modified: str | None = None, content_hash: str | None = None,
             fetched_at: str | None = None) -> None:
        """Remember a fetched page (an article stays uncommitted until its batch is flushed)."""
        self.db.execute(
            """INSERT INTO urls (url, kind, etag, last_modified, content_hash, fetched_at)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT(url) DO UPDATE SET kind=excluded.kind, etag=excluded.etag,
                 last_modified=excluded.last_modified,
                 content_hash=COALESCE(excluded.content_hash, urls.content_hash),
                 fetched_at=excluded.fetched_at""",
            (url, kind, etag, last_modified, content_hash, fetched_at),
        )

    def set_lastmod(self, url: str, lastmod: str) -> bool:
        """Store a sitemap ``lastmod``; True when it differs from the one stored before."""
        row = self.db.execute("SELECT lastmod FROM urls WHERE url = ?", (url,)).fetchone()
        if row is None:
            self.db.execute("INSERT INTO urls (url, kind, lastmod) VALUES (?, 'unknown', ?)",
                            (url, lastmod))
            return False
        self.db.execute("UPDATE urls SET lastmod = ? WHERE url = ?", (lastmod, url))
        return row[0] is not None and row[0] != lastmod

    def commit(self, urls: Iterable[str], file_name: str | None = None,
               hashes: Iterable[str | None] | None = None) -> None:
        """Mark records as written (their Parquet file exists), with the content hash of
        the row written when given (what a refetch is compared with)."""
        urls = list(urls)
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany(
                """INSERT INTO urls (url, kind, committed, content_hash)
                   VALUES (?, 'article', 1, ?)
                   ON CONFLICT(url) DO UPDATE SET kind='article', committed=1,
                     content_hash=COALESCE(excluded.content_hash, urls.content_hash)""",
                zip(urls, hashes if hashes is not None else [None] * len(urls), strict=True))
            if file_name:
                self.db.execute("INSERT OR IGNORE INTO files (name) VALUES (?)", (file_name,))

    def uncommit(self, url: str) -> None:
        """An article to fetch again (changed per sitemap, or ``--refresh``)."""
        self.db.execute("UPDATE urls SET committed = 0 WHERE url = ?", (url,))

    def set_links(self, page: str, targets: Iterable[str]) -> None:
        """The links a listing page had, replayed when it answers 304 Not Modified."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("DELETE FROM links WHERE page = ?", (page,))
            self.db.executemany("INSERT OR IGNORE INTO links (page, target) VALUES (?, ?)",
                                ((page, t) for t in targets))

    def links(self, page: str) -> list[str]:
        """Stored links of a page."""
        rows = self.db.execute("SELECT target FROM links WHERE page = ?", (page,))
        return [r[0] for r in rows]

    def reconcile(self, dataset_files: Iterable[Path],
                  filesystem: pafs.FileSystem | None = None) -> int:
        """Commit the URLs of dataset files this state has not seen: written after the last
        commit (a kill in between), or by a crawl elsewhere (a remote dataset)."""
        known = {r[0] for r in self.db.execute("SELECT name FROM files")}
        return commit_unknown_files(self, known, dataset_files, filesystem)

    def counts(self) -> dict[str, int]:
        """Rows per kind (for summaries)."""
        return dict(self.db.execute("SELECT kind, count(*) FROM urls GROUP BY kind").fetchall())


def commit_unknown_files(state: StateStore, known: set[str], dataset_files: Iterable[Path],
                         filesystem: pafs.FileSystem | None = None) -> int:
    """Commit the URLs and content hashes of every dataset file whose name is not in
    ``known``: files renamed into the dataset after the last commit (a run killed in
    between), or the whole dataset for a state that is new or behind it (a crawl of an
    ``s3://`` dataset from another machine). Reads three columns per file; returns how many
    URLs that committed. An unreadable file is left to the dataset tools."""
    added = 0
    for path in dataset_files:
        if path.name in known:
            continue
        source = str(path) if filesystem is not None else path
        try:
            names = pq.read_schema(source, filesystem=filesystem).names
            table = pq.read_table(source, filesystem=filesystem, columns=[
                c for c in ("url", "archived_at", "content_hash") if c in names])
        except Exception:  # noqa: BLE001,S112 - unreadable or still being renamed
            continue
        n = table.num_rows
        urls = table.column("url").to_pylist()
        # older files have no archived_at (or, written by hand, no content_hash)
        times = (table.column("archived_at").to_pylist() if "archived_at" in
                 table.column_names else [None] * n)
        hashes = (table.column("content_hash").to_pylist() if "content_hash" in
                  table.column_names else [None] * n)
        keyed = [(key, h) for url, at, h in zip(urls, times, hashes, strict=True)
                 for key in record_keys(url, at)]
        state.commit([k for k, _h in keyed], path.name, [h for _k, h in keyed])
        added += len(keyed)
    return added
