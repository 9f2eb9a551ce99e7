"""A report as a Markdown document: one pipe table per section, readable raw or rendered.

Markdown is what people paste into notes, tickets and mails, so the raw text must read well
too: cells carry the same exact strings as the JSON (amounts stay "12500.00"), and only what
would break the table or inject markup is escaped.

The cell helpers at the top are shared by the HTML and terminal renderers, so every format
shows a cell, a number and a bar length the same way. Standard library only.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from rolodex.reports.model import Report, Section

# An amount ("12500.00", "-3") or a percent ("33.3"): what the reports put in number cells.
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def cell_text(value: Any) -> str:
    """The text of one cell in every human format, so md, html and the terminal agree."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_item_text(item) for item in value)
    if isinstance(value, dict):
        return _item_text(value)
    return str(value)


def _item_text(item: Any) -> str:
    if isinstance(item, dict):
        if "name" in item:
            return cell_text(item["name"])
        return json.dumps(item, ensure_ascii=False, sort_keys=True)
    return cell_text(item)


def is_number(value: Any) -> bool:
    """Whether a cell holds a number; amounts arrive as decimal strings, counts as ints."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | Decimal):
        return True
    return isinstance(value, str) and _NUMBER.fullmatch(value.strip()) is not None


def numeric_keys(section: Section) -> set[str]:
    """The columns to right-align: every non-empty cell is a number (and there is one)."""
    keys = set()
    for key in section.keys:
        cells = [row.get(key) for row in section.rows if cell_text(row.get(key)) != ""]
        if cells and all(is_number(cell) for cell in cells):
            keys.add(key)
    return keys


def bar_size(value: Any) -> Decimal:
    """How long a chart bar is: the value, or zero when it is missing, not a number or
    negative (a bar cannot be shorter than nothing, and the label still shows)."""
    if not is_number(value):
        return Decimal(0)
    size = Decimal(str(value).strip())
    return size if size.is_finite() and size > 0 else Decimal(0)


def period_text(report: Report) -> str | None:
    """The period line, from whichever bounds the report has."""
    if report.start and report.end:
        return f"From {report.start.isoformat()} to {report.end.isoformat()}"
    if report.start:
        return f"From {report.start.isoformat()}"
    if report.end:
        return f"Until {report.end.isoformat()}"
    return None


def render(report: Report, generated: str) -> str:
    """The whole document; ends with a newline so it can be written or piped as is."""
    stamp = f"Generated {generated}"
    period = period_text(report)
    blocks = [f"# {_inline(report.title)}", f"{period} · {stamp}" if period else stamp]
    blocks += [_section(section) for section in report.sections]
    if report.notes:
        blocks.append("\n".join(f"- {_inline(note)}" for note in report.notes))
    return "\n\n".join(blocks) + "\n"


def _section(section: Section) -> str:
    heading = f"## {_inline(section.title)}"
    if not section.rows:
        return f"{heading}\n\n*{_inline(section.empty)}*"
    numeric = numeric_keys(section)
    lines = [
        _line(_inline(header) for _, header in section.columns),
        _line("---:" if key in numeric else "---" for key in section.keys),
    ]
    lines += [_line(_inline(cell_text(row.get(key))) for key in section.keys)
              for row in section.rows]
    if section.totals:
        lines.append(_line(_bold(_inline(cell_text(section.totals.get(key))))
                           for key in section.keys))
    return heading + "\n\n" + "\n".join(lines)


def _line(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def _bold(text: str) -> str:
    return f"**{text}**" if text else ""


def _inline(text: str) -> str:
    """Text safe inside a table cell: a backslash escape for what would split the cell
    (``|``) or start raw HTML (``<``), and ``<br>`` for line breaks a row cannot hold."""
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "\\<")
    return re.sub(r"\r\n|\r|\n", "<br>", text)
