"""Profile extraction path: read an article off a page of a known site family.

One lxml tree, CSS selectors from the family's :class:`~cleaners.profile.Profile`, no
trafilatura. Steps, in order: drop furniture from the lead and body, take images and
their captions out (captions go to ``images``, never to text), take the byline out,
read paragraphs from block elements, strip known boilerplate, read labelled
``Tác giả:`` / ``Nguồn tin:`` lines, split the source tag off the lead, then metadata
(title, dates, tags, canonical URL, language). ``Extracted.removed`` counts what
each step took away.

Byline conventions (one rule for every family):

* ``author`` is the byline *as written*, unit included (``Hữu Thắng - Sở TT&TT Bắc Ninh``);
  a byline typed on several lines (``<br>``) has its lines joined with `` - ``
  (``Chu Xuân Trường - Giám đốc Sở TT&TT Điện Biên``). ``Tác giả:`` / ``Tác giả bài viết:``
  lose their label.
* ``source`` is the value of ``Theo X`` / ``Nguồn tin: X`` / ``Nguồn: X``; when there is none,
  the lead's source tag (``(Mic.gov.vn) –`` → ``Mic.gov.vn``, ``DIC -`` → ``DIC``). A credit
  line wins over the lead tag because it names where the article came from, the tag only
  the portal that ran it.
* Bylines leave the text; so do the source tag, captions (to ``images``) and alt text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Container
from datetime import datetime
from urllib.parse import urljoin

from lxml import html as lhtml

from micnews.cleaners.attachments import find_attachments
from micnews.cleaners.boilerplate import Markers, is_boilerplate, strip_boilerplate
from micnews.cleaners.dates import parse_vn_datetime
from micnews.cleaners.decode import repair_text
from micnews.cleaners.fields import (
    bylines_after,
    is_labelled,
    json_ld_items,
    labels,
    lead_element,
    loose_lead,
    meta_datetime,
    schema_author,
    title_by_meaning,
    visible_date,
)
from micnews.cleaners.lead import split_source_tag
from micnews.cleaners.profile import Profile, css, select
from micnews.cleaners.record import Extracted, Image
from micnews.cleaners.textnorm import norm_space

BLOCK_TAGS = frozenset(
    "p div section article header footer aside main nav h1 h2 h3 h4 h5 h6 ul ol li dl dt dd "
    "table thead tbody tfoot tr td th caption blockquote figure figcaption center pre hr "
    "form address details summary".split()
)
_BREAK, _BR = object(), object()
_ICON_SRC = re.compile(
    r"(?:^|/)(?:icons?|rating|stars?|spacer|blank|pixel|loading|btn|button)[^/]*$|/icons?/",
    re.IGNORECASE,
)
_VI_CHARS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


# --- small tree helpers -------------------------------------------------------------


def select_first(root: lhtml.HtmlElement, selectors: tuple[str, ...],
                 names: Container[str] | None = None) -> lhtml.HtmlElement | None:
    """First element matched by the first selector that matches anything (``names``: the
    page's class names and ids, :func:`~micnews.cleaners.profile.select`)."""
    for sel in selectors:
        found = select(root, sel, names)
        if found:
            return found[0]
    return None


def select_value(root: lhtml.HtmlElement, selectors: tuple[str, ...],
                 names: Container[str] | None = None) -> str | None:
    """Text (or ``@attr``) of the first non-empty match of ``selectors``."""
    for sel in selectors:
        expr, _, attr = sel.partition("@")
        for el in select(root, expr, names):
            value = el.get(attr) if attr else el.text_content()
            value = norm_space(value or "")
            if value:
                return value
    return None


def select_all(root: lhtml.HtmlElement, selectors: tuple[str, ...],
               names: Container[str] | None = None) -> list[str]:
    """Texts of every match of the first selector that matches non-empty text."""
    for sel in selectors:
        values = [norm_space(el.text_content()) for el in select(root, sel, names)]
        values = [v for v in values if v]
        if values:
            return values
    return []


def _clean_text(text: str) -> str:
    return norm_space(repair_text(text))


def _is_block(el: lhtml.HtmlElement) -> bool:
    return isinstance(el.tag, str) and el.tag.lower() in BLOCK_TAGS


def _remove(el: lhtml.HtmlElement) -> None:
    """Remove an element but keep its tail text."""
    if el.getparent() is not None:
        el.drop_tree()


# --- paragraphs ---------------------------------------------------------------------


def _tokens(el: lhtml.HtmlElement, out: list) -> None:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag in BLOCK_TAGS:
        out.append(_BREAK)
    if tag == "br":
        out.append(_BR)
    elif tag and tag != "img":
        if el.text:
            out.append(el.text)
        for child in el:
            _tokens(child, out)
            if child.tail:
                out.append(child.tail)
    if tag in BLOCK_TAGS:
        out.append(_BREAK)


def paragraphs_of(el: lhtml.HtmlElement) -> list[str]:
    """Paragraphs of an element: one per block element, and ``<br><br>`` splits too.

    A single ``<br>`` is a line break inside a paragraph (it becomes a space).
    """
    tokens: list = []
    if el.text:
        tokens.append(el.text)
    for child in el:
        _tokens(child, tokens)
        if child.tail:
            tokens.append(child.tail)
    out: list[str] = []
    buf: list[str] = []
    pending_br = False

    def flush() -> None:
        text = _clean_text("".join(buf))
        if text:
            out.append(text)
        buf.clear()

    for tok in tokens:
        if tok is _BREAK:
            flush()
            pending_br = False
        elif tok is _BR:
            if pending_br:
                flush()
                pending_br = False
            else:
                pending_br = True
        elif tok.strip():
            if pending_br:
                buf.append(" ")
                pending_br = False
            buf.append(tok)
        else:
            buf.append(tok)
    flush()
    return out


# --- images and captions ------------------------------------------------------------


def _img_url(img: lhtml.HtmlElement, base: str) -> str | None:
    src = (img.get("src") or img.get("data-src") or img.get("data-original") or "").strip()
    if not src or src.startswith("data:") or _ICON_SRC.search(src.split("?")[0]):
        return None
    try:
        if int(img.get("width") or 99) < 40 or int(img.get("height") or 99) < 40:
            return None
    except ValueError:
        pass
    return urljoin(base, src)


def _emphasis_only(el: lhtml.HtmlElement) -> bool:
    """True when all the text of ``el`` sits inside ``<em>``/``<i>`` (a caption paragraph)."""
    whole = "".join(el.text_content().split())
    if not whole or len(whole) > 400:
        return False
    emph = "".join("".join(e.text_content().split()) for e in el.iter("em", "i"))
    return emph == whole


def _is_caption_block(el: lhtml.HtmlElement) -> bool:
    cls = (el.get("class") or "").lower()
    return "caption" in cls or (el.tag in ("p", "div") and _emphasis_only(el))


def _block_ancestor(el: lhtml.HtmlElement, stop: lhtml.HtmlElement) -> lhtml.HtmlElement | None:
    node = el.getparent()
    while node is not None and node is not stop:
        if _is_block(node):
            return node
        node = node.getparent()
    return None


def _next_element(el: lhtml.HtmlElement) -> lhtml.HtmlElement | None:
    """Next sibling element, skipping empty ones (``<p>&nbsp;</p>``) and ``<br>``."""
    node = el.getnext()
    while node is not None and (
        not isinstance(node.tag, str)
        or node.tag == "br"
        or (not node.text_content().strip() and not list(node.iter("img")))
    ):
        if isinstance(node.tag, str) and node.tag != "br" and (node.tail or "").strip():
            return None
        node = node.getnext()
    return node


def take_images(
    root: lhtml.HtmlElement,
    base: str,
    images: list[Image],
    removed: Counter,
    holder: bool = False,
) -> None:
    """Move every article image under ``root`` (and its caption) into ``images``.

    Captions come from ``figcaption``, a caption-class block, an ``<em>``-only paragraph
    right after the image's paragraph, or ``<em>`` text sharing the image's block. The
    image and its caption are removed from the tree, so neither reaches the text.
    ``holder``: ``root`` is an image container (``#imghome``) and counts as the block.
    """
    for img in list(root.iter("img")):
        if img.getparent() is None:
            continue
        url = _img_url(img, base)
        caption_el = None
        fig = next((a for a in img.iterancestors("figure")), None)
        if fig is not None and root in fig.iterancestors() or fig is root:
            caps = css("figcaption, .caption, .PhotoCMS_Caption")(fig)
            caption_el = caps[0] if caps else None
        else:
            block = _block_ancestor(img, root)
            if block is None and holder:
                block = root
            if block is not None:
                rest = "".join(block.text_content().split())
                if rest and _emphasis_only(block) or "caption" in (block.get("class") or ""):
                    caption_el = block if rest else None
                    for em in block.iter("em", "i"):
                        caption_el = em
                        break
                elif not rest:
                    nxt = _next_element(block)
                    if nxt is not None and _is_caption_block(nxt):
                        caption_el = nxt
                    elif block.tag == "td":  # image table: caption in the next row
                        row = block.getparent()
                        nrow = row.getnext() if row is not None else None
                        if nrow is not None and nrow.tag == "tr" and len(nrow.text_content()) < 400:
                            caption_el = nrow
            else:
                nxt = _next_element(img)
                if nxt is not None and nxt.tag in ("em", "i", "p", "div") and _is_caption_block(
                    nxt
                ) or (nxt is not None and nxt.tag in ("em", "i")):
                    caption_el = nxt
        caption = _clean_text(caption_el.text_content()) if caption_el is not None else ""
        if caption_el is not None:
            removed["captions"] += 1
            if caption_el is not img and img not in caption_el.iter("img"):
                _remove(caption_el)
        _remove(img)
        if url:
            _add_image(images, url, caption or None, removed)


def _add_image(images: list[Image], url: str, caption: str | None, removed: Counter) -> None:
    for i, known in enumerate(images):
        if known.url == url:
            removed["duplicate_images"] += 1
            if caption and not known.caption:
                images[i] = Image(url, caption)
            return
    images.append(Image(url, caption))


# --- bylines ------------------------------------------------------------------------


def interpret_byline(text: str) -> tuple[str | None, str | None]:
    """``(author, source)`` from a byline: ``Theo X`` and ``Nguồn tin: X`` are sources,
    ``Tác giả: X`` and bare names are authors (kept as written, unit included)."""
    text = norm_space(text).rstrip(" ./")
    if not text:
        return None, None
    lab = labels()
    for rx, kind in ((lab.source, "source"), (lab.author, "author"), (lab.theo, "source")):
        m = rx.match(text)
        if m:
            value = m.group("v").strip(" ./") or None
            return (value, None) if kind == "author" else (None, value)
    return text, None


def _right_aligned(el: lhtml.HtmlElement, stop: lhtml.HtmlElement) -> bool:
    node = el
    while node is not None and node is not stop:
        style = (node.get("style") or "").replace(" ", "").lower()
        cls = (node.get("class") or "").lower()
        if (node.get("align") or "").lower() == "right" or "text-align:right" in style:
            return True
        if "text-right" in cls.split() or "right" in cls.split():
            return True
        node = node.getparent()
    return False


def _text_after(el: lhtml.HtmlElement, root: lhtml.HtmlElement) -> str:
    """All text that follows ``el`` inside ``root``."""
    parts = [el.tail or ""]
    node = el
    while node is not None and node is not root:
        for sib in node.itersiblings():
            parts.append(sib.text_content() if isinstance(sib.tag, str) else "")
            parts.append(sib.tail or "")
        node = node.getparent()
        if node is not None and node is not root:
            parts.append(node.tail or "")
    return " ".join(parts)


def _byline_lines(el: lhtml.HtmlElement) -> str:
    lines = [_clean_text(t) for t in paragraphs_of_lines(el)]
    return " - ".join(t for t in lines if t)


def paragraphs_of_lines(el: lhtml.HtmlElement) -> list[str]:
    """Lines of a short block, split at every ``<br>``."""
    parts: list[str] = [el.text or ""]
    for node in el.iterdescendants():
        if node.tag == "br":
            parts.append("\n")
        elif isinstance(node.tag, str) and node.text:
            parts.append(node.text)
        if node.tail and node.getparent() is not None:
            parts.append(node.tail)
    return [line for line in "".join(parts).split("\n") if line.strip()]


def take_right_byline(
    body: lhtml.HtmlElement, markers: Markers
) -> list[str]:
    """Remove trailing right-aligned ``<p><strong>`` bylines from ``body``; return them."""
    found: list[str] = []
    for _ in range(2):
        paras = [p for p in body.iter("p", "div") if p is not body and not any(
            _is_block(c) for c in p.iterdescendants())]
        cands = [p for p in paras if p.text_content().strip()]
        if not cands:
            break
        last = cands[-1]
        after = _text_after(last, body)
        if after.strip() and not all(is_boilerplate(a, markers) for a in after.split("\n")
                                     if a.strip()):
            break
        text = norm_space(last.text_content())
        strong = "".join(
            "".join(s.text_content().split()) for s in last.iter("strong", "b")
            if not any(a.tag in ("strong", "b") for a in s.iterancestors())
        )
        if not _right_aligned(last, body) or not text or len(text.split()) > 16:
            break
        if strong != "".join(text.split()) and len(text.split()) > 8:
            break
        found.insert(0, _byline_lines(last))
        _remove(last)
    return found


def _take_labelled(paragraphs: list[str]) -> tuple[list[str], str | None, str | None, int]:
    """Labelled byline lines at the end of the body: ``Tác giả:``, ``Nguồn tin:``, ``Theo X``."""
    author = source = None
    n = 0
    while paragraphs:
        last = paragraphs[-1]
        if len(last.split()) > 16:
            break
        a, s = None, None
        if is_labelled(last) or (labels().theo.match(last) and len(last.split()) <= 8):
            a, s = interpret_byline(last)
        if not (a or s):
            break
        author, source = author or a, source or s
        paragraphs = paragraphs[:-1]
        n += 1
    return paragraphs, author, source, n


# --- metadata -----------------------------------------------------------------------


def _json_ld_dates(tree: lhtml.HtmlElement) -> tuple[str | None, str | None]:
    for item in json_ld_items(tree):
        if isinstance(item, dict) and item.get("datePublished"):
            return item.get("datePublished"), item.get("dateModified")
    return None, None


def find_dates(
    tree: lhtml.HtmlElement, profile: Profile | None, body: lhtml.HtmlElement | None = None,
    fallbacks: list[str] | None = None, names: Container[str] | None = None,
) -> tuple[datetime | None, datetime | None]:
    """``(published_at, updated_at)``: the profile's visible date first, then (a field
    fallback, noted in ``fallbacks``) a date line above the body, then ``article:*_time`` /
    schema.org / JSON-LD (NukeViet's malformed ``…ICT10:05:00`` read too)."""
    published = None
    for sel in profile.date if profile else ():
        for el in select(tree, sel, names):
            text = norm_space(el.text_content())
            published = parse_vn_datetime(text, profile.date_formats or None)
            if published:
                break
        if published:
            break
    iso_pub = select_value(
        tree,
        ("meta[property='article:published_time']@content", "[itemprop=datePublished]@content",
         "[itemprop=datePublished]@datetime", "[itemprop=datePublished]"),
        names,
    )
    iso_mod = select_value(
        tree,
        ("meta[property='article:modified_time']@content", "[itemprop=dateModified]@content",
         "[itemprop=dateModified]"),
        names,
    )
    if not iso_pub:
        iso_pub, iso_mod = _json_ld_dates(tree)
    if published is None and body is not None:
        published = visible_date(body)
        if published is None and iso_pub:
            published = meta_datetime(iso_pub)
        if published is not None and fallbacks is not None:
            fallbacks.append("published_at")
    if published is None and iso_pub:
        published = meta_datetime(iso_pub)
    updated = meta_datetime(iso_mod)
    return published, updated


def find_language(tree: lhtml.HtmlElement, sample: str) -> str | None:
    """``vi`` from ``<html lang>`` or, failing that, from Vietnamese letters in the text."""
    lang = (tree.get("lang") or tree.get("xml:lang") or "").strip().lower()
    if lang.startswith("vi") or (not lang and len(_VI_CHARS.findall(sample)) >= 3):
        return "vi"
    if lang:
        return lang.split("-")[0]
    return None


def find_title(tree: lhtml.HtmlElement, selectors: tuple[str, ...],
               body: lhtml.HtmlElement | None = None, fallbacks: list[str] | None = None,
               names: Container[str] | None = None) -> str | None:
    """Title from the profile's selectors, then (a field fallback) the article's heading,
    ``og:title`` or ``<title>`` without the site's name."""
    raw = select_value(tree, selectors, names)
    if not raw:
        raw = title_by_meaning(tree, body)
        if raw and fallbacks is not None:
            fallbacks.append("title")
    return _clean_text(raw) if raw else None


def find_tags(tree: lhtml.HtmlElement, selectors: tuple[str, ...],
              names: Container[str] | None = None) -> list[str]:
    """Tags from the profile's tag links (``Từ khóa:``), each once, in page order."""
    tags: list[str] = []
    for sel in selectors:
        for el in select(tree, sel, names):
            tag = _clean_text(el.text_content()).strip(" ,;")
            if tag and tag not in tags:
                tags.append(tag)
        if tags:
            break
    return tags


def base_url(tree: lhtml.HtmlElement, url: str) -> str:
    """The page's base for relative links (``<base href>`` when present)."""
    for base in tree.iter("base"):
        if base.get("href"):
            return urljoin(url, base.get("href"))
    return url


# --- the profile path ---------------------------------------------------------------


def extract_with_profile(
    tree: lhtml.HtmlElement, url: str, profile: Profile, names: Container[str] | None = None,
) -> Extracted | None:
    """Read the article off ``tree`` with ``profile``; None when the page has no article
    body (listing, home page). The tree is modified (furniture removed). ``names``: the
    page's class names and ids, to skip selectors that cannot match."""
    body = select_first(tree, profile.body, names)
    if body is None:
        return None
    base = base_url(tree, url)
    removed: Counter = Counter()
    markers = profile.markers
    fallbacks: list[str] = []
    lead_el = select_first(tree, profile.lead, names)
    if lead_el is not None and body in lead_el.iterancestors():
        lead_el = None  # a lead selector must not swallow the body
    if lead_el is None:
        lead_el = lead_element(tree, body)
        if lead_el is not None:
            fallbacks.append("lead")

    # 1. furniture out of lead and body
    for container in (c for c in (lead_el, body) if c is not None):
        for sel in profile.drop:
            for el in select(container, sel, names):
                if el is not container and el.getparent() is not None:
                    removed["dropped"] += 1
                    _remove(el)

    # 2. documents linked from the article (before image/caption handling edits the tree)
    linked = (el for sel in profile.attachments for el in select(tree, sel, names))
    attachments = find_attachments([lead_el, body, *linked], base)

    # 3. images and captions: home image containers first, then lead and body
    images: list[Image] = []
    for sel in profile.images:
        for el in select(tree, sel, names):
            holder = lhtml.fromstring(lhtml.tostring(el)) if el.get("id") == "imgpreview" else el
            take_images(holder, base, images, removed, holder=True)
    for container in (c for c in (lead_el, body) if c is not None):
        take_images(container, base, images, removed)

    # 4. bylines typed as the last right-aligned <p><strong> of the body
    author = source = None
    if profile.right_strong_byline:
        for line in take_right_byline(body, markers):
            removed["bylines"] += 1
            a, s = interpret_byline(line)
            author, source = author or a, source or s

    # 5. paragraphs, boilerplate, labelled lines at the end
    paragraphs, n = strip_boilerplate(paragraphs_of(body), markers)
    removed["boilerplate"] += n
    paragraphs, a, s, n = _take_labelled(paragraphs)
    removed["bylines"] += n
    author, source = author or a, source or s

    # 6. lead and its source tag
    lead = None
    if lead_el is not None:
        lead_paras, n = strip_boilerplate(paragraphs_of(lead_el), markers)
        removed["boilerplate"] += n
        lead = " ".join(lead_paras) or None
    if lead is None:
        lead = loose_lead(body)
        if lead:
            fallbacks.append("lead")
    lead_source = None
    if lead:
        lead_source, lead = split_source_tag(lead)
        lead = lead.strip() or None
        if lead_source:
            removed["source_tag"] += 1
    if lead is None and not paragraphs:
        return None

    # 7. bylines outside the body: selectors, then labelled blocks
    for value in select_all(tree, profile.author, names) + select_all(tree, profile.source, names):
        a, s = interpret_byline(value)
        author, source = author or a, source or s
    for sel in profile.labelled:
        for el in select(tree, sel, names):
            for line in paragraphs_of_lines(el):
                a, s = interpret_byline(line) if is_labelled(line) else (None, None)
                author, source = author or a, source or s
    # 8. field fallbacks: labelled lines after the body, then schema.org / meta author
    if not (author and source):
        a, s = bylines_after(body)
        if a and not author:
            author = a
            fallbacks.append("author")
        if s and not source:
            source = s
            fallbacks.append("source")
    if not author:
        author = schema_author(tree)
        if author:
            fallbacks.append("author")

    published, updated = find_dates(tree, profile, body, fallbacks, names)
    sample = " ".join([lead or ""] + paragraphs[:3])
    canonical = select_value(tree, profile.canonical, names)
    title = find_title(tree, profile.title, body, fallbacks, names)
    return Extracted(
        title=title,
        lead=lead,
        paragraphs=paragraphs,
        author=author,
        source=source or lead_source,
        published_at=published,
        updated_at=updated,
        images=images,
        attachments=attachments,
        tags=find_tags(tree, profile.tags, names),
        canonical_url=urljoin(base, canonical) if canonical else None,
        language=find_language(tree, sample),
        removed={k: v for k, v in removed.items() if v},
        fallbacks=fallbacks,
    )
