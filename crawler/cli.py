"""The ``micnews`` command: crawl sites, scrape single pages."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from micnews.crawler.exitcodes import EXIT_USAGE
from micnews.crawler.sites import SiteConfigError, load_sites, resolve_targets

if TYPE_CHECKING:
    from micnews.cleaners.record import Record

# Heavy modules (scrapy, trafilatura, pyarrow) are imported inside the commands that use them,
# so `micnews --help` and a mistyped command answer at once.

app = typer.Typer(
    help="Crawl Vietnamese government news portals into a clean Parquet dataset.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print a one-line error and return the exit to raise."""
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@app.command()
def crawl(
    targets: Annotated[list[str] | None, typer.Argument(
        help="Configured site names (see `micnews sites`) or URLs; none = all configured sites.",
        show_default=False)] = None,
    out: Annotated[str, typer.Option("--out", help="Dataset folder to append to, or a filesystem "
                                     "URI (s3://bucket/prefix, gs://…, hdfs://…).")] = "output",
    max_pages: Annotated[int, typer.Option(help="Stop after this many pages (0 = no limit).")] = 0,
    since: Annotated[str | None, typer.Option(
        help="Write only articles published on or after this date (YYYY-MM-DD).")] = None,
    refresh: Annotated[bool, typer.Option(
        "--refresh", help="Fetch articles already in the dataset again (a new row only "
        "for those whose text changed).")] = False,
    demo: Annotated[bool, typer.Option(
        "--demo", help="Crawl the bundled demo site, served on 127.0.0.1 (no network).")] = False,
    sites_file: Annotated[Path | None, typer.Option(help="Sites file (TOML).")] = None,
    log_level: Annotated[str, typer.Option(help="Scrapy log level.")] = "WARNING",
    set_: Annotated[list[str] | None, typer.Option(
        "--set", "-s", help="Scrapy setting NAME=VALUE (repeatable), as `scrapy crawl -s`.")]
        = None,
    redis_url: Annotated[str | None, typer.Option(
        "--redis", help="Distributed crawl: work from the shared queue in Redis "
        "(redis://HOST:PORT/DB); the same targets on every worker.", show_default=False)]
        = None,
    seed: Annotated[bool, typer.Option(
        "--seed", help="With --redis: queue the targets' entry points, then exit.")] = False,
    archive: Annotated[str | None, typer.Option(
        "--archive", help="Crawl the sites' archived copies instead: wayback (the Wayback "
        "Machine), commoncrawl (every crawl in --from/--to) or commoncrawl:CC-MAIN-YYYY-WW.",
        show_default=False, rich_help_panel="Archived copies")] = None,
    archive_url: Annotated[str | None, typer.Option(
        "--archive-url", help="Another archive: a pywb collection's replay prefix "
        "(http://HOST/COLL) or a Common Crawl-style index server.", show_default=False,
        rich_help_panel="Archived copies")] = None,
    date_from: Annotated[str | None, typer.Option(
        "--from", help="With --archive: captures from this date on (YYYY[-MM[-DD]]).",
        show_default=False, rich_help_panel="Archived copies")] = None,
    date_to: Annotated[str | None, typer.Option(
        "--to", help="With --archive: captures up to the end of this date (YYYY[-MM[-DD]]); "
        "per URL the last capture before it is taken.", show_default=False,
        rich_help_panel="Archived copies")] = None,
    every_capture: Annotated[bool, typer.Option(
        "--every-capture", help="With --archive: every distinct capture of a URL, not only "
        "the last one.", rich_help_panel="Archived copies")] = False,
) -> None:
    """Crawl sites and append clean articles to the Parquet dataset.

    Exit codes: 0 done, 1 nothing could be fetched, 2 bad usage, 3 interrupted
    (everything written so far stays), 74 the disk is full, 75 another run of the same
    site is going on (crawler/exitcodes.py).
    """
    # usage checks first, before the crawl machinery (scrapy, trafilatura, pyarrow) is imported:
    # a mistake is one error line at once
    created = _check_writable(out)
    # a full disk is said once, by this command's `error:` line (scrapy crawl logs it)
    logging.getLogger("micnews.crawler.diskfull").setLevel(logging.CRITICAL)
    settings: dict[str, object] = {"LOG_LEVEL": log_level.upper(), "MICNEWS_REFRESH": refresh}
    settings.update(_parse_set_options(set_ or []))
    if since:
        try:
            date.fromisoformat(since)
        except ValueError:
            raise fail(f"--since wants a date like 2024-01-31, not {since!r}") from None
        settings["MICNEWS_SINCE"] = since
    if archive or archive_url or date_from or date_to or every_capture:
        settings.update(_archive_settings(archive, archive_url, date_from, date_to,
                                          every_capture, demo or bool(redis_url or seed)))
    if redis_url or seed:
        _distributed_checks(redis_url, seed, demo)
    if seed:
        _seed(list(targets or []), redis_url or "", settings, sites_file)
        return
    if not demo:
        try:  # fail fast, before the engine starts, on a bad name or sites file
            chosen = resolve_targets(list(targets or []), load_sites(sites_file))
        except SiteConfigError as exc:
            raise fail(str(exc)) from None

    from micnews.crawler.diskfull import DiskFull
    from micnews.crawler.exitcodes import EXIT_DISK_FULL, EXIT_FAILED, EXIT_LOCKED, EXIT_USAGE
    from micnews.crawler.lock import AlreadyRunning
    from micnews.crawler.run import CrawlError, run_crawl
    from micnews.crawler.runrules import NoSiteGiven

    try:
        if demo:
            from micnews.crawler.demo.server import start_demo

            # our own loopback server: no need to be polite (an explicit --set still wins)
            settings = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, **settings}
            with start_demo(warn=_warn) as server:
                urls = [s.base_url + "/" for s in server.sites.values()]
                err.print(f"demo sites: {', '.join(urls)}", highlight=False)
                summary = run_crawl(urls, out=out, max_pages=max_pages, settings=settings)
        else:
            for site in chosen if not archive else []:
                if site.status == "archive-only":
                    _warn(f"site {site.name} is archive-only in the sites file: its news is "
                          f"in web archives (micnews crawl {site.name} --archive wayback)")
            summary = run_crawl(list(targets or []) or [s.name for s in chosen], out=out,
                                max_pages=max_pages, settings=settings, sites_file=sites_file,
                                redis_url=redis_url)
    except SiteConfigError as exc:
        raise fail(str(exc)) from None
    except AlreadyRunning as exc:
        raise fail(str(exc), code=EXIT_LOCKED) from None
    except NoSiteGiven as exc:
        raise fail(str(exc), code=EXIT_USAGE) from None
    except DiskFull as exc:
        raise fail(str(exc), code=EXIT_DISK_FULL) from None
    except CrawlError as exc:
        raise fail(str(exc), code=EXIT_FAILED) from None
    if summary.get("response_received_count"):  # a run that reached no site: one line
        summary.print_table(Console())
    if created is not None and summary.get("micnews/fetched_nothing", False):
        with contextlib.suppress(OSError):  # the run rules emptied it: leave no trace
            created.rmdir()
    from micnews.crawler.profilehealth import rotten, warning

    for h in rotten(summary.stats):  # profile health: a redesign noticed the day it happens
        err.print(f"warning: {warning(h)}", highlight=False)
    if demo:
        from micnews.crawler.cli_report import report_after_crawl

        report_after_crawl(out)
    if summary.error:
        raise fail(summary.error, code=summary.exit_code)
    raise typer.Exit(summary.exit_code)


def _archive_settings(archive: str | None, archive_url: str | None, date_from: str | None,
                      date_to: str | None, every: bool, other_mode: bool) -> dict[str, object]:
    """The ``MICNEWS_ARCHIVE*`` settings of ``--archive`` and its options, checked."""
    from micnews.crawler.cdx import ArchiveError, parse_source, window_bound

    if not archive:
        raise fail("--archive-url, --from, --to and --every-capture go with --archive")
    if other_mode:
        raise fail("--archive cannot be combined with --demo, --redis or --seed")
    try:
        parse_source(archive, archive_url)
        start, stop = window_bound(date_from, end=False), window_bound(date_to, end=True)
    except ArchiveError as exc:
        raise fail(str(exc)) from None
    if start and stop and start > stop:
        raise fail(f"--from {date_from} is after --to {date_to}")
    return {"MICNEWS_ARCHIVE": archive, "MICNEWS_ARCHIVE_URL": archive_url or "",
            "MICNEWS_ARCHIVE_FROM": date_from or "", "MICNEWS_ARCHIVE_TO": date_to or "",
            "MICNEWS_ARCHIVE_EVERY_CAPTURE": every}


def _warn(line: str) -> None:
    err.print(f"[yellow]warning:[/yellow] {line}", highlight=False, soft_wrap=True)


def _parse_set_options(pairs: list[str]) -> dict[str, object]:
    """``-s NAME=VALUE`` pairs as settings. A value for a dict setting (or one that looks like
    a JSON object) must parse as JSON, as Scrapy's ``getdict`` will parse it: checked here, so a
    typo is one error line before the crawl starts, not a traceback from inside the engine."""
    parsed: dict[str, object] = {}
    if not pairs:
        return parsed
    from scrapy.settings import default_settings

    from micnews.crawler import settings as project_settings

    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise fail(f"--set wants NAME=VALUE, not {pair!r}")
        default = getattr(project_settings, name, getattr(default_settings, name, None))
        if isinstance(default, dict) or value.lstrip().startswith("{"):
            try:
                json.loads(value)
            except ValueError as exc:
                raise fail(f"--set {name}: not valid JSON ({exc}): {value!r}") from None
        parsed[name] = value
    return parsed


def _distributed_checks(redis_url: str | None, seed: bool, demo: bool) -> None:
    from micnews.crawler.distributed import RedisUnavailable, check_redis

    if seed and not redis_url:
        raise fail("--seed needs --redis URL")
    if demo:
        raise fail("--demo cannot be crawled with --redis (its server lives in this process)")
    try:
        check_redis(redis_url or "")
    except RedisUnavailable as exc:
        raise fail(str(exc)) from None


def _seed(targets: list[str], redis_url: str, settings: dict[str, object],
          sites_file: Path | None) -> None:
    from micnews.crawler.distributed import seed

    try:
        chosen = resolve_targets(targets, load_sites(sites_file))
        added = seed(targets or [s.name for s in chosen], redis_url, settings, sites_file)
    except SiteConfigError as exc:
        raise fail(str(exc)) from None
    err.print(f"queued {added} entry requests for {len(chosen)} site(s) on {redis_url}; "
              "start workers with the same targets and --redis", highlight=False)


class Format(StrEnum):
    jsonl = "jsonl"
    json = "json"
    text = "text"


@app.command()
def scrape(
    inputs: Annotated[list[str], typer.Argument(help="URLs or local .html files.")],
    fmt: Annotated[Format | None, typer.Option(
        "--format", "-f", help="jsonl (default when piped), json, or text (default on a terminal).",
        show_default=False)] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the records to FILE instead of stdout; a .parquet name "
        "writes Parquet.")]
        = None,
) -> None:
    """Clean single pages and print one record per input."""
    from micnews.cleaners import clean_many
    from micnews.cleaners.record import NotArticle
    from micnews.crawler.fetch import FetchError, fetch, input_url

    pages, urls, failures = [], [], 0
    for value in inputs:
        try:
            pages.append(fetch(value))
            urls.append(input_url(value))
        except FetchError as exc:
            err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
            failures += 1
    records: list[Record] = []
    for given, result in zip(urls, clean_many(pages), strict=True):
        if isinstance(result, NotArticle):
            err.print(f"[yellow]not an article:[/yellow] {given}: {result.reason}",
                      highlight=False, soft_wrap=True)
            failures += 1
            continue
        records.append(dataclasses.replace(result, url=given))
    try:
        _write_records(records, fmt, output)
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror or exc}") from None
    if failures:
        raise typer.Exit(1)


@app.command()
def reclean(
    source: Annotated[str, typer.Option(
        "--from", help="Dataset folder whose warc/ to replay (or a folder of WARC files).")]
        = "output",
    out: Annotated[str, typer.Option("--out", help="Dataset folder to write.")]
        = "output-reclean",
    workers: Annotated[int, typer.Option(help="Worker processes (0 = one per core).")] = 0,
) -> None:
    """Rebuild a dataset from the raw WARC archive with the current cleaners (no network)."""
    from micnews.cleaners.storage import display, is_uri
    from micnews.crawler.reclean import reclean as run_reclean
    from micnews.crawler.reclean import warc_files

    folder = Path(source)
    if is_uri(source):  # kept whole: a Path would fold s3:// into s3:/
        if not source.startswith("file://"):
            raise fail(f"reclean --from reads a local folder only, not {display(source)}; "
                       "copy its warc/ folder locally first (e.g. aws s3 sync)")
        from urllib.parse import unquote, urlsplit

        folder = Path(unquote(urlsplit(source).path))
    if not warc_files(folder):
        raise fail(f"no WARC files under {source}")
    _check_writable(out, local_only="reclean")
    summary = run_reclean(folder, out, workers=workers or None)
    table = Table(title="micnews reclean", show_header=False)
    for name, value in [("WARC files", summary.warc_files), ("pages", summary.pages),
                        ("articles written", summary.records),
                        ("not articles", summary.not_articles),
                        ("duplicates dropped", summary.duplicates),
                        ("dataset", Path(out) / "articles")]:
        table.add_row(name, str(value))
    Console().print(table)


@app.command()
def sites(
    sites_file: Annotated[Path | None, typer.Option(help="Sites file (TOML).")] = None,
) -> None:
    """List the configured sites."""
    try:
        configured = load_sites(sites_file)
    except SiteConfigError as exc:
        raise fail(str(exc)) from None
    table = Table("name", "root", "family", "status", "aliases")
    for site in configured.values():
        table.add_row(site.name, site.root, site.family, site.status, " ".join(site.aliases))
    Console().print(table)


def _write_records(records: list[Record], fmt: Format | None, output: Path | None) -> None:
    """Records to ``output`` (Parquet for a .parquet name) or stdout."""
    if output is not None and output.suffix == ".parquet":
        import pyarrow.parquet as pq

        from micnews.cleaners.dataset import records_to_table

        pq.write_table(records_to_table(records), output, compression="zstd")
        return
    chosen = fmt or (Format.text if output is None and sys.stdout.isatty() else Format.jsonl)
    text = _render(records, chosen)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, "utf-8")


def _render(records: list[Record], fmt: Format) -> str:
    if fmt is Format.jsonl:
        return "".join(json.dumps(r.to_json_dict(), ensure_ascii=False) + "\n" for r in records)
    if fmt is Format.json:
        return json.dumps([r.to_json_dict() for r in records], ensure_ascii=False, indent=2) + "\n"
    blocks = []
    for r in records:
        meta = " · ".join(str(x) for x in (r.published_at, r.author, r.source) if x)
        blocks.append(f"# {r.title}\n{r.url}\n{meta}\n\n{r.text}\n")
    return "\n".join(blocks)


def _check_writable(out: str | Path, local_only: str | None = None) -> Path | None:
    """Fail (one line) unless ``out`` can be written: a folder we can create and write,
    or a filesystem URI that answers (its local staging folder writable too). Returns
    the folder if this check created it (a run that fetched nothing removes it again)."""
    if "://" in str(out):  # a URI: pyarrow's filesystems (a plain path needs no pyarrow)
        from micnews.cleaners.storage import StorageError, check_reachable, locate, require_local

        try:
            location = locate(out)
            if local_only:
                require_local(out, local_only)
            check_reachable(location)
        except StorageError as exc:
            raise fail(str(exc)) from None
        folder = location.staging
    else:
        folder = Path(out)
    created = None if folder.exists() else folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from micnews.crawler.diskfull import DiskFull, is_disk_full
        from micnews.crawler.exitcodes import EXIT_DISK_FULL

        if is_disk_full(exc):
            raise fail(str(DiskFull(folder.parent, exc)), code=EXIT_DISK_FULL) from None
        raise fail(f"cannot create output folder {folder}: {exc.strerror or exc}") from None
    if not os.access(folder, os.W_OK):
        raise fail(f"output folder {folder} is not writable")
    return created


def _register_dataset_commands() -> None:
    from micnews.crawler.cli_dataset import dataset_app

    app.registered_commands.extend(dataset_app.registered_commands)
    from micnews.crawler.cli_report import report_app

    app.registered_commands.extend(report_app.registered_commands)


_register_dataset_commands()


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":
    main()
