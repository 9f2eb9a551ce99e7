"""A report as a Markdown document: one pipe table per section, readable raw or rendered.

Markdown is what people paste into notes, tickets and mails, so the raw text must read well
too: cells carry the same exact strings as the JSON (amounts stay "12500.00"), and only what
would break the table or inject markup is escaped.

Cells read as in the other formats (``rolodex.formats.report_cells``). Standard library
only.
"""

from __future__ import annotations

import re

from rolodex.formats.report_cells import cell_text, numeric_keys, period_text
from rolodex.report_model import Report, Section


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
