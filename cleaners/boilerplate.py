"""Known boilerplate: remove whole paragraphs that are page furniture, not article text.

Pure functions over lists of paragraphs. The markers come from a site-family profile
(``[boilerplate]`` in its TOML) plus :data:`DEFAULT_MARKERS`, a short cross-family list
that the generic path (trafilatura output) uses too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache


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


# Cross-family furniture seen on mic.gov.vn and NukeViet sites (SITES.md, seeds 000-004).
DEFAULT_MARKERS = Markers(
    lines=(
        "img", "image", "banner", "icon", "Top", "Lên đầu trang", "Về đầu trang",
        "Xem cỡ chữ", "Tăng tương phản", "Giảm tương phản", "Tăng tương phản Giảm tương phản",
        "Click để đánh giá bài viết", "Họ và tên:", "Mã Captcha:", "Gửi bình luận",
        "(Tích chọn để xác nhận bạn là bạn đọc, không phải là người máy tự động)",
        "Xem chi tiết", "Xem chi tiết icon", "In bài viết", "Gửi bài viết qua email",
        "Bấm vào đây để duy trì trạng thái đăng nhập",
    ),
    patterns=tuple(
        re.compile(p, re.IGNORECASE)
        for p in (
            r"ĐÁNH GIÁ BÀI VIẾT\s*\(\s*\d*\s*\)",
            r"Tổng số điểm của bài viết là:?.*",
            r"Bạn đã không sử dụng Site.*",
            r"Trình duyệt của bạn đã tắt chức năng hỗ trợ JavaScript.*",
            r"Thời gian chờ:\s*\d+\s*giây",
            r"(Lượt xem|Số lượt xem|Lượt đọc|Lượt truy cập|Đang truy cập|Đã xem)\s*:?\s*[\d.,]+",
            r"(?:\S*/)?uploads?/\S+\.(?:jpe?g|png|gif|webp|bmp)",
            r"(?:img|icon|banner)(?:\s+(?:img|icon|banner))*",
        )
    ),
    cut=("Những tin mới hơn", "Những tin cũ hơn"),
)

# An upload path left inline by a search copy of the body (` src alt`, seed 004).
_INLINE_UPLOAD = re.compile(
    r"(?<!\S)(?:https?://\S+)?/?uploads?/\S+?\.(?:jpe?g|png|gif|webp|bmp)(?!\S)", re.IGNORECASE
)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


@lru_cache(maxsize=64)
def _keys(markers: Markers) -> tuple[frozenset[str], tuple[str, ...]]:
    """Normalised exact lines and label prefixes (``...:``) of ``markers``, computed once
    per marker set rather than once per paragraph."""
    keys = [_norm(line) for line in markers.lines]
    return frozenset(keys), tuple(k for k in keys if k.endswith(":"))


def is_boilerplate(paragraph: str, markers: Markers) -> bool:
    """True when ``paragraph`` as a whole is one of ``markers``."""
    norm = _norm(paragraph)
    if not norm:
        return True
    exact, labels = _keys(markers)
    if norm in exact:
        return True
    if len(norm) <= 80 and any(norm.startswith(key) for key in labels):
        return True
    flat = " ".join(paragraph.split())
    return any(p.fullmatch(flat) for p in markers.patterns)


def scrub_inline(paragraph: str) -> tuple[str, int]:
    """Remove upload paths left inside a paragraph; return (text, how many removed)."""
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
    active = (DEFAULT_MARKERS + markers) if (defaults and markers) else (markers or DEFAULT_MARKERS)
    cuts = {_norm(c) for c in active.cut}
    kept: list[str] = []
    removed = 0
    for i, para in enumerate(paragraphs):
        if i > 0 and _norm(para) in cuts:
            removed += len(paragraphs) - i
            break
        if is_boilerplate(para, active):
            removed += 1
            continue
        text, n = scrub_inline(para)
        removed += n
        if text:
            kept.append(text)
    return kept, removed


def markers_from(lines: Iterable[str], patterns: Iterable[re.Pattern[str]]) -> Markers:
    """Markers from a profile's ``[boilerplate]`` lines and compiled patterns."""
    return Markers(lines=tuple(lines), patterns=tuple(patterns))
