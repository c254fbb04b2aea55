"""Issue 7: bad input to the command is one line naming the problem, a non-zero exit code
and no traceback; names and URLs never become paths outside the output folder.

Tests run as root, so a chmod-read-only folder is still writable: an unwritable output
folder is simulated by a path under a regular file. No test reaches the network: every
URL is on 127.0.0.1 or under ``.invalid``, and each bad input fails before a crawl starts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micnews.cleaners.dataset import articles_dir, partition_dir, site_key
from micnews.crawler.lock import SiteLock
from tests.conftest import SITES_DIR, run_cli

pytestmark = pytest.mark.e2e  # crawls or the micnews command in subprocesses

ARTICLE = SITES_DIR / "mic-current" / "ha-nam-ra-mat-ung-dung-cong-dan-so-411230602100500311.htm"


def one_line_error(result, code: int, *words: str) -> str:
    """The command failed with ``code`` and said why in one ``error:`` line."""
    assert result.returncode == code, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    for word in words:
        assert word in errors[0], errors[0]
    return errors[0]


@pytest.fixture
def out(tmp_path) -> Path:
    return tmp_path / "out"


@pytest.mark.parametrize(("target", "words"), [
    ("http//missing-colon.invalid", ["unknown site", "http//missing-colon.invalid"]),
    ("ftp://files.invalid/", ["not an http(s) URL", "ftp://files.invalid/"]),
    ("javascript:alert(1)", ["unknown site"]),
    ("http://", ["not an http(s) URL"]),
    ("http://[::1/", ["not a valid URL", "[::1"]),
    ("http://tin.invalid:99999/", ["not a valid URL", "99999"]),
    ("no-such-site", ["unknown site 'no-such-site'", "configured:"]),
    ("", ["unknown site ''"]),
], ids=["no-colon", "ftp", "javascript", "no-host", "ipv6", "port", "unknown-name", "empty"])
def test_bad_crawl_targets(out, target, words):
    one_line_error(run_cli("crawl", target, "--out", str(out)), 2, *words)
    assert not (out / "articles").exists()


@pytest.mark.parametrize(("content", "words"), [
    (None, ["cannot read sites file", "No such file"]),
    (b"[mic\nroot = 1", ["cannot read sites file"]),
    (b"\xff\xfe[mic]\n", ["cannot read sites file", "utf-8"]),
    (b'[evil]\nroot = "javascript:alert(1)"\n', ["not an http(s) URL"]),
    (b'[evil]\nroot = 5\n', ["not a valid URL"]),
    (b'[evil]\nroot = "http://a.invalid/"\nstart = ["file:///etc/passwd"]\n',
     ["not an http(s) URL", "file:///etc/passwd"]),
    (b"evil = 3\n", ["needs a 'root' URL"]),
    (b'[x]\nroot = "http://a.invalid/"\nfamily = "nukeviet9"\n',  # no such profile
     ["site 'x'", "unknown family 'nukeviet9'", "auto", "nukeviet4", "vccorp_cms"]),
], ids=["missing", "toml", "utf8", "javascript-root", "number-root", "file-start", "flat",
        "family"])
def test_unreadable_or_hostile_sites_file(tmp_path, out, content, words):
    path = tmp_path / "sites.toml"
    if content is not None:
        path.write_bytes(content)
    one_line_error(run_cli("crawl", "--sites-file", str(path), "--out", str(out)), 2, *words)
    one_line_error(run_cli("sites", "--sites-file", str(path)), 2, *words)


def test_sites_file_that_is_a_folder(tmp_path, out):
    one_line_error(run_cli("crawl", "--sites-file", str(tmp_path), "--out", str(out)), 2,
                   "cannot read sites file")


def test_unwritable_output_folder(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("a file, not a folder")
    for out in (blocker / "sub", blocker):
        one_line_error(run_cli("crawl", "http://tin.invalid/", "--out", str(out)), 2,
                       "cannot create output folder", str(out))
    one_line_error(run_cli("reclean", "--from", str(SITES_DIR), "--out", str(blocker / "x")),
                   2, "no WARC files")


@pytest.mark.parametrize(("args", "words"), [
    (["--set", "NO_EQUALS_SIGN"], ["--set wants NAME=VALUE"]),
    (["--set", "DOWNLOADER_MIDDLEWARES={bad json}"],
     ["--set DOWNLOADER_MIDDLEWARES", "not valid JSON"]),
    (["--since", "yesterday"], ["--since wants a date"]),
], ids=["set", "set-json", "since"])
def test_bad_crawl_options(out, args, words):
    one_line_error(run_cli("crawl", "http://tin.invalid/", "--out", str(out), *args), 2, *words)


def test_option_of_the_wrong_type_is_a_usage_error(out):
    result = run_cli("crawl", "http://tin.invalid/", "--out", str(out), "--max-pages", "many")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Invalid value for '--max-pages'" in result.stderr


@pytest.mark.parametrize(("value", "words"), [
    ("/no/such/page.html", ["cannot read file"]),
    ("http://[::1/", ["not a valid URL"]),
    ("http://tin.invalid/bai-1.html", ["tin.invalid"]),
], ids=["missing-file", "ipv6", "dns"])
def test_scrape_bad_inputs(value, words):
    result = run_cli("scrape", value)
    one_line_error(result, 1, *words)
    assert result.stdout == ""


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl"])
def test_scrape_to_an_unwritable_file(tmp_path, suffix):
    blocker = tmp_path / "file.txt"
    blocker.write_text("a file, not a folder")
    target = blocker / f"records{suffix}"
    one_line_error(run_cli("scrape", str(ARTICLE), "-o", str(target)), 2, "cannot write",
                   str(target))


def test_scrape_never_stores_credentials(tmp_path, fixture_sites):
    base = fixture_sites["mic-current"].base_url
    secret = base.replace("http://", "http://micnews:hunter2@") + "/" + ARTICLE.name
    target = tmp_path / "records.parquet"
    result = run_cli("scrape", secret, "-o", str(target))
    assert result.returncode == 0, result.stderr[-2000:]
    assert b"hunter2" not in target.read_bytes()
    assert result.stderr == ""


# -- names and URLs never become paths outside the output folder ------------------------------
def _inside(path: Path, folder: Path) -> bool:
    return folder.resolve() in path.resolve().parents


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(name=st.one_of(st.text(max_size=80), st.sampled_from([
    "..", ".", "../../etc", "..\\..\\windows", "/etc/passwd", "a/../../b", "%2e%2e%2f",
    "site_key=x/year=1", "\x00", "~root", "..." , "COM1", " ", "host:8080", "ĐàNẵng.gov.vn"])))
def test_site_names_and_hosts_stay_inside_the_output_folder(tmp_path_factory, name):
    out = tmp_path_factory.getbasetemp() / "safe"
    key = site_key(name)
    assert key and "/" not in key and "\\" not in key and "\x00" not in key
    assert key not in (".", "..") and not key.startswith(".")
    folder = partition_dir(out, name, 2024)
    assert folder.parent.parent == articles_dir(out) and _inside(folder, articles_dir(out))
    lock = SiteLock(out, name).path
    assert lock.parent == out / "locks" and _inside(lock, out / "locks")
    assert lock.name not in (".lock", "..lock")


def test_reclean_from_an_object_store_keeps_the_uri():
    result = run_cli("reclean", "--from", "s3://bucket/prefix/data", "--out", "unused")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: reclean --from reads a local folder only, not s3://bucket/prefix/data; "
        "copy its warc/ folder locally first (e.g. aws s3 sync)"]
