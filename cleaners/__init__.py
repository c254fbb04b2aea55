"""micnews cleaners: pure functions from a fetched page to a clean record.

Public entry points: :func:`clean` (one page), :func:`clean_many` (several pages;
learns each site's template text across them) and :func:`clean_html` (an HTML string).
"""

from micnews.cleaners.clean import clean, clean_html, clean_many
from micnews.cleaners.record import Image, NotArticle, Page, Record

__all__ = ["clean", "clean_html", "clean_many", "Image", "NotArticle", "Page", "Record"]
