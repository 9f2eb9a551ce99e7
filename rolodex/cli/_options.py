"""Options shared by several commands, and parsing of their values into model objects."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from rolodex.cli._output import Format, one_line
from rolodex.cli.completion import complete_company, complete_contact
from rolodex.errors import InvalidInput

FormatOption = Annotated[Format, typer.Option(
    "--format", "-f", help="Output format: table on a terminal, or json, jsonl, csv, tsv, ids.",
    case_sensitive=False)]
ShowFormatOption = Annotated[Format, typer.Option(
    "--format", "-f", help="Output format: a card on a terminal, or json, jsonl, csv, tsv.",
    case_sensitive=False)]
RowsFormatOption = Annotated[Format, typer.Option(  # rows that have no ids of their own
    "--format", "-f", help="Output format: table on a terminal, or json, jsonl, csv, tsv.",
    case_sensitive=False)]
ColumnsOption = Annotated[str | None, typer.Option(
    "--columns", metavar="NAME,...",
    help="Columns to show, in this order (name,email,tags); csv and tsv take any record key.")]
PreferOption = Annotated[str, typer.Option(
    "--prefer", metavar="A|B", help="Whose value wins where both have a different one.")]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Show the plan; write nothing.")]
LimitOption = Annotated[int | None, typer.Option("--limit", "-n", min=0,
                                                 help="Show at most this many.")]
MineOption = Annotated[bool, typer.Option(
    "--mine", help="Only yours: owner is $ROLODEX_USER, else your login name.")]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
TagOption = Annotated[list[str] | None, typer.Option("--tag", "-t", help="Tag (repeatable).")]
FieldOption = Annotated[list[str] | None, typer.Option(
    "--field", metavar="KEY=VALUE", help="Custom field (repeatable); KEY= removes it.")]



def typed_tags(tags: list[str] | None) -> list[str]:
    """Tags given as options or arguments, checked as typed tags (see check_typed_tag)."""
    from rolodex.models import check_typed_tag

    return [check_typed_tag(t) for t in tags or []]


RefArg = Annotated[str, typer.Argument(
    metavar="REF", help="Id, UID, email, or a unique (prefix of a) name; - reads stdin.",
    autocompletion=complete_contact)]
RefsArg = Annotated[list[str], typer.Argument(
    metavar="REF...", help="Ids, UIDs, emails or unique names; - reads them from stdin.",
    autocompletion=complete_contact)]
EmailOpt = Annotated[list[str] | None, typer.Option(
    "--email", "-e", help="Email, optionally 'jane@acme.example (work, preferred)'.")]
PhoneOpt = Annotated[list[str] | None, typer.Option(
    "--phone", "-p", help="Phone, optionally '+1 555 0100 (mobile)'.")]
AddressOpt = Annotated[list[str] | None, typer.Option(
    "--address", help="Postal address: 'street; city; region; postcode; country (home)'.")]
UrlOpt = Annotated[list[str] | None, typer.Option("--url", help="Web address (repeatable).")]
# Control characters, newline and tab included, and the stand-ins Python uses for bytes
# that are not UTF-8 (which SQLite cannot store).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def one_line_text(param: typer.CallbackParam, value: str | None) -> str | None:
    """A name or title typed on the command line: one line without control characters.
    A newline or an escape sequence in a name is a slip (or a script passing on what a
    stranger wrote) and would break every table, card and file it is shown in."""
    if value is not None and _CONTROL.search(value):
        what = (param.name or "value").replace("_", " ")
        raise InvalidInput(f"the {what} '{one_line(value)}' has a control character "
                           "(a newline, tab or escape) or is not UTF-8; names and titles are "
                           "one line of text")
    return value

CompanyOpt = Annotated[str | None, typer.Option(
    "--company", "-c", help="Company id or name; created if no company fits.",
    autocompletion=complete_company, callback=one_line_text)]
BirthdayOpt = Annotated[str | None, typer.Option(
    "--birthday", "-b", help="1985-04-15, --04-15 (no year), 'April 15' or '15 Apr 1985'.")]
AnniversaryOpt = Annotated[str | None, typer.Option(
    "--anniversary", help="Same forms as --birthday.")]
EveryOpt = Annotated[str | None, typer.Option(
    "--every", metavar="CADENCE", help="Stay-in-touch cadence: 30d, 2w, 3m; '' clears.")]


def parse_fields(items: list[str] | None) -> dict[str, str | None]:
    """``KEY=VALUE`` pairs; an empty value means remove."""
    out: dict[str, str | None] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(f"custom fields are KEY=VALUE, not '{item}'")
        out[key.strip()] = value.strip() or None
    return out


def parse_partial(text: str | None, what: str = "birthday"):
    """A birthday or anniversary; an empty string clears it (returns None). One with a
    year after today is refused: it has not happened (a typo for the year, or a date to
    put on a task)."""
    from rolodex.cli._context import state
    from rolodex.date_input import parse_partial_date
    from rolodex.errors import BadDate

    if text is None or not text.strip():
        return None
    found = parse_partial_date(text)
    if found.year is not None and found.occurrence_in(found.year) > state.today():
        raise BadDate(f"{what} {found.occurrence_in(found.year)} is in the future",
                      hint=f"give the {what} without its year: --{found.month:02}-"
                           f"{found.day:02}")
    return found


def parse_details(email: list[str] | None, phone: list[str] | None,
                  address: list[str] | None, url: list[str] | None) -> list:
    """Emails, phones, addresses and URLs as typed, validated into model objects."""
    from rolodex.models import parse_address, parse_email, parse_phone, parse_url

    return ([parse_email(e) for e in email or ()] + [parse_phone(p) for p in phone or ()]
            + [parse_address(a) for a in address or ()] + [parse_url(u) for u in url or ()])


def parse_cadence(text: str | None) -> int | None:
    """A stay-in-touch cadence in days; empty clears it."""
    from rolodex.date_input import parse_days

    return parse_days(text) if text and text.strip() else None


def parse_currency_option(text: str | None) -> str | None:
    """A ``--currency`` as typed (ISO 4217, any case); None when not given."""
    from rolodex.money import parse_currency

    return parse_currency(text) if text else None


def owner_filter(owner: str | None, mine: bool) -> str | None:
    """The owner a listing is narrowed to: ``--mine`` means the current user."""
    if mine and owner:
        raise InvalidInput("choose one of --owner and --mine")
    if mine:
        from rolodex.store.db import current_user

        return current_user()
    return owner
