"""``rolodex reminders``: the reminders due in a window, for cron and notify-send."""

from __future__ import annotations

from typing import Annotated

import typer

from rolodex.cli._context import state
from rolodex.cli._options import ColumnsOption, FormatOption
from rolodex.cli._output import Column, Format, emit
from rolodex.cli._views import when_text
from rolodex.errors import InvalidInput

COLUMNS = (
    Column("at", "At", show=lambda r: when_text(r["at"]), no_wrap=True),
    Column("type", "Kind", style="cyan"),
    Column("id", "ID", style="dim", no_wrap=True, priority=0),
    Column("title", "What", style="bold", priority=0, min_width=16),
    Column("start", "Starts", show=lambda r: when_text(r["start"]), no_wrap=True),
    Column("location", "Where"),
    Column("contacts", "With", show=lambda r: ", ".join(c["name"] for c in r["contacts"])),
)


def reminders(
    within: Annotated[str, typer.Option(
        "--within", metavar="DURATION", help="The window from now (or --from): 15m, 1h, "
        "2d.")] = "15m",
    from_: Annotated[str | None, typer.Option(
        "--from", metavar="WHEN", help="Start of the window (default: now).")] = None,
    to: Annotated[str | None, typer.Option(
        "--to", metavar="WHEN", help="End of the window, instead of --within.")] = None,
    format: FormatOption = Format.table,
    columns: ColumnsOption = None,
) -> None:
    """Reminders due in a window: event alarms and tasks due at a time, soonest first.

    Each alarm an event has (its reminders, minutes before it starts) and each open
    task due at a time of day, whose moment falls from now (or --from) to --within
    later (or --to), the end excluded: a cron job asking every 5 minutes for the next 5
    sees each reminder once. JSON/TSV rows: at, minutes_before, type (event or task),
    id, title, start, location, contacts.

    \b
    Example: rolodex reminders --within 5m --format jsonl | jq -r .title | xargs -r -L1 notify-send
    """
    from rolodex.date_input import parse_duration
    from rolodex.dates import as_instant, now
    from rolodex.reports.reminders import KEYS
    from rolodex.reports.reminders import reminders as due

    zone = state.zone()
    start = as_instant(state.when(from_), zone) if from_ else now()
    end = as_instant(state.when(to), zone) if to else start + parse_duration(within)
    if end <= start:
        raise InvalidInput("the window ends before it starts")
    emit(due(state.db(), start, end, zone), format, COLUMNS, keys=KEYS,
         empty="no reminders due", pick=columns)
