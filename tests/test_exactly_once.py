"""Issue 13: exactly once, whatever happens.

Each test drives the real ``micnews crawl`` (a subprocess, the real Scrapy engine) against a
fixture site on a loopback :class:`~tests.faultserver.FaultServer` that misbehaves on
command, with real signals, a real full filesystem (tmpfs, when root) and a real Redis.
Each reports records expected vs present to the fault table (tests/conftest.py), asserts
they are equal, and asserts that no URL is in the dataset twice before any ``compact``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from micnews.cleaners.dataset import load
from micnews.crawler.urls import canonical_url
from tests.faultserver import (
    MisbehavingSite,
    committed_urls,
    dataset_urls,
    report,
    truncated_gzip,
)

SITE = "mic-current"  # the smallest fixture site: three articles, a listing, a feed


@pytest.fixture
def site(fixture_expected, tmp_path):
    s = MisbehavingSite(SITE, fixture_expected[SITE], tmp_path)
    yield s
    s.stop()


def no_url_twice(out: Path | str) -> list[str]:
    """The dataset's canonical URLs, asserting none is there twice (no compact has run)."""
    present = dataset_urls(out)
    twice = sorted(u for u, n in Counter(present).items() if n > 1)
    assert not twice, f"written twice: {twice}"
    return present


def texts(out: Path) -> dict[str, str]:
    rows = load(out).to_table(columns=["url", "text"]).to_pylist()
    return {canonical_url(r["url"]): r["text"] for r in rows}


# -- 1. truncated bodies ----------------------------------------------------------------------
def test_truncated_gzip_bodies_are_retried_never_written(site, tmp_path):
    """A gzip body cut short (Content-Length of the cut body, or close-delimited) is a failed
    fetch: retried, and if never whole, neither written nor committed; next run gets it."""
    healed = site.add_article("cut-once")  # cut once: the retry gets the whole page
    cut_len = site.add_article("cut-length")  # always cut, Content-Length = cut size
    cut_close = site.add_article("cut-close")  # always cut, close-delimited
    site.server.faults[healed] = truncated_gzip(times=1)
    site.server.faults[cut_len] = truncated_gzip()
    site.server.faults[cut_close] = truncated_gzip(content_length=False)
    out = tmp_path / "out"
    first = site.crawl(out)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "Traceback" not in first.stderr
    broken = site.urls({cut_len, cut_close})
    got = no_url_twice(out)
    after_fault = (committed_urls(out), got)
    assert sorted(got) == sorted(site.urls() - broken), "all but the cut ones"
    assert broken.isdisjoint(committed_urls(out)), "a cut page is not committed"
    assert site.server.paths().count(healed) == 2, "the cut page was asked again"
    body = texts(out)
    model = body[canonical_url(site.base + site.model_path)]
    assert body[canonical_url(site.base + healed)].endswith(model[-200:]), \
        "the retried page is whole, to its last paragraph"

    site.server.faults.clear()
    again = site.crawl(out)
    assert again.returncode == 0, again.stderr[-3000:]
    present = no_url_twice(out)
    assert sorted(present) == sorted(site.urls()), "every article exactly once"
    for url in broken:
        assert body_ends_like(texts(out)[url], model)
    report("gzip body cut short (Content-Length / close-delimited)", site.urls(), present,
           "test_truncated_gzip_bodies_are_retried_never_written", after_fault)


def body_ends_like(text: str, model: str) -> bool:
    return text.endswith(model[-200:])


def test_body_problem_reads_headers_and_stream_ends():
    import zlib

    from scrapy.http import Request, Response

    from micnews.crawler.completeness import body_problem

    page = "<html><body><p>Tin tức đầy đủ.</p></body></html>".encode() * 50

    def packed(wbits: int) -> bytes:
        packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
        return packer.compress(page) + packer.flush()

    def answer(body: bytes, flags=(), **headers) -> Response:
        return Response("http://x/a", body=body, headers=headers, flags=list(flags),
                        request=Request("http://x/a"))
    gz = packed(31)
    assert body_problem(answer(gz, **{"Content-Encoding": "gzip"})) is None
    assert body_problem(answer(gz + gz, **{"Content-Encoding": "gzip"})) is None  # 2 members
    assert body_problem(answer(gz[:-4], **{"Content-Encoding": "gzip"}))  # trailer cut
    bad_crc = gz[:-8] + bytes([gz[-8] ^ 1]) + gz[-7:]
    assert body_problem(answer(bad_crc, **{"Content-Encoding": "gzip"}))
    assert body_problem(answer(packed(15), **{"Content-Encoding": "deflate"})) is None
    assert body_problem(answer(packed(-15), **{"Content-Encoding": "deflate"})) is None
    assert body_problem(answer(packed(-15)[:-3], **{"Content-Encoding": "deflate"}))
    assert body_problem(answer(page, **{"Content-Length": str(len(page) + 1)}))
    assert body_problem(answer(page, **{"Content-Length": str(len(page))})) is None
    assert body_problem(answer(page, flags=["dataloss"]))
    assert body_problem(answer(page, flags=["partial"])) is None, "close-delimited, plain"
    assert body_problem(answer(gz, **{"Content-Encoding": "gzip"}), max_size=100) is None, \
        "past DOWNLOAD_MAXSIZE the size limit decides"
