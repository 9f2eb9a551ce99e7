"""A report on the terminal: Rich tables with a bold totals footer, and text bar charts.

The charts are block characters, not graphics, so they survive a pipe, a pager, ssh and a
copy into a mail. Colour and styles come only from ``console()``, which drops them with
NO_COLOR or off a terminal. Cells are ``Text``, never markup: user data may hold ``[``;
every text is ``visible``: an escape sequence in a deal title is shown, not run.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rolodex.cli._output import console, visible
from rolodex.formats.report_cells import bar_size, cell_text, numeric_keys, period_text
from rolodex.report_model import Chart, Report, Section

BAR_CELLS = 40  # the longest bar, in terminal cells
EIGHTHS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")  # partial blocks, 1/8 to 7/8 of a cell
FULL = "█"


def _shown(value: Any) -> str:
    """A cell as every human format writes it, control characters escaped."""
    return visible(cell_text(value))


def draw(report: Report) -> None:
    """Print the whole report to stdout: title, period, each section, then the notes.

    Off a terminal the same text is written without Rich (see ``_plain``)."""
    import sys

    from rolodex.cli import _plain

    if _plain.available():
        text = _plain_report(report)
        if text is not None:
            sys.stdout.write(text)
            return
    from rich.text import Text

    out = console()
    out.print(Text(visible(report.title), style="bold"))
    period = period_text(report)
    if period:
        out.print(Text(visible(period)))
    for section in report.sections:
        out.print()
        _draw_section(out, section)
    if report.notes:
        out.print()
        for note in report.notes:
            out.print(Text(visible(f"- {note}"), style="dim"))


def _draw_section(out, section: Section) -> None:
    from rich.text import Text

    out.print(Text(visible(section.title), style="bold"))
    if not section.rows:
        out.print(Text(visible(section.empty), style="dim"))
        return
    out.print(_table(section))
    if section.chart:
        for line in chart_lines(section.chart, section.rows):
            out.print(Text(line))


def _plain_report(report: Report) -> str | None:
    """What ``draw`` prints off a terminal, or None where only Rich can tell."""
    from rolodex.cli import _plain

    period = period_text(report)
    out = [visible(report.title), *([visible(period)] if period else [])]
    texts = list(out)  # what Rich prints as Text, checked for characters it would change
    for section in report.sections:
        title = visible(section.title)
        out += ["", title]
        texts.append(title)
        if not section.rows:
            empty = visible(section.empty)
            out.append(empty)
            texts.append(empty)
            continue
        table = _plain_table(section)
        if table is None:
            return None
        out.append(table[:-1])
        if section.chart:
            chart = chart_lines(section.chart, section.rows)
            out += chart
            texts += chart
    if report.notes:
        notes = [visible(f"- {note}") for note in report.notes]
        out += ["", *notes]
        texts += notes
    if not _plain.plain_text(texts):
        return None
    return "\n".join(out) + "\n"


def _plain_table(section: Section) -> str | None:
    """``_table`` as text, or None."""
    from rolodex.cli import _plain

    totals = section.totals
    numeric = numeric_keys(section)
    return _plain.table([header for _, header in section.columns],
                        [[_shown(row.get(key)) for row in section.rows]
                         for key in section.keys],
                        right=[key in numeric for key in section.keys],
                        footer=[_shown(totals.get(key)) for key in section.keys]
                        if totals else None)


def _table(section: Section):
    """A Rich table like ``_output.table``; the totals are its footer, so they sit under
    the rows and keep the column alignment."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    totals = section.totals or {}
    numeric = numeric_keys(section)
    grid = Table(box=box.SIMPLE_HEAD, header_style="bold", footer_style="bold",
                 pad_edge=False, show_footer=bool(section.totals))
    for key, header in section.columns:
        grid.add_column(header, footer=Text(_shown(totals.get(key))), overflow="fold",
                        justify="right" if key in numeric else "left")
    for row in section.rows:
        grid.add_row(*[Text(_shown(row.get(key))) for key in section.keys])
    return grid


def chart_lines(chart: Chart, rows: list[dict[str, Any]]) -> list[str]:
    """One line per row: the label padded to the longest, the bar, the exact value text.
    ``bar`` grows left to right in eighths of a cell; ``funnel`` is centred in a fixed
    band so the values line up after it. With a second series (``chart.also``) each row
    has one line per series, named by its key, every bar on one scale; the names, not
    colours, tell the bars apart, so the chart reads the same with NO_COLOR."""
    from rich.cells import cell_len

    labels = [" ".join(_shown(row.get(chart.label)).split()) for row in rows]
    series = chart.series
    names = series if len(series) > 1 else [""]
    sizes = [[bar_size(row.get(key)) for key in series] for row in rows]
    largest = max((size for row in sizes for size in row), default=Decimal(0))
    label_width = max((cell_len(label) for label in labels), default=0)
    name_width = max(cell_len(name) for name in names)
    lines = []
    for label, row_sizes, row in zip(labels, sizes, rows, strict=True):
        for index, (key, name, size) in enumerate(zip(series, names, row_sizes, strict=True)):
            share = size / largest if largest else Decimal(0)
            bar = _funnel(share) if chart.kind == "funnel" else _bar(share)
            head = label if index == 0 else ""
            head += " " * (label_width - cell_len(head))
            if name:
                head += "  " + name + " " * (name_width - cell_len(name))
            lines.append(f"{head}  {bar} {_shown(row.get(key))}".rstrip())
    return lines


def _bar(share: Decimal) -> str:
    eighths = int((share * BAR_CELLS * 8).to_integral_value())
    return FULL * (eighths // 8) + EIGHTHS[eighths % 8]


def _funnel(share: Decimal) -> str:
    cells = int((share * BAR_CELLS).to_integral_value())
    left = (BAR_CELLS - cells) // 2
    return " " * left + FULL * cells + " " * (BAR_CELLS - cells - left)
