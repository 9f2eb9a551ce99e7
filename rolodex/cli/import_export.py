"""``rolodex import`` and ``rolodex export``: address books in and out (vCard, CSV)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from rolodex.cli._context import state
from rolodex.cli._csv_options import check_encoding, csv_delimiter, encoded
from rolodex.cli._output import json_safe, message, opened_output
from rolodex.cli.completion import complete_company
from rolodex.errors import FileError, InvalidInput

PROGRESS_AT = 500  # items from which a terminal gets a progress bar


def import_(
    path: Annotated[str, typer.Argument(metavar="FILE|DIR|-",
                                        help="A .vcf, .csv, .ldif or .ics file, a folder of "
                                        "them (a vdir), or - for stdin.")],
    type_: Annotated[str | None, typer.Option(
        "--type", metavar="vcard|csv|ldif|ical", help="What the input is (default: from the name "
        "or the content).")] = None,
    encoding: Annotated[str | None, typer.Option(
        "--encoding", help="The file's encoding when it is not UTF-8, e.g. cp1252.")] = None,
    delimiter: Annotated[str | None, typer.Option(
        "--delimiter", metavar="CHAR", help="CSV: the separator, e.g. ';' or tab (default: "
        "whichever of , ; tab the header line has most of).")] = None,
    map_: Annotated[str | None, typer.Option(
        "--map", metavar="COLUMN=FIELD,...", help="CSV columns to fields, e.g. "
        "'E-mail=email,Firma=company'.")] = None,
    on_match: Annotated[str, typer.Option(
        "--on-match", metavar="merge|replace|skip|new",
        help="A card, event or task that matches one rolodex has: merge (add what it "
        "lacks; keep its own values and report differences), replace (take the file's), "
        "skip, or new (cards only).")]
    = "merge",
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
    """Import contacts (vCard, CSV, LDIF) and events and tasks (iCalendar).

    vCard 2.1, 3.0 and 4.0; CSV from Google, Outlook (also in German, French, Spanish),
    Thunderbird, LinkedIn or mapped with --map; LDIF from Thunderbird or an LDAP server
    (a mailing list becomes a tag on its members); .ics files with events and tasks.

    One transaction: what the summary reports is what was written. Cards that cannot be
    read are skipped and listed (or, with --strict, nothing is imported). A card that
    matches a contact (by UID, email, phone or profile URL) is merged into it: what the
    contact lacks is added, nothing is erased, and a value that differs from the
    contact's own is kept and reported as a conflict (--dry-run shows every change).
    Importing the same file again changes nothing.

    \b
    Example: rolodex import ~/contacts.vcf --dry-run
    """
    from rolodex.cli._import_report import show
    from rolodex.sync.apply import Policy, apply
    from rolodex.sync.files import incoming

    if format not in ("table", "json"):
        raise InvalidInput(f"--format is table or json, not '{format}'")
    if encoding:
        check_encoding(encoding)
    separator = csv_delimiter(delimiter) if delimiter is not None else None
    policy = Policy(on_match, dry_run, strict, create_contacts)
    mapping = None
    if map_:
        from rolodex.formats.csv_columns import parse_map

        mapping = parse_map(map_)
    found = incoming(path, kind=type_, encoding=encoding, mapping=mapping,
                     delimiter=separator, strict=strict)
    with _progress(getattr(found.contacts, "expected", 0)) as advance:
        report = apply(state.db(), found, policy, progress=advance)
    if format == "json":
        print(json_safe(json.dumps(report.summary(), ensure_ascii=False, indent=2)))
    show(report)


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
    tag: Annotated[list[str] | None, typer.Option(
        "--tag", "-t", help="Only contacts with this tag (repeatable).")] = None,
    company: Annotated[str | None, typer.Option(
        "--company", "-c", help="Only people of this company.",
        autocompletion=complete_company)] = None,
    status: Annotated[str | None, typer.Option(
        "--status", help="Only contacts with this status.")] = None,
    search: Annotated[str | None, typer.Option("--search", help="Only contacts matching "
                                               "this search.")] = None,
    what: Annotated[str, typer.Option(
        "--what", metavar="events,tasks,history,birthdays,followups,campaigns",
        help="iCalendar: which items (default: all but history, which is journal "
             "entries: one per call, mail or meeting logged).")
    ] = "events,tasks,birthdays,followups,campaigns",
    from_: Annotated[str | None, typer.Option("--from", metavar="WHEN",
                                              help="iCalendar: first day.")] = None,
    to: Annotated[str | None, typer.Option("--to", metavar="WHEN",
                                           help="iCalendar: last day.")] = None,
    fields: Annotated[str | None, typer.Option(
        "--fields", metavar="FIELD,...", help="CSV: these columns in this order, e.g. "
        "'name,email,phone,custom:KEY' (default: every field, custom ones last).")] = None,
    encoding: Annotated[str, typer.Option(
        "--encoding", help="CSV: the file's encoding; utf-8-sig adds the byte-order mark "
        "Excel needs to read UTF-8.")] = "utf-8",
    delimiter: Annotated[str, typer.Option(
        "--delimiter", metavar="CHAR", help="CSV: the separator, e.g. ';' or tab.")] = ",",
) -> None:
    """Export contacts (vCard, CSV) or the calendar (iCalendar).

    Contacts as vCard or CSV; events, tasks, birthdays, follow-ups and campaign steps as
    iCalendar; to stdout, a file, or a folder (one file per item).

    \b
    Example: rolodex export --format vcard --tag vip -o vip.vcf
    """
    from rolodex.store.people import contact_queries
    from rolodex.store.refs import resolve_company
    from rolodex.store.search.query import search_contacts
    from rolodex.sync.contact_export import write_csv, write_vcards

    if format == "ical":
        from rolodex.cli._calendar_io import export_calendar

        return export_calendar(output, what, from_, to)
    if format not in ("vcard", "csv"):
        raise InvalidInput(f"--format is vcard, csv or ical, not '{format}'")
    if vcard_version not in (None, "3.0", "4.0"):
        raise InvalidInput(f"--vcard-version is 3.0 or 4.0, not '{vcard_version}'")
    if format != "csv" and (fields or encoding != "utf-8" or delimiter != ","):
        raise InvalidInput("--fields, --encoding and --delimiter are for --format csv")
    columns = separator = None
    if format == "csv":
        from rolodex.formats.csv_export import parse_fields

        columns = parse_fields(fields) if fields is not None else None
        separator = csv_delimiter(delimiter)
        check_encoding(encoding)
    db = state.db()
    company_id = resolve_company(db, company) if company else None
    ids = contact_queries.list_ids(db, tags=tag or [], company_id=company_id, status=status)
    if search is not None:
        wanted = set(search_contacts(db, search))
        ids = [i for i in ids if i in wanted]
    if format == "csv":
        if output != "-" and Path(output).is_dir():
            raise InvalidInput("CSV goes to one file or stdout, not a folder")
        text = io.StringIO(newline="")
        write_csv(db, ids, text, fields=columns, delimiter=separator)
        data = encoded(text.getvalue(), encoding)
        with opened_output(output) as out:
            out.flush()
            # A raw write may be short (a file size limit, a full pipe) and the buffer then
            # returns the count without raising: write the rest, which raises the error.
            rest = memoryview(data)
            while rest:
                written = out.buffer.write(rest)
                if not written:
                    raise FileError(f"cannot write {output}: nothing more is accepted")
                rest = rest[written:]
        count = len(ids)
    else:
        from rolodex.store.people import companies, contact_groups

        # Companies and groups travel as their own cards when the whole address book is.
        everyone = not (tag or company or status or search is not None)
        company_ids = companies.list_ids(db, as_card=True) if everyone else []
        group_ids = contact_groups.list_ids(db) if everyone else []
        count = write_vcards(db, ids, output, version=vcard_version, company_ids=company_ids,
                             group_ids=group_ids) - len(company_ids) - len(group_ids)
        if company_ids:
            message(f"exported {len(company_ids)} company card(s)")
        if group_ids:
            message(f"exported {len(group_ids)} group card(s)")
    message(f"exported {count} contact(s)" + (f" to {output}" if output != "-" else ""))
