"""An iCalendar file's lines and components held to ``input_limits`` before icalendar
parses anything: an item (VEVENT, VTODO, VJOURNAL) with a line or a size past its limit
is a failed component (its lines blanked, so the others keep their line numbers), and a line past
its limit outside any (a VTIMEZONE's, the calendar's own) refuses the file. One pass."""

from __future__ import annotations

import re

from rolodex.errors import FileError
from rolodex.formats.incoming import Problem
from rolodex.formats.input_limits import (
    MAX_LINE_CHARS,
    MAX_RECORD_CHARS,
    line_too_long,
    record_too_long,
)

_ITEM_EDGE = re.compile(r"(BEGIN|END):(VEVENT|VTODO|VJOURNAL)[ \t]*\r?$", re.I)


def drop_oversized(source: str, text: str) -> tuple[str, list[Problem]]:
    """``text`` without its oversized components, and a Problem for each."""
    if len(text) <= MAX_LINE_CHARS:  # nothing in it can be past a limit
        return text, []
    lines = text.split("\n")
    problems: list[Problem] = []
    index = 0
    begun: int | None = None  # where the open component starts (0-based)
    size, problem = 0, None
    head, length, at = "", 0, 0  # the logical line being read: its head, size, start
    for number, line in enumerate([*lines, ""]):
        if line[:1] in (" ", "\t") and number < len(lines):
            length += len(line) - 1
            continue
        if length > MAX_LINE_CHARS:  # the logical line just ended
            name = re.split(r"[;:]", head, maxsplit=1)[0]
            found = line_too_long(name, head, length)
            if found and begun is None:
                raise FileError(f"{source}: line {at + 1}: {found}",
                                hint="nothing was imported")
            problem = problem or (found and f"line {at + 1}: {found}")
        head, length, at = line[:200].partition(":")[0], len(line), number
        edge = _ITEM_EDGE.match(line)
        if edge and edge[1].upper() == "BEGIN" and begun is None:
            index, begun, size, problem = index + 1, number, 0, None
        if begun is not None:
            size += len(line) + 1
            if size > MAX_RECORD_CHARS:
                problem = problem or record_too_long("component")
        if begun is not None and ((edge and edge[1].upper() == "END") or number == len(lines)):
            if problem:
                problems.append(Problem(source, index, begun + 1, problem))
                lines[begun:number + 1] = [""] * (min(number + 1, len(lines)) - begun)
            begun = None
    return ("\n".join(lines) if problems else text), problems
