"""``rolodex demo``: a sample database and a Rich overview of it, away from the user's data."""

from __future__ import annotations

import shlex
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from rolodex.cli._context import say, state
from rolodex.errors import InvalidInput


def demo(
    db: Annotated[str | None, typer.Option(
        "--db", metavar="PATH",
        help="Where to write the sample database (default: a new temporary folder).")] = None,
) -> None:
    """Create a sample CRM with invented people and show its dashboard.

    Contacts and companies, months of history, tasks overdue, due today and
    repeating, events this week, deals in every stage, a birthday coming up and a
    person past their stay-in-touch cadence, all dated from today. Your own database
    is never touched: the sample goes to a new temporary folder unless you name a new
    file with --db. It ends with three commands to try on it.

    \b
    Example: rolodex demo --db /tmp/demo.db && rolodex --db /tmp/demo.db agenda
    """
    from rolodex.store.sample import populate

    if db is None:
        path = Path(tempfile.mkdtemp(prefix="rolodex-demo-")) / "demo.db"
    else:
        if not db.strip():
            raise InvalidInput("--db needs a path", hint="leave --db out for a temporary one")
        path = Path(db).expanduser()
        if path.exists() and path.stat().st_size > 0:
            raise InvalidInput(f"{path} already exists; the demo only writes a new file")
    # From here the command's database is the sample's: its day, zone and dashboard are
    # read there, and the user's database is never opened.
    state.close()
    state.db_option = str(path)
    database = state.db()
    populate(database, state.today(), state.zone())
    _overview(database)
    quoted = shlex.quote(str(path))
    say(f"sample database: {path}\ntry:\n"
        f"  rolodex --db {quoted} contact show jane\n"
        f"  rolodex --db {quoted} agenda\n"
        f"  rolodex --db {quoted} report pipeline")


def _overview(db) -> None:
    """A line of counts, then the dashboard: what the day looks like in this CRM."""
    from rich.text import Text

    from rolodex.cli._output import console
    from rolodex.cli._report import ReportFormat, render_report
    from rolodex.reports.dashboard import dashboard
    from rolodex.store.lookups import count

    counts = ", ".join(f"{count(db, table)} {noun}" for table, noun in (
        ("contacts", "contacts"), ("companies", "companies"), ("interactions", "history entries"),
        ("tasks", "tasks"), ("events", "events"), ("deals", "deals")))
    console().print(Text(f"rolodex demo: {counts}", style="bold"))
    render_report(dashboard(db, state.today(), state.zone()), ReportFormat.table)
