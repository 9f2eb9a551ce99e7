"""``rolodex sync``: two-way sync of contacts, events, tasks and history with CardDAV/CalDAV
servers and vdir folders: ``sync`` alone runs every account, ``sync NAME`` one; ``sync
add``, ``set``, ``list``, ``rm``, ``run``, ``status``, ``conflicts``."""

from __future__ import annotations

from typing import Annotated

import typer

from rolodex.cli import _sync_options as cards  # companies and groups
from rolodex.cli._context import confirm, say, state
from rolodex.cli._help import DefaultCommandGroup
from rolodex.cli._options import ColumnsOption, RowsFormatOption
from rolodex.cli._output import Format, emit, one_line
from rolodex.cli._sync_options import (
    BookChoice,
    ContactsVdir,
    EventsChoice,
    EventsVdir,
    JournalChoice,
    JournalVdir,
    TasksChoice,
    TasksVdir,
    choices,
    folders_given,
)
from rolodex.cli._sync_report import (
    CONFLICT_COLUMNS,
    CONFLICT_KEYS,
    LIST_COLUMNS,
    LIST_KEYS,
    RUN_COLUMNS,
    STATUS_COLUMNS,
    STATUS_KEYS,
    ProgressBar,
    say_report,
)
from rolodex.errors import InvalidInput

app = typer.Typer(help="Two-way sync of your contacts, events, tasks and history with "
                  "CardDAV/CalDAV servers and vdir folders.",
                  invoke_without_command=True, cls=DefaultCommandGroup,
                  subcommand_metavar="[NAME | COMMAND [ARGS]...]")

DryRun = Annotated[bool, typer.Option(
    "--dry-run", help="Show what would be sent, brought in and deleted; write nothing on "
    "either side.")]
Force = Annotated[bool, typer.Option(
    "--force", help="Sync even when it would delete more than half of a collection.")]
NameArg = Annotated[str, typer.Argument(metavar="NAME", help="The account's name.",
                                        show_default=False)]

@app.callback()
def sync_all(
    ctx: typer.Context,
    dry_run: DryRun = False,
    force: Force = False,
    format: RowsFormatOption = Format.table,
) -> None:
    """Two-way sync of your contacts, events, tasks and history with CardDAV/CalDAV
    servers and vdir folders.

    An account is an address book and calendars on a server (Radicale, Nextcloud,
    Fastmail...) or vdir folders (khard, khal, todoman, vdirsyncer). Without a
    command, every account is synced; one that fails (a server down) is said and
    the others still sync.

    What changed on one side since the last sync goes to the other; a record
    changed on both is merged field by field, and a field changed differently on
    both is a conflict: your value is kept and the other listed by 'sync
    conflicts'. Deletions go both ways, except of a record changed on the other
    side, which is kept. A sync that would delete more than half of a collection
    stops: it asks on a terminal, else exits 9; --force goes on. Each sync is one
    operation: 'rolodex undo' takes its changes back here, and the next sync sends
    that on.

    'rolodex sync NAME' syncs one account (as 'rolodex sync run NAME').

    \b
    Example: rolodex sync --dry-run
    """
    if ctx.invoked_subcommand is None:
        _run(None, dry_run, force, format)
    # 'rolodex sync --dry-run office' gives the options here and the name to 'run',
    # which must not drop them (a dry run that writes would be the worst surprise).
    ctx.meta["sync.options"] = (dry_run, force, format)


def _run(name: str | None, dry_run: bool, force: bool, fmt: Format) -> None:
    from rolodex.sync import accounts
    from rolodex.sync.deletion_guard import TooManyDeletions

    bar = ProgressBar()
    try:
        try:
            reports, failed = accounts.run(state.db(), name, dry_run=dry_run, force=force,
                                           progress=bar)
        except TooManyDeletions as stopped:  # the one account named
            reports, failed = [], [(name, stopped)]
        if not dry_run:
            reports += _go_on_if_asked(failed, bar)
    finally:
        bar.close()
    for report in reports:
        say_report(report)
    if fmt is not Format.table:
        emit([r.summary() for r in reports], fmt, RUN_COLUMNS)
    for account, error in failed[1:]:
        say(f"{account}: failed: {one_line(error.message)}")
    if failed:  # the first failure sets the exit code, the others were said above
        account, error = failed[0]
        error.message = f"{account}: {error.message}"
        raise error


def _go_on_if_asked(failed: list, bar) -> list:
    """On a terminal, each account the deletion guard stopped is asked about, and synced
    with --force if the user says so; off one, it stays stopped (exit 9, --force)."""
    from rolodex.errors import Aborted
    from rolodex.sync import accounts
    from rolodex.sync.deletion_guard import TooManyDeletions

    reports = []
    for entry in [f for f in failed if isinstance(f[1], TooManyDeletions)]:
        account, stopped = entry
        try:
            confirm(f"{account}: {one_line(stopped.message)}. Sync anyway?", False)
        except Aborted:
            continue  # no, or no terminal to ask on
        failed.remove(entry)
        done, still = accounts.run(state.db(), account, force=True, progress=bar)
        reports += done
        failed += still
    return reports


@app.command("run")
def run(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(
        metavar="[NAME]", help="The account to sync (default: every account).",
        show_default=False)] = None,
    dry_run: DryRun = False,
    force: Force = False,
    format: RowsFormatOption = Format.table,
) -> None:
    """Sync one account (or every account): the same as 'rolodex sync' alone.

    A summary goes to stderr; with --format json (or jsonl, csv, tsv) one row per
    collection goes to stdout: counts of what came in, went out, merged, and the
    conflicts.

    \b
    Example: rolodex sync run team --format json
    """
    above_dry_run, above_force, above_format = ctx.meta.get(
        "sync.options", (False, False, Format.table))
    _run(name, dry_run or above_dry_run, force or above_force,
         format if format is not Format.table else above_format)


@app.command("add")
def add(
    name: NameArg,
    vdir: ContactsVdir = None,
    events_vdir: EventsVdir = None,
    tasks_vdir: TasksVdir = None,
    journal_vdir: JournalVdir = None,
    url: Annotated[str | None, typer.Option(
        "--url", metavar="URL", help="A CardDAV/CalDAV server: its address, your "
        "principal's or a collection's.", show_default=False)] = None,
    calendar_url: Annotated[str | None, typer.Option(
        "--calendar-url", metavar="URL", help="Where the calendars are, when the provider "
        "keeps them on another host (Fastmail: https://caldav.fastmail.com/, iCloud: "
        "https://caldav.icloud.com/).", show_default=False)] = None,
    user: Annotated[str | None, typer.Option(
        "--user", metavar="USER", help="The server's user name.", show_default=False)]
    = None,
    password_command: Annotated[str | None, typer.Option(
        "--password-command", metavar="CMD", help="A command printing the password on its "
        "first line (e.g. 'pass show dav'); else $ROLODEX_SYNC_PASSWORD_NAME, "
        "$ROLODEX_SYNC_PASSWORD or a prompt. Never stored.", show_default=False)] = None,
    insecure: Annotated[bool, typer.Option(
        "--insecure", help="Allow plain HTTP to a server other than this machine.")]
    = False,
    collection: BookChoice = None,
    calendar: EventsChoice = None,
    tasks_list: TasksChoice = None,
    journal: JournalChoice = None,
    contacts: Annotated[bool, typer.Option(
        "--contacts/--no-contacts", help="Sync the contacts with the server's address "
        "book.")] = True,
    events: Annotated[bool, typer.Option(
        "--events/--no-events", help="Sync the events with a calendar.")] = True,
    tasks: Annotated[bool, typer.Option(
        "--tasks/--no-tasks", help="Sync the tasks with a calendar (VTODO).")] = True,
    history: Annotated[bool, typer.Option(
        "--history/--no-history", help="Sync the history with a calendar (VJOURNAL).")]
    = True,
    companies: cards.CompaniesOn = True,
    groups: cards.GroupsOn = True,
) -> None:
    """Add a sync account: vdir folders, or a CardDAV/CalDAV server.

    A server's address book and calendars are found from the URL (RFC 6764:
    Radicale, Nextcloud, Baikal, Fastmail...): contacts go to the address book,
    events to a calendar taking events, tasks to one taking tasks, the history to
    one taking journal entries (one calendar taking them all carries them all);
    companies and groups (organisation and group cards) go to the address book too;
    --no-contacts, --no-events, --no-tasks, --no-history leave one out. HTTPS is
    required except to this machine. The password is asked for on every sync,
    from --password-command, the environment or a prompt, and never stored.

    A vdir account is a folder per kind (created if missing): --vdir for the
    contacts (khard), --events-vdir (khal), --tasks-vdir (todoman). Nothing is
    synced until 'rolodex sync'.

    \b
    Example: rolodex sync add team --vdir ~/.contacts/team --events-vdir ~/.calendars/team
    Example: rolodex sync add office --url https://dav.example.org --user jane --no-history
    """
    from rolodex.sync import account_setup

    words = {c.name for c in app.registered_commands}
    if name in words:  # 'rolodex sync NAME' must never mean another command
        raise InvalidInput(f"'{name}' is a sync command; choose another account name",
                           hint=f"the commands: {', '.join(sorted(words))}")
    folders = folders_given(vdir, events_vdir, tasks_vdir, journal_vdir)
    if bool(folders) == (url is not None):
        raise InvalidInput("give --url URL, or vdir folders (--vdir, --events-vdir, "
                           "--tasks-vdir, --journal-vdir PATH)")
    if folders:
        if user or password_command or insecure or collection or calendar or tasks_list \
                or journal or calendar_url:
            raise InvalidInput("--user, --password-command, --insecure, --collection, "
                               "--calendar, --calendar-url, --tasks-list and --journal go "
                               "with --url")
        found = account_setup.add_vdir(state.db(), name, folders, cards.on(companies, groups))
    else:
        on = {"contacts": contacts, "events": events, "tasks": tasks,
              "journal": history, **dict.fromkeys(cards.on(companies, groups), contacts)}
        chosen = choices(collection, calendar, tasks_list, journal)
        found = account_setup.add_dav(
            state.db(), name, url, user=user, password_command=password_command,
            insecure=insecure, wanted={k: chosen[k] for k, wanted in on.items() if wanted},
            calendar_url=calendar_url)
    say(f"added sync account {found['name']}: {found['location']} "
        f"({', '.join(found['collections'])})")


@app.command("set")
def set_(
    name: NameArg,
    contacts: Annotated[bool | None, typer.Option(
        "--contacts/--no-contacts", help="Sync the contacts, or stop.",
        show_default=False)] = None,
    events: Annotated[bool | None, typer.Option(
        "--events/--no-events", help="Sync the events, or stop.", show_default=False)]
    = None,
    tasks: Annotated[bool | None, typer.Option(
        "--tasks/--no-tasks", help="Sync the tasks, or stop.", show_default=False)] = None,
    history: Annotated[bool | None, typer.Option(
        "--history/--no-history", help="Sync the history, or stop.", show_default=False)]
    = None,
    vdir: ContactsVdir = None,
    events_vdir: EventsVdir = None,
    tasks_vdir: TasksVdir = None,
    journal_vdir: JournalVdir = None,
    collection: BookChoice = None,
    calendar: EventsChoice = None,
    tasks_list: TasksChoice = None,
    journal: JournalChoice = None,
    companies: cards.CompaniesTurn = None,
    groups: cards.GroupsTurn = None,
) -> None:
    """Change what an account syncs: turn a kind of record on or off.

    Turning one off forgets its collection (nothing is deleted on either side);
    turning one on finds its collection on the server again (or takes the vdir
    folder given).

    \b
    Example: rolodex sync set office --no-tasks
    Example: rolodex sync set team --events-vdir ~/.calendars/team
    """
    from rolodex.sync import account_setup

    turn = {kind: on for kind, on in (
        ("contacts", contacts), ("events", events), ("tasks", tasks), ("journal", history),
        ("companies", companies), ("groups", groups)) if on is not None}
    found = account_setup.set_kinds(
        state.db(), name, turn, folders=folders_given(vdir, events_vdir, tasks_vdir, journal_vdir),
        wanted=choices(collection, calendar, tasks_list, journal))
    say(f"sync account {found['name']} syncs: {', '.join(found['collections']) or 'nothing'}")


@app.command("list")
def list_(format: RowsFormatOption = Format.table, columns: ColumnsOption = None) -> None:
    """List the sync accounts.

    \b
    Example: rolodex sync list --format json
    """
    from rolodex.sync import accounts

    emit(accounts.list_accounts(state.db()), format, LIST_COLUMNS, keys=LIST_KEYS, pick=columns,
         empty="no sync accounts (rolodex sync add NAME --vdir PATH)")


@app.command("rm")
def rm(name: NameArg) -> None:
    """Remove a sync account and what rolodex knew of its items.

    Nothing is deleted on either side; 'rolodex undo' brings the account back.

    \b
    Example: rolodex sync rm team
    """
    from rolodex.sync import accounts

    accounts.remove(state.db(), name)
    say(f"removed sync account {name}")


@app.command("status")
def status(format: RowsFormatOption = Format.table, columns: ColumnsOption = None) -> None:
    """Show each synced collection: its kind, last sync, changes here and conflicts.

    "Changed here" counts the records of its kind (contacts, events, tasks,
    history entries) added, edited or deleted here since the last sync: the next
    sync sends them.

    \b
    Example: rolodex sync status
    """
    from rolodex.sync import accounts

    emit(accounts.status(state.db()), format, STATUS_COLUMNS, keys=STATUS_KEYS, pick=columns,
         empty="no sync accounts (rolodex sync add NAME --vdir PATH)")


@app.command("conflicts")
def conflicts(
    name: Annotated[str | None, typer.Argument(
        metavar="[NAME]", help="Only this account's conflicts.", show_default=False)] = None,
    prefer: Annotated[str | None, typer.Option(
        "--prefer", metavar="local|remote", help="Settle them all: keep your values "
        "(local), or take the other side's (remote; the next sync sends them on).",
        show_default=False)] = None,
    columns: ColumnsOption = None,
    edit: Annotated[bool, typer.Option(
        "--edit", help="Settle them one by one in $EDITOR: write 'keep: local' or 'keep: "
        "remote' under each.")] = False,
    format: RowsFormatOption = Format.table,
) -> None:
    """List the fields changed differently on both sides, or settle them (--prefer, --edit).

    Until settled your value is kept, and was sent to the other side. --edit opens the
    conflicts in $EDITOR with both values; a conflict left at 'keep: ?' stays open.

    \b
    Example: rolodex sync conflicts --prefer remote
    """
    from rolodex.sync import accounts

    db = state.db()
    if edit:
        if prefer is not None:
            raise InvalidInput("choose --prefer or --edit, not both")
        return _edit_conflicts(db, name)
    if prefer is None:
        emit(accounts.conflicts(db, name), format, CONFLICT_COLUMNS, keys=CONFLICT_KEYS,
             pick=columns,
             empty="no conflicts")
        return
    count = accounts.resolve(db, prefer, name)
    sent = "; 'rolodex sync' sends the values taken" if count and prefer == "remote" else ""
    say(f"settled {count} conflicts ({prefer}){sent}")


def _edit_conflicts(db, name: str | None) -> None:
    from rolodex.cli.contact_edit import run_editor
    from rolodex.sync import accounts
    from rolodex.sync.conflict_text import choices, render

    rows = accounts.conflicts(db, name)
    if not rows:
        say("no conflicts")
        return
    picked = choices(run_editor(render(rows)), {row["id"] for row in rows})
    count = accounts.resolve(db, None, name, choices=picked)
    remote = sum(1 for value in picked.values() if value == "remote")
    say(f"settled {count} of {len(rows)} conflicts ({count - remote} local, {remote} remote)"
        + (f"; {len(rows) - count} left open" if count < len(rows) else "")
        + ("; 'rolodex sync' sends the values taken" if remote else ""))
