"""Article bodies a page split into several blocks.

Some sites cut the article body into blocks of the same markup with an advertisement or a
newsletter box between them (``<div class="article__body">`` … ad row … ``<div
class="article__body">``). trafilatura reads the first block that matches its body
selectors and nothing after it, so the text stops after a screen or two. The evidence is
on the page: the block holding the end of the extracted text has later twins (same tag,
same ``class``) that hold paragraphs the text lacks. :func:`joined_body` gives a copy of
the tree with those twins' content moved into the first block, for trafilatura to read
again; the page's own tree is left as it is (every other step reads it).
"""

from __future__ import annotations

import re
from copy import deepcopy
from functools import lru_cache, partial

from lxml import etree
from lxml import html as lhtml

from micnews.cleaners.templates import block_key
from micnews.cleaners.textnorm import norm_space

# How far up from the last extracted paragraph the split block may be (its block, a wrapper
# or two; never the paragraph itself: later paragraphs of the same class are anywhere).
MAX_LEVELS = 3
# A body split by ad rows has a block or a few after the first; a class many blocks share
# is a layout widget's (sidebar boxes, footer columns), not an article body's.
MAX_TWINS = 4
# A continuation holds at least this much paragraph text the extraction lacks (a "read
# more" stub or an empty twin is not one), in paragraphs at least this share as long on
# average as the first block's (comments and link lists are short lines), with at most this
# share of its text in links (a story's inline links: 0.06-0.07 on the wired.com pages; a
# box of teasers, a headline link over each summary: 0.2 and more).
MIN_CONTINUATION_CHARS = 200
MIN_PARAGRAPH_LENGTH_RATIO = 0.5
MAX_LINK_SHARE = 0.15
_LATER_TWINS = etree.XPath("following::*[local-name() = $tag and @class = $cls]")
_PARAGRAPHS_STARTING = etree.XPath("//p[starts-with(normalize-space(.), $start)]")
_TAG_NAME = re.compile(r"[a-z][a-z0-9]*")


@lru_cache(maxsize=64)
def _later_twins_of(tag: str) -> etree.XPath:
    """:data:`_LATER_TWINS` for one tag, written as a name test: the following axis is
    tested by name in C, not with a local-name() call per element (the same elements,
    the tag being a plain lower-case name)."""
    return etree.XPath(f"following::{tag}[@class = $cls]") if _TAG_NAME.fullmatch(tag) \
        else partial(_LATER_TWINS, tag=tag)


def _paragraph_of(root: lhtml.HtmlElement, text: str) -> lhtml.HtmlElement | None:
    """The ``<p>`` whose text is ``text`` (comparison keys); candidates are found by their
    opening words in one XPath, not by reading every paragraph's text in Python."""
    key = block_key(text)
    start = " ".join(text.split()[:3])
    for p in _PARAGRAPHS_STARTING(root, start=start):
        if block_key(p.text_content()) == key:
            return p
    return None


def _paragraph_lengths(block: lhtml.HtmlElement, known: set[str] = frozenset()) -> list[int]:
    """Lengths of the block's non-empty paragraphs whose text is not in ``known``."""
    texts = (norm_space(p.text_content()) for p in block.iter("p"))
    return [len(t) for t in texts if t and block_key(t) not in known]


def _continues(twin: lhtml.HtmlElement, known: set[str], mean_length: float) -> bool:
    lengths = _paragraph_lengths(twin, known)
    if sum(lengths) < MIN_CONTINUATION_CHARS:
        return False
    if sum(lengths) / len(lengths) < MIN_PARAGRAPH_LENGTH_RATIO * mean_length:
        return False
    linked = sum(len(norm_space(a.text_content())) for a in twin.iter("a"))
    return linked <= MAX_LINK_SHARE * len(norm_space(twin.text_content()))


def split_blocks(
    root: lhtml.HtmlElement, paragraphs: list[str]
) -> tuple[lhtml.HtmlElement, list[lhtml.HtmlElement]] | None:
    """The block holding the end of ``paragraphs`` and its later twins that continue the
    article, or None when the text is not cut at such a block."""
    last = next((p for p in reversed(paragraphs) if len(p) >= 40), None)
    if last is None:
        return None
    el = _paragraph_of(root, last)
    if el is None:
        return None
    known = {block_key(p) for p in paragraphs}
    for block in list(el.iterancestors())[:MAX_LEVELS]:
        cls = block.get("class")
        if not cls or block.tag in ("body", "html"):
            continue
        twins = _later_twins_of(block.tag)(block, cls=cls)
        if not twins:
            continue
        lengths = _paragraph_lengths(block)
        if len(twins) > MAX_TWINS or not lengths:
            return None
        mean_length = sum(lengths) / len(lengths)
        parts = [t for t in twins if _continues(t, known, mean_length)]
        return (block, parts) if parts else None
    return None


def joined_body(root: lhtml.HtmlElement, paragraphs: list[str]) -> lhtml.HtmlElement | None:
    """A copy of the page's tree whose split article body is one block again (the later
    twins' children appended to the first, the twins removed); None when the page shows
    no split after the extracted text."""
    found = split_blocks(root, paragraphs)
    if found is None:
        return None
    block, twins = found
    tree = root.getroottree()
    paths = [tree.getpath(block), *(tree.getpath(t) for t in twins)]
    copy = deepcopy(root)
    first, *rest = (copy.getroottree().xpath(path)[0] for path in paths)
    for twin in rest:
        first.extend(list(twin))
        twin.getparent().remove(twin)
    return copy
