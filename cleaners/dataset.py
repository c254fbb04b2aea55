"""The Parquet dataset: partitioned, atomic batched writes, compaction and loaders.

Layout (hive style, one folder per site and publication year)::

    <out>/articles/site_key=<site key>/year=<YYYY>/part-<run>-<seq>.parquet

* ``site_key`` is :func:`site_key` of the record's ``site``: lower-cased, every
  character outside ``[a-z0-9.-]`` replaced by ``_`` (so ``host:8080`` becomes
  ``host_8080``), leading dots stripped (no dot-folders, no ``..``), ``_unknown`` if
  nothing is left. The real ``site`` stays a column in the files.
* ``year`` is the publication year in Asia/Ho_Chi_Minh; :data:`UNKNOWN_YEAR` (``0``)
  when ``published_at`` is missing.
* The partition keys are *not* columns of the files, and their names (``site_key``,
  ``year``) clash with no column, so readers that switch hive partitioning on just add
  two columns; readers that leave it off see exactly :data:`DATASET_SCHEMA`.
  Identical rows and types everywhere::

      load(out)                                                  # pyarrow Dataset
      pl.read_parquet("out/articles/**/*.parquet")               # polars (hive off for globs)
      duckdb.sql("SELECT * FROM read_parquet('out/articles/**/*.parquet',"
                 " hive_partitioning=false)")                    # DuckDB (auto-detects hive)
      pd.read_parquet("out/articles", partitioning=None)         # pandas

* Files: zstd, row groups of at most :data:`ROW_GROUP_ROWS` rows, schema
  :data:`DATASET_SCHEMA` = :data:`micnews.cleaners.record.ARROW_SCHEMA` + ``dup_of`` (string,
  the ``url`` of the canonical copy for a duplicate, else null; filled by
  :func:`micnews.cleaners.dedup.dedup`), schema version in the file metadata.
* Every file is written under a temporary dot-name in its final folder and renamed;
  readers ignore dot- and underscore-names, so nobody sees a partial file. The writer
  holds the temp file's ``flock``: one nobody holds is a killed writer's leftover, removed
  by :func:`sweep_temp_files` (crawl start-up, ``compact``, ``stats``).

API:

* :class:`DatasetWriter` ``(out, batch_size)`` — ``write(record)``, ``flush()``,
  ``close()``, ``rows_written``, ``files``. Memory holds at most ``batch_size``
  records; each flush writes one file per partition touched by the batch. A process
  killed mid-flush keeps every file already renamed (whole), never a partial one.
* :func:`load` ``(out, dedupe=False)`` — ``pyarrow.dataset.Dataset`` with
  :data:`DATASET_SCHEMA`. Crawls append, so a URL fetched by several runs has several
  rows until :func:`compact`; ``dedupe=True`` hides them (newest ``fetched_at`` wins;
  ties: the later file, then the later row) and returns an in-memory dataset when there
  is something to hide (the file-backed one otherwise).
* :func:`compact` ``(out, site=None)`` — rewrites partitions so each ``url`` appears
  once (same rule), merges each partition into one file and moves files of the old flat
  layout into partitions. New files are renamed in *before* old ones are unlinked: a
  reader listing the folder in that window (the time of a few ``unlink`` calls) may
  see a row twice — never a missing one — and ``load(dedupe=True)`` hides it; a crash
  in the window leaves duplicates that the next ``compact`` removes. Run one
  maintenance command (compact, dedup) at a time; crawls may keep appending.
* :func:`rewrite_file` — atomic in-place replacement (``os.replace``), used by dedup.
"""

from __future__ import annotations

import fcntl
import os
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from micnews.cleaners.record import ARROW_SCHEMA, VN_TZ, Record, record_keys
from micnews.cleaners.storage import Location, StorageError, display, locate

if TYPE_CHECKING:  # imported by load(): pyarrow.dataset brings pandas (0.2-0.4 s), which
    import pyarrow.dataset as ds  # writing and the crawl's start-up do not need

ARTICLES_DIR = "articles"
SITE_KEY = "site_key"
YEAR_KEY = "year"
UNKNOWN_YEAR = 0
ROW_GROUP_ROWS = 20_000
DATASET_SCHEMA = ARROW_SCHEMA.append(pa.field("dup_of", pa.string()))


class DatasetError(Exception):
    """The dataset folder is missing, empty or unreadable."""


def articles_dir(out: str | os.PathLike[str]) -> Path:
    """Local folder holding the Parquet files of a dataset rooted at ``out``.

    ``out`` may be a ``file://`` URI; a remote URI raises :class:`StorageError`
    (use :func:`load`, :func:`data_files` or :class:`DatasetWriter`, which take both).
    """
    loc = locate(out)
    if loc.remote:
        raise StorageError(f"{display(out)} is not a local folder")
    return loc.staging / ARTICLES_DIR


def site_key(site: str | None) -> str:
    """``site`` as a safe path segment: ``[a-z0-9.-]`` kept, anything else ``_``."""
    key = re.sub(r"[^a-z0-9.-]", "_", (site or "").strip().lower())
    key = key.lstrip(".").replace("..", "_")
    return key or "_unknown"


def partition_year(published_at: datetime | None) -> int:
    """Publication year in Vietnam time; :data:`UNKNOWN_YEAR` when unknown."""
    if published_at is None:
        return UNKNOWN_YEAR
    if published_at.tzinfo is None:  # naive: the contract says VN local time
        return published_at.year
    return published_at.astimezone(VN_TZ).year


def partition_dir(out: str | os.PathLike[str], site: str | None, year: int) -> Path:
    """Folder of the ``(site, year)`` partition."""
    return articles_dir(out) / f"{SITE_KEY}={site_key(site)}" / f"{YEAR_KEY}={year}"


def records_to_table(records: Iterable[Record], schema: pa.Schema = ARROW_SCHEMA) -> pa.Table:
    """Records as an Arrow table (``ARROW_SCHEMA``; ``DATASET_SCHEMA`` adds null ``dup_of``)."""
    return pa.Table.from_pylist([r.to_arrow_row() for r in records], schema=schema)


def new_run_id() -> str:
    """Sortable, unique id for the files of one writer or one maintenance run."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    return f"{stamp}-{uuid.uuid4().hex[:8]}"


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _tmp_name(final: Path) -> Path:
    return final.with_name(f".{final.name}.{uuid.uuid4().hex[:6]}.tmp")


@contextmanager
def locked_temp(final: Path) -> Iterator[tuple[Path, int]]:
    """A new dot-temp file next to ``final`` (path, fd), ``flock``-ed while the caller
    writes it: a temp file nobody holds is a dead writer's leftover
    (:func:`sweep_temp_files`). Deleted on error; the caller renames it on success."""
    while True:
        tmp = _tmp_name(final)
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.stat(tmp).st_ino == os.fstat(fd).st_ino:
                break  # still ours: a sweeper can no longer take it
        except FileNotFoundError:
            pass  # swept between open and flock: take another name
        os.close(fd)
    try:
        yield tmp, fd
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


def write_parquet_atomic(table: pa.Table, final: Path) -> Path:
    """Write ``table`` to a dot-temp file next to ``final``, fsync, rename onto ``final``."""
    final.parent.mkdir(parents=True, exist_ok=True)
    with locked_temp(final) as (tmp, fd):
        pq.write_table(table, tmp, compression="zstd", row_group_size=ROW_GROUP_ROWS)
        os.fsync(fd)  # the same file: the fd holds its lock
        os.replace(tmp, final)
    _fsync_dir(final.parent)
    return final


def rewrite_file(path: Path, table: pa.Table) -> None:
    """Replace ``path`` by ``table`` atomically (readers see the old or the new file)."""
    write_parquet_atomic(table.cast(DATASET_SCHEMA), path)


class DatasetWriter:
    """Buffers records and flushes them as Parquet files, ``batch_size`` rows per flush."""

    def __init__(self, out: str | os.PathLike[str], batch_size: int = 500) -> None:
        self.location = locate(out)
        # a remote dataset: files are staged in this process's outbox, then uploaded
        self.dir = self.location.write_root() / ARTICLES_DIR
        self.batch_size = max(1, batch_size)
        self.run_id = new_run_id()
        self._buffer: list[Record] = []
        self._seq = 0
        self.rows_written = 0
        self.files: list[Path] = []
        # the URLs and content hashes of each file written
        self.file_urls: dict[Path, tuple[list[str], list[str]]] = {}
        self._staged: list[Path] = []  # published, local copy kept until release()

    @property
    def buffered(self) -> int:
        """Records written but not flushed yet."""
        return len(self._buffer)

    def write(self, record: Record) -> None:
        """Add one record; flushes when the batch is full."""
        self._buffer.append(record)
        if len(self._buffer) >= self.batch_size:
            self.flush()

    def flush(self) -> list[Path]:
        """Write buffered rows, one new file per partition (each atomically). Returns paths.

        On a remote dataset each file is uploaded before this returns; its local copy
        stays until :meth:`release` (the crawl state reconciles from it after a kill).
        """
        if not self._buffer:
            return []
        groups: dict[tuple[str, int], list[Record]] = defaultdict(list)
        for record in self._buffer:
            groups[(site_key(record.site), partition_year(record.published_at))].append(record)
        written: list[Path] = []
        for (key, year), records in sorted(groups.items()):
            folder = self.dir / f"{SITE_KEY}={key}" / f"{YEAR_KEY}={year}"
            final = folder / f"part-{self.run_id}-{self._seq:05d}.parquet"
            write_parquet_atomic(records_to_table(records, DATASET_SCHEMA), final)
            self._seq += 1
            # written: out of the buffer at once, so a failure in a later partition
            # (disk full) cannot write these rows a second time on the next flush
            done = {id(r) for r in records}
            self._buffer = [r for r in self._buffer if id(r) not in done]
            self.rows_written += len(records)
            self.files.append(final)
            # with an archived copy's capture key too (crawl state: record_keys), each
            # key with its record's content hash
            keyed = [(k, r.content_hash) for r in records for k in record_keys(r.url,
                                                                              r.archived_at)]
            self.file_urls[final] = ([k for k, _h in keyed], [h for _k, h in keyed])
            written.append(final)
            self.location.publish(final, keep_local=True)
            self._staged.append(final)
        return written

    def release(self) -> None:
        """Drop the local copies of published files (remote datasets; call after the
        crawl state has committed their URLs)."""
        for path in self._staged:
            self.location.discard(path)
        self._staged.clear()

    def close(self) -> None:
        """Flush what is left."""
        self.flush()
        self.release()


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith((".", "_")) for part in path.relative_to(root).parts)


def _remote_files(loc: Location, site: str | None) -> list[str]:
    assert loc.filesystem is not None
    root = loc.remote_path(ARTICLES_DIR)
    base = f"{root}/{SITE_KEY}={site_key(site)}" if site else root
    infos = loc.filesystem.get_file_info(pafs.FileSelector(base, recursive=True,
                                                            allow_not_found=True))
    return sorted(i.path for i in infos if i.type == pafs.FileType.File
                  and i.path.endswith(".parquet")
                  and not any(p.startswith((".", "_"))
                              for p in i.path[len(root):].split("/")))


def data_files(out: str | os.PathLike[str], site: str | None = None) -> list[Path]:
    """Committed Parquet files of the dataset (no temp or hidden files), sorted.

    ``site`` limits the list to that site's partitions. On a remote dataset the paths
    are keys inside its filesystem (read them with ``filesystem=locate(out).filesystem``).
    """
    loc = locate(out)
    if loc.remote:
        return [Path(p) for p in _remote_files(loc, site)]
    root = articles_dir(out)
    if not root.is_dir():
        return []
    base = root / f"{SITE_KEY}={site_key(site)}" if site else root
    if not base.is_dir():
        return []
    return sorted(p for p in base.rglob("*.parquet") if p.is_file() and not _hidden(p, root))


def check_dataset(out: str | os.PathLike[str]) -> list[Path]:
    """The data files, or :class:`DatasetError` when there is no readable dataset."""
    loc = locate(out)
    if loc.remote:
        root = loc.remote_path(ARTICLES_DIR)
        files = data_files(out)
        if not files:
            raise DatasetError(f"no dataset at {display(out)} (no Parquet files under {root})")
    else:
        root = articles_dir(out)
        if not root.is_dir():
            raise DatasetError(f"no dataset at {out} (missing folder {root})")
        files = data_files(out)
        if not files:
            raise DatasetError(f"no dataset at {out} (no Parquet files under {root})")
    try:
        pq.read_schema(str(files[0]), filesystem=loc.filesystem)
    except (OSError, pa.ArrowException) as exc:
        raise DatasetError(f"unreadable dataset file {files[0]}: {exc}") from None
    return files


def _read(path: Path, columns: list[str] | None = None,
          filesystem: pafs.FileSystem | None = None) -> pa.Table:
    """One file, conformed to DATASET_SCHEMA (older files lack ``dup_of``, ``extraction``…)."""
    source = str(path) if filesystem else path
    try:
        table = pq.read_table(source, columns=columns, filesystem=filesystem)
    except pa.ArrowInvalid:  # asked for a column the file's schema version lacks
        names = set(pq.read_schema(source, filesystem=filesystem).names)
        table = pq.read_table(source, columns=[c for c in columns or [] if c in names],
                              filesystem=filesystem)
    wanted = columns or DATASET_SCHEMA.names
    arrays = []
    for name in wanted:
        field = DATASET_SCHEMA.field(name)
        if name in table.column_names:
            arrays.append(table.column(name).cast(field.type))
        else:
            arrays.append(pa.nulls(len(table), field.type))
    return pa.Table.from_arrays(arrays, schema=pa.schema([DATASET_SCHEMA.field(n)
                                                         for n in wanted]))


def read_columns(files: list[Path], columns: list[str] | None = None,
                 filesystem: pafs.FileSystem | None = None) -> list[pa.Table]:
    """``columns`` of each file (conformed to :data:`DATASET_SCHEMA`), read in threads."""
    if len(files) < 4:
        return [_read(f, columns, filesystem) for f in files]
    with ThreadPoolExecutor(max_workers=min(8, (os.cpu_count() or 2) * 2)) as pool:
        return list(pool.map(lambda f: _read(f, columns, filesystem), files))


def version_key(table: pa.Table) -> pa.ChunkedArray:
    """Which rows are versions of one another: the ``url``, plus for an archived copy its
    capture time (``--every-capture`` keeps each capture of a page)."""
    url = table.column("url")
    if "archived_at" not in table.column_names:
        return url
    at = pc.strftime(table.column("archived_at"), format="%Y%m%d%H%M%S")
    return pc.if_else(pc.is_null(at), url, pc.binary_join_element_wise(url, at, "#"))


def latest_masks(files: list[Path], tables: list[pa.Table] | None = None,
                 filesystem: pafs.FileSystem | None = None) -> dict[Path, pa.BooleanArray]:
    """Per file, which rows are the newest version of their URL.

    Newest ``fetched_at`` wins (null loses); ties go to the later file name (file
    names start with a UTC timestamp), then to the later row. ``tables``: the files'
    ``url`` and ``fetched_at`` (and ``archived_at``) columns if already read. Archived
    copies of a page captured at different times are different rows (:func:`version_key`).
    """
    if tables is None:
        tables = read_columns(files, ["url", "fetched_at", "archived_at"], filesystem)
    sizes = [len(t) for t in tables]
    total = sum(sizes)
    if total == 0:
        return {path: pa.array([], pa.bool_()) for path in files}
    index = pa.Table.from_arrays(
        [pa.chunked_array([version_key(t) for t in tables], pa.string()),
         pa.chunked_array([t.column("fetched_at") for t in tables],
                          DATASET_SCHEMA.field("fetched_at").type),
         pa.array(np.repeat(np.arange(len(files), dtype=np.int32), sizes)),
         pa.array(np.arange(total, dtype=np.int64))],
        names=["url", "fetched_at", "f", "pos"])
    order = pc.sort_indices(index, sort_keys=[
        ("url", "ascending", "at_end"), ("fetched_at", "descending", "at_end"),
        ("f", "descending", "at_end"), ("pos", "descending", "at_end")])
    urls = index.column("url").take(order).combine_chunks()
    first = pc.not_equal(urls.slice(1), urls.slice(0, len(urls) - 1))
    keep = pa.concat_arrays([pa.array([True]), first]).to_numpy(zero_copy_only=False)
    mask = np.zeros(total, dtype=bool)
    mask[order.to_numpy()[keep]] = True
    bounds = np.cumsum(sizes)[:-1]
    return {path: pa.array(m) for path, m in zip(files, np.split(mask, bounds), strict=True)}


def load(out: str | os.PathLike[str] = "output", dedupe: bool = False) -> ds.Dataset:
    """The dataset under ``out`` as a ``pyarrow.dataset.Dataset`` (:data:`DATASET_SCHEMA`).

    ``out`` is a folder or a filesystem URI (``s3://bucket/prefix?region=…``, see
    :mod:`micnews.cleaners.storage`). ``dedupe=True`` keeps only the newest row of each URL
    (see :func:`latest_masks`).

    >>> load("output").to_table().to_pandas()  # doctest: +SKIP
    """
    import pyarrow.dataset as ds

    loc = locate(out)
    fs = loc.filesystem
    if not dedupe:
        if loc.remote:
            return ds.dataset(loc.remote_path(ARTICLES_DIR), filesystem=fs, format="parquet",
                              schema=DATASET_SCHEMA)
        return ds.dataset(articles_dir(out), format="parquet", schema=DATASET_SCHEMA)
    files = data_files(out)
    masks = latest_masks(files, filesystem=fs)
    if all(pc.all(m).as_py() for m in masks.values()):
        return ds.dataset([str(f) for f in files], filesystem=fs, format="parquet",
                          schema=DATASET_SCHEMA)
    tables = [t.filter(masks[f])
              for f, t in zip(files, read_columns(files, filesystem=fs), strict=True)]
    return ds.dataset(pa.concat_tables(tables), schema=DATASET_SCHEMA)


@dataclass
class CompactReport:
    """What :func:`compact` did."""

    files_before: int = 0
    files_after: int = 0
    rows_before: int = 0
    rows_after: int = 0
    partitions_rewritten: int = 0
    temp_files_removed: int = 0


def _sort_rows(table: pa.Table) -> pa.Table:
    return table.take(pc.sort_indices(table, sort_keys=[
        ("published_at", "ascending", "at_end"), ("url", "ascending", "at_end")]))


def _is_partitioned(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return (len(parts) == 3 and parts[0].startswith(f"{SITE_KEY}=")
            and parts[1].startswith(f"{YEAR_KEY}="))


def replace_partition_files(folder: Path, table: pa.Table, old: list[Path],
                            run_id: str) -> Path | None:
    """Write ``table`` as one new file in ``folder``, then unlink ``old`` files.

    The new file is renamed in before the old ones go (see module docstring).
    """
    new = None
    if len(table):
        new = write_parquet_atomic(table.cast(DATASET_SCHEMA),
                                   folder / f"part-{run_id}-c{uuid.uuid4().hex[:6]}.parquet")
    for path in old:
        if path != new:
            path.unlink(missing_ok=True)
    _fsync_dir(folder)
    return new


def sweep_temp_files(out: str | os.PathLike[str]) -> int:
    """Remove the temp files of writers that are no longer alive (killed mid-write), in
    the dataset's Parquet folders and ``runs/``; returns how many. A live writer holds
    its temp file's ``flock`` (:func:`locked_temp`), so its file stays."""
    loc = locate(out)
    if loc.remote:  # temp files never reach a store; outboxes are swept by their owner
        return 0
    removed = 0
    for folder, pattern in ((loc.staging / ARTICLES_DIR, ".*.tmp"), (loc.staging / "runs", ".*")):
        if not folder.is_dir():
            continue
        for path in folder.rglob(pattern):
            if path.is_file() and remove_if_unheld(path):
                removed += 1
    return removed


def remove_if_unheld(path: Path) -> bool:
    """Delete ``path`` unless a live process holds its ``flock``; True when deleted."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False  # its writer is alive
    else:
        try:
            if os.stat(path).st_ino != os.fstat(fd).st_ino:
                return False  # renamed or replaced meanwhile
            path.unlink()
            return True
        except OSError:
            return False
    finally:
        os.close(fd)


def _migrate_flat_files(out: Path, files: list[Path], run_id: str) -> None:
    """Move rows of files outside ``site_key=/year=`` folders into their partitions."""
    for path in files:
        table = _read(path)
        sites = table.column("site").to_pylist()
        years = [partition_year(d) for d in table.column("published_at").to_pylist()]
        groups: dict[tuple[str, int], list[int]] = defaultdict(list)
        for i, (s, y) in enumerate(zip(sites, years, strict=True)):
            groups[(site_key(s), y)].append(i)
        for (key, year), rows in sorted(groups.items()):
            folder = articles_dir(out) / f"{SITE_KEY}={key}" / f"{YEAR_KEY}={year}"
            write_parquet_atomic(table.take(pa.array(rows)),
                                 folder / f"part-{run_id}-m{uuid.uuid4().hex[:6]}.parquet")
        path.unlink()


def compact(out: str | os.PathLike[str], site: str | None = None,
            progress: Callable[[str], None] | None = None) -> CompactReport:
    """Rewrite partitions so each URL has one row (newest wins), one file per partition.

    ``site`` limits the work to that site's partitions. Memory: the (url, fetched_at)
    index of the files concerned plus one partition at a time.
    """
    out = Path(out)
    root = articles_dir(out)
    report = CompactReport(temp_files_removed=sweep_temp_files(out))
    run_id = new_run_id()
    files = data_files(out, site)
    report.files_before = len(files)
    flat = [f for f in files if not _is_partitioned(f, root)]
    if flat and site is None:
        _migrate_flat_files(out, flat, run_id)
        files = data_files(out, site)
    masks = latest_masks(files)
    report.rows_before = sum(len(m) for m in masks.values())
    by_folder: dict[Path, list[Path]] = defaultdict(list)
    for f in files:
        by_folder[f.parent].append(f)
    for folder, group in sorted(by_folder.items()):
        losers = any(not pc.all(masks[f]).as_py() for f in group)
        if len(group) == 1 and not losers:
            continue
        table = pa.concat_tables([_read(f).filter(masks[f]) for f in group])
        replace_partition_files(folder, _sort_rows(table), group, run_id)
        report.partitions_rewritten += 1
        if progress:
            progress(str(folder.relative_to(root)))
    after = data_files(out, site)
    report.files_after = len(after)
    report.rows_after = sum(pq.ParquetFile(f).metadata.num_rows for f in after)
    return report
