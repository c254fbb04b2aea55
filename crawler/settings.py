"""Scrapy settings for micnews: polite defaults for government portals.

Everything micnews-specific is prefixed ``MICNEWS_`` and can be overridden with
``-s NAME=value`` on ``scrapy crawl`` or by the ``micnews`` command.
"""

BOT_NAME = "micnews"
SPIDER_MODULES = ["micnews.crawler.spiders"]
NEWSPIDER_MODULE = "micnews.crawler.spiders"

# Identify ourselves; site owners can reach us through the URL.
USER_AGENT = "micnews/0.1 (+https://github.com/micnews/micnews; research crawler)"
ROBOTSTXT_OBEY = True

# Politeness: government portals are small servers.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
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
TELNETCONSOLE_ENABLED = False
DEPTH_PRIORITY = 1  # breadth-first: home and listings (the template) before deep pages
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

ITEM_PIPELINES = {
    "micnews.crawler.pipelines.CleanPipeline": 100,
    "micnews.crawler.pipelines.SincePipeline": 150,
    "micnews.crawler.pipelines.DuplicatePipeline": 200,
    "micnews.crawler.pipelines.ParquetPipeline": 300,
}

# Listing pages and duplicates are dropped on purpose: not worth a warning.
DEFAULT_DROPITEM_LOG_LEVEL = "DEBUG"
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"

# micnews
MICNEWS_OUT = "output"  # dataset folder; Parquet goes to <out>/articles/
MICNEWS_BATCH_SIZE = 500  # rows per Parquet file flush

DOWNLOADER_MIDDLEWARES = {
    # the site boundary is host *and port*, redirects and dont_filter requests included
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "micnews.crawler.offsite.SiteOffsiteMiddleware": 50,
    "micnews.crawler.fetcherrors.FetchErrorMiddleware": 60,  # failures after retries: one log line
    "micnews.crawler.offsite.OffsiteRedirectMiddleware": 610,  # before RedirectMiddleware (600)
    # a body not received whole (short, cut gzip) is retried: sees it before decompression (590)
    "micnews.crawler.completeness.CompleteBodyMiddleware": 595,
    # before robots: known articles cost nothing
    "micnews.crawler.incremental.IncrementalMiddleware": 90,
    # after decompression (590), before retries (550)
    "micnews.crawler.warc.WarcWriterMiddleware": 580,
    # a retried request waits 1, 2, 4… s first
    "micnews.crawler.backoff.RetryBackoffMiddleware": 560,
}
SPIDER_MIDDLEWARES = {
    "micnews.crawler.diskfull.DiskFullSpiderMiddleware": 45,  # a full disk: stop, one line
}
EXTENSIONS = {
    "micnews.crawler.extensions.ProgressLine": 500,
    "micnews.crawler.extensions.StatsFile": 500,
}
HTTPERROR_ALLOWED_CODES = [304]  # a listing "not modified": the spider replays its links
MICNEWS_INCREMENTAL = True  # keep <out>/state.sqlite; skip articles already in the dataset
MICNEWS_REFRESH = False  # refetch known articles too
MICNEWS_SINCE = ""  # ISO date: write only articles published on or after it
MICNEWS_FLUSH_SECONDS = 30.0
MICNEWS_RETRY_BACKOFF = 1.0  # seconds before the first retry, doubled for each next one
MICNEWS_RETRY_BACKOFF_MAX = 30.0
MICNEWS_WARC_MAX_BYTES = 1024**3
MICNEWS_MAX_CALENDAR_PAGES = 60  # URLs per calendar (dates masked) before it is a trap
MICNEWS_MAX_LISTING_PAGE = 1000
MICNEWS_TEMPLATE_WARMUP = 8  # pages of an unprofiled site learned before its articles are cleaned
MICNEWS_TEMPLATE_WAIT = 5.0  # seconds an unprofiled site's first articles may wait for that
# distributed crawl (`micnews crawl --redis URL`, see crawler/distributed.py)
MICNEWS_REDIS_PREFIX = "micnews"  # Redis key prefix: one per dataset
MICNEWS_REDIS_IDLE_SECONDS = 30.0  # a worker exits after the shared queue stayed empty this long
MICNEWS_REDIS_HEARTBEAT_SECONDS = 5.0
MICNEWS_REDIS_WORKER_TTL = 30  # no heartbeat for this long: the worker is dead, requeue its work
