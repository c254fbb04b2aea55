"""One spider name per configured site, so ``scrapy crawl mic`` works.

Each is the generic :class:`NewsSpider` with its site fixed; site knowledge stays
in ``crawler/sites.toml`` and the cleaners' profiles, not here.
"""

from __future__ import annotations

from micnews.crawler.sites import SiteConfigError, load_sites
from micnews.crawler.spiders.news import NewsSpider


def _site_spiders() -> dict[str, type[NewsSpider]]:
    try:
        sites = load_sites()
    except SiteConfigError:
        return {}
    return {
        name: type(f"Site_{name.replace('-', '_')}", (NewsSpider,),
                   {"name": name, "site_names": (name,), "__module__": __name__})
        for name in sites
    }


globals().update({cls.__name__: cls for cls in _site_spiders().values()})
