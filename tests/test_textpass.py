"""The generic path's first trafilatura pass (cleaners/textpass.py) gives trafilatura's own
answer: the same body as ``bare_extraction`` with the same settings, on real pages."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import trafilatura
from lxml import etree

from micnews.cleaners.decode import decode_html
from micnews.cleaners.pageview import parse_html
from micnews.cleaners.textpass import SEQUENCE, text_body
from tests.helpers import shared

REAL = sorted((Path(__file__).parent / "fixtures" / "realpages").rglob("*.html"))


def _body(data: bytes):  # noqa: ANN202 - an lxml element
    tree = parse_html(decode_html(data, None).html)
    return tree.find("body")


def _xml(el) -> bytes | None:  # noqa: ANN001
    return None if el is None else etree.tostring(el, encoding="utf-8")


def test_the_sequence_is_the_installed_trafilaturas() -> None:
    """The one-copy sequence runs with the trafilatura this project installs (pyproject pins
    none: a new release that moves its internals must show here, not silently fall back)."""
    assert SEQUENCE


def _same_as_bare_extraction(data: bytes, url: str) -> None:
    body = _body(data)
    before = etree.tostring(body)
    ours = text_body(body, url, precision=True, fast=True)
    assert etree.tostring(body) == before  # the caller's tree is left as it was
    doc = trafilatura.bare_extraction(
        _body(data), url=url, include_comments=False, output_format="xml",
        include_tables=True, include_images=True, with_metadata=False, deduplicate=False,
        favor_precision=True, fast=True)
    assert _xml(ours) == _xml(None if doc is None else doc.body)


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
def test_same_body_as_bare_extraction(path: Path) -> None:
    """The first pass's settings (``favor_precision`` and ``fast``: the one-copy sequence;
    the other passes call ``bare_extraction`` itself)."""
    _same_as_bare_extraction(path.read_bytes(), f"https://example.vn/{path.stem}")


# Zyte benchmark pages: the first ones, and one (a page with a comment section) whose
# text changes when trafilatura's pruning steps are all left out
ZYTE_PAGES = 10
ZYTE_PRUNED = "232a43fb15abde807427b2a7bf4f772e27b8760554370956d8291df4e8166dbf"


def test_same_body_as_bare_extraction_on_zyte_pages() -> None:
    base = shared("benchmarks", "zyte-article-extraction")
    truth = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
    for key in [*sorted(truth)[:ZYTE_PAGES], ZYTE_PRUNED]:
        data = gzip.decompress((base / "html" / f"{key}.html.gz").read_bytes())
        _same_as_bare_extraction(data, truth[key].get("url") or "https://example.com/")


def test_real_pages_are_there() -> None:
    assert len(REAL) >= 15
