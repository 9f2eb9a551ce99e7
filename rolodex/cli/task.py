"""``rolodex task ...``: tasks and follow-ups, and the complete -> history -> next loop."""

from __future__ import annotations

from typing import Annotated

import typer

from rolodex.cli._context import delete_by_ids, expand_ids, expand_refs, say, state
from rolodex.cli._help import HelpGroup
from rolodex.cli._options import (
    ColumnsOption,
    FormatOption,
    LimitOption,
    MineOption,
    ShowFormatOption,
    YesOption,
    one_line_text,
    owner_filter,
)
from rolodex.cli._output import Column, Format, emit, emit_one
from rolodex.cli._repeat import warn_short_months
from rolodex.cli._views import when_text
from rolodex.cli.completion import complete_contact
from rolodex.errors import InvalidInput
from rolodex.store.activity import tasks
from rolodex.store.people.contact_refs import resolve_contact

app = typer.Typer(help="Tasks and follow-ups: add, list, done, snooze, edit, reopen, rm.",
                  no_args_is_help=True,
                  cls=HelpGroup)

IdArg = Annotated[int, typer.Argument(metavar="ID", help="Task id (see 'rolodex task list').")]
ForOpt = Annotated[list[str] | None, typer.Option(
    "--for", metavar="REF", help="Contact the task concerns (repeatable; - reads stdin).",
    autocompletion=complete_contact)]
DueOpt = Annotated[str | None, typer.Option(
    "--due", metavar="WHEN", help="tomorrow, fri 3pm, in 2 weeks, 2026-12-01...")]
PriorityOpt = Annotated[str | None, typer.Option("--priority", help="low, normal or high.")]
KindOpt = Annotated[str | None, typer.Option("--kind", help="todo, call, meeting or email.")]
RepeatOpt = Annotated[str | None, typer.Option(
    "--repeat", metavar="RULE", help="'every 2 weeks', 'monthly on the last friday', or an "
    "RRULE; completing one occurrence creates the next.")]


def _due_text(task: dict) -> str:
    if not task["due"]:
        return ""
    if task["all_day"]:
        return task["due"]
    from rolodex.dates import from_utc_iso

    return from_utc_iso(task["due"]).astimezone(state.zone()).strftime("%Y-%m-%d %H:%M")


TASK_COLUMNS = (
    Column("id", "ID", style="dim", no_wrap=True, priority=0),
    Column("due", "Due", show=lambda t: _due_text(t) + (" (overdue)" if t["overdue"] else ""),
           no_wrap=True, priority=1),
    Column("priority", "Pri", priority=4),
    Column("kind", "Kind", style="cyan", priority=5),
    Column("title", "Task", style="bold", priority=0, min_width=28),
    Column("contacts", "For", show=lambda t: ", ".join(c["name"] for c in t["contacts"]),
           priority=3, min_width=16),
    Column("status", "Status", priority=6),
)


def _people(refs: list[str] | None) -> list[int]:
    if not refs:
        return []
    db = state.db()
    return [resolve_contact(db, r) for r in expand_refs(refs)]


def _rule(text: str | None) -> str | None:
    if not text:
        return None
    from rolodex.recurrence_rules import parse_rule

    return parse_rule(text)


@app.command("add")
def add(
    title: Annotated[str, typer.Argument(help="What to do.", callback=one_line_text)],
    for_: ForOpt = None, due: DueOpt = None, priority: PriorityOpt = None,
    kind: KindOpt = None, repeat: RepeatOpt = None,
    note: Annotated[str | None, typer.Option("--note", help="Notes.")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Team member in charge.")] = None,
) -> None:
    """Add a task, optionally for contacts, due at a time, repeating; prints its id.

    \b
    Example: rolodex task add "Send proposal" --for jane --due "fri 3pm" --priority high
    """
    db = state.db()
    when, rule = state.when(due) if due else None, _rule(repeat)
    task_id = tasks.add_task(db, title, contact_ids=_people(for_), due=when,
                             priority=priority or "normal", kind=kind or "todo",
                             rrule=rule, notes=note, owner=owner)
    print(task_id)
    say(f"added task #{task_id}")
    warn_short_months(rule, when)


@app.command("list")
def list_(
    open_: Annotated[bool, typer.Option("--open", help="Open tasks (the default).")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Open, done and cancelled.")] = False,
    done: Annotated[bool, typer.Option("--done", help="Only completed tasks.")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue tasks.")] = False,
    today: Annotated[bool, typer.Option("--today", help="Due today.")] = False,
    week: Annotated[bool, typer.Option("--week", help="Due today or in the next 6 days.")]
    = False,
    for_: Annotated[str | None, typer.Option("--for", metavar="REF",
                                             help="Only tasks for this contact.",
                                             autocompletion=complete_contact)] = None,
    owner: Annotated[str | None, typer.Option(
        "--owner", help="Only this team member's tasks.")] = None,
    mine: MineOption = False,
    limit: LimitOption = None, format: FormatOption = Format.table,
    columns: ColumnsOption = None,
) -> None:
    """List tasks: open ones by default, soonest due first.

    \b
    Example: rolodex task list --overdue --format json
    """
    from rolodex.dates import now

    db = state.db()
    zone = state.zone()
    day = state.today()
    first = last = None
    if today:
        first = last = day
    elif week:
        first, last = tasks.week_window(day)
    if open_ + all_ + done > 1:
        raise InvalidInput("choose one of --open, --all, --done")
    status = None if all_ else ("done" if done else "open")
    ids = tasks.list_ids(db, status=status, first=first, last=last,
                         overdue_at=now() if overdue else None,
                         contact_id=resolve_contact(db, for_) if for_ else None,
                         owner=owner_filter(owner, mine),
                         tz=zone, limit=limit)
    emit(tasks.fetch(db, ids, tz=zone), format, TASK_COLUMNS, keys=tasks.KEYS,
         empty="no tasks", pick=columns)


@app.command("show")
def show(task_id: IdArg, format: ShowFormatOption = Format.table) -> None:
    """Show one task: due, status, repeat rule, people, owner, notes, categories.

    \b
    Example: rolodex task show 12 --format json
    """
    from rolodex.cli._views import task_card

    db = state.db()
    tasks.get_row(db, task_id)
    record = tasks.fetch(db, [task_id], tz=state.zone())[0]
    emit_one(record, format, task_card)


@app.command("done")
def done(
    task_ids: Annotated[list[str], typer.Argument(
        metavar="ID...", help="Tasks to complete; - reads ids from stdin.")],
    outcome: Annotated[str | None, typer.Option("--outcome", help="What came of it.")] = None,
    next_: Annotated[str | None, typer.Option(
        "--next", metavar="WHEN", help="Schedule a follow-up for the same people.")] = None,
    no_history: Annotated[bool, typer.Option("--no-history",
                                             help="Do not record it in history.")] = False,
) -> None:
    """Complete tasks: record them in their contacts' history and schedule what is next.

    \b
    Example: rolodex task done 12 --outcome "they signed" --next "in 3 months"
    """
    db = state.db()
    ids = expand_ids(task_ids)
    follow_up = state.when(next_) if next_ else None
    results = tasks.complete_many(db, ids, outcome=outcome, follow_up=follow_up,
                                  record_history=not no_history, tz=state.zone())
    for r in results:
        parts = [f"done #{r.task_id}"]
        if r.history_id:
            parts.append(f"history #{r.history_id}")
        if r.follow_up_id:
            parts.append(f"follow-up task #{r.follow_up_id}")
        if r.next_id:
            parts.append(f"next occurrence task #{r.next_id}")
        say("; ".join(parts))


@app.command("snooze")
def snooze(task_id: IdArg, when: Annotated[str, typer.Argument(metavar="WHEN")]) -> None:
    """Move a task's due date.

    \b
    Example: rolodex task snooze 12 "next monday 9am"
    """
    db = state.db()
    due = state.when(when)
    tasks.update_task(db, task_id, {"due": due})
    say(f"task #{task_id} now due {when_text(due)}")


@app.command("edit")
def edit(
    task_id: IdArg,
    title: Annotated[str | None, typer.Option("--title", help="New title.",
                                                   callback=one_line_text)] = None,
    due: DueOpt = None, priority: PriorityOpt = None, kind: KindOpt = None,
    repeat: Annotated[str | None, typer.Option(
        "--repeat", metavar="RULE", help="New repeat rule; '' stops repeating.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Notes.")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Team member in charge.")] = None,
    for_: ForOpt = None,
    not_for: Annotated[list[str] | None, typer.Option(
        "--not-for", metavar="REF", help="Remove a contact from the task.",
        autocompletion=complete_contact)] = None,
) -> None:
    """Change a task ('' clears --due, --note, --owner).

    \b
    Example: rolodex task edit 12 --priority high --for john
    """
    db = state.db()
    values: dict = {}
    if title is not None:
        values["title"] = title
    if due is not None:
        values["due"] = state.when(due) if due.strip() else None
    for key, value in (("priority", priority), ("kind", kind), ("notes", note),
                       ("owner", owner)):
        if value is not None:
            values[key] = value.strip() or None
    if repeat is not None:
        values["rrule"] = _rule(repeat) if repeat.strip() else None
    add, remove = _people(for_), _people(not_for)
    if not (values or add or remove):
        raise InvalidInput("nothing to change", hint="give options such as --due or --title")
    tasks.update_task(db, task_id, values, add_contacts=add, remove_contacts=remove)
    say(f"updated task #{task_id}")


@app.command("reopen")
def reopen(task_id: IdArg) -> None:
    """Open a completed or cancelled task again.

    \b
    Example: rolodex task reopen 12
    """
    tasks.set_status(state.db(), task_id, "open")
    say(f"reopened task #{task_id}")


@app.command("cancel")
def cancel(task_id: IdArg) -> None:
    """Cancel a task without recording anything in history.

    \b
    Example: rolodex task cancel 12
    """
    tasks.set_status(state.db(), task_id, "cancelled")
    say(f"cancelled task #{task_id}")


@app.command("rm")
def rm(task_ids: Annotated[list[str], typer.Argument(
        metavar="ID...", help="Tasks to delete; - reads ids from stdin.")],
       yes: YesOption = False) -> None:
    """Delete tasks (asks first on a terminal).

    \b
    Example: rolodex task list --done --format ids | rolodex task rm - --yes
    """
    delete_by_ids(task_ids, "task", tasks.get_row, tasks.delete_task, yes)
