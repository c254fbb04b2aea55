"""The duplicate rule, one for the crawl (:class:`~micnews.crawler.pipelines.DuplicatePipeline`)
and for ``micnews reclean``.

A record is written unless

* its text (``content_hash``) was already written under another URL (a syndicated or
  mirrored copy: the first URL keeps it), or
* its URL (``canonical_url`` or ``url``) was already written in this *pass* (one crawl,
  or one WARC file of a reclean: a page fetched twice, a print view pointing at its
  article), or with the same text in an earlier pass.

A URL whose text changed between passes is a new version and is written (the newest
version wins in ``load(dedupe=True)`` and ``compact``). In a distributed crawl the first
writer of a URL or a text is agreed on across workers (``claim_first`` of the Redis state).
"""

from __future__ import annotations

from collections.abc import Callable

from micnews.cleaners.record import Record

Claim = Callable[[str, str], bool]


class DuplicateRule:
    """Remembers what was written; :meth:`admit` says whether a record is new."""

    def __init__(self, claim_first: Claim | None = None) -> None:
        self.claim_first = claim_first
        self.hash_of: dict[str, str] = {}  # URL key -> text hash last written
        self.owner_of: dict[str, str] = {}  # text hash -> URL key that wrote it first
        self.this_pass: set[str] = set()

    def new_pass(self) -> None:
        """The next WARC file (an older crawl's pages are versions, not duplicates)."""
        self.this_pass.clear()

    def admit(self, record: Record) -> bool:
        """True (and remembered) when ``record`` is to be written; False: a duplicate."""
        key = record.canonical_url or record.url
        owner = self.owner_of.get(record.content_hash)
        if key in self.this_pass or self.hash_of.get(key) == record.content_hash \
                or (owner is not None and owner != key):
            return False
        if self.claim_first is not None and not (
                self.claim_first(f"url:{key}", record.url)
                and self.claim_first(f"hash:{record.content_hash}", record.url)):
            return False
        self.this_pass.add(key)
        self.hash_of[key] = record.content_hash
        self.owner_of.setdefault(record.content_hash, key)
        return True
