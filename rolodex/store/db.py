"""The one SQLite file once open: pragmas, permissions, errors and write transactions.

Opening is on every command's path, so this module imports only the standard library.
Creating, identifying and migrating a file is ``store/opening.py``'s: it takes a backup
before a migration, and backups need an open database, so it sits above both.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
import time
from collections.abc import Iterator, MutableSequence
from contextlib import contextmanager
from pathlib import Path

from rolodex.errors import DatabaseBusy, DatabaseError

APPLICATION_ID = 0x524F4C58  # "ROLX": tells a rolodex file from any other SQLite file
BUSY_TIMEOUT_MS = 5000
# The journal's rows (``store/journal.py``) are written many at a time: see ``Database.note``.
_JOURNAL_ROW = ("INSERT INTO changes (operation_id, table_name, row_id, action, before, after,"
                " contact_id) VALUES (?, ?, ?, ?, ?, ?, ?)")
JOURNAL_BATCH = 2000  # rows held at most before they are written


def reads_journal(sql: str) -> bool:
    """Whether a statement may read or change the journal's tables: every statement that
    does names one of them (no view or trigger reads them)."""
    return "changes" in sql or "operations" in sql


def busy_timeout_ms() -> int:
    """How long to wait for another writer: ``ROLODEX_BUSY_TIMEOUT`` (milliseconds), for
    scripts that would rather fail fast, else 5 s."""
    text = os.environ.get("ROLODEX_BUSY_TIMEOUT", "").strip()
    return int(text) if text.isdigit() else BUSY_TIMEOUT_MS


def current_user() -> str:
    """Who is writing: ``ROLODEX_USER``, else the login name."""
    user = os.environ.get("ROLODEX_USER")
    if user:
        return user
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers and services
        return "unknown"


class Database:
    """An open rolodex database: the connection plus the journal's context."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.command = ""
        self.user = current_user()
        self.operation_id: int | None = None
        self.next_ids: dict[str, int] = {}  # per table, for the current operation
        self.row_shapes: dict[str, object] = {}  # journal: per table, for the current operation
        self.dependents: dict[str, list] | None = None  # journal: foreign keys, per operation
        self.index_later: MutableSequence[int] | None = None  # search: to reindex at a flush
        self.journal_rows: list[tuple] = []  # journal: rows noted, not yet written

    def execute(self, sql: str, params: tuple | list | dict = ()) -> sqlite3.Cursor:
        if self.journal_rows and reads_journal(sql):
            self.write_journal()
        return self.conn.execute(sql, params)

    def query(self, sql: str, params: tuple | list | dict = ()) -> list[sqlite3.Row]:
        return self.execute(sql, params).fetchall()

    def note(self, change: tuple) -> None:
        """Journal one change (the columns of ``_JOURNAL_ROW``), written with the ones
        after it in one ``executemany``: an import journals eight rows a card, which
        ``executemany`` writes for about a fifth less than a statement each. They are
        written before anything that may read the journal (``execute`` sees the table
        named), before a savepoint begins, ends or is rolled back to, and at commit; so
        no one ever sees the journal without them, and the rows and their ids are those
        one statement each gave."""
        self.journal_rows.append(change)
        if len(self.journal_rows) >= JOURNAL_BATCH:
            self.write_journal()

    def write_journal(self) -> None:
        """Write the journal rows noted so far (see ``note``)."""
        if self.journal_rows:
            rows, self.journal_rows = self.journal_rows, []
            self.conn.executemany(_JOURNAL_ROW, rows)

    @contextmanager
    def write(self, summary: str, *, kind: str = "do",
              target: int | None = None) -> Iterator[int]:
        """One journalled operation in one transaction; nested calls join the outer one.

        ``BEGIN IMMEDIATE`` takes the write lock up front, so a second writer waits for
        the busy timeout instead of failing half-way through its changes. A bulk operation
        (an import, a merge) takes a backup first: ``backups.bulk_write``. An operation
        that changed nothing leaves no trace in the journal.
        """
        if self.operation_id is not None:
            yield self.operation_id
            return
        from rolodex.dates import now, to_utc_iso

        with self.transaction():
            cur = self.execute(
                "INSERT INTO operations (at, user, command, summary, kind, target)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (to_utc_iso(now()), self.user, self.command, summary, kind, target),
            )
            self.operation_id = cur.lastrowid
            self.next_ids = {}
            self.row_shapes = {}
            self.dependents = None
            try:
                yield self.operation_id
                if kind == "do" and not self.execute(
                        "SELECT 1 FROM changes WHERE operation_id = ? LIMIT 1",
                        (self.operation_id,)).fetchone():
                    self.execute("DELETE FROM operations WHERE id = ?", (self.operation_id,))
            finally:
                self.operation_id = None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction (joining an open one): several operations that must
        apply together, such as ``redo 3``, share it."""
        if self.conn.in_transaction:
            yield
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise translate(exc, self.path) from exc
        try:
            yield
            self.write_journal()
            self.conn.execute("COMMIT")
        except BaseException:
            self.journal_rows = []  # rolled back with the rest
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    @contextmanager
    def savepoint(self, name: str = "item") -> Iterator[None]:
        """A nested transaction inside ``write``: an exception undoes only this part.

        Imports run each card or calendar item in one, so a bad item leaves nothing of
        itself behind while the rest of the import goes on.
        """
        self.write_journal()
        self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self.write_journal()  # then rolled back with what it journals
            self.conn.execute(f"ROLLBACK TO {name}")
            self.conn.execute(f"RELEASE {name}")
            raise
        self.write_journal()
        self.conn.execute(f"RELEASE {name}")

    def begin_savepoint(self, name: str) -> dict[str, int]:
        """A savepoint kept open by hand, for bulk work that learns only later whether
        it must be undone (an import writes many cards under one, which is much cheaper
        than one each). Returns the ids handed out so far, for ``rewind``."""
        self.write_journal()
        self.conn.execute(f"SAVEPOINT {name}")
        return dict(self.next_ids)

    def rewind(self, name: str, next_ids: dict[str, int]) -> None:
        """Undo everything since ``begin_savepoint(name)``, and the ids handed out since
        with it, so doing the same work again writes the same rows; the savepoint stays
        open."""
        self.write_journal()
        self.conn.execute(f"ROLLBACK TO {name}")
        self.next_ids = dict(next_ids)

    def release(self, name: str) -> None:
        """Keep what was done since ``begin_savepoint(name)`` (within the transaction)."""
        self.write_journal()
        self.conn.execute(f"RELEASE {name}")

    def cache_size(self, kib: int | None = None) -> int:
        """SQLite's page cache for this connection, in KiB (``PRAGMA cache_size``, whose
        negative numbers are KiB): returns the size before, and sets ``kib`` if given."""
        before = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        if kib is not None:
            self.conn.execute(f"PRAGMA cache_size = {-int(kib)}")
        return -before if before < 0 else before * self.conn.execute(
            "PRAGMA page_size").fetchone()[0] // 1024

    @property
    def rows_changed(self) -> int:
        """Rows inserted, updated or deleted on this connection so far: whether a piece of
        work wrote anything is this number before and after it."""
        return self.conn.total_changes

    def close(self) -> None:
        self.conn.close()


def translate(exc: sqlite3.Error, path: Path) -> DatabaseError | DatabaseBusy:
    """Turn SQLite's exceptions about the file into errors a user can act on."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return DatabaseBusy(
            f"database {path} is busy: another rolodex is writing to it",
            hint="try again in a moment",
        )
    if ("readonly" in text or "read-only" in text or "unable to open" in text) \
            and path.is_file() and not _takes_files(path.parent):
        return DatabaseError(
            f"database folder {path.parent} is read-only: rolodex can read {path.name}"
            " but needs to create its -wal and -shm files there to write",
            hint="check the folder's permissions")
    if "readonly" in text or "read-only" in text:
        return DatabaseError(f"database {path} is read-only", hint="check the file's permissions")
    if "not a database" in text or "malformed" in text:
        return DatabaseError(f"{path} is not a rolodex database or is damaged ({exc})")
    return DatabaseError(f"cannot use database {path}: {exc}")


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection with rolodex's pragmas that writes nothing to the file yet (see
    ``prepare_writes``); errors become DatabaseError.

    In a folder that takes no new files SQLite cannot create the -wal and -shm files a
    WAL database needs even to be read: the file is then opened read-only, so reads work
    and a write fails naming the folder (``translate``)."""
    try:
        return _connect(path, readonly=readonly)
    except sqlite3.OperationalError as exc:
        if "unable to open" not in str(exc) or not path.is_file() or _takes_files(path.parent):
            raise translate(exc, path) from exc
    except sqlite3.Error as exc:
        raise translate(exc, path) from exc
    try:
        return _connect(path, readonly=True, frozen=not Path(f"{path}-wal").exists())
    except sqlite3.Error as exc:
        raise translate(exc, path) from exc


def _connect(path: Path, *, readonly: bool, frozen: bool = False) -> sqlite3.Connection:
    """``frozen``: nothing can change the file while it is open (no -wal, and none can be
    made), so SQLite may read it without the -shm file (``immutable``)."""
    timeout = busy_timeout_ms()
    if readonly:
        uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if frozen else "")
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=timeout / 1000)
    else:
        conn = sqlite3.connect(path, isolation_level=None, timeout=timeout / 1000)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {timeout}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA user_version").fetchone()  # reads the header: fails on non-SQLite
    except BaseException:
        conn.close()
        raise
    return conn


def prepare_writes(conn: sqlite3.Connection) -> None:
    """WAL and its sync level, for a file known to be rolodex's (or empty): switching the
    journal mode rewrites the file's header, which another program's database must never
    have done to it by a mistyped ``--db``."""
    _use_wal(conn, busy_timeout_ms())
    conn.execute("PRAGMA synchronous = NORMAL")


def _takes_files(folder: Path) -> bool:
    """Whether a new file can be created in ``folder``, by trying (permission bits do not
    tell: root ignores them, a read-only mount or an immutable folder refuses anyway)."""
    import tempfile

    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=".rolodex-probe-")
    except OSError:
        return False
    os.close(fd)
    os.unlink(name)
    return True


def _use_wal(conn: sqlite3.Connection, timeout_ms: int) -> None:
    """Switch to WAL, retrying: two processes opening a new file at once both ask for the
    exclusive lock the switch needs, and SQLite answers one of them "locked" at once (a
    deadlock, so its busy handler is not used) rather than letting it wait."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
