"""Files written whole or not at all: the one way ganapp writes a file that something else may read.

A reader (the app, a second training process, a resumed run) never sees a half-written file, and a crash
mid-write leaves the previous version: the data goes to a uniquely named file in the same folder, which is
then renamed over the target (`os.replace` is atomic on one file system). Unique names, not a fixed `.tmp`,
so that two writers of one file never write into each other's staging file.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0o022)  # reading it means setting it: done once, at import, before any thread writes
    os.umask(mask)
    return mask


UMASK = _umask()


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A fresh staging path beside `path`; whatever is written there replaces `path` when the block ends
    without an error (and is removed when it raises). For writers that want a file name (safetensors)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, staging = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(fd)
    os.chmod(staging, 0o666 & ~UMASK)  # as an ordinary new file would be (mkstemp makes it private)
    try:
        yield Path(staging)
        os.replace(staging, path)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise


def atomic_write(path: str | os.PathLike, data: bytes | str) -> Path:
    """Write `data` (text is UTF-8) to `path` atomically; returns the path."""
    with atomic_path(path) as staging:
        staging.write_bytes(data.encode() if isinstance(data, str) else data)
    return Path(path)
