"""Table columns and the rule that fits them to the terminal's width.

A table at 60, 80 or 120 columns shows what matters most in that room: a column of the
listing's identity (its id and name, ``priority`` 0) is never dropped, long text is cut
with an ellipsis before any column goes, a column goes least important first, words under
ten characters are never broken, and a column empty in every row is not shown at all.
The cells are cut here, as text, so Rich and ``_plain`` only draw lines that already fit:
nothing wraps a name three letters a line. ``--columns`` chooses the columns (and their
order) instead (``_output.chosen_columns``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

ELLIPSIS = "…"
SHORT_WORD = 10  # words shorter than this are never broken by a cut
# Cells a table takes besides its columns (box SIMPLE_HEAD, pad_edge=False): an edge each
# side, and between two columns a padding cell, a divider and a padding cell.
_EDGES, _BETWEEN = 2, 3


@dataclass(frozen=True)
class Column:
    """One column of a listing's table.

    ``priority``: 0 is never dropped (the id, the name); a higher number is dropped sooner
    when the width runs out. ``min_width`` is how far long text may be cut (never below
    the header, nor below ``SHORT_WORD`` by default, so a short word fits whole);
    ``max_width`` caps a column of long free text. ``no_wrap`` marks a value that is
    useless cut (an id, a date, a phone number): it is shown whole or not at all.
    """

    key: str
    header: str
    show: Callable[[dict], str] | None = None
    style: str | None = None
    no_wrap: bool = False
    priority: int = 5
    min_width: int = SHORT_WORD
    max_width: int | None = None


def table_width() -> int | None:
    """The width a table must fit: ``$COLUMNS`` when set (as Rich reads it), else the
    terminal's; None off a terminal, where a table is never cut for a pipe."""
    given = os.environ.get("COLUMNS", "").strip()
    if given.isdigit() and int(given) > 0:
        return int(given)
    if sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size().columns
    return None


def fit(columns: Sequence[Column], cells: Sequence[Sequence[str]], width: int | None
        ) -> list[tuple[Column, list[str]]]:
    """The columns to draw and their cells, cut to fit ``width`` cells. The rule:

    1. a column whose cells are all empty is not shown;
    2. each column wants its widest line (its header included), at most ``max_width``;
    3. if that is too wide, columns are cut toward their floor (the header's width, and
       ``min_width``; ``no_wrap`` columns are not cut), the least important first;
    4. if even the floors are too wide, the least important column (the rightmost of
       equal priority) is dropped, and the rule starts again; priority 0 is never dropped.

    Cut text ends with an ellipsis, at a word's start when the word cut is shorter than
    ``SHORT_WORD`` (``_cut``). ``width`` None (a pipe) cuts nothing: step 1 only.
    """
    kept = [(col, texts) for col, texts in zip(columns, cells, strict=True)
            if col.priority == 0 or any(texts)]
    if width is None:
        return kept
    wants = [_want(col, texts) for col, texts in kept]
    while True:
        floors = [want if col.no_wrap else min(want, max(_cells(col.header), col.min_width))
                  for (col, _), want in zip(kept, wants, strict=True)]
        room = width - _EDGES - _BETWEEN * (len(kept) - 1)
        droppable = [i for i, (col, _) in enumerate(kept) if col.priority > 0]
        if sum(floors) <= room or not droppable:
            break
        drop = max(droppable, key=lambda i: (kept[i][0].priority, i))
        del kept[drop], wants[drop]
    sizes = list(wants)
    excess = sum(sizes) - room
    order = sorted(range(len(kept)), key=lambda i: (-kept[i][0].priority, -sizes[i]))
    for i in order:
        if excess <= 0:
            break
        take = min(excess, sizes[i] - floors[i])
        sizes[i] -= take
        excess -= take
    return [(col, [_cut(text, size) for text in texts])
            for (col, texts), size in zip(kept, sizes, strict=True)]


def _want(col: Column, texts: Sequence[str]) -> int:
    """The width a column takes uncut: its widest line or header, at most ``max_width``."""
    joined = "\n".join(texts)  # one string: the usual ASCII column is measured at C speed
    lines = joined.split("\n")
    widest = max(map(len, lines) if joined.isascii() else map(_cells, lines))
    widest = max(widest, _cells(col.header))
    if col.max_width is not None and not col.no_wrap:
        return min(widest, max(col.max_width, _cells(col.header)))
    return widest


def _cut(text: str, width: int) -> str:
    """Each line of ``text`` in at most ``width`` cells: a longer line keeps what fits
    before an ellipsis, ending before the word it would break if that word is shorter than
    ``SHORT_WORD`` (and not the first): "Acme Ltd, Globex" in 12 is "Acme Ltd,…"."""
    if len(text) <= width and text.isascii():
        return text  # the usual cell: nothing to cut
    if "\n" in text:
        return "\n".join(_cut(line, width) for line in text.split("\n"))
    if _cells(text) <= width:
        return text
    if width < 1:
        return ""
    keep = _prefix(text, width - 1)
    if keep and not keep[-1].isspace() and not text[len(keep)].isspace():
        start = max(keep.rfind(" "), 0)
        end = text.find(" ", len(keep))
        word = text[start:end if end >= 0 else len(text)].strip()
        if start > 0 and len(word) < SHORT_WORD:
            keep = keep[:start]
    return keep.rstrip() + ELLIPSIS


def _prefix(text: str, width: int) -> str:
    """The longest start of ``text`` that takes at most ``width`` cells."""
    if text.isascii():
        return text[:max(width, 0)]
    used = 0
    for index, char in enumerate(text):
        used += _cells(char)
        if used > width:
            return text[:index]
    return text


def _cells(text: str) -> int:
    """Cells ``text`` takes on a terminal, as Rich counts them (rich.cells is loaded only
    for text that is not ASCII)."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)
