"""``rolodex backup``, ``restore`` and ``doctor``: copies of the file and its health."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from rolodex.cli._context import confirm, say, state
from rolodex.cli._options import YesOption
from rolodex.cli._output import Column, Format, emit
from rolodex.errors import DatabaseError, InvalidInput, Unhealthy
from rolodex.store.db import Database

ListFormatOption = Annotated[Format, typer.Option(
    "--format", "-f", help="Output format: table on a terminal, or json, jsonl, csv, tsv.",
    case_sensitive=False)]


def _existing_db() -> Database:
    """The database, which must already exist: copying or checking a file that is not
    there should say so, not create an empty one."""
    path = state.db_path()
    if not path.exists():
        raise DatabaseError(f"no database at {path}", hint="add a contact to create it")
    return state.db()


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
    format: ListFormatOption = Format.table,
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
             empty=f"no copies in {backups.backup_dir(state.db_path())}")
        return
    db = _existing_db()
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


DOCTOR_COLUMNS = (
    Column("check", "Check", style="bold", no_wrap=True),
    Column("status", "Status", no_wrap=True),
    Column("count", "Count", no_wrap=True),
    Column("detail", "Detail"),
)


def doctor(
    fix: Annotated[bool, typer.Option(
        "--fix", help="Repair what is safe to repair, in one operation, after an automatic "
        "backup.")] = False,
    format: ListFormatOption = Format.table,
) -> None:
    """Check the database for damage and inconsistencies; --fix repairs what is safe.

    Checks SQLite's integrity, rows whose links point to deleted records, the
    full-text search index against the contacts, settings that cannot be read,
    history entries about nobody and tags nobody uses. One row per finding: ok,
    problem, info (housekeeping, not a failure) or fixed. Exits 11 while a
    problem remains.

    --fix deletes or unlinks orphaned rows, rebuilds stale index rows, resets
    unreadable settings to their defaults and deletes unused tags and empty
    history, in one operation that 'rolodex changes' lists, after an automatic
    backup. Damage found by the integrity check is never repaired in place:
    restore a backup.

    \b
    Example: rolodex doctor --fix
    """
    from rolodex.store.care import doctor as checks
    from rolodex.store.care.findings import KEYS

    db = _existing_db()
    findings = checks.repair(db) if fix else checks.examine(db)
    emit(findings, format, DOCTOR_COLUMNS, keys=KEYS)
    if checks.healthy(findings):
        counts = checks.summary(findings)
        if fix and counts["fixed"]:
            say(f"repaired {counts['fixed']} finding(s); a backup was taken first")
        elif counts["info"]:
            say("healthy; 'rolodex doctor --fix' tidies the info rows")
        else:
            say("healthy")
        return
    problems = [f for f in findings if f["status"] == checks.PROBLEM]
    damaged = any(f["check"] == "integrity" for f in problems)
    if damaged:
        hint = ("restore a backup: 'rolodex backup --list', then 'rolodex restore FILE'"
                + ("; nothing was repaired" if fix else ""))
    elif fix or not any(f["fixable"] for f in problems):
        hint = "these cannot be repaired automatically; restore a backup if they matter"
    else:
        which = "them" if all(f["fixable"] for f in problems) else "the fixable ones"
        hint = f"'rolodex doctor --fix' repairs {which} (a backup is taken first)"
    raise Unhealthy(f"{sum(f['count'] for f in problems)} problem(s) in {db.path}", hint=hint)
