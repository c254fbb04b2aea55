"""The metadata the generic path reads itself equals what trafilatura's readers give.

pagemeta re-implements parts of trafilatura for speed; trafilatura (the installed version)
is the oracle, on the real pages of tests/fixtures/realpages (and ../shared/realpages when
present), each also with meta tags in every spelling its branches tell apart planted in
its head.
"""

from __future__ import annotations

import codecs
import random

from trafilatura.metadata import (
    JSON_MINIFY,
    examine_meta,
    extract_author,
    extract_catstags,
    extract_title,
)

from micnews.cleaners.pagemeta import (
    author_in_markup,
    meta_tags,
    minify_json,
    page_title,
    tag_links,
)
from micnews.cleaners.pageview import parse_html, view_of_html
from tests.helpers import real_pages

# one per examine_meta branch, with the spellings it treats apart (case, blank content,
# markup in the content, a property beside a name, og: tags it reads and skips)
PLANTED_METAS = """
<meta property="og:title" content="First OG title">
<meta property="og:title" content="Last OG title"><meta property="og:title" content="  ">
<meta property="OG:Title" content="Upper">
<meta property="og:author" content="https://example.com/me"><meta property="og:type" content="x">
<meta property="og:article:author" content="Nguyễn Văn An"><meta property="og:url" content="/x">
<meta property="article:tag" content="Kinh tế, &quot;Xã hội&quot;, ">
<meta property="Article:Author" content="Trần Thị Bình">
<meta property="article:publisher" content="P">
<meta property="twitter:title" name="title" content="property wins">
<meta name="Author" content="<b>Lê Văn Cường</b>; bob@example.com"><meta name="author" content="">
<meta name="dc.creator" content="by Phạm Dũng and Hồ Em"><meta name="keywords" content=" a, b ,c ">
<meta name="twitter:app:name:keywords" content="skipped"><meta name="parsely-tags" content="x">
<meta name="TITLE" content="Name title"><meta name="twitter:url" content="https://example.com/a">
<meta name="description" content="d"><meta itemprop="headline" content="Itemprop headline">
<meta itemprop="Author" content="Đỗ Giang"><meta itemprop="description" content="d2">
<meta name="tags"><meta charset="utf-8" content="x"><meta content="no name at all">
"""

SECOND_HEAD = ('<meta property="og:title" content="Second OG"><meta name="author" content="Vũ Hải">'
               '<meta property="og:author" content="Ngô Kiên"><meta name="keywords" content="k2">')


def _real_pages() -> list[str]:
    return [page.path.read_bytes().removeprefix(codecs.BOM_UTF8).decode("utf-8", "replace")
            for page in real_pages()]


def _heads() -> list[str]:
    pages = []
    for html in _real_pages():
        pages.append(html)
        at = html.lower().find("</head>")
        if at > 0:
            pages.append(html[:at] + PLANTED_METAS + html[at:])
    pages += [  # no head; two heads (the parser keeps a second one under the root)
        "<p>x</p>" + PLANTED_METAS,
        f"<html><head>{PLANTED_METAS}</head><head>{SECOND_HEAD}</head><body></body></html>",
        f"<html><head>{SECOND_HEAD}</head><head>{PLANTED_METAS}</head></html>",
    ]
    return pages


def test_meta_tags_read_what_examine_meta_reads():
    planted = 0
    for html in _heads():
        tree = parse_html(html)
        expected = examine_meta(tree)
        got = meta_tags(tree)
        assert (got.title, got.author, got.tags) == (expected.title, expected.author,
                                                      expected.tags), html[:200]
        planted += "Trần Thị Bình" in (expected.author or "")
    assert planted >= 3


def test_minify_json_leaves_what_trafilatura_leaves():
    """On the real pages' JSON-LD and on strings built to trip a string pattern (escaped
    quotes, a backslash before a line break or at the end, quotes opening no string,
    Unicode white space)."""
    scripts = [el.text for html in _heads() for el in parse_html(html).iter("script")
               if el.text and "json" in (el.get("type") or "")]
    assert len(scripts) >= 3
    rng = random.Random(12)
    pieces = ['"', "\\", " ", "\n", "\t", "\u00a0", "\u2028", "a", "é", "{", ":", '\\"', "\\\n"]
    scripts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
                for _ in range(20_000)]
    for text in scripts:
        assert minify_json(text) == JSON_MINIFY.sub(r"\1", text), repr(text)


# tag boxes of each kind trafilatura looks for, and near misses, each planted alone
TAG_BOXES = [
    '<div class="tags"><a href="/tag/kinh-te/">Kinh tế</a> <a href="/tags/xa-hoi">Xã hội</a></div>',
    '<div class=" tags"><a href="/tag/a/">near miss: a space</a></div>'
    '<p class="entry-tags-list"><a href="/tagy/b/">B</a><a href="/tag">no slash</a></p>',
    '<div class="row"><div class="row"><a href="/tag/c/">C</a><a href="/category/d/">D</a>'
    '</div></div><div class="metadata"><a href="/tag/m/">M</a></div><div class="postmeta">'
    '<a href="/tags/p/">P</a></div><span class="tags"><a href="/tag/e/">E</a></span>',
    '<section class="related-topics"><a href="/tagies/f/">F</a><a href="/tag/f/">F</a></section>',
    '<div class="entry-meta"><ul><li><a href="/tags/g/"> G  h </a></li></ul></div>',
]


def _planted_views(snippets: list[str]):  # noqa: ANN202 - views
    """Each real page's view, alone and with each snippet planted before ``</body>``."""
    for html in _real_pages():
        for page in [html] + [html.replace("</body>", s + "</body>") for s in snippets]:
            yield view_of_html(page, "https://example.vn/a")


def test_tag_links_read_what_extract_catstags_reads():
    found = 0
    for view in _planted_views(TAG_BOXES):
        expected = extract_catstags("tag", view.tree)
        assert tag_links(view) == expected, view.html[-300:]
        found += bool(expected)
    assert found >= len(TAG_BOXES) * 3 - 3


# bylines of each kind trafilatura's author XPaths look for, and near misses, planted alone
BYLINES = [
    '<span itemprop="name">Not a byline</span><p class="x" itemprop="author">Nguyễn Văn An</p>',
    '<div data-testid="AuthorCard">Trần Bình</div><div data-testid="Author">no</div>',
    '<section data-component="Byline">Lê Cường</section><a rel="AUTHOR">no</a>',
    '<a rel="author" href="/u/1">Phạm Dũng</a>',
    '<figure><span class="author">In a figure</span></figure><h4 id="xiaobian-1">Hồ Em</h4>',
    '<div class="sidebar"><p class="byline">In a sidebar</p></div><span class="writer">Đỗ G</span>',
    '<author>Vũ Hải</author><span itemprop="author name">Ngô Kiên</span>',
]


def test_author_in_markup_reads_what_extract_author_reads():
    found = 0
    for view in _planted_views(BYLINES):
        expected = extract_author(view.tree)
        assert author_in_markup(view) == expected, view.html[-300:]
        found += bool(expected)
    assert found >= len(BYLINES) * 3


# headings of each kind trafilatura's title XPaths look for, and near misses, planted alone
# after two empty <h1> (one h1 would be taken first)
TITLES = [
    '<h2 class="main entry-title-x">Entry title</h2><h2 class="post_title">no</h2>',
    '<h3 class="headline">no: h3</h3><h1 id="top-headline">Headline by id</h1>',
    '<h2 itemprop="headline">Headline by itemprop</h2>',
    '<span class="post-title">Post title span</span><div class=" entry-title">no</div>',
    '<h4 class="title">no: h4</h4><h3 id="page-title">Page title</h3>',
    '<h2 class="x">First h2</h2>',
]


def test_page_title_is_what_extract_title_finds():
    found = 0
    for html in _real_pages():
        pages = [html] + [html.replace("</body>", "<h1></h1><h1> </h1>" + heading + "</body>")
                          for heading in TITLES]
        for page in pages:
            tree = parse_html(page)
            expected = extract_title(tree)
            assert page_title(tree) == expected, page[-300:]
            found += expected in page
    assert found >= len(TITLES) * 3
