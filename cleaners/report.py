"""The numbers of ``micnews report``: coverage, extraction health, syndication and runs.

Pure functions over a pyarrow table of the dataset's newest rows and the parsed
``runs/*.json`` of the crawls; :func:`read_articles` and :func:`read_runs` are the only
I/O. Only the columns in :data:`ARTICLE_COLUMNS` are read, and every aggregate is a
pyarrow ``group_by``, so 100 000 rows take seconds (``bench/report_bench.py``).

What older crawls did not record is reported as missing, never as zero: each section
says which column or run key it lacks (``Report.missing``). The names the report reads
are gathered in :data:`COLUMNS` and :data:`RUN_KEYS` so they can follow the writers.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs

from micnews.cleaners.record import EXTRACTIONS

# Dataset columns the report reads (role -> name in the dataset). ``extraction`` is the
# per-record extraction method (:data:`EXTRACTIONS`); rows written before it existed get
# one derived from ``extractor`` (profile or generic only).
COLUMNS = {
    "url": "url",
    "site": "site",
    "family": "family",
    "title": "title",
    "lead": "lead",
    "author": "author",
    "source": "source",
    "published_at": "published_at",
    "images": "images",
    "fetched_at": "fetched_at",
    "extractor": "extractor",
    "extraction": "extraction",
    "dup_of": "dup_of",
}
ARTICLE_COLUMNS = list(dict.fromkeys(COLUMNS.values()))
FILE_RUN = "_file_run"  # added by read_articles: the writer run id in the row's file name
_FILE_RUN_ID = re.compile(r"^part-(\d{8}T\d+-[0-9a-f]+)-\d+\.parquet$")

# Keys of runs/*.json (Scrapy's final stats plus micnews's own). A ``*_prefix`` key is
# followed by a code or a reason. Scrapy counters appear on their first increment, so an
# absent counter is 0; an absent exit code is "not recorded" (derived by the caller's rule).
RUN_KEYS = {
    "start": "start_time",
    "finish": "finish_time",
    "duration": "elapsed_time_seconds",
    "finish_reason": "finish_reason",
    "exit_code": "micnews/exit_code",
    "pages": "response_received_count",
    "articles_written": "micnews/articles_written",
    "status_class_prefix": "micnews/status/",  # 2xx, 3xx, 404, other 4xx, 5xx (retries too)
    "status_prefix": "downloader/response_status_count/",  # older runs: classes derived here
    "retries": "retry/count",
    "fetch_failed_prefix": "micnews/fetch_failed/",  # followed by the kind of failure
    "not_article_prefix": "micnews/not_article/",
    "robots": "robotstxt/forbidden",
    "offsite": "offsite/filtered",
    "offsite_dropped": "micnews/offsite_dropped",  # redirects off the site, added to offsite
    "trap": "micnews/trap_dropped",
    "dataset_run_id": "micnews/dataset_run_id",  # the <id> of the run's part-<id>-… files
}

STALE_DAYS = 30  # a site whose newest article is this far behind the dataset's stands out
FIELDS = ("title", "lead", "date", "date_time", "author", "source", "images")
FIELD_LABELS = {"title": "title", "lead": "lead", "date": "date", "date_time": "date with time",
                "author": "author", "source": "source", "images": "images"}
METHOD_ORDER = EXTRACTIONS  # profile, profile+fallback, generic_fallback, generic
UNDATED = "undated"


@dataclass
class Run:
    """One crawl run as its stats file tells it."""

    name: str
    start: datetime | None
    finish: datetime | None
    duration: float | None
    finish_reason: str
    exit_code: int | None  # None: not recorded and no rule to derive it
    exit_code_recorded: bool
    pages: int
    articles_written: int
    status_classes: dict[str, int]
    retries: int
    fetch_failed: int
    not_articles: dict[str, int]
    drops: dict[str, int]
    dataset_run_id: str | None = None
    label: str = ""  # short name for charts: start time (UTC), unique in the report


@dataclass
class Report:
    """Everything the page shows; plain values, ready for JSON and templates."""

    out: str
    generated_at: datetime
    articles: int = 0
    sites: list[str] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)  # site, month, articles
    site_summary: list[dict[str, Any]] = field(default_factory=list)
    added_by_run: list[dict[str, Any]] = field(default_factory=list)  # run, site, articles
    extraction: list[dict[str, Any]] = field(default_factory=list)  # site, family, method, n
    extraction_by_run: list[dict[str, Any]] = field(default_factory=list)  # run, site, method
    completeness: list[dict[str, Any]] = field(default_factory=list)  # site, rows, per field
    syndication: list[dict[str, Any]] = field(default_factory=list)  # copy, original, n
    duplicates: int = 0
    runs: list[Run] = field(default_factory=list)
    newest: list[dict[str, Any]] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)  # section -> what is not recorded


# ---------------------------------------------------------------- I/O edges

def read_articles(out: str | os.PathLike[str]) -> pa.Table:
    """Newest row of each URL, only the report's columns (empty table: no dataset yet)."""
    from micnews.cleaners.dataset import DATASET_SCHEMA, data_files, latest_masks, read_columns
    from micnews.cleaners.storage import locate

    wanted = [c for c in ARTICLE_COLUMNS if c in DATASET_SCHEMA.names]
    schema = pa.schema([DATASET_SCHEMA.field(c) for c in wanted])
    files = data_files(out)
    if not files:
        return schema.append(pa.field(FILE_RUN, pa.string())).empty_table()
    fs = locate(out).filesystem
    tables = read_columns(files, wanted, fs)
    masks = latest_masks(files, tables, fs)
    kept = []
    for path, table in zip(files, tables, strict=True):
        table = table.filter(masks[path])
        match = _FILE_RUN_ID.match(path.name)  # compacted files name the compaction: no run
        kept.append(table.append_column(FILE_RUN, pa.array(
            [match.group(1) if match else None] * len(table), pa.string())))
    return pa.concat_tables(kept).combine_chunks()


def read_runs(out: str | os.PathLike[str]) -> list[tuple[str, dict[str, Any]]]:
    """``(file name, stats)`` of every readable ``runs/*.json``, oldest first."""
    from micnews.cleaners.storage import locate

    loc = locate(out)
    found: list[tuple[str, dict[str, Any]]] = []
    if loc.remote:
        assert loc.filesystem is not None
        infos = loc.filesystem.get_file_info(pafs.FileSelector(
            loc.remote_path("runs"), allow_not_found=True))
        paths = [i.path for i in infos if i.path.endswith(".json")]
        reader = loc.filesystem
        for path in sorted(paths):
            with reader.open_input_stream(path) as fh:
                found.append((path.rsplit("/", 1)[-1], _parse(fh.read())))
    else:
        folder = loc.staging / "runs"
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            try:
                found.append((path.name, _parse(path.read_bytes())))
            except OSError:
                continue
    return [(name, stats) for name, stats in found if stats]


def _parse(data: bytes) -> dict[str, Any]:
    try:
        stats = json.loads(data)
    except ValueError:
        return {}  # a run file being written by hand or truncated: skip it
    return stats if isinstance(stats, dict) else {}


# ---------------------------------------------------------------- runs

def _time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _int(stats: dict[str, Any], key: str) -> int:
    try:
        return int(stats.get(RUN_KEYS[key]) or 0)
    except (TypeError, ValueError):
        return 0


ExitRule = Callable[[dict[str, Any]], int]


def parse_run(name: str, stats: dict[str, Any], exit_rule: ExitRule | None = None) -> Run:
    """A :class:`Run` from one stats file; absent counters are 0.

    A run that did not record its exit code gets ``exit_rule(stats)`` (the crawl command's
    own rule, passed in by the caller), or None without one.
    """
    classes: Counter[str] = Counter()
    recorded_classes: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    failed = 0
    for key, value in stats.items():
        if not isinstance(value, int | float):
            continue
        if key.startswith(RUN_KEYS["fetch_failed_prefix"]):
            failed += int(value)
        elif key.startswith(RUN_KEYS["status_class_prefix"]):
            recorded_classes[key[len(RUN_KEYS["status_class_prefix"]):]] += int(value)
        elif key.startswith(RUN_KEYS["status_prefix"]):
            code = key[len(RUN_KEYS["status_prefix"]):]
            classes[f"{code[:1]}xx" if code[:1].isdigit() else code] += int(value)
        elif key.startswith(RUN_KEYS["not_article_prefix"]):
            reasons[key[len(RUN_KEYS["not_article_prefix"]):]] += int(value)
    recorded = RUN_KEYS["exit_code"] in stats
    start, finish = _time(stats.get(RUN_KEYS["start"])), _time(stats.get(RUN_KEYS["finish"]))
    duration = stats.get(RUN_KEYS["duration"])
    if duration is None and start and finish:
        duration = (finish - start).total_seconds()
    return Run(
        name=name.removesuffix(".json"), start=start, finish=finish,
        duration=float(duration) if duration is not None else None,
        finish_reason=str(stats.get(RUN_KEYS["finish_reason"]) or "unknown"),
        exit_code=_int(stats, "exit_code") if recorded else (
            exit_rule(stats) if exit_rule else None),
        exit_code_recorded=recorded, pages=_int(stats, "pages"),
        articles_written=_int(stats, "articles_written"),
        status_classes=dict(sorted((recorded_classes or classes).items())),
        retries=_int(stats, "retries"),
        fetch_failed=failed, not_articles=dict(reasons.most_common()),
        drops={"robots": _int(stats, "robots"), "trap": _int(stats, "trap"),
               "offsite": _int(stats, "offsite") + _int(stats, "offsite_dropped")},
        dataset_run_id=stats.get(RUN_KEYS["dataset_run_id"]),
    )


def _label_runs(runs: list[Run]) -> None:
    seen: Counter[str] = Counter()
    for run in runs:
        base = f"{run.start:%m-%d %H:%M}" if run.start else run.name[:13]
        seen[base] += 1
        run.label = base if seen[base] == 1 else f"{base} #{seen[base]}"


def run_labels(table: pa.Table, runs: list[Run]) -> pa.Array:
    """Per row, the label of the run that wrote it, or null.

    A run that recorded its writer id owns the rows of its ``part-<id>-…`` files (exact,
    also for runs at the same time); for older runs, and rows in compacted files, the
    run whose [start, finish] holds the row's ``fetched_at`` (the latest such).
    """
    labels = pa.nulls(len(table), pa.string())
    if not len(table):
        return labels
    fetched = table.column("fetched_at")
    timed = (r for r in runs if r.start and r.finish and not r.dataset_run_id)
    for run in sorted(timed, key=lambda r: r.start):
        # fetched_at may be stored to the second: widen the window to whole seconds
        start = run.start.replace(microsecond=0)
        finish = run.finish.replace(microsecond=0) + timedelta(seconds=1)
        inside = pc.and_(pc.greater_equal(fetched, pa.scalar(start, fetched.type)),
                         pc.less_equal(fetched, pa.scalar(finish, fetched.type)))
        inside = pc.fill_null(inside, False)
        labels = pc.if_else(inside, pa.scalar(run.label, pa.string()), labels)
    if FILE_RUN in table.column_names:
        for run in (r for r in runs if r.dataset_run_id):
            mine = pc.fill_null(pc.equal(table.column(FILE_RUN), run.dataset_run_id), False)
            labels = pc.if_else(mine, pa.scalar(run.label, pa.string()), labels)
    return labels


# ---------------------------------------------------------------- articles

def _counts(table: pa.Table, keys: list[str], name: str = "articles") -> list[dict[str, Any]]:
    """Rows per combination of ``keys`` (nulls kept), sorted by the keys."""
    if not len(table):
        return []
    grouped = table.select(keys).group_by(keys, use_threads=False).aggregate([([], "count_all")])
    rows = grouped.rename_columns([*keys, name]).to_pylist()
    return sorted(rows, key=lambda r: tuple("" if r[k] is None else str(r[k]) for k in keys))


def methods(table: pa.Table) -> tuple[pa.Array, int]:
    """Extraction method per row (:data:`EXTRACTIONS`), and how many rows had none recorded.

    Rows written before the ``extraction`` column existed get ``profile`` or ``generic``
    from ``extractor`` (field fallbacks cannot be told apart there).
    """
    extractor = table.column(COLUMNS["extractor"])
    derived = pc.if_else(pc.fill_null(pc.starts_with(extractor, "profile"), False),
                         "profile", "generic")
    name = COLUMNS["extraction"]
    if name not in table.column_names:
        return derived, len(table)
    recorded = table.column(name)
    return pc.coalesce(recorded, derived), recorded.null_count


def filled(table: pa.Table) -> dict[str, pa.Array]:
    """Per field of :data:`FIELDS`, a boolean column: the row has it (non-empty)."""
    def text(name: str) -> pa.Array:
        col = table.column(COLUMNS[name])
        return pc.fill_null(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(col)), 0), False)

    published = table.column(COLUMNS["published_at"])
    has_date = pc.is_valid(published)
    local_midnight = pc.and_(pc.equal(pc.hour(published), 0),
                             pc.equal(pc.minute(published), 0))
    images = table.column(COLUMNS["images"])
    return {
        "title": text("title"), "lead": text("lead"), "date": has_date,
        "date_time": pc.and_(has_date, pc.invert(pc.fill_null(local_midnight, True))),
        "author": text("author"), "source": text("source"),
        "images": pc.fill_null(pc.greater(pc.list_value_length(images), 0), False),
    }


def completeness(table: pa.Table) -> list[dict[str, Any]]:
    """Per site: rows and how many have each field of :data:`FIELDS`."""
    if not len(table):
        return []
    flags = filled(table)
    work = pa.table({"site": table.column(COLUMNS["site"]),
                     **{k: pc.cast(v, pa.int64()) for k, v in flags.items()}})
    grouped = work.group_by("site", use_threads=False).aggregate(
        [([], "count_all"), *[(k, "sum") for k in FIELDS]])
    rows = []
    for row in grouped.to_pylist():
        rows.append({"site": row["site"], "rows": row["count_all"],
                     **{k: int(row[f"{k}_sum"] or 0) for k in FIELDS}})
    return sorted(rows, key=lambda r: r["site"])


def syndication(table: pa.Table) -> list[dict[str, Any]]:
    """Which site carries copies (``dup_of``) of which site's articles, with counts."""
    dup = COLUMNS["dup_of"]
    if dup not in table.column_names or not len(table):
        return []
    copies = table.select(["site", dup]).filter(pc.is_valid(table.column(dup)))
    if not len(copies):
        return []
    originals = table.select(["url", "site"]).rename_columns(["url", "original"])
    joined = copies.join(originals, keys=dup, right_keys="url", join_type="left outer",
                         use_threads=False)
    # a dup_of outside the dataset (compacted away, another dataset): the URL's host
    hosts = [urlsplit(u).netloc for u in joined.column(dup).to_pylist()] if joined.column(
        "original").null_count else None
    original = joined.column("original") if hosts is None else pc.coalesce(
        joined.column("original"), pa.array(hosts, pa.string()))
    pairs = pa.table({"copy": joined.column("site"), "original": original})
    return _counts(pairs, ["copy", "original"])


def site_summary(table: pa.Table, newest_overall: datetime | None) -> list[dict[str, Any]]:
    """Per site: articles, newest publication and fetch dates, days behind the newest site."""
    if not len(table):
        return []
    grouped = table.select(["site", "published_at", "fetched_at"]).group_by(
        "site", use_threads=False).aggregate([([], "count_all"), ("published_at", "max"),
                                              ("fetched_at", "max")])
    rows = []
    for row in grouped.to_pylist():
        newest = row["published_at_max"]
        behind = (newest_overall - newest).days if newest and newest_overall else None
        rows.append({"site": row["site"], "articles": row["count_all"], "newest": newest,
                     "last_fetched": row["fetched_at_max"], "days_behind": behind,
                     "stale": behind is None or behind > STALE_DAYS})
    return sorted(rows, key=lambda r: r["site"])


def newest_articles(table: pa.Table, n: int = 20) -> list[dict[str, Any]]:
    """The ``n`` most recently published articles (undated ones last)."""
    if not len(table):
        return []
    order = pc.sort_indices(table, sort_keys=[("published_at", "descending", "at_end"),
                                              ("url", "ascending", "at_end")])
    top = table.take(order[:n]).select(["title", "site", "published_at", "url"])
    return top.to_pylist()


def build_report(table: pa.Table, runs: list[tuple[str, dict[str, Any]]], out: str = "",
                 last_runs: int = 10, newest: int = 20,
                 exit_rule: ExitRule | None = None) -> Report:
    """Every section of the report from the newest rows and the parsed run files."""
    parsed = sorted((parse_run(name, stats, exit_rule) for name, stats in runs),
                    key=lambda r: (r.start or datetime.min.replace(tzinfo=UTC), r.name))
    recent = parsed[-last_runs:] if last_runs else parsed
    _label_runs(recent)
    report = Report(out=out, generated_at=datetime.now(UTC), articles=len(table), runs=recent)
    if not recent:
        report.missing["runs"] = "no runs/*.json: no crawl has finished in this folder yet"
    elif any(not r.exit_code_recorded for r in recent):
        report.missing["exit_code"] = (f"Exit code not recorded by these crawls "
                                       f"({RUN_KEYS['exit_code']})")
    if not len(table):
        return report
    sites = table.column("site")
    report.sites = sorted(set(sites.to_pylist()))
    month = pc.fill_null(pc.strftime(table.column("published_at"), format="%Y-%m"), UNDATED)
    report.timeline = _counts(pa.table({"site": sites, "month": month}), ["site", "month"])
    newest_overall = pc.max(table.column("published_at")).as_py()
    report.site_summary = site_summary(table, newest_overall)
    labels = run_labels(table, recent)
    with_run = pa.table({"run": labels, "site": sites}).filter(pc.is_valid(labels))
    report.added_by_run = _counts(with_run, ["run", "site"])
    method, unrecorded = methods(table)
    if unrecorded:
        report.missing["extraction"] = (
            f"the extraction method (column '{COLUMNS['extraction']}') of {unrecorded:,} of "
            f"{len(table):,} articles (older crawls): profile vs generic is read from "
            f"'{COLUMNS['extractor']}' for them, field fallbacks are not known")
    report.extraction = _counts(pa.table({"site": sites, "family": table.column("family"),
                                          "method": method}), ["site", "family", "method"])
    by_run = pa.table({"run": labels, "site": sites, "method": method}).filter(
        pc.is_valid(labels))
    report.extraction_by_run = _counts(by_run, ["run", "site", "method"])
    report.completeness = completeness(table)
    if COLUMNS["dup_of"] in table.column_names:
        report.duplicates = len(table) - table.column(COLUMNS["dup_of"]).null_count
        report.syndication = syndication(table)
    else:
        report.missing["syndication"] = f"no '{COLUMNS['dup_of']}' column"
    report.newest = newest_articles(table, newest)
    return report


def pivot(rows: list[dict[str, Any]], row_key: str, col_key: str,
          value: str = "articles") -> tuple[list[str], list[str], dict[tuple[str, str], int]]:
    """``rows`` as a matrix: row labels, column labels, (row, col) -> value."""
    cells: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        cells[(str(r[row_key]), str(r[col_key]))] += r[value]
    row_labels = sorted({k[0] for k in cells})
    col_labels = sorted({k[1] for k in cells})
    return row_labels, col_labels, dict(cells)


def load_report(out: str | os.PathLike[str], last_runs: int = 10, newest: int = 20,
                exit_rule: ExitRule | None = None) -> Report:
    """Read the dataset and run files under ``out`` and build the :class:`Report`."""
    from micnews.cleaners.storage import display

    return build_report(read_articles(out), read_runs(out), out=display(out),
                        last_runs=last_runs, newest=newest, exit_rule=exit_rule)
