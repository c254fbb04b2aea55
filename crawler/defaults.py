"""Every setting micnews sets or reads, defined once (as Scrapy's ``default_settings.py``).

The :class:`micnews.crawler.addon.Micnews` add-on applies these at the ``addon``
priority, so a project's ``settings.py``, a spider's ``custom_settings``, ``scrapy crawl
-s NAME=VALUE``, scrapyd's ``-d setting=NAME=VALUE`` and ``micnews crawl -s`` all override
them. The string under each setting documents it (the README's settings table links here);
code reads a setting without a fallback value (``settings.getint("MICNEWS_BATCH_SIZE")``),
which ``tests/test_settings.py`` checks.
"""

# -- Scrapy's own settings, tuned for small government servers --------------------------

USER_AGENT = "micnews/0.1 (+https://github.com/micnews/micnews; research crawler)"
"""Identify ourselves; site owners can reach us through the URL."""
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
"""Requests at once on one site (also what a distributed worker may claim per site)."""
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
COOKIES_ENABLED = False
DEPTH_PRIORITY = 1
"""Breadth-first: home and listings (the template) before deep pages."""
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
DEFAULT_DROPITEM_LOG_LEVEL = "DEBUG"
"""Listing pages and duplicates are dropped on purpose: not worth a warning."""
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
HTTPERROR_ALLOWED_CODES = [304]
"""A listing "not modified": the spider replays its links."""

# -- micnews's components (merged into Scrapy's component dicts) -------------------------

ITEM_PIPELINES = {
    "micnews.crawler.pipelines.CleanPipeline": 100,
    "micnews.crawler.pipelines.SincePipeline": 150,
    "micnews.crawler.pipelines.DuplicatePipeline": 200,
    "micnews.crawler.pipelines.ParquetPipeline": 300,
}
DOWNLOADER_MIDDLEWARES = {
    # the site boundary is host *and port*, redirects and dont_filter requests included
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "micnews.crawler.offsite.SiteOffsiteMiddleware": 50,
    "micnews.crawler.fetcherrors.FetchErrorMiddleware": 60,  # failures after retries: one line
    "micnews.crawler.incremental.IncrementalMiddleware": 90,  # before robots: known = free
    # robots.txt rules known before any request to a site leaves, or no request (fail closed)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "micnews.crawler.robots.RobotsFirstMiddleware": 100,
    "micnews.crawler.runrules.UnreachableSiteMiddleware": 570,  # before retries (550)
    "micnews.crawler.backoff.RetryBackoffMiddleware": 560,  # a retry waits 1, 2, 4… s first
    "micnews.crawler.warc.WarcWriterMiddleware": 580,  # after decompression (590)
    "micnews.crawler.offsite.OffsiteRedirectMiddleware": 610,  # before RedirectMiddleware
    # a body not received whole (short, cut gzip) is retried: seen before decompression (590)
    "micnews.crawler.completeness.CompleteBodyMiddleware": 595,
    "micnews.crawler.report.SiteCounts": 860,  # every answer, retried ones too
    "micnews.crawler.fetchtime.FetchTimeMiddleware": 990,  # when each response arrived
}
SPIDER_MIDDLEWARES = {
    "micnews.crawler.diskfull.DiskFullSpiderMiddleware": 45,  # a full disk: stop, one line
}
EXTENSIONS = {
    # no control listener: neither the telnet console nor Scrapy's remote-control HTTP
    # server (it writes a job file under ~ and imports aiohttp, 0.2 s of every start-up)
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.remote_control.RemoteControl": None,
    "micnews.crawler.runrules.RunRules": 100,  # first: the site lock before anything opens
    "micnews.crawler.stateowner.StateOwner": 110,
    "micnews.crawler.extensions.ProgressLine": 500,
    "micnews.crawler.extensions.StatsFile": 500,
}

# -- micnews settings ---------------------------------------------------------------------

MICNEWS_OUT = "output"
"""The dataset: a folder or a filesystem URI (s3://…); Parquet goes to ``<out>/articles/``."""
MICNEWS_BATCH_SIZE = 500
"""Rows per Parquet file flush."""
MICNEWS_FLUSH_SECONDS = 30.0
"""A batch is flushed at the latest this many seconds after the previous flush."""
MICNEWS_INCREMENTAL = True
"""Keep the crawl state (``<out>/state.sqlite``); skip articles already in the dataset."""
MICNEWS_STATE = ""
"""Path of the SQLite crawl state; empty: ``state.sqlite`` in the dataset's (staging) folder."""
MICNEWS_REFRESH = False
"""Fetch articles already in the dataset again (``micnews crawl --refresh``)."""
MICNEWS_SINCE = ""
"""ISO date: write only articles published on or after it (``micnews crawl --since``)."""
MICNEWS_RETRY_BACKOFF = 1.0
"""Seconds before the first retry of a request, doubled for each next one."""
MICNEWS_RETRY_BACKOFF_MAX = 30.0
"""Longest wait before a retry, in seconds."""
MICNEWS_ROBOTS_ATTEMPTS = 3
"""Fetches of a site's robots.txt (each with its retries) before its requests are dropped."""
MICNEWS_RETRY_AFTER_MAX = 600.0
"""Longest ``Retry-After`` (429/503) honoured, in seconds."""
MICNEWS_WARC_MAX_BYTES = 1024**3
"""A WARC file is rotated once it is this large."""
MICNEWS_MAX_CALENDAR_PAGES = 60
"""URLs per calendar (dates masked) before it is a trap; per site, across workers."""
MICNEWS_MAX_LISTING_PAGE = 1000
"""Listing page numbers above this are a trap."""
MICNEWS_TEMPLATE_WARMUP = 8
"""Pages of an unprofiled site learned before its articles are cleaned."""
MICNEWS_TEMPLATE_WAIT = 5.0
"""Seconds an unprofiled site's first articles may wait for that."""
MICNEWS_PROGRESS = True
"""Show the live progress line on stderr (only when it is a terminal)."""
MICNEWS_SITE_LOCK = True
"""One run per site and dataset at a time (``<out>/locks/``, exit 75); off for
distributed workers, which share sites on purpose."""

# archived copies (`micnews crawl --archive`, see crawler/archive.py; its politeness
# defaults are ArchiveSpider.custom_settings)
MICNEWS_ARCHIVE = ""
"""Crawl archived copies instead of the live site: ``wayback``, ``commoncrawl`` or
``commoncrawl:CC-MAIN-…``; empty: the live site."""
MICNEWS_ARCHIVE_URL = ""
"""The archive's index; empty: web.archive.org/web or index.commoncrawl.org."""
MICNEWS_ARCHIVE_FROM = ""
"""YYYY[-MM[-DD]]: captures from then on."""
MICNEWS_ARCHIVE_TO = ""
"""YYYY[-MM[-DD]]: captures until the end of that period."""
MICNEWS_ARCHIVE_EVERY_CAPTURE = False
"""Every distinct capture, not only the last per URL."""
MICNEWS_ARCHIVE_CDX_LIMIT = 5000
"""Index rows per Wayback Machine request (then resumeKey)."""

# distributed crawl (`micnews crawl --redis URL`, see crawler/distributed.py)
MICNEWS_REDIS_URL = ""
"""Redis of a distributed crawl; set: the frontier and the crawl state live there."""
MICNEWS_REDIS_PREFIX = "micnews"
"""Redis key prefix: one per dataset."""
MICNEWS_REDIS_WORKER = False
"""This process is a worker of a distributed crawl (its entry points were seeded)."""
MICNEWS_REDIS_IDLE_SECONDS = 30.0
"""A worker exits after the shared queue stayed empty this long."""
MICNEWS_REDIS_HEARTBEAT_SECONDS = 5.0
"""How often a worker refreshes its alive key and looks for dead workers."""
MICNEWS_REDIS_POLL_SECONDS = 0.25
"""How often a worker holding no request looks at the shared queue for new work
(0: only on each heartbeat and Scrapy's own 5 s poll)."""
MICNEWS_REDIS_WORKER_TTL = 30
"""No heartbeat for this long: the worker is dead, its claims go back to the queue."""
MICNEWS_REDIS_PREFETCH = 2
"""Requests per site a worker may claim beyond ``CONCURRENT_REQUESTS_PER_DOMAIN``."""
