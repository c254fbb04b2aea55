"""No request to a site leaves before that site's robots.txt rules are known.

Scrapy's ``RobotsTxtMiddleware`` waits for robots.txt before a site's first request, but
when robots.txt cannot be fetched (a timeout or a reset once the retries are spent — each
worker of a distributed crawl fetches its own, under load) or answers 5xx, it lets every
request through, ``Disallow`` lines unread. This subclass fetches robots.txt again (up to
``MICNEWS_ROBOTS_ATTEMPTS`` times, each with Scrapy's retries) and, while the rules stay
unknown, sends nothing to that site: such requests end as one line each and the stat
``micnews/robots_unknown``; the next run tries again. A 4xx robots.txt still means "no
rules" (allow all), as the standard says. The spider's own robots.txt request (it reads the
sitemaps named there) is answered with the response fetched for the rules: robots.txt is
downloaded once per site and run, one round trip less before a site's sitemaps.
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)


REUSED = "robots.txt reused"  # the flag of an answer served again (not a download)


class RobotsUnknown(IgnoreRequest):
    """robots.txt answered 5xx or 429: its rules are not known."""


class RobotsFirstMiddleware(RobotsTxtMiddleware):
    """Downloader middleware (100, in place of Scrapy's): robots.txt known, or no request."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.attempts = max(1, crawler.settings.getint("MICNEWS_ROBOTS_ATTEMPTS"))
        self._unknown: set[str] = set()  # sites whose rules stayed unknown this run
        self._answers: dict[str, Response] = {}  # robots.txt as fetched for the rules

    async def process_request(self, request: Request, spider: object = None) -> Response | None:
        """The rules first (or no request); the spider's own robots.txt request (for its
        sitemaps) gets the answer fetched for the rules, not a second download."""
        await super().process_request(request)
        answer = self._answers.get(urlparse_cached(request).netloc)
        if answer is not None and request.url == answer.url:
            return answer.replace(request=request, flags=[*answer.flags, REUSED])
        return None

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        down = False  # the site cannot be reached at all (DNS, refused, TLS): the run's own
        tries = 0  # error says so
        while tries < (self.attempts if netloc not in self._unknown else 0):
            tries += 1
            unreachable = self._stats.get_value("micnews/unreachable", 0)
            parser = await super().robot_parser(request)
            if parser is not None:
                return parser
            if netloc in self._parsers and self._parsers[netloc] is None:
                del self._parsers[netloc]  # the fetch failed: the next await fetches again
            if self._stats.get_value("micnews/unreachable", 0) > unreachable:
                down = True
                break
        if netloc not in self._unknown:
            self._unknown.add(netloc)
            if not down:  # the run's error line, should no page be reached at all
                self._stats.set_value(
                    "micnews/robots_unknown_error",
                    f"robots.txt of {netloc} could not be read ({self.attempts} tries): "
                    "nothing was sent to that site")
            logger.log(logging.INFO if down else logging.WARNING,
                       "robots.txt of %s could not be fetched (%d tries): nothing is "
                       "sent to that site this run", netloc, tries)
        self._stats.inc_value("micnews/robots_unknown")
        raise IgnoreRequest(f"robots.txt of {netloc} unknown: {request.url} not sent")

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500 or response.status == 429:
            self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
            raise RobotsUnknown(f"robots.txt answered {response.status}")
        self._answers[netloc] = response
        await super()._parse_robots(response, netloc, request)
