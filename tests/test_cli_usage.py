"""The command line a person expects: flags look like flags, one meaning per option letter,
and the command starts without importing the crawl and cleaning machinery."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from micnews.crawler.cli import app

COMMANDS = ["crawl", "scrape", "reclean", "sites", "compact", "dedup", "stats", "export"]
HEAVY = ("scrapy", "trafilatura", "pyarrow", "duckdb", "htmldate", "ftfy")


def _help(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "200"}, color=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_flags_show_as_flags(command):
    text = _help(command)
    for flag in ("--help", *(["--demo", "--refresh", "--seed"] if command == "crawl" else [])):
        line = next(line for line in text.splitlines() if flag in line)
        assert not re.search(r"<bool>|BOOLEAN", line), line


def test_scrape_usage_names_its_inputs_plainly():
    usage = next(line for line in _help("scrape").splitlines() if "Usage:" in line)
    assert "INPUTS..." in usage and "{" not in usage, usage


@pytest.mark.parametrize("command", COMMANDS)
def test_one_meaning_per_option_letter(command):
    """``--out`` is a dataset folder everywhere; ``-o`` is ``--output``, a file written."""
    text = _help(command)
    for line in text.splitlines():
        if re.search(r"(?<![\w-])-o(?![\w-])", line):
            assert "--output" in line and "FILE" in line, line
        if re.search(r"--out(?![\w-])", line):
            assert "Dataset folder" in line, line


def _imported_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_command_starts_without_the_heavy_modules():
    """`micnews --help` and a usage error import typer and rich, not scrapy/trafilatura/pyarrow
    (measured start-up: BENCHMARKS.md)."""
    assert _imported_after("import micnews.crawler.cli") == []


def test_public_entry_point_is_lazy_and_works():
    assert _imported_after("import micnews.cleaners") == []
    from micnews.cleaners import clean, load
    from micnews.cleaners.clean import clean as clean_function
    from micnews.cleaners.dataset import load as load_function

    assert clean is clean_function and load is load_function
    import micnews.cleaners

    assert {"clean", "load", "clean_many", "Record"} <= set(dir(micnews.cleaners))
    with pytest.raises(AttributeError):
        micnews.cleaners.no_such_name  # noqa: B018
