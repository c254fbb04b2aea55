"""micnews cleaners: pure functions from a fetched page to a clean record.

Public entry points: :func:`clean` (one page), :func:`clean_many` (several pages;
learns each site's template text across them), :func:`clean_html` (an HTML string) and
:func:`load` (the Parquet dataset as a pyarrow Dataset)::

    from micnews.cleaners import load, clean

They are imported on first use, so ``import micnews.cleaners`` (and the ``micnews``
command's start) does not pay for trafilatura and pyarrow until they are needed.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from micnews.cleaners.clean import clean, clean_html, clean_many
    from micnews.cleaners.dataset import load
    from micnews.cleaners.record import Image, NotArticle, Page, Record

_HOMES = {
    "clean": "clean", "clean_html": "clean", "clean_many": "clean",
    "load": "dataset",
    "Image": "record", "NotArticle": "record", "Page": "record", "Record": "record",
}
__all__ = ["Image", "NotArticle", "Page", "Record", "clean", "clean_html", "clean_many", "load"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(ModuleType):
    """The function ``clean`` shares its name with the module ``cleaners/clean.py``; importing
    that module would set the package attribute to the module, so the function keeps it."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "clean" and isinstance(value, ModuleType):
            return  # the module stays reachable as sys.modules["micnews.cleaners.clean"]
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
