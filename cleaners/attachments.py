"""Documents an article links to (PDF, Word, Excel…): listed in the record, not fetched.

Government news often ends with "Tải về: Kế hoạch số 12/KH-UBND (PDF)". The crawler does
not download such files (``ATTACHMENT_EXTENSIONS`` are denied to its link extractor); the
cleaner lists the ones linked from the article itself — its lead and body, or a family's
attachment block — as ``Record.attachments`` (absolute URL + link text). Links to
documents in sidebars ("Văn bản mới") are page furniture and are not listed.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from urllib.parse import unquote, urljoin, urlsplit

from lxml import html as lhtml

from micnews.cleaners.record import Attachment
from micnews.cleaners.textnorm import norm_key, norm_space

ATTACHMENT_EXTENSIONS = (
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "rtf", "odt", "ods", "zip", "rar",
)


def is_attachment(url: str) -> bool:
    """True when the URL's path ends in a document extension (``.pdf``, ``.docx``…)."""
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return False
    ext = posixpath.splitext(path)[1].lower().lstrip(".")
    return ext in ATTACHMENT_EXTENSIONS


# A document extension somewhere in the href (the exact test, on the resolved URL's path,
# follows): most links fail this regex and are never resolved.
_DOC_HREF = re.compile(r"\.(?:" + "|".join(ATTACHMENT_EXTENSIONS) + r")\b", re.IGNORECASE)
_BLOCKS = ("p", "li", "td", "div", "h2", "h3", "h4", "blockquote", "section", "article")


def attachments_in_text(
    root: lhtml.HtmlElement, paragraphs: list[str], base: str
) -> list[Attachment]:
    """Document links whose enclosing block is part of the extracted ``paragraphs`` (the
    generic path, where the article's element is not known): a link in a sidebar list is
    not in the text, so it is not listed."""
    text = None
    found: dict[str, Attachment] = {}
    for a, url in _document_links(root, base):
        if url in found:
            continue
        if text is None:  # only on pages that link a document at all
            text = "\n".join(norm_key(p) for p in paragraphs)
        block = next((el for el in a.iterancestors() if el.tag in _BLOCKS), a)
        key = norm_key(block.text_content())
        if key and key in text:
            found[url] = Attachment(url, norm_space(a.text_content()) or None)
    return list(found.values())


def find_attachments(containers: Iterable[lhtml.HtmlElement | None], base: str) -> list[Attachment]:
    """Document links under ``containers``, absolute, each URL once, in page order."""
    found: dict[str, Attachment] = {}
    for container in containers:
        if container is None:
            continue
        for a, url in _document_links(container, base):
            found.setdefault(url, Attachment(url, norm_space(a.text_content()) or None))
    return list(found.values())


def _document_links(
    root: lhtml.HtmlElement, base: str
) -> Iterator[tuple[lhtml.HtmlElement, str]]:
    """``(anchor, absolute URL)`` of every link under ``root`` to a document."""
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or not _DOC_HREF.search(href):  # the cheap test first: most links are not
            continue
        if href.startswith(("javascript:", "mailto:", "#")):
            continue
        try:
            url = urljoin(base, href)
        except ValueError:
            continue
        if is_attachment(url):
            yield a, url
