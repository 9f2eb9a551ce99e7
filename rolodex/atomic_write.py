"""Writing a file so that it is either the old one or the whole new one, never half of either.

Every file rolodex writes goes to a temporary file in the same folder, is flushed to disk
(fsync) and then renamed over the target: a crash, a full disk or a killed process leaves
the old file intact plus, at worst, a hidden ``.NAME.PID.XXXXXXXX.tmp`` beside it, which
the next write of that file (or into that folder) removes once its writer is gone: it holds
the same personal data as the export. A target that is not a regular file (``-o
/dev/stdout``, a FIFO) cannot be renamed over and is written in place.

Permissions: every file written is readable by its owner only (0600), whether new or
replacing an older one (exports, reports and letters hold personal data: a 0644 file
re-exported must not stay readable by everyone); a replaced file keeps its owner where we
may (root writing a user's export gives it back to the user).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from rolodex.errors import FileError
from rolodex.store.care.backup_temps import remove, stale_temporaries


def _existing(target: Path) -> os.stat_result | None:
    try:
        return os.stat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise FileError(f"cannot write {target}: {exc.strerror}") from exc


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable; best effort (not every system can open a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _private_keeping_owner(fd: int, old: os.stat_result | None) -> None:
    """The new file is 0600 (mkstemp made it so; said again so that no umask or system
    differs) and takes the owner of the file it replaces."""
    if not hasattr(os, "fchown"):  # Windows: no POSIX modes or owners to carry over
        return
    os.fchmod(fd, 0o600)
    if old is None or not stat.S_ISREG(old.st_mode):
        return
    if (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(OSError):  # only root may give a file away
            os.fchown(fd, old.st_uid, old.st_gid)


@contextlib.contextmanager
def replacing(target: Path, *, binary: bool = False) -> Iterator[IO]:
    """A stream whose content replaces ``target`` when the block ends without an error;
    on an error the temporary file is removed and ``target`` is left as it was.

    A symlink is followed (the file it names is replaced, the link kept), as writing
    through it did before.
    """
    target = target.expanduser()
    old = _existing(target)
    if old is not None and not stat.S_ISREG(old.st_mode):
        yield from _in_place(target, binary)
        return
    real = Path(os.path.realpath(target))
    remove_stale(real.parent, real.name)
    with _temporary(real, target, old) as (fd, temp):
        stream = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8",
                                                             newline="")
        with stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, real)
    sync_folder(real.parent)


@contextlib.contextmanager
def _temporary(real: Path, target: Path, old: os.stat_result | None
               ) -> Iterator[tuple[int, str]]:
    """(fd, path) of a new private file beside ``real`` with ``old``'s owner; on an error
    it is removed (an OSError becomes one FileError naming ``target``)."""
    fd, temp = _new_temp(real, target)
    try:
        _private_keeping_owner(fd, old)
        yield fd, temp
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise FileError(f"cannot write {target}: {exc.strerror}") from exc
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _new_temp(real: Path, target: Path) -> tuple[int, str]:
    """A new private file beside ``real``, named after it and this process, so that a
    later run can tell one left by a killed writer from one being written now."""
    try:
        return tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.{os.getpid()}.",
                                suffix=".tmp")
    except OSError as exc:
        raise FileError(f"cannot write {target}: {exc.strerror}") from exc


def remove_stale(folder: Path, name: str = "") -> int:
    """Remove the temporary files of ``name`` (every name when empty) in ``folder`` that a
    killed rolodex left behind; best effort, returns how many went."""
    return remove(stale_temporaries(folder, name))


def _in_place(target: Path, binary: bool) -> Iterator[IO]:
    """Write straight into a terminal, FIFO or device: there is nothing to rename over."""
    try:
        stream = (target.open("wb") if binary
                  else target.open("w", encoding="utf-8", newline=""))
    except OSError as exc:
        raise FileError(f"cannot write {target}: {exc.strerror}") from exc
    try:
        with stream:
            yield stream
    except OSError as exc:
        raise FileError(f"cannot write {target}: {exc.strerror}") from exc


BATCH = 1000  # files written between two flushes to disk, when writing many at once


def replace_all(files: Iterable[tuple[Path, bytes]]) -> int:
    """Replace each path with its bytes, as ``replacing`` does one file; returns how many.
    A symlink at a path is replaced by the file, not followed (a link planted in a folder
    of letters or cards must not redirect a write).

    A vdir export writes thousands of small files, and an fsync per file costs 4 ms on an
    ordinary disk (23 s for 5,400 cards): instead a batch of temporary files is written,
    flushed to disk with one ``sync`` and only then renamed into place.
    """
    count = 0
    batch: list[tuple[str, Path]] = []
    try:
        for target, data in files:
            batch.append((_write_temp(target, data), target))
            if len(batch) == BATCH:
                count += _flush_and_rename(batch)
        count += _flush_and_rename(batch)
    finally:
        for temp, _ in batch:  # left by an error: the targets stay as they were
            Path(temp).unlink(missing_ok=True)
    return count


def _write_temp(target: Path, data: bytes) -> str:
    """``data`` in a new private temporary file beside ``target``, with its owner."""
    with _temporary(target, target, _existing(target)) as (fd, temp), \
            os.fdopen(fd, "wb") as out:
        out.write(data)
        if not hasattr(os, "sync"):  # no system-wide flush here: one file at a time
            out.flush()
            os.fsync(out.fileno())
    return temp


def _flush_and_rename(batch: list[tuple[str, Path]]) -> int:
    """Make the batch's temporary files durable, then rename each over its target."""
    if not batch:
        return 0
    if hasattr(os, "sync"):
        os.sync()
    done, folder = 0, batch[0][1].parent
    for temp, target in batch:
        try:
            os.replace(temp, target)
        except OSError as exc:
            del batch[:done]  # the rest are removed by the caller
            raise FileError(f"cannot write {target}: {exc.strerror}") from exc
        done += 1
    batch.clear()
    sync_folder(folder)
    return done
