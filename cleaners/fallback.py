"""A known family's page, never worse than the generic path.

:func:`extract_family` is where the profile path hands off: the family's profile first (its
own fields falling back one by one on :mod:`~micnews.cleaners.fields`), and when the profile
finds no body, or a body far shorter than the generic extraction, the generic path with the
family's knowledge still applied (title, lead, bylines and dates found by meaning; the
family's boilerplate markers and the lead rules run in :func:`~micnews.cleaners.clean.clean`).
The result says which of the three it was (``Record.extraction``) so a crawl can tell a
profile that rots (a site redesign) from one that works.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container

from lxml import html as lhtml

from micnews.cleaners.extract import (
    extract_with_profile,
    paragraphs_of,
    select_first,
    take_images,
)
from micnews.cleaners.fields import (
    bylines_anywhere,
    detail_page_evidence,
    is_labelled,
    lead_element,
    meta_datetime,
    schema_author,
    title_by_meaning,
    visible_date,
)
from micnews.cleaners.generic import extract_generic
from micnews.cleaners.listing import listing_reason
from micnews.cleaners.pageview import PageView
from micnews.cleaners.profile import Profile, css
from micnews.cleaners.record import Extracted, Image
from micnews.cleaners.templates import SiteTemplate
from micnews.cleaners.textnorm import norm_key

SHORT_BODY_WORDS = 120  # a profile body shorter than this is compared with the generic path
FAR_SHORTER = 2.0  # the generic body has this many times the words: the profile missed text
# A profile body is compared with the generic path only on pages up to this size: on a
# page of megabytes a trafilatura pass takes minutes (justext), and a body the profile found
# is kept (a page where the profile finds none still goes the generic way, as unknown ones do).
COMPARE_MAX_CHARS = 1_000_000


def _words(ex: Extracted) -> int:
    return len(" ".join([ex.lead or "", *ex.paragraphs]).split())


_SENTENCES = ("//text()[not(ancestor::a) and not(ancestor::script) and not(ancestor::style)]"
              "[string-length(normalize-space()) >= 60]")


def _long_words(el: lhtml.HtmlElement) -> int:
    return sum(len(t.split()) for t in el.xpath("." + _SENTENCES))


def _text_elsewhere(tree: lhtml.HtmlElement, profile: Profile,
                    names: Container[str] | None = None) -> int:
    """Words of sentence-long text (outside links, scripts) that is not in the profile's
    body: about the most the generic path could add to it. Counting is cheap; a
    trafilatura pass is not, so the generic path runs only when there is room for more."""
    body = select_first(tree, profile.body, names)
    return _long_words(tree) - (_long_words(body) if body is not None else 0)


def family_fields(ex: Extracted, tree: lhtml.HtmlElement, url: str, profile: Profile) -> Extracted:
    """Fill a generic extraction of a known family's page with the fields found by meaning:
    they win over the generic guesses (the family's markup says what its parts are). The
    family's furniture (``drop`` selectors: modals, rating, hidden copies) leaves first:
    ``tree`` is edited (the generic path's tree, which it no longer needs)."""
    for sel in profile.drop:
        for el in css(sel)(tree):
            if el.getparent() is not None and el.tag not in ("html", "body"):
                el.drop_tree()
    lead_el = lead_element(tree, None)
    anchor = lead_el
    if anchor is None:
        heads = tree.xpath("//h1")
        anchor = heads[0] if heads else None
    ex.title = title_by_meaning(tree, lead_el) or ex.title
    captions: list[Image] = []
    take_images(tree.body if tree.find("body") is not None else tree, url, captions, Counter())
    caption_keys = {norm_key(i.caption) for i in captions if i.caption}
    ex.paragraphs = [p for p in ex.paragraphs if norm_key(p) not in caption_keys]
    if lead_el is not None:
        take_images(lead_el, url, [], Counter())
        lead = " ".join(paragraphs_of(lead_el)).strip()
        ex.lead = lead or ex.lead
    author, source = bylines_anywhere(tree)
    ex.author = author or schema_author(tree) or None
    ex.source = source or ex.source
    tail = ex.paragraphs[-4:]
    ex.paragraphs = ex.paragraphs[:-4] + [p for p in tail if not is_labelled(p)]
    published = visible_date(anchor, before=False) if anchor is not None else None
    if published is None:
        for meta in tree.iter("meta"):
            if (meta.get("property") or "").lower() == "article:published_time":
                published = meta_datetime(meta.get("content"))
                break
    ex.published_at = published or ex.published_at
    return ex


def extract_family(
    view: PageView, url: str, profile: Profile,
    template: SiteTemplate | None, article_signals: bool,
) -> tuple[Extracted | None, str]:
    """``(extracted, extraction)`` for a page of ``profile``'s family; ``(None, reason)``
    when it has no article (a listing or home page of the family)."""
    tree, html, names = view.tree, view.html, view.class_and_id_names
    extracted = extract_with_profile(tree, url, profile, names)
    if extracted is not None and (
        _words(extracted) >= SHORT_BODY_WORDS or len(html) > COMPARE_MAX_CHARS
        or _words(extracted) + _text_elsewhere(tree, profile, names)
        - len((extracted.lead or "").split()) < FAR_SHORTER * _words(extracted)
    ):  # long enough, or no room on the page for a body FAR_SHORTER times longer
        return extracted, "profile+fallback" if extracted.fallbacks else "profile"
    detail_page = extracted is not None or detail_page_evidence(tree)
    if extracted is None and not (article_signals or detail_page):
        return None, "no article body (listing or home page)"
    if extracted is None and not detail_page and not view.article_markup:
        # no body and no detail-page evidence, and the page shows itself a listing
        # (repeated teaser cards, link text): no trafilatura pass to confirm it
        listing = listing_reason(tree)
        if listing:
            return None, listing
    # the profile path edited the tree: the generic path reads a fresh one; the family's
    # detail-page evidence stands in for the generic path's own (date, article markup)
    fresh = view.reparsed()
    generic = extract_generic(fresh, url, template, is_article=detail_page)
    if generic is not None and (
        extracted is None or len(generic.paragraphs) and
        len(" ".join(generic.paragraphs).split()) >= FAR_SHORTER * _words(extracted)
    ):  # the generic path only read the fresh tree (trafilatura works on its own copy)
        return family_fields(generic, fresh.tree, url, profile), "generic_fallback"
    if extracted is not None:
        return extracted, "profile+fallback" if extracted.fallbacks else "profile"
    return None, "no article text"
