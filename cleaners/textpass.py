"""One trafilatura text pass over our parsed tree: its main-text XML body, or None.

``bare_extraction`` copies its input three times: the caller's tree, the raw tree again
before cleaning it, and the cleaned tree as a backup. In the generic path's first pass
(``favor_precision`` + ``fast``, no comments) trafilatura never reads the raw tree after
cleaning it (no readability comparison, no baseline or recall retry in precision mode) nor
the backup (read only by the comparison and the comments-as-forum-posts case): two of the
three copies of the whole body were thrown away (3 % of the generic path's instructions,
BENCHMARKS.md). :func:`precise_fast_body` runs the same steps of ``trafilatura_sequence`` on one
copy; every other setting goes through ``bare_extraction``.

It follows trafilatura's private sequence (``core.trafilatura_sequence`` of trafilatura
2.3): ``tests/test_textpass.py`` checks both give the same body on real pages, and when
trafilatura's internals are not the ones expected, ``bare_extraction`` does the work.
"""

from __future__ import annotations

from copy import copy
from functools import lru_cache

import trafilatura
from lxml import etree
from lxml import html as lhtml
from trafilatura.settings import Extractor

try:  # trafilatura's internals the sequence below repeats (checked against trafilatura 2.3)
    from trafilatura.core import _forum_thread_page
    from trafilatura.htmlprocessing import convert_tags, prune_unwanted_nodes, tree_cleaning
    from trafilatura.main_extractor import extract_content
    from trafilatura.xpaths import (
        RAW_TREE_PRUNE_XPATH,
        REMOVE_COMMENTS_AND_LISTS_XPATH,
        REMOVE_COMMENTS_XPATH,
    )

    SEQUENCE = True
except ImportError:  # another trafilatura: bare_extraction runs every pass
    SEQUENCE = False


def text_body(tree: lhtml.HtmlElement, url: str, precision: bool,
              fast: bool) -> etree._Element | None:
    """trafilatura's main text of ``tree`` as its XML body (``<p>``, ``<head>``,
    ``<graphic>``…), with tables and images, without comments; None when it finds too
    little. ``tree`` is not modified."""
    options = copy(_settings(precision, fast))
    options.url = url  # (and its source, as Extractor sets it)
    options.source = url and url.encode("utf-8", "replace").decode("utf-8")
    if precision and fast and SEQUENCE:
        return precise_fast_body(tree, options)
    doc = trafilatura.bare_extraction(tree, options=options)
    return None if doc is None else doc.body


@lru_cache(maxsize=4)
def _settings(precision: bool, fast: bool) -> Extractor:
    """The pass's trafilatura options but its URL, built once (an Extractor reads its config
    file's settings one by one: 50 µs a page, a copy 5 µs)."""
    return Extractor(output_format="xml", fast=fast, precision=precision, comments=False,
                     tables=True, images=True, dedup=False)


def precise_fast_body(tree: lhtml.HtmlElement, options: Extractor) -> etree._Element | None:
    """``bare_extraction(tree, options=options)``'s body for ``options`` with
    ``precision`` and ``fast`` and without comments, ``tree`` copied once, not three
    times."""
    url = options.url
    tree = copy(tree)  # bare_extraction's copy of the caller's tree
    # trafilatura_sequence with focus "precision" and comments off:
    is_forum = _forum_thread_page(tree)
    tree = prune_unwanted_nodes(tree, RAW_TREE_PRUNE_XPATH)
    tree = prune_unwanted_nodes(tree, REMOVE_COMMENTS_AND_LISTS_XPATH)
    # _prepare_tree, cleaning the raw tree itself (read no more) and keeping no backup
    cleaned = convert_tags(tree_cleaning(tree, options), options, url)
    if not is_forum:
        cleaned = prune_unwanted_nodes(cleaned, REMOVE_COMMENTS_XPATH)
    body, text = extract_content(cleaned, options)
    # bare_extraction's checks on the result (no comments: their length is 0)
    if options.max_tree_size and len(body) > options.max_tree_size:
        etree.strip_tags(body, "hi")
        if len(body) > options.max_tree_size:
            return None
    if len(text) < options.min_output_size and options.min_output_comm_size > 0:
        return None
    return body
