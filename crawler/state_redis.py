"""The crawl state in Redis, shared by the workers of a distributed crawl.

Same contract as the SQLite :class:`micnews.crawler.state.CrawlState` (see
:class:`micnews.crawler.state.StateStore`), stored under one key prefix:

* ``<prefix>:url:<url>``   hash: kind, etag, last_modified, lastmod, content_hash,
  committed ("0"/"1"), fetched_at;
* ``<prefix>:links:<url>`` set: the links a listing, feed or sitemap had;
* ``<prefix>:files``       set: names of dataset files whose URLs are committed;
* ``<prefix>:first:<key>`` string: the URL that first wrote a canonical URL or a content
  hash (:meth:`RedisCrawlState.claim_first`);
* ``<prefix>:writing:<url>`` string: the heartbeat key of the worker writing that URL's
  record, until it is committed — one writer per URL (:meth:`RedisCrawlState.claim_write`).

One Redis database (or prefix) serves one dataset: "committed" means "in that dataset".
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyarrow.fs as pafs
import redis

from micnews.crawler.state import commit_unknown_files

FIELDS = ("kind", "etag", "last_modified", "lastmod", "content_hash", "committed", "fetched_at")


# Who may write the record of a URL now (see RedisCrawlState.claim_write). KEYS: the URL's
# writer key, its state hash; ARGV: this worker's alive key, the record's content hash,
# the dead writer to take over from (or ""). 0 no (written with this text already, or a
# live worker writes it), 1 yes, 2 its writer is dead (reconcile the dataset, ask again).
CLAIM_WRITE = """
local st = redis.call('HMGET', KEYS[2], 'kind', 'committed', 'content_hash')
if st[1] == 'article' and st[2] == '1' and st[3] == ARGV[2] then return 0 end
local owner = redis.call('GET', KEYS[1])
if (not owner) or owner == ARGV[1] or owner == ARGV[3] then
  redis.call('SET', KEYS[1], ARGV[1])
  return 1
end
if redis.call('EXISTS', owner) == 1 then return 0 end
return 2
"""


class RedisCrawlState:
    """Crawl memory in Redis; many workers read and write it at once."""

    def __init__(self, url: str, prefix: str = "micnews:state") -> None:
        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self.prefix = prefix
        # this worker's heartbeat key (set by the frontier): a writer is alive while it exists
        self.writer_key: str | None = None
        self._claim_write = self.redis.register_script(CLAIM_WRITE)

    def _url(self, url: str) -> str:
        return f"{self.prefix}:url:{url}"

    def close(self) -> None:
        """Close the connection pool."""
        self.redis.close()

    def get(self, url: str) -> dict[str, str | int | None] | None:
        """Everything known about ``url`` (``committed`` as 0/1), or None."""
        row = self.redis.hgetall(self._url(url))
        if not row:
            return None
        out: dict[str, str | int | None] = {f: row.get(f) or None for f in FIELDS}
        out["url"] = url
        out["committed"] = int(row.get("committed") or 0)
        return out

    def is_committed_article(self, url: str) -> bool:
        """True when ``url`` is an article whose record is already in the dataset."""
        kind, committed = self.redis.hmget(self._url(url), "kind", "committed")
        return kind == "article" and committed == "1"

    def seen(self, url: str, kind: str, etag: str | None = None,
             last_modified: str | None = None, content_hash: str | None = None,
             fetched_at: str | None = None) -> None:
        """Remember a fetched page (an article stays uncommitted until its batch is flushed)."""
        values = {"kind": kind, "etag": etag or "", "last_modified": last_modified or "",
                  "fetched_at": fetched_at or ""}
        if content_hash:
            values["content_hash"] = content_hash
        self.redis.hset(self._url(url), mapping=values)

    def set_lastmod(self, url: str, lastmod: str) -> bool:
        """Store a sitemap ``lastmod``; True when it differs from the one stored before."""
        key = self._url(url)
        with self.redis.pipeline() as pipe:
            pipe.hget(key, "lastmod").hsetnx(key, "kind", "unknown").hset(key, "lastmod", lastmod)
            before, *_ = pipe.execute()
        return before is not None and before != "" and before != lastmod

    def commit(self, urls: Iterable[str], file_name: str | None = None,
               hashes: Iterable[str | None] | None = None) -> None:
        """Mark records as written (their Parquet file exists), with the content hash of
        the row written when given (what a refetch is compared with)."""
        urls = list(urls)
        with self.redis.pipeline() as pipe:
            for url, content_hash in zip(
                    urls, hashes if hashes is not None else [None] * len(urls), strict=True):
                values = {"kind": "article", "committed": "1"}
                if content_hash:
                    values["content_hash"] = content_hash
                pipe.hset(self._url(url), mapping=values)
                pipe.delete(self._writer(url))  # written: the state answers from now on
            if file_name:
                pipe.sadd(f"{self.prefix}:files", file_name)
            pipe.execute()

    def uncommit(self, url: str) -> None:
        """An article to fetch again (changed per sitemap, or ``--refresh``)."""
        if self.redis.exists(self._url(url)):
            self.redis.hset(self._url(url), "committed", "0")

    def set_links(self, page: str, targets: Iterable[str]) -> None:
        """The links a listing page had, replayed when it answers 304 Not Modified."""
        key = f"{self.prefix}:links:{page}"
        targets = list(targets)
        with self.redis.pipeline() as pipe:  # MULTI/EXEC: readers see old or new links
            pipe.delete(key)
            if targets:
                pipe.sadd(key, *targets)
            pipe.execute()

    def links(self, page: str) -> list[str]:
        """Stored links of a page."""
        return sorted(self.redis.smembers(f"{self.prefix}:links:{page}"))

    def reconcile(self, dataset_files: Iterable[Path],
                  filesystem: pafs.FileSystem | None = None) -> int:
        """Commit the URLs of dataset files this state has not seen (see
        :func:`~micnews.crawler.state.commit_unknown_files`)."""
        return commit_unknown_files(self, self.redis.smembers(f"{self.prefix}:files"),
                                    dataset_files, filesystem)

    def _writer(self, url: str) -> str:
        return f"{self.prefix}:writing:{url}"

    def claim_write(self, url: str, content_hash: str, take_over: str = "") -> bool | str:
        """May this worker write the record of ``url`` with this text? One writer per URL
        across workers until it is committed (a retried, redirected or requeued request
        may be fetched by two workers at once): True yes; False no, a live worker is
        writing it or it is committed with this text; a string: the key of its writer,
        who died — pass it back as ``take_over`` once the dataset is reconciled (the dead
        writer's file may be on disk). Without a heartbeat (:attr:`writer_key`) to tell the
        living from the dead, always True."""
        if self.writer_key is None:
            return True
        verdict = int(self._claim_write(keys=[self._writer(url), self._url(url)],
                                        args=[self.writer_key, content_hash, take_over]))
        if verdict == 2:
            return self.redis.get(self._writer(url)) or ""
        return verdict == 1

    def claim_first(self, key: str, url: str) -> bool:
        """True when ``url`` is the first page to write ``key`` (a canonical URL or a content
        hash), or wrote it before (a refetch after a kill is not a duplicate of itself)."""
        name = f"{self.prefix}:first:{key}"
        with self.redis.pipeline() as pipe:
            pipe.set(name, url, nx=True).get(name)
            _, owner = pipe.execute()
        return owner == url

    def count_trap(self, key: str, url: str) -> int:
        """Distinct URLs of a trap shape (a calendar) seen by all workers, ``url`` included.
        ``<prefix>:trap:<key>`` sets; a new crawl round (``--seed``) clears them."""
        with self.redis.pipeline() as pipe:
            pipe.sadd(f"{self.prefix}:trap:{key}", url).scard(f"{self.prefix}:trap:{key}")
            _, count = pipe.execute()
        return int(count)

    def clear_traps(self) -> None:
        """Forget the trap counts (a new crawl round reads listings again)."""
        for key in self.redis.scan_iter(f"{self.prefix}:trap:*", count=1000):
            self.redis.delete(key)

    def counts(self) -> dict[str, int]:
        """Rows per kind (scans every URL key: for summaries and tests, not hot paths)."""
        counts: dict[str, int] = {}
        for key in self.redis.scan_iter(f"{self.prefix}:url:*", count=1000):
            kind = self.redis.hget(key, "kind") or "unknown"
            counts[kind] = counts.get(kind, 0) + 1
        return counts
