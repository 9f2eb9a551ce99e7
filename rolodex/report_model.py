"""The shape every report has, so one set of renderers serves them all.

A report is a list of sections; a section is a table of plain rows (the same dicts the
JSON carries), optionally a totals row and a chart. Renderers (Rich on a terminal,
Markdown, HTML, JSON, CSV...) draw the same numbers: they never compute any.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Chart:
    """A picture of one section: ``bar`` (one bar per row) or ``funnel`` (bars centred,
    narrowing). ``label`` and ``value`` are row keys; the value must be a number or a
    decimal string. ``also`` names a second value key drawn as a bar under each row's
    first, on the same scale, both named by their keys (sent vs responded per step)."""

    kind: str
    label: str
    value: str
    also: str | None = None

    @property
    def series(self) -> list[str]:
        """The value keys drawn for each row, in order."""
        return [self.value] if self.also is None else [self.value, self.also]


@dataclass
class Section:
    """One table of a report. ``columns`` are (key, header) pairs: the keys every row has,
    in order; ``totals`` has the same keys (a label in the first, blanks where a total
    means nothing)."""

    name: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] | None = None
    chart: Chart | None = None
    empty: str = "nothing in this period"

    @property
    def keys(self) -> list[str]:
        return [key for key, _ in self.columns]


@dataclass
class Report:
    """A whole report: what it is, the period it covers, its sections, and notes for the
    reader (assumptions, what was left out)."""

    name: str
    title: str
    sections: list[Section]
    start: date | None = None
    end: date | None = None
    notes: list[str] = field(default_factory=list)

    def section(self, name: str) -> Section:
        for section in self.sections:
            if section.name == name:
                return section
        raise KeyError(name)

    def as_json(self, generated: str) -> dict[str, Any]:
        """The JSON document: every section's rows and totals, keyed by section name."""
        return {
            "report": self.name,
            "title": self.title,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "generated": generated,
            "notes": list(self.notes),
            "sections": {
                s.name: {"title": s.title, "columns": s.keys, "rows": s.rows,
                         "totals": s.totals}
                for s in self.sections
            },
        }
