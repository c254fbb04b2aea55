"""Title, author and tags of a page of no known family, read from its own markup.

trafilatura's ``with_metadata`` costs more than its text extraction (its author search
deep-copies and prunes the whole tree, then it reads categories, licence and site name we
never store, and runs htmldate even when the page's metadata already has the date). The
generic path asks trafilatura for the text only and reads the metadata here, with
trafilatura's own readers for the cheap parts (meta tags, JSON-LD, the title element) and
its author XPaths run on our tree without the copy. The date is not read here: the
generic path reads the page's metadata and visible date line first and asks htmldate
(:func:`micnews.cleaners.dates.htmldate_raw`) only when those have none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import html as lhtml
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import (
    examine_meta,
    extract_catstags,
    extract_meta_json,
    extract_title,
)
from trafilatura.utils import trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

from micnews.cleaners.pageview import PageView

# Every attribute value or tag that trafilatura's author XPaths test contains one of these
# (case-insensitively): a page without any has no byline markup, and the XPaths (regex
# tests run on every element) are not evaluated.
_BYLINE_HINT = re.compile(
    r"author|byl|bbl|username|zuozhe|bianji|xiaobian|channel-name|submitted-by|posted-by|"
    r"rel=.?me|screenname|writer",
    re.IGNORECASE,
)
# trafilatura's extract_metainfo bound for author candidates
_AUTHOR_MAX_CHARS = 120


@dataclass
class PageMeta:
    """What the page's markup says about the article (any field may be None/empty)."""

    title: str | None = None
    author: str | None = None
    tags: list[str] = field(default_factory=list)


def author_in_markup(tree: lhtml.HtmlElement) -> str | None:
    """The first byline element trafilatura's author XPaths find, outside comments,
    sidebars, figures and date elements (its discard list), as trafilatura normalises it.

    The same rules as ``trafilatura.metadata.extract_author`` without deep-copying and
    pruning the tree: an element inside a discarded one is skipped instead."""
    discarded: set | None = None  # computed once a candidate needs it
    for xpath in AUTHOR_XPATHS:
        for el in xpath(tree):
            if discarded is None:
                discarded = {el for xpath in AUTHOR_DISCARD_XPATHS for el in xpath(tree)}
            if el in discarded or (discarded and any(a in discarded for a in el.iterancestors())):
                continue
            text = trim(" ".join(el.itertext()))
            if text and 2 < len(text) < _AUTHOR_MAX_CHARS:
                return normalize_authors(None, text)
    return None


def page_metadata(view: PageView) -> PageMeta:
    """Title, author and tags: meta tags, then JSON-LD (which wins, as in trafilatura),
    then the title element/headings and the byline markup for what is still missing."""
    tree = view.tree
    doc = examine_meta(tree)
    if doc.author and " " not in doc.author:  # a handle or a site name, not a person
        doc.author = None
    try:
        doc = extract_meta_json(tree, doc)
    except Exception:  # noqa: BLE001,S110 - malformed JSON-LD: the meta tags stand
        pass
    title = doc.title or extract_title(tree)
    author = doc.author or (author_in_markup(tree) if _BYLINE_HINT.search(view.html) else None)
    tags = list(doc.tags or []) or extract_catstags("tag", tree)
    return PageMeta(title, author, tags)
