"""Small text normalisers for *comparing* text (lead de-dup, boilerplate, dedup).

``norm_space`` is safe for output text (it only touches whitespace and invisible
characters); ``norm_key`` is a comparison key only and must never be shown.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Invisible characters that editors and inline tags leave inside words: drop them.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = {
    ord("\u201c"): '"', ord("\u201d"): '"', ord("\u201e"): '"',
    ord("\u2018"): "'", ord("\u2019"): "'", ord("\u00ab"): '"', ord("\u00bb"): '"',
}
# str.translate with a dict looks every character up (~45 us for 700 characters); a regex
# search for the few characters concerned is ~10x cheaper, so translate only on a hit.
_INVISIBLE_RE = re.compile("[" + re.escape("".join(map(chr, _INVISIBLE))) + "]")
_DASHES_QUOTES = {**_DASHES, **_QUOTES}
_DASHES_QUOTES_RE = re.compile("[" + re.escape("".join(map(chr, _DASHES_QUOTES))) + "]")
# Inline-tag artefacts: "Viễn thông ( BCVT ) ," and "Viễn thông (BCVT)," must compare equal.
_SPACE_BEFORE_PUNCT = re.compile(r" ([,.;:!?)\]…])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[]) ")
_SPACED_DASH = re.compile(r" ?- ?")
# Truncation marks and closing punctuation at the end: "...", "…", "....", "…)".
_TRAILING = re.compile(r"[\s.…,;:!?)\]\"'-]+$")


def norm_space(text: str) -> str:
    """Collapse every run of whitespace (NBSP, thin space, newlines...) to one space,
    drop zero-width characters and soft hyphens, strip the ends."""
    if _INVISIBLE_RE.search(text):
        text = text.translate(_INVISIBLE)
    # str.split() splits on exactly what re's \s matches (NBSP, thin/em spaces, U+202F,
    # U+3000 included) and is ~6x faster than a regex substitution
    return " ".join(text.split())


# The cleaning steps compare the same paragraphs and link texts many times per page (title,
# captions, template, link and teaser checks): the key of a text is computed once.
NORM_KEY_CACHE = 65_536


@lru_cache(maxsize=NORM_KEY_CACHE)
def norm_key(text: str) -> str:
    """Comparison key: NFC, :func:`norm_space`, casefold, one kind of dash, quote and ellipsis,
    no spaces inside brackets, before punctuation or around dashes, no trailing
    ellipsis/punctuation."""
    key = norm_space(unicodedata.normalize("NFC", text)).casefold()
    if _DASHES_QUOTES_RE.search(key):
        key = key.translate(_DASHES_QUOTES)
    key = key.replace("…", "...")
    key = _SPACE_AFTER_OPEN.sub(r"\1", _SPACE_BEFORE_PUNCT.sub(r"\1", key))
    key = _SPACED_DASH.sub("-", key)
    return _TRAILING.sub("", key)
