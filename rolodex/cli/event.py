"""``rolodex event ...``: calendar events, recurring ones with skipped and moved dates."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import typer

from rolodex.cli._context import confirm, expand_refs, say, state
from rolodex.cli._help import HelpGroup
from rolodex.cli._options import (
    ColumnsOption,
    FormatOption,
    ShowFormatOption,
    YesOption,
    one_line_text,
)
from rolodex.cli._output import Column, Format, emit, emit_one
from rolodex.cli._repeat import warn_short_months
from rolodex.cli.completion import complete_contact
from rolodex.errors import InvalidInput
from rolodex.store.activity import events
from rolodex.store.people.contact_refs import resolve_contact

app = typer.Typer(help="Calendar events: add, list, show, edit, rm, skip, move.",
                  no_args_is_help=True,
                  cls=HelpGroup)

IdArg = Annotated[int, typer.Argument(metavar="ID", help="Event id (see 'rolodex event list').")]
RemindOpt = Annotated[list[str] | None, typer.Option(
    "--remind", metavar="BEFORE", help="A reminder this long before the start: 15m, 1h, "
    "2d (repeatable); exported as VALARM.")]
CategoryOpt = Annotated[list[str] | None, typer.Option(
    "--category", help="A category (repeatable).")]


def _minutes(values: list[str] | None) -> list[int]:
    """Reminders as minutes before the start, soonest last, each once."""
    from rolodex.date_input import parse_duration

    minutes = {round(parse_duration(v).total_seconds() / 60) for v in values or ()}
    return sorted(minutes, reverse=True)
DEFAULT_LENGTH = timedelta(hours=1)
LIST_DAYS = 30


def _span(text: str) -> str:
    from rolodex.store.when import decode

    value = decode(text, state.zone())
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else str(value)


EVENT_COLUMNS = (
    Column("id", "ID", style="dim", no_wrap=True, priority=0),
    Column("start", "Start", show=lambda e: _span(e["start"]), no_wrap=True, priority=1),
    Column("end", "End", show=lambda e: _span(e["end"]) if not e["all_day"] else "all day",
           no_wrap=True, priority=3),
    Column("title", "Event", style="bold", priority=0, min_width=28),
    Column("contacts", "With", show=lambda e: ", ".join(c["name"] for c in e["contacts"]),
           priority=4, min_width=16),
    Column("location", "Where", priority=2),
    Column("rrule", "Repeats", show=lambda e: _describe(e["rrule"]), priority=5),
)


def _describe(rule: str | None) -> str:
    if not rule:
        return ""
    from rolodex.recurrence_rules import describe_rule

    return describe_rule(rule)


def _zone(name: str | None):
    from rolodex.dates import get_zone

    return get_zone(name) if name else state.zone()


def _times(at: str, length: str | None, until: str | None, all_day: bool, zone):
    """Start and end of a new event from --at, --for/--until and --all-day."""
    from rolodex.date_input import parse_days, parse_duration, parse_when

    if length and until:
        raise InvalidInput("give --for or --until, not both")
    start = parse_when(at, tz=zone)
    if all_day and isinstance(start, datetime):
        start = start.date()
    if until:
        # Read relative to the start: "--until 17:00" is 17:00 on the event's day.
        anchor = start if isinstance(start, datetime) else \
            datetime.combine(start, datetime.min.time(), zone)
        end = parse_when(until, tz=zone, now=anchor)
        if not isinstance(start, datetime):
            end = (end.date() if isinstance(end, datetime) else end) + timedelta(days=1)
        elif not isinstance(end, datetime):
            raise InvalidInput("--until needs a time for a timed event")
    elif isinstance(start, datetime):
        end = start + (parse_duration(length) if length else DEFAULT_LENGTH)
    else:
        end = start + timedelta(days=parse_days(length) if length else 1)
    return start, end


@app.command("add")
def add(
    title: Annotated[str, typer.Argument(help="What it is.", callback=one_line_text)],
    at: Annotated[str, typer.Option("--at", metavar="WHEN",
                                    help="Start: 'fri 3pm', '2026-12-01 10:00', 'tomorrow'.")],
    for_: Annotated[str | None, typer.Option(
        "--for", metavar="DURATION", help="Length: 45m, 1h30m (all-day: 2d); default 1h.")]
    = None,
    until: Annotated[str | None, typer.Option("--until", metavar="WHEN", help="End.")] = None,
    all_day: Annotated[bool, typer.Option("--all-day", help="A whole-day event.")] = False,
    with_: Annotated[list[str] | None, typer.Option(
        "--with", metavar="REF", help="Contact taking part (repeatable; - reads stdin).",
        autocompletion=complete_contact)] = None,
    where: Annotated[str | None, typer.Option("--where", help="Location.")] = None,
    repeat: Annotated[str | None, typer.Option(
        "--repeat", metavar="RULE", help="'weekly', 'every 2 weeks on friday', "
        "'monthly on the last friday', or an RRULE.")] = None,
    tz: Annotated[str | None, typer.Option("--tz", metavar="ZONE",
                                           help="Time zone of the event (IANA name).")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Notes.")] = None,
    remind: RemindOpt = None, category: CategoryOpt = None,
) -> None:
    """Add an event; a date without a time makes an all-day event. Prints its id.

    \b
    Example: rolodex event add "Team sync" --at "mon 16:15" --for 30m --repeat weekly --with jane
    """
    from rolodex.recurrence_rules import parse_rule

    db = state.db()
    zone = _zone(tz)
    start, end = _times(at, for_, until, all_day, zone)
    people = [resolve_contact(db, r) for r in expand_refs(with_)] if with_ else []
    rule = parse_rule(repeat) if repeat else None
    event_id = events.add_event(
        db, title, start=start, end=end, tz=getattr(zone, "key", None),
        rrule=rule, location=where, notes=note,
        contact_ids=people, alarms=_minutes(remind), categories=category or [])
    print(event_id)
    say(f"added event #{event_id}")
    warn_short_months(rule, start)


@app.command("list")
def list_(
    from_: Annotated[str | None, typer.Option("--from", metavar="WHEN",
                                              help="First day (default: today).")] = None,
    to: Annotated[str | None, typer.Option("--to", metavar="WHEN",
                                           help=f"Last day (default: {LIST_DAYS} days on).")]
    = None,
    with_: Annotated[str | None, typer.Option("--with", metavar="REF",
                                              help="Only events with this contact.",
                                              autocompletion=complete_contact)] = None,
    format: FormatOption = Format.table,
    columns: ColumnsOption = None,
) -> None:
    """List event occurrences in a window; recurring events are expanded.

    \b
    Example: rolodex event list --from "next monday" --to "end of month" --format json
    """
    db = state.db()
    first = state.day(from_) if from_ else state.today()
    last = state.day(to) if to else first + timedelta(days=LIST_DAYS)
    if last < first:
        raise InvalidInput("--to is before --from")
    contact_id = resolve_contact(db, with_) if with_ else None
    rows = events.occurrences(db, first, last, state.zone(), contact_id=contact_id)
    emit(rows, format, EVENT_COLUMNS, keys=events.OCCURRENCE_KEYS, empty="no events", pick=columns)


@app.command("show")
def show(event_id: IdArg, format: ShowFormatOption = Format.table) -> None:
    """Show one event: when, where, who, its repeat rule and changed occurrences.

    \b
    Example: rolodex event show 3 --format json
    """
    from rolodex.cli._views import event_card

    db = state.db()
    events.get_row(db, event_id)
    record = events.fetch(db, [event_id])[0]
    emit_one(record, format, event_card)


@app.command("edit")
def edit(
    event_id: IdArg,
    title: Annotated[str | None, typer.Option("--title", help="New title.",
                                                   callback=one_line_text)] = None,
    at: Annotated[str | None, typer.Option("--at", metavar="WHEN",
                                                help="New start.")] = None,
    for_: Annotated[str | None, typer.Option(
        "--for", metavar="DURATION", help="New length: 30m, 1h30m...")] = None,
    until: Annotated[str | None, typer.Option(
        "--until", metavar="WHEN", help="New end.")] = None,
    all_day: Annotated[bool, typer.Option("--all-day", help="Make it all-day.")] = False,
    where: Annotated[str | None, typer.Option("--where", help="New place.")] = None,
    repeat: Annotated[str | None, typer.Option("--repeat", metavar="RULE",
                                               help="'' stops repeating.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Notes.")] = None,
    with_: Annotated[list[str] | None, typer.Option("--with", metavar="REF",
                                                    help="Add this person.",
                                                    autocompletion=complete_contact)] = None,
    without: Annotated[list[str] | None, typer.Option("--without", metavar="REF",
                                                      help="Remove this person.",
                                                      autocompletion=complete_contact)] = None,
    remind: RemindOpt = None, category: CategoryOpt = None,
    no_reminders: Annotated[bool, typer.Option("--no-reminders",
                                               help="Remove every reminder.")] = False,
) -> None:
    """Change an event ('' clears --where and --note).

    \b
    Example: rolodex event edit 3 --at "2026-12-02 10:00" --for 90m
    """
    from rolodex.recurrence_rules import parse_rule

    db = state.db()
    row = events.get_row(db, event_id)
    values: dict = {}
    if at or for_ or until or all_day:
        from rolodex.store.when import decode, is_floating

        zone = _zone(row["tz"])
        if at:
            values["start"], values["end"] = _times(at, for_, until, all_day, zone)
        else:
            start = decode(row["start"], zone)
            text = start.isoformat() if isinstance(start, datetime) else str(start)
            values["start"], values["end"] = _times(text, for_, until, all_day, zone)
        if is_floating(row["start"]) and isinstance(values["start"], datetime):
            # a floating event stays floating: the wall time typed, in any zone
            values["start"], values["end"] = (v.replace(tzinfo=None) for v in (
                values["start"], values["end"]))
    for key, value in (("title", title), ("location", where), ("notes", note)):
        if value is not None:
            values[key] = value.strip() or None
    if repeat is not None:
        values["rrule"] = parse_rule(repeat) if repeat.strip() else None
        if values["rrule"]:
            from rolodex.store.when import decode

            warn_short_months(values["rrule"], values.get("start") or decode(
                row["start"], _zone(row["tz"])))
    if remind or no_reminders:
        values["alarms"] = _minutes(remind)
    if category is not None:
        values["categories"] = [c for c in category if c.strip()]
    add = [resolve_contact(db, r) for r in with_ or ()]
    remove = [resolve_contact(db, r) for r in without or ()]
    if not (values or add or remove):
        raise InvalidInput("nothing to change", hint="give options such as --at or --title")
    events.update_event(db, event_id, values, add_contacts=add, remove_contacts=remove)
    say(f"updated event #{event_id}")


@app.command("rm")
def rm(event_id: IdArg, yes: YesOption = False) -> None:
    """Delete an event with all its occurrences (asks first on a terminal).

    \b
    Example: rolodex event rm 3 --yes
    """
    db = state.db()
    row = events.get_row(db, event_id)
    confirm(f"Delete event #{event_id} {row['title']}?", yes)
    events.delete_event(db, event_id)
    say(f"deleted event #{event_id}")


@app.command("skip")
def skip(event_id: IdArg, day: Annotated[str, typer.Argument(
        metavar="DATE", help="The day of the occurrence to cancel.")]) -> None:
    """Cancel one occurrence of a recurring event.

    \b
    Example: rolodex event skip 3 2026-12-24
    """
    events.skip(state.db(), event_id, state.day(day), state.zone())
    say(f"skipped event #{event_id} on {state.day(day)}")


@app.command("move")
def move(event_id: IdArg,
         day: Annotated[str, typer.Argument(metavar="DATE", help="The occurrence's day.")],
         when: Annotated[str, typer.Argument(metavar="WHEN", help="Its new start.")]) -> None:
    """Move one occurrence of a recurring event, keeping its length.

    \b
    Example: rolodex event move 3 2026-12-07 "2026-12-08 16:15"
    """
    db = state.db()
    row = events.get_row(db, event_id)
    from rolodex.date_input import parse_when

    zone = _zone(row["tz"])
    # Read relative to the occurrence's day: "10:00" is 10:00 on that day.
    anchor = datetime.combine(state.day(day), datetime.min.time().replace(hour=12), zone)
    new_start = parse_when(when, tz=zone, now=anchor)
    events.move(db, event_id, state.day(day), new_start, state.zone())
    from rolodex.cli._views import when_text

    say(f"moved event #{event_id} from {state.day(day)} to {when_text(new_start)}")
