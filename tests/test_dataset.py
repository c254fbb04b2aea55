"""The Parquet dataset layer: layout, readers, compaction, crash safety, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from micnews.cleaners.dataset import (
    DATASET_SCHEMA,
    UNKNOWN_YEAR,
    DatasetWriter,
    articles_dir,
    compact,
    data_files,
    load,
    site_key,
)
from micnews.cleaners.record import SCHEMA_VERSION, VN_TZ, Image, Record
from micnews.crawler.cli_dataset import dataset_app

ROOT = Path(__file__).absolute().parents[1]
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def rec(i: int, site: str = "mic.gov.vn", year: int | None = 2024, run: int = 0,
        text: str | None = None) -> Record:
    published = datetime(year, 1 + i % 12, 1 + i % 28, 8, 30, tzinfo=VN_TZ) if year else None
    body = text if text is not None else f"Bài số {i} lần {run}. " + "nội dung " * (5 + i % 7)
    return Record(
        url=f"https://{site}/tin-tuc/bai-{i}.html", canonical_url=None, site=site,
        family="generic", title=f"Tiêu đề {i}", lead=f"Sa pô {i}", text=body,
        published_at=published, images=[Image(f"https://{site}/a{i}.jpg", "ảnh")],
        tags=["chuyển đổi số"] if i % 2 else [], word_count=len(body.split()),
        content_hash=f"h{i}-{run}", fetched_at=T0 + timedelta(days=run), extractor="test",
    )


def write(out: Path, records: list[Record], batch_size: int = 7) -> DatasetWriter:
    w = DatasetWriter(out, batch_size=batch_size)
    for r in records:
        w.write(r)
    w.close()
    return w


SITES = ["mic.gov.vn", "stttt.tinh-a.gov.vn:8080", "../../etc/passwd", "Sở TT&TT"]


def mixed() -> list[Record]:
    return [rec(i, site=SITES[i % 4], year=(2023, 2024, None)[i % 3]) for i in range(40)]


def test_layout_partitions_and_sanitizing(tmp_path):
    w = write(tmp_path, mixed())
    assert w.rows_written == 40
    root = articles_dir(tmp_path).resolve()
    for f in w.files:
        assert f.resolve().is_relative_to(root)
        key, year, name = f.relative_to(articles_dir(tmp_path)).parts
        assert key.startswith("site_key=") and year.startswith("year=")
        assert name.startswith("part-") and name.endswith(".parquet")
        assert ".." not in key and "/" not in key[9:] and ":" not in key
    assert site_key("stttt.tinh-a.gov.vn:8080") == "stttt.tinh-a.gov.vn_8080"
    assert site_key("../../etc/passwd") == "_.._etc_passwd".replace("..", "_")
    assert site_key("") == "_unknown"
    assert (articles_dir(tmp_path) / "site_key=mic.gov.vn" / f"year={UNKNOWN_YEAR}").is_dir()
    meta = pq.read_schema(w.files[0]).metadata
    assert meta[b"micnews.schema_version"] == SCHEMA_VERSION.encode()
    md = pq.ParquetFile(w.files[0]).metadata
    assert md.row_group(0).column(0).compression == "ZSTD"
    # the real site survives in the column
    assert sorted(set(load(tmp_path).to_table().column("site").to_pylist())) == sorted(SITES)


def _norm(t: pa.DataType) -> str:
    """Type names with string/large_string/string_view and list/large_list merged."""
    if pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "string"
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_list_view(t):
        return f"list<{_norm(t.value_type)}>"
    if pa.types.is_struct(t):
        return "struct<" + ",".join(f"{f.name}:{_norm(f.type)}" for f in t) + ">"
    if pa.types.is_timestamp(t):
        return f"timestamp[{t.unit}, tz={bool(t.tz)}]"
    return str(t)


def _types(schema: pa.Schema) -> list[tuple[str, str]]:
    return [(f.name, _norm(f.type)) for f in schema]


def test_readers_agree(tmp_path):
    write(tmp_path, mixed())
    glob = str(articles_dir(tmp_path) / "**" / "*.parquet")
    want = _types(DATASET_SCHEMA)
    arrow = load(tmp_path).to_table()
    tables = {
        "pyarrow": arrow,
        "pandas": pa.Table.from_pandas(
            pd.read_parquet(articles_dir(tmp_path), partitioning=None,
                            dtype_backend="pyarrow"), preserve_index=False),
        "polars": pl.read_parquet(glob).to_arrow(),
        "polars_scan": pl.scan_parquet(glob).collect().to_arrow(),
        "duckdb": duckdb.sql(
            f"SELECT * FROM read_parquet('{glob}', hive_partitioning=false)").to_arrow_table(),
    }
    for name, table in tables.items():
        assert table.num_rows == 40, name
        assert _types(table.schema) == want, name
    # hive partitioning switched on: same rows, the two keys added, no clash
    hive = duckdb.sql(f"SELECT * FROM read_parquet('{glob}', hive_partitioning=true)")
    assert hive.columns == DATASET_SCHEMA.names + ["site_key", "year"]
    assert duckdb.sql(f"SELECT count(*) FROM '{glob}'").fetchall()[0][0] == 40
    assert pl.read_parquet(articles_dir(tmp_path)).height == 40
    assert len(pd.read_parquet(articles_dir(tmp_path))) == 40
    assert ds.dataset(articles_dir(tmp_path), partitioning="hive").count_rows() == 40


def test_three_appends_then_compact_newest_wins(tmp_path):
    for run in range(3):
        write(tmp_path, [rec(i, run=run) for i in range(25)], batch_size=10)
    assert load(tmp_path).count_rows() == 75
    latest = load(tmp_path, dedupe=True).to_table()
    assert latest.num_rows == 25
    assert set(latest.column("content_hash").to_pylist()) == {f"h{i}-2" for i in range(25)}
    report = compact(tmp_path)
    assert report.rows_before == 75 and report.rows_after == 25
    table = load(tmp_path).to_table()
    urls = table.column("url").to_pylist()
    assert len(urls) == len(set(urls)) == 25
    assert all(h.endswith("-2") for h in table.column("content_hash").to_pylist())
    assert all(t.startswith(f"Bài số {i} lần 2")
               for i, t in ((int(u.split("-")[-1][:-5]), t) for u, t in
                            zip(urls, table.column("text").to_pylist(), strict=True)))
    assert len(data_files(tmp_path)) == 1  # one partition, merged into one file
    again = compact(tmp_path)
    assert again.partitions_rewritten == 0


def test_compact_url_whose_year_changed(tmp_path):
    write(tmp_path, [rec(1, year=2023, run=0)])
    write(tmp_path, [rec(1, year=2024, run=1)])
    compact(tmp_path)
    rows = load(tmp_path).to_table().to_pylist()
    assert len(rows) == 1 and rows[0]["published_at"].year == 2024


def test_compact_migrates_flat_layout(tmp_path):
    flat = articles_dir(tmp_path)
    flat.mkdir(parents=True)
    from micnews.cleaners.dataset import records_to_table

    pq.write_table(records_to_table([rec(i) for i in range(5)]), flat / "part-old-00000.parquet")
    assert load(tmp_path).count_rows() == 5  # old files lack dup_of: filled with null
    compact(tmp_path)
    assert not (flat / "part-old-00000.parquet").exists()
    assert all(len(f.relative_to(flat).parts) == 3 for f in data_files(tmp_path))
    assert load(tmp_path).count_rows() == 5


KILLER = textwrap.dedent("""
    import os, sys
    from datetime import UTC, datetime
    import pyarrow.parquet as pq
    import micnews.cleaners.dataset as d
    from micnews.cleaners.record import Record
    calls = {"n": 0}
    real = pq.write_table
    def slow_write(table, where, **kw):
        calls["n"] += 1
        if calls["n"] == 4:  # die in the middle of the 4th file
            with open(where, "wb") as fh:
                fh.write(b"PAR1" + b"x" * 1000)
                fh.flush()
            os._exit(9)
        return real(table, where, **kw)
    d.pq.write_table = slow_write
    w = d.DatasetWriter(sys.argv[1], batch_size=10)
    for i in range(100):
        w.write(Record(url=f"https://mic.gov.vn/{i}", canonical_url=None, site="mic.gov.vn",
                       family="generic", title="t", lead=None, text=f"text {i}",
                       fetched_at=datetime.now(UTC)))
    w.close()
""")


def test_writer_killed_mid_file(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", KILLER, str(tmp_path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 9, proc.stderr
    temps = list(articles_dir(tmp_path).rglob(".*.tmp"))
    assert temps, "the killed writer left its temp file"
    assert load(tmp_path).count_rows() == 30  # three committed batches
    assert sorted(load(tmp_path).to_table().column("url").to_pylist()) == sorted(
        f"https://mic.gov.vn/{i}" for i in range(30))
    glob = str(articles_dir(tmp_path) / "**" / "*.parquet")
    assert duckdb.sql(f"SELECT count(*) FROM read_parquet('{glob}', hive_partitioning=false)"
                      ).fetchall()[0][0] == 30
    assert pl.read_parquet(glob).height == 30
    assert all(not f.name.startswith(".") for f in data_files(tmp_path))
    compact(tmp_path)  # the temp file is young: left alone, dataset still fine
    assert load(tmp_path).count_rows() == 30


# ---------------------------------------------------------------- CLI
runner = CliRunner()


@pytest.mark.e2e
def test_cli_compact_stats_export(tmp_path):
    for run in range(2):
        write(tmp_path, [rec(i, run=run, year=(2024, None)[i % 2]) for i in range(6)])
    r = runner.invoke(dataset_app, ["compact", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert "12 → 6 rows" in r.output
    r = runner.invoke(dataset_app, ["stats", "--out", str(tmp_path), "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["rows"] == 6
    assert {(x["year"], x["rows"]) for x in data["per_site_year"]} == {(2024, 3), (0, 3)}
    assert data["empty"]["author"] == 6 and data["empty"]["tags"] == 3
    assert data["empty"]["title"] == 0
    r = runner.invoke(dataset_app, ["stats", "--out", str(tmp_path)])
    assert r.exit_code == 0 and "mic.gov.vn" in r.stdout and "empty fields" in r.stdout
    dest = tmp_path / "x.jsonl"
    r = runner.invoke(dataset_app, ["export", "--format", "jsonl", "--out", str(tmp_path),
                                    "-o", str(dest)])
    assert r.exit_code == 0, r.output
    lines = [json.loads(x) for x in dest.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 6
    dated = [x for x in lines if x["published_at"]]
    assert dated and all(x["published_at"].endswith("+07:00") for x in dated)
    back = Record.from_json_dict(lines[0])
    assert back.url == lines[0]["url"] and back.images and back.images[0].caption == "ảnh"
    assert "dup_of" in lines[0]
    r = runner.invoke(dataset_app, ["export", "--out", str(tmp_path)])
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == 6


@pytest.mark.e2e
@pytest.mark.parametrize("cmd", [["compact"], ["dedup"], ["stats"], ["stats", "--json"],
                                 ["export", "--format", "jsonl"]])
def test_cli_missing_dataset(tmp_path, cmd):
    r = runner.invoke(dataset_app, [*cmd, "--out", str(tmp_path / "nope")])
    assert r.exit_code == 2
    assert "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1 and "no dataset" in r.output


@pytest.mark.e2e
def test_cli_unreadable_dataset(tmp_path):
    bad = articles_dir(tmp_path) / "site_key=x" / "year=0"
    bad.mkdir(parents=True)
    (bad / "part-1.parquet").write_bytes(b"not parquet at all")
    r = runner.invoke(dataset_app, ["stats", "--out", str(tmp_path)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_commands_register_on_main_app():
    import typer

    app = typer.Typer()
    app.registered_commands.extend(dataset_app.registered_commands)
    names = {c.name or c.callback.__name__ for c in app.registered_commands}
    assert {"compact", "dedup", "stats", "export"} <= names
