"""Shared fixtures: the project's fixture sites served on 127.0.0.1; the fault table.

The suite runs on pytest-xdist (``-n auto`` in pyproject): session fixtures start once per
worker, and the fault table is sent by each worker to the controller, which prints it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SITES_DIR = FIXTURES / "sites"


@pytest.fixture(scope="session")
def fixture_sites() -> Iterator[dict]:
    """Every fixture site on its own loopback port: name -> SiteServer."""
    from micnews.crawler.demo.server import SiteServer

    servers = {}
    for root in sorted(p for p in SITES_DIR.iterdir() if p.is_dir()):
        servers[root.name] = SiteServer(root).start()
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def fixture_expected() -> dict:
    """The records a careful editor would write for the fixture sites."""
    return json.loads((SITES_DIR / "expected.json").read_text("utf-8"))


@pytest.fixture
def site(fixture_expected, tmp_path):
    """The smallest fixture site (mic-current: three articles, a listing, a feed) copied
    onto a server that misbehaves on command (tests/faultserver.py)."""
    from tests.faultserver import MisbehavingSite

    s = MisbehavingSite("mic-current", fixture_expected["mic-current"], tmp_path)
    yield s
    s.stop()


def run_cli(*args: str, cwd: Path = ROOT, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run the installed ``micnews`` command (through this interpreter) and capture its output."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-m", "micnews.crawler.cli", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
    )


def _fault_results() -> list:
    faults = sys.modules.get("tests.faultserver")
    return getattr(faults, "FAULT_RESULTS", [])


def pytest_sessionfinish(session) -> None:
    """On an xdist worker: hand this worker's fault lines to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["fault_results"] = [dataclasses.asdict(r) for r in _fault_results()]


class _FaultsFromWorkers:
    """xdist controller: collect each finished worker's fault lines (an xdist hook, so it is
    registered only when xdist runs)."""

    @staticmethod
    def pytest_testnodedown(node, error) -> None:
        lines = getattr(node, "workeroutput", {}).get("fault_results", [])
        if lines:
            from tests.faultserver import FAULT_RESULTS, FaultResult

            FAULT_RESULTS.extend(FaultResult(**line) for line in lines)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto``: one worker more than the CPUs. Most tests wait on a crawl subprocess,
    a loopback server or redis: with one worker per core a 2-core machine sat idle a fifth
    of the run (4 min 32 s with 2 workers, 3 min 50 s with 3)."""
    return (os.cpu_count() or 1) + 1


def pytest_configure(config) -> None:
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_FaultsFromWorkers(), "micnews-faults-from-workers")


def pytest_terminal_summary(terminalreporter) -> None:
    """Issue 7: per fault, records expected vs present (filled by tests/test_faults.py)."""
    results = sorted(_fault_results(), key=lambda r: r.fault)
    if not results:
        return
    width = max(len(r.fault) for r in results)
    terminalreporter.section("faults: records expected vs present")
    terminalreporter.write_line(f"{'fault':<{width}}  committed->kept  expected  present  ok")
    for r in results:
        kept = "-" if r.committed is None else f"{r.committed}->{r.kept}"
        ok = "yes" if r.expected == r.present and r.committed == r.kept else "NO"
        terminalreporter.write_line(
            f"{r.fault:<{width}}  {kept:>15}  {r.expected:>8}  {r.present:>7}  {ok}")
