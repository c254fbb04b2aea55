"""Issue 6: a crawl into an object store (``--out s3://bucket/prefix``), against a real S3
API on loopback (moto's server), then read back from the bucket with pyarrow."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest

from micnews.cleaners.dataset import load
from micnews.cleaners.storage import locate, recover_outboxes
from micnews.crawler.urls import canonical_url
from tests.conftest import run_cli
from tests.helpers import free_port
from tests.test_distributed import _expected_urls as _distributed_expected
from tests.test_distributed import (  # noqa: F401 - fixtures: one Redis, slow fixture sites
    redis_server,
    redis_url,
    sites,
    two_workers_crawl,
)

pytestmark = pytest.mark.e2e  # crawls or the micnews command in subprocesses

FAST = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False",
        "--set", "MICNEWS_BATCH_SIZE=2"]  # several Parquet flushes, each uploaded


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on a free loopback port; yields ``127.0.0.1:PORT``."""
    try:
        import moto.server  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("moto[server] is not installed (pip install -e '.[test]')")
        pytest.skip("moto[server] is not installed (pip install 'moto[server]')")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                             "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"moto server did not start on port {port}")
            time.sleep(0.1)
    yield f"127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint, monkeypatch, tmp_path) -> Iterator[tuple[pafs.S3FileSystem, str]]:
    """A new empty bucket; yields (filesystem, dataset URI under it). Credentials and the
    staging folder reach the CLI through the environment."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("MICNEWS_STAGING", str(tmp_path / "staging"))
    s3 = pafs.S3FileSystem(endpoint_override=s3_endpoint, scheme="http", access_key="test",
                           secret_key="test", region="us-east-1", allow_bucket_creation=True)
    name = f"micnews-{uuid.uuid4().hex[:8]}"
    s3.create_dir(name)
    yield s3, (f"s3://{name}/datasets/vn?endpoint_override={s3_endpoint}"
               "&scheme=http&region=us-east-1")


def _objects(s3: pafs.S3FileSystem, uri: str) -> dict[str, int]:
    """Every object under the dataset prefix: relative key -> size."""
    root = uri.split("://", 1)[1].split("?", 1)[0]
    infos = s3.get_file_info(pafs.FileSelector(root, recursive=True, allow_not_found=True))
    return {i.path[len(root) + 1:]: i.size for i in infos if i.type == pafs.FileType.File}


def _expected_urls(fixture_sites, fixture_expected) -> list[str]:
    return sorted(canonical_url(fixture_sites[name].base_url + path)
                  for name, articles in fixture_expected.items() for path in articles)


def _crawl(fixture_sites, uri: str) -> subprocess.CompletedProcess:
    targets = [s.base_url + "/" for s in fixture_sites.values()]
    return run_cli("crawl", *targets, "--out", uri, *FAST)


def test_crawl_into_s3_then_read_back_and_crawl_again(fixture_sites, fixture_expected,
                                                       bucket, tmp_path):
    s3, uri = bucket
    first = _crawl(fixture_sites, uri)
    assert first.returncode == 0, first.stderr[-3000:]

    urls = [canonical_url(u) for u in load(uri).to_table(columns=["url"]).column("url")
            .to_pylist()]
    assert sorted(urls) == _expected_urls(fixture_sites, fixture_expected), \
        "every article exactly once, read back from the bucket"
    objects = _objects(s3, uri)
    parquet = [k for k in objects if k.startswith("articles/")]
    warcs = [k for k in objects if k.startswith("warc/")]
    runs = [k for k in objects if k.startswith("runs/")]
    assert len(parquet) >= 2 and all(k.endswith(".parquet") for k in parquet), objects
    assert warcs and all(k.endswith(".warc.gz") and objects[k] > 0 for k in warcs), objects
    assert len(runs) == 1 and runs[0].endswith(".json")
    assert set(objects) == {*parquet, *warcs, *runs}, "no temp, partial or stray objects"
    assert not any(part.startswith(".") for k in objects for part in k.split("/"))
    root = uri.split("://", 1)[1].split("?", 1)[0]
    table = pq.read_table(f"{root}/{parquet[0]}", filesystem=s3)  # a plain pyarrow read
    assert table.num_rows > 0 and "url" in table.column_names
    staging = tmp_path / "staging"
    assert (staging / "state.sqlite").is_file(), "the crawl state stays local"
    left = [p for p in (staging / "outbox").rglob("*") if p.is_file() and p.name != ".lock"]
    assert left == [], "every staged file was uploaded and its local copy removed"

    second = _crawl(fixture_sites, uri)
    assert second.returncode == 0, second.stderr[-3000:]
    after = _objects(s3, uri)
    assert [k for k in after if k.startswith("articles/")] == parquet, "nothing appended"
    assert len([k for k in after if k.startswith("runs/")]) == 2
    assert len(load(uri).to_table(columns=["url"])) == len(urls)

    stats = run_cli("stats", "--out", uri, "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["rows"] == len(urls)
    compact = run_cli("compact", "--out", uri)
    assert compact.returncode == 2
    assert "local dataset folder only" in compact.stderr and "Traceback" not in compact.stderr
    assert "endpoint_override" not in compact.stderr, "the URI's query stays out of messages"


def test_a_dead_process_outbox_is_uploaded_and_reconciled(bucket, tmp_path):
    s3, uri = bucket
    location = locate(uri)
    box = tmp_path / "staging" / "outbox" / "12345-deadbeef"
    part = box / "articles" / "site_key=a.vn" / "year=2024" / "part-x-00000.parquet"
    part.parent.mkdir(parents=True)
    pq.write_table(pa.table({"url": ["http://a.vn/1"]}), part)
    (box / "warc").mkdir()
    (box / "warc" / "micnews-x-00000.warc.gz").write_bytes(b"cut short")
    (part.parent / ".part-y.parquet.abc.tmp").write_bytes(b"half")
    reconciled: list[list[Path]] = []

    assert recover_outboxes(location, reconciled.append) == 2
    assert [[p.name for p in files] for files in reconciled] == [["part-x-00000.parquet"]]
    assert sorted(_objects(s3, uri)) == [
        "articles/site_key=a.vn/year=2024/part-x-00000.parquet", "warc/micnews-x-00000.warc.gz"]
    assert not box.exists(), "the dead outbox is gone, temp files with it"


def test_two_redis_workers_write_into_one_s3_prefix(request, fixture_expected, bucket):
    s3, uri = bucket
    # test_distributed's fixtures: a throwaway Redis, fixture sites answering a little slowly
    url = request.getfixturevalue("redis_url")
    servers = request.getfixturevalue("sites")
    logs = two_workers_crawl(url, servers, uri)

    urls = [canonical_url(u) for u in load(uri).to_table(columns=["url"]).column("url")
            .to_pylist()]
    assert sorted(urls) == sorted(_distributed_expected(servers, fixture_expected)), \
        "every article exactly once"
    objects = _objects(s3, uri)
    parquet_runs = {k.rsplit("/", 1)[1].split("-")[1] + k.rsplit("/", 1)[1].split("-")[2]
                    for k in objects if k.startswith("articles/")}
    warcs = [k for k in objects if k.startswith("warc/")]
    assert len(parquet_runs) == 2 and len(warcs) == 2, ("both workers uploaded files", logs)
    assert len([k for k in objects if k.startswith("runs/")]) == 2


def test_a_file_uri_is_a_plain_folder(tmp_path):
    from tests.test_dataset import rec, write

    uri = (tmp_path / "ds").as_uri()
    write(uri, [rec(i, run=0) for i in range(5)] + [rec(0, run=1)])
    assert (tmp_path / "ds" / "articles").is_dir(), "written straight into the folder"
    assert len(load(uri).to_table()) == 6 and len(load(uri, dedupe=True).to_table()) == 5
    compact = run_cli("compact", "--out", uri)
    assert compact.returncode == 0, compact.stderr
    assert len(pq.read_table(tmp_path / "ds" / "articles")) == 5


def test_a_new_machine_knows_what_an_s3_dataset_holds(fixture_expected, bucket, tmp_path,
                                                       monkeypatch):
    """Issue 13 (8): the crawl state is local, the dataset is not. A crawl of the same URI
    from another machine (a new, empty staging folder) rebuilds the known URLs and content
    hashes from the dataset's own Parquet: nothing is written again, and ``--refresh``
    writes a new row only for the article whose text changed."""
    from collections import Counter

    from tests.faultserver import MisbehavingSite, report

    _s3, uri = bucket
    site = MisbehavingSite("mic-current", fixture_expected["mic-current"], tmp_path / "site")
    try:
        for i in range(7):
            site.add_article(f"s3-{i}")

        def crawl_from(machine: str, *extra: str) -> list[str]:
            monkeypatch.setenv("MICNEWS_STAGING", str(tmp_path / machine))
            result = site.crawl(uri, *extra)  # type: ignore[arg-type]
            assert result.returncode == 0, result.stderr[-3000:]
            return [canonical_url(u) for u in
                    load(uri).to_table(columns=["url"]).column("url").to_pylist()]

        first = crawl_from("machine-1")
        assert sorted(first) == sorted(site.urls())
        second = crawl_from("machine-2")  # a new container: its cache is empty
        twice = [u for u, n in Counter(second).items() if n > 1]
        assert not twice, f"written again from another machine: {twice}"
        assert sorted(second) == sorted(site.urls())
        edited = next(p for p in site.expected if "s3-3" in p)
        page = site.file_of(edited)
        page.write_text(page.read_text("utf-8").replace("Bản tin s3-3:", "Bản tin đã sửa:"),
                        "utf-8")
        third = crawl_from("machine-3", "--refresh")  # hashes rebuilt too
        assert Counter(third) == Counter(second) + Counter(site.urls({edited}))
        report("object store crawled from a new machine (empty local state)", site.urls(),
               second, "tests/test_object_store.py::"
               "test_a_new_machine_knows_what_an_s3_dataset_holds")
    finally:
        site.stop()
