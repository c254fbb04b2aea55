"""The cleaner: one fetched page in, one :class:`Record` (or a typed :class:`NotArticle`) out.

:func:`clean` reads top to bottom as its steps: check the bytes are HTML, decode, parse
once, detect the site family, extract with the family's profile (or the generic path),
strip known boilerplate, keep the lead once, assemble the text and the record. It never
raises: an unexpected error becomes ``NotArticle(reason="error: ...")``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from micnews.cleaners.boilerplate import Markers, strip_boilerplate
from micnews.cleaners.dates import date_from_html, date_from_url
from micnews.cleaners.detect import detect_family
from micnews.cleaners.fallback import extract_family
from micnews.cleaners.fields import split_repeated_tag
from micnews.cleaners.generic import clean_authors, extract_generic_or_reason, page_blocks
from micnews.cleaners.lead import dedupe_lead, split_source_tag
from micnews.cleaners.listing import listing_reason
from micnews.cleaners.pageview import PageView, build_view, html_problem, parse_html
from micnews.cleaners.record import VN_TZ, Extracted, NotArticle, Page, Record, utcnow
from micnews.cleaners.templates import SiteTemplate, TemplateRegistry
from micnews.cleaners.textnorm import norm_key, norm_space

GENERIC_EXTRACTOR = "trafilatura"
__all__ = ["clean", "clean_html", "clean_many", "html_problem", "learn_template", "parse_html"]


def site_of(url: str) -> str:
    """Host, lower-case, plus ``:port`` when the port is not the scheme's default."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and port != {"http": 80, "https": 443}.get(parts.scheme.lower()):
        return f"{host}:{port}"
    return host


_HOME_PATH = re.compile(
    r"^/?(?:(?:vi|en)/?)?(?:(?:index|default|home|trang-chu)\.(?:html?|php|aspx?))?$", re.I
)


def is_home_url(url: str) -> bool:
    """True for a site's home page URL (``/``, ``/vi/``, ``/index.html``, ``/default.aspx``)."""
    parts = urlsplit(url)
    return not parts.query and bool(_HOME_PATH.match(parts.path))


def _vn(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt.replace(tzinfo=VN_TZ) if dt.tzinfo is None else dt.astimezone(VN_TZ)


def _utc(dt: datetime | None) -> datetime:
    if dt is None:
        return utcnow()
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


# Reasons that say what a refused page lacks, not what it is: the page's evidence may say more.
_LACKING = frozenset(("no article body (listing or home page)", "no article text"))


def _why_refused(view: PageView, reason: str) -> str:
    """``reason``, or ``listing: …`` when a page refused for lacking article text shows
    itself a listing (repeated teaser blocks, link text): what the page is, for the stats."""
    return (listing_reason(view.tree) or reason) if reason in _LACKING else reason


def clean(
    page: Page, template: SiteTemplate | None = None, removed: Counter[str] | None = None,
    view: PageView | None = None,
) -> Record | NotArticle:
    """Turn one fetched page into a record, or say why it is not an article.

    ``template`` is the site's learned template (generic path only); ``removed``, when
    given, is incremented per cleaning step with what it took out (``boilerplate``,
    ``captions``, ``bylines``, ``lead_repeats``, ``template``, ...). ``view`` is the page's
    :class:`PageView` when the caller already built it (template learning in a crawl).
    """
    try:
        return _clean(page, template, removed if removed is not None else Counter(), view)
    except Exception as exc:  # noqa: BLE001 - the cleaner must never raise on a page
        return NotArticle(page.url, f"error: {type(exc).__name__}: {exc}")


def _clean(page: Page, template: SiteTemplate | None, removed: Counter[str],
           view: PageView | None = None) -> Record | NotArticle:
    url = page.url
    # 1-2. an HTML page within the limits, decoded and parsed once (pageview.py)
    if view is None:
        built = build_view(page)
        if isinstance(built, str):
            return NotArticle(url, built)
        view = built
    tree = view.tree

    # 3. site family from the page itself, then the profile path
    profile = detect_family(tree, url, view.class_and_id_names)
    family, extractor, extraction = "generic", GENERIC_EXTRACTOR, "generic"
    extracted: Extracted | None = None
    markers: Markers | None = None
    if profile is not None:  # profile → field fallbacks → generic path (cleaners/fallback.py)
        extracted, extraction = extract_family(
            view, url, profile, template, view.article_hint)
        if extracted is None:
            return NotArticle(url, _why_refused(view, extraction), profile.name)
        family, markers = profile.name, profile.markers
        extractor = GENERIC_EXTRACTOR if extraction == "generic_fallback" else profile.extractor
        extracted.author = clean_authors(extracted.author, view)

    # 4. generic path: unknown family, or a profiled page whose article the profile missed
    if extracted is None:
        if is_home_url(url) and not view.article_hint:
            return NotArticle(url, "home page", family)
        found = extract_generic_or_reason(view, url, template)
        if isinstance(found, str):
            return NotArticle(url, _why_refused(view, found), family)
        extracted = found
        if extracted.lead and not extracted.source:
            extracted.source, extracted.lead = split_source_tag(extracted.lead)
    if extracted.lead:  # a source tag of any case, when the same text follows
        tag, extracted.lead = split_repeated_tag(extracted.lead, extracted.paragraphs)
        extracted.source = extracted.source or tag

    # 5. known boilerplate (profile markers plus the cross-family defaults; the generic path
    # has stripped the defaults already)
    paragraphs, n = (extracted.paragraphs, 0) if markers is None and extraction == "generic" \
        else strip_boilerplate(extracted.paragraphs, markers)
    removed.update(extracted.removed)
    removed["boilerplate"] += n

    # 6. the lead once, then the body
    lead = norm_space(extracted.lead or "") or None
    lead, body = dedupe_lead(lead, paragraphs)
    if body != paragraphs:
        removed["lead_repeats"] += 1
    parts = ([lead] if lead else []) + [p for p in body if p]
    if not parts:
        return NotArticle(url, "no article text", family)
    text = "\n\n".join(parts)

    # 7. the record (a page without a dated byline line: htmldate, then the URL)
    published = extracted.published_at or (
        date_from_url(url) if family == "generic" else date_from_html(view.tree, url))
    return Record(
        url=url,
        canonical_url=extracted.canonical_url,
        # a saved page (file://) has no host: the site is the one its canonical URL names
        site=site_of(url) or site_of(extracted.canonical_url or ""),
        family=family,
        title=norm_space(extracted.title or "") or None,
        lead=lead,
        text=text,
        author=extracted.author,
        source=extracted.source,
        published_at=_vn(published),
        updated_at=_vn(extracted.updated_at),
        images=list(extracted.images),
        attachments=list(extracted.attachments),
        tags=list(extracted.tags),
        language=extracted.language or "vi",
        word_count=len(text.split()),
        content_hash=hashlib.sha1(norm_key(text).encode("utf-8")).hexdigest(),
        fetched_at=_utc(page.fetched_at),
        extractor=extractor,
        extraction=extraction,
        fallback_fields=sorted(set(extracted.fallbacks)),
    )


def clean_html(html: str | bytes, url: str) -> Record | NotArticle:
    """Convenience: clean an HTML string (UTF-8) or raw bytes fetched from ``url``."""
    if isinstance(html, str):
        page = Page(url, html.encode("utf-8"), {"content-type": "text/html; charset=utf-8"})
    else:
        page = Page(url, html, {})
    return clean(page)


def page_view(page: Page) -> PageView | None:
    """The page's view, None when it has none (not HTML, over a limit, unparsable)."""
    try:
        built = build_view(page)
    except Exception:  # noqa: BLE001 - a bad page must not stop the others
        return None
    return built if isinstance(built, PageView) else None


def learn_template(
    registry: TemplateRegistry, page: Page, view: PageView | None = None
) -> None:
    """Count one page's text blocks into its site's template (pages that are not HTML, or
    that fail to decode, teach nothing). ``view``: the page's view when already built."""
    view = view or page_view(page)
    if view is None:
        return
    try:
        registry.add(site_of(page.url), page_blocks(view))
    except Exception:  # noqa: BLE001,S110 - a bad page must not stop the others
        return


def clean_many(pages: Iterable[Page]) -> list[Record | NotArticle]:
    """Clean several pages, learning each site's repeated text across all of them first."""
    pages = list(pages)
    registry = TemplateRegistry()
    for page in pages:
        learn_template(registry, page)
    return [clean(page, registry.template(site_of(page.url))) for page in pages]
