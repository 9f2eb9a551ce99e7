"""A CSV file's rows held to ``input_limits``: the csv module builds a row from a whole
physical line, so a line of 50 MB of commas would be millions of cells before anything
could look at them. Lines are read no longer than a record may be; a longer one is read
past (never held) and stands for a row that failed."""

from __future__ import annotations

from typing import TextIO

from rolodex.formats.input_limits import (
    MAX_CELLS,
    MAX_LINE_CHARS,
    MAX_RECORD_CHARS,
    MIB,
    record_too_long,
    size,
)


class BoundedLines:
    """The physical lines of a text stream, as ``csv.reader`` wants them, each at most
    ``MAX_RECORD_CHARS``: a longer one comes as a line holding NUL (which the csv module
    refuses or returns as one cell) and its number goes into ``cut``."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.cut, self.number = stream, set[int](), 0

    def __iter__(self) -> BoundedLines:
        return self

    def __next__(self) -> str:
        line = self.stream.readline(MAX_RECORD_CHARS + 1)
        if not line:
            raise StopIteration
        self.number += 1
        if len(line) > MAX_RECORD_CHARS and not line.endswith(("\n", "\r")):
            while (rest := self.stream.readline(MIB)) and not rest.endswith(("\n", "\r")):
                pass
            self.cut.add(self.number)
            return "\x00\n"
        return line

    def cut_between(self, first: int, last: int) -> bool:
        """Whether a line from ``first`` to ``last`` was too long to read."""
        return bool(self.cut) and any(first <= n <= last for n in self.cut)


def too_long(row: bool) -> str:
    """Why a row or a cell past its limit failed."""
    return record_too_long("row") if row else \
        f"a cell is longer than {size(MAX_LINE_CHARS)}, the limit for one value"


def row_problem(cells: list[str], cut: bool) -> str | None:
    """Why a row read whole cannot be taken: too long a line, too many cells, too long."""
    if cut or sum(map(len, cells)) > MAX_RECORD_CHARS:
        return too_long(True)
    if len(cells) > MAX_CELLS:
        return f"{len(cells):,} cells, more than {size(MAX_CELLS)}, the limit for one row"
    return None
