"""``rolodex followups``: people past their stay-in-touch cadence and tasks due."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from rolodex.cli._context import state
from rolodex.cli._options import ColumnsOption, FormatOption
from rolodex.cli._output import Column, Format, emit
from rolodex.cli._views import when_text
from rolodex.errors import InvalidInput

FOLLOWUP_COLUMNS = (
    Column("type", "Kind"),
    Column("id", "ID", style="dim", no_wrap=True, priority=0),
    Column("title", "Who / what", style="bold", priority=0, min_width=16),
    Column("due", "Due", show=lambda i: when_text(i["due"]), no_wrap=True),
    Column("days_overdue", "Late", show=lambda i: late(i["days_overdue"])),
    Column("last_contacted", "Last contact", show=lambda i: (i["last_contacted"] or "")[:10]),
    Column("contacts", "With", show=lambda i: ", ".join([c["name"] for c in i["contacts"]])),
)


def late(days: int) -> str:
    """How late a due day is: "3 d overdue", "today", "in 2 d"."""
    if days > 0:
        return f"{days} d overdue"
    return "today" if days == 0 else f"in {-days} d"


SHOWN = 50  # rows of the table on a terminal: the most urgent; --all for every one


def followups(
    due: Annotated[str, typer.Option("--due", help="today (and overdue) or week.")] = "today",
    all_: Annotated[bool, typer.Option(
        "--all", help=f"Every one in the table, not only the {SHOWN} most urgent (json, "
        "jsonl, csv and tsv always list every one).")] = False,
    format: FormatOption = Format.table,
    columns: ColumnsOption = None,
) -> None:
    """People past their stay-in-touch cadence and tasks due, most urgent first.

    The table shows the 50 most urgent and says how many more there are (--all shows
    every one); the other formats list every one, for scripts.

    \b
    Example: rolodex followups --due today --format json | mail -s "Follow-ups" me@example.org
    """
    from rolodex.cli._output import message
    from rolodex.reports.followups import KEYS, most_urgent
    from rolodex.reports.followups import followups as build

    if due not in ("today", "week"):
        raise InvalidInput(f"--due is today or week, not '{due}'")
    from rolodex.memory import gc_paused

    today = state.today()
    horizon = today if due == "today" else today + timedelta(days=6)
    if format is Format.table and not all_:
        items, total = most_urgent(state.db(), horizon, state.zone(), SHOWN)
        emit(items, format, FOLLOWUP_COLUMNS, keys=KEYS, empty="nothing to follow up",
             pick=columns)
        if total > len(items):
            message(f"the {len(items)} most urgent of {total}; --all shows every one")
        return
    with gc_paused():  # tens of thousands of items at 100,000 contacts, none in a cycle
        emit(build(state.db(), horizon, state.zone()), format, FOLLOWUP_COLUMNS, keys=KEYS,
             empty="nothing to follow up", pick=columns)
