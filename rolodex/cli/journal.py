"""``rolodex undo``, ``redo``, ``changes`` and ``contact restore``: the change journal."""

from __future__ import annotations

from typing import Annotated

import typer

from rolodex.cli._change_text import describe
from rolodex.cli._context import say, state
from rolodex.cli._options import ColumnsOption, FormatOption, LimitOption
from rolodex.cli._output import Column, Format, emit
from rolodex.cli._views import local_time
from rolodex.cli.completion import complete_company, complete_contact
from rolodex.errors import InvalidInput, NotFound
from rolodex.store.care import audit
from rolodex.store.care import undelete as restore
from rolodex.store.care import undo as undo_store

CountArg = Annotated[int, typer.Argument(metavar="N", help="How many operations (default 1).")]
SinceOpt = Annotated[str | None, typer.Option(
    "--since", metavar="WHEN", help="Only changes since then: 2026-11-01, yesterday, 2 weeks ago.")]

OPERATION_COLUMNS = (
    Column("id", "Op", style="dim", no_wrap=True, priority=0),
    Column("at", "When", show=lambda r: local_time(r["at"]), no_wrap=True),
    Column("user", "User"),
    Column("summary", "What", style="bold", priority=0),
    Column("changes", "Rows"),
    Column("state", "State", style="cyan", show=lambda r: _state(r)),
)
OPERATION_KEYS = ("id", "at", "user", "command", "summary", "kind", "state", "reverted_by",
                  "target", "changes")
CHANGE_COLUMNS = (
    Column("operation", "Op", style="dim", no_wrap=True),
    Column("at", "When", show=lambda r: local_time(r["at"]), no_wrap=True),
    Column("user", "User"),
    Column("summary", "Operation"),
    Column("fields", "Change", show=lambda r: "\n".join(describe(r))),
    Column("state", "State", style="cyan", show=lambda r: _state(r)),
)
CHANGE_KEYS = ("operation", "at", "user", "command", "summary", "state", "reverted_by", "table",
               "row_id", "action", "fields")


def _state(row: dict) -> str:
    return f"undone by #{row['reverted_by']}" if row["reverted_by"] else row["state"]


def _report(verb: str, ops: list) -> None:
    for op in ops:
        say(f"{verb} #{op.id} {op.summary} ({local_time(op.at)}, {op.user})")


def undo(count: CountArg = 1) -> None:
    """Revert the last N operations (an import or a merge is one), newest first.

    Undo is itself recorded, so 'rolodex redo' puts the changes back and 'rolodex changes'
    shows both. Nothing is undone past a 'privacy forget'.

    \b
    Example: rolodex undo
    """
    _report("undid", undo_store.undo(state.db(), count))


def redo(count: CountArg = 1) -> None:
    """Re-apply what the last N undos reverted; new changes after an undo clear this.

    \b
    Example: rolodex redo
    """
    _report("redid", undo_store.redo(state.db(), count))


def changes(
    ref: Annotated[str | None, typer.Argument(
        metavar="[REF]", help="A contact (id, UID, email or name; #ID also for a deleted one).",
        autocompletion=complete_contact)] = None,
    company: Annotated[str | None, typer.Option(
        "--company", "-c", help="A company's trail instead.", autocompletion=complete_company)]
    = None,
    deal: Annotated[int | None, typer.Option("--deal", metavar="ID", help="A deal's trail.")]
    = None,
    task: Annotated[int | None, typer.Option("--task", metavar="ID", help="A task's trail.")]
    = None,
    event: Annotated[int | None, typer.Option("--event", metavar="ID", help="An event's trail.")]
    = None,
    since: SinceOpt = None,
    limit: LimitOption = None,
    fmt: FormatOption = Format.table,
    columns: ColumnsOption = None,
) -> None:
    """The audit trail: every operation on the database, or every change to one record.

    Without a record, one row per operation (who, when, the command line, how many rows,
    done/undone). With one, one row per row touched, with each field's before and after.

    \b
    Example: rolodex changes "Jane Doe" --since "1 month ago"
    """
    db = state.db()
    start = _since(since)
    target = _record(ref, company, deal, task, event)
    if fmt is Format.ids:
        raise InvalidInput("the audit trail has no record ids; use json, jsonl, csv or tsv")
    if target is None:
        rows = audit.operations(db, since=start, limit=limit)
        emit(rows, fmt, OPERATION_COLUMNS, keys=OPERATION_KEYS, empty="no changes recorded",
             pick=columns)
    else:
        rows = audit.record_changes(db, *target, since=start, limit=limit)
        if fmt is Format.table:  # people read what changed; machines get every row
            rows = [r for r in rows if describe(r)]
        emit(rows, fmt, CHANGE_COLUMNS, keys=CHANGE_KEYS, empty="no changes recorded",
             pick=columns)


def _since(text: str | None) -> str | None:
    if text is None:
        return None
    from rolodex.dates import as_instant, to_utc_iso

    return to_utc_iso(as_instant(state.when(text), state.zone()))


def _record(ref: str | None, company: str | None, deal: int | None, task: int | None,
            event: int | None) -> tuple[str, int] | None:
    from rolodex.store.people.contact_refs import resolve_contact
    from rolodex.store.refs import MAX_ID, resolve_company, typed_id

    given = [(t, v) for t, v in (("contacts", ref), ("companies", company), ("deals", deal),
                                 ("tasks", task), ("events", event)) if v is not None]
    if len(given) > 1:
        raise InvalidInput("name one record: a contact, --company, --deal, --task or --event")
    if not given:
        return None
    table, value = given[0]
    db = state.db()
    if table == "companies":
        return table, resolve_company(db, str(value))
    text = str(value).strip()
    number = typed_id(text) if table != "contacts" or text.startswith("#") else None
    if number is None:
        return table, resolve_contact(db, text)
    if number > MAX_ID:  # the journal may name a deleted record: an id, not a lookup
        raise NotFound(f"nothing has id {number}: ids are at most {MAX_ID}")
    return table, number


DELETED_COLUMNS = (
    Column("id", "ID", style="dim", no_wrap=True, priority=0),
    Column("name", "Name", style="bold", priority=0),
    Column("emails", "Email", show=lambda r: ", ".join(r["emails"])),
    Column("deleted", "Deleted", show=lambda r: local_time(r["deleted"]), no_wrap=True),
    Column("user", "By"),
)
DELETED_KEYS = ("id", "name", "uid", "emails", "deleted", "user", "operation")


def restore_contact(
    ref: Annotated[str | None, typer.Argument(
        metavar="[REF]", help="The deleted contact: #ID, UID, email or part of the name.")]
    = None,
    list_: Annotated[bool, typer.Option("--list", "-l", help="List the deleted contacts.")]
    = False,
    fmt: FormatOption = Format.table,
    columns: ColumnsOption = None,
) -> None:
    """Bring back a deleted contact with its details, tags, history, tasks and deal links.

    Works however long ago the contact was deleted (undo reverts only the latest changes);
    the restore is one operation, so 'rolodex undo' takes it back.

    \b
    Example: rolodex contact restore "Jane Doe"
    """
    db = state.db()
    if list_ or ref is None:
        if ref is not None:
            raise InvalidInput("give a contact to restore, or --list, not both")
        emit(restore.deleted_contacts(db), fmt, DELETED_COLUMNS, keys=DELETED_KEYS,
             empty="no deleted contacts to restore", pick=columns)
        return
    result = restore.restore_contact(db, restore.find_deleted(db, ref))
    say(f"restored #{result['id']} {result['name']} ({result['rows']} rows"
        + (f"; {result['skipped']} left out: their task, event or deal is gone)"
           if result["skipped"] else ")"))
    print(result["id"])
