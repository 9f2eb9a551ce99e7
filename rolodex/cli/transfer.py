"""``rolodex import`` and ``rolodex export``: address books in and out (vCard, CSV)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from rolodex.cli._context import state
from rolodex.cli._output import message, opened_output
from rolodex.cli.completion import complete_company
from rolodex.errors import FileError, InvalidInput

PROGRESS_AT = 500  # items from which a terminal gets a progress bar


def _read_sources(path: str) -> list[tuple[str, bytes]]:
    """(name, bytes) of each file to import: a file, every .vcf of a folder, or stdin."""
    if path == "-":
        return [("-", sys.stdin.buffer.read())]
    target = Path(path).expanduser()
    try:
        if target.is_dir():
            files = sorted(p for p in target.iterdir()
                           if p.suffix.lower() in (".vcf", ".vcard", ".ics") and p.is_file())
            if not files:
                raise FileError(f"{target}: no .vcf or .ics files in this folder")
            return [(str(p), p.read_bytes()) for p in files]
        return [(str(target), target.read_bytes())]
    except OSError as exc:
        raise FileError(f"cannot read {target}: {exc.strerror}") from exc


def _by_kind(sources: list[tuple[str, bytes]], kind: str | None
             ) -> tuple[list[tuple[str, bytes]], list[tuple[str, bytes]]]:
    """(calendars, address books) of the sources."""
    from rolodex.formats.incoming import sniff_format

    calendars, address_books = [], []
    for name, data in sources:
        (calendars if (kind or sniff_format(name, data)) == "ical" else address_books).append(
            (name, data))
    return calendars, address_books


def import_(
    path: Annotated[str, typer.Argument(metavar="FILE|DIR|-",
                                        help="A .vcf or .csv file, a folder of .vcf files "
                                        "(a vdir), or - for stdin.")],
    type_: Annotated[str | None, typer.Option(
        "--type", metavar="vcard|csv|ical", help="What the input is (default: from the name "
        "or the content).")] = None,
    encoding: Annotated[str | None, typer.Option(
        "--encoding", help="The file's encoding when it is not UTF-8, e.g. cp1252.")] = None,
    map_: Annotated[str | None, typer.Option(
        "--map", metavar="COLUMN=FIELD,...", help="CSV columns to fields, e.g. "
        "'E-mail=email,Firma=company'.")] = None,
    on_match: Annotated[str, typer.Option(
        "--on-match", metavar="update|skip|new",
        help="A card without a known UID whose email or phone matches a contact.")]
    = "update",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would happen; "
                                          "write nothing.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Abort everything on the first "
                                         "bad card.")] = False,
    format: Annotated[str, typer.Option("--format", "-f", metavar="table|json",
                                        help="json prints the summary on stdout.")] = "table",
    create_contacts: Annotated[bool, typer.Option(
        "--create-contacts", help="iCalendar: add attendees rolodex does not know as "
        "contacts (default: list them).")] = False,
) -> None:
    """Import contacts (vCard, CSV) and events and tasks (iCalendar).

    vCard 2.1, 3.0 and 4.0; CSV from Google, Outlook, Thunderbird or mapped with --map;
    .ics files with events and tasks.

    One transaction: what the summary reports is what was written. Cards that cannot be
    read are skipped and listed (or, with --strict, nothing is imported). Importing the
    same file again changes nothing; a card with a known UID updates its contact.

    \b
    Example: rolodex import ~/contacts.vcf --dry-run
    """
    from rolodex.formats.contact_files import ContactFiles
    from rolodex.sync.apply import import_items

    if type_ not in (None, "vcard", "csv", "ical"):
        raise InvalidInput(f"--type is vcard, csv or ical, not '{type_}'")
    if format not in ("table", "json"):
        raise InvalidInput(f"--format is table or json, not '{format}'")
    if encoding:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise InvalidInput(f"unknown encoding '{encoding}'") from exc
    mapping = None
    if map_:
        from rolodex.formats.csv_columns import parse_map

        mapping = parse_map(map_)
    calendars, address_books = _by_kind(_read_sources(path), type_)
    # Cards are read as they are imported; files that cannot be read fail here, first.
    items = ContactFiles(address_books, kind=type_, encoding=encoding, mapping=mapping)
    address_books.clear()  # what ContactFiles needs, it keeps: the rest of the bytes can go
    calendar = None
    if calendars:
        from rolodex.cli._calendar_io import import_calendars

        calendar = import_calendars(calendars, dry_run=dry_run, strict=strict,
                                    create_contacts=create_contacts, encoding=encoding)
        if items.empty():
            if format == "json":
                print(json.dumps(calendar, ensure_ascii=False, indent=2))
            return
    if strict:
        items.scan()
    with _progress(items.expected) as advance:
        report = import_items(state.db(), items, on_match=on_match, dry_run=dry_run,
                              strict=strict, problems=items.problems, progress=advance)
    summary = report.summary()
    if format == "json":
        print(json.dumps({**summary, "calendar": calendar}, ensure_ascii=False, indent=2))
    for problem in report.failed:
        message(f"  skipped {problem.source}: card {problem.index}, line {problem.line}: "
                f"{problem.reason}")
    for match in summary["matches"]:
        message(f"  {match['name']}: matched #{match['matched_id']} by {match['matched_by']}")
    for dupe in summary["duplicates"]:
        message(f"  {dupe['name']}: new #{dupe['id']} looks like #{dupe['duplicate_id']} "
                f"{dupe['duplicate_name']} ({dupe['why']})")
    for entry in summary["invalid"]:
        message(_invalid_line(entry))
    duplicates, invalid = len(summary["duplicates"]), len(summary["invalid"])
    message(("would import" if dry_run else "imported") + f" {report.items} contact(s): "
            f"{summary['new']} new, {summary['updated']} updated, {summary['unchanged']} "
            f"unchanged, {summary['skipped']} skipped, {summary['failed']} failed"
            + (f", {duplicates} likely duplicate(s)" if duplicates else "")
            + (f", {invalid} invalid value(s) kept in the cards" if invalid else "")
            + (" (dry run: nothing written)" if dry_run else ""))


def _invalid_line(entry: dict) -> str:
    """``  kept in the card only: book.vcf card 2 Jane Doe: EMAIL 'wei' is not an email
    address``, with control characters escaped: the values come from the file."""
    from rolodex.models import escape_controls

    return escape_controls(
        f"  kept in the card only: {entry['source']} card {entry['index']} {entry['name']}: "
        f"{entry['property']} '{entry['value']}' {entry['reason']}")


class _progress:
    """A Rich progress bar on stderr for long imports at a terminal; otherwise nothing."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar = None

    def __enter__(self):
        if self.total < PROGRESS_AT or not sys.stderr.isatty():
            return None
        from rich.progress import Progress

        from rolodex.cli._output import console

        self.bar = Progress(console=console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task("importing", total=self.total)
        return lambda: self.bar.advance(task)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def export(
    format: Annotated[str, typer.Option("--format", "-f", metavar="vcard|csv|ical",
                                        help="vcard, csv or ical.")] = "vcard",
    vcard_version: Annotated[str | None, typer.Option(
        "--vcard-version", metavar="3.0|4.0", help="Write every card in this version "
        "(default: each imported card keeps its own; new ones use 'vcard.version').")]
    = None,
    output: Annotated[str, typer.Option(
        "--output", "-o", metavar="FILE|DIR|-", help="A file, a folder (one .vcf per "
        "contact, named from its UID), or - for stdout.")] = "-",
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t")] = None,
    company: Annotated[str | None, typer.Option("--company", "-c",
                                                autocompletion=complete_company)] = None,
    status: Annotated[str | None, typer.Option("--status")] = None,
    search: Annotated[str | None, typer.Option("--search", help="Only contacts matching "
                                               "this search.")] = None,
    what: Annotated[str, typer.Option(
        "--what", metavar="events,tasks,birthdays,followups",
        help="iCalendar: which items (default: all four).")] = "events,tasks,birthdays,followups",
    from_: Annotated[str | None, typer.Option("--from", metavar="WHEN",
                                              help="iCalendar: first day.")] = None,
    to: Annotated[str | None, typer.Option("--to", metavar="WHEN",
                                           help="iCalendar: last day.")] = None,
) -> None:
    """Export contacts (vCard, CSV) or the calendar (iCalendar).

    Contacts as vCard or CSV; events, tasks, birthdays and follow-ups as iCalendar; to
    stdout, a file, or a folder (one file per item).

    \b
    Example: rolodex export --format vcard --tag vip -o vip.vcf
    """
    from rolodex.store import contact_queries
    from rolodex.store.refs import resolve_company
    from rolodex.store.search import search_contacts
    from rolodex.sync.contact_export import write_csv, write_vcards

    if format == "ical":
        from rolodex.cli._calendar_io import export_calendar

        return export_calendar(output, what, from_, to)
    if format not in ("vcard", "csv"):
        raise InvalidInput(f"--format is vcard, csv or ical, not '{format}'")
    if vcard_version not in (None, "3.0", "4.0"):
        raise InvalidInput(f"--vcard-version is 3.0 or 4.0, not '{vcard_version}'")
    db = state.db()
    company_id = resolve_company(db, company) if company else None
    ids = contact_queries.list_ids(db, tags=tag or [], company_id=company_id, status=status)
    if search is not None:
        wanted = set(search_contacts(db, search))
        ids = [i for i in ids if i in wanted]
    if format == "csv":
        if output != "-" and Path(output).is_dir():
            raise InvalidInput("CSV goes to one file or stdout, not a folder")
        with opened_output(output) as out:
            write_csv(db, ids, out)
        count = len(ids)
    else:
        from rolodex.store import companies

        # Companies travel as organisation cards when the whole address book is exported.
        everyone = not (tag or company or status or search is not None)
        company_ids = companies.list_ids(db, as_card=True) if everyone else []
        count = write_vcards(db, ids, output, version=vcard_version,
                             company_ids=company_ids) - len(company_ids)
        if company_ids:
            message(f"exported {len(company_ids)} company card(s)")
    message(f"exported {count} contact(s)" + (f" to {output}" if output != "-" else ""))
