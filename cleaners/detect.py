"""Which site family a page belongs to, read from the page itself.

The generator meta and characteristic markup decide; the hostname only breaks ties,
so the NukeViet profiles fire on any provincial host.
"""

from __future__ import annotations

import re
from collections.abc import Container
from functools import cache
from urllib.parse import urlsplit

from lxml import html as lhtml

from micnews.cleaners.pageview import PageNames
from micnews.cleaners.profile import Profile, load_profiles, select

_ONE_CLASS = re.compile(r"\.[A-Za-z_][\w-]*")
_ONE_ID = re.compile(r"#[A-Za-z_][\w-]*")


def generator_of(tree: lhtml.HtmlElement) -> str:
    """Content of ``<meta name="generator">`` ('' when absent)."""
    for meta in tree.iter("meta"):
        if (meta.get("name") or "").lower() == "generator":
            return meta.get("content") or ""
    return ""


def has_match(
    tree: lhtml.HtmlElement, selector: str, names: Container[str] | None = None
) -> bool:
    """Does ``selector`` match in ``tree``? With the page's class names and ids
    (:attr:`PageView.class_and_id_names`), a selector needing one the page lacks is answered
    without walking the tree (most markers of the other families: detection walked the
    whole tree once per marker)."""
    if isinstance(names, PageNames):  # one class or one id: the page's names answer
        kind = _one_name(selector)
        if kind is not None:
            return selector[1:] in (names.ids if kind else names.classes)
    return bool(select(tree, selector, names))


@cache
def _one_name(selector: str) -> bool | None:
    """True for a one-id selector, False for a one-class one, else None."""
    return True if _ONE_ID.fullmatch(selector) else False if _ONE_CLASS.fullmatch(selector) \
        else None


def score_profile(
    tree: lhtml.HtmlElement, host: str, profile: Profile,
    names: Container[str] | None = None, generator: str | None = None,
) -> float:
    """How strongly the page looks like ``profile`` (0 means not at all).

    ``names`` (:attr:`PageView.class_and_id_names`) and ``generator`` only save work.
    """
    det = profile.detect
    if generator is None:
        generator = generator_of(tree)
    gen_match = bool(det.generator and generator and det.generator.search(generator))
    found = sum(1 for sel in det.markers if has_match(tree, sel, names))
    if gen_match and det.generator_decides:
        score = 100.0 + found
    elif found + (1 if gen_match else 0) >= det.min_markers:
        score = float(found + (1 if gen_match else 0))
    else:
        # a listing / home page of the family: weak, below any article-page evidence
        listed = sum(1 for sel in det.listing if has_match(tree, sel, names))
        if not det.listing or listed < det.listing_min:
            return 0.0
        score = listed / 10
    if any(host == h or host.endswith("." + h) for h in det.hosts):
        score += 0.5  # tiebreak only
    return score


def detect_family(
    tree: lhtml.HtmlElement, url: str, names: Container[str] | None = None
) -> Profile | None:
    """The best-matching profile for this page, or None (generic path).

    ``names``, the page's class names and ids (:attr:`PageView.class_and_id_names`), let
    the markers of other families be ruled out without matching them.
    """
    host = (urlsplit(url).hostname or "").lower()
    generator = generator_of(tree)
    best: tuple[float, Profile] | None = None
    for profile in load_profiles():
        score = score_profile(tree, host, profile, names, generator)
        if score > 0 and (best is None or score > best[0]):
            best = (score, profile)
    return best[1] if best else None
