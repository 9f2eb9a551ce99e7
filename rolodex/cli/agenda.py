"""``rolodex agenda`` and ``rolodex calendar``: what is coming up, as a list or a grid."""

from __future__ import annotations

import calendar as calendar_module
from datetime import timedelta
from typing import Annotated

import typer

from rolodex.cli._context import state
from rolodex.cli._options import ColumnsOption, FormatOption
from rolodex.cli._output import Column, Format, emit
from rolodex.cli.followups import SHOWN, late
from rolodex.errors import InvalidInput

TYPE_MARK = {"event": "◆", "task": "☐", "followup": "☎", "birthday": "✱", "anniversary": "♥",
             "campaign": "✉"}

AGENDA_COLUMNS = (
    Column("date", "Date", no_wrap=True, priority=0),
    Column("time", "Time", no_wrap=True, priority=1),
    Column("type", "", show=lambda i: TYPE_MARK[i["type"]], priority=2),
    Column("title", "What", style="bold", priority=0, min_width=16),
    Column("contacts", "With", show=lambda i: ", ".join([c["name"] for c in i["contacts"]])),
    Column("note", "", show=lambda i: _note(i), style="red", priority=1),
)

def _note(item: dict) -> str:
    if item["type"] == "task" and item["overdue"]:
        return "overdue"
    if item["type"] == "followup" and item["days_overdue"]:
        return late(item["days_overdue"])
    if item["type"] == "campaign" and item["paused"]:
        return "paused"
    return ""


def agenda(
    days: Annotated[int, typer.Option("--days", "-d", min=0, help="How many days after today.")]
    = 7,
    all_: Annotated[bool, typer.Option(
        "--all", help=f"Every late task and person in the table, not only the {SHOWN} most "
        "urgent (json, jsonl, csv and tsv always list every one).")] = False,
    format: FormatOption = Format.table,
    columns: ColumnsOption = None,
) -> None:
    """Today and the next N days: events, tasks, follow-ups, birthdays, campaign steps.

    Late tasks and people past their cadence are shown on today; the table shows the 50
    most urgent of them and says how many more there are ('rolodex followups --all'
    lists them); the other formats list every one.

    \b
    Example: rolodex agenda --days 14 --format json
    """
    from rolodex.memory import gc_paused
    from rolodex.reports.agenda import KEYS, agenda_for_people
    from rolodex.reports.agenda import agenda as build

    today = state.today()
    if format is Format.table and not all_:
        from rolodex.cli._output import message

        items, hidden = agenda_for_people(state.db(), today, today + timedelta(days=days),
                                          state.zone(), today, SHOWN)
        emit(items, format, AGENDA_COLUMNS, keys=KEYS, empty="nothing on the agenda",
             pick=columns)
        if hidden:
            message(f"and {hidden} more late tasks and people: --all shows them, "
                    "'rolodex followups --all' lists them by urgency")
        return
    with gc_paused():  # tens of thousands of items at 100,000 contacts, none in a cycle
        items = build(state.db(), today, today + timedelta(days=days), state.zone(), today)
        emit(items, format, AGENDA_COLUMNS, keys=KEYS, empty="nothing on the agenda", pick=columns)
        del items


def calendar(
    when: Annotated[str | None, typer.Argument(metavar="[DATE]",
                                               help="A day in the period (default: today).")]
    = None,
    day: Annotated[bool, typer.Option("--day", help="One day.")] = False,
    week: Annotated[bool, typer.Option("--week", help="One week (Monday to Sunday).")] = False,
    month: Annotated[bool, typer.Option("--month", help="One month (the default).")] = False,
    format: FormatOption = Format.table,
    output: Annotated[str, typer.Option(
        "--output", "-o", metavar="FILE|-", help="With 'feed': where to write the .ics.")]
    = "-",
) -> None:
    """A calendar grid of events, due tasks and campaign steps; overlaps are marked '!'.

    'rolodex calendar feed -o FILE' writes one .ics of the next 90 days (events, tasks,
    follow-ups, birthdays, campaign steps) for a calendar app to subscribe to.

    \b
    Example: rolodex calendar --week "next monday"
    """
    from rolodex.reports.agenda import agenda as build

    if when == "feed":
        from rolodex.cli._calendar_io import feed

        return feed(output)
    if day + week + month > 1:
        raise InvalidInput("choose one of --day, --week, --month")
    anchor = state.today()
    if when:
        anchor = state.day(when)
    if day:
        first = last = anchor
    elif week:
        first = anchor - timedelta(days=anchor.weekday())
        last = first + timedelta(days=6)
    else:
        first = anchor.replace(day=1)
        last = anchor.replace(day=calendar_module.monthrange(anchor.year, anchor.month)[1])
    items = [i for i in build(state.db(), first, last, state.zone(), state.today())
             if i["type"] != "followup"]
    mark_overlaps(items)
    if format is not Format.table:
        emit(items, format)
        return
    from rolodex.cli._calendar_grid import draw

    draw(items, first, last, state.today(), by_week=not day)


def mark_overlaps(items: list[dict]) -> None:
    """Set ``overlaps`` on timed events that share time with another on the same day."""
    timed = sorted((i for i in items if i["type"] == "event" and i["time"] is not None),
                   key=lambda i: (i["start"], i["end"]))
    for item in items:
        item["overlaps"] = False
    # One sweep, not every pair (a SECONDLY series fills a month with 10,000 events): in
    # a run of events each starting before the latest end so far, every one shares time
    # with another, and an event after the run shares none with it.
    run: list[dict] = []
    latest = ""
    for item in timed:
        if run and item["start"] >= latest:
            run = []
        run.append(item)
        latest = max(latest, item["end"]) if len(run) > 1 else item["end"]
        if len(run) > 1:
            run[0]["overlaps"] = item["overlaps"] = True
