"""Files written so that a reader, or a run killed at any moment, sees the old content or the new,
never a part: checkpoints, ``metrics.csv``, result files.

The content goes to a temporary file with a name of its own in the same folder (two processes
writing the same path never share one), is flushed to disk (``fsync``), and is renamed over the
target; the folder is synced too, so that the rename survives a power cut.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path


def _temporary(path: Path) -> Path:
    return path.with_name(f"{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some platforms cannot open a folder; the rename itself is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` (its folder created) atomically and durably. Returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary(path)
    try:
        with tmp.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    _sync_folder(path.parent)
    return path


def write_text(path: str | os.PathLike, text: str) -> Path:
    """:func:`write_bytes` of ``text`` in UTF-8."""
    return write_bytes(path, text.encode("utf-8"))


def keep_copy(path: str | os.PathLike, copy: str | os.PathLike) -> None:
    """Make ``copy`` a copy of the file ``path`` atomically (a hard link where the file system has
    them, else a byte copy): ``copy`` holds the old copy or the new one, ``path`` is not touched."""
    path, copy = Path(path), Path(copy)
    tmp = _temporary(copy)
    try:
        try:
            os.link(path, tmp)
        except OSError:
            shutil.copyfile(path, tmp)
        os.replace(tmp, copy)
    finally:
        tmp.unlink(missing_ok=True)
    _sync_folder(copy.parent)
