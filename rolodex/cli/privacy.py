"""``rolodex privacy``: consent, subject access export, erasure, stale records."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from rolodex.cli._context import confirm, expand_refs, say, state
from rolodex.cli._help import HelpGroup
from rolodex.cli._options import ColumnsOption, FormatOption, LimitOption, RefArg, YesOption
from rolodex.cli._output import Column, Format, emit, json_safe, message, opened_output
from rolodex.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from datetime import datetime

    from rolodex.store.privacy.erasure import Erasure

app = typer.Typer(help="Consent, access and erasure (GDPR).", no_args_is_help=True,
                  cls=HelpGroup)


class Status(StrEnum):
    granted = "granted"
    withdrawn = "withdrawn"


def _local(text: str | None) -> str:
    """A stored UTC time as the user's local day and time."""
    if not text:
        return ""
    from rolodex.dates import from_utc_iso

    return from_utc_iso(text).astimezone(state.zone()).strftime("%Y-%m-%d %H:%M")


def _day(text: str | None) -> str:
    return _local(text)[:10]


CONSENT_COLUMNS = (
    Column("id", "ID", style="dim", no_wrap=True, priority=0),
    Column("contact", "Contact", style="bold", priority=0),
    Column("purpose", "Purpose", style="cyan"),
    Column("status", "Status"),
    Column("at", "When", show=lambda r: _local(r["at"]), no_wrap=True),
    Column("source", "Source"),
    Column("evidence", "Evidence"),
    Column("current", "Current", show=lambda r: "yes" if r["current"] else ""),
)
STALE_COLUMNS = (
    Column("id", "ID", style="dim", no_wrap=True, priority=0),
    Column("name", "Name", style="bold", priority=0),
    Column("email", "Email"),
    Column("company", "Company"),
    Column("created", "Added", show=lambda r: _day(r["created"]), no_wrap=True),
    Column("last_contacted", "Last contact", show=lambda r: _day(r["last_contacted"]),
           no_wrap=True),
    Column("last_consent", "Last consent", show=lambda r: " ".join(filter(None, (
        _day(r["last_consent"]), r["last_consent_purpose"], r["last_consent_status"])))),
)


def _contact(ref: str) -> int:
    """The one contact a single REF names (``-`` reads it from stdin)."""
    from rolodex.store.people.contact_refs import resolve_contact

    refs = expand_refs([ref])
    if len(refs) != 1:
        raise InvalidInput(f"this command takes one contact; that names {len(refs)}")
    return resolve_contact(state.db(), refs[0])


@app.command("consent")
def consent(
    ref: RefArg,
    purpose: Annotated[str | None, typer.Argument(
        metavar="[PURPOSE]",
        help="What the consent is for: newsletter, marketing, events... (none: list all).")]
    = None,
    grant: Annotated[bool, typer.Option("--grant", help="Record that they agreed.")] = False,
    withdraw: Annotated[bool, typer.Option("--withdraw", help="Record that they withdrew.")]
    = False,
    at: Annotated[str | None, typer.Option(
        "--at", metavar="WHEN", help="When they agreed or withdrew (default: now).")] = None,
    source: Annotated[str | None, typer.Option(
        "--source", help="How: web form, email, in person, phone...")] = None,
    evidence: Annotated[str | None, typer.Option(
        "--evidence", help="Where the proof is: a message id, a file, a ticket...")] = None,
    format: FormatOption = Format.table,
    columns: ColumnsOption = None,
) -> None:
    """Record a grant or withdrawal of consent for a purpose, or list a person's consents.

    With --grant or --withdraw a new row is added (prints its id): consent is a history,
    nothing is overwritten, and the latest row per purpose is the current state. Without
    them, every grant and withdrawal of the person is listed, oldest first (only PURPOSE's
    when given), each marked current or not.

    \b
    Example: rolodex privacy consent jane newsletter --grant --source "web form" \\
      --evidence "signup 2026-11-20"
    """
    from rolodex.store.privacy import consent as consent_store

    db = state.db()
    contact_id = _contact(ref)
    if grant and withdraw:
        raise InvalidInput("choose one of --grant and --withdraw")
    if not (grant or withdraw):
        if at is not None or source is not None or evidence is not None:
            raise InvalidInput("--at, --source and --evidence need --grant or --withdraw")
        emit(consent_store.history(db, contact_id, purpose), format, CONSENT_COLUMNS,
             keys=consent_store.KEYS, empty="no consent recorded", pick=columns)
        return
    if purpose is None:
        raise InvalidInput("name the purpose of the consent",
                           hint="rolodex privacy consent REF PURPOSE --grant")
    status = "granted" if grant else "withdrawn"
    consent_id = consent_store.record(db, contact_id, purpose, status, at=_instant(at),
                                      source=source, evidence=evidence)
    print(consent_id)
    say(f"recorded consent #{consent_id}: {consent_store.check_purpose(purpose)} {status}")


def _instant(text: str | None) -> datetime | None:
    """A typed time as is; a typed day as its start in the user's zone."""
    if text is None:
        return None
    from rolodex.dates import as_instant

    return as_instant(state.when(text), state.zone())


@app.command("consents")
def consents(
    purpose: Annotated[str | None, typer.Option("--purpose", help="Only this purpose.")]
    = None,
    status: Annotated[Status | None, typer.Option(
        "--status", help="Only current grants, or only current withdrawals.")] = None,
    format: FormatOption = Format.table,
    columns: ColumnsOption = None,
) -> None:
    """List the current consent of every contact per purpose: the latest grant or withdrawal.

    \b
    Example: rolodex privacy consents --purpose newsletter --status granted --format csv
    """
    from rolodex.store.privacy import consent as consent_store

    rows = consent_store.current(state.db(), purpose=purpose,
                                 status=status.value if status else None)
    emit(rows, format, CONSENT_COLUMNS, keys=consent_store.KEYS, empty="no consent recorded",
         pick=columns)


@app.command("export")
def export(
    ref: RefArg,
    output: Annotated[str, typer.Option(
        "--output", "-o", metavar="FILE", help="Write here, readable by you only (- stdout).")]
    = "-",
) -> None:
    """Export everything held about one person as one JSON document (a subject access request).

    The document holds the contact record, the vCard an address book would import, the
    kept properties of the card it came from, relationships, history, tasks, events,
    deals, consent, saved searches naming them, and the journal entries about them.

    \b
    Example: rolodex privacy export jane -o jane-doe.json
    """
    import json

    from rolodex.reports.subject_access import document

    contact_id = _contact(ref)
    doc = document(state.db(), contact_id, tz=state.zone())
    with opened_output(output) as out:
        json.dump(doc, out, ensure_ascii=False, indent=2)
        out.write("\n")
    if output != "-":
        say(f"wrote everything about contact #{contact_id} to {output}")


class ReportFormat(StrEnum):
    table = "table"
    json = "json"


@app.command("forget")
def forget(
    ref: Annotated[str, typer.Argument(
        metavar="REF", help="Id, UID, email or unique name; #ID also names a deleted contact "
        "still in the journal.")],
    yes: YesOption = False,
    format: Annotated[ReportFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="table: the report on stderr; json: also as one JSON document on stdout.")
    ] = ReportFormat.table,
) -> None:
    """Erase a person from every table and the journal; this cannot be undone.

    Removes the contact and all that hangs on it (details, tags, fields, the kept vCard,
    relationships both ways, consent, links to tasks, events and deals), history entries
    and tasks that concern them alone, saved searches naming them, calendar lines naming
    them, and their traces in the journal; then rewrites the file so the bytes are gone.
    Undo stops here. Reported: other records, journal images and command lines that still
    name them (a first name alone too), the backups that hold them (looked for inside
    each), and that files exported earlier are not tracked. Half-written copies a killed
    backup left are removed.

    \b
    Example: rolodex privacy forget jane@acme.example --yes
    """
    from rolodex.store.care.backup_temps import remove
    from rolodex.store.care.backups import stale_copies
    from rolodex.store.privacy import erasure as privacy_store
    from rolodex.store.privacy.backup_search import backups_holding

    db = state.db()
    contact_id = _forgettable(ref)
    who = privacy_store.identity(db, contact_id)
    confirm(f"Erase {who.name} (#{contact_id}) and every trace of them? This cannot be undone",
            yes)
    done = privacy_store.forget(db, contact_id)
    copies_removed = remove(stale_copies(db.path))
    backups = backups_holding(db.path, who)
    removed = sum(done.rows.values())
    say(f"erased contact #{contact_id}: {removed} rows, {done.journal_changes} journal "
        f"changes, {done.operations_rewritten} command lines, {done.calendar_lines} calendar "
        f"lines{f', {done.groups} group entries' if done.groups else ''}; audit record: "
        f"operation #{done.operation_id}")
    for name in done.saved_searches:
        say(f"deleted saved search @{name}")
    _warn(done, backups, copies_removed)
    if format is ReportFormat.json:
        import json
        import sys

        sys.stdout.write(json_safe(json.dumps(_report(done, backups, copies_removed),
                                              ensure_ascii=False, indent=2)) + "\n")


def _forgettable(ref: str) -> int:
    """The contact to erase: an existing one, else (by #ID) one deleted but in the journal."""
    from rolodex.store.privacy import erasure as privacy_store

    try:
        return _contact(ref)
    except NotFound:
        from rolodex.store.refs import MAX_ID, typed_id

        number = typed_id(ref)
        if number is not None and number <= MAX_ID \
                and privacy_store.deleted_contact(state.db(), number):
            return number
        raise


def _report(done: Erasure, backups: list[dict], copies_removed: int) -> dict:
    """The erasure as one JSON document: counts, every place that still names the person,
    the backups that hold them, what could not be reached."""
    return {"contact_id": done.contact_id, "operation": done.operation_id, "rows": done.rows,
            "journal_changes": done.journal_changes,
            "operations_rewritten": done.operations_rewritten,
            "calendar_lines": done.calendar_lines, "groups": done.groups,
            "saved_searches": done.saved_searches,
            "mentions": done.mentions, "vacuumed": done.vacuumed,
            "wal_emptied": done.wal_emptied, "backups": backups,
            "backup_copies_removed": copies_removed, "exports_tracked": False}


def _warn(done: Erasure, backups: list[dict], copies_removed: int) -> None:
    """What the erasure could not reach: always shown, even with --quiet."""
    from shlex import quote

    journal: dict[str, int] = {}
    for item in done.mentions:
        word = " (a word of their name)" if item["match"] == "word" else ""
        if item["table"] == "changes":
            journal[item["record"]] = journal.get(item["record"], 0) + 1
        elif item["table"] == "operations":
            message(f"warning: the journal's operation #{item['id']} still names them in its "
                    f"{item['column']}{word}")
        else:
            message(f"warning: {item['table']} #{item['id']} still names them in its "
                    f"{item['column']}{word}; review it")
    for record, count in journal.items():
        message(f"warning: the journal's images of {record} still name them ({count})")
    if any(item["match"] == "word" for item in done.mentions):
        message("note: a word of their name (a first name alone) may be someone else's")
    if not (done.vacuumed and done.wal_emptied):
        message("warning: another program is using the database, so old pages may remain in "
                f"it or its -wal; when it has closed, run: sqlite3 {quote(str(state.db_path()))} "
                "'VACUUM; PRAGMA wal_checkpoint(TRUNCATE);'")
    if copies_removed:
        message(f"removed {copies_removed} half-written backup copies a killed backup left")
    held = [b for b in backups if b["holds"]]
    unread = [b for b in backups if b["holds"] is None]
    if held:
        _summarise(held, "still hold this person; delete or re-create them")
    if unread:
        _summarise(unread, "could not be read to tell whether they hold them")
    message("note: files rolodex exported earlier (vCards, CSV, calendars, reports, "
            "'privacy export' documents) are not tracked: erase them from any you keep")


def _summarise(backups: list[dict], what: str) -> None:
    """A few backups by path; more as a count per folder (each erasure would otherwise
    print every backup there is). ``--format json`` lists every path."""
    from pathlib import Path

    if len(backups) <= 3:
        message(f"{len(backups)} backup(s) {what}:")
        for backup in backups:
            message(f"  {backup['path']}")
        return
    folders: dict[str, int] = {}
    for backup in backups:
        folder = str(Path(backup["path"]).parent)
        folders[folder] = folders.get(folder, 0) + 1
    where = ", ".join(f"{n} in {folder}" for folder, n in folders.items())
    message(f"{len(backups)} backup(s) {what} ({where}; --format json lists them)")


@app.command("stale")
def stale(
    older_than: Annotated[str, typer.Option(
        "--older-than", metavar="AGE", help="Silent for at least: 90d, 18m, 3y (a month is 30 "
        "days, a year 365).")],
    limit: LimitOption = None,
    format: FormatOption = Format.table,
    columns: ColumnsOption = None,
) -> None:
    """List people with no history and no consent granted for a long time: candidates to forget.

    A person is stale when they were added before the cutoff, have no history entry since,
    and had no consent in force at any moment since. Longest silent first, with their last
    contact and last consent.

    \b
    Example: rolodex privacy stale --older-than 3y --format csv
    """
    from datetime import timedelta

    from rolodex.date_input import parse_days
    from rolodex.dates import start_of_day
    from rolodex.reports.retention import KEYS
    from rolodex.reports.retention import stale as stale_rows

    days = parse_days(older_than)
    cutoff = start_of_day(state.today() - timedelta(days=days), state.zone())
    rows = stale_rows(state.db(), cutoff, limit=limit)
    emit(rows, format, STALE_COLUMNS, keys=KEYS,
         empty=f"nobody silent since {cutoff.date().isoformat()}", pick=columns)
