"""Test helpers shared by several modules: the optional ``../shared`` folder, loopback ports.

``../shared`` (beside the repository) holds material we may not redistribute: the seed pages
and the realpages collection. The few tests that read it go through :func:`shared` and are
skipped when it is absent (a fresh clone); the pages we may ship are in
``tests/fixtures/realpages/`` and are always tested.
"""

from __future__ import annotations

import csv
import random
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared(*parts: str) -> Path:
    """``../shared/<parts>``, or skip the calling test when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/{'/'.join(parts)} is absent (optional material beside the repo)")
    return path


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_port_run(count: int) -> int:
    """The first of ``count`` consecutive free loopback ports (below the ephemeral range)."""
    start = random.randrange(20000, 30000)  # xdist workers must not all try the same run
    for first in range(start, start + 5000, count * 7 + 11):
        socks = []
        try:
            for port in range(first, first + count):
                sock = socket.socket()
                socks.append(sock)
                sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError("no run of free loopback ports")


# -- real pages: the ones we ship, plus ../shared/realpages when present ---------------------
REALPAGES = ROOT / "tests" / "fixtures" / "realpages"


@dataclass(frozen=True)
class RealPage:
    """One saved page from a MANIFEST.tsv: where it is, and what the manifest says of it."""

    path: Path  # the .html file
    local_file: str  # its path relative to its realpages folder (the manifest key)
    page_url: str
    shipped: bool  # in tests/fixtures/realpages (always tested) or only in ../shared

    def expected_file(self, suffix: str = ".expected.json") -> Path:
        return self.path.with_name(self.path.stem + suffix)


def real_pages() -> list[RealPage]:
    """Every HTML page of the shipped realpages and, when present, of ../shared/realpages
    (a page in both counts once, as shipped)."""
    pages: dict[str, RealPage] = {}
    for folder, shipped in ((REALPAGES, True), (SHARED / "realpages", False)):
        manifest = folder / "MANIFEST.tsv"
        urls = {}
        if manifest.is_file():
            with manifest.open(encoding="utf-8") as fh:
                urls = {row["local_file"]: row["page_url"]
                        for row in csv.DictReader(fh, delimiter="\t")}
        for path in sorted(folder.rglob("*.html")) if folder.is_dir() else []:
            rel = path.relative_to(folder).as_posix()
            if rel not in pages:
                url = urls.get(rel) or f"https://example.vn/{rel}"
                pages[rel] = RealPage(path, rel, url, shipped)
    return list(pages.values())
