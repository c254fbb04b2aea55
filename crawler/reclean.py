"""Rebuild the dataset from the raw WARC archive, without the network.

Each WARC file is cleaned in its own worker process (files are independent), the
records come back to this process and go through the same duplicate rule as a
crawl before they are written. Improved cleaners thus apply to old crawls.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from micnews.cleaners import clean_many
from micnews.cleaners.dataset import DatasetWriter
from micnews.cleaners.record import NotArticle, Record
from micnews.crawler.duplicates import DuplicateRule, Verdict
from micnews.crawler.warc import iter_pages


@dataclass
class RecleanSummary:
    """Counts of one re-clean."""

    warc_files: int = 0
    pages: int = 0
    records: int = 0
    not_articles: int = 0
    duplicates: int = 0
    files: list[Path] = field(default_factory=list)


def warc_files(source: str | Path) -> list[Path]:
    """The WARC files of a dataset folder (``<source>/warc``) or of a folder of WARCs."""
    source = Path(source)
    folder = source / "warc" if (source / "warc").is_dir() else source
    return sorted(folder.glob("*.warc.gz")) + sorted(folder.glob("*.warc"))


def clean_warc(path: Path) -> tuple[int, list[Record | NotArticle]]:
    """Clean every archived HTML response of one WARC file (latest fetch of a URL wins)."""
    latest = {}
    for page in iter_pages(path):
        ctype = (page.header("content-type") or "text/html").lower()
        if page.status == 200 and "html" in ctype:
            latest[page.url] = page
    return len(latest), clean_many(list(latest.values()))


def reclean(source: str | Path, out: str | Path, workers: int | None = None) -> RecleanSummary:
    """Clean every WARC under ``source`` into a dataset at ``out``."""
    files = warc_files(source)
    summary = RecleanSummary(warc_files=len(files))
    writer = DatasetWriter(out)
    # The crawl's duplicate rule: files come oldest first, so a URL's newest version is
    # written last and wins in load(dedupe=True) and compact.
    rule = DuplicateRule()
    for pages, results in _map(clean_warc, files, workers):
        summary.pages += pages
        for result in results:
            if isinstance(result, NotArticle):
                summary.not_articles += 1
                continue
            if rule.judge(result) is Verdict.REFETCH:
                summary.duplicates += 1
                continue
            writer.write(result)
            summary.records += 1
    writer.close()
    summary.files = list(writer.files)
    return summary


def _map(fn, items: list[Path], workers: int | None) -> Iterator[tuple[int, list]]:
    workers = workers or min(len(items), os.cpu_count() or 1)
    if workers <= 1 or len(items) <= 1:
        yield from map(fn, items)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(fn, items)

