"""Rebuild the dataset from the raw WARC archive, without the network.

Each WARC file is cleaned in its own worker process (files are independent) in two
streaming passes, so a worker's memory does not grow with the file (1 GiB by default):
the first learns each site's template from a bounded sample of its pages and notes where
each URL's latest fetch is, the second cleans page by page and spools the results to a
temporary file. This process reads the spools back one result at a time and applies the
same duplicate rule as a crawl before writing. Improved cleaners thus apply to old crawls.
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from micnews.cleaners.clean import clean, learn_template, site_of
from micnews.cleaners.dataset import DatasetWriter
from micnews.cleaners.record import NotArticle, Page, Record
from micnews.cleaners.templates import TemplateRegistry
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


# Pages per site a template is learned from in the first pass: furniture shows on every
# page, so a few hundred pages find it (the crawl's warm-up learns from far fewer).
TEMPLATE_SAMPLE = 300


def _html_pages(path: Path) -> Iterator[tuple[int, Page]]:
    """``(position, page)`` of every archived HTML response with status 200, streamed."""
    for seq, page in enumerate(iter_pages(path)):
        ctype = (page.header("content-type") or "text/html").lower()
        if page.status == 200 and "html" in ctype:
            yield seq, page


def learn_pass(
    path: Path, sample: int = TEMPLATE_SAMPLE
) -> tuple[dict[str, int], TemplateRegistry]:
    """First streaming pass: where each URL's latest fetch sits, and each site's template
    learned from at most ``sample`` of its pages (one page in memory at a time)."""
    latest: dict[str, int] = {}
    registry = TemplateRegistry()
    for seq, page in _html_pages(path):
        latest[page.url] = seq
        tpl = registry.sites.get(site_of(page.url))
        if tpl is None or tpl.pages_seen < sample:
            learn_template(registry, page)
    return latest, registry


def clean_warc(path: Path, spool: Path | None = None) -> tuple[int, Path | list]:
    """Clean every archived HTML response of one WARC file (latest fetch of a URL wins).

    Two streaming passes, one page in memory at a time: templates from a bounded sample
    first (:func:`learn_pass`), then each page cleaned with its site's template. Results go
    to ``spool`` (pickled one by one, read back by :func:`read_spool`) or, without one, come
    back as a list (small archives, tests).
    """
    latest, registry = learn_pass(path)
    results: list = []
    fh = spool.open("wb") if spool is not None else None
    try:
        for seq, page in _html_pages(path):
            if latest.get(page.url) != seq:
                continue
            result = clean(page, registry.template(site_of(page.url)))
            if fh is not None:
                pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
            else:
                results.append(result)
    finally:
        if fh is not None:
            fh.close()
    return len(latest), (spool if spool is not None else results)


def read_spool(spool: Path | list) -> Iterator[Record | NotArticle]:
    """The results :func:`clean_warc` spooled, one at a time (the file is removed after)."""
    if isinstance(spool, list):
        yield from spool
        return
    try:
        with spool.open("rb") as fh:
            while True:
                try:
                    yield pickle.load(fh)  # noqa: S301 - our own worker wrote it
                except EOFError:
                    break
    finally:
        spool.unlink(missing_ok=True)


def _clean_to_spool(job: tuple[Path, Path]) -> tuple[int, Path | list]:
    return clean_warc(*job)


def reclean(source: str | Path, out: str | Path, workers: int | None = None) -> RecleanSummary:
    """Clean every WARC under ``source`` into a dataset at ``out``."""
    files = warc_files(source)
    summary = RecleanSummary(warc_files=len(files))
    writer = DatasetWriter(out)
    # The crawl's duplicate rule: files come oldest first, so a URL's newest version is
    # written last and wins in load(dedupe=True) and compact.
    rule = DuplicateRule()
    spool_dir = Path(tempfile.mkdtemp(prefix="micnews-reclean-"))
    jobs = [(path, spool_dir / f"{i}.pickle") for i, path in enumerate(files)]
    for pages, spool in _map(_clean_to_spool, jobs, workers):
        summary.pages += pages
        for result in read_spool(spool):
            if isinstance(result, NotArticle):
                summary.not_articles += 1
                continue
            if rule.judge(result) is Verdict.REFETCH:
                summary.duplicates += 1
                continue
            writer.write(result)
            summary.records += 1
    writer.close()
    shutil.rmtree(spool_dir, ignore_errors=True)
    summary.files = list(writer.files)
    return summary


def _map(fn, items: list, workers: int | None) -> Iterator[tuple[int, Path | list]]:
    workers = workers or min(len(items), os.cpu_count() or 1)
    if workers <= 1 or len(items) <= 1:
        yield from map(fn, items)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(fn, items)

