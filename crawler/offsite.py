"""The site boundary: nothing outside the configured sites is fetched, redirects included.

Scrapy's own ``OffsiteMiddleware`` compares host names only (so another port of the
same host passes, and so does any subdomain) and lets ``dont_filter`` requests through.
A micnews site is its scheme's host *and port*, and the spider re-requests changed
sitemap entries with ``dont_filter``: this middleware asks the spider itself
(``spider.on_site(url)``) for every request, redirects and ``dont_filter`` ones too,
and refuses URLs that carry credentials (``user:pass@``), which are never sent.
:class:`OffsiteRedirectMiddleware` drops a redirect whose target is off-site or not
http(s) before Scrapy builds a request for it (a ``javascript:`` Location otherwise ends
in a ValueError traceback in the log).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached


class SiteOffsiteMiddleware(OffsiteMiddleware):
    """Downloader middleware: drop every request the spider does not call on-site."""

    def should_follow(self, request: Request, spider: Any) -> bool:
        """True for an http(s) URL of a configured site, without credentials."""
        on_site = getattr(spider, "on_site", None)
        if on_site is None:  # another spider: Scrapy's host rule
            return super().should_follow(request, spider)
        parts = urlparse_cached(request)
        return parts.username is None and parts.password is None and on_site(request.url)

    def process_request(self, request: Request, spider: Any = None) -> None:
        """Allowed, or :class:`IgnoreRequest` (``dont_filter`` does not cross the boundary)."""
        if request.meta.get("allow_offsite") or self.should_follow(request,
                                                                   self.crawler.spider):
            return
        host = urlparse_cached(request).hostname or request.url[:40]
        if host not in self.domains_seen:
            self.domains_seen.add(host)
            self.stats.inc_value("offsite/domains")
        self.stats.inc_value("offsite/filtered")
        raise IgnoreRequest(f"off-site request: {request.url}")


class OffsiteRedirectMiddleware:
    """Downloader middleware (before ``RedirectMiddleware``): off-site redirects end here."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OffsiteRedirectMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        on_site = getattr(self.crawler.spider, "on_site", None)
        if response.status not in (301, 302, 303, 307, 308) or not location or on_site is None:
            return response
        target = urljoin(request.url, location.decode("latin-1").strip())
        if on_site(target):
            return response
        self.crawler.stats.inc_value("offsite/redirects")
        raise IgnoreRequest(f"redirect off-site: {request.url} -> {target[:200]}")
