"""``rolodex doctor``: the database's health, and repairs of what is safe to repair."""

from __future__ import annotations

from typing import Annotated

import typer

from rolodex.cli._context import say, state
from rolodex.cli._options import ColumnsOption, RowsFormatOption
from rolodex.cli._output import Column, Format, emit
from rolodex.errors import InvalidInput, Unhealthy

DOCTOR_COLUMNS = (
    Column("check", "Check", style="bold", no_wrap=True, priority=0),
    Column("status", "Status", no_wrap=True, priority=0),
    Column("count", "Count", no_wrap=True, priority=2),
    Column("detail", "Detail", priority=1),
)


def doctor(
    fix: Annotated[bool, typer.Option(
        "--fix", help="Repair what is safe to repair, in one operation, after an automatic "
        "backup.")] = False,
    quick: Annotated[bool, typer.Option(
        "--quick", help="Only the checks that take a second or two on a big file: SQLite's "
        "quick_check, contacts missing from the search index or gone from it, dates, "
        "settings, tags and backup copies. Leaves out links to deleted records, "
        "last-contacted times, history about nobody and stale index words.")] = False,
    format: RowsFormatOption = Format.table,
    columns: ColumnsOption = None,
) -> None:
    """Check the database for damage and inconsistencies; --fix repairs what is safe.

    Checks SQLite's integrity, rows whose links point to deleted records, the
    full-text search index against the contacts, settings that cannot be read,
    history entries about nobody and tags nobody uses. One row per finding: ok,
    problem, info (housekeeping, not a failure) or fixed. Exits 11 while a
    problem remains.

    --quick answers in a second or two at 100,000 contacts, where the full check
    reads the whole file twice: SQLite's quick_check instead of integrity_check
    (it does not compare each index with its table), the search index checked for
    missing and vanished contacts but not for stale words, and no check of
    foreign keys, last-contacted times or lonely history. It repairs nothing;
    'rolodex doctor' without it finds everything.

    --fix deletes or unlinks orphaned rows, rebuilds stale index rows, resets
    unreadable settings to their defaults and deletes unused tags and empty
    history, in one operation that 'rolodex changes' lists, after an automatic
    backup. Damage found by the integrity check is never repaired in place:
    restore a backup.

    \b
    Example: rolodex doctor --quick
    Example: rolodex doctor --fix
    """
    from rolodex.store.care import doctor as checks
    from rolodex.store.care.findings import KEYS

    if quick and fix:
        raise InvalidInput("--quick only examines; --fix runs every check first",
                           hint="'rolodex doctor --fix'")
    db = state.existing_db()
    if quick:
        from rolodex.store.care.doctor_quick import examine_quick

        findings = examine_quick(db)
    else:
        findings = checks.repair(db) if fix else checks.examine(db)
    emit(findings, format, DOCTOR_COLUMNS, keys=KEYS, pick=columns)
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
