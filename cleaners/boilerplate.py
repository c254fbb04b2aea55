"""Known boilerplate: remove whole paragraphs that are page furniture, not article text.

Pure functions over lists of paragraphs. The markers come from a site-family profile
(``[boilerplate]`` in its TOML) plus :data:`DEFAULT_MARKERS`, a short cross-family list
(``boilerplate.toml``) that the generic path (trafilatura output) uses too.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Markers:
    """Boilerplate markers: exact lines, whole-paragraph regexes, and cut lines.

    ``lines`` match a whole paragraph (case-insensitive, whitespace-normalised); a line
    ending in ``:`` (a form label such as ``Họ và tên:``) also matches a short paragraph
    it opens. ``cut`` lines open a trailing block (``Những tin mới hơn``): the line and
    every paragraph after it go.
    """

    lines: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    cut: tuple[str, ...] = field(default=())

    def __add__(self, other: Markers) -> Markers:
        return Markers(
            self.lines + other.lines, self.patterns + other.patterns, self.cut + other.cut
        )


def _load_defaults() -> Markers:
    """The cross-family markers of ``boilerplate.toml``: its lines, patterns and cut lines,
    plus one pattern for a paragraph made only of navigation labels (one or several in a
    row, any case)."""
    data = tomllib.loads(resources.files("micnews.cleaners").joinpath("boilerplate.toml")
                         .read_text(encoding="utf-8"))
    marks, nav = data["markers"], data.get("navigation", {})
    patterns = [re.compile(p, re.IGNORECASE) for p in marks.get("patterns", [])]
    labels = sorted({unicodedata.normalize("NFC", x) for x in nav.get("labels", [])},
                    key=len, reverse=True)
    if labels:
        one = "(?:" + "|".join(re.escape(x) for x in labels) + ")"
        sep = "[" + re.escape(nav.get("separators", "")) + r"\s]*"
        patterns.append(re.compile(f"{one}(?:{sep}{one})*{sep}", re.IGNORECASE))
    return Markers(lines=tuple(marks.get("lines", [])), patterns=tuple(patterns),
                   cut=tuple(marks.get("cut", [])))


# Cross-family furniture (SITES.md, seeds 000-004, navigation buttons): data in boilerplate.toml.
DEFAULT_MARKERS = _load_defaults()

# An upload path left inline by a search copy of the body (` src alt`, seed 004).
_INLINE_UPLOAD = re.compile(
    r"(?<!\S)(?:https?://\S+)?/?uploads?/\S+?\.(?:jpe?g|png|gif|webp|bmp)(?!\S)", re.IGNORECASE
)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class _Matcher:
    """A marker set made ready to test paragraphs: normalised exact lines, label prefixes
    (``...:``), the whole-paragraph regexes as one alternation, the cut lines."""

    exact: frozenset[str]
    labels: tuple[str, ...]
    pattern: re.Pattern[str] | _FirstOf | None
    cuts: frozenset[str]

    def matches(self, flat: str) -> bool:
        """Is a paragraph, its whitespace collapsed (``flat``), one of the markers?"""
        norm = flat.casefold()  # (= _norm(paragraph))
        if not norm or norm in self.exact:
            return True
        if len(norm) <= 80 and any(norm.startswith(key) for key in self.labels):
            return True
        return self.pattern is not None and self.pattern.fullmatch(flat) is not None


_FLAGS = {re.IGNORECASE: "i", re.DOTALL: "s", re.MULTILINE: "m", re.VERBOSE: "x"}


@lru_cache(maxsize=64)
def _matcher(markers: Markers) -> _Matcher:
    """The :class:`_Matcher` of ``markers``, computed once per marker set rather than once
    per paragraph (one regex call a paragraph instead of one per pattern)."""
    keys = [_norm(line) for line in markers.lines]
    parts = []
    for p in markers.patterns:  # each keeps its own flags, scoped to its alternative
        flags = "".join(letter for flag, letter in _FLAGS.items() if p.flags & flag)
        parts.append(f"(?{flags}:{p.pattern})" if flags else f"(?:{p.pattern})")
    try:
        pattern = re.compile("|".join(parts)) if parts else None
    except re.error:  # a pattern with global inline flags ("(?i)...") cannot join others
        pattern = _FirstOf(markers.patterns)
    return _Matcher(frozenset(keys), tuple(k for k in keys if k.endswith(":")), pattern,
                    frozenset(_norm(c) for c in markers.cut))


class _FirstOf:
    """Several patterns standing in for one: ``fullmatch`` of the first that matches."""

    def __init__(self, patterns: tuple[re.Pattern[str], ...]) -> None:
        self.patterns = patterns

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return next((m for p in self.patterns if (m := p.fullmatch(text))), None)


def is_boilerplate(paragraph: str, markers: Markers) -> bool:
    """True when ``paragraph`` as a whole is one of ``markers``."""
    return _matcher(markers).matches(" ".join(paragraph.split()))


def scrub_inline(paragraph: str) -> tuple[str, int]:
    """Remove upload paths left inside a paragraph; return (text, how many removed)."""
    if "upload" not in paragraph.lower():  # (every match holds it; most paragraphs don't)
        return paragraph, 0
    text, n = _INLINE_UPLOAD.subn(" ", paragraph)
    if n:
        text = " ".join(text.split())
    return text, n


def strip_boilerplate(
    paragraphs: Sequence[str], markers: Markers | None = None, *, defaults: bool = True
) -> tuple[list[str], int]:
    """Drop boilerplate paragraphs; return ``(kept, removed_count)``.

    ``markers`` (a profile's) are added to :data:`DEFAULT_MARKERS` unless ``defaults`` is
    false. Inline upload paths are scrubbed from kept paragraphs (counted too).
    """
    active = _with_defaults(markers) if (defaults and markers) else (markers or DEFAULT_MARKERS)
    matcher = _matcher(active)
    kept: list[str] = []
    removed = 0
    for i, para in enumerate(paragraphs):
        flat = " ".join(para.split())  # (collapsed once for the cut and marker tests)
        if i > 0 and flat.casefold() in matcher.cuts:
            removed += len(paragraphs) - i
            break
        if matcher.matches(flat):
            removed += 1
            continue
        text, n = scrub_inline(para)
        removed += n
        if text:
            kept.append(text)
    return kept, removed


@lru_cache(maxsize=64)
def _with_defaults(markers: Markers) -> Markers:
    return DEFAULT_MARKERS + markers


def markers_from(lines: Iterable[str], patterns: Iterable[re.Pattern[str]]) -> Markers:
    """Markers from a profile's ``[boilerplate]`` lines and compiled patterns."""
    return Markers(lines=tuple(lines), patterns=tuple(patterns))
