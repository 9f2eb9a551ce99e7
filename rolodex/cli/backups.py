"""``rolodex backup`` and ``rolodex restore``: copies of the database file, and back."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from rolodex.cli._context import confirm, say, state
from rolodex.cli._options import ColumnsOption, RowsFormatOption, YesOption
from rolodex.cli._output import Column, Format, emit
from rolodex.errors import InvalidInput


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


BACKUP_COLUMNS = (
    Column("taken", "Taken (UTC)", no_wrap=True),
    Column("reason", "Kind", show=lambda r: f"auto: {r['reason']}" if r["automatic"]
           else "yours"),
    Column("size", "Size", show=lambda r: _size(r["size"]), no_wrap=True),
    Column("path", "Path"),
)
BACKUP_KEYS = ("path", "taken", "automatic", "reason", "size")


def backup(
    file: Annotated[str | None, typer.Argument(
        metavar="[FILE|DIR|-]", help="Where to write the copy (default: the backup folder); "
        "a folder gets a dated name; - writes it to stdout (a pipe, not a terminal).",
        show_default=False)] = None,
    list_: Annotated[bool, typer.Option(
        "--list", "-l", help="List the copies in the backup folder instead, oldest first.")]
    = False,
    format: RowsFormatOption = Format.table,
    columns: ColumnsOption = None,
) -> None:
    """Copy the database safely, even while another rolodex is writing to it.

    Without FILE the copy goes into the backup folder beside the database (for
    rolodex.db: rolodex-backups/), named by the time. The path written is
    printed on stdout. Copies are one self-contained file, readable by you only.
    With - the copy is written to stdout for a pipe (gzip, ssh); a terminal is
    refused.

    --list shows the copies in the backup folder: yours, kept until you delete
    them, and the automatic ones rolodex takes before imports, merges, restores,
    repairs and upgrades, of which the newest 'backup.keep' (default 10) are
    kept.

    \b
    Example: rolodex backup ~/safe/rolodex-$(date +%F).db
    """
    from rolodex.store.care import backups

    if list_:
        if file is not None:
            raise InvalidInput("give a FILE or --list, not both")
        emit(backups.list_backups(state.db_path()), format, BACKUP_COLUMNS, keys=BACKUP_KEYS,
             empty=f"no copies in {backups.backup_dir(state.db_path())}", pick=columns)
        return
    db = state.existing_db()
    if file == "-":
        if sys.stdout.isatty():
            raise InvalidInput("refusing to write a binary database to the terminal",
                               hint="redirect it: rolodex backup - > copy.db")
        sys.stdout.flush()
        size = backups.write_backup(db, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        say(f"wrote a copy of {db.path} to stdout ({_size(size)})")
        return
    path = backups.make_backup(db, Path(file).expanduser() if file else None)
    print(path)
    say(f"backed up {db.path}")


def restore(
    file: Annotated[str, typer.Argument(
        metavar="FILE", help="A copy made by 'rolodex backup' (see 'rolodex backup --list').")],
    yes: YesOption = False,
) -> None:
    """Replace the database with a backup copy, keeping the current one as a backup first.

    FILE is checked before anything changes: it must be a rolodex database that
    passes SQLite's integrity check and was not written by a newer rolodex. The
    current database is then kept as an automatic backup (reason: restore) and
    replaced; a copy from an older rolodex is upgraded. Other rolodex processes
    see the restored data at once. Undo cannot reach across a restore: the kept
    copy is the way back.

    \b
    Example: rolodex restore ~/safe/rolodex-2026-11-01.db --yes
    """
    from rolodex.store import lookups
    from rolodex.store.care import backup_restore

    db = state.db()
    source = Path(file).expanduser()
    checked = backup_restore.check_restore(db, source)
    current = lookups.count(db, "contacts")
    confirm(f"Replace {db.path} ({current} contact(s)) with {source} "
            f"({checked['contacts']} contact(s))?", yes)
    done = backup_restore.restore(db, source, checked)
    upgraded = (f", upgraded from schema {done['schema_from']}"
                if done["schema_from"] < done["schema"] else "")
    say(f"restored {done['contacts']} contact(s) from {source}{upgraded}")
    if done["previous"]:
        say(f"the previous database ({current} contact(s)) is kept as {done['previous']}")
    else:
        say("no copy of the previous database was kept ("
            + ("it was empty)" if current == 0 else "backup.keep is 0)"))
