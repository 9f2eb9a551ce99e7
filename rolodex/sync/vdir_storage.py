"""A vdir folder as a sync ``Storage``: one .vcf (or .ics) file per item, the file name its
href, ``mtime_ns;inode;size`` its ETag (as vdirsyncer's filesystem storage does: any write,
by rolodex or by khard, khal, todoman or vdirsyncer, changes one of the three).

Only regular files directly in the folder are items: dotfiles, other suffixes, sub-folders
and symlinks are never listed, read or written through (a link must not take a write out
of the folder), and a file larger than ``vdir.MAX_SCAN`` is left alone. Writes are atomic
(a temporary file renamed into place) and conditional: the ETag a sync read must still
hold, else ``PreconditionFailed``; a new item never replaces a file.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from rolodex.atomic_write import remove_stale, replace_all, sync_folder
from rolodex.errors import FileError
from rolodex.store.paths import make_private_folder
from rolodex.sync.storage import Changes, Item, PreconditionFailed
from rolodex.sync.vdir import MAX_SCAN


def _etag(info: os.stat_result) -> str:
    return f"{info.st_mtime_ns};{info.st_ino};{info.st_size}"


class VdirStorage:
    """The items of one folder with one suffix (``.vcf`` for an address book)."""

    def __init__(self, folder: Path, suffix: str = ".vcf", *, create: bool = False) -> None:
        """``create``: make the folder if it is missing (``sync add``); a sync never does,
        since a missing folder (a disk not mounted) must not look like one emptied."""
        self.folder = Path(folder).expanduser()
        self.suffix = suffix
        try:
            if create:
                make_private_folder(self.folder)
            elif not self.folder.is_dir():
                raise FileError(f"sync folder {self.folder} is missing",
                                hint="is its disk mounted? rolodex sync rm NAME forgets it")
            self.root = self.folder.resolve()
        except OSError as exc:
            raise FileError(f"cannot use folder {self.folder}: {exc.strerror}") from exc

    def _path(self, href: str) -> Path:
        if (not href or "/" in href or os.sep in href or href.startswith(".")
                or not href.lower().endswith(self.suffix)):
            raise FileError(f"{href!r} is not an item of {self.root}")
        return self.root / href

    def list(self) -> Iterator[tuple[str, str]]:
        try:
            with os.scandir(self.root) as entries:
                for entry in entries:
                    if entry.name.startswith(".") or not entry.name.lower().endswith(
                            self.suffix) or not entry.is_file(follow_symlinks=False):
                        continue
                    info = entry.stat(follow_symlinks=False)
                    if info.st_size <= MAX_SCAN:
                        yield entry.name, _etag(info)
        except OSError as exc:
            raise FileError(f"cannot read folder {self.root}: {exc.strerror}") from exc

    def _read(self, href: str) -> Item | None:
        try:
            fd = os.open(self._path(href), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None  # gone meanwhile, or a link
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SCAN:
                return None
            data = handle.read(MAX_SCAN + 1)
        return Item(href, _etag(info), data) if len(data) <= MAX_SCAN else None

    def get_many(self, hrefs: Iterable[str]) -> Iterator[Item]:
        for href in hrefs:
            item = self._read(href)
            if item is not None:
                yield item

    def _current(self, href: str) -> str | None:
        try:
            info = os.lstat(self._path(href))
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise FileError(f"cannot read {self.root / href}: {exc.strerror}") from exc
        return _etag(info) if stat.S_ISREG(info.st_mode) else "not a file"

    def upload(self, name: str, data: bytes) -> tuple[str, str]:
        path = self._path(name)
        if self._current(name) is not None:
            raise PreconditionFailed(f"{path} exists")
        temp = ""
        try:
            fd, temp = tempfile.mkstemp(dir=self.root, prefix=f".{name}.{os.getpid()}.",
                                        suffix=".tmp")
            with os.fdopen(fd, "wb") as out:  # made durable by ``flush``, all at once
                out.write(data)
            try:
                os.link(temp, path)  # fails when the name was taken meanwhile: never replaces
            except FileExistsError:
                raise PreconditionFailed(f"{path} exists") from None
        except OSError as exc:
            raise FileError(f"cannot write {path}: {exc.strerror}") from exc
        finally:
            if temp:
                Path(temp).unlink(missing_ok=True)
        return name, _etag(os.lstat(path))

    def update(self, href: str, data: bytes, etag: str) -> str:
        path = self._path(href)
        if self._current(href) != etag:
            raise PreconditionFailed(f"{path} changed since it was read")
        replace_all([(path, data)])
        return _etag(os.lstat(path))

    def delete(self, href: str, etag: str) -> None:
        path = self._path(href)
        if self._current(href) != etag:
            raise PreconditionFailed(f"{path} changed since it was read")
        try:
            path.unlink()
        except OSError as exc:
            raise FileError(f"cannot remove {path}: {exc.strerror}") from exc

    def flush(self) -> None:
        """Make every write so far durable (one flush for a sync's thousands of new files,
        where one per file took 4 ms each); the engine calls it before it commits the
        status rows that say the files are there."""
        if hasattr(os, "sync"):
            os.sync()
        sync_folder(self.root)
        remove_stale(self.root)  # what a killed sync left: hidden temporary copies

    def changes(self, token: str | None) -> Changes:
        return Changes(list(self.list()), [], None, True)
