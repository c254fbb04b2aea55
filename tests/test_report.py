"""`micnews report`: the numbers (cleaners/report.py) and the page (cleaners/report_html.py).

Datasets are written with the real DatasetWriter and read back from Parquet; expected
numbers are counted by hand from the records each test writes. The page in a real browser
is tests/test_report_browser.py.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from micnews.cleaners.dataset import DATASET_SCHEMA, DatasetWriter, data_files, rewrite_file
from micnews.cleaners.record import VN_TZ, Image, Record
from micnews.cleaners.report import (
    build_report,
    load_report,
    parse_run,
    read_articles,
    read_runs,
)
from micnews.cleaners.report_html import keep_top, month_range, render, ticks
from micnews.crawler.cli_report import crawl_exit_code
from tests.conftest import run_cli

RUN1 = datetime(2026, 1, 10, 1, 0, tzinfo=UTC)
RUN2 = datetime(2026, 1, 11, 1, 0, tzinfo=UTC)


def rec(site: str, n: int, published: datetime | None, fetched: datetime, *,
        extractor: str = "profile:nukeviet4", author: str | None = "Nguyễn Văn A",
        source: str | None = None, images: int = 0, lead: str | None = "Sa pô",
        title: str | None = None) -> Record:
    return Record(
        url=f"https://{site}/bai-{n}.html", canonical_url=None, site=site,
        family=extractor.removeprefix("profile:") if extractor.startswith("profile") else
        "generic", title=title if title is not None else f"Tin số {n} của {site}", lead=lead,
        text="Nội dung bài viết.", author=author, source=source, published_at=published,
        images=[Image(f"https://{site}/{n}-{i}.jpg") for i in range(images)],
        content_hash=f"{site}-{n}", fetched_at=fetched, extractor=extractor,
        extraction="profile" if extractor.startswith("profile") else "generic")


def write(out: Path, records: list[Record]) -> None:
    writer = DatasetWriter(out, batch_size=4)
    for r in records:
        writer.write(r)
    writer.close()


def set_dup_of(out: Path, dup_of: dict[str, str]) -> None:
    """What `micnews dedup` writes: the canonical copy's url in the copy's dup_of."""
    for path in data_files(out):
        table = pq.read_table(path)
        urls = table.column("url").to_pylist()
        column = pa.array([dup_of.get(u) for u in urls], pa.string())
        rewrite_file(path, table.set_column(table.schema.get_field_index("dup_of"), "dup_of",
                                            column))


def write_run(out: Path, name: str, stats: dict) -> None:
    (out / "runs").mkdir(parents=True, exist_ok=True)
    (out / "runs" / f"{name}.json").write_text(json.dumps(stats, default=str), "utf-8")


def vn(y: int, m: int, d: int, h: int = 9, minute: int = 30) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=VN_TZ)


def fixture_dataset(out: Path) -> None:
    """Two sites, two runs, one syndicated copy; counts spelled out in the tests below."""
    a, b = "mic.gov.vn", "stttt.example.gov.vn"
    write(out, [
        # run 1: three articles of site a, one of b
        rec(a, 1, vn(2025, 11, 3), RUN1 + timedelta(minutes=1), images=2, source="Mic.gov.vn"),
        rec(a, 2, vn(2025, 11, 20, 0, 0), RUN1 + timedelta(minutes=2), author=None),
        rec(a, 3, vn(2026, 1, 1), RUN1 + timedelta(minutes=3), extractor="trafilatura"),
        rec(b, 1, vn(2025, 9, 1), RUN1 + timedelta(minutes=4), lead=None),
        # run 2: one more of a, two of b (one copies a's article 1)
        rec(a, 4, None, RUN2 + timedelta(minutes=1)),
        rec(b, 2, vn(2025, 11, 4), RUN2 + timedelta(minutes=2), images=1),
        rec(b, 3, vn(2025, 9, 15), RUN2 + timedelta(minutes=3), extractor="trafilatura"),
    ])
    set_dup_of(out, {f"https://{b}/bai-2.html": f"https://{a}/bai-1.html"})
    write_run(out, "20260110T010000-aaaa", {
        "start_time": str(RUN1), "finish_time": str(RUN1 + timedelta(minutes=10)),
        "elapsed_time_seconds": 600.0, "finish_reason": "finished",
        "response_received_count": 12, "micnews/articles_written": 4,
        "downloader/response_status_count/200": 10, "downloader/response_status_count/404": 1,
        "downloader/response_status_count/503": 1, "retry/count": 2,
        "micnews/not_article/no article body (listing or home page)": 5,
        "micnews/not_article/empty": 1, "robotstxt/forbidden": 3,
        "micnews/fetch_failed/timeout": 2, "micnews/fetch_failed/dns": 1})
    write_run(out, "20260111T010000-bbbb", {
        "start_time": str(RUN2), "finish_time": str(RUN2 + timedelta(minutes=10)),
        "finish_reason": "shutdown", "response_received_count": 4,
        "downloader/response_status_count/200": 4, "micnews/exit_code": 3,
        "micnews/status/2xx": 5, "micnews/status/404": 1,  # counted with the retried answers
        "offsite/filtered": 2, "micnews/offsite_dropped": 1})


def test_numbers_of_a_two_site_two_run_dataset(tmp_path):
    fixture_dataset(tmp_path)
    r = load_report(tmp_path, exit_rule=crawl_exit_code)
    a, b = "mic.gov.vn", "stttt.example.gov.vn"
    assert r.articles == 7 and r.sites == [a, b]
    timeline = {(x["site"], x["month"]): x["articles"] for x in r.timeline}
    assert timeline == {(a, "2025-11"): 2, (a, "2026-01"): 1, (a, "undated"): 1,
                        (b, "2025-09"): 2, (b, "2025-11"): 1}
    added = {(x["run"], x["site"]): x["articles"] for x in r.added_by_run}
    assert added == {("01-10 01:00", a): 3, ("01-10 01:00", b): 1,
                     ("01-11 01:00", a): 1, ("01-11 01:00", b): 2}
    summary = {s["site"]: s for s in r.site_summary}
    assert summary[a]["newest"] == vn(2026, 1, 1) and summary[a]["days_behind"] == 0
    assert summary[b]["newest"] == vn(2025, 11, 4) and summary[b]["stale"]  # 58 days behind
    extraction = {(x["site"], x["method"]): x["articles"] for x in r.extraction}
    assert extraction == {(a, "profile"): 3, (a, "generic"): 1, (b, "profile"): 2,
                          (b, "generic"): 1}
    assert "extraction" not in r.missing
    complete = {c["site"]: c for c in r.completeness}
    assert complete[a] == {"site": a, "rows": 4, "title": 4, "lead": 4, "date": 3,
                           "date_time": 2, "author": 3, "source": 1, "images": 1}
    assert complete[b]["lead"] == 2 and complete[b]["images"] == 1
    assert r.duplicates == 1
    assert r.syndication == [{"copy": b, "original": a, "articles": 1}]
    assert [n["url"] for n in r.newest][:2] == [f"https://{a}/bai-3.html",
                                                f"https://{a}/bai-2.html"]
    assert r.newest[-1]["published_at"] is None  # undated last
    first, second = r.runs
    assert first.status_classes == {"2xx": 10, "4xx": 1, "5xx": 1}
    assert (first.retries, first.drops["robots"], first.exit_code) == (2, 3, 0)
    assert first.fetch_failed == 3
    assert first.not_articles == {"no article body (listing or home page)": 5, "empty": 1}
    assert not first.exit_code_recorded and second.exit_code_recorded
    assert (second.exit_code, second.duration, second.retries) == (3, 600.0, 0)
    assert second.status_classes == {"2xx": 5, "404": 1}  # the recorded classes win
    assert second.drops["offsite"] == 3


def test_files_written_before_the_extraction_column(tmp_path):
    write(tmp_path, [rec("a.gov.vn", 1, vn(2025, 1, 1), RUN1),
                     rec("a.gov.vn", 2, vn(2025, 1, 2), RUN1, extractor="trafilatura")])
    for path in data_files(tmp_path):  # as schema version 2 wrote them
        pq.write_table(pq.read_table(path).drop_columns(["extraction"]), path)
    r = load_report(tmp_path)
    assert {x["method"]: x["articles"] for x in r.extraction} == {"profile": 1, "generic": 1}
    assert "2 of 2 articles" in r.missing["extraction"]


def test_runs_at_the_same_time_own_the_files_they_wrote(tmp_path):
    """Two runs over the same minutes (parallel crawls, distributed workers): the writer
    id each run recorded names its files, so each row goes to the run that wrote it."""
    ids = []
    for site, n in (("a.gov.vn", 2), ("b.gov.vn", 3)):
        writer = DatasetWriter(tmp_path)
        for i in range(n):
            writer.write(rec(site, i, vn(2025, 1, 1), RUN1 + timedelta(seconds=i)))
        writer.close()
        ids.append(writer.run_id)
    for name, run_id in zip(("r1", "r2"), ids, strict=True):
        write_run(tmp_path, name, {"start_time": str(RUN1), "finish_time": str(
            RUN1 + timedelta(minutes=1)), "micnews/dataset_run_id": run_id})
    r = load_report(tmp_path)
    assert [run.label for run in r.runs] == ["01-10 01:00", "01-10 01:00 #2"]
    assert {(x["run"], x["site"]): x["articles"] for x in r.added_by_run} == {
        ("01-10 01:00", "a.gov.vn"): 2, ("01-10 01:00 #2", "b.gov.vn"): 3}


def test_only_the_report_columns_are_read_and_newest_rows_win(tmp_path):
    a = "mic.gov.vn"
    write(tmp_path, [rec(a, 1, vn(2025, 1, 1), RUN1), rec(a, 1, vn(2025, 1, 1), RUN2,
                                                           title="Sửa lại")])
    table = read_articles(tmp_path)
    assert "text" not in table.column_names and "tags" not in table.column_names
    assert table.num_rows == 1 and table.column("title").to_pylist() == ["Sửa lại"]


def test_runs_missing_keys_and_broken_files(tmp_path):
    write_run(tmp_path, "a", {"finish_reason": "finished"})
    (tmp_path / "runs" / "b.json").write_text("{not json", "utf-8")
    runs = read_runs(tmp_path)
    assert [name for name, _ in runs] == ["a.json"]
    run = parse_run(*runs[0])
    assert (run.start, run.duration, run.pages, run.exit_code) == (None, None, 0, None)
    assert parse_run(*runs[0], exit_rule=crawl_exit_code).exit_code == 1  # nothing fetched
    assert run.status_classes == {} and run.not_articles == {}


def test_recorded_extraction_column_is_used_when_present():
    rows = [{"url": f"u{i}", "site": "s", "family": "nukeviet4", "extractor": "profile:x",
             "extraction": m, "published_at": None, "fetched_at": None, "title": "t",
             "lead": None, "author": None, "source": None, "images": [],
             "dup_of": "https://other.gov.vn/x" if i == 2 else None}
            for i, m in enumerate(["profile", "profile+fallback", "profile+fallback", None])]
    schema = pa.schema([*(DATASET_SCHEMA.field(c) for c in rows[0] if c != "extraction"),
                        pa.field("extraction", pa.string())])
    r = build_report(pa.Table.from_pylist(rows, schema), [])
    assert {x["method"]: x["articles"] for x in r.extraction} == {
        "profile": 2, "profile+fallback": 2}  # the unrecorded one: from extractor
    assert "1 of 4 articles" in r.missing["extraction"] and "runs" in r.missing
    # a copy of an article outside the dataset: its site is the URL's host
    assert r.syndication == [{"copy": "s", "original": "other.gov.vn", "articles": 1}]


def test_empty_dataset_says_nothing_yet(tmp_path):
    (tmp_path / "articles").mkdir()
    page = render(load_report(tmp_path))
    assert "Nothing yet" in page and 'id="nothing-yet"' in page
    assert "<svg" not in page  # no empty chart frames
    assert "no runs/*.json" in page


def test_one_row_dataset_renders_every_section(tmp_path):
    write(tmp_path, [rec("mic.gov.vn", 1, vn(2025, 5, 6), RUN1)])
    page = render(load_report(tmp_path))
    assert 'id="nothing-yet"' not in page
    islands = dict(re.findall(r'data-chart="(\w+)">(\[.*?\])</script>', page))
    assert json.loads(islands["timeline"]) == [
        {"series": "mic.gov.vn", "x": "2025-05", "value": 1}]
    assert "Nothing yet: no copies marked" in page  # syndication
    assert "Nothing yet: no runs/*.json" in page


def test_titles_are_escaped_and_json_islands_cannot_close_their_script(tmp_path):
    odd = "x</script><b>y"
    write(tmp_path, [rec("mic.gov.vn", 1, vn(2025, 5, 6), RUN1,
                         title="<script>alert(1)</script> Sở TT&TT"),
                     rec(odd, 2, vn(2025, 5, 7), RUN1)])
    page = render(load_report(tmp_path))
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Sở TT&amp;TT" in page
    assert odd not in page
    islands = dict(re.findall(r'data-chart="(\w+)">(\[.*?\])</script>', page))
    assert {p["series"] for p in json.loads(islands["timeline"])} == {"mic.gov.vn", odd}


def test_axis_helpers():
    assert ticks(0) == [0, 1] and ticks(3) == [0, 1, 2, 3] and ticks(13) == [0, 5, 10, 15]
    assert month_range(["2024-11", "2025-02"]) == ["2024-11", "2024-12", "2025-01", "2025-02"]


def test_many_sites_keep_the_largest_and_sum_the_rest():
    series = {f"s{i:02d}": [i, None] for i in range(12)}
    top = keep_top(series, limit=4)
    assert list(top) == ["s11", "s10", "s09", "other 9 sites"]
    assert top["other 9 sites"] == [sum(range(9)), None]
    assert keep_top(series, limit=12) is series


@pytest.mark.e2e
def test_cli_report_writes_the_file_and_fails_in_one_line(tmp_path):
    fixture_dataset(tmp_path)
    done = run_cli("report", "--out", str(tmp_path), "-o", str(tmp_path / "r" / "x.html"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"report: {tmp_path / 'r' / 'x.html'}"
    page = (tmp_path / "r" / "x.html").read_text("utf-8")
    assert page.startswith("<!doctype html>") and "stttt.example.gov.vn" in page
    assert not re.search(r"""(src|href)=["']https?://(?!mic\.gov|stttt)""", page)  # offline
    missing = run_cli("report", "--out", str(tmp_path / "nope"))
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [f"error: no dataset folder at {tmp_path}/nope"]
