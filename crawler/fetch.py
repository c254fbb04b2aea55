"""Fetch one input of ``micnews scrape``: an http(s) URL or a local archived page."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from micnews.cleaners.record import Page, utcnow
from micnews.crawler.defaults import DOWNLOAD_MAXSIZE, DOWNLOAD_TIMEOUT, USER_AGENT


class FetchError(Exception):
    """An input that could not be read; the message is one line for the user."""


def input_url(value: str) -> str:
    """The URL a record reports for an input: URLs as given (less any ``user:pass@``:
    credentials are never sent nor stored), paths as absolute ``file://``."""
    if "://" in value:
        try:
            parts = urlsplit(value)
        except ValueError:  # malformed: reported by fetch()
            return value
        if "@" in parts.netloc:
            return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
        return value
    return Path(value).resolve().as_uri()


def fetch(value: str) -> Page:
    """Read a URL or a local file into a :class:`Page`."""
    if value.startswith(("http://", "https://")):
        return _fetch_http(input_url(value))
    path = Path(value[len("file://"):] if value.startswith("file://") else value)
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise FetchError(f"{value}: cannot read file ({exc.strerror or exc})") from exc
    return Page(url=input_url(value), body=body, headers={}, status=200, fetched_at=utcnow())


def _fetch_http(url: str) -> Page:
    try:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT) as resp:
            body = resp.read(DOWNLOAD_MAXSIZE + 1)
            if len(body) > DOWNLOAD_MAXSIZE:
                raise FetchError(f"{url}: larger than {DOWNLOAD_MAXSIZE} bytes")
            headers = {k.lower(): v for k, v in resp.headers.items()}
            return Page(url=resp.geturl(), body=body, headers=headers,
                        status=resp.status, fetched_at=utcnow())
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"{url}: {reason}") from exc
    except ValueError as exc:  # a malformed URL (bad IPv6 literal, bad port)
        raise FetchError(f"{url}: not a valid URL ({exc})") from exc
