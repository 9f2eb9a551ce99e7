"""A report as one self-contained HTML page: tables and inline SVG charts, nothing fetched.

The page is mailed, archived and printed, often offline and read by people who should not be
tracked, so it loads no scripts, fonts or images: the style and the charts are inline. Every
piece of text goes through ``html.escape`` (names and notes are user data). Cells show the
same exact strings as the JSON; floats only place pixels. Standard library only.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

from rolodex.formats.report_cells import bar_size, cell_text, numeric_keys, period_text
from rolodex.report_model import Chart, Report, Section

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: #1d2329; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; line-height: 1.4; }
h1 { margin-bottom: 0.2rem; }
.meta { color: #57606a; margin: 0.1rem 0; }
section { margin: 2rem 0; }
table { border-collapse: collapse; margin-top: 0.5rem; }
th, td { border: 1px solid #c9d1d9; padding: 0.25rem 0.6rem; text-align: left;
         vertical-align: top; white-space: pre-line; }
thead th { background: #eef1f4; }
tbody tr:nth-child(even) { background: #f6f8fa; }
tfoot td { font-weight: bold; border-top: 2px solid #57606a; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.empty { font-style: italic; color: #57606a; }
svg { display: block; margin: 0.5rem 0; max-width: 100%; height: auto; }
svg text { font-size: 12px; fill: #1d2329; font-family: inherit; }
svg .bar { fill: #4878a8; }
svg .bar.also { fill: #a8c4e0; }
@media print {
  body { color: #000; margin: 0; max-width: none; }
  thead th, tbody tr:nth-child(even) { background: none; }
  .meta, .empty, svg text { color: #000; fill: #000; }
  th, td { border-color: #000; }
  section { page-break-inside: avoid; break-inside: avoid; }
}
"""

# Chart geometry, in pixels: a label column, the bars, room for the value text.
WIDTH = 640
ROW = 22
BAR = 16
VALUE_ROOM = 90
CHAR = 7  # a rough width of one character at 12px, to size the label column
LABEL_CHARS = 32  # longer labels are cut in the chart (the table below has them whole)


def render(report: Report, generated: str) -> str:
    """The whole page; ends with a newline so it can be written or piped as is."""
    period = period_text(report)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(report.title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(report.title)}</h1>",
    ]
    if period:
        parts.append(f'<p class="meta">{escape(period)}</p>')
    parts.append(f'<p class="meta">Generated {escape(generated)}</p>')
    parts += [_section(section) for section in report.sections]
    if report.notes:
        items = "".join(f"<li>{escape(note)}</li>" for note in report.notes)
        parts.append(f'<ul class="notes">{items}</ul>')
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _section(section: Section) -> str:
    parts = [f'<section id="{escape(section.name)}">', f"<h2>{escape(section.title)}</h2>"]
    if not section.rows:
        parts.append(f'<p class="empty">{escape(section.empty)}</p>')
    else:
        if section.chart:
            parts.append(chart_svg(section.title, section.chart, section.rows))
        parts.append(_table(section))
    parts.append("</section>")
    return "\n".join(parts)


def _table(section: Section) -> str:
    numeric = numeric_keys(section)
    head = "".join(f"<th{_num(key, numeric)}>{escape(header)}</th>"
                   for key, header in section.columns)
    parts = ["<table>", f"<thead><tr>{head}</tr></thead>", "<tbody>"]
    parts += [_row(row, section.keys, numeric) for row in section.rows]
    parts.append("</tbody>")
    if section.totals:
        parts.append(f"<tfoot>{_row(section.totals, section.keys, numeric)}</tfoot>")
    parts.append("</table>")
    return "\n".join(parts)


def _row(row: dict[str, Any], keys: list[str], numeric: set[str]) -> str:
    cells = "".join(f"<td{_num(key, numeric)}>{escape(cell_text(row.get(key)))}</td>"
                    for key in keys)
    return f"<tr>{cells}</tr>"


def _num(key: str, numeric: set[str]) -> str:
    return ' class="num"' if key in numeric else ""


def chart_svg(title: str, chart: Chart, rows: list[dict[str, Any]]) -> str:
    """An inline SVG of one section: ``bar`` grows from the label column, ``funnel`` is
    centred on the middle of the bar area. One ``rect`` per row and series, zero wide when
    the value is missing, zero or negative, so every label still shows. A second series
    (``chart.also``) is a lighter bar under the first, both named in the label column."""
    series = chart.series
    lines = []  # (label, value text, size, series index)
    for row in rows:
        label = _short(cell_text(row.get(chart.label)))
        for index, key in enumerate(series):
            # "1 sent", then "responded": the row's label once, each bar named when two
            named = [label] if index == 0 else []
            if len(series) > 1:
                named.append(key)
            lines.append((" ".join(named), cell_text(row.get(key)), bar_size(row.get(key)), index))
    label_room = max((len(line[0]) for line in lines), default=0) * CHAR + 12
    room = WIDTH - label_room - VALUE_ROOM
    largest = max((line[2] for line in lines), default=Decimal(0))
    name = f"{'Funnel' if chart.kind == 'funnel' else 'Bar'} chart: {title}"
    height = ROW * len(lines) + 4
    parts = [f'<svg role="img" aria-label="{escape(name)}" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}">', f"<title>{escape(name)}</title>"]
    for index, (label, value, size, nth) in enumerate(lines):
        width = float(size / largest) * room if largest else 0.0
        left = label_room + ((room - width) / 2 if chart.kind == "funnel" else 0)
        value_x = label_room + room + 6 if chart.kind == "funnel" else left + width + 6
        top = index * ROW + 2
        text_y = top + BAR - 4
        shade = "bar also" if nth else "bar"
        parts += [
            f'<text x="{label_room - 8}" y="{text_y}" text-anchor="end">{escape(label)}</text>',
            f'<rect class="{shade}" x="{left:.2f}" y="{top}" width="{width:.2f}" '
            f'height="{BAR}"/>',
        ]
        if value:
            parts.append(f'<text x="{value_x:.2f}" y="{text_y}">{escape(value)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _short(label: str) -> str:
    """A chart label on one line and at most LABEL_CHARS long: SVG text does not wrap."""
    label = " ".join(label.split())
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"
