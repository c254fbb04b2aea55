"""Fields found by meaning: the family-independent rules a profile falls back on.

A theme nobody modelled still says what its parts are: a ``Tác giả:`` line after the body,
a lead in ``#hometext`` / ``[itemprop=description]``, a heading ``h1``, a date line above
the body, NukeViet's ``2022-09-22ICT10:05:00`` meta. The labels, selectors and patterns are
data (``labels.toml``); this module holds the mechanisms. Every function reads the tree and
returns a value or None; none modifies the tree.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources

from lxml import html as lhtml

from micnews.cleaners.dates import parse_iso_datetime, parse_vn_datetime
from micnews.cleaners.profile import css
from micnews.cleaners.textnorm import norm_key, norm_space

CONTAINER_LEVELS = 4  # how far above the body the article's container may be
AFTER_BODY_ELEMENTS = 12  # elements after (then before) the body searched for labelled lines


@dataclass(frozen=True)
class Labels:
    """The contents of ``labels.toml``, compiled."""

    author: re.Pattern[str]
    source: re.Pattern[str]
    theo: re.Pattern[str]
    max_words: int
    lead: tuple[str, ...]
    title: tuple[str, ...]
    separators: tuple[str, ...]
    visible_date: re.Pattern[str]
    malformed_iso: re.Pattern[str]
    zones: dict[str, str]
    tag_dashes: str
    tag_max_words: int
    tag_max_chars: int


def _alternation(labels: list[str]) -> str:
    return "|".join(re.escape(x) for x in sorted(set(labels), key=len, reverse=True))


@cache
def labels() -> Labels:
    """``labels.toml`` loaded once per process."""
    data = tomllib.loads(
        resources.files("micnews.cleaners").joinpath("labels.toml").read_text(encoding="utf-8"))
    by, dates, tag = data["byline"], data["dates"], data["source_tag"]
    return Labels(
        author=re.compile(rf"^(?:{_alternation(by['author'])})\s*:\s*(?P<v>.+)$", re.I),
        source=re.compile(rf"^(?:{_alternation(by['source'])})\s*:\s*(?P<v>.+)$", re.I),
        theo=re.compile(rf"^{re.escape(by['theo'])}\s+(?P<v>\S.{{0,80}})$"),
        max_words=int(by["max_words"]),
        lead=tuple(data["lead"]["selectors"]),
        title=tuple(data["title"]["selectors"]),
        separators=tuple(data["title"]["separators"]),
        visible_date=re.compile(dates["visible"]),
        malformed_iso=re.compile(dates["malformed_iso"]),
        zones=dict(dates.get("zones", {})),
        tag_dashes=tag["dashes"],
        tag_max_words=int(tag["max_words"]),
        tag_max_chars=int(tag["max_chars"]),
    )


# --- bylines -----------------------------------------------------------------------------


def labelled_value(line: str) -> tuple[str | None, str | None]:
    """``(author, source)`` of a labelled line (``Tác giả: X``, ``Nguồn tin: X``), else
    ``(None, None)``. The value is kept as written."""
    text = norm_space(line).rstrip(" ./")
    lab = labels()
    if not text or len(text.split()) > lab.max_words:
        return None, None
    m = lab.source.match(text)
    if m:
        return None, m["v"].strip(" ./") or None
    m = lab.author.match(text)
    if m:
        return m["v"].strip(" ./") or None, None
    return None, None


def lines_of(el: lhtml.HtmlElement) -> list[str]:
    """Text lines of an element, split at ``<br>`` and at block children."""
    parts: list[str] = []

    def walk(node: lhtml.HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("script", "style", "form", "select", "button"):
            return
        if tag == "br" or tag in ("p", "div", "li", "dd", "dt", "tr"):
            parts.append("\n")
        if node.text and tag != "br":
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in ("p", "div", "li", "dd", "dt", "tr"):
            parts.append("\n")

    walk(el)
    return [norm_space(x) for x in "".join(parts).split("\n") if norm_space(x)]


def container_of(body: lhtml.HtmlElement) -> lhtml.HtmlElement:
    """The article's container: the nearest ancestor of the body (a few levels up at most)
    that also holds a heading; else the body's parent."""
    node, fallback = body.getparent(), body.getparent()
    for _ in range(CONTAINER_LEVELS):
        if node is None or node.tag in ("body", "html"):
            break
        if node.find(".//h1") is not None or css("[itemprop=headline]")(node):
            return node
        node = node.getparent()
    return fallback if fallback is not None else body


def elements_around(body: lhtml.HtmlElement, limit: int = AFTER_BODY_ELEMENTS
                    ) -> list[lhtml.HtmlElement]:
    """Elements around the body inside its container: those after it first (in reading
    order), then those before it (nearest first: a meta list above the body)."""
    stop = container_of(body)
    after: list[lhtml.HtmlElement] = []
    before: list[lhtml.HtmlElement] = []
    node = body
    while node is not None and node is not stop:
        after.extend(s for s in node.itersiblings() if isinstance(s.tag, str))
        before.extend(s for s in node.itersiblings(preceding=True) if isinstance(s.tag, str))
        node = node.getparent()
    return after[:limit] + before[:limit]


def _bylines_in(elements) -> tuple[str | None, str | None]:  # noqa: ANN001 - any iterable
    """``(author, source)`` from the labelled lines of ``elements``, first found wins."""
    author = source = None
    for el in elements:
        for line in lines_of(el):
            a, s = labelled_value(line)
            author, source = author or a, source or s
        if author and source:
            break
    return author, source


def bylines_after(body: lhtml.HtmlElement) -> tuple[str | None, str | None]:
    """``(author, source)`` from labelled lines in the elements after the body, then before
    it, inside the article's container (label in ``<strong>`` or value in ``<strong>``, one
    line or split by ``<br>``, any alignment, any element: ``p``, ``div``, ``span``, ``li``)."""
    return _bylines_in(elements_around(body))


def bylines_anywhere(tree: lhtml.HtmlElement) -> tuple[str | None, str | None]:
    """``(author, source)`` from the first labelled lines anywhere on the page (the generic
    fallback has no body element to start from)."""
    return _bylines_in(el for el in tree.iter("p", "div", "span", "li", "td", "dd")
                       if ":" in el.text_content() and len(el.text_content()) <= 300)


def is_labelled(paragraph: str) -> bool:
    """Is this paragraph a labelled byline line (``Tác giả: X``, ``Nguồn tin: X``)?"""
    return labelled_value(paragraph) != (None, None)


def _site_names(tree: lhtml.HtmlElement, items: list) -> set[str]:
    """Names of the site or its publisher (``og:site_name``, JSON-LD ``publisher``): an
    "author" equal to one of them is the organisation, not a byline."""
    names = {norm_key(m.get("content") or "") for m in tree.iter("meta")
             if (m.get("property") or m.get("name") or "").lower()
             in ("og:site_name", "application-name")}
    for item in items:
        pub = item.get("publisher") if isinstance(item, dict) else None
        if isinstance(pub, dict) and isinstance(pub.get("name"), str):
            names.add(norm_key(pub["name"]))
    return names - {""}


def json_ld_items(tree: lhtml.HtmlElement) -> list:
    """Every JSON-LD object of the page (lists and ``@graph`` flattened)."""
    items: list = []
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        items += data if isinstance(data, list) else data.get("@graph", [data])
    return items


def schema_author(tree: lhtml.HtmlElement) -> str | None:
    """The person named as author by schema.org markup, JSON-LD or ``<meta name=author>``
    (never the site or its publisher: organisations are no byline)."""
    items = json_ld_items(tree)
    site = _site_names(tree, items)
    found: list[str] = []
    for el in css("[itemprop=author] [itemprop=name], [itemprop=author]")(tree):
        found.append(norm_space(el.get("content") or el.text_content()))
    for item in items:
        author = item.get("author") if isinstance(item, dict) else None
        if isinstance(author, list):
            author = author[0] if author else None
        if isinstance(author, dict):
            if "organization" in str(author.get("@type", "")).lower():
                continue
            author = author.get("name")
        if isinstance(author, str):
            found.append(norm_space(author))
    found += [norm_space(m.get("content") or "") for m in tree.iter("meta")
              if (m.get("name") or "").lower() == "author"]
    for value in found:
        if value and len(value.split()) <= 8 and norm_key(value) not in site:
            return value
    return None


# --- lead --------------------------------------------------------------------------------


def lead_element(tree: lhtml.HtmlElement, body: lhtml.HtmlElement | None
                 ) -> lhtml.HtmlElement | None:
    """The lead's container, however nested: the innermost element matched by the lead
    selectors that has text and is neither the body nor around it."""
    found: list[lhtml.HtmlElement] = []
    for sel in labels().lead:
        for el in css(sel)(tree):
            if el.tag == "meta" or el in found:
                continue
            if body is not None and (el is body or body in el.iterancestors()
                                     or el in body.iterancestors()):
                continue
            if norm_space(el.text_content()):
                found.append(el)
    inner = [el for el in found if not any(o in el.iterdescendants() for o in found)]
    return inner[0] if inner else None


def loose_lead(body: lhtml.HtmlElement, min_words: int = 8) -> str | None:
    """A lead typed straight into the page before the body, in no element of its own
    (NukeViet's mobile themes print ``{DETAIL.hometext}`` bare): the text that precedes the
    body up to the previous element holding text."""
    parts: list[str] = []
    node = body.getprevious()
    while node is not None:
        parts.append(node.tail or "")
        if isinstance(node.tag, str) and norm_space(node.text_content()):
            break
        node = node.getprevious()
    else:
        parent = body.getparent()
        parts.append(parent.text or "" if parent is not None else "")
    text = norm_space(" ".join(reversed(parts)))
    return text if len(text.split()) >= min_words else None


# --- title -------------------------------------------------------------------------------


def strip_site_name(title: str, heading: str | None = None) -> str:
    """``Tiêu đề - Chuyển đổi số - Sở …`` → ``Tiêu đề``: the part before the first separator
    (or the part equal to the page's heading, when known)."""
    title = norm_space(title)
    for sep in labels().separators:
        if sep in title:
            parts = [p.strip() for p in title.split(sep)]
            if heading:
                for p in parts:
                    if norm_key(p) == norm_key(heading):
                        return p
            if len(parts[0].split()) >= 3:
                return parts[0]
    return title


def title_by_meaning(tree: lhtml.HtmlElement, body: lhtml.HtmlElement | None) -> str | None:
    """The article's heading: inside the body's container first, then on the page, then
    ``og:title`` and ``<title>`` without the site's name."""
    scopes = ([container_of(body)] if body is not None else []) + [tree]
    for scope in scopes:
        for sel in labels().title:
            for el in css(sel)(scope):
                text = norm_space(el.text_content())
                if text and len(text.split()) >= 3:
                    return text
    for sel, attr in (("meta[property='og:title']", "content"), ("title", None)):
        for el in css(sel)(tree):
            raw = norm_space(el.get(attr) if attr else el.text_content())
            if raw:
                return strip_site_name(raw)
    return None


# --- dates -------------------------------------------------------------------------------


def fix_malformed_iso(value: str) -> str:
    """``2022-09-22ICT10:05:00`` → ``2022-09-22T10:05:00+07:00`` (known zones only)."""
    m = labels().malformed_iso.match(norm_space(value))
    if m and m["zone"] in labels().zones:
        return f"{m['date']}T{m['time']}{labels().zones[m['zone']]}"
    return value


def meta_datetime(value: str | None) -> datetime | None:
    """A machine-readable date (meta, schema.org), NukeViet's malformed form included."""
    return parse_iso_datetime(fix_malformed_iso(value)) if value else None


def visible_date(anchor: lhtml.HtmlElement, before: bool = True) -> datetime | None:
    """The first date-and-time line inside the container of ``anchor`` (the body or the lead):
    above it when ``before``, else anywhere in the container."""
    rx = labels().visible_date
    for el in container_of(anchor).iter():
        if el is anchor and before:
            break
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        text = norm_space((el.text or "") + " " + " ".join(
            c.tail or "" for c in el if isinstance(c.tag, str)))
        if rx.search(text):
            found = parse_vn_datetime(text)
            if found:
                return found
    return None


# --- the lead's source tag ---------------------------------------------------------------


def split_repeated_tag(lead: str, body: list[str]) -> tuple[str | None, str]:
    """``VNPost - Năm 2023…`` → ``("VNPost", "Năm 2023…")`` when the body opens with the
    text after the dash: a name of any case is a source tag only when the same text follows."""
    lab = labels()
    shape = rf"^\s*(?P<tag>[^\n]{{2,{lab.tag_max_chars}}}?)\s+[{lab.tag_dashes}]\s+(?P<rest>\S.*)$"
    m = re.match(shape, lead, re.S)
    if not m or len(m["tag"].split()) > lab.tag_max_words or any(c in m["tag"] for c in ".,;:!?"):
        return None, lead
    rest_key = norm_key(re.sub(r"(?:\.{3,}|…)\s*$", "", m["rest"]))
    if len(rest_key) < 20:
        return None, lead
    for para in body[:3]:
        key = norm_key(para)
        if key.startswith(rest_key[: max(20, len(rest_key) - 3)]):
            return m["tag"].strip(), m["rest"].strip()
    return None, lead
