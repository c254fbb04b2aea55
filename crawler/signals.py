"""micnews's own Scrapy signals (sent with ``micnews.crawler.signals.send_catch_log``)."""

# ParquetPipeline, after a batch is on disk and its URLs are committed in the crawl state.
batch_committed = object()
