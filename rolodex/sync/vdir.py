"""Writing records into a vdir folder (one .vcf or .ics per record) that may already hold them.

Other programs name the files in such a folder their own way (khard, vdirsyncer, DAVx5 and
Nextcloud use their own hrefs, not the UID), so a record is found by the UID *inside* the
files, not by a file name: a record already in the folder is written back into the file
that holds it, under that file's name, and a copy of it under another name is removed, so
no two files ever hold one UID. Files that are not single records of the folder's kind
(other suffixes, dotfiles, links, several records, no UID, too big to scan) are left alone,
and their names are never taken. A file whose content would not change is not touched.

Finding the UIDs is a scan for BEGIN/END/UID lines, not a parse: a folder of thousands of
cards is read at the speed of a regex, and a hostile file costs at most ``MAX_SCAN`` bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rolodex.atomic_write import remove_stale, replace_all
from rolodex.errors import FileError
from rolodex.store.paths import make_private_folder

MAX_SCAN = 16 * 1024 * 1024  # a file larger than this is not scanned, and left alone
CARD_KINDS = frozenset({b"VCARD"})
CALENDAR_KINDS = frozenset({b"VEVENT", b"VTODO", b"VJOURNAL"})

# BEGIN, END and UID lines (optionally grouped, "item1.UID"), each with its folded
# continuation lines; a regex of fixed alternatives and character classes stays linear.
# Sunbird and KOrganizer fold right after the name ("UID" CRLF " :value").
_LINE = re.compile(rb"^(?:[A-Za-z0-9-]+\.)?(BEGIN|END|UID)"
                   rb"((?:\r?\n[ \t])*[;:][^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)",
                   re.MULTILINE | re.IGNORECASE)
_FOLD = re.compile(rb"\r?\n[ \t]")
_UNSAFE = re.compile(r"[^A-Za-z0-9@._+-]")


def safe_name(uid: str) -> str:
    """A file name made from a UID that can never leave its folder or hide as a dotfile."""
    name = _UNSAFE.sub("_", uid).lstrip(".")
    if not name or len(name) > 120:
        name = hashlib.sha256(uid.encode()).hexdigest()
    return name


def record_uids(data: bytes, kinds: frozenset[bytes]) -> set[bytes]:
    """The UIDs of the records (components named in ``kinds``) in a vCard or iCalendar
    text; a UID nested deeper (an alarm's, RFC 9074) is not the record's."""
    uids: set[bytes] = set()
    open_: list[bytes] = []
    for match in _LINE.finditer(data):
        name, rest = match[1].upper(), _FOLD.sub(b"", match[2])
        if name == b"UID":
            if open_ and open_[-1] in kinds and b":" in rest:
                uids.add(rest.split(b":", 1)[1].strip())
        elif name == b"BEGIN":
            open_.append(rest[1:].strip().upper())
        elif open_:
            open_.pop()
    return uids


def _scan(path: Path, kinds: frozenset[bytes]) -> set[bytes]:
    """The record UIDs in one regular file; none when it cannot be read or is too big."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return set()
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SCAN:
            return set()
        try:
            data = handle.read(MAX_SCAN + 1)
        except OSError:
            return set()
    return record_uids(data, kinds) if len(data) <= MAX_SCAN else set()


@dataclass
class _Folder:
    """What is in the folder: the file(s) holding each UID, and every name in use."""

    root: Path
    suffix: str
    holders: dict[bytes, list[str]] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)  # casefolded: some file systems are

    @classmethod
    def read(cls, root: Path, suffix: str, kinds: frozenset[bytes]) -> _Folder:
        folder = cls(root, suffix)
        with os.scandir(root) as entries:
            for entry in entries:
                folder.taken.add(entry.name.casefold())
                if (entry.name.startswith(".") or not entry.name.lower().endswith(suffix)
                        or not entry.is_file(follow_symlinks=False)):
                    continue
                uids = _scan(root / entry.name, kinds)
                if len(uids) == 1:  # a file of several records is not a vdir item
                    folder.holders.setdefault(uids.pop(), []).append(entry.name)
        return folder

    def new_name(self, uid: str) -> str:
        """``<uid>.vcf`` made safe, numbered when another file (or record) has that name."""
        stem = safe_name(uid)
        name, number = stem + self.suffix, 1
        while name.casefold() in self.taken:
            number += 1
            name = f"{stem}-{number}{self.suffix}"
        self.taken.add(name.casefold())
        return name

    def place(self, uid: str, key: bytes) -> tuple[str, list[str]]:
        """The file to write a record into, and the other files holding its UID."""
        names = self.holders.pop(key, None)
        if not names:
            return self.new_name(uid), []
        own = safe_name(uid) + self.suffix
        # The name another program chose wins over the one rolodex made up beside it.
        names.sort(key=lambda n: (n == own, n))
        return names[0], names[1:]


def _holds(path: Path, data: bytes) -> bool:
    """Whether ``path`` already has exactly ``data``: then it is not touched, and keeps its
    mtime, so a sync tool (vdirsyncer) watching the folder sees nothing to upload."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False  # missing or unreadable: written (the write says what goes wrong)


def write_items(items: Iterable[tuple[str, bytes]], folder: Path, *, suffix: str,
                kinds: frozenset[bytes]) -> int:
    """Write each (UID, file content) into ``folder`` as described above; returns how
    many records there were (written or already up to date)."""
    try:
        make_private_folder(folder)
        root = folder.resolve()
        existing = _Folder.read(root, suffix, kinds)
        remove_stale(root)  # what a killed export left: hidden copies of the records
    except OSError as exc:
        raise FileError(f"cannot use folder {folder}: {exc.strerror}") from exc
    count = 0
    copies: list[tuple[str, str]] = []

    def changed() -> Iterator[tuple[Path, bytes]]:
        nonlocal count
        for uid, data in items:
            found = record_uids(data, kinds)
            key = found.pop() if len(found) == 1 else uid.encode()
            name, others = existing.place(uid, key)
            path = root / name
            if path.parent != root:  # belt and braces: names come from safe_name or the folder
                raise FileError(f"refusing to write outside {root}: {path}")
            copies.extend((uid, other) for other in others)
            count += 1
            if not _holds(path, data):
                yield path, data

    replace_all(changed())
    for uid, copy in copies:  # only once the record is safely in its own file
        try:
            (root / copy).unlink()
        except OSError as exc:
            raise FileError(f"cannot remove {root / copy}, a second file of UID "
                            f"{uid}: {exc.strerror}") from exc
    return count
