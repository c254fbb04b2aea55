"""What the spider hands to the pipelines: one fetched page, uncleaned."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from micnews.cleaners.record import Page


@dataclass
class PageItem:
    """A fetched HTML page; :class:`~micnews.crawler.pipelines.CleanPipeline` makes it a record."""

    url: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200
    fetched_at: datetime | None = None
    site: str = ""  # configured site name the page was found under
    links: list[str] = field(default_factory=list)  # same-site links followed from it
    archived_at: datetime | None = None  # an archived copy: its capture time (UTC)
    archive: str | None = None  # …and which archive (crawler/archive.py)

    def to_page(self) -> Page:
        """The cleaner's view of this item."""
        return Page(self.url, self.body, self.headers, self.status, self.fetched_at)
