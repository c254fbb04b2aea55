"""Where a dataset lives: a local folder, or any URI ``pyarrow.fs`` understands.

``--out`` is a folder (``output``, ``/data/micnews``, ``file:///data/micnews``) or a
filesystem URI (``s3://bucket/prefix``, ``gs://…``, ``hdfs://…``; query parameters such
as ``?endpoint_override=host:port&scheme=http&region=…`` go to pyarrow, credentials come
from the usual environment variables). Files are always written locally first, then
*published*:

* a local dataset is its own staging folder: writers rename finished files into place,
  publishing is a no-op (the behaviour of a plain folder is unchanged);
* a URI dataset is staged in ``MICNEWS_STAGING`` or ``$XDG_CACHE_HOME/micnews/<sha1 of
  the URI>``. Each process writes into its own outbox there (``outbox/<pid>-<id>/``, held
  with an ``flock``); a finished file is uploaded under the same relative key (one PUT:
  an object store shows whole objects only, so readers never see a partial file), then
  its local copy goes. The outbox of a process that died is uploaded by the next crawl
  (:func:`recover_outboxes`). The crawl state (``state.sqlite``) and the site locks stay
  in the staging folder.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pyarrow.fs as pafs

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")
OUTBOX = "outbox"


class StorageError(Exception):
    """The dataset location cannot be used (bad URI, unreachable, or a local-only command)."""


def is_uri(out: str | os.PathLike[str]) -> bool:
    """True when ``out`` is written as ``scheme://…`` (``file://`` included)."""
    return bool(_URI.match(str(out)))


def display(out: str | os.PathLike[str]) -> str:
    """``out`` for messages: a URI without its query (it may carry keys)."""
    if not is_uri(out):
        return str(out)
    parts = urlsplit(str(out))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _default_staging(out: str) -> Path:
    base = os.environ.get("MICNEWS_STAGING")
    if base:
        return Path(base)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "micnews" / hashlib.sha1(out.encode()).hexdigest()[:16]  # noqa: S324


@dataclass
class Location:
    """A resolved ``--out``: where files are staged and where they are published."""

    out: str
    staging: Path  # state.sqlite, locks/, and for a local dataset the dataset itself
    filesystem: pafs.FileSystem | None = None  # None: a local folder
    root: str = ""  # the dataset's root inside ``filesystem``
    _outbox: Path | None = field(default=None, repr=False)
    _outbox_fd: int | None = field(default=None, repr=False)

    @property
    def remote(self) -> bool:
        """True for a dataset on a filesystem other than the local one."""
        return self.filesystem is not None

    def remote_path(self, rel: str) -> str:
        """The key of the dataset-relative name ``rel`` inside :attr:`filesystem`."""
        return f"{self.root.rstrip('/')}/{rel}" if self.root else rel

    def write_root(self) -> Path:
        """The folder writers write into: the dataset (local) or this process's outbox."""
        if not self.remote:
            return self.staging
        if self._outbox is None:
            name = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
            hidden = self.staging / OUTBOX / f".{name}"  # invisible to recover_outboxes…
            hidden.mkdir(parents=True)
            fd = os.open(hidden / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
            fcntl.flock(fd, fcntl.LOCK_EX)  # a live owner: nobody else uploads this box
            box = hidden.rename(hidden.with_name(name))  # …until it is locked
            self._outbox, self._outbox_fd = box, fd
        return self._outbox

    def publish(self, staged: Path, keep_local: bool = False) -> None:
        """Make the finished local file ``staged`` part of the dataset.

        Local: nothing to do (it was renamed into place). Remote: upload it under the
        same relative name, then delete the local copy unless ``keep_local``.
        """
        if not self.remote:
            return
        rel = staged.relative_to(self.write_root()).as_posix()
        upload(self, staged, rel)
        if not keep_local:
            staged.unlink(missing_ok=True)

    def discard(self, staged: Path) -> None:
        """Delete the local copy of a file already published (remote datasets only)."""
        if self.remote:
            staged.unlink(missing_ok=True)


def upload(location: Location, staged: Path, rel: str) -> None:
    """Copy ``staged`` to ``rel`` under the dataset root (one whole object)."""
    assert location.filesystem is not None
    with open(staged, "rb") as src, \
            location.filesystem.open_output_stream(location.remote_path(rel)) as dst:
        shutil.copyfileobj(src, dst, 8 << 20)


_LOCATIONS: dict[str, Location] = {}


def locate(out: str | os.PathLike[str]) -> Location:
    """The :class:`Location` of ``out`` (one per process and ``out``)."""
    key = str(out)
    if key in _LOCATIONS:
        return _LOCATIONS[key]
    if not is_uri(key):
        loc = Location(key, Path(key))
    else:
        try:
            fs, root = pafs.FileSystem.from_uri(key)
        except (ValueError, OSError) as exc:  # pyarrow.ArrowInvalid is a ValueError
            raise StorageError(f"cannot use {display(key)}: {exc}".splitlines()[0]) from None
        if isinstance(fs, pafs.LocalFileSystem):  # file:///path is a plain folder
            loc = Location(key, Path(root))
        else:
            loc = Location(key, _default_staging(key), fs, root.rstrip("/"))
    _LOCATIONS[key] = loc
    return loc


def check_reachable(location: Location) -> None:
    """Raise :class:`StorageError` unless the remote root can be listed (fail fast)."""
    if not location.remote:
        return
    assert location.filesystem is not None
    try:
        info = location.filesystem.get_file_info(location.root.split("/")[0])
    except (OSError, ValueError) as exc:
        raise StorageError(f"cannot reach {display(location.out)}: {exc}"
                           .splitlines()[0]) from None
    if info.type == pafs.FileType.NotFound and location.filesystem.type_name in ("s3", "gcs"):
        raise StorageError(f"cannot use {display(location.out)}: no bucket "
                           f"{location.root.split('/')[0]!r}")


def recover_outboxes(location: Location,
                     reconcile: Callable[[list[Path]], object] | None = None) -> int:
    """Upload what dead processes left in their outboxes; returns the files uploaded.

    Whole files only: dot-names (temp files of an interrupted write) are deleted. The
    staged Parquet files are handed to ``reconcile`` after the upload and before they
    are deleted, so the crawl state can commit their URLs.
    """
    if not location.remote:
        return 0
    boxes = location.staging / OUTBOX
    if not boxes.is_dir():
        return 0
    mine = location._outbox
    uploaded = 0
    for box in sorted(p for p in boxes.iterdir()
                      if p.is_dir() and p != mine and not p.name.startswith(".")):
        fd = os.open(box / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # its owner is alive
            files = [p for p in sorted(box.rglob("*")) if p.is_file() and p.name != ".lock"]
            whole = [p for p in files if not p.name.startswith(".")]
            for path in whole:
                upload(location, path, path.relative_to(box).as_posix())
                uploaded += 1
            if reconcile is not None:
                reconcile([p for p in whole if p.suffix == ".parquet"])
            shutil.rmtree(box, ignore_errors=True)
        finally:
            os.close(fd)
    return uploaded


def require_local(out: str | os.PathLike[str], command: str) -> Path:
    """``out`` as a local folder, or :class:`StorageError` naming ``command``'s limitation."""
    loc = locate(out)
    if loc.remote:
        raise StorageError(f"{command} works on a local dataset folder only, not on "
                           f"{display(out)}; copy the dataset locally first")
    return loc.staging
