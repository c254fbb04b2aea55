"""``micnews report``: one offline HTML page about a dataset and its recent runs.

Lives on :data:`report_app`; the main app adds it like the dataset commands. The
numbers come from :mod:`micnews.cleaners.report`, the page from
:mod:`micnews.cleaners.report_html`; this module only checks paths and writes the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

report_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
err = Console(stderr=True)
REPORT_NAME = "report.html"


class ReportError(Exception):
    """The report could not be built or written (one line for the user)."""


def default_output(out: str) -> Path:
    """``DIR/report.html`` for a local dataset, ``./report.html`` for a remote one."""
    from micnews.cleaners.storage import locate

    loc = locate(out)
    return Path(REPORT_NAME) if loc.remote else loc.staging / REPORT_NAME


def crawl_exit_code(stats: dict) -> int:
    """The exit code ``micnews crawl`` gave a run whose stats file does not record it."""
    from micnews.crawler.run import CrawlSummary

    return CrawlSummary(stats=stats).exit_code


def write_report(out: str, output: Path | None = None, last_runs: int = 10) -> Path:
    """Build the report of the dataset at ``out`` and write it (atomically). Returns the path."""
    import pyarrow as pa

    from micnews.cleaners.dataset import DatasetError
    from micnews.cleaners.report import load_report
    from micnews.cleaners.report_html import render
    from micnews.cleaners.storage import StorageError, locate

    loc = locate(out)
    if not loc.remote and not loc.staging.is_dir():
        raise ReportError(f"no dataset folder at {out}")
    try:
        page = render(load_report(out, last_runs=last_runs, exit_rule=crawl_exit_code))
    except (DatasetError, StorageError, OSError, pa.ArrowException) as exc:
        raise ReportError(f"cannot read the dataset: {exc}".splitlines()[0]) from None
    path = output or default_output(out)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(page, "utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


@report_app.command()
def report(
    out: Annotated[str, typer.Option("--out", help="Dataset folder, or a filesystem URI "
                                     "(s3://bucket/prefix, …).")] = "output",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="HTML file to write (default: DIR/report.html).",
        show_default=False)] = None,
    runs: Annotated[int, typer.Option(help="How many of the last runs to show.")] = 10,
) -> None:
    """Write one self-contained HTML report: coverage, extraction health, syndication, runs."""
    try:
        path = write_report(out, output, last_runs=runs)
    except ReportError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    Console().print(f"report: {path}", highlight=False, soft_wrap=True)


def report_after_crawl(out: str) -> None:
    """Write the report after a crawl and name it; a failure is a warning, never the crawl's."""
    try:
        path = write_report(out)
    except ReportError as exc:
        err.print(f"[yellow]warning:[/yellow] no report: {exc}", highlight=False, soft_wrap=True)
        return
    Console().print(f"report: {path}", highlight=False, soft_wrap=True)
