"""micnews's crawl as a Scrapy add-on (``ADDONS = {"micnews.crawler.addon.Micnews": 0}``).

One place wires micnews into Scrapy: the defaults of :mod:`micnews.crawler.defaults`
(component dicts merged, every other setting set) at the ``addon`` priority, below a
project's ``settings.py``, a spider's ``custom_settings`` and ``-s`` on the command line.
``micnews crawl``, ``scrapy crawl`` and a scrapyd job all get their configuration here,
and the run rules (site lock, exit code, health) from the extensions it enables.
"""

from __future__ import annotations

import os
from typing import Any

from scrapy.settings import BaseSettings, Settings

from micnews.crawler import defaults


def default_settings() -> dict[str, Any]:
    """Every setting of :mod:`micnews.crawler.defaults`, by name."""
    return {name: getattr(defaults, name) for name in dir(defaults) if name.isupper()}


class Micnews:
    """The Scrapy add-on: applies micnews's defaults and components."""

    def update_settings(self, settings: BaseSettings) -> None:
        apply_defaults(settings)


def apply_defaults(settings: BaseSettings) -> None:
    """Set micnews's defaults at the ``addon`` priority (idempotent)."""
    for name, value in default_settings().items():
        current = settings.get(name)
        if isinstance(value, dict) and isinstance(current, BaseSettings):
            current.update(value, priority="addon")  # merged key by key
        else:
            settings.set(name, value, priority="addon")


def crawl_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """The project settings with micnews's defaults applied and ``overrides`` on top (the
    ``cmdline`` priority): what ``micnews crawl`` hands Scrapy, readable before a crawler
    exists."""
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "micnews.crawler.settings")
    settings = get_project_settings()
    apply_defaults(settings)
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings
