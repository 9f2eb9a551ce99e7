"""Tables for a pipe or a file, character for character as Rich draws them there, without
loading Rich's renderer.

Off a terminal ``_output.console()`` draws without colour and 4000 cells wide, so a table
of the ``SIMPLE_HEAD`` box is plain text: a blank edge line, the header, a rule, the rows,
(a blank line and the totals), a blank edge line. Rich took 9 s to lay out the 20,000 rows
of ``rolodex followups`` at 100,000 contacts (half a millisecond a row); this takes a few
microseconds a row, and does not import Rich's renderer at all. Whatever Rich would draw
differently (colour forced on, a table wider than the console, a non-UTF-8 stream, text
with control characters or tabs, which Rich strips or expands) returns None, and the
caller draws with Rich as before. ``tests/test_fast_reads.py`` compares the two on random
text, wide and zero-width characters included.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence

WIDTH = 4000  # the console width off a terminal (see _output.console)
# What Rich's Text strips, expands or splits lines on differently from "\n" (control
# characters but the newline, tabs, DEL and C1 codes, the Unicode line separators), and the
# joiner and emoji selector, whose width Rich counts by context rather than per line.
_AWKWARD = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u200d\ufe0f]")


def available(stream=None) -> bool:
    """Whether Rich would draw plain text to ``stream`` (default stdout): not a terminal,
    no variable that forces one (``TTY_COMPATIBLE``, ``FORCE_COLOR``), a UTF-8 encoding."""
    stream = stream or sys.stdout
    if "TTY_COMPATIBLE" in os.environ or "FORCE_COLOR" in os.environ:
        return False
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower()
    if not encoding.startswith("utf"):
        return False
    isatty = getattr(stream, "isatty", None)
    return isatty is not None and not isatty()


def plain_text(texts: Sequence[str]) -> bool:
    """Whether these texts print as they are (Rich changes none of their characters)."""
    return not _AWKWARD.search("\n".join(texts))


def _cell_len(line: str) -> int:
    """Cells of one line of text, as Rich counts them (rich.cells, loaded on first use:
    an ASCII table never needs it)."""
    global _cell_len
    from rich.cells import cell_len

    _cell_len = cell_len
    return cell_len(line)


def _width(text: str) -> int:
    """Cells of the widest line of ``text``, as Rich measures it."""
    if text.isascii():
        if "\n" not in text:
            return len(text)
        return max(map(len, text.split("\n")))
    return max(map(_cell_len, text.split("\n")))


def table(header: Sequence[str], columns: Sequence[Sequence[str]], *,
          right: Sequence[bool] = (), no_wrap: Sequence[bool] = (),
          footer: Sequence[str] | None = None) -> str | None:
    """A ``Table(box=SIMPLE_HEAD, pad_edge=False)`` as Rich prints it off a terminal, or
    None where Rich would draw it differently (see the module docstring).

    ``columns`` holds the body cells column by column; ``right`` and ``no_wrap`` are
    those options of each column, ``footer`` the totals row.
    """
    count = len(header)
    texts = ["\n".join(column) for column in columns]  # one string per column: C-speed checks
    ends = [*header, *(footer or ())]
    if not plain_text([*texts, *ends]):
        return None
    right = list(right) or [False] * count
    wrap = [not flag for flag in no_wrap] or [True] * count
    rows = len(columns[0]) if columns else 0
    single = all(text.count("\n") == rows - 1 for text in texts)  # no cell of two lines
    widths, sizes = [], []
    for index, text in enumerate(texts):
        if text.isascii():
            size = max(map(len, columns[index] if single else text.split("\n")), default=0)
            cells = None
        elif single:  # each cell's size, kept for padding it
            cells = [len(cell) if cell.isascii() else _cell_len(cell)
                     for cell in columns[index]]
            size = max(cells, default=0)
        else:
            size, cells = max(map(_cell_len, text.split("\n"))), None
        sizes.append(cells)
        others = [header[index]] + ([footer[index]] if footer is not None else [])
        widths.append(max(size, *map(_width, others)))
    # Padding: one cell each side of every column except the outer edges.
    pads = [(0 if i == 0 else 1, 0 if i == count - 1 else 1) for i in range(count)]
    outer = [max(w + left + after, 1) for w, (left, after) in zip(widths, pads, strict=True)]
    total = sum(outer) + count - 1 + 2
    if total > WIDTH:
        return None
    inner = [o - left - after for o, (left, after) in zip(outer, pads, strict=True)]
    shape = (inner, pads, right, wrap)
    blank = " " * total
    out = [blank, *_row(header, shape, "bottom"), " " + "─" * (total - 2) + " "]
    if rows and single and all(inner):
        out += _body(columns, sizes, shape)
    else:
        for row in zip(*columns, strict=True):
            out += _row(row, shape, "top")
    if footer is not None:
        out.append(blank)
        out += _row(footer, shape, "top")
    out.append(blank)
    return "\n".join(out) + "\n"


def _body(columns: Sequence[Sequence[str]], sizes: list[list[int] | None],
          shape: tuple[list, list, list, list]) -> list[str]:
    """The body lines of one-line cells, built a column at a time: an ASCII column
    (``sizes`` None) is padded by ``str.format``, another by the cells each text takes."""
    widths, pads, right, wrap = shape
    last = len(columns) - 1
    padded = []
    for index, (column, cells) in enumerate(zip(columns, sizes, strict=True)):
        left, after = pads[index]
        before = " " * left + (" " if index == 0 else "")
        behind = " " * after + (" " if index == last else "")
        width, flush = widths[index], right[index]
        if cells is None:
            cells = [cell.rstrip() for cell in column] if flush else column
            form = f"{before}{{:{'>' if flush else '<'}{width}}}{behind}"
            padded.append(list(map(form.format, cells)))
        elif flush:
            padded.append([before + _fit(cell, width, True, wrap[index]) + behind
                           for cell in column])
        else:  # pad each cell by the cells it takes (_fit where it may crop spaces)
            folds = wrap[index]
            padded.append([
                before + (cell + " " * (width - size)
                          if len(cell) <= width or not folds or not cell[-1:].isspace()
                          else _fit(cell, width, False, True)) + behind
                for cell, size in zip(column, cells, strict=True)])
    return list(map(" ".join, zip(*padded, strict=True)))


def _fit(line: str, width: int, right: bool, wrap: bool) -> str:
    """One line of a cell, padded to ``width`` cells, as Rich's ``Text.wrap`` does it."""
    if wrap and len(line) > width:
        # A wrapping column crops trailing spaces past the width counted in characters.
        spaces = len(line) - len(line.rstrip())
        line = line[:len(line) - min(spaces, len(line) - width)]
    if right:  # and strips a right-justified line before it pads on the left
        line = line.rstrip()
    size = len(line) if line.isascii() else _cell_len(line)
    return " " * (width - size) + line if right else line + " " * (width - size)


def _row(cells: Sequence[str], shape: tuple[list, list, list, list], vertical: str
         ) -> list[str]:
    widths, pads, right, wrap = shape
    if all(widths) and not any("\n" in cell for cell in cells):
        parts = [" " * left + _fit(cell, width, flush, folds) + " " * after
                 for cell, width, (left, after), flush, folds
                 in zip(cells, widths, pads, right, wrap, strict=True)]
        return [" " + " ".join(parts) + " "]
    # A column no text is wider than nothing draws no line at all (Rich renders nothing
    # into no width): its cells are only the padding.
    split = [cell.split("\n") if width else [] for cell, width in zip(cells, widths,
                                                                      strict=True)]
    height = max(1, *map(len, split))
    columns = []
    for lines, width, (left, after), flush, folds in zip(split, widths, pads, right, wrap,
                                                         strict=True):
        empty = [""] * (height - len(lines))
        lines = empty + lines if vertical == "bottom" else lines + empty
        columns.append([" " * left + _fit(line, width, flush, folds) + " " * after
                        for line in lines])
    return [" " + " ".join(parts) + " " for parts in zip(*columns, strict=True)]
