"""Profiles that say when they rot: per site and family, how article pages were extracted.

A site redesign breaks its family profile silently: the records keep coming (the generic
path stands in, :mod:`micnews.cleaners.fallback`), but a scheduled crawl should notice the day
it happens. The clean pipeline counts each record here (``micnews/extraction/…`` stats); at
the end of a run :func:`rotten` names the sites of a known family (detected, or set as
``family`` in ``sites.toml``) where most article pages fell back to the generic path, and
``micnews crawl`` warns and exits with :data:`EXIT_PROFILE_ROT`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from micnews.cleaners.record import EXTRACTIONS, Record
from micnews.crawler.exitcodes import EXIT_PROFILE_ROT

ROT_SHARE = 0.5  # more than this share of a site's article pages fell back…
ROT_MIN_PAGES = 3  # …out of at least this many articles
FIELDS = ("title", "published_at", "author", "source", "lead")
_PREFIX = "micnews/extraction/"
_MISSING = "micnews/missing/"


def count_record(stats: Any, record: Record, hint: str | None = None) -> None:
    """Count one record under its site and family. ``hint`` is the family ``sites.toml``
    sets for the site: a page of it that no profile recognised counts as fallen back."""
    family, extraction = record.family, record.extraction or "generic"
    if hint and hint not in ("auto", family) and family == "generic":
        family, extraction = hint, "generic_fallback"
    where = f"{record.site}/{family}"
    stats.inc_value(f"{_PREFIX}{where}/{extraction}")
    for name in record.fallback_fields:
        stats.inc_value(f"micnews/fallback_field/{where}/{name}")
    for name in FIELDS:
        if not getattr(record, name):
            stats.inc_value(f"{_MISSING}{where}/{name}")


@dataclass(frozen=True)
class SiteHealth:
    """How one site's article pages of one family were extracted in a run."""

    site: str
    family: str
    counts: dict[str, int]
    missing: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def fell_back(self) -> int:
        return self.counts.get("generic_fallback", 0)

    @property
    def rotten(self) -> bool:
        """Most article pages of a known family fell back to the generic path."""
        return (self.family != "generic" and self.total >= ROT_MIN_PAGES
                and self.fell_back > ROT_SHARE * self.total)

    def line(self) -> str:
        """``profile 3, profile+fallback 1, generic_fallback 0; missing author 2``."""
        parts = ", ".join(f"{k} {self.counts.get(k, 0)}" for k in EXTRACTIONS
                          if k != "generic" or self.family == "generic")
        miss = ", ".join(f"{k} {v}" for k, v in sorted(self.missing.items()))
        return parts + (f"; missing {miss}" if miss else "")


def health(stats: dict[str, Any]) -> list[SiteHealth]:
    """Per (site, family), the extraction counts and missing fields of a run's stats."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    missing: dict[tuple[str, str], dict[str, int]] = {}
    for key, value in stats.items():
        for prefix, table in ((_PREFIX, counts), (_MISSING, missing)):
            if key.startswith(prefix):
                site, family, what = key[len(prefix):].rsplit("/", 2)
                table.setdefault((site, family), {})[what] = int(value)
    return [SiteHealth(s, f, counts[(s, f)], missing.get((s, f), {})) for s, f in sorted(counts)]


def rotten(stats: dict[str, Any]) -> list[SiteHealth]:
    """The sites whose family profile no longer fits most of their article pages."""
    return [h for h in health(stats) if h.rotten]


def warning(h: SiteHealth) -> str:
    """The one-line warning a run prints for a rotten profile."""
    return (f"profile health: {h.site}: {h.fell_back} of {h.total} article pages of family "
            f"{h.family} fell back to the generic path — the site's theme has probably "
            f"changed; the {h.family} profile needs updating (exit code {EXIT_PROFILE_ROT})")
