"""``rolodex agenda``, ``followups``, ``calendar`` and ``cadence``: what is coming up."""

import calendar as calendar_module
from datetime import timedelta
from typing import Annotated

import typer

from rolodex.cli._context import say, state
from rolodex.cli._help import HelpGroup
from rolodex.cli._options import FormatOption
from rolodex.cli._output import Column, Format, emit
from rolodex.errors import InvalidInput
from rolodex.store import settings

TYPE_MARK = {"event": "◆", "task": "☐", "followup": "☎", "birthday": "✱", "anniversary": "♥"}

AGENDA_COLUMNS = (
    Column("date", "Date", no_wrap=True),
    Column("time", "Time", no_wrap=True),
    Column("type", "", show=lambda i: TYPE_MARK[i["type"]]),
    Column("title", "What", style="bold"),
    Column("contacts", "With", show=lambda i: ", ".join([c["name"] for c in i["contacts"]])),
    Column("note", "", show=lambda i: _note(i), style="red"),
)

FOLLOWUP_COLUMNS = (
    Column("type", "Kind"),
    Column("id", "ID", style="dim"),
    Column("title", "Who / what", style="bold"),
    Column("due", "Due", no_wrap=True),
    Column("days_overdue", "Late", show=lambda i: _late(i["days_overdue"])),
    Column("last_contacted", "Last contact", show=lambda i: (i["last_contacted"] or "")[:10]),
    Column("contacts", "With", show=lambda i: ", ".join([c["name"] for c in i["contacts"]])),
)


def _late(days: int) -> str:
    if days > 0:
        return f"{days} d overdue"
    return "today" if days == 0 else f"in {-days} d"


def _note(item: dict) -> str:
    if item["type"] == "task" and item["overdue"]:
        return "overdue"
    if item["type"] == "followup" and item["days_overdue"]:
        return _late(item["days_overdue"])
    return ""


def agenda(
    days: Annotated[int, typer.Option("--days", "-d", min=0, help="How many days after today.")]
    = 7,
    format: FormatOption = Format.table,
) -> None:
    """Today and the next N days: events, due and overdue tasks, follow-ups, birthdays.

    \b
    Example: rolodex agenda --days 14 --format json
    """
    from rolodex.memory import gc_paused
    from rolodex.reports.agenda import KEYS
    from rolodex.reports.agenda import agenda as build

    today = state.today()
    with gc_paused():  # tens of thousands of items at 100,000 contacts, none in a cycle
        items = build(state.db(), today, today + timedelta(days=days), state.zone(), today)
        emit(items, format, AGENDA_COLUMNS, keys=KEYS, empty="nothing on the agenda")
        del items


def followups(
    due: Annotated[str, typer.Option("--due", help="today (and overdue) or week.")] = "today",
    format: FormatOption = Format.table,
) -> None:
    """People past their stay-in-touch cadence and tasks due, most urgent first.

    \b
    Example: rolodex followups --due today --format json | mail -s "Follow-ups" me@example.org
    """
    from rolodex.reports.followups import KEYS
    from rolodex.reports.followups import followups as build

    if due not in ("today", "week"):
        raise InvalidInput(f"--due is today or week, not '{due}'")
    from rolodex.memory import gc_paused

    today = state.today()
    horizon = today if due == "today" else today + timedelta(days=6)
    with gc_paused():  # tens of thousands of items at 100,000 contacts, none in a cycle
        emit(build(state.db(), horizon, state.zone()), format, FOLLOWUP_COLUMNS, keys=KEYS,
             empty="nothing to follow up")


cadence_app = typer.Typer(help="Stay-in-touch cadences per tag.", no_args_is_help=True,
                  cls=HelpGroup)


@cadence_app.command("set")
def cadence_set(tag: Annotated[str, typer.Argument(help="Tag name.")],
                every: Annotated[str, typer.Argument(metavar="EVERY", help="90d, 2w, 3m...")]
                ) -> None:
    """Keep in touch with everyone tagged TAG at least this often.

    \b
    Example: rolodex cadence set vip 30d
    """
    days = settings.set_value(state.db(), settings.CADENCE_PREFIX + tag.lower(), every)
    say(f"contacts tagged {tag}: every {days} days")


@cadence_app.command("rm")
def cadence_rm(tag: Annotated[str, typer.Argument(help="Tag name.")]) -> None:
    """Stop the cadence of a tag.

    \b
    Example: rolodex cadence rm vip
    """
    settings.set_value(state.db(), settings.CADENCE_PREFIX + tag.lower(), "")
    say(f"no cadence for {tag}")


@cadence_app.command("list")
def cadence_list(format: FormatOption = Format.table) -> None:
    """List the cadence of every tag that has one.

    \b
    Example: rolodex cadence list --format json
    """
    from rolodex.store.activity.cadence import tag_cadences

    rows = [{"tag": t, "days": d} for t, d in sorted(tag_cadences(state.db()).items())]
    emit(rows, format, (Column("tag", "Tag"), Column("days", "Every (days)")),
         empty="no cadences")


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
    """A calendar grid of events and due tasks; overlapping events are marked '!'.

    'rolodex calendar feed -o FILE' writes one .ics of the next 90 days (events, tasks,
    follow-ups, birthdays) for a calendar app to subscribe to.

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


