"""How one cell, number, bar length and period read in every human report format.

Markdown, HTML and the terminal table share these, so a value never shows one way in a
page and another in the terminal. Standard library only.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from rolodex.report_model import Report, Section

# An amount ("12500.00", "-3") or a percent ("33.3"): what the reports put in number cells.
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


# A stored instant: what the JSON carries (UTC), and what a person reads in their zone.
_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z")


def with_local_times(report: Report, tz: tzinfo) -> Report:
    """The report with every UTC instant in its rows and totals written as the local
    date and minute in ``tz`` ('2026-12-09T08:00:00Z' is '2026-12-09 09:00' in Berlin):
    what the human formats show. JSON, CSV and TSV keep the instants as stored."""
    def local(row: dict[str, Any] | None) -> dict[str, Any] | None:
        if row is None:
            return None
        return {key: _local(value, tz) for key, value in row.items()}

    sections = [replace(s, rows=[local(r) for r in s.rows], totals=local(s.totals))
                for s in report.sections]
    return replace(report, sections=sections)


def _local(value: Any, tz: tzinfo) -> Any:
    if not isinstance(value, str) or not _INSTANT.fullmatch(value):
        return value
    instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return instant.astimezone(tz).strftime("%Y-%m-%d %H:%M")


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
