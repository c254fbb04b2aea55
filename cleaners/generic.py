"""The generic extraction path: pages of no profiled family (Liferay, VNPT ePortal, Drupal,
custom .NET portals, news sites...).

trafilatura finds the article; this module turns its output into :class:`Extracted`:
paragraphs in reading order (captions out, a right-aligned byline out), images with their
captions, known boilerplate lines out, the site's template text out (guarded), and the lead
from the page's summary when it is the article's own. Listing and home pages give None.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urljoin

import trafilatura
from lxml import etree
from lxml import html as lhtml

from micnews.cleaners.attachments import attachments_in_text
from micnews.cleaners.boilerplate import strip_boilerplate
from micnews.cleaners.dates import parse_iso_datetime, parse_vn_datetime
from micnews.cleaners.record import Extracted, Image
from micnews.cleaners.templates import MAX_TEMPLATE_SHARE, SiteTemplate, block_key
from micnews.cleaners.textnorm import norm_space

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


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _tree(html: str) -> lhtml.HtmlElement | None:
    # lxml refuses str input with an XML declaration, and control characters in any text
    # it is later asked to set
    html = _CONTROL.sub("", re.sub(r"^\s*<\?xml[^>]*>", "", html))
    try:
        return lhtml.document_fromstring(html)
    except (etree.ParserError, ValueError, TypeError):
        return None


def _visible_lines(root: lhtml.HtmlElement) -> Iterator[str]:
    """Text of every block-level element, line by line (block and ``<br>`` boundaries)."""
    for el in list(root.iter(*_INVISIBLE_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in root.iter(etree.Element):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _BLOCK_TAGS:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
        elif tag == "br":
            el.tail = "\n" + (el.tail or "")
    for line in root.text_content().split("\n"):
        line = norm_space(line)
        if line:
            yield line


def page_blocks(html: str) -> list[str]:
    """The text blocks of a page a template learns from: every visible block-level line
    (menus, sidebars, footer lines included) plus each link's text, as comparison keys."""
    root = _tree(html)
    if root is None:
        return []
    body = root.find("body")
    root = body if body is not None else root
    links = [norm_space(a.text_content()) for a in root.iter("a")]
    blocks = {block_key(b) for b in (*_visible_lines(root), *links) if b}
    blocks.discard("")
    return sorted(blocks)


# --- trafilatura output -> paragraphs and images -------------------------------------------
def _element_text(el: etree._Element) -> str:
    if el.tag == "row":
        cells = [norm_space("".join(c.itertext())) for c in el if c.tag == "cell"]
        return " | ".join(c for c in cells if c)
    return norm_space("".join(el.itertext()))


def _walk(body: etree._Element) -> Iterator[etree._Element]:
    """Paragraph-level elements of trafilatura's XML body, in order."""
    for el in body:
        if el.tag in ("list", "table", "quote", "div", "section"):
            has_inner = any(c.tag in ("item", "row", "p", "head", "list", "graphic") for c in el)
            if has_inner:
                yield from _walk(el)
                continue
        graphics = [] if el.tag == "graphic" else list(el.iter("graphic"))
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
        text = _element_text(el) if el.tag == "p" else ""
        if not (text and _right_aligned(el)) or text not in paragraphs:
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
def _meta(root: lhtml.HtmlElement, *names: str) -> str | None:
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in names:
            value = norm_space(meta.get("content") or "")
            if value:
                return value
    return None


def _json_ld_published(root: lhtml.HtmlElement) -> str | None:
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if isinstance(item.get("datePublished"), str):
                    return item["datePublished"]
                stack.extend(v for v in item.values() if isinstance(v, dict | list))
    return None


def find_published(root: lhtml.HtmlElement, paragraphs_seen: list[str]) -> datetime | None:
    """Publication time: article metas / JSON-LD (ISO), else a visible date line such as
    ``Tin đăng ngày: 6/2/2020 - Xem: 92``. None lets the caller fall back to htmldate."""
    raw = _meta(root, "article:published_time", "datepublished", "pubdate", "publishdate")
    raw = raw or _json_ld_published(root)
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
    parts = el.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]")
    return norm_space("".join(parts))


def find_lead(root: lhtml.HtmlElement, paragraphs: list[str], title: str | None) -> str | None:
    """The lead: a sapo-like element's text (``.sapo``, ``.description``, ``.hometext``...)
    that is not a teaser in a list (no link, not in ``<li>``) or that is the page's meta
    description; else ``meta description``/``og:description`` when it opens the body (a
    site-wide description does not)."""
    title_key = block_key(title or "")
    desc = _meta(root, "description", "og:description", "twitter:description")
    desc_key = block_key(desc or "")
    for el in root.iter("p", "div", "h2", "span", "strong"):
        cls = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not _SAPO_CLASS.search(cls):
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


def link_words(root: lhtml.HtmlElement) -> dict[str, int]:
    """Every link text on the page (comparison key) with its word count."""
    words: dict[str, int] = {}
    for a in root.iter("a"):
        text = a.text_content()
        words.setdefault(block_key(text), len(text.split()))
    return words


def _linked_share(links: dict[str, int], paragraphs: list[str]) -> float:
    """Share of the text's characters that are the text of some link on the page
    (:func:`link_words`): menu items and headline lists, even when trafilatura joined them
    into one paragraph."""
    long_links = [k for k in links if len(k) >= 15]
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
MAX_LINK_LINE_WORDS = 25


def _drop_link_lines(links: dict[str, int], paragraphs: list[str]) -> tuple[list[str], int]:
    """Drop paragraphs that are nothing but the text of one headline link (4+ words) on the
    page (a numbered "most read" item included): related-news lists, not article text."""
    kept = [p for p in paragraphs
            if len(p.split()) > MAX_LINK_LINE_WORDS
            or links.get(block_key(_LIST_NUMBER.sub("", p)), 0) < 4]
    return kept, len(paragraphs) - len(kept)


def _teaser_share(root: lhtml.HtmlElement, paragraphs: list[str]) -> float:
    """Share of the text's characters in teaser summaries: paragraphs whose small
    enclosing card also holds a headline link (listing pages whose summaries trafilatura
    took for an article)."""
    index: dict[str, lhtml.HtmlElement] = {}
    for el in root.iter("p", "div", "span", "h2", "h3", "li", "td"):
        text = el.text_content()
        if 40 <= len(text) <= 1500:
            index.setdefault(block_key(text), el)
    total = teaser = 0
    keys = [block_key(p) for p in paragraphs if len(p) >= 40]
    for para in paragraphs:
        total += len(para)
        el = index.get(block_key(para)) if len(para) >= 40 else None
        if el is None:
            continue
        limit = 3 * len(para) + 400  # a teaser card: headline, summary, time, image
        for anc in list(el.iterancestors())[:3]:
            if len(anc.text_content()) > limit:
                break
            anc_key = block_key(anc.text_content())
            if sum(k in anc_key for k in keys) > 1:
                break  # a card holds one summary; this is a short article with links
            if any(
                len(a.text_content().split()) >= 6 and a not in el.iterdescendants()
                for a in anc.iter("a")
            ):
                teaser += len(para)
                break
    return teaser / total if total else 0.0


def _page_captions(root: lhtml.HtmlElement) -> set[str]:
    """Keys of the page's figure captions (``figcaption``, ``*caption*`` classes)."""
    keys = set()
    for el in root.xpath(
        "//figcaption | //*[contains(translate(@class,'CAPTION','caption'),'caption')]"
    ):
        text = _visible_text(el)
        if 0 < len(text) <= 600:
            keys.add(block_key(text))
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


def _trafilatura(html: str, url: str, precision: bool):  # noqa: ANN202 - trafilatura Document
    try:
        return trafilatura.bare_extraction(
            html, url=url, include_comments=False, include_tables=True,
            include_images=True, with_metadata=True, deduplicate=False,
            favor_precision=precision,
        )
    except Exception:  # noqa: BLE001 - trafilatura errors mean "nothing extractable"
        return None


def extract_generic(html: str, url: str, template: SiteTemplate | None = None) -> Extracted | None:
    """Extract an article from a page of no known family; None when it has no article.

    trafilatura runs with ``favor_precision`` first (measured with bench/quality.py: Zyte
    shingle F1 0.962 with it, 0.956 without; the fixture groups and the VnExpress page
    score the same), and again with its defaults when that left too little text.
    """
    root = _tree(html)
    if root is None:
        return None
    for precision in (True, False):
        doc = _trafilatura(html, url, precision)
        if doc is None or getattr(doc, "body", None) is None:
            continue
        result = _from_document(doc, root, url, template)
        if result is not _TOO_SHORT:
            return result  # type: ignore[return-value]
    return None


def _from_document(doc, root: lhtml.HtmlElement, url: str, template: SiteTemplate | None):  # noqa: ANN001,ANN202
    """Extracted from one trafilatura result; None for a listing, _TOO_SHORT for too little."""
    removed: dict[str, int] = {}
    paragraphs, images, byline, captions = paragraphs_and_images(doc.body, url)
    if captions:
        removed["captions"] = captions
    title = norm_space(doc.title or "") or None
    published = find_published(root, paragraphs)

    captions_on_page = _page_captions(root)
    loose = [p for p in paragraphs if block_key(p) in captions_on_page]
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
        return None
    if _teaser_share(root, paragraphs) > MAX_LINKED_SHARE:
        return None
    # After the listing checks (which need them): headline links trafilatura kept as lines
    # ("Tin liên quan", "Đọc nhiều" lists next to the article) leave the text.
    paragraphs, n = _drop_link_lines(links, paragraphs)
    if n:
        removed["link_lines"] = n

    lead = find_lead(root, paragraphs, title)
    author = norm_space(doc.author or "") or byline
    lang = _meta(root, "og:locale", "language", "content-language")
    html_lang = root.get("lang") or (lang[:2].lower() if lang else None)
    return Extracted(
        title=title,
        lead=lead,
        paragraphs=paragraphs,
        author=author or None,
        published_at=published,
        images=images,
        attachments=attachments_in_text(root, paragraphs, url),
        tags=_tags(doc.tags or []),
        canonical_url=_canonical(root, url),
        language=(html_lang or "").split("-")[0].lower() or None,
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


def _canonical(root: lhtml.HtmlElement, url: str) -> str | None:
    for link in root.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            return urljoin(url, link.get("href").strip())
    return _meta(root, "og:url")
