"""The site boundary: nothing outside the configured sites is fetched, redirects included.

Scrapy's own ``OffsiteMiddleware`` compares host names only (so another port of the
same host passes, and so does any subdomain) and lets ``dont_filter`` requests through.
A micnews site is its scheme's host *and port*, and the spider re-requests changed
sitemap entries with ``dont_filter``: this middleware asks the spider itself
(``spider.on_site(url)``) for every request, redirects and ``dont_filter`` ones too,
and refuses URLs that carry credentials (``user:pass@``), which are never sent.
:class:`OffsiteRedirectMiddleware` drops a redirect whose target is off-site or not
http(s) before Scrapy builds a request for it (a ``javascript:`` Location otherwise ends
in a ValueError traceback in the log). When that redirect is a site's entry point moving
permanently (301/308) to a host the site does not list, the run says so in one warning
line naming the host and the two ways on: an alias in the sites file, or ``--archive``.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)

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
        self.moved: set[str] = set()  # sites whose move was reported

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
        if response.status in (301, 308) and request.meta.get("micnews_entry"):
            self._report_move(request.url, target)
        raise IgnoreRequest(f"redirect off-site: {request.url} -> {target[:200]}")

    def _report_move(self, url: str, target: str) -> None:
        """One line per site: where its entry point moved, and how to follow it."""
        site_name = getattr(self.crawler.spider, "site_name", None)
        name = site_name(url) if site_name else ""
        host = urlsplit(target).netloc.rpartition("@")[2]
        if not host or name in self.moved:
            return
        self.moved.add(name)
        self.crawler.stats.inc_value("micnews/site_moved")
        logger.warning(
            "site %s moved: %s redirects permanently to host %s, which the site does not "
            "list; add aliases = [\"%s\"] to [%s] in the sites file to follow it, or "
            "crawl its archived copies with --archive wayback",
            name or url, url, host, host, name or "the site's table")
