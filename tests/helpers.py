"""Test helpers shared by several modules: the optional ``../shared`` folder, loopback ports.

``../shared`` (beside the repository) holds material we may not redistribute: the seed pages
and the realpages collection. The few tests that read it go through :func:`shared` and are
skipped when it is absent (a fresh clone); the pages we may ship are in
``tests/fixtures/realpages/`` and are always tested.
"""

from __future__ import annotations

import random
import socket
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


def shared_or_none(*parts: str) -> Path | None:
    """``../shared/<parts>`` when present (for parametrizing at collection time), else None."""
    path = SHARED.joinpath(*parts)
    return path if path.exists() else None


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
