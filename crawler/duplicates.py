"""The duplicate rule, one for the crawl (:class:`~micnews.crawler.pipelines.DuplicatePipeline`)
and for ``micnews reclean``.

Only a true re-fetch is a duplicate: the same URL (canonicalized) with the same text
(``content_hash``) already written. A URL whose text changed is a new version (the
newest wins in ``load(dedupe=True)`` and ``compact``). Syndicated copies — the same text
under another URL (mic.gov.vn and a provincial site, even when the copy's
``<link rel=canonical>`` names the original) — are each their own row, counted as copies;
``micnews dedup`` then points their ``dup_of`` at the canonical one.
"""

from __future__ import annotations

from enum import Enum

from micnews.cleaners.record import Record
from micnews.crawler.urls import canonical_url


class Verdict(Enum):
    NEW = "new"
    COPY = "copy"  # written: the same text under another URL
    REFETCH = "refetch"  # dropped: this URL with this text was written already


class DuplicateRule:
    """Remembers what was written; :meth:`judge` says what a record is."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()
        self.hashes: set[str] = set()

    def judge(self, record: Record) -> Verdict:
        """The record's verdict; a record to write (NEW, COPY) is remembered."""
        key = (canonical_url(record.url), record.content_hash)
        if key in self.seen:
            return Verdict.REFETCH
        verdict = Verdict.COPY if record.content_hash in self.hashes else Verdict.NEW
        self.seen.add(key)
        self.hashes.add(record.content_hash)
        return verdict
