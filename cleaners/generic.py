"""The generic extraction path: pages of no profiled family (Liferay, VNPT ePortal, Drupal,
custom .NET portals, news sites...).

trafilatura finds the article; this module turns its output into :class:`Extracted`:
paragraphs in reading order (captions out, a right-aligned byline out), images with their
captions, known boilerplate lines out, the site's template text out (guarded), and the lead
from the page's summary when it is the article's own. Listing and home pages give None.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urljoin
from weakref import WeakKeyDictionary

from lxml import etree
from lxml import html as lhtml

from micnews.cleaners.attachments import attachments_in_text
from micnews.cleaners.boilerplate import strip_boilerplate
from micnews.cleaners.dates import (
    date_from_html,
    htmldate_raw,
    parse_iso_datetime,
    parse_vn_datetime,
)
from micnews.cleaners.fields import labels
from micnews.cleaners.listing import listing_reason
from micnews.cleaners.pagemeta import PageMeta, page_metadata
from micnews.cleaners.pageview import DEFAULT_LIMITS, PageView, view_of_html
from micnews.cleaners.record import Extracted, Image
from micnews.cleaners.split_body import joined_body
from micnews.cleaners.templates import MAX_TEMPLATE_SHARE, SiteTemplate, block_key
from micnews.cleaners.textnorm import norm_space
from micnews.cleaners.textpass import text_body

# Below this much article text the page is a listing, a home page or a stub.
MIN_TEXT_CHARS = 200
MIN_WORDS = 40
# Share of the text that is also link text elsewhere on the page above which it is a listing.
MAX_LINKED_SHARE = 0.5

_BLOCK_TAGS = frozenset(
    "address article aside blockquote body dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary "
    "table tbody thead tfoot td th tr ul option caption center label legend".split()
)
_INVISIBLE_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object")
_SAPO_CLASS = re.compile(
    r"(?:^|[\s_-])(sapo|lead|summary|description|hometext|chapeau|tomtat|tom-tat|abstract)"
    r"(?:$|[\s_-])",
    re.IGNORECASE,
)
# Per-page meta lines the template cannot learn (they differ on every page):
# "Tin đăng ngày: 6/2/2020 - Xem: 92", "Ngày đăng: 06/02/2020 | Lượt xem: 92", "Cập nhật: ...".
_META_LINE = re.compile(
    r"^(?:(?:tin\s+)?đăng\s+ngày|ngày\s+đăng(?:\s+tin)?|ngày\s+cập\s+nhật|cập\s+nhật|"
    r"đăng\s+lúc|thời\s+gian\s+đăng|ngày|posted|published)\s*:?\s*"
    r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}"  # the date
    r"(?:[\s|,\-–]*\d{1,2}[:h]\d{2}(?::\d{2})?(?:\s*(?:sa|ch|am|pm))?)?"  # a time
    r"(?:[\s|,\-–]*(?:lượt\s+xem|số\s+lượt\s+xem|xem|lượt\s+đọc|view\s+count|views?)"
    r"\s*:?\s*[\d.,]+)?$",  # a view counter
    re.IGNORECASE,
)
_CAPTION_HINT = re.compile(r"(?:^|\W)(ảnh|photo|nguồn)\s*:", re.IGNORECASE)
_BYLINE_MAX_CHARS = 60


def _as_view(page: str | PageView, url: str = "") -> PageView | None:
    return view_of_html(page, url) if isinstance(page, str) else page


def _visible_lines(root: lhtml.HtmlElement) -> Iterator[str]:
    """Text of every block-level element, line by line (block and ``<br>`` boundaries).

    Reads the tree without changing it: the same tree serves every other step."""
    parts: list[str] = []
    skip = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _INVISIBLE_TAGS:
                skip += 1
            elif not skip:
                if tag in _BLOCK_TAGS or tag == "br":
                    parts.append("\n")
                if el.text and tag != "br":
                    parts.append(el.text)
            continue
        if tag in _INVISIBLE_TAGS:
            skip -= 1
        elif not skip and tag in _BLOCK_TAGS:
            parts.append("\n")
        if not skip and el.tail and el is not root:
            parts.append(el.tail)
    for line in "".join(parts).split("\n"):
        line = norm_space(line)
        if line:
            yield line


def page_blocks(page: str | PageView) -> list[str]:
    """The text blocks of a page a template learns from: every visible block-level line
    (menus, sidebars, footer lines included) plus each link's text, as comparison keys."""
    view = _as_view(page)
    if view is None:
        return []
    root = view.tree
    body = root.find("body")
    root = body if body is not None else root
    links = [norm_space(a.text_content()) for a in root.iter("a")]
    blocks = {block_key(b) for b in (*_visible_lines(root), *links) if b}
    blocks.discard("")
    return sorted(blocks)


# --- trafilatura output -> paragraphs and images -------------------------------------------
def _text_of(el: etree._Element) -> str:
    """``el``'s text with a space for each line break (``<lb/>``): itertext() skips the
    break, so "FL<lb/>June 10" ran together as "FLJune 10"."""
    if not len(el):  # (most paragraphs: the text is all there is)
        return norm_space(el.text or "")
    if next(el.iterdescendants("lb"), None) is None:
        return norm_space(_all_text(el))
    parts: list[str] = []
    for event, node in etree.iterwalk(el, events=("start", "end")):
        if event == "start":
            parts.append(" " if node.tag == "lb" else node.text or "")
        elif node is not el and node.tail:
            parts.append(node.tail)
    return norm_space("".join(parts))


def _element_text(el: etree._Element) -> str:
    if el.tag == "row":
        cells = [_text_of(c) for c in el if c.tag == "cell"]
        return " | ".join(c for c in cells if c)
    return _text_of(el)


def _walk(body: etree._Element) -> Iterator[etree._Element]:
    """Paragraph-level elements of trafilatura's XML body, in order."""
    for el in body:
        if el.tag in ("list", "table", "quote", "div", "section"):
            has_inner = any(c.tag in ("item", "row", "p", "head", "list", "graphic") for c in el)
            if has_inner:
                yield from _walk(el)
                continue
        graphics = list(el.iter("graphic")) if len(el) and el.tag != "graphic" else []
        if graphics:  # an image inside a paragraph: the image first, then any text
            yield from graphics
            if norm_space("".join(el.itertext())):
                yield el
            continue
        yield el


def _is_caption(text: str, el: etree._Element, alt: str | None) -> bool:
    cls = (el.get("class") or "").lower()
    if "image" in cls or "caption" in cls:
        return True
    if alt and block_key(alt) == block_key(text):
        return True
    return len(text) <= 200 and bool(_CAPTION_HINT.search(text))


def _right_aligned(el: etree._Element) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return "text-align:right" in style or (el.get("align") or "").lower() == "right"


def paragraphs_and_images(
    body: etree._Element, base: str
) -> tuple[list[str], list[Image], str | None, int]:
    """Paragraphs, images (caption once), a trailing right-aligned byline, captions taken."""
    paragraphs: list[str] = []
    images: list[Image] = []
    captions = 0
    last_img: tuple[int, str | None] | None = None  # (image index, alt)
    elements = list(_walk(body))
    for el in elements:
        if el.tag == "graphic":
            src = el.get("src") or el.get("data-src")
            if src and not src.startswith("data:"):
                images.append(Image(urljoin(base, src), None))
                last_img = (len(images) - 1, norm_space(el.get("alt") or "") or None)
            continue
        text = _element_text(el)
        if not text:
            continue
        if last_img is not None and _is_caption(text, el, last_img[1]):
            idx = last_img[0]
            images[idx] = Image(images[idx].url, text)
            captions += 1
            last_img = None
            continue
        last_img = None
        paragraphs.append(text)
    # The byline: the last short right-aligned line, in the second half of the text (page
    # furniture may follow it; the template removes that later).
    byline = None
    for el in reversed(elements):
        if el.tag != "p" or not _right_aligned(el):
            continue
        text = _element_text(el)
        if not text or text not in paragraphs:
            continue
        idx = len(paragraphs) - 1 - paragraphs[::-1].index(text)
        if (
            idx >= len(paragraphs) / 2 and len(text) <= _BYLINE_MAX_CHARS
            and not text.endswith((".", "!", "?", ":"))
        ):
            byline = text
            del paragraphs[idx]
        break
    return paragraphs, images, byline, captions


# --- metadata from the page itself ---------------------------------------------------------
def _meta(view: PageView, *names: str) -> str | None:
    return next((view.meta[n] for n in names if n in view.meta), None)


def _json_ld_published(view: PageView) -> str | None:
    return next((item["datePublished"] for item in view.json_ld
                 if isinstance(item.get("datePublished"), str)), None)


_HTML_DATES: WeakKeyDictionary[lhtml.HtmlElement, datetime | None] = WeakKeyDictionary()


def html_date(view: PageView) -> datetime | None:
    """htmldate's date for the page (:func:`date_from_html` of its answer), found once per
    page (the static-page check and each pass's result may ask)."""
    if view.tree not in _HTML_DATES:
        raw = htmldate_raw(view.tree, view.url)
        _HTML_DATES[view.tree] = date_from_html(view.tree, view.url, raw=raw) if raw else None
    return _HTML_DATES[view.tree]


_PUBLISHED_METAS = ("article:published_time", "datepublished", "pubdate", "publishdate")


def find_published(view: PageView, paragraphs_seen: list[str]) -> datetime | None:
    """Publication time: article metas / JSON-LD (ISO), else a visible date line such as
    ``Tin đăng ngày: 6/2/2020 - Xem: 92``. None lets the caller fall back to htmldate."""
    raw = _meta(view, *_PUBLISHED_METAS) or _json_ld_published(view)
    if raw:
        value = parse_iso_datetime(raw)
        if value is not None:
            return value
    for line in paragraphs_seen:
        if len(line) <= 100 and _META_LINE.match(line):
            value = parse_vn_datetime(line)
            if value is not None:
                return value
    return None


def _starts_body(lead_key: str, paragraphs: list[str]) -> bool:
    """Does the summary open the body (verbatim, truncated with an ellipsis, or as the
    opening of a longer first paragraph)?"""
    if not lead_key or not paragraphs:
        return False
    head = block_key(" ".join(paragraphs[:3]))
    stem = lead_key.rstrip(".… ")
    return head.startswith(stem[: max(30, len(stem) - 3)]) if len(stem) >= 20 else False


def _visible_text(el: lhtml.HtmlElement) -> str:
    """Text of ``el`` without what scripts and styles hold."""
    if not len(el):
        return norm_space(el.text or "")
    if next(el.iterdescendants("script", "style"), None) is None:
        return norm_space(el.text_content())
    parts = el.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]")
    return norm_space("".join(parts))


def find_lead(view: PageView, paragraphs: list[str], title: str | None) -> str | None:
    """The lead: a sapo-like element's text (``.sapo``, ``.description``, ``.hometext``...)
    that is not a teaser in a list (no link, not in ``<li>``) or that is the page's meta
    description; else ``meta description``/``og:description`` when it opens the body (a
    site-wide description does not)."""
    title_key = block_key(title or "")
    desc = _meta(view, "description", "og:description", "twitter:description")
    desc_key = block_key(desc or "")
    # a class or id matching lies within one of the page's names: without such a name, no
    # element is read (``\n`` between the names is a separator the pattern accepts)
    sapo_named = bool(_SAPO_CLASS.search(view.class_and_id_names.joined))
    for el in view.tree.iter("p", "div", "h2", "span", "strong") if sapo_named else ():
        cls, ident = el.get("class"), el.get("id")
        if not (cls or ident) or not _SAPO_CLASS.search(f"{cls or ''} {ident or ''}"):
            continue
        text = _visible_text(el)
        key = block_key(text)
        if not 40 <= len(text) <= 1000 or key == title_key:
            continue
        if desc_key and (key.startswith(desc_key[:60]) or desc_key.startswith(key[:60])):
            return text
        teaser = el.find(".//a") is not None or any(
            a.tag in ("a", "li") for a in el.iterancestors()
        )
        if not teaser:
            return text
    if desc and len(desc) >= 40 and desc_key != title_key and _starts_body(desc_key, paragraphs):
        return desc
    return None


# Han ideographs, kana: scripts written without spaces between words.
_UNSPACED_CHARS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
UNSPACED_CHARS_PER_WORD = 2


def word_count(text: str) -> int:
    """Words of ``text``: space-separated tokens, and for scripts written without spaces
    (Chinese, Japanese) one word per :data:`UNSPACED_CHARS_PER_WORD` characters."""
    return len(text.split()) + len(_UNSPACED_CHARS.findall(text)) // UNSPACED_CHARS_PER_WORD


def text_content(el: lhtml.HtmlElement) -> str:
    """``el.text_content()``; for an element without children (most links and paragraphs)
    its own text, read without the XPath call ``text_content()`` makes (a page's links
    and paragraphs are read one by one)."""
    return (el.text or "") if not len(el) else el.text_content()


def link_words(root: lhtml.HtmlElement) -> dict[str, int]:
    """Every link text on the page (comparison key) with its word count."""
    words: dict[str, int] = {}
    for a in root.iter("a"):
        text = text_content(a)
        key = block_key(text)
        if key not in words:  # (menus repeat their links: counted once)
            words[key] = word_count(text)
    return words


def _linked_share(links: dict[str, int], paragraphs: list[str]) -> float:
    """Share of the text's characters that are the text of some link on the page
    (:func:`link_words`): menu items and headline lists, even when trafilatura joined them
    into one paragraph."""
    # (a key holds no line break: the links found in the joined keys are each in a key)
    joined = "\n".join(block_key(p) for p in paragraphs)
    long_links = [k for k in links if len(k) >= 15 and k in joined]
    total = linked = 0
    for para in paragraphs:
        key = block_key(para)
        total += len(key)
        if key in links:
            linked += len(key)
        else:
            linked += min(len(key), sum(len(k) for k in long_links if k in key))
    return linked / total if total else 1.0


_LIST_NUMBER = re.compile(r"^\d{1,2}[.)]?\s+")
# A short label before a headline link: "Xem thêm:", "Tin liên quan:", "Read more:".
_LINK_LABEL = re.compile(r"^[^\W\d_](?:[\w'’]*\s?){0,3}:\s*")
MAX_LINK_LINE_WORDS = 25


def _drop_link_lines(links: dict[str, int], paragraphs: list[str]) -> tuple[list[str], int]:
    """Drop paragraphs that are nothing but the text of one headline link (4+ words) on the
    page, a numbered "most read" item or a labelled "Xem thêm: <headline>" included:
    related-news lists, not article text."""
    byline = labels()

    def headline(p: str) -> bool:
        p = _LIST_NUMBER.sub("", p)
        if links.get(block_key(p), 0) >= 4:
            return True
        # a labelled source or author line ("Nguồn: <the paper's name>") is the article's
        return not (byline.source.match(p) or byline.author.match(p)) and (
            links.get(block_key(_LINK_LABEL.sub("", p)), 0) >= 4)

    kept = [p for p in paragraphs if len(p.split()) > MAX_LINK_LINE_WORDS or not headline(p)]
    return kept, len(paragraphs) - len(kept)


def drop_other_articles(
    root: lhtml.HtmlElement, paragraphs: list[str]
) -> tuple[list[str], int]:
    """Drop paragraphs that only another ``<article>`` holds: when the text spans several
    disjoint ``<article>`` elements (HTML's self-contained compositions: the story, then
    related posts or the next story with their excerpts), the story is the one holding
    the page's ``<h1>``; without one such ``<article>`` nothing is dropped."""
    articles = [a for a in root.iter("article") if next(a.iterancestors("article"), None) is None]
    if len(articles) < 2:
        return paragraphs, 0
    texts = [block_key(a.text_content()) for a in articles]
    homes = [[i for i, t in enumerate(texts) if key in t]
             for key in (block_key(p) for p in paragraphs)]
    chars: dict[int, int] = {}
    for para, home in zip(paragraphs, homes, strict=True):
        if len(home) == 1:
            chars[home[0]] = chars.get(home[0], 0) + len(para)
    if len(chars) < 2:
        return paragraphs, 0
    headed = [i for i in chars if articles[i].find(".//h1") is not None]
    if len(headed) != 1:  # no evidence which one is the story: the excerpts may be longer
        return paragraphs, 0
    kept = [p for p, home in zip(paragraphs, homes, strict=True)
            if len(home) != 1 or home[0] == headed[0]]
    return kept, len(paragraphs) - len(kept)


_HEAD = 256  # characters of an element's text looked at for its first words


def _all_text(el: lhtml.HtmlElement) -> str:
    """All of ``el``'s text, as ``itertext()`` joins it, serialised by libxml2 in one call
    (5x cheaper than starting an ``itertext()`` iterator, which dominated the teaser check)."""
    return etree.tostring(el, method="text", encoding="unicode", with_tail=False)


_NO_KEY = "\n"  # (no key holds a line break)


def _start_key(el: lhtml.HtmlElement, keys: dict[lhtml.HtmlElement, str],
               prefixes: frozenset[str], size: int = 12) -> str:
    """The first ``size`` characters of ``el``'s text with whitespace collapsed (its own
    text, or its first child's when it holds them: the common <p>…, <li><a>…, and the
    wrappers around them), or :data:`_NO_KEY` when the key cannot be among the keys
    sought (``prefixes``: every prefix of each): a text shorter than the key opens it, so
    the rest of it is read only when that opening can still give a key sought. ``keys``
    holds the keys already found: a wrapper's key is its first child's, so a page's nested
    wrappers are each read once, not each with all the text inside (serialising every
    wrapper's text was most of the teaser check)."""
    key = keys.get(el)
    if key is not None:
        return key
    text = el.text
    if text and not text.isspace():
        key = " ".join(text[:_HEAD].split())
        # one more: a later chunk cannot change the first ``size``
        key = key[:size] if len(key) > size else None if key in prefixes else _NO_KEY
    elif len(el) and isinstance(el[0].tag, str):
        key = _start_key(el[0], keys, prefixes, size)  # (blank text: the child's opens el's)
        key = key if len(key) == size or key == _NO_KEY else \
            None if key in prefixes else _NO_KEY
    if key is None and not len(el):  # a leaf: its own text is all of it
        key = " ".join((el.text or "").split())[:size]
    elif key is None:
        text = _all_text(el)
        key = " ".join(text[:_HEAD].split())
        key = key[:size] if len(key) > size or len(text) <= _HEAD else \
            " ".join(text.split())[:size]
    keys[el] = key
    return key


def _is_tag_link(a: lhtml.HtmlElement) -> bool:
    """A link to a tag or category page (HTML's ``rel=tag`` link type, WordPress's
    ``rel="category tag"``) under an article's text: not a teaser's headline."""
    return "tag" in (a.get("rel") or "").lower().split()


def _teaser_share(root: lhtml.HtmlElement, paragraphs: list[str]) -> float:
    """Share of the text's characters in teaser summaries: paragraphs whose small
    enclosing card also holds a headline link (listing pages whose summaries trafilatura
    took for an article)."""
    # only elements whose text opens like a paragraph get a (costly) comparison key
    starts = {norm_space(p)[:12] for p in paragraphs if len(p) >= 40}
    prefixes = frozenset(s[:i] for s in starts for i in range(len(s) + 1))
    index: dict[str, lhtml.HtmlElement] = {}
    keys: dict[lhtml.HtmlElement, str] = {}
    for el in root.iter("p", "div", "span", "h2", "h3", "li", "td"):
        if len(el) > 4 * MAX_CARD_CHILDREN:  # a container, not a paragraph or a card
            continue
        if _start_key(el, keys, prefixes) not in starts:
            continue
        text = _all_text(el)
        if 40 <= len(text) <= 1500:
            index.setdefault(block_key(text), el)
    total = teaser = 0
    para_els = {index[k] for k in (block_key(p) for p in paragraphs if len(p) >= 40)
                if k in index}
    text_len: dict[lhtml.HtmlElement, int] = {}  # each ancestor's text read once, not per
    for para in paragraphs:                     # paragraph (a page body: O(n) not O(n²))
        total += len(para)
        el = index.get(block_key(para)) if len(para) >= 40 else None
        if el is None:
            continue
        limit = 3 * len(para) + 400  # a teaser card: headline, summary, time, image
        for anc in itertools.islice(el.iterancestors(), 3):
            # a card has a few children; reading a page-sized ancestor's text for every
            # paragraph made this quadratic (a 1 MB page took 20 CPU-s)
            if len(anc) > MAX_CARD_CHILDREN:
                break
            if anc not in text_len:
                text_len[anc] = len(_all_text(anc))
            if text_len[anc] > limit:
                break
            if sum(d in para_els for d in anc.iter()) > 1:
                break  # a card holds one summary; this is a short article with links
            if any(
                len(text_content(a).split()) >= 6 and a not in el.iterdescendants()
                and not _is_tag_link(a)
                for a in anc.iter("a")
            ):
                teaser += len(para)
                break
    return teaser / total if total else 0.0


def _caption_elements(view: PageView) -> list[lhtml.HtmlElement]:
    """``figcaption`` elements and elements of a ``*caption*`` class (any case): the class
    names the page has say which spellings to look for (translate() on every element's
    class in one XPath cost a callback per element)."""
    names = view.class_and_id_names
    spellings = sorted({n[i:i + 7] for n in names if "caption" in n.lower()
                        for i in range(len(n) - 6) if n[i:i + 7].lower() == "caption"}
                       ) if "caption" in names.joined.lower() else []
    if not spellings:
        return list(view.tree.iter("figcaption"))
    # (a path through the class attributes: a predicate on every element costs 4x more)
    tests = " or ".join(f"contains(., '{s}')" for s in spellings)
    return view.tree.xpath(f"//figcaption | //@class[{tests}]/..")


def _page_captions(view: PageView) -> set[str]:
    """Keys of the page's figure captions (``figcaption``, ``*caption*`` classes), letters
    and digits only: trafilatura joins a caption's inline blocks ("… nation. less" +
    "U.S. …") without the space the page's markup has between them."""
    keys: set[str] = set()
    for el in _caption_elements(view):
        text = _visible_text(el)
        if 0 < len(text) <= 600:
            keys.add(_alnum(text))
    return keys


def _drop_title(paragraphs: list[str], title: str | None) -> tuple[list[str], int]:
    if not title:
        return paragraphs, 0
    key = block_key(title)
    kept = [p for p in paragraphs if block_key(p) != key]
    return kept, len(paragraphs) - len(kept)


def apply_template(
    paragraphs: list[str], template: SiteTemplate | None
) -> tuple[list[str], int, bool]:
    """Remove the site's template paragraphs unless that would take more than
    :data:`MAX_TEMPLATE_SHARE` of the article's characters: ``(kept, removed, guard_tripped)``."""
    if template is None or not template.pages_seen or not paragraphs:
        return paragraphs, 0, False
    kept, removed = template.filter(paragraphs)
    # Measured in characters: template lines are short, so a paragraph count would trip the
    # guard on every short article; a text that would lose most of its characters is the
    # sign of a page the template must not judge (a republished article, a print view).
    total = sum(len(p) for p in paragraphs)
    if removed and total - sum(len(p) for p in kept) > MAX_TEMPLATE_SHARE * total:
        return paragraphs, 0, True
    return kept, removed, False


_TOO_SHORT = object()  # sentinel: this trafilatura run found too little text
MAX_CARD_CHILDREN = 12  # a teaser card's element has at most this many children
# Past this many <p> elements, trafilatura runs without its justext/readability rescue:
# justext's neighbour search is quadratic in paragraphs (a 1 MB page of 3 500 paragraphs took
# 36 CPU-s in it), and a page this long has its text in plain paragraphs. Real articles
# hold tens to a few hundred.
FAST_EXTRACTION_PARAGRAPHS = 1_000


# trafilatura's passes, (favor_precision, fast), until one gives an article: its fast mode
# (no readability/justext comparison) first — half the cost, and the same text on most
# pages — then the full comparison when the fast text is short while the page's
# paragraphs hold much more (measured on the Zyte and real pages: of 15 short fast texts,
# one was incomplete, 716 of 1 990 characters) or when the fast text looks like a listing
# on a page that declares an article, then trafilatura's recall mode (straight there when
# the fast text was too short to be an article).
EXTRACTION_PASSES = ((True, True), (True, False), (False, True))
RESCUE_BELOW_CHARS = 1000
RESCUE_PARAGRAPH_RATIO = 2.0


def _needs_rescue(result: object, view: PageView) -> bool:
    """Should the fast pass's answer be checked against the full comparison? A short text
    on a page with much more in paragraphs, or a listing verdict on a page whose
    structured data declares an article (the fast text may be the wrong block)."""
    if isinstance(result, str):
        return result.startswith("listing") and view.article_markup
    if not isinstance(result, Extracted):
        return False
    found = sum(len(p) for p in result.paragraphs)
    if found >= RESCUE_BELOW_CHARS:
        return False
    on_page = sum(len(norm_space(text_content(p))) for p in view.tree.iter("p"))
    return on_page >= RESCUE_PARAGRAPH_RATIO * found


def _paragraph_count(view: PageView) -> int:
    return sum(1 for _ in view.tree.iter("p"))


def _body_for_trafilatura(view: PageView) -> lhtml.HtmlElement:
    """The ``<body>``, or the whole page when it has none or when it is a forum thread
    (trafilatura reads a DiscussionForumPosting from JSON-LD, which may sit in the head)."""
    body = view.tree.find("body")
    if body is None or "discussionforumposting" in view.json_ld_types:
        return view.tree
    return body


def _trafilatura(view: PageView, precision: bool, fast: bool,
                 tree: lhtml.HtmlElement | None = None) -> etree._Element | None:
    """trafilatura's main text (its XML body) of our tree's body (it copies what it is
    given: the head, which it deletes unread, is not copied), or of ``tree`` (a variant of
    it); the metadata is read apart (:mod:`micnews.cleaners.pagemeta`)."""
    if tree is None:
        tree = _body_for_trafilatura(view)
    try:
        return text_body(tree, view.url, precision,
                         fast or _paragraph_count(view) > FAST_EXTRACTION_PARAGRAPHS)
    except Exception:  # noqa: BLE001 - trafilatura errors mean "nothing extractable"
        return None


def extract_generic(
    page: str | PageView, url: str = "", template: SiteTemplate | None = None,
    is_article: bool = False,
) -> Extracted | None:
    """Extract an article from a page of no known family; None when it has no article
    (:func:`extract_generic_or_reason` says why). ``is_article``: the caller knows the page
    is an article page (issue 11: a known family's detail page whose profile missed)."""
    result = extract_generic_or_reason(page, url, template, is_article)
    return result if isinstance(result, Extracted) else None


def extract_generic_or_reason(
    page: str | PageView, url: str = "", template: SiteTemplate | None = None,
    is_article: bool = False,
) -> Extracted | str:
    """The article of a page of no known family, or why the page is not one.

    trafilatura runs with ``favor_precision`` first (measured with bench/quality.py: Zyte
    shingle F1 0.962 with it, 0.956 without; the fixture groups and the VnExpress page
    score the same), and again with its defaults when that left too little text.
    """
    view = _as_view(page, url)
    if view is None:
        return "unparsable html"
    if len(view.html) > DEFAULT_LIMITS.generic_max_chars:
        return f"too large for the generic path: {len(view.html)} characters"
    if not is_article and undated_static_page(view):  # no pass can make it an article
        return STATIC_PAGE
    meta = page_metadata(view)
    passes = list(EXTRACTION_PASSES)
    while passes:
        precision, fast = passes.pop(0)
        body = _trafilatura(view, precision, fast)
        if body is None:
            continue
        result = _from_body(body, meta, view, template, is_article)
        if result is _TOO_SHORT and fast:  # too little text: straight to the widest pass
            del passes[:-1]
        elif result is not _TOO_SHORT and not (fast and _needs_rescue(result, view)):
            if isinstance(result, Extracted):
                result = _with_split_body(result, view, meta, template, is_article,
                                          precision, fast)
            return result  # type: ignore[return-value]
    return "no article text"


def _with_split_body(result: Extracted, view: PageView, meta: PageMeta,
                     template: SiteTemplate | None, is_article: bool,
                     precision: bool, fast: bool) -> Extracted:
    """The article read again over its split body joined into one block
    (:mod:`micnews.cleaners.split_body`) when the page shows one after the text; kept when
    it holds all of the first text and more."""
    joined = joined_body(view.tree, result.paragraphs)
    if joined is None:
        return result
    body = _trafilatura(view, precision, fast, joined)
    if body is None:
        return result
    longer = _from_body(body, meta, view, template, is_article)
    if not isinstance(longer, Extracted):
        return result
    keys = {block_key(p) for p in longer.paragraphs}
    if any(block_key(p) not in keys for p in result.paragraphs) or (
        sum(map(len, longer.paragraphs)) <= sum(map(len, result.paragraphs))
    ):
        return result
    longer.removed["split_body_joined"] = 1
    return longer


# --- article or not: what the page says about itself ---------------------------------------
# A listing's main text is mostly headline links (a headline alone, or a headline run into
# its summary); an article's paragraphs seldom start with a 4-word link.
MAX_HEADLINE_LED_SHARE = 0.6
# Share of the main text found inside repeated dated blocks (teaser cards, Q&A items).
MAX_DATED_BLOCK_SHARE = 0.4
_DATE_IN_TEXT = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}\b|\b(?:19|20)\d{2}-\d{1,2}-\d{1,2}\b"
)


def headline_led_share(links: dict[str, int], paragraphs: list[str]) -> float:
    """Share of paragraphs that are a link's text or open with a headline link (4+ words)."""
    if not paragraphs:
        return 1.0
    heads = [k for k, w in links.items() if w >= 4 and len(k) >= 15]
    led = 0
    for para in paragraphs:
        key = block_key(para)
        if key in links or any(key.startswith(h) for h in heads):
            led += 1
    return led / len(paragraphs)


def dated_block_share(root: lhtml.HtmlElement, paragraphs: list[str]) -> float:
    """Share of the text's characters inside blocks that repeat (same tag and class under
    parent kind, 3 or more) and each carry a date: teaser cards, Q&A items, search hits."""
    groups: dict[tuple, dict[int, str]] = {}
    for node in root.xpath("//body//text()[string-length(normalize-space()) >= 8]")[:20000]:
        if len(node) > 200 or not _DATE_IN_TEXT.search(node):
            continue
        el = node.getparent()
        if el is None or el.tag in ("script", "style"):
            continue
        for card in [el, *el.iterancestors()][:6]:
            text = card.text_content()
            if len(text) > 3000:
                break
            if len(text) >= 2 * len(node) + 60:
                parent = card.getparent()
                sig = (card.tag, card.get("class"), getattr(parent, "tag", None),
                       parent.get("class") if parent is not None else None)
                groups.setdefault(sig, {})[id(card)] = block_key(text)
                break
    cards = [key for group in groups.values() if len(group) >= 3 for key in group.values()]
    if not cards:
        return 0.0
    total = inside = 0
    for para in paragraphs:
        key = block_key(para)
        total += len(key)
        if len(key) >= 20 and any(key in c for c in cards):
            inside += len(key)
    return inside / total if total else 0.0


STATIC_PAGE = "static page: no publication date and no article markup"
# A visible dateline holds a date: these characters in a row (_META_LINE's date)
_DATE_CHARS = re.compile(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}")


def shows_no_date(view: PageView) -> bool:
    """No date the generic path could read anywhere on the page: no publication metadata,
    no date in its text (what a dateline trafilatura returns could hold: the characters
    trafilatura and norm_space drop, non-printable ones and U+2424, dropped first), none
    htmldate finds."""
    if _meta(view, *_PUBLISHED_METAS) or _json_ld_published(view):
        return False
    text = _all_text(view.tree)
    if _DATE_CHARS.search(text):
        return False
    # a date never spans white space; only a run holding a dropped character can hide one
    # (none on most pages: checked on the runs joined, in C)
    if "\u2424" in text or not "".join(text.split()).isprintable():
        for run in text.split():
            if not run.isprintable() or "\u2424" in run:
                run = "".join(c for c in run if c.isprintable() and c != "\u2424")
                if _DATE_CHARS.search(run):
                    return False
    return html_date(view) is None


def undated_static_page(view: PageView) -> bool:
    """A page :func:`not_article_reason` calls a static page whatever text trafilatura
    finds on it, known before any pass: it calls itself no article (no
    :attr:`PageView.article_hint`) and shows no date (:func:`shows_no_date`), so no text
    can make it an article; a page showing listing evidence (:func:`listing_reason`) is
    left to the passes, which say which listing it is."""
    return not view.article_hint and shows_no_date(view) and listing_reason(view.tree) is None


def not_article_reason(
    view: PageView, links: dict[str, int], paragraphs: list[str], dated: bool
) -> str | None:
    """Why a page whose main text was found is still not an article (None: it is one).

    Evidence from the page itself, never its host: pages that declare an article in
    structured data pass; others are listings when most of the main text is headline
    links or sits in repeated dated blocks, and static pages (organisation, contact,
    introduction) when they carry no publication date and call themselves no article
    (:attr:`PageView.article_hint`: ``og:type=article``, an ``<article>`` element — weak
    signals, but enough for an undated page whose text passed the listing checks)."""
    if view.article_markup:
        return None
    share = headline_led_share(links, paragraphs)
    if share >= MAX_HEADLINE_LED_SHARE:
        return f"listing: {share:.0%} of the main text is headline links"
    share = dated_block_share(view.tree, paragraphs)
    if share >= MAX_DATED_BLOCK_SHARE:
        return f"listing: {share:.0%} of the main text is in repeated dated blocks"
    if not dated and not view.article_hint:
        return STATIC_PAGE
    return None


# --- title and authors ---------------------------------------------------------------------
_TITLE_SEPARATORS = re.compile(r"\s+[-|–—:»]\s+|\s*[|»]\s*")


def _body_key(view: PageView) -> str:
    body = view.tree.find("body")
    return block_key(body.text_content()) if body is not None else ""


def title_without_site(title: str, view: PageView) -> str:
    """``<title>`` minus its site-name part (the last or first separated part, when it is
    ``og:site_name``/``application-name``, names the host, or is the portal heading)."""
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    names = {block_key(view.meta.get(k, "")) for k in ("og:site_name", "application-name")}
    host = (view.url.split("//")[-1].split("/")[0]).lower().removeprefix("www.")
    names.discard("")
    for idx in (-1, 0):
        key = block_key(parts[idx])
        site_like = key in names or any(key in n or n in key for n in names) or (
            key.replace(" ", "").replace(".", "") in host.replace(".", "")
        )
        # the portal's own name, printed in its header or footer
        if not site_like and idx == -1 and len(key.split()) <= 10 and len(parts) >= 2:
            # (the page's text, a long key to compute, last)
            site_like = len(block_key(" ".join(parts[:-1]))) >= 3 and key in _body_key(view)
        if site_like:
            kept = parts[:-1] if idx == -1 else parts[1:]
            return " - ".join(kept)
    return title


def find_title(view: PageView, extracted_title: str | None) -> str | None:
    """The page's title: og:title / JSON-LD headline when the page has them (trafilatura
    reads them), else a heading that the ``<title>`` confirms, else ``<title>`` without
    its site-name part — never a sidebar box heading the ``<title>`` does not name."""
    if "og:title" in view.meta or any("headline" in item for item in view.json_ld):
        return extracted_title
    tag = view.title_tag
    if not tag:
        return extracted_title
    tag_key = block_key(tag)
    candidates = [extracted_title or ""] + [
        norm_space(text_content(h)) for h in itertools.islice(view.tree.iter("h1", "h2"), 30)]
    for cand in candidates:
        key = block_key(cand)
        if key and key in tag_key and len(key) >= 0.4 * len(tag_key):
            return cand
    return title_without_site(tag, view) or extracted_title


_MORE_AUTHORS = re.compile(r"\s+(?:và|and)\s+(\d+)\s+(?:tác giả khác|others?|more)\s*", re.I)
# "VCCorp.vn", and the same after trafilatura's name clean-up: "VCCorp vn", "Baodautu Vn"
_DOMAIN_LIKE = re.compile(r"[.\s](?:vn|com|net|org|gov|edu|info)(?:\.vn)?$|^www\.", re.I)
_AUTHOR_PREFIX = re.compile(r"^(?:theo|by|bài|tác giả)\s*:?\s+", re.I)


def site_names(view: PageView) -> set[str]:
    """Keys (letters and digits only) of the names a site goes by: ``og:site_name``,
    ``application-name``, JSON-LD publisher/organisation names, the host's labels."""
    names = {view.meta.get(k, "") for k in ("og:site_name", "application-name", "publisher")}
    for item in view.json_ld:
        types = item.get("@type")
        types = types if isinstance(types, list) else [types]
        if any(t in ("Organization", "NewsMediaOrganization", "WebSite") for t in types):
            names.add(str(item.get("name") or ""))
        pub = item.get("publisher")
        if isinstance(pub, dict):
            names.add(str(pub.get("name") or ""))
    host = view.url.split("//")[-1].split("/")[0].split(":")[0].lower().removeprefix("www.")
    names.add(host)
    names.add(host.split(".")[0])
    return {_alnum(n) for n in names if _alnum(n)}


def _alnum(text: str) -> str:
    return re.sub(r"\W+", "", block_key(text))


def clean_authors(raw: str | None, view: PageView) -> str | None:
    """Author names only, as the site lists them, joined by ``; ``: no "và 1 tác giả khác"
    counter, no site or publisher names posing as authors, no "Theo"/"By", each once."""
    if not raw:
        return None
    names: list[str] = []
    for part in re.split(r"\s*[;,]\s*", norm_space(raw)):
        more = _MORE_AUTHORS.search(part)
        if more:  # "A và 1 tác giả khác A B": the full list follows the counter
            head, tail = part[: more.start()].strip(), part[more.end():].strip()
            names.append(head)
            if tail.startswith(head):
                tail = tail[len(head):].strip()
            if tail:
                names.append(tail)
        else:
            names.append(part)
    sites = site_names(view)
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        name = _AUTHOR_PREFIX.sub("", name).strip(" .-–")
        key = _alnum(name)
        if not key or key in seen or _DOMAIN_LIKE.search(name) or any(
            key == s or (len(s) >= 4 and (key in s or s in key)) for s in sites
        ):
            continue
        seen.add(key)
        out.append(name)
    return "; ".join(out) or None


def _from_body(body: etree._Element, meta: PageMeta, view: PageView,  # noqa: ANN202
               template: SiteTemplate | None, is_article: bool = False):
    """Extracted from one trafilatura body; a reason for a page that is not an article,
    _TOO_SHORT for too little text. ``is_article`` skips the static-page evidence check."""
    root = view.tree
    removed: dict[str, int] = {}
    paragraphs, images, byline, captions = paragraphs_and_images(body, view.base_url)
    if captions:
        removed["captions"] = captions
    title = find_title(view, norm_space(meta.title or "") or None)
    published = find_published(view, paragraphs)

    captions_on_page = _page_captions(view)
    loose = [p for p in paragraphs if _alnum(p) in captions_on_page] if captions_on_page else []
    if loose:  # captions trafilatura kept without their image
        paragraphs = [p for p in paragraphs if p not in loose]
        removed["captions"] = removed.get("captions", 0) + len(loose)

    meta_lines = [p for p in paragraphs if len(p) <= 100 and _META_LINE.match(p)]
    if meta_lines:
        paragraphs = [p for p in paragraphs if p not in meta_lines]
        removed["meta_lines"] = len(meta_lines)
    paragraphs, n = _drop_title(paragraphs, title)
    if n:
        removed["title"] = n
    paragraphs, n = strip_boilerplate(paragraphs)
    if n:
        removed["boilerplate"] = n
    paragraphs, n, guard = apply_template(paragraphs, template)
    if n:
        removed["template"] = n
    if guard:
        removed["template_guard"] = 1

    text = " ".join(paragraphs)
    # Characters first; the word count only for short texts (CJK pages have no spaces).
    if len(text) < MIN_TEXT_CHARS or (len(text.split()) < MIN_WORDS and len(text) < 600):
        return _TOO_SHORT
    links = link_words(root)
    if _linked_share(links, paragraphs) > MAX_LINKED_SHARE:
        return "listing: the main text is mostly link text"
    if _teaser_share(root, paragraphs) > MAX_LINKED_SHARE:
        return "listing: the main text is mostly teaser summaries"
    if published is None:  # htmldate on our tree, only when the page's own markup has none
        published = html_date(view)
    reason = None if is_article else not_article_reason(view, links, paragraphs,
                                                        published is not None)
    if reason:
        return reason
    # After the listing checks (which need them): headline links trafilatura kept as lines
    # ("Tin liên quan", "Đọc nhiều" lists next to the article) leave the text.
    paragraphs, n = _drop_link_lines(links, paragraphs)
    if n:
        removed["link_lines"] = n
    # and so do other <article> elements' texts (related posts' excerpts, the next story)
    paragraphs, n = drop_other_articles(root, paragraphs)
    if n:
        removed["other_articles"] = n

    lead = find_lead(view, paragraphs, title)
    author = clean_authors(norm_space(meta.author or "") or byline, view)
    return Extracted(
        title=title,
        lead=lead,
        paragraphs=paragraphs,
        author=author,
        published_at=published,
        images=images,
        attachments=attachments_in_text(root, paragraphs, view.base_url),
        tags=_tags(meta.tags),
        canonical_url=view.canonical,
        language=view.language,
        removed=removed,
    )


def _tags(raw: list[str]) -> list[str]:
    """trafilatura's tags (meta keywords come comma-joined): split, trimmed, once each."""
    out: list[str] = []
    seen: set[str] = set()
    for item in raw:
        for tag in item.split(","):
            tag = norm_space(tag)
            if tag and block_key(tag) not in seen:
                seen.add(block_key(tag))
                out.append(tag)
    return out[:20]
