"""Issue 12: one parsed page view, HTML sniffing that never refuses HTML, and bounded work on
pathological pages (the pages finish without exception here; their CPU time and memory are
measured by bench/pathological.py, never in a test)."""

from __future__ import annotations

import codecs
import re

import pytest

from micnews.cleaners.clean import clean
from micnews.cleaners.pageview import (
    Limits,
    PageView,
    build_view,
    html_problem,
    limits_problem,
    view_of_html,
)
from micnews.cleaners.record import NotArticle, Page
from tests.helpers import shared

URL = "https://example.vn/a.html"


def test_a_million_empty_tags_is_refused_before_parsing() -> None:
    body = b"<html><body>" + b"<b></b>" * 1_000_000 + b"</body></html>"
    result = clean(Page(URL, body, {}))
    assert isinstance(result, NotArticle) and result.reason.startswith("too many tags")


def test_a_hundred_thousand_links_is_refused_before_parsing() -> None:
    body = b"<html><body>" + b"".join(
        b'<a href="/p%d">link %d</a> ' % (i, i) for i in range(100_000)) + b"</body></html>"
    result = clean(Page(URL, body, {}))
    assert isinstance(result, NotArticle) and result.reason.startswith("too many links")


@pytest.mark.parametrize("prefix", [b"", codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_the_limits_hold_in_utf16(prefix: bytes) -> None:
    # UTF-16 pages are decoded (with or without a BOM): their links are counted too (the
    # 100 000-link page in UTF-16 took 62 CPU-s in trafilatura before)
    codec = "utf-16-be" if prefix == codecs.BOM_UTF16_BE else "utf-16-le"
    links = "<html><body>" + "".join(f'<a href="/p{i}">link {i}</a> ' for i in range(30_000))
    assert (limits_problem(prefix + links.encode(codec)) or "").startswith("too many links")
    tags = "<html><body>" + "<b></b>" * 300_000
    assert (limits_problem(prefix + tags.encode(codec)) or "").startswith("too many tags")


def test_empty_markup_under_the_tag_limit_is_refused_by_density() -> None:
    body = b"<html><body><p>" + b"word " * 300 + b"</p>" + b"<i></i>" * 100_000 + b"</body>"
    assert "markup without content" in (limits_problem(body) or "")


def test_limits_are_settings_not_constants() -> None:
    body = b"<html><body>" + b"<p>a</p>" * 50 + b"</body></html>"
    assert limits_problem(body) is None
    assert "too many tags" in (limits_problem(body, Limits(max_tags=20)) or "")
    assert "too large" in (limits_problem(body, Limits(max_bytes=10)) or "")


def test_nesting_depth_is_bounded_by_the_parser() -> None:
    view = build_view(Page(URL, b"<html><body>" + b"<div>" * 5_000 + b"x", {}))
    assert isinstance(view, PageView)
    deepest = max(len(list(el.iterancestors())) for el in view.tree.iter())
    assert deepest <= 256


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
@pytest.mark.parametrize("doctype", [b"<!DOCTYPE html>", b""])
def test_sniffing_never_refuses_html(newline: bytes, doctype: bytes) -> None:
    page = (doctype + newline + b"<!-- " + b"x" * 5000 + b" -->" + newline
            + b"<table><tr><td>Tin t\xe1\xbb\xa9c</td></tr></table>").replace(b"\n", newline)
    assert html_problem(page, None) is None
    for codec in ("utf-16-le", "utf-16-be"):  # UTF-16 without a BOM
        assert html_problem(page.decode("utf-8").encode(codec), None) is None
    assert html_problem(codecs.BOM_UTF8 + page, "text/plain") is None


def test_sniffing_still_refuses_what_is_not_html() -> None:
    assert html_problem(b"%PDF-1.4 ...", None) == "binary body"
    assert html_problem(b"just some words, no markup at all", None) == "not html"
    assert html_problem(b"", None) == "empty body"


def test_the_view_reads_the_head_once_and_drops_saving_tool_comments() -> None:
    path = shared("realpages", "sotttt_hanoi_gov_vn", "lien-he.html")
    if not path.exists():
        pytest.skip("../shared/realpages absent")
    view = build_view(Page("https://sotttt.hanoi.gov.vn/lien-he", path.read_bytes(), {}))
    assert isinstance(view, PageView)
    assert view.language == "vi"
    assert view.title_tag == "Liên hệ - Sở Thông Tin Và Truyền Thông"
    assert view.canonical == "https://sotttt.hanoi.gov.vn/lien-he.html"
    # the HTTrack comment "Mirrored from ... Sat, 27 Aug 2022" is not in the tree
    from lxml import etree

    assert not any(isinstance(n, etree._Comment) for n in view.tree.iter())
    assert "HTTrack" not in "".join(view.tree.itertext())


def _real_views():
    """``(page, view)`` of every real page that has a view."""
    from tests.helpers import real_pages

    for page in real_pages():
        view = build_view(Page(page.page_url, page.path.read_bytes(), {}))
        if not isinstance(view, str):
            yield page, view


def test_page_names_answer_one_class_and_one_id_selectors_as_css_does():
    """Detection answers a one-class or one-id marker from the page's names instead of
    walking the tree: on every real page, for every marker and listing marker of every
    profile (and the page's own names), the answer is the CSS engine's."""
    from micnews.cleaners.detect import has_match
    from micnews.cleaners.profile import css, load_profiles

    selectors = {sel for p in load_profiles() for sel in (*p.detect.markers, *p.detect.listing)}
    checked = 0
    for page, view in _real_views():
        names = view.class_and_id_names
        # the page's own names, each as a class and as an id (a class is not an id)
        own = {f"{mark}{n}" for n in sorted(names.classes | names.ids)[:40] for mark in ".#"}
        own = {sel for sel in own if re.fullmatch(r"[.#][A-Za-z_][\w-]*", sel)}
        for sel in selectors | own:
            expected = bool(css(sel)(view.tree))
            assert has_match(view.tree, sel, names) == expected, (page.local_file, sel)
            checked += 1
    assert checked > 500


def test_select_with_page_names_answers_as_css_does():
    """``select`` skips a selector whose class, id or ``[attr=value]`` the page lacks: on
    every real page, every selector of every profile and the date selectors of
    ``find_dates`` give the CSS engine's elements (on the whole tree; an attribute one on a
    subtree too).
    A copy of a subtree (not in the page's tree) is never answered from the page's names.
    Whole-page selects found under the holders of their first class or id
    (:meth:`PageNames.holders`) come out as the CSS engine's, in document order, with
    holders nested in holders too (the page's own class names in descendant selectors)."""
    from lxml import html as lhtml

    from micnews.cleaners.profile import (
        css,
        load_profiles,
        required_names,
        required_values,
        select,
    )

    fields = ("title", "lead", "body", "date", "author", "source", "tags", "images",
              "labelled", "drop", "attachments")
    selectors = {sel.partition("@")[0] for p in load_profiles() for f in fields
                 for sel in getattr(p, f)}
    selectors |= {"[itemprop=datePublished]", "[itemprop=dateModified]",
                  "meta[property='article:published_time']", "[data-role=publishdate]"}
    # (the others are never skipped)
    selectors = {sel for sel in selectors if required_names(sel) or required_values(sel)}
    assert sum(bool(required_values(sel)) for sel in selectors) >= 5
    skipped = 0
    for page, view in _real_views():
        names = view.class_and_id_names
        body = view.tree.find(".//body")
        # the page's own names in descendant and child selectors: holders inside holders
        own = [n for n in sorted(names.classes) if re.fullmatch(r"[A-Za-z_][\w-]*", n)][:12]
        own_selectors = {f".{n}{tail}" for n in own for tail in ("", " a", " > div", " div p")}
        for sel in sorted(selectors | own_selectors):
            for root in (view.tree, body) if required_values(sel) else (view.tree,):
                got = select(root, sel, names)
                assert got == css(sel)(root), (page.local_file, sel)
                skipped += not got
        copy = lhtml.fromstring('<div><span itemprop="datePublished">1/2/2025</span></div>')
        assert len(select(copy, "[itemprop=datePublished]", names)) == 1
    assert skipped > 1000
    nested = view_of_html('<html><body><div class="box"><a>1</a><div class="box"><a>2</a>'
                          '</div><a>3</a></div><p class="box"><a>4</a></p></body></html>', "u")
    for sel in (".box a", ".box > a", "div.box a", ".box"):
        expected = css(sel)(nested.tree)
        assert select(nested.tree, sel, nested.class_and_id_names) == expected, sel


def test_page_read_as_utf8_bytes_parses_as_its_text_does():
    """A page whose own bytes are its decoded text in UTF-8 hands them to the parser
    (``Decoded.utf8``): they are exactly the text's UTF-8, and the tree is the one the text
    gives, on every real page; a page with a repair (here control characters) or in a
    legacy charset gives no bytes. An XML declaration naming another charset does not
    change how the bytes are read."""
    from lxml import etree

    from micnews.cleaners.decode import decode_html
    from micnews.cleaners.pageview import _parse
    from tests.helpers import real_pages

    given = 0
    for page in real_pages():
        decoded = decode_html(page.path.read_bytes())
        if decoded.utf8 is None:
            continue
        given += 1
        assert decoded.utf8 == decoded.html.encode("utf-8"), page.local_file
        from_bytes, from_text = _parse(decoded.html, decoded.utf8), _parse(decoded.html)
        assert etree.tostring(from_bytes) == etree.tostring(from_text), page.local_file
    assert given >= 10
    text = "<p>Việt Nam</p>" + "<p>x</p>" * 1000
    assert decode_html(("\x01" + text).encode()).utf8 is None
    latin = "<p>Café crème</p>" + "<p>x</p>" * 1000
    assert decode_html(latin.encode("cp1252"), "text/html; charset=windows-1252").utf8 is None
    declared = '<?xml version="1.0" encoding="iso-8859-1"?><html><body>' + text
    tree = _parse(declared, declared.encode("utf-8"))
    assert tree.find(".//p").text == "Việt Nam"
