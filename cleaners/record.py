"""The page that goes into the cleaner and the record that comes out.

One definition serves JSON and Parquet: :data:`ARROW_SCHEMA` is derived from the
same field list as :class:`Record`, and :meth:`Record.to_json_dict` /
:meth:`Record.to_arrow_row` are the only two serialisations.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SCHEMA_VERSION = "4"  # 2: attachments; 3: extraction, fallback_fields; 4: archived_at, archive

# How a record was extracted (Record.extraction): its family's profile alone, the profile
# with some fields found by the family-independent rules, the generic path standing in for a
# profile that found no body (a redesign), or the generic path for an unknown family.
EXTRACTIONS = ("profile", "profile+fallback", "generic_fallback", "generic")


@dataclass(frozen=True)
class Page:
    """One fetched page: raw bytes plus what the transport told us about them."""

    url: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    status: int = 200
    fetched_at: datetime | None = None  # UTC; None means "now"

    def header(self, name: str) -> str | None:
        """Case-insensitive header lookup."""
        name = name.lower()
        for key, value in self.headers.items():
            if key.lower() == name:
                return value
        return None


@dataclass(frozen=True)
class Image:
    """An article image: absolute URL and its caption (once)."""

    url: str
    caption: str | None = None


@dataclass(frozen=True)
class Attachment:
    """A document the article links to (PDF, DOC…): absolute URL and the link's text."""

    url: str
    title: str | None = None


@dataclass
class Record:
    """One clean article. Field order is the column order of the dataset."""

    url: str
    canonical_url: str | None
    site: str
    family: str
    title: str | None
    lead: str | None
    text: str
    author: str | None = None
    source: str | None = None
    published_at: datetime | None = None  # aware, Asia/Ho_Chi_Minh
    updated_at: datetime | None = None
    images: list[Image] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    language: str | None = "vi"
    word_count: int = 0
    content_hash: str = ""
    fetched_at: datetime | None = None  # aware, UTC
    extractor: str = ""
    extraction: str = "generic"  # one of EXTRACTIONS
    fallback_fields: list[str] = field(default_factory=list)  # fields found by the fallbacks
    archived_at: datetime | None = None  # capture time of an archived copy, aware UTC
    archive: str | None = None  # which archive it came from ("wayback", "commoncrawl:CC-…")

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready dict: datetimes as ISO 8601 (published_at in +07:00)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, datetime):
                if f.name in ("published_at", "updated_at"):
                    value = value.astimezone(VN_TZ)
                value = value.isoformat()
            elif f.name == "images":
                value = [{"url": i.url, "caption": i.caption} for i in value]
            elif f.name == "attachments":
                value = [{"url": d.url, "title": d.title} for d in value]
            out[f.name] = value
        return out

    def to_arrow_row(self) -> dict[str, Any]:
        """Row for :data:`ARROW_SCHEMA` (datetimes stay datetimes)."""
        row = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        row["images"] = [{"url": i.url, "caption": i.caption} for i in self.images]
        row["attachments"] = [{"url": d.url, "title": d.title} for d in self.attachments]
        return row

    @classmethod
    def from_json_dict(cls, data: Mapping[str, Any]) -> Record:
        """Inverse of :meth:`to_json_dict`."""
        kwargs = dict(data)
        for name in ("published_at", "updated_at", "fetched_at", "archived_at"):
            if kwargs.get(name):
                kwargs[name] = datetime.fromisoformat(kwargs[name])
        kwargs["images"] = [Image(**i) for i in kwargs.get("images") or []]
        kwargs["attachments"] = [Attachment(**d) for d in kwargs.get("attachments") or []]
        return cls(**{k: v for k, v in kwargs.items() if k in _FIELD_NAMES})


_FIELD_NAMES = {f.name for f in dataclasses.fields(Record)}


@dataclass(frozen=True)
class NotArticle:
    """Typed 'this page is not an article' result (listing, home page, empty, binary...)."""

    url: str
    reason: str
    family: str = "generic"


def record_keys(url: str, archived_at: datetime | None = None) -> list[str]:
    """The keys a written record is known by in the crawl state: its URL, and for an
    archived copy also ``URL#YYYYmmddHHMMSS`` (its capture), so a crawl of every capture
    skips exactly the captures already in the dataset. ``dataset.version_key`` is the
    same key over Arrow columns."""
    if archived_at is None:
        return [url]
    return [url, f"{url}#{archived_at.astimezone(UTC):%Y%m%d%H%M%S}"]


def utcnow() -> datetime:
    """Current time, aware, UTC."""
    return datetime.now(UTC)


_VN_TS = pa.timestamp("us", tz="Asia/Ho_Chi_Minh")
ARROW_SCHEMA = pa.schema(
    [
        pa.field("url", pa.string(), nullable=False),
        pa.field("canonical_url", pa.string()),
        pa.field("site", pa.string(), nullable=False),
        pa.field("family", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("lead", pa.string()),
        pa.field("text", pa.string(), nullable=False),
        pa.field("author", pa.string()),
        pa.field("source", pa.string()),
        pa.field("published_at", _VN_TS),
        pa.field("updated_at", _VN_TS),
        pa.field(
            "images",
            pa.list_(pa.struct([pa.field("url", pa.string()), pa.field("caption", pa.string())])),
        ),
        pa.field(
            "attachments",
            pa.list_(pa.struct([pa.field("url", pa.string()), pa.field("title", pa.string())])),
        ),
        pa.field("tags", pa.list_(pa.string())),
        pa.field("language", pa.string()),
        pa.field("word_count", pa.int32()),
        pa.field("content_hash", pa.string()),
        pa.field("fetched_at", pa.timestamp("us", tz="UTC")),
        pa.field("extractor", pa.string()),
        pa.field("extraction", pa.string()),
        pa.field("fallback_fields", pa.list_(pa.string())),
        pa.field("archived_at", pa.timestamp("us", tz="UTC")),
        pa.field("archive", pa.string()),
    ],
    metadata={"micnews.schema_version": SCHEMA_VERSION},
)
assert [f.name for f in ARROW_SCHEMA] == [f.name for f in dataclasses.fields(Record)]


@dataclass
class Extracted:
    """What an extractor (profile path or generic path) read off one page.

    ``paragraphs`` is the body in reading order *as the page has it*: it may still
    repeat the lead; :mod:`micnews.cleaners.lead` decides what stays. Captions, bylines and
    boilerplate must already be out of ``paragraphs``.
    """

    title: str | None = None
    lead: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    author: str | None = None
    source: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    images: list[Image] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    canonical_url: str | None = None
    language: str | None = None
    removed: dict[str, int] = field(default_factory=dict)  # step name -> items removed
    fallbacks: list[str] = field(default_factory=list)  # fields found by the fallbacks
