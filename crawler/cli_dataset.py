"""Dataset maintenance commands: ``compact``, ``dedup``, ``stats``, ``export``.

They live on :data:`dataset_app`; the main ``micnews`` app adds them as top-level
commands with ``app.registered_commands.extend(dataset_app.registered_commands)``.
Every command prints a one-line error and exits with code 2 when the dataset is
missing or unreadable. ``stats`` and ``export`` also read a dataset at a filesystem URI
(``s3://…``, see :mod:`micnews.cleaners.storage`); ``compact`` and ``dedup`` rewrite files in
place and take a local folder only.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

dataset_app = typer.Typer(
    help="Maintain the Parquet dataset.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)

OutOption = Annotated[str, typer.Option("--out", help="Dataset folder (stats, export: or a "
                                         "filesystem URI such as s3://bucket/prefix).")]


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True, markup=True)
    return typer.Exit(code)


def _checked(out: str, local_only: str | None = None) -> str:
    """``out`` once checked (with ``local_only``: as a local folder, ``file://`` resolved)."""
    from micnews.cleaners.dataset import DatasetError, check_dataset
    from micnews.cleaners.storage import StorageError, require_local

    try:
        if local_only:
            out = str(require_local(out, local_only))
        check_dataset(out)
    except (DatasetError, StorageError) as exc:
        raise _fail(str(exc)) from None
    except (OSError, ValueError) as exc:  # unreachable store, bad credentials
        raise _fail(f"dataset error: {exc}".splitlines()[0]) from None
    return out


def _guard(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Run ``func``; turn dataset/IO/Arrow errors into a one-line error, exit 2."""
    import pyarrow as pa

    from micnews.cleaners.dataset import DatasetError

    try:
        return func(*args, **kwargs)
    except (DatasetError, OSError, pa.ArrowException) as exc:
        raise _fail(f"dataset error: {exc}".splitlines()[0]) from None


@dataset_app.command()
def compact(
    out: OutOption = "output",
    site: Annotated[str | None, typer.Option(help="Only this site's partitions.")] = None,
) -> None:
    """Rewrite partitions so each URL has one row (newest fetch wins)."""
    from micnews.cleaners.dataset import compact as run

    out = _checked(out, local_only="compact")
    report = _guard(run, out, site=site)
    Console().print(
        f"compacted: {report.rows_before} → {report.rows_after} rows, "
        f"{report.files_before} → {report.files_after} files, "
        f"{report.partitions_rewritten} partitions rewritten", highlight=False)


@dataset_app.command()
def dedup(out: OutOption = "output") -> None:
    """Mark exact and near duplicates (the dup_of column), incrementally."""
    from micnews.cleaners.dedup import dedup as run

    out = _checked(out, local_only="dedup")
    r = _guard(run, out)
    Console().print(
        f"dedup: {r.rows} articles, {r.hashed} hashed, {r.reused} reused, "
        f"{r.exact} exact and {r.near} near duplicates, {r.files_rewritten} files rewritten",
        highlight=False)


def _empty_counts(table: Any) -> dict[str, int]:
    """Per column: rows that are null, empty strings or empty lists."""
    import pyarrow as pa
    import pyarrow.compute as pc

    counts = {}
    for name in table.column_names:
        col = table.column(name)
        n = col.null_count
        if pa.types.is_string(col.type):
            n += pc.sum(pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(col)), 0)).as_py() or 0
        elif pa.types.is_list(col.type):
            n += pc.sum(pc.equal(pc.list_value_length(col), 0)).as_py() or 0
        counts[name] = int(n)
    return counts


def compute_stats(out: str | Path) -> dict[str, Any]:
    """Rows per site/year, duplicates and empty fields of the dataset (newest rows)."""
    import pyarrow.compute as pc

    from micnews.cleaners.dataset import data_files, load, partition_year, sweep_temp_files
    from micnews.cleaners.storage import locate

    fs = locate(out).filesystem
    swept = sweep_temp_files(out)  # a killed writer's temp file is no part of the dataset
    table = load(out, dedupe=True).to_table()
    sites = table.column("site").to_pylist()
    years = [partition_year(d) for d in table.column("published_at").to_pylist()]
    per = Counter(zip(sites, years, strict=True))
    hashes = table.column("content_hash").to_pylist()
    urls = table.column("url").to_pylist()
    hash_of = dict(zip(urls, hashes, strict=True))
    dup_of = table.column("dup_of").to_pylist()
    exact = near = 0
    for h, d in zip(hashes, dup_of, strict=True):
        if d is None:
            continue
        if h and hash_of.get(d) == h:
            exact += 1
        else:
            near += 1
    same_hash = sum(c - 1 for h, c in Counter(h for h in hashes if h).items() if c > 1)
    return {
        "rows": table.num_rows,
        "rows_stored": sum(_num_rows(f, fs) for f in data_files(out)),
        "files": len(data_files(out)),
        "per_site_year": [{"site": s, "year": y, "rows": n} for (s, y), n in sorted(per.items())],
        "exact_duplicates": exact,
        "near_duplicates": near,
        "same_content_hash": same_hash,
        "marked": int(pc.sum(pc.is_valid(table.column("dup_of"))).as_py() or 0),
        "empty": _empty_counts(table),
        "temp_files_removed": swept,
        "extraction": _extraction_counts(table),
    }


def _extraction_counts(table: Any) -> list[dict[str, Any]]:
    """Rows per site, family and extraction (profile health; ``unknown`` for rows written
    before schema 3)."""
    ext = (table.column("extraction").to_pylist() if "extraction" in table.column_names
           else [None] * table.num_rows)
    per = Counter(zip(table.column("site").to_pylist(), table.column("family").to_pylist(),
                      [e or "unknown" for e in ext], strict=True))
    return [{"site": s, "family": f, "extraction": e, "rows": n}
            for (s, f, e), n in sorted(per.items())]


def _num_rows(path: Path, filesystem: Any = None) -> int:
    import pyarrow.parquet as pq

    return pq.read_metadata(str(path), filesystem=filesystem).num_rows


@dataset_app.command()
def stats(
    out: OutOption = "output",
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable JSON.")] = False,
) -> None:
    """Rows per site and year, duplicates, empty fields per column."""
    _checked(out)
    data = _guard(compute_stats, out)
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        return
    console = Console()
    from micnews.cleaners.storage import display

    t = Table(title=f"micnews dataset {display(out)}: rows per site and year")
    t.add_column("site")
    t.add_column("year", justify="right")
    t.add_column("rows", justify="right")
    for row in data["per_site_year"]:
        t.add_row(row["site"], str(row["year"] or "unknown"), str(row["rows"]))
    console.print(t)
    s = Table(show_header=False, title="totals")
    for name in ("rows", "rows_stored", "files", "exact_duplicates", "near_duplicates",
                 "same_content_hash"):
        s.add_row(name.replace("_", " "), str(data[name]))
    console.print(s)
    e = Table(title="empty fields (null, '' or [])")
    e.add_column("column")
    e.add_column("empty", justify="right")
    for name, n in data["empty"].items():
        e.add_row(name, str(n))
    console.print(e)
    x = Table(title="extraction per site and family (profile health)")
    for col in ("site", "family", "extraction", "rows"):
        x.add_column(col, justify="right" if col == "rows" else "left")
    for row in data["extraction"]:
        x.add_row(row["site"], row["family"], row["extraction"], str(row["rows"]))
    console.print(x)


class ExportFormat(StrEnum):
    jsonl = "jsonl"


def row_to_json(row: dict[str, Any]) -> dict[str, Any]:
    """A dataset row as :meth:`Record.to_json_dict` gives it, plus ``dup_of``."""
    import dataclasses

    from micnews.cleaners.record import Image, Record

    names = {f.name for f in dataclasses.fields(Record)}
    fields = {k: v for k, v in row.items() if k in names}
    fields["images"] = [Image(**i) for i in fields.get("images") or []]
    fields["tags"] = list(fields.get("tags") or [])
    data = Record(**fields).to_json_dict()
    data["dup_of"] = row.get("dup_of")
    return data


def _export(out: str, fh: Any) -> int:
    from micnews.cleaners.dataset import load

    n = 0
    for batch in load(out, dedupe=True).to_batches(batch_size=1000):
        for row in batch.to_pylist():
            fh.write(json.dumps(row_to_json(row), ensure_ascii=False) + "\n")
            n += 1
    return n


@dataset_app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="Output format.")] = (
        ExportFormat.jsonl),
    out: OutOption = "output",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the records to FILE instead of stdout.")] = None,
) -> None:
    """Export the newest row of each article as JSON Lines (published_at in +07:00)."""
    _checked(out)
    if output is None:
        _guard(_export, out, sys.stdout)
        return
    try:
        fh = open(output, "w", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise _fail(f"cannot write {output}: {exc.strerror}") from None
    with fh:
        n = _guard(_export, out, fh)
    err.print(f"exported {n} articles to {output}", highlight=False)
