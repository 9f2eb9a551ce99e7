"""``rolodex report pipeline``, ``report sources`` and ``rolodex dashboard``: the numbers
of the business, rendered by ``rolodex.cli._report`` in every report format."""

from __future__ import annotations

from typing import Annotated

import typer

from rolodex.cli._context import state
from rolodex.cli._options import MineOption, owner_filter, parse_currency_option
from rolodex.cli._report import (
    FromOption,
    OutputOption,
    OwnerOption,
    ReportFormat,
    ReportFormatOption,
    SectionOption,
    ToOption,
    period,
    render_report,
)

CurrencyOption = Annotated[str | None, typer.Option(
    "--currency", metavar="CODE", help="Sum amounts in this currency (default: the only one "
    "in use, else config pipeline.currency).")]


def _period(start: str | None, end: str | None):
    from rolodex.reports.pipeline import Period, quarter

    return Period.of(*period(start, end, quarter(state.today())), state.zone())


def pipeline(
    start: FromOption = None, end: ToOption = None, currency: CurrencyOption = None,
    owner: OwnerOption = None, mine: MineOption = False,
    format: ReportFormatOption = ReportFormat.table, section: SectionOption = None,
    output: OutputOption = "-",
) -> None:
    """Deals by stage, the funnel, a weighted forecast by month, win rate and days to close.

    Sections: stages (open deals per stage; won and lost in the period), funnel (deals
    created in the period and how far they got), forecast (open deals by expected close
    month, amount x probability), results (won, lost, win rate, average days to close).
    The period defaults to this calendar quarter.

    \b
    Example: rolodex report pipeline --from 2026-07-01 --to 2026-09-30 --format csv > q3.csv
    """
    from rolodex.reports.pipeline import pipeline as build

    report = build(state.db(), _period(start, end),
                   currency=parse_currency_option(currency), owner=owner_filter(owner, mine))
    render_report(report, format, section=section, output=output)


def sources(
    start: FromOption = None, end: ToOption = None, currency: CurrencyOption = None,
    owner: OwnerOption = None, mine: MineOption = False,
    format: ReportFormatOption = ReportFormat.table, section: SectionOption = None,
    output: OutputOption = "-",
) -> None:
    """Leads per source, and how many became customers or won deals.

    Leads are contacts added in the period (default: this calendar quarter) by their
    source; customers are those of them whose status is customer; deals are those created
    in the period by source (a deal takes its first contact's source unless given one).

    \b
    Example: rolodex report sources --from "2026-01-01" --format md
    """
    from rolodex.reports.pipeline import sources as build

    report = build(state.db(), _period(start, end),
                   currency=parse_currency_option(currency), owner=owner_filter(owner, mine))
    render_report(report, format, section=section, output=output)


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
