"""Exit codes of a crawl, the same for ``micnews crawl``, ``scrapy crawl`` and scrapyd jobs
(README, "Scheduled crawls")."""

OK = 0  # done
FAILED = 1  # nothing could be fetched, or the crawl could not start
USAGE = 2  # bad usage: unknown site, bad option, unwritable folder
INTERRUPTED = 3  # stopped by a signal; everything written so far stays
LOCKED = 75  # EX_TEMPFAIL: another run of the same site is going on, try again later
