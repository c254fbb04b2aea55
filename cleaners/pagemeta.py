"""Title, author and tags of a page of no known family, read from its own markup.

trafilatura's ``with_metadata`` costs more than its text extraction (its author search
deep-copies and prunes the whole tree, then it reads categories, licence and site name we
never store, and runs htmldate even when the page's metadata already has the date). The
generic path asks trafilatura for the text only and reads the metadata here: its readers'
rules (meta tags, JSON-LD minifying, title, byline and tag XPaths) re-implemented on our tree
without the copy, each walking the page as little as it can, and tested against
trafilatura's own readers (tests/test_pagemeta.py). The date is not read here: the
generic path reads the page's metadata and visible date line first and asks htmldate
(:func:`micnews.cleaners.dates.htmldate_raw`) only when those have none.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape

from lxml import etree
from lxml import html as lhtml
from trafilatura.baseline import block_text
from trafilatura.json_metadata import (
    JSON_UNICODE_REPLACE,
    extract_json,
    extract_json_parse_error,
    normalize_authors,
)
from trafilatura.metadata import (
    METANAME_AUTHOR,
    METANAME_DESCRIPTION,
    METANAME_IMAGE,
    METANAME_PUBLISHER,
    METANAME_TAG,
    METANAME_TITLE,
    OG_AUTHOR,
    OG_PROPERTIES,
    PROPERTY_AUTHOR,
    TWITTER_ATTRS,
    examine_title_element,
    extract_metainfo,
    normalize_tags,
)
from trafilatura.settings import Document
from trafilatura.utils import HTML_STRIP_TAGS, line_processing, trim

from micnews.cleaners.pageview import PageView

# trafilatura's extract_metainfo bound for author candidates
_AUTHOR_MAX_CHARS = 120


@dataclass
class PageMeta:
    """What the page's markup says about the article (any field may be None/empty)."""

    title: str | None = None
    author: str | None = None
    tags: list[str] = field(default_factory=list)


# trafilatura's author XPaths (xpaths.AUTHOR_XPATHS) and what it prunes first
# (AUTHOR_DISCARD_XPATHS), as data for one pass over the elements that carry attributes:
# its XPaths run a regex callback on every element of the tree, three times over.
# C-speed superset of the elements any rule below can match (the rules then run in Python
# on these few): every class/id word the rules test, as contains(), and the values of the
# other attributes they read (an element that a rule matches by its class or id is found
# by those); only what occurs in the page's source goes into the XPath.
_BYLINE_CLASS_WORDS = ("uthor", "byl", "Byline", "BBL", "username", "zuozhe", "bianji",
                       "xiaobian", "channel-name", "submitted-by", "posted-by",
                       "journalist-name", "screenname", "writer")
_BYLINE_ID_WORDS = ("uthor", "zuozhe", "bianji", "xiaobian")
_BYLINE_ATTRIBUTE_PATHS = ["//@itemprop[contains(., 'author')]/..",
                           "//@data-testid[. = 'AuthorCard' or . = 'AuthorURL']/..",
                           "//@data-component[contains(., 'Byline')]/..",
                           "//@rel[. = 'author']/.."]


@lru_cache(maxsize=256)
def _xpath(expression: str) -> etree.XPath:
    return etree.XPath(expression)


def _byline_candidates(view: PageView) -> list[lhtml.HtmlElement]:
    """The elements any byline rule may match, in page order: those whose itemprop, rel or
    data-* value a rule tests for, and those whose class or id holds one of the words the
    page's names hold. Written as a union of attribute paths ("//@rel[…]/.."): the same
    elements as one predicate per element ("//*[@rel … or …]"), in half the time — a
    predicate tests every element for every attribute."""
    names = view.class_and_id_names.joined
    words = [w for w in _BYLINE_CLASS_WORDS if w in names]
    ids = [w for w in _BYLINE_ID_WORDS if w in names]
    paths = list(_BYLINE_ATTRIBUTE_PATHS)
    for attr, found in (("class", words), ("id", ids)):
        if found:
            paths.append(f"//@{attr}[{' or '.join(f'contains(., {w!r})' for w in found)}]/..")
    return _xpath(" | ".join([*paths, "//author"]))(view.tree)


_TIERS = (
    {  # specific and almost specific
        "tags": frozenset("a address div link p span strong".split()),
        "exact": {"rel": ("author",), "id": ("author",), "class": ("author",),
                  "itemprop": ("author name",), "data-testid": ("AuthorCard", "AuthorURL")},
        "contains": {},
        "search": {"class": re.compile("author-?name|AuthorName|authorName")},
    },
    {  # almost generic and generic
        "tags": frozenset("a div h3 h4 p span".split()),
        "exact": {"class": ("byline", "username", "byl", "BBL")},
        "contains": {"itemprop": "author"},
        "search": {"id": re.compile("author|zuozhe|bianji|xiaobian"),
                   "class": re.compile("author|channel-name|zuozhe|bianji|xiaobian|"
                                       "submitted-by|posted-by|journalist-name")},
    },
    {  # last resort: any element
        "tags": None,
        "exact": {},
        "contains": {"data-component": "Byline", "itemprop": "author"},
        "search": {"id": re.compile("[Aa]uthor"),
                   "class": re.compile("[Aa]uthor|screenname|writer|[Bb]yline")},
    },
)
_DISCARD_TAGS = frozenset(("time", "figure"))
_DISCARD_IF = {
    "tags": frozenset("a div section span".split()),
    "exact": {"id": ("comments",), "class": ("comments", "title", "date")},
    "contains": {"data-component": "Figure"},
    "search": {"id": re.compile("^comments|comment-?list|ProductReviews"),
               "class": re.compile(
                   "^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|"
                   "embedly-instagram|article-(?:share|support)|print|category|meta-date|"
                   "meta-reviewer")},
}


def _matches(el: lhtml.HtmlElement, rule: dict) -> bool:
    if rule["tags"] is not None and el.tag not in rule["tags"]:
        return False
    get = el.get
    return (
        any(get(attr) in values for attr, values in rule["exact"].items())
        or any(word in (get(attr) or "") for attr, word in rule["contains"].items())
        or any(pattern.search(get(attr) or "") for attr, pattern in rule["search"].items())
    )


def _discarded(el: lhtml.HtmlElement) -> bool:
    return el.tag in _DISCARD_TAGS or _matches(el, _DISCARD_IF)


def _text_outside_discarded(el: lhtml.HtmlElement) -> str:
    """``el``'s text as trafilatura reads it after pruning (tails of pruned children kept)."""
    parts: list[str] = []

    def walk(node: lhtml.HtmlElement) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str) and not _discarded(child):
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return trim(" ".join(parts))


def author_in_markup(view: PageView) -> str | None:
    """The byline trafilatura's ``extract_author`` finds (its XPaths in their order, outside
    comments, sidebars, figures and date elements), as trafilatura normalises it; without
    deep-copying and pruning the tree."""
    tiers: list[list[lhtml.HtmlElement]] = [[] for _ in _TIERS]
    for el in _byline_candidates(view):  # each element under the first XPath it matches
        for rank, rule in enumerate(_TIERS):
            if (el.tag == "author" and rank == 0) or _matches(el, rule):
                tiers[rank].append(el)
                break
    # (an element a later XPath finds again was already refused: validity does not
    # depend on the XPath)
    for candidates in tiers:
        for el in candidates:
            if _discarded(el) or any(_discarded(a) for a in el.iterancestors()):
                continue
            text = _text_outside_discarded(el)
            if text and 2 < len(text) < _AUTHOR_MAX_CHARS:
                return normalize_authors(None, text)
    return None


# trafilatura's TAGS_XPATHS, in their order, as the element (any when None) and class value
# of the box a tag link must be in ("//div[@class='tags']//a[@href]"...)
_TAG_BOXES: tuple[tuple[str | None, Callable[[str], bool]], ...] = (
    ("div", lambda cls: cls == "tags"),
    ("p", lambda cls: cls.startswith("entry-tags")),
    ("div", lambda cls: cls in ("row", "jp-relatedposts", "entry-utility")
     or cls.startswith(("tag", "postmeta", "meta"))),
    (None, lambda cls: cls == "entry-meta" or "topics" in cls or "tags-links" in cls),
)
_TAG_HREF = re.compile("/tag(?:y|ies|s)?/")
_LINKS_TO_TAGS = etree.XPath("//a[contains(@href, '/tag')]")  # (what _TAG_HREF needs)


def tag_links(view: PageView) -> list[str]:
    """The page's tags as trafilatura's ``extract_catstags("tag", ...)`` reads them: the
    links to /tag/ pages in the first tag box that has some. Read from the few links to
    /tag/ pages up to their boxes: each of its XPaths walked every link of every box
    (nested ``div.row`` boxes: the same links many times), 4 M instructions a page."""
    links = [a for a in _LINKS_TO_TAGS(view.tree) if _TAG_HREF.search(a.get("href"))]
    found: list[str] = []
    for tag, holds in _TAG_BOXES:
        found = [block_text(a) for a in links
                 if any(holds(box.get("class") or "") for box in a.iterancestors(tag))]
        if found:
            break
    return [t for t in dict.fromkeys(line_processing(x) for x in found if x) if t]


_JSON_SCRIPT_TYPES = ("application/ld+json", "application/settings+json")
_SURROGATES = re.compile("[\ud800-\udfff]")


# trafilatura's JSON_MINIFY keeps its strings and drops the white space outside them; as
# the tokens it keeps (strings, runs of other characters, a quote opening no string): its
# string pattern "(?:\\.|[^"\\])*" steps the regex engine's group machinery per character,
# unrolled the same strings cost a fifth.
_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[^\s"]+|"')


def minify_json(text: str) -> str:
    """``text`` as trafilatura's JSON_MINIFY substitution leaves it (re-check on a
    trafilatura upgrade)."""
    return "".join(_JSON_TOKENS.findall(text))


def normalize_json(string: str) -> str:
    """trafilatura's ``normalize_json`` with its per-character surrogate filter (a Python
    step per character of a script) as one regex pass."""
    if "\\" in string:
        string = string.replace("\\n", "").replace("\\r", "").replace("\\t", "")
        string = JSON_UNICODE_REPLACE.sub(lambda match: chr(int(match[1], 16)), string)
        string = _SURROGATES.sub("", string)
        string = unescape(string)
    return trim(HTML_STRIP_TAGS.sub("", string))


def meta_json(tree: lhtml.HtmlElement, doc: Document) -> Document:
    """trafilatura's ``extract_meta_json`` (the same steps on the same scripts), its
    scripts found by tag name (its XPath tests every element of the page), and its
    minifying substitution (a template expanded by Python code for each JSON string and
    white space character, most of the step's time) as :func:`minify_json`."""
    for elem in tree.iter("script"):
        if elem.get("type") not in _JSON_SCRIPT_TYPES or not elem.text:
            continue
        text = normalize_json(minify_json(elem.text))
        try:
            doc = extract_json(json.loads(text, strict=False), doc)
        except json.JSONDecodeError:
            doc = extract_json_parse_error(text, doc)
    return doc


# trafilatura's TITLE_XPATHS, each a predicate tested on every element of the page (1-2 M
# instructions a page), as the headings they can match found by tag name, then tested
_TITLE_CLASS = re.compile("(?:post-|entry-|article-|post__)title|headline")
_ENTRY_TITLES = etree.XPath("//@class[. = 'entry-title' or . = 'post-title']/..")


def _headline_headings(tree: lhtml.HtmlElement) -> list[lhtml.HtmlElement]:
    return [el for el in tree.iter("h1", "h2") if _TITLE_CLASS.search(el.get("class") or "")
            or "headline" in (el.get("id") or "") or "headline" in (el.get("itemprop") or "")]


def _titled_headings(tree: lhtml.HtmlElement) -> list[lhtml.HtmlElement]:
    return [el for el in tree.iter("h1", "h2", "h3")
            if "title" in (el.get("class") or "") or "title" in (el.get("id") or "")]


_TITLE_FINDERS = [_headline_headings, _ENTRY_TITLES, _titled_headings]


def page_title(tree: lhtml.HtmlElement) -> str | None:
    """The title trafilatura's ``extract_title`` finds (its steps in their order; re-check
    on a trafilatura upgrade), its title XPaths as :data:`_TITLE_FINDERS`."""
    h1_results = tree.findall(".//h1")
    if len(h1_results) == 1 and (title := block_text(h1_results[0])):
        return title
    title = extract_metainfo(tree, _TITLE_FINDERS) or ""
    if title:
        return title
    title, first, second = examine_title_element(tree)
    for t in (first, second, title):
        if t and "." not in t:
            return t
    for h1_result in h1_results:
        if title := block_text(h1_result):
            return title
    h2 = tree.find(".//h2")
    return (block_text(h2) if h2 is not None else title) or None


def _meta_kind(el: lhtml.HtmlElement, prop: str | None) -> str | None:
    """Which of title, author and tags a meta tag gives in ``examine_meta`` (its branches
    in their order; the others fill fields we do not keep). ``prop``: its property,
    lower-cased."""
    if prop is not None:
        return "tag" if prop == "article:tag" else "author" if prop in PROPERTY_AUTHOR else None
    name = el.get("name")
    if name is not None:
        name = name.lower()
        if name in METANAME_AUTHOR:
            return "author"
        if name in METANAME_TITLE:
            return "title"
        skipped = name in METANAME_DESCRIPTION or name in METANAME_PUBLISHER or (
            name in METANAME_IMAGE or name in TWITTER_ATTRS or "twitter:app:name" in name)
        return "tag" if not skipped and name in METANAME_TAG else None
    itemprop = (el.get("itemprop") or "").lower()
    return "author" if itemprop == "author" else "title" if itemprop == "headline" else None


def meta_tags(tree: lhtml.HtmlElement) -> Document:
    """Title, author and tags as trafilatura's ``examine_meta`` reads them from the meta
    tags (re-check on a trafilatura upgrade), the other fields left empty: it walks the
    whole tree twice for the head (once in an XPath over every node), strips every content
    of markup and serialises each meta tag it does not know for a debug message nobody
    reads. Its ``.//head/meta``: the HTML parser puts a head only right under the root
    (libxml2 drops a misplaced ``<head>`` tag)."""
    doc = Document()
    found: list[tuple[str, str]] = []
    for el in (m for head in tree.iterchildren("head") for m in head.iterchildren("meta")):
        content = el.get("content")
        if content is None:
            continue
        prop = el.get("property")
        if prop is not None and prop.startswith("og:"):  # extract_opengraph: last wins
            if content and not content.isspace():
                field_name = OG_PROPERTIES.get(prop)
                if field_name == "title":
                    doc.title = content
                elif field_name is None and prop in OG_AUTHOR:
                    doc.author = normalize_authors(None, content)
            continue
        prop = prop.lower() if prop is not None else None
        kind = None if prop and prop.startswith("og:") else _meta_kind(el, prop)
        if kind is not None:
            found.append((kind, content))
    tags: list[str] = []
    for kind, raw in found:
        content = HTML_STRIP_TAGS.sub("", raw).strip()
        if not content:
            continue
        if kind == "author":
            doc.author = normalize_authors(doc.author, content)
        elif kind == "title":
            doc.title = doc.title or content
        else:
            tags.append(normalize_tags(content))
    doc.tags = tags
    return doc


def page_metadata(view: PageView) -> PageMeta:
    """Title, author and tags: meta tags, then JSON-LD (which wins, as in trafilatura),
    then the title element/headings and the byline markup for what is still missing."""
    tree = view.tree
    doc = meta_tags(tree)
    if doc.author and " " not in doc.author:  # a handle or a site name, not a person
        doc.author = None
    try:
        doc = meta_json(tree, doc)
    except Exception:  # noqa: BLE001,S110 - malformed JSON-LD: the meta tags stand
        pass
    title = doc.title or page_title(tree)
    author = doc.author or author_in_markup(view)
    tags = list(doc.tags or [])
    if not tags and "/tag" in view.html:  # its tag links all have /tag/, /tags/ in the href
        tags = tag_links(view)
    return PageMeta(title, author, tags)
