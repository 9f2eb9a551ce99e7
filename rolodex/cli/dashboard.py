"""``rolodex dashboard``: one screen of the business, in every report format."""

from __future__ import annotations

from typing import Annotated

import typer

from rolodex.cli._context import state
from rolodex.cli._options import MineOption, owner_filter
from rolodex.cli._report import (
    OutputOption,
    OwnerOption,
    ReportFormat,
    ReportFormatOption,
    SectionOption,
    render_report,
)


def dashboard(
    days: Annotated[int, typer.Option("--days", "-d", min=0, help="Agenda days after today.")]
    = 7,
    owner: OwnerOption = None, mine: MineOption = False,
    format: ReportFormatOption = ReportFormat.table, section: SectionOption = None,
    output: OutputOption = "-",
) -> None:
    """One screen: the agenda, overdue follow-ups, the open pipeline and recent history.

    \b
    Example: rolodex dashboard --days 3
    """
    from rolodex.reports.dashboard import dashboard as build

    report = build(state.db(), state.today(), state.zone(), days=days,
                   owner=owner_filter(owner, mine))
    render_report(report, format, section=section, output=output)
