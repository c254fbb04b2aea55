"""Article bodies split into blocks of the same markup (cleaners/split_body.py).

The pages below copy the markup shape (tags, classes, nesting) of real pages of the Zyte
article-extraction benchmark (../shared/benchmarks/zyte-article-extraction, pages of
wired.com, telegraph.co.uk and kabarislamia.com, saved 2019); the text is ours.
"""

from __future__ import annotations

import gzip
import json

from micnews.cleaners.generic import extract_generic
from micnews.cleaners.pageview import parse_html
from micnews.cleaners.split_body import joined_body, split_blocks
from tests.helpers import shared

URL = "https://www.example.com/story/banks-and-budgets/"
FIRST = [
    f"Paragraph {i} of the first part: the bank changed its fees this spring, and customers "
    f"who kept small balances paid more than before, the report says in its chapter {i}."
    for i in range(4)
]
SECOND = [
    f"Paragraph {i} of the second part: the report then compares savings accounts across "
    f"twelve banks and finds that interest rates barely moved in chapter {i} either."
    for i in range(4)
]
# wired.com: <div class="grid--item body body__container article__body ..."> twice, a
# full-width ad row and the sidebar rail between them, a truncation message after.
_BODY_CLASS = "grid--item body body__container article__body grid-layout__content"


def _wired_like(second: list[str]) -> str:
    def block(paras: list[str], cls: str = _BODY_CLASS) -> str:
        body = "".join(f"<p>{p}</p>" for p in paras)
        return (f'<div class="grid grid-margins grid-items-2 grid-layout--adrail narrow">'
                f'<div class="{cls}">{body}</div><div class="grid--item grid-layout__aside">'
                '<div class="ad ad--rail"><div class="ad__slot ad__slot--rail"></div></div>'
                "</div></div>")

    ad = ('<div class="row full-bleed-ad"><div class="ad ad--mid-content"><span '
          'class="ad-label">Advertisement</span></div></div>')
    return ('<html><head><title>Banks and budgets | WIRED</title><script '
            'type="application/ld+json">{"@type": "NewsArticle", "headline": "Banks and '
            'budgets", "datePublished": "2019-11-18T12:00:00Z"}</script></head><body>'
            '<nav><a href="/">Home</a> <a href="/business">Business</a></nav><main><article '
            'class="article main-content"><header><h1>Banks and budgets</h1></header>'
            f"{block(FIRST)}{ad}{block(second)}"
            f"{block([], _BODY_CLASS.replace('body__container', 'body__truncation-message'))}"
            "</article></main><footer><p>All rights reserved.</p></footer></body></html>")


def test_second_block_of_a_split_body_is_read() -> None:
    ex = extract_generic(_wired_like(SECOND), URL)
    assert ex is not None
    assert ex.paragraphs == FIRST + SECOND
    assert ex.removed.get("split_body_joined") == 1


def test_page_tree_is_left_as_it_is() -> None:
    root = parse_html(_wired_like(SECOND))
    before = [p.text_content() for p in root.iter("p")]
    joined = joined_body(root, FIRST)
    assert joined is not None
    assert [p.text_content() for p in root.iter("p")] == before
    assert [p.text_content() for p in joined.iter("p")] == before  # moved, not lost


def test_unsplit_text_is_not_joined() -> None:
    root = parse_html(_wired_like(SECOND))
    assert split_blocks(root, FIRST + SECOND) is None  # the text already holds the twin


def test_short_comment_lines_in_a_twin_are_not_a_continuation() -> None:
    """kabarislamia.com: the article and the comments are both <div class="content">; the
    comments' lines are short and carry their authors' links."""
    comments = [f"Thanks, great post number {i}! <a href='/u{i}'>reader{i}</a> said on Monday."
                for i in range(8)]
    root = parse_html(_wired_like(comments))
    assert split_blocks(root, FIRST) is None


def test_teaser_box_in_a_twin_is_not_a_continuation() -> None:
    """A later block of the body's class holding related stories: a headline link over
    each long summary is not the story going on."""
    teasers = [f"<a href='/story/{i}'>Headline of another story number {i} on banks</a> "
               f"{SECOND[i]} {SECOND[i][:60]}" for i in range(3)]
    root = parse_html(_wired_like(teasers))
    assert split_blocks(root, FIRST) is None


def test_widget_class_on_many_blocks_is_not_a_split_body() -> None:
    """telegraph.co.uk: <div class="component-content"> wraps the body and every footer
    box; a class on this many blocks is a layout widget's."""
    boxes = "".join(f'<div class="component-content"><p>{p}</p><p>{p}</p></div>'
                    for p in SECOND + FIRST)
    html = (f'<html><body><div class="component-content">{"".join(f"<p>{p}</p>" for p in FIRST)}'
            f"</div><footer>{boxes}</footer></body></html>")
    assert split_blocks(parse_html(html), FIRST) is None


def test_zyte_wired_page_keeps_the_text_after_the_ad_row() -> None:
    base = shared("benchmarks", "zyte-article-extraction")
    truth = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
    key, item = next((k, v) for k, v in truth.items()
                     if v.get("url", "").endswith("/instagram-business-accounts-analytics/"))
    html = gzip.decompress((base / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8")
    ex = extract_generic(html, item["url"])
    assert ex is not None
    text = " ".join(ex.paragraphs)
    # the first paragraph after the ad row, and the article's last one
    assert "I learned that over a dozen people tapped on the profile" in text
    assert item["articleBody"].strip().splitlines()[-1].strip()[:60] in text
