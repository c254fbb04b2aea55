"""Site-family profiles: the TOML files in ``cleaners/profiles`` loaded into frozen dataclasses.

A profile is data, not code: which markers identify a family, which CSS selectors hold
the title, lead, body, date..., what to drop from the body and which text lines are
known boilerplate. :func:`load_profiles` reads them once per process.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Container
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

import cssselect
from lxml import etree
from lxml.cssselect import CSSSelector, LxmlTranslator
from lxml.html import HtmlElement

from micnews.cleaners.boilerplate import Markers
from micnews.cleaners.pageview import PageNames


@dataclass(frozen=True)
class Detect:
    """How to recognise a family from the page itself."""

    generator: re.Pattern[str] | None  # matched against <meta name="generator">
    generator_decides: bool  # True: a generator match alone identifies the family
    markers: tuple[str, ...]  # CSS selectors characteristic of the family
    min_markers: int  # how many markers must exist without a deciding generator
    hosts: tuple[str, ...]  # host hints: tiebreak only, never decisive
    listing: tuple[str, ...] = ()  # markers of the family's listing / home pages
    listing_min: int = 2  # how many listing markers identify such a page


@dataclass(frozen=True)
class Profile:
    """One site family: detection markers, selectors, drops, boilerplate markers."""

    name: str
    description: str
    detect: Detect
    title: tuple[str, ...]
    lead: tuple[str, ...]
    body: tuple[str, ...]
    date: tuple[str, ...]
    date_formats: tuple[str, ...]  # strptime hints for parse_vn_datetime
    author: tuple[str, ...]
    source: tuple[str, ...]
    tags: tuple[str, ...]
    canonical: tuple[str, ...]  # "selector@attr" reads an attribute
    images: tuple[str, ...]  # containers outside the body holding article images
    labelled: tuple[str, ...]  # blocks outside the body with "Tác giả:" / "Nguồn tin:" lines
    drop: tuple[str, ...]  # removed from lead and body before reading text
    boilerplate_lines: tuple[str, ...]  # exact paragraphs (or paragraph prefixes) to remove
    boilerplate_patterns: tuple[re.Pattern[str], ...]  # whole-paragraph regexes
    right_strong_byline: bool  # last right-aligned <p><strong> of the body is the byline
    crawl_deny: tuple[str, ...] = ()  # regexes of links the crawler must not follow (print views…)
    attachments: tuple[str, ...] = ()  # blocks outside the body listing the article's files
    aliases: tuple[str, ...] = ()  # former names, still accepted (a sites.toml ``family``)

    @cached_property
    def markers(self) -> Markers:
        """This family's boilerplate markers (the defaults are added when stripping; one
        object, so the matchers made of it are cached)."""
        return Markers(self.boilerplate_lines, self.boilerplate_patterns)

    @property
    def extractor(self) -> str:
        """Value of ``Record.extractor`` for pages read with this profile."""
        return f"profile:{self.name}"


def _tuple(data: dict, key: str) -> tuple[str, ...]:
    return tuple(data.get(key) or ())


def parse_profile(data: dict) -> Profile:
    """Build a :class:`Profile` from the parsed TOML of one profile file."""
    det = data.get("detect", {})
    sel = data.get("select", {})
    bp = data.get("boilerplate", {})
    gen = det.get("generator") or ""
    return Profile(
        name=data["name"],
        description=data.get("description", ""),
        detect=Detect(
            generator=re.compile(gen) if gen else None,
            generator_decides=bool(det.get("generator_decides", False)),
            markers=_tuple(det, "markers"),
            min_markers=int(det.get("min_markers", 2)),
            hosts=tuple(h.lower() for h in det.get("hosts") or ()),
            listing=_tuple(det, "listing"),
            listing_min=int(det.get("listing_min", 2)),
        ),
        title=_tuple(sel, "title"),
        lead=_tuple(sel, "lead"),
        body=_tuple(sel, "body"),
        date=_tuple(sel, "date"),
        date_formats=_tuple(sel, "date_formats"),
        author=_tuple(sel, "author"),
        source=_tuple(sel, "source"),
        tags=_tuple(sel, "tags"),
        canonical=_tuple(sel, "canonical"),
        images=_tuple(sel, "images"),
        labelled=_tuple(sel, "labelled"),
        drop=_tuple(sel, "drop"),
        boilerplate_lines=_tuple(bp, "lines"),
        boilerplate_patterns=tuple(re.compile(p) for p in bp.get("patterns") or ()),
        right_strong_byline=bool(data.get("byline", {}).get("right_strong", True)),
        crawl_deny=_tuple(data.get("crawl", {}), "deny"),
        attachments=_tuple(sel, "attachments"),
        aliases=_tuple(data, "aliases"),
    )


def css(selector: str) -> CSSSelector:
    """Compiled CSS selector (compiled once per process: selectors are reused per page)."""
    return selector_plan(selector).walk


@dataclass(frozen=True, slots=True)
class SelectorPlan:
    """What :func:`select` knows of a selector before it meets a page (one per selector)."""

    names: tuple[str, ...]  # class names and ids a page must hold somewhere
    values: tuple[tuple[str, str], ...]  # (attribute, value) pairs: its [attr=value] parts
    leading: tuple[str, bool] | None  # (name, is_id) its first compound needs
    walk: CSSSelector  # the selector, matched from any element down
    in_holder: etree.XPath | None  # the same, from an element matching its first compound


@cache
def selector_plan(selector: str) -> SelectorPlan:
    """The :class:`SelectorPlan` of ``selector``. Names, values and leading name are
    known only for a single selector (no ``,`` group); negations and pseudo-class
    arguments add nothing."""
    walk = CSSSelector(selector)
    try:
        parsed = cssselect.parse(selector)
    except cssselect.SelectorError:
        parsed = []
    if len(parsed) != 1:
        return SelectorPlan((), (), None, walk, None)
    names: list[str] = []
    values: list[tuple[str, str]] = []
    stack = [parsed[0].parsed_tree]
    while stack:
        node = stack.pop()
        if isinstance(node, cssselect.parser.Class):
            names.append(node.class_name)
        elif isinstance(node, cssselect.parser.Hash):
            names.append(node.id)
        elif (isinstance(node, cssselect.parser.Attrib) and node.operator == "="
              and node.namespace is None):
            values.append((node.attrib, node.value.value))
        if isinstance(node, cssselect.parser.CombinedSelector):
            stack += [node.selector, node.subselector]
        elif hasattr(node, "selector"):  # Class, Hash, Attrib, Pseudo, Function, Negation...
            stack.append(node.selector)
    leading = None if parsed[0].pseudo_element else _leading_name(parsed[0].parsed_tree)
    in_holder = etree.XPath(LxmlTranslator().css_to_xpath(selector, prefix="self::")) \
        if leading else None
    return SelectorPlan(tuple(names), tuple(values), leading, walk, in_holder)


def _leading_name(node: object) -> tuple[str, bool] | None:
    """An id (else a class name) the first compound requires (``#news_content`` of
    ``#news_content .title_news h1``), with whether it is an id."""
    while isinstance(node, cssselect.parser.CombinedSelector):
        node = node.selector
    classes: list[str] = []
    while node is not None and not isinstance(node, cssselect.parser.Element):
        if isinstance(node, cssselect.parser.Hash):
            return node.id, True
        if isinstance(node, cssselect.parser.Class):
            classes.append(node.class_name)
        node = getattr(node, "selector", None)
    return (classes[-1], False) if classes else None


def required_names(selector: str) -> tuple[str, ...]:
    """Class names and ids a page must contain somewhere for ``selector`` to match."""
    return selector_plan(selector).names


def required_values(selector: str) -> tuple[tuple[str, str], ...]:
    """``(attribute, value)`` pairs some element of a page must hold for ``selector`` to
    match: its ``[attr=value]`` parts (``[itemprop=datePublished]``)."""
    return selector_plan(selector).values


def select(root: HtmlElement, selector: str, names: Container[str] | None = None) -> list:
    """``css(selector)(root)``; with the page's class names and ids
    (:attr:`~micnews.cleaners.pageview.PageView.class_and_id_names`), a selector needing one
    the page lacks matches nothing without a walk of the tree (a profile's fallback
    selectors and the other families' markers mostly do), and so does one needing an
    attribute value the page lacks (``[itemprop=dateModified]``: one walk a page for
    all the selectors asking for an ``itemprop``)."""
    plan = selector_plan(selector)
    if names is None:
        return plan.walk(root)
    for name in plan.names:
        if name not in names:
            return []
    if isinstance(names, PageNames):
        if plan.values and not names.may_hold(root, plan.values):
            return []
        if plan.in_holder is not None and root is names.tree:
            found = _select_from_holders(plan, names)
            if found is not None:
                return found
    return plan.walk(root)


def _select_from_holders(plan: SelectorPlan, names: PageNames) -> list | None:
    """The selector's matches in the whole page, found under the elements holding the
    class or id its first part needs (:meth:`PageNames.holders`) instead of testing the
    class of every element of the page (libxml2 spends ~0.4 us an element on a class test:
    a walk of a large page costs 0.5 ms, a page is read with ~9 such walks). None when its
    matches could come out of document order (found under two holders, one inside the
    other), or the page has no index yet: then the whole page is walked."""
    holders = names.holders(*plan.leading)
    if holders is None:
        return None
    found: list = []
    producers: list = []
    for holder in holders:
        if holder.getroottree().getroot() is not names.tree:
            continue  # removed from the page since the index was built
        matches = plan.in_holder(holder)
        if not matches:
            continue
        if producers and any(a in producers for a in holder.iterancestors()):
            return None
        producers.append(holder)
        found.extend(matches)
    return found


@cache
def load_profiles() -> tuple[Profile, ...]:
    """All profiles shipped in ``cleaners/profiles/*.toml``, sorted by name (cached)."""
    out = []
    for entry in resources.files("micnews.cleaners").joinpath("profiles").iterdir():
        if entry.name.endswith(".toml"):
            out.append(parse_profile(tomllib.loads(entry.read_text(encoding="utf-8"))))
    return tuple(sorted(out, key=lambda p: p.name))


def crawl_deny_patterns() -> tuple[str, ...]:
    """Every family's links not to follow (print, e-mail and save views of an article): the
    crawler applies them on every site, since the family of a page is known only after it
    is fetched."""
    return tuple(sorted({p for profile in load_profiles() for p in profile.crawl_deny}))


class UnknownFamily(KeyError):
    """A family name that is no profile's name nor a former one."""

    def __str__(self) -> str:
        known = ", ".join(p.name for p in load_profiles())
        return f"unknown family {self.args[0]!r} (known: auto, {known})"


def get_profile(name: str) -> Profile:
    """The profile called ``name``, or formerly called so (its ``aliases``); else
    :class:`UnknownFamily` (a KeyError whose message lists the known names)."""
    for p in load_profiles():
        if p.name == name:
            return p
    for p in load_profiles():
        if name in p.aliases:
            return p
    raise UnknownFamily(name)
