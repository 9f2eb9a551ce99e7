"""Rendering a report (``rolodex.report_model.Report``) in every format users ask for.

json carries the whole report; jsonl, csv and tsv carry the rows of one section (a
spreadsheet reads one table, and a totals row would be summed twice), the first unless
``--section`` names another; table, md and html show every section with its totals and
chart. ``--section`` narrows every format to the one section.
"""

import json
import sys
from contextlib import redirect_stdout
from dataclasses import replace
from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

from rolodex.cli._output import Format, emit, message, opened_output
from rolodex.errors import InvalidInput
from rolodex.report_model import Report, Section


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    md = "md"
    html = "html"


ReportFormatOption = Annotated[ReportFormat, typer.Option(
    "--format", "-f", help="table on a terminal; json (whole report); jsonl, csv, tsv (one "
    "section's rows); md; html (one self-contained page).", case_sensitive=False)]
SectionOption = Annotated[str | None, typer.Option(
    "--section", metavar="NAME", help="Only this section (jsonl, csv and tsv always give one "
    "section's rows: the first unless named).")]
OwnerOption = Annotated[str | None, typer.Option(
    "--owner", metavar="USER", help="Only the contacts, deals and tasks this team member "
    "is in charge of.")]
OutputOption = Annotated[str, typer.Option(
    "--output", "-o", metavar="FILE|-", help="Write to FILE (readable by you only).")]


FromOption = Annotated[str | None, typer.Option(
    "--from", metavar="WHEN", help="First day of the period: 2026-07-01, 'last monday'...")]
ToOption = Annotated[str | None, typer.Option(
    "--to", metavar="WHEN", help="Last day of the period (included).")]


def period(start: str | None, end: str | None, default: tuple[date, date]) -> tuple[date, date]:
    """The local days a report covers: what the user typed, else ``default``.

    A bound given alone keeps the other default bound when the period still makes sense,
    else the period keeps the default's length: ``--to 2026-03-31`` alone on a report that
    covers 30 days by default means the 30 days up to 31 March.
    """
    from rolodex.cli._context import state

    first = state.day(start) if start else None
    last = state.day(end) if end else None
    length = default[1] - default[0]
    if first is not None and last is None:
        last = default[1] if first <= default[1] else first + length
    if last is not None and first is None:
        first = default[0] if default[0] <= last else last - length
    first = first if first is not None else default[0]
    last = last if last is not None else default[1]
    if first > last:
        raise InvalidInput(f"--from {first} is after --to {last}")
    return first, last


def generated_at() -> str:
    from rolodex.dates import now, to_utc_iso

    return to_utc_iso(now())


def pick_section(report: Report, name: str | None) -> Section:
    if name is None:
        return report.sections[0]
    try:
        return report.section(name)
    except KeyError:
        names = ", ".join(s.name for s in report.sections)
        raise InvalidInput(f"report {report.name} has no section '{name}'",
                           hint=f"its sections: {names}") from None


def render_report(report: Report, fmt: ReportFormat, *, section: str | None = None,
                  output: str = "-") -> None:
    """Write ``report`` to ``output`` (``-`` is stdout) in ``fmt``."""
    if section is not None:
        report = replace(report, sections=[pick_section(report, section)])
    if fmt in (ReportFormat.md, ReportFormat.html, ReportFormat.table):
        from rolodex.cli._context import state
        from rolodex.formats.report_cells import with_local_times

        report = with_local_times(report, state.zone())
    with opened_output(output) as out, redirect_stdout(out):
        if fmt is ReportFormat.json:
            json.dump(report.as_json(generated_at()), sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        elif fmt in (ReportFormat.jsonl, ReportFormat.csv, ReportFormat.tsv):
            chosen = pick_section(report, section)
            emit(chosen.rows, Format(fmt.value), keys=chosen.keys)
        elif fmt is ReportFormat.md:
            from rolodex.formats.report_md import render

            sys.stdout.write(render(report, generated_at()))
        elif fmt is ReportFormat.html:
            from rolodex.formats.report_html import render

            sys.stdout.write(render(report, generated_at()))
        else:
            from rolodex.cli._report_table import draw

            draw(report)
    if output != "-":
        message(f"wrote report {report.name} to {output}")
