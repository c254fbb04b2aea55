"""Scrapy project settings of micnews (``scrapy crawl``, scrapyd).

Only what must be known before a crawler exists lives here; every crawl setting and its
default is in :mod:`micnews.crawler.defaults`, applied by the :mod:`micnews.crawler.addon`
add-on. Override any of them with ``-s NAME=VALUE`` (``scrapy crawl``, ``micnews crawl``)
or ``-d setting=NAME=VALUE`` (scrapyd).
"""

BOT_NAME = "micnews"
SPIDER_MODULES = ["micnews.crawler.spiders"]
NEWSPIDER_MODULE = "micnews.crawler.spiders"
# `scrapy crawl` exits with micnews's codes (1 nothing fetched, 3 interrupted, 75 locked)
COMMANDS_MODULE = "micnews.crawler.commands"
ADDONS = {"micnews.crawler.addon.Micnews": 0}
