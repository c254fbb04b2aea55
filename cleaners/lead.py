"""The lead exactly once.

Portals store the summary (sapo) and then repeat it inside the body: verbatim, with other
whitespace or inline-tag artefacts, truncated with ``...``, or as the opening of a longer
first paragraph. :func:`dedupe_lead` removes the repetition without losing text;
:func:`split_source_tag` separates the editor's source tag (``(Mic.gov.vn) –``, ``DIC -``).
"""

from __future__ import annotations

import re

from micnews.cleaners.textnorm import norm_key, norm_space

# --- source tags -----------------------------------------------------------------------------
_DASH = "-\u2013\u2014"
_PAREN_TAG = re.compile(rf"^\(\s*(?P<tag>[^()\n]{{2,40}}?)\s*\)\s*(?P<sep>[{_DASH}:]?)\s*")
# ALLCAPS acronym, ASCII (+ Đ) so that Vietnamese capitalised words (HUẾ, HÀ NỘI) never match.
_CAPS_TAG = re.compile(rf"^(?P<tag>[A-ZĐ][A-Z0-9Đ&]{{1,9}})(?P<sep>\s+[{_DASH}]\s*|\s*[–—]\s*|"
                       rf"\s*[{_DASH}]\s+)(?=\S)")
_DOMAIN = r"[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.(?:vn|com|net|org|info|gov|edu)"
_DOMAIN_TAG = re.compile(rf"^(?P<tag>{_DOMAIN})\s*[{_DASH}:]\s*")
_IS_DOMAIN = re.compile(rf"^{_DOMAIN}$")
_IS_ACRONYM = re.compile(r"^[A-ZĐ][A-Z0-9Đ&\-]{1,11}$")
# One ASCII word, mixed case with at least two capitals: ICTPress, VnMedia, VietnamPlus.
_IS_CAMEL = re.compile(r"^(?=[A-Za-z]*[a-z])(?=(?:[A-Za-z]*[A-Z]){2})[A-Za-z]+$")


def _tag_shaped(tag: str, has_sep: bool) -> bool:
    """Parenthesised text is a source tag when it looks like one: a domain, an acronym or a
    CamelCase brand; or, when a dash follows, a short capitalised name like ``Dân trí``."""
    if _IS_DOMAIN.match(tag) or _IS_ACRONYM.match(tag) or _IS_CAMEL.match(tag):
        return True
    words = tag.split()
    return (has_sep and len(words) <= 4 and tag[:1].isupper()
            and not any(c.isdigit() or c in ",;:!?" for c in tag))


def split_source_tag(text: str) -> tuple[str | None, str]:
    """``(Mic.gov.vn) – Ngày 06/02...`` → ``("Mic.gov.vn", "Ngày 06/02...")``.

    Known tag shapes only, at the very start: parenthesised (``(TTXVN)``, ``(ICTPress)``,
    ``(Chinhphu.vn) -``, ``(Dân trí) -``), an ALLCAPS ASCII acronym of at most 10 characters
    before a spaced dash or an en/em dash (``DIC - ``; not ``VNPT-Vinaphone`` nor
    ``COVID-19``), or a domain name before a dash (``ICTnews.vn - ``). A place dateline like
    ``Hà Nội - Sáng nay`` is left alone (ambiguous; it is part of the text). Dashes may be
    ``-``, ``–`` or ``—``, with or without spaces. Returns ``(None, text)`` when no tag.
    """
    if not text:
        return None, text
    stripped = text.lstrip()
    match = _PAREN_TAG.match(stripped)
    if match and _tag_shaped(match["tag"].strip(), bool(match["sep"])):
        rest = stripped[match.end():]
        if match["sep"] or not rest or rest[:1].isupper() or rest[:1].isdigit():
            return match["tag"].strip(), rest
    match = _CAPS_TAG.match(stripped)
    if match and stripped[match.end():][:1].isupper():
        return match["tag"], stripped[match.end():]
    match = _DOMAIN_TAG.match(stripped)
    if match:
        return match["tag"], stripped[match.end():]
    return None, text


# --- the lead once -------------------------------------------------------------------------
# Truncation marks at the end: "...", "....", "…", "…)", "...)" (maybe followed by quotes).
_ELLIPSIS_END = re.compile(r"(?:\.{3,}|…)[\s.…)\]\"'”»]*$")
# The lead ends a sentence, so the body's remainder starts a new one.
_SENTENCE_END = re.compile(r"[.!?;:…\"'”»)]\s*$")
MIN_PREFIX = 20  # a lead shorter than this (key chars) never claims a longer paragraph
SEARCH_START = 3  # the repetition starts within the first 3 body paragraphs
MAX_SPAN = 6  # a multi-paragraph lead may be repeated as up to 6 body paragraphs


def _key(text: str) -> str:
    """Comparison key ignoring a leading source tag."""
    return norm_key(split_source_tag(text)[1])


def _cut(prefix_paras: list[str], para: str, lead_key: str) -> int | None:
    """Offset in ``para`` where the lead ends, given the paragraphs before it in the span."""
    head = " ".join(prefix_paras)
    for match in re.finditer(r"\s+|$", para):
        candidate = (head + " " + para[: match.start()]) if head else para[: match.start()]
        key = _key(candidate)
        if key == lead_key:
            return match.end()
        if len(key) > len(lead_key) + 2:
            return None
    return None


def _dedupe_once(lead: str, body: list[str]) -> tuple[str, list[str], bool]:
    """One repetition removed (``changed`` True), or the input unchanged."""
    lead_key = _key(lead)
    if not lead_key:
        return lead, body, False
    truncated = bool(_ELLIPSIS_END.search(lead))
    for i in range(min(SEARCH_START, len(body))):
        for j in range(i, min(len(body), i + MAX_SPAN)):
            span = body[i : j + 1]
            key = _key(" ".join(span))
            if not key:
                break
            if key == lead_key:  # verbatim / whitespace / tag artefacts
                return lead, body[:i] + body[j + 1 :], True
            if key.startswith(lead_key) and len(lead_key) >= MIN_PREFIX:
                offset = None
                if not truncated and _SENTENCE_END.search(lead):
                    offset = _cut(span[:-1], span[-1], lead_key)
                if offset is not None:  # the lead opens a longer paragraph: keep the rest
                    rest = span[-1][offset:].strip()
                    return lead, body[:i] + ([rest] if rest else []) + body[j + 1 :], True
                # truncated summary (or cut mid-sentence): the body's full text is the lead
                full = "\n\n".join([split_source_tag(span[0])[1].strip(), *span[1:]]).strip()
                return full, body[:i] + body[j + 1 :], True
            if lead_key.startswith(key):
                if j == i and len(key) >= MIN_PREFIX and _ELLIPSIS_END.search(span[0]):
                    return lead, body[:i] + body[i + 1 :], True  # body holds a shortened copy
                continue  # the lead may span several body paragraphs
            break
    return lead, body, False


def dedupe_lead(lead: str | None, paragraphs: list[str]) -> tuple[str | None, list[str]]:
    """Return ``(lead, body)`` such that ``"\\n\\n".join([lead, *body])`` holds the lead once.

    The lead's repetition is searched starting in the first 3 body paragraphs (a caption may
    come first), comparing :func:`~cleaners.textnorm.norm_key` keys that ignore whitespace,
    NBSP, zero-width characters, case, dash/quote style, spaces around punctuation, trailing
    ellipses and a leading source tag. Then:

    * the same text (in one or several consecutive paragraphs) → those paragraphs dropped;
    * the lead is truncated (``...``, ``…``, ``…)``) or stops mid-sentence while the body has
      the full text → the lead becomes the body's full text (source tag removed), which is
      dropped from the body;
    * the lead is a complete sentence opening a longer paragraph → lead kept, the paragraph
      keeps only the rest;
    * a body paragraph is a truncated copy of the lead → dropped;
    * otherwise unchanged. A None/blank lead returns ``(None, paragraphs)``: a lead is never
      guessed from the body. The returned lead keeps its own source tag, if it had one.
    """
    body = list(paragraphs)
    if lead is None or not norm_space(lead):
        return None, body
    for _ in range(3):  # a lead repeated twice (e.g. sapo, then body, then a hidden copy)
        lead, body, changed = _dedupe_once(lead, body)
        if not changed:
            break
    return lead, body
