"""One crawl per site and dataset at a time: an advisory file lock."""

from __future__ import annotations

import fcntl
import os
import re
from pathlib import Path

from micnews.crawler.diskfull import DiskFull, is_disk_full


class AlreadyRunning(RuntimeError):
    """Another run holds the lock for this site."""


class SiteLock:
    """Exclusive ``flock`` on ``<out>/locks/<site>.lock``; released when the process dies."""

    def __init__(self, out: str | Path, site: str) -> None:
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", site).strip("._") or "site"
        self.path = Path(out) / "locks" / f"{safe}.lock"
        self._fd: int | None = None

    def acquire(self) -> SiteLock:
        """Take the lock or raise :class:`AlreadyRunning` (:class:`DiskFull`: no room)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            if is_disk_full(exc):
                raise DiskFull(self.path.parent, exc) from None
            raise
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            holder = self.path.read_text().strip() or "another process"
            raise AlreadyRunning(f"a crawl of this site is already running (pid {holder}); "
                                 f"lock file {self.path}") from None
        self._fd = fd
        try:
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())  # who holds it, for the message above
        except OSError as exc:
            self.release()
            if is_disk_full(exc):
                raise DiskFull(self.path.parent, exc) from None
            raise
        return self

    def release(self) -> None:
        """Drop the lock."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> SiteLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
