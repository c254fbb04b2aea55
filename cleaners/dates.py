"""Vietnamese dates → aware datetimes in Asia/Ho_Chi_Minh.

Four entry points, from most to least trusted:

* :func:`parse_vn_datetime` — a visible date line (``Thứ năm, 17/07/2014 10:25``,
  ``Thứ tư - 30/05/2012  23:25``, ``17/07/2014 10:25 CH``, ``ngày 17 tháng 7 năm 2014``...).
* :func:`parse_iso_datetime` — ISO 8601 / schema.org / ``article:published_time`` (also
  NukeViet 4's malformed ``2012-05-30+0723:25:00``) and RFC 2822 feed dates.
* :func:`date_from_html` — htmldate over the whole page, then the URL.
* :func:`date_from_url` — dates encoded in URLs.

Conventions: day before month (Vietnamese order, never m/d); years outside 1990–2100 are
rejected; a date without a time becomes midnight local time (the record cannot say "no
time", so midnight means "time unknown"); every result is converted to Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from lxml import html as lhtml

from micnews.cleaners.record import VN_TZ
from micnews.cleaners.textnorm import norm_space

__all__ = [
    "VN_TZ",
    "date_from_html",
    "date_from_url",
    "parse_iso_datetime",
    "parse_vn_datetime",
]

MIN_YEAR, MAX_YEAR = 1990, 2100

# --- visible date lines --------------------------------------------------------------------
# Patterns run on norm_space(NFC(text)).casefold(), so they are lower-case.
_DATE = re.compile(
    # d/m/Y, d-m-Y, d.m.Y (one separator throughout); not glued to other digits or slashes,
    # so "225/QĐ-UBND", "12/2014/TT-BTTTT" and phone numbers like "0912.345.678" never match.
    r"(?<![\d/.\-])(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})(?![\d/])"
    # Y-m-d, Y/m/d
    r"|(?<![\d/.\-])(?P<y2>\d{4})(?P<sep2>[/.\-])(?P<m2>\d{1,2})(?P=sep2)(?P<d2>\d{1,2})(?![\d/])"
    # ngày 17 tháng 7 năm 2014
    r"|(?<!\d)(?P<d3>\d{1,2})\s*tháng\s*(?P<m3>\d{1,2})\s*(?:năm|,|/)\s*(?P<y3>\d{4})(?!\d)"
)
_TIME = (
    r"(?P<h>\d{1,2})\s*(?::|h|giờ)\s*(?P<mi>\d{2})"
    r"(?:\s*(?::|phút)\s*(?P<s>\d{2})(?:\s*giây)?)?(?:\s*phút)?"
    # vi-VN AM/PM: SA (sáng) = morning, CH (chiều) = afternoon
    r"(?:\s*(?P<ap>sa|ch|am|pm|a\.m\.|p\.m\.|sáng|chiều|tối)(?!\w))?"
    r"(?:\s*\(?\s*(?:gmt|utc)\s*(?P<tzs>[+-])\s*(?P<tzh>\d{1,2})(?::?(?P<tzm>\d{2}))?\s*\)?"
    r"|\s*\(?(?:ict|giờ việt nam)\)?)?"
)
_SEPS = r"(?:[,|\-–—/]\s*)*"
_WEEKDAY = r"(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s*nhật|cn|t[2-7])"
# A time right after the date: "17/07/2014 10:25", "17/7/2014 - 10:25", "... lúc 10:25 SA".
_TIME_AFTER = re.compile(r"\s*" + _SEPS + r"(?:(?:vào\s*)?lúc\s*)?" + _TIME + r"(?!\d)")
# A time right before it: "10:25 | 17/07/2014", "Đăng lúc 10:25 17/07/2014",
# "16:32 ICT Thứ ba, 14/07/2020".
_TIME_BEFORE = re.compile(
    r"(?<!\d)" + _TIME + r"\s*" + _SEPS + r"(?:" + _WEEKDAY + r"\s*" + _SEPS + r")?"
    r"(?:ngày\s*)?$"
)
_AM = {"sa", "am", "a.m.", "sáng"}
_PM = {"ch", "pm", "p.m.", "chiều", "tối"}


def _norm(text: str) -> str:
    return norm_space(unicodedata.normalize("NFC", text)).casefold()


def _make(
    y: int, m: int, d: int, hh: int = 0, mi: int = 0, ss: int = 0, tz: timezone | None = None
) -> datetime | None:
    """A validated aware datetime in VN time, or None when out of range."""
    if not (MIN_YEAR <= y <= MAX_YEAR and 1 <= m <= 12 and 1 <= d <= 31):
        return None
    try:
        value = datetime(y, m, d, hh, mi, ss, tzinfo=tz or VN_TZ)
    except ValueError:  # 31/02, 24:61...
        return None
    return value.astimezone(VN_TZ)


def _time_parts(match: re.Match[str]) -> tuple[int, int, int, timezone | None] | None:
    hh, mi, ss = int(match["h"]), int(match["mi"]), int(match["s"] or 0)
    ap = match["ap"]
    if ap in _AM and hh == 12:
        hh = 0  # 12:05 SA is five past midnight
    elif ap in _PM and hh < 12:
        hh += 12  # 12:05 CH stays 12:05
    if hh > 23 or mi > 59 or ss > 59:
        return None
    tz = None
    if match["tzh"]:
        offset = timedelta(hours=int(match["tzh"]), minutes=int(match["tzm"] or 0))
        tz = timezone(-offset if match["tzs"] == "-" else offset)
    return hh, mi, ss, tz


def _try_formats(text: str, formats: Sequence[str]) -> datetime | None:
    """Profile hints: strptime patterns tried on the whole line, then on the line from its
    first digit on (so ``%d/%m/%Y %H:%M`` fits ``Thứ năm, 17/07/2014 10:25``)."""
    line = norm_space(unicodedata.normalize("NFC", text))
    first_digit = re.search(r"\d", line)
    candidates = [line] + ([line[first_digit.start():]] if first_digit else [])
    for fmt in formats:
        for candidate in candidates:
            try:
                value = datetime.strptime(candidate, fmt)
            except ValueError:
                continue
            tz = value.tzinfo
            return _make(value.year, value.month, value.day, value.hour, value.minute,
                         value.second, tz if isinstance(tz, timezone) else None)
    return None


def parse_vn_datetime(text: str, formats: Sequence[str] | None = None) -> datetime | None:
    """First publication-like date (+ time) in a short string such as a date line; aware,
    Asia/Ho_Chi_Minh.

    ``formats`` are optional profile hints: ``datetime.strptime`` patterns tried first (on the
    whole line, then from its first digit on); when none fits, the generic Vietnamese patterns
    run. The first valid date wins; its time is the one written right after it (``17/07/2014
    10:25``, ``17/7/2014 - 10:25``) or else right before it (``10:25 | 17/07/2014``,
    ``16:32 ICT Thứ ba, 14/07/2020``). No time → midnight. Returns None when nothing valid.
    """
    if not text:
        return None
    if formats:
        hinted = _try_formats(text, formats)
        if hinted is not None:
            return hinted
    s = _norm(text)
    for dm in _DATE.finditer(s):
        if dm["d"]:
            y, m, d = int(dm["y"]), int(dm["m"]), int(dm["d"])
        elif dm["d2"]:
            y, m, d = int(dm["y2"]), int(dm["m2"]), int(dm["d2"])
        else:
            y, m, d = int(dm["y3"]), int(dm["m3"]), int(dm["d3"])
        if _make(y, m, d) is None:
            continue
        tm = _TIME_AFTER.match(s, dm.end()) or _TIME_BEFORE.search(s, 0, dm.start())
        parts = _time_parts(tm) if tm else None
        if parts:
            return _make(y, m, d, *parts)
        return _make(y, m, d)
    return None


# --- machine-readable dates ------------------------------------------------------------------
# NukeViet 4 prints PHP's "Y-m-dTH:i:s" where T is the zone abbreviation: 2012-05-30+0723:25:00.
_NUKEVIET_ISO = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})(?P<tz>[+-]\d{2}(?:\d{2})?)(?P<time>\d{2}:\d{2}(?::\d{2})?)$"
)
_ISO_LOOSE = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[ T](?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<tz>z|[+-]\d{2}(?::?\d{2})?)?$",
    re.IGNORECASE,
)


def _offset(tz: str) -> timezone:
    if tz.upper() == "Z":
        return UTC
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) >= 4 else 0)
    return timezone(sign * timedelta(minutes=minutes))


def _aware(value: datetime) -> datetime | None:
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN_TZ)  # naive values are local time
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        return None
    return value.astimezone(VN_TZ)


def parse_iso_datetime(value: str) -> datetime | None:
    """ISO 8601 / schema.org / ``article:published_time``, aware in Asia/Ho_Chi_Minh.

    Also NukeViet's malformed ``2012-05-30+0723:25:00`` (= 2012-05-30 23:25 +07:00), loose
    forms (``2012-5-30 23:25``, fractional seconds, ``+0700``), RFC 2822 feed dates and, as a
    last resort, a Vietnamese date line. Naive values are taken as Asia/Ho_Chi_Minh.
    """
    if not value:
        return None
    text = norm_space(value)
    nv = _NUKEVIET_ISO.match(text)
    if nv:
        text = f"{nv['date']}T{nv['time']}{nv['tz']}"
    try:
        return _aware(datetime.fromisoformat(text))
    except ValueError:
        pass
    loose = _ISO_LOOSE.match(text)
    if loose:
        tz = _offset(loose["tz"]) if loose["tz"] else None
        return _make(int(loose["y"]), int(loose["m"]), int(loose["d"]), int(loose["h"] or 0),
                     int(loose["mi"] or 0), int(loose["s"] or 0), tz)
    if re.match(r"^[A-Za-z]{3},? ", text) or re.search(r"\d{4} \d{2}:\d{2}", text):
        try:
            return _aware(parsedate_to_datetime(text))
        except (TypeError, ValueError, IndexError):
            pass
    return parse_vn_datetime(text)


# --- URLs and whole pages ----------------------------------------------------------------------
# chinhphu.vn-family ids (the current mic.gov.vn portal): 3 digits, yyMMddHHmmss, milliseconds.
_URL_ID18 = re.compile(
    r"-\d{3}(?P<y>\d{2})(?P<m>\d{2})(?P<d>\d{2})(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})\d{3}"
    r"\.(?:htm|html|chn|aspx)\b"
)
# Same idea with a 4-digit year (tuoitre, dantri): yyyyMMddHHmmss + milliseconds.
_URL_ID17 = re.compile(
    r"-(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})\d{3}"
    r"\.(?:htm|html|chn|aspx)\b"
)
_URL_UPLOADS = re.compile(
    r"/uploads/(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<h>\d{1,2})/(?P<mi>\d{1,2})/",
    re.IGNORECASE,
)
_URL_YMD = re.compile(r"/(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/|$|[-_])")


def date_from_url(url: str) -> datetime | None:
    """A date encoded in a URL, local time.

    * current mic.gov.vn / chinhphu.vn family ``/{slug}-{3 digits}{yyMMddHHmmss}{ms}.htm``
      (also 17-digit ``{yyyyMMddHHmmss}{ms}`` ids). The id is the article's *creation* time
      (minutes to a day before publication), so use it only as a fallback;
    * ``/Uploads/YYYY/MM/DD/HH/MM/`` (mic.gov.vn SharePoint uploads);
    * ``/YYYY/MM/DD/`` paths (date only → midnight).
    """
    if not url:
        return None
    for pattern in (_URL_ID18, _URL_ID17, _URL_UPLOADS):
        match = pattern.search(url)
        if match:
            year = int(match["y"])
            year += 2000 if year < 100 else 0
            found = _make(year, int(match["m"]), int(match["d"]), int(match["h"]),
                          int(match["mi"]), int(match.groupdict().get("s") or 0))
            if found:
                return found
    match = _URL_YMD.search(url)
    if match:
        return _make(int(match["y"]), int(match["m"]), int(match["d"]))
    return None


# htmldate without its extensive search: the page's metas, JSON-LD, <time>/abbr elements,
# date-classed elements, title/h1 and timestamp patterns. The extensive search falls back
# to the copyright year as 1 January and to any year on the page: invented dates.
HTMLDATE_PARAMS = {
    "original_date": True,
    "extensive_search": False,
    "outputformat": "%Y-%m-%dT%H:%M:%S",
    "min_date": "1995-01-01",
}


def htmldate_raw(source: str | lhtml.HtmlElement, url: str | None = None) -> str | None:
    """htmldate's answer for a page (its HTML or our parsed tree), None when it has none."""
    try:
        from htmldate import find_date  # imported lazily: heavy, and only a fallback

        return find_date(source, url=url, **HTMLDATE_PARAMS)
    except Exception:  # noqa: BLE001 — htmldate must never break a clean
        return None


def date_from_html(
    source: str | lhtml.HtmlElement, url: str | None = None, raw: str | None = None
) -> datetime | None:
    """Fallback publication date: htmldate (original date, with the time when the page
    gives one; ``raw`` is its answer when the caller already has it, e.g. from
    trafilatura's metadata), then :func:`date_from_url`. When htmldate has only the day, the
    time comes from a visible date line of that day (an element classed ``*time*``/``*date*``,
    e.g. ``<span class="post-time">07/03/2026 08:47</span>``) or from the URL. Midnight
    means the time is unknown. Comments (saving tools' dates) are never read."""
    found = None
    has_source = source is not None and (not isinstance(source, str) or bool(source))
    if raw is None and has_source:
        if isinstance(source, str):
            from micnews.cleaners.pageview import parse_html

            source = parse_html(source)
        raw = htmldate_raw(source, url) if source is not None else None
    if raw:
        found = parse_iso_datetime(raw)
    from_url = date_from_url(url) if url else None
    if found is None:
        return from_url
    if found.time() == datetime.min.time():  # htmldate has the day only: find its time
        lines = _visible_date_lines(source) if has_source else []
        for candidate in (lines, [from_url] if from_url else []):
            for value in candidate:
                if value.date() == found.date() and value.time() != datetime.min.time():
                    return value
    return found


# (a path through the class attributes: the same elements as a predicate tested on every
# element, "//*[contains(@class,'time') or … or self::time]", in a third of the time)
_DATE_CLASS_XPATH = (
    "//@class[contains(.,'time') or contains(.,'date') or contains(.,'publish')]/.. | //time"
)


def _visible_date_lines(source: str | lhtml.HtmlElement | None) -> list[datetime]:
    """Dates (with their times) in short elements whose class says time/date."""
    if isinstance(source, str):
        from micnews.cleaners.pageview import parse_html

        source = parse_html(source)
    if source is None:
        return []
    found = []
    for el in source.xpath(_DATE_CLASS_XPATH)[:50]:
        text = el.text_content()
        if len(text) <= 120:
            value = parse_vn_datetime(text)
            if value is not None:
                found.append(value)
    return found
