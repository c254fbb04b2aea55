"""Only for ``scrapyd-deploy``, which builds an egg with ``setup.py bdist_egg`` (and would
write its own setup.py here otherwise). Everything is declared in pyproject.toml,
including the ``scrapy`` entry point scrapyd reads the settings module from."""

from pathlib import Path

from setuptools import setup
from setuptools.command.bdist_egg import bdist_egg


class EggWithPackageInit(bdist_egg):
    """An egg is a zip file, and Python's zip importer finds no namespace package in one:
    the egg's ``micnews/`` gets an empty ``__init__.py`` (wheels are unchanged)."""

    def copy_metadata_to(self, target_dir: str) -> None:
        init = Path(self.bdist_dir) / "micnews" / "__init__.py"
        if init.parent.is_dir() and not init.exists():
            init.write_text("")
        super().copy_metadata_to(target_dir)


setup(cmdclass={"bdist_egg": EggWithPackageInit})
