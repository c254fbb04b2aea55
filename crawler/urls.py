"""URL hygiene: one spelling per page, and the shapes of crawler traps."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that name a session or a campaign, never a page.
SESSION_PARAMS = frozenset({
    "phpsessid", "sid", "sessionid", "session_id", "jsessionid", "aspsessionid", "cfid",
    "cftoken", "p_p_auth", "fbclid", "gclid", "_ga", "utm_source", "utm_medium",
    "utm_campaign", "utm_term", "utm_content", "nvvithemever",
})
_PATH_SESSION = re.compile(r";(jsessionid|sid|phpsessid)=[^/?#]*", re.I)
_DATE_IN_URL = re.compile(
    r"(?<!\d)((?:19|20)\d\d)[-/_.]?(0?[1-9]|1[0-2])[-/_.]?(0?[1-9]|[12]\d|3[01])(?!\d)"
)
_PAGE_NUMBER = re.compile(r"(?<![a-z])(?:page|trang)[-=/_]?(\d+)", re.I)


def canonical_url(url: str) -> str:
    """Canonical spelling: no fragment, no session/tracking params, sorted query, lower host,
    no credentials (``user:pass@`` is never requested nor stored)."""
    url = _PATH_SESSION.sub("", url)
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in SESSION_PARAMS]
    netloc = parts.netloc.rpartition("@")[2]
    cleaned = urlunsplit((parts.scheme, netloc, parts.path or "/", urlencode(query), ""))
    return canonicalize_url(cleaned, keep_fragments=False)


def trap_key(url: str) -> str | None:
    """A key shared by every URL of one calendar (dates masked), or None if the URL has no date.

    Endless calendars differ only in the date they show; articles differ in their slug too,
    so masking dates groups a calendar's pages and leaves articles apart.
    """
    parts = urlsplit(url)
    tail = parts.path + "?" + parts.query
    if not _DATE_IN_URL.search(tail) and not _has_date_params(parts.query):
        return None
    masked = _DATE_IN_URL.sub("{date}", tail)
    query = "&".join(f"{k}={{v}}" if _is_date_param(k) else f"{k}={v}"
                     for k, v in parse_qsl(parts.query, keep_blank_values=True))
    return parts.netloc + masked.split("?")[0] + "?" + _DATE_IN_URL.sub("{date}", query)


def out_of_range_date(url: str, today: date | None = None) -> bool:
    """True when the URL names a year no news page can have (before 1990 or after next year)."""
    this_year = (today or date.today()).year
    for match in _DATE_IN_URL.finditer(url):
        if not 1990 <= int(match.group(1)) <= this_year + 1:
            return True
    params = dict(parse_qsl(urlsplit(url).query))
    for key in ("year", "nam", "y"):
        value = params.get(key, "")
        if value.isdigit() and not 1990 <= int(value) <= this_year + 1:
            return True
    return False


def page_number(url: str) -> int | None:
    """The listing page number a URL asks for (``page-7``, ``trang-7``, ``?page=7``)."""
    match = _PAGE_NUMBER.search(urlsplit(url).path + "?" + urlsplit(url).query)
    return int(match.group(1)) if match else None


_DATE_PARAMS = {"date", "day", "month", "year", "ngay", "thang", "nam", "d", "m", "y", "time"}


def _is_date_param(key: str) -> bool:
    return key.lower() in _DATE_PARAMS


def _has_date_params(query: str) -> bool:
    return any(_is_date_param(k) for k, _ in parse_qsl(query))
