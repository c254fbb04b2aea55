"""Is a page without article text a listing? The page's own evidence, read once it is refused.

The profile path (a family page without its article body) and the generic path (trafilatura
finding too little text) refuse a page for what it lacks. What a crawl wants to know is what
the page *is*: a category or home page whose main block is a list of teasers says so
itself — many repeated blocks of the same markup each led by a headline link (a card:
headline, summary, time, picture), or a main block whose text is mostly link text. Page
furniture (header, menus, footer, popups, forms) is left out of both counts: every page
has it, article or not.

Only pages already refused are examined, so this decides the reason, never whether a page
is an article.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from lxml import html as lhtml

# A headline link: at least this many words (menu items are one to four).
HEADLINE_WORDS = 5
# Blocks of one markup (tag, class, parent tag) repeated this often are a list of teasers…
MIN_GROUP = 4
# …and a page holding at least this many such teaser blocks…
MIN_TEASERS = 8
# …whose blocks hold this share of the text outside the page furniture is a listing.
MIN_TEASER_SHARE = 0.5
# Or: this share of the text outside the furniture is link text (a list of headlines).
MIN_LINK_SHARE = 0.6
MIN_MAIN_CHARS = 300  # below this much text outside the furniture, the page says nothing

_FURNITURE_TAGS = frozenset(("nav", "header", "footer", "aside", "form", "script", "style",
                             "noscript", "template", "select", "button"))
# class or id words of page furniture (substrings: "megamenu", "wrapPopup", "footer__middle")
_FURNITURE = re.compile(r"nav|menu|header|footer|popup|modal|login|breadcrumb|sidebar|"
                        r"copyright|social|share|banner|advert|quang-?cao", re.IGNORECASE)
_CARD_TAGS = frozenset(("li", "div", "article", "section", "td", "dd", "dt", "p", "tr"))


def _is_furniture(el: lhtml.HtmlElement) -> bool:
    if el.tag in _FURNITURE_TAGS:
        return True
    return _furniture_names(el.get("class") or "", el.get("id") or "")


@lru_cache(maxsize=4096)
def _furniture_names(classes: str, ids: str) -> bool:
    """(a page repeats a few class strings on thousands of elements: each is searched once)"""
    return _FURNITURE.search(classes) is not None or _FURNITURE.search(ids) is not None


def _main_text_nodes(root: lhtml.HtmlElement) -> list[tuple[str, lhtml.HtmlElement]]:
    """(text, element) for every non-blank text run outside the page furniture."""
    out: list[tuple[str, lhtml.HtmlElement]] = []
    stack = [root]
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str) or _is_furniture(el):
            continue
        if el.text and el.text.strip():
            out.append((el.text.strip(), el))
        for child in el:
            stack.append(child)
            if child.tail and child.tail.strip():
                out.append((child.tail.strip(), el))
    return out


def _card_of(link: lhtml.HtmlElement) -> lhtml.HtmlElement | None:
    """The teaser block a headline link leads: its nearest block ancestor (not a heading)."""
    for anc in link.iterancestors():
        if anc.tag in _CARD_TAGS:
            return anc
    return None


def listing_reason(tree: lhtml.HtmlElement) -> str | None:
    """``"listing: …"`` when the page's main block is a list of teasers or of links, else None."""
    body = tree.find("body")
    root = body if body is not None else tree
    nodes = _main_text_nodes(root)
    total = sum(len(text) for text, _ in nodes)
    if total < MIN_MAIN_CHARS:
        return None
    kept = {id(el) for _, el in nodes}
    groups: dict[tuple, set[lhtml.HtmlElement]] = defaultdict(set)
    for link in root.iter("a"):
        if id(link) not in kept and not any(id(d) in kept for d in link.iterdescendants()):
            continue  # furniture, or a link without text of its own
        if len(link.text_content().split()) < HEADLINE_WORDS:
            continue
        card = _card_of(link)
        if card is not None:
            parent = card.getparent()
            groups[(card.tag, card.get("class"), getattr(parent, "tag", None))].add(card)
    cards = [c for group in groups.values() if len(group) >= MIN_GROUP for c in group]
    if len(cards) >= MIN_TEASERS:
        inside: set[int] = set()
        for card in cards:  # a card nested in another counts once
            inside.update(id(d) for d in card.iter())
        share = sum(len(text) for text, el in nodes if id(el) in inside) / total
        if share >= MIN_TEASER_SHARE:
            return f"listing: {len(cards)} teaser blocks hold {share:.0%} of the main text"
    linked = sum(len(text) for text, el in nodes
                 if el.tag == "a" or any(a.tag == "a" for a in el.iterancestors()))
    if linked / total >= MIN_LINK_SHARE:
        return f"listing: {linked / total:.0%} of the main text is link text"
    return None
