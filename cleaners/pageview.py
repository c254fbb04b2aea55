"""One parsed view of a page: decoded once, parsed once, read by every cleaning step.

Every step of the cleaner (family detection, the profile path, the generic path with
trafilatura and htmldate, template learning, the article-or-not evidence) reads the same
:class:`PageView`: the decoded text, one lxml tree, and what the head says about the page
(meta tags, JSON-LD objects, language, canonical and base URL, ``<title>``), each
computed once (Fundus precomputes the same per page).

Bounded work: before the expensive steps (decoding, parsing) the bytes are checked against
:class:`Limits` with C-speed counts (size, tags, links); after parsing, the tree's node
count. A page over a limit is refused with a reason, never parsed whole; nesting depth is
bounded by the parser itself (libxml2 stops at 256 levels).

Comments are not part of the tree: saving tools (HTTrack, wget, "saved from url") leave
their own dates in comments, and no step reads comments.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lhtml

from micnews.cleaners.decode import Decoded, decode_html, utf16_of, without_controls
from micnews.cleaners.record import Page
from micnews.cleaners.textnorm import norm_space


@dataclass(frozen=True)
class Limits:
    """What one page may cost before it is refused (checked before decoding/parsing).

    A large news article is about 0.5-2 MB with 5-20 thousand tags and under 3 000 links;
    the limits leave an order of magnitude of room (a 20 MB page of real paragraphs, the
    crawl's download limit, still passes) and stop pages built to exhaust a parser (a
    million empty tags, 100 000 links).
    """

    max_bytes: int = 20 * 1024 * 1024  # = the crawl's DOWNLOAD_MAXSIZE
    max_tags: int = 500_000
    max_links: int = 20_000
    # Depth needs no check of ours: libxml2 (without XML_PARSE_HUGE, as lxml's HTMLParser
    # runs) stops nesting at 256 levels while it parses.
    # past this many tags, a page must average this many bytes per tag: real pages hold
    # 40-80 (text, attributes, scripts), a page of empty tags 3-4.
    dense_tags: int = 50_000
    min_bytes_per_tag: int = 12
    # trafilatura's work grows faster than the page: past this size the generic path is not
    # tried (a known family's profile still reads the page; it costs one pass).
    generic_max_chars: int = 4_000_000


DEFAULT_LIMITS = Limits()

_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\xd0\xcf\x11\xe0")
_HTML_HINT = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|title|meta|div|p|table|span|a|br|h[1-6]|script|"
    rb"link|style|font|center|form|ul|li|img|frameset|article|section|main)[\s>/]",
    re.IGNORECASE,
)
_LEADING_BLANKS = re.compile(b"[\xef\xbb\xbf\xff\xfe \t\r\n]*")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")
# plain strings: a "smart" one holds a proxy of its element (an object per attribute)
_CLASS_VALUES = etree.XPath("//@class", smart_strings=False)
_ID_VALUES = etree.XPath("//@id", smart_strings=False)
_ITEMTYPE_VALUES = etree.XPath("//@itemtype", smart_strings=False)  # (no element proxies)
_ATTRIBUTE_NAME = re.compile(r"[A-Za-z_][\w.-]*")  # (one an XPath can name as it is)
_XML_SPACE = re.compile("[ \t\r\n]+")  # (an ASCII value: str.split() splits the same, as
# decode_html dropped the other control characters)
_PARSER = lhtml.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
# the same for UTF-8 bytes (the declared charset of the page is not the bytes' any more)
_UTF8_PARSER = lhtml.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False,
                                encoding="utf-8")
# (below this many characters, encoding a str costs what parsing bytes saves)
_BYTES_PARSE_CHARS = 4096
# lxml.html's own class lookup is a Python method called for every element proxy lxml makes
# (trafilatura's pruning walks every matched node's ancestors: ~4 000 calls a page); its
# special classes (forms, inputs, labels) are never used here, so the C default lookup with
# the same HtmlElement classes gives the same API at C speed (bench: ~10 % of the generic path).
for _parser in (_PARSER, _UTF8_PARSER):
    _parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=lhtml.HtmlElement, comment=lhtml.HtmlComment,
        pi=lhtml.HtmlProcessingInstruction, entity=lhtml.HtmlEntity))
_ARTICLE_TYPES = frozenset(
    "article newsarticle reportagenewsarticle analysisnewsarticle blogposting "
    "opinionnewsarticle reviewnewsarticle backgroundnewsarticle scholarlyarticle "
    "techarticle liveblogposting socialmediaposting".split()
)


def html_problem(body: bytes, content_type: str | None) -> str | None:
    """Why these bytes are not an HTML page (None when they are).

    Sniffing never refuses an HTML document: any charset (UTF-16 without a BOM too), any
    line ending, with or without a doctype; a tag anywhere in the first 64 KB will do.
    """
    if not body or body.isspace():  # (strip() would copy the page)
        return "empty body"
    head = body[_LEADING_BLANKS.match(body, 0, 65536).end():65536]  # (no copy of the page)
    if head.startswith(_BINARY_MAGIC):
        return "binary body"
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype and "html" not in ctype and "xml" not in ctype and ctype != "text/plain":
        return f"not html: {ctype}"
    if not ctype or ctype == "text/plain":
        if b"\x00" in head[:4096]:  # UTF-16 (the markup's ASCII read out of it) or binary
            codec = utf16_of(body)
            head = body[:131072].decode(codec, "ignore").encode("ascii", "ignore") if codec \
                else b""
        if not _HTML_HINT.search(head):
            return "not html"
    return None


def limits_problem(body: bytes, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """Why these bytes are too costly to parse (None when they are not): size, tag and
    link counts, each a C-speed scan of the bytes."""
    if len(body) > limits.max_bytes:
        return f"too large: {len(body)} bytes > {limits.max_bytes}"
    tags = body.count(b"<")
    if tags > limits.max_tags:
        return f"too many tags: {tags} > {limits.max_tags}"
    if tags > limits.dense_tags and len(body) < limits.min_bytes_per_tag * tags:
        return f"too many tags: {tags} tags in {len(body)} bytes (markup without content)"
    if tags <= limits.max_links:  # a link is a tag: no need to count them
        return None
    needles = (b"<a ", b"<A ", b"<a\n")
    utf16 = utf16_of(body) if b"\x00" in body[:4096] else None
    if utf16:  # the same markup, two bytes a character
        needles = tuple(n.decode("ascii").encode(utf16) for n in needles)
    links = sum(body.count(n) for n in needles)
    if links > limits.max_links:
        return f"too many links: {links} > {limits.max_links}"
    return None


def parse_html(text: str) -> lhtml.HtmlElement | None:
    """Parse decoded HTML once, without comments (None when lxml finds no document)."""
    # lxml refuses control characters in text it is later asked to set
    return _parse(without_controls(text))


def _parse(text: str, utf8: bytes | None = None) -> lhtml.HtmlElement | None:
    """:func:`parse_html` of text without control characters (:func:`decode_html`'s);
    ``utf8``: the same text in UTF-8, when at hand."""
    if utf8 is None and len(text) >= _BYTES_PARSE_CHARS:
        try:
            utf8 = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: lxml reads the str
            pass
    try:
        if utf8 is not None:  # libxml2 reads UTF-8 natively: 10-20 % faster than a str
            tree = lhtml.document_fromstring(utf8, parser=_UTF8_PARSER)
        else:  # lxml refuses str input with an XML declaration
            tree = lhtml.document_fromstring(_XML_DECL.sub("", text, count=1), parser=_PARSER)
    except (etree.ParserError, ValueError, TypeError):
        return None
    # style sheets leave the tree: every step skips them, and on a modern page they are a
    # quarter of the text every tree copy and text_content() carries (scripts stay: htmldate
    # reads dates out of them)
    etree.strip_elements(tree, "style", with_tail=False)
    return tree


_WITH_CLASS_OR_ID = etree.XPath("descendant-or-self::*[@class or @id]")


@cache
def _values_of(attribute: str) -> etree.XPath:
    return etree.XPath(f"//@{attribute}", smart_strings=False)


class PageNames(frozenset):
    """The page's class names and ids as one set (what a selector may need), with the class
    names (``classes``) and the exact id values (``ids``) apart: a one-class or one-id
    selector matches exactly when its name is among them."""

    classes: frozenset[str]
    ids: frozenset[str]

    def __new__(cls, classes: set[str], ids: set[str],
                tree: lhtml.HtmlElement | None = None) -> PageNames:
        names = super().__new__(cls, classes | {n for value in ids for n in value.split()})
        names.classes, names.ids = frozenset(classes), frozenset(ids)
        names._tree, names._values, names._asked = tree, {}, 0
        return names

    def may_hold(self, root: lhtml.HtmlElement, pairs: tuple[tuple[str, str], ...]) -> bool:
        """Can an element under ``root`` hold every ``(attribute, value)`` pair? No when
        the page's tree has no such value anywhere: each attribute's values are read in
        one walk when first asked (a page tried for ``[itemprop=datePublished]``,
        ``[itemprop=dateModified]``... is walked once, not once per selector). Yes when
        ``root`` is not in the page's tree (a copy: its values were not read)."""
        if self._tree is None or root.getroottree().getroot() is not self._tree:
            return True
        for attribute, value in pairs:
            values = self._values.get(attribute)
            if values is None:
                if not _ATTRIBUTE_NAME.fullmatch(attribute):
                    continue
                values = self._values[attribute] = frozenset(_values_of(attribute)(self._tree))
            if value not in values:
                return False
        return True

    def holders(self, name: str, is_id: bool) -> list[lhtml.HtmlElement] | None:
        """The elements whose class names hold ``name`` (or whose id is ``name``), in
        document order, as the page's tree was when first asked (one walk builds the index
        of every class name and id; an element removed since is still listed). None the
        first time: the index costs more than one walk of the page (a listing page is
        asked once, by a family marker; an article page a dozen times)."""
        if "_index" not in self.__dict__:
            self._asked += 1
            if self._asked < 2:
                return None
        by_class, by_id = self._index
        return (by_id if is_id else by_class).get(name, [])

    @cached_property
    def _index(self) -> tuple[dict[str, list], dict[str, list]]:
        by_class: dict[str, list] = {}
        by_id: dict[str, list] = {}
        for el in _WITH_CLASS_OR_ID(self._tree):
            value = el.get("class")
            if value:  # split as CSS does, each name once
                for name in set(value.split() if value.isascii() else _XML_SPACE.split(value)):
                    by_class.setdefault(name, []).append(el)
            value = el.get("id")
            if value is not None:
                by_id.setdefault(value, []).append(el)
        by_class.pop("", None)
        return by_class, by_id

    @property
    def tree(self) -> lhtml.HtmlElement | None:
        """The page's tree these names were read from."""
        return self._tree

    @cached_property
    def joined(self) -> str:
        """Every name on a line of its own: ``word in names.joined`` asks whether any name
        contains ``word`` in one C-speed search (no name holds a line break)."""
        return "\n".join(self)


@dataclass
class PageView:
    """A decoded, parsed page and what its head says, each read once."""

    url: str
    decoded: Decoded
    tree: lhtml.HtmlElement
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def html(self) -> str:
        return self.decoded.html

    @cached_property
    def class_and_id_names(self) -> PageNames:
        """Every class name and id of the page (one C-speed pass over the tree): a CSS
        selector or a rule needing a name not among them cannot match."""
        values = " ".join(_CLASS_VALUES(self.tree))
        # split as CSS does: on XML white space only (str.split() also splits on other
        # Unicode spaces, none of which an ASCII text holds)
        classes = set(values.split() if values.isascii() else
                      (n for n in _XML_SPACE.split(values) if n))
        return PageNames(classes, set(_ID_VALUES(self.tree)), self.tree)

    def reparsed(self) -> PageView:
        """The same page with a fresh tree (after a step that edits its tree)."""
        tree = parse_html(self.html)
        return PageView(self.url, self.decoded, self.tree if tree is None else tree, self.headers)

    @cached_property
    def meta(self) -> dict[str, str]:
        """``<meta>`` contents by lower-cased property/name/itemprop (first non-empty wins)."""
        out: dict[str, str] = {}
        for el in self.tree.iter("meta"):
            key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
            value = norm_space(el.get("content") or "")
            if key and value and key not in out:
                out[key] = value
        return out

    @cached_property
    def json_ld(self) -> list[dict]:
        """Every JSON-LD object of the page, ``@graph`` members and nested objects flattened."""
        found: list[dict] = []
        for script in self.tree.iter("script"):
            if (script.get("type") or "").lower() != "application/ld+json":
                continue
            try:
                data = json.loads(script.text or "")
            except ValueError:
                continue
            stack = [data]
            while stack and len(found) < 500:
                item = stack.pop(0)
                if isinstance(item, list):
                    stack.extend(item)
                elif isinstance(item, dict):
                    found.append(item)
                    stack.extend(v for v in item.values() if isinstance(v, dict | list))
        return found

    @cached_property
    def json_ld_types(self) -> frozenset[str]:
        """Lower-cased ``@type`` values of the JSON-LD objects."""
        types: set[str] = set()
        for item in self.json_ld:
            value = item.get("@type")
            for t in value if isinstance(value, list) else [value]:
                if isinstance(t, str):
                    types.add(t.lower())
        return frozenset(types)

    @cached_property
    def article_markup(self) -> bool:
        """The page declares itself an article in structured data: a JSON-LD Article
        type, an ``itemtype`` schema.org Article, or ``article:published_time``.
        (``og:type=article`` is not enough: many portals put it on every page.)"""
        if self.json_ld_types & _ARTICLE_TYPES or "article:published_time" in self.meta:
            return True
        return any("article" in value.lower() for value in _ITEMTYPE_VALUES(self.tree))

    @cached_property
    def article_hint(self) -> bool:
        """The page hints it is an article, more weakly than :attr:`article_markup`:
        ``og:type=article``, an ``<article>`` element, a schema.org ``*Article`` itemtype,
        or "Article" in a JSON-LD script (enough to keep a home URL, or a family page its
        profile missed, on the article path)."""
        if self.article_markup or self.meta.get("og:type", "").lower() == "article":
            return True
        if self.tree.find(".//article") is not None:  # (itemtypes: article_markup's)
            return True
        return any("Article" in (script.text or "") for script in self.tree.iter("script")
                   if (script.get("type") or "").lower() == "application/ld+json")

    @cached_property
    def title_tag(self) -> str | None:
        el = self.tree.find(".//title")
        return norm_space(el.text_content()) or None if el is not None else None

    @cached_property
    def base_url(self) -> str:
        """The base for relative links (``<base href>`` when present)."""
        for base in self.tree.iter("base"):
            if base.get("href"):
                return urljoin(self.url, base.get("href").strip())
        return self.url

    @cached_property
    def canonical(self) -> str | None:
        for link in self.tree.iter("link"):
            if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
                return urljoin(self.url, link.get("href").strip())
        og = self.meta.get("og:url")
        return urljoin(self.url, og) if og else None

    @cached_property
    def language(self) -> str | None:
        """Two-letter language from ``<html lang>``, else ``og:locale``/``content-language``."""
        lang = self.tree.get("lang") or self.tree.get("xml:lang")
        if not lang:
            lang = next((self.meta[k] for k in ("og:locale", "language", "content-language")
                         if k in self.meta), None)
        lang = (lang or "").strip().replace("_", "-").split("-")[0].lower()
        return lang or None


def build_view(page: Page, limits: Limits = DEFAULT_LIMITS) -> PageView | str:
    """The page's view, or the reason it cannot have one (not HTML, over a limit, unparsable)."""
    if page.status >= 400:
        return f"http status {page.status}"
    content_type = page.header("content-type")
    problem = html_problem(page.body, content_type) or limits_problem(page.body, limits)
    if problem:
        return problem
    decoded = decode_html(page.body, content_type)
    tree = _parse(decoded.html, decoded.utf8)
    if tree is None:
        return "unparsable html"
    return PageView(page.url, decoded, tree, dict(page.headers))


def view_of_html(html: str, url: str) -> PageView | None:
    """A view of already decoded HTML (tests, callers holding text); None if unparsable."""
    tree = parse_html(html)
    if tree is None:
        return None
    return PageView(url, Decoded(html, "utf-8", "given"), tree)
