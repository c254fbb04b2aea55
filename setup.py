"""Only for ``scrapyd-deploy``, which builds an egg with ``setup.py bdist_egg`` (and would
write its own setup.py here otherwise). Everything is declared in pyproject.toml,
including the ``scrapy`` entry point scrapyd reads the settings module from."""

from setuptools import setup

setup()
