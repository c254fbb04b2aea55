"""Site-level template learning: text repeated across many pages of one site is template.

A site's menus, "Tin mới" sidebars, slogans, contact footers and the like are the same
on every page, so a text block seen on many pages of one site is page furniture, not
article text. :class:`SiteTemplate` counts, per site, on how many pages each normalised
block occurs; :func:`micnews.cleaners.generic.page_blocks` supplies the blocks of a page.

Guards (why the thresholds are what they are):

* a block counts **once per page** — a sentence an article repeats itself is one page's
  worth of evidence, never template;
* a block is template only when seen on at least ``max(min_pages, share * pages_seen)``
  pages. ``min_pages=4``: an article's own summary legitimately shows on up to three
  pages of a batch (the article, its category listing, the home page), and an article
  may be fetched twice (normal and print view); 4 is still far below what real furniture
  reaches (every page). ``share=0.3``: on a large batch a block must be common, not just
  recurring in a few related articles (series intros, a shared closing sentence). The
  price: furniture that varies page to page ("related news" lists) is only caught when
  the batch is small; on big batches the boilerplate markers must catch it;
* the extractor never lets the template remove more than
  :data:`MAX_TEMPLATE_SHARE` of an article's characters (see ``micnews.cleaners.generic``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from micnews.cleaners.textnorm import norm_key

DEFAULT_MIN_PAGES = 4
DEFAULT_SHARE = 0.3
# The template may remove at most this share of one article's text (in characters).
MAX_TEMPLATE_SHARE = 0.6
# Blocks counted per site before those seen on one page only are forgotten: a long crawl
# of one site must not keep every paragraph it ever saw (furniture recurs and comes back).
MAX_KEYS = 200_000


def block_key(block: str) -> str:
    """The key a block is counted and matched under (``norm_key``)."""
    return norm_key(block)


@dataclass
class SiteTemplate:
    """Block counts over the pages of one site seen so far."""

    min_pages: int = DEFAULT_MIN_PAGES
    share: float = DEFAULT_SHARE
    pages_seen: int = 0
    counts: Counter[str] = field(default_factory=Counter)

    def learn(self, blocks: Iterable[str]) -> None:
        """Count one page's blocks (each distinct block once for this page)."""
        keys = {block_key(b) for b in blocks}
        keys.discard("")
        self.counts.update(keys)
        self.pages_seen += 1
        if len(self.counts) > MAX_KEYS:
            self.counts = Counter({k: n for k, n in self.counts.items() if n > 1})

    def threshold(self) -> int:
        """Pages a block must be seen on to be template."""
        return max(self.min_pages, math.ceil(self.share * self.pages_seen))

    def is_template(self, block: str) -> bool:
        """True when ``block`` was seen on at least :meth:`threshold` pages of the site."""
        key = block_key(block)
        return bool(key) and self.counts.get(key, 0) >= self.threshold()

    def filter(self, blocks: list[str]) -> tuple[list[str], int]:
        """Split off template blocks: ``(kept, removed_count)`` (no guard here)."""
        kept = [b for b in blocks if not self.is_template(b)]
        return kept, len(blocks) - len(kept)


@dataclass
class TemplateRegistry:
    """One :class:`SiteTemplate` per site (host)."""

    min_pages: int = DEFAULT_MIN_PAGES
    share: float = DEFAULT_SHARE
    sites: dict[str, SiteTemplate] = field(default_factory=dict)

    def for_site(self, site: str) -> SiteTemplate:
        """The template of ``site`` (created empty on first use)."""
        tpl = self.sites.get(site)
        if tpl is None:
            tpl = self.sites[site] = SiteTemplate(self.min_pages, self.share)
        return tpl

    def add(self, site: str, blocks: Iterable[str]) -> None:
        """Learn one page of ``site`` (shorthand for ``for_site(site).learn(blocks)``)."""
        self.for_site(site).learn(blocks)

    def template(self, site: str) -> SiteTemplate | None:
        """The template of ``site`` when any of its pages was learned, else None."""
        tpl = self.sites.get(site)
        return tpl if tpl is not None and tpl.pages_seen else None
