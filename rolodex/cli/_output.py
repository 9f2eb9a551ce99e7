"""Rendering lists of plain dicts: a Rich table on a terminal, json/jsonl/csv/tsv/ids for pipes.

The machine formats carry every key of every row, always (null when empty), in the order
the store gives them; the table shows a readable subset, fitted to the terminal's width
by ``_columns.fit`` (``--columns`` chooses it instead). Rich is imported only to draw.
Everything drawn for a person (tables, cards, messages) passes through ``visible``: the
text comes from strangers' files and mails, and an escape sequence in a name must be
shown, never acted on by the terminal. The machine formats keep the data exact.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from enum import StrEnum
from typing import Any, TextIO

from rolodex.cli._columns import Column, fit, table_width


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    ids = "ids"


def console(stderr: bool = False, *, fixed_width: bool = False):
    """A Rich console: colour only on a terminal and never with NO_COLOR (Rich checks it).

    Off a terminal the width is unbounded so tables are never wrapped or cut for a pipe;
    a layout that fills the width (the calendar grid) gets $COLUMNS or 120 instead.
    """
    import os

    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    width = None
    if not tty:
        width = int(os.environ.get("COLUMNS", "120")) if fixed_width else 4000
    return Console(file=stream, width=width, highlight=False, soft_wrap=not tty)


def flat(value: Any) -> str:
    """One cell of csv/tsv: lists joined by '; ', each item by its main value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(_item(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    return str(value)


_ADDRESS_PARTS = ("street", "locality", "region", "postcode", "country")


def _item(value: Any) -> str:
    if not isinstance(value, dict):
        return flat(value)
    for key in ("address", "number", "url"):
        if key in value:
            return str(value[key])
    if "kind" in value:
        return f"{value['kind']}: {value.get('name') or ''}"
    if "name" in value:
        return str(value["name"])
    if "street" in value:
        return ", ".join(str(value[k]) for k in _ADDRESS_PARTS if value.get(k))
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _tsv_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r",
                                                                                         "\\r")


def emit(rows: Sequence[dict], fmt: Format, columns: Sequence[Column] = (), *,
         keys: Sequence[str] = (), title: str | None = None, empty: str | None = None,
         pick: str | None = None) -> None:
    """Write ``rows`` to stdout in ``fmt``; a note goes to stderr when a table is empty.

    ``keys`` is the record shape, so an empty csv/tsv still has its full header row.
    ``pick`` is ``--columns``: the table's columns, or the csv/tsv keys, in its order.
    """
    out = sys.stdout
    if pick is not None:
        fields = list(rows[0]) if rows else list(keys or [c.key for c in columns])
        columns, keys = _picked(pick, fmt, columns, fields)
    if fmt is Format.json:
        out.write(json_safe(json.dumps(list(rows), ensure_ascii=False, indent=2)) + "\n")
    elif fmt is Format.jsonl:
        encode = _line_encoder()
        for row in rows:
            out.write(json_safe(encode(row)) + "\n")
    elif fmt is Format.ids:
        if "id" not in (rows[0] if rows else keys or [c.key for c in columns]):
            from rolodex.errors import InvalidInput

            raise InvalidInput("this listing has no ids; use json, jsonl, csv or tsv")
        for row in rows:
            out.write(f"{row['id']}\n")
    elif fmt in (Format.csv, Format.tsv):
        if pick is None:
            keys = list(rows[0]) if rows else list(keys or [c.key for c in columns])
        _delimited(out, rows, keys, fmt)
    else:
        if not rows:
            if empty:
                message(empty)
            return
        table(rows, columns, title=title)


def _picked(pick: str, fmt: Format, columns: Sequence[Column], fields: Sequence[str]
            ) -> tuple[Sequence[Column], list[str]]:
    """``--columns`` as the table's columns (and the csv/tsv keys), checked against what
    ``fmt`` shows: the table's column names, or every key of the records for csv and tsv.
    json, jsonl and ids keep their shape, so it is refused there (exit 5)."""
    if fmt is Format.table:
        return chosen_columns(columns, pick), list(fields)
    if fmt in (Format.csv, Format.tsv):
        return columns, chosen_keys(fields, pick)
    from rolodex.errors import InvalidInput

    raise InvalidInput(f"--columns chooses the columns of table, csv and tsv; {fmt.value} "
                       "output keeps its shape")


def chosen_columns(columns: Sequence[Column], names: str) -> list[Column]:
    """The table columns ``--columns`` names, in its order; each is kept (priority 0)."""
    by_key = {col.key: col for col in columns}
    return [replace(by_key[name], priority=0) for name in _names(names, list(by_key))]


def chosen_keys(keys: Sequence[str], names: str) -> list[str]:
    """The record keys ``--columns`` names for csv and tsv, in its order."""
    return _names(names, list(keys))


def _names(names: str, valid: list[str]) -> list[str]:
    """``name,email,tags`` as a list of valid names (``-`` may stand for ``_``); an unknown
    name is one line listing the valid ones (exit 5)."""
    picked = [name.strip().lower().replace("-", "_") for name in names.split(",")]
    picked = [name for name in picked if name]
    unknown = [name for name in picked if name not in valid]
    if unknown or not picked:
        what = f"unknown column '{one_line(unknown[0])}'" if unknown else "no column named"
        from rolodex.errors import InvalidInput

        raise InvalidInput(f"{what}; --columns takes: {', '.join(valid)}")
    return list(dict.fromkeys(picked))


TABLE_LIMIT = 500  # rows a terminal table shows when no --limit is given


def query_limit(limit: int | None, fmt: Format) -> int | None:
    """How many records to fetch: a terminal table without --limit needs one more than it
    shows (to know there are more); machine formats get everything."""
    if limit is None and fmt is Format.table:
        return TABLE_LIMIT + 1
    return limit


Texts = Callable[[list[int], str, Sequence[str], bool, tuple[str, ...]],
                Iterable[list[bytes]]]


def emit_records(ids: list[int], fetch: Callable[[list[int]], Iterable[dict]], fmt: Format,
                 columns: Sequence[Column], *, keys: Sequence[str], limit: int | None,
                 empty: str, texts: Texts | None = None, pick: str | None = None) -> None:
    """A listing of records by id: ``ids`` format needs no fetch, a long table is cut.

    ``fetch`` may return an iterator: jsonl, csv and tsv write each record as it comes.
    ``texts``, where given, writes the machine formats' records itself, as the bytes they
    print, a batch at a time (``store/people/contact_text``): called with the ids, the
    format's name, the csv/tsv keys, whether cells are guarded, and the characters
    ``csv.writer`` quotes a cell for. ``pick`` is ``--columns``, as for ``emit``."""
    chosen = None
    if pick is not None:
        columns, chosen = _picked(pick, fmt, columns, keys or [c.key for c in columns])
    if fmt is Format.ids:
        sys.stdout.writelines(f"{i}\n" for i in ids)
        return
    if texts is not None and fmt in (Format.json, Format.jsonl, Format.csv, Format.tsv):
        from rolodex.cli import _texts
        from rolodex.formats.csv_export import guarding

        wanted = chosen or list(keys)
        if fmt in (Format.csv, Format.tsv):
            _delimited(sys.stdout, (), wanted, fmt)  # the header, as every csv/tsv writes it
        _texts.write(texts(ids, fmt.value, wanted, guarding(), _texts.csv_quoted()),
                     fmt.value, len(wanted))
        return
    cut = limit is None and fmt is Format.table and len(ids) > TABLE_LIMIT
    from rolodex.memory import gc_paused

    with gc_paused():  # the records are freed inside too: see gc_paused
        records = fetch(ids[:TABLE_LIMIT] if cut else ids)
        if fmt in (Format.json, Format.jsonl, Format.csv, Format.tsv):
            _stream(iter(records), fmt, keys or [c.key for c in columns], chosen)
        else:
            emit(list(records), fmt, columns, keys=keys, empty=empty)
    if cut:
        message(f"showing the first {TABLE_LIMIT}; use --limit N, or --format for all of them")


def emit_rows(rows: Iterable[dict], fmt: Format, keys: Sequence[str]) -> None:
    """Rows as a command makes them (a ``campaign run`` sending), written a batch at a
    time in json, jsonl, csv or tsv rather than gathered first."""
    _stream(iter(rows), fmt, keys)


def _stream(records: Iterator[dict], fmt: Format, keys: Sequence[str],
            chosen: list[str] | None = None) -> None:
    """``emit`` for json, jsonl, csv and tsv, writing records as an iterator yields them
    (the same text: a million history entries need not all be in memory at once).
    ``chosen``: the csv/tsv keys ``--columns`` named, else every key of the records."""
    out = sys.stdout
    if fmt is Format.json:
        _json_array(out, records)
        return
    if fmt is Format.jsonl:
        encode = _line_encoder()
        for batch in iter(lambda: list(itertools.islice(records, 500)), []):
            out.write(json_safe("\n".join(map(encode, batch))) + "\n")
        return
    first = next(records, None)
    keys = chosen or (list(first) if first is not None else list(keys))
    rows = itertools.chain([first], records) if first is not None else records
    _delimited(out, rows, keys, fmt)


def _json_array(out: TextIO, records: Iterator[dict]) -> None:
    """``json.dump(list(records), out, ensure_ascii=False, indent=2)`` and a newline, a
    batch at a time: each batch is encoded as a list whose brackets are cut off.

    Not one record at a time: with ``indent`` the encoder is pure Python and every call
    leaves a cycle of closures, which pile up while the collector is paused."""
    encode = json.JSONEncoder(ensure_ascii=False, indent=2, check_circular=False).encode
    first = True
    for batch in iter(lambda: list(itertools.islice(records, 1000)), []):
        text = json_safe(encode(batch))  # '[\n  {...},\n  {...}\n]'
        out.write(text[:-2] if first else ",\n" + text[2:-2])
        first = False
    out.write("[]\n" if first else "\n]\n")


def _delimited(out: TextIO, rows: Iterable[dict], keys: Sequence[str], fmt: Format) -> None:
    """A header of ``keys``, then one csv or tsv line per record as the rows come.

    Every cell goes through the export's guard: a name such as ``=cmd|' /C calc'!A0``
    opened in a spreadsheet must not run (``ROLODEX_CSV_RAW=1`` writes cells as stored)."""
    from rolodex.formats.csv_export import cell_guard

    guard = cell_guard()
    if fmt is Format.csv:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(map(guard, keys))
        writer.writerows([guard(flat(row.get(k))) for k in keys] for row in rows)
    else:
        out.write("\t".join(_tsv_cell(guard(k)) for k in keys) + "\n")
        for row in rows:
            out.write("\t".join(_tsv_cell(guard(flat(row.get(k)))) for k in keys) + "\n")


# DEL and the C1 controls (U+0080-U+009F, CSI among them) are valid unescaped in JSON, but
# a terminal may act on them: JSON output writes them as \u escapes, the same string.
_JSON_CONTROLS = {c: f"\\u{c:04x}" for c in (0x7F, *range(0x80, 0xA0))}


def json_safe(text: str) -> str:
    """JSON text with DEL and the C1 controls escaped (they can only be inside strings)."""
    return text.translate(_JSON_CONTROLS)


def _line_encoder() -> Callable[[Any], str]:
    """``json.dumps(row, ensure_ascii=False)`` without spaces, made once: the records are
    trees built here, so the check for reference cycles (a tenth of the time) can never
    fire. Compact, as SQLite writes the contact lines (``store/people/contact_text``)."""
    return json.JSONEncoder(ensure_ascii=False, check_circular=False,
                            separators=(",", ":")).encode


def table(rows: Sequence[dict], columns: Sequence[Column], *, title: str | None = None) -> None:
    """A Rich table fitted to the terminal (``_columns.fit``); off a terminal the same text
    is written without Rich (``_plain``)."""
    from rolodex.cli import _plain

    fitted = fit(columns, [_cells(rows, col) for col in columns], table_width())
    columns = [col for col, _ in fitted]
    cells = [texts for _, texts in fitted]  # column by column, each line already fits
    if title is None and _plain.available():
        text = _plain.table([col.header for col in columns], cells,
                            no_wrap=[True] * len(columns))
        if text is not None:
            sys.stdout.write(text)
            return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    grid = Table(title=Text(visible(title)) if title is not None else None,
                 box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
    for col in columns:
        grid.add_column(col.header, style=col.style, no_wrap=True, overflow="ellipsis")
    for row in zip(*cells, strict=True):
        grid.add_row(*[Text(cell) for cell in row])
    console().print(grid)


def _cells(rows: Sequence[dict], col: Column) -> list[str]:
    """The texts of one column of a table, control characters shown escaped (one search
    of the whole column first: a clean column, the usual case, is returned as it is)."""
    if col.show:
        cells = [col.show(row) or "" for row in rows]
    else:
        values = [row.get(col.key) for row in rows]
        cells = [v if type(v) is str else flat(v) for v in values]
    if _CONTROL.search("\n".join(cells)):
        return [visible(cell) for cell in cells]
    return cells


def emit_one(record: dict, fmt: Format, draw: Callable[[dict], None]) -> None:
    """A single record (``show``): JSON is an object, not a list; the table is a card."""
    if fmt is Format.json:
        sys.stdout.write(json_safe(json.dumps(record, ensure_ascii=False, indent=2)) + "\n")
    elif fmt is Format.table:
        draw(record)
    else:
        emit([record], fmt)


def message(text: str) -> None:
    """A note for the person at the terminal: stderr, never mixed with data. Names in it
    come from strangers' files: control characters are shown escaped (``\\x1b``), never
    sent to the terminal to act on."""
    sys.stderr.write(visible(text) + "\n")


_ALL_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_CONTROLS = {c: text for c, text in _ALL_CONTROLS.items() if chr(c) not in "\n\t"}
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what _CONTROLS rewrites


def visible(text: str) -> str:
    """``text`` with every control character but newline and tab written as an escape
    (``\\x1b``): ESC, CSI, OSC and the C1 codes never reach the terminal to act on. Rich
    strips only a few (BEL, backspace, CR...) and passes ESC through."""
    return text.translate(_CONTROLS)


def one_line(text: str) -> str:
    """``visible`` with newlines and tabs escaped too: a value quoted inside a message."""
    return text.translate(_ALL_CONTROLS)


def opened_output(target: str) -> AbstractContextManager[TextIO]:
    """stdout, or a file readable by its owner only (exports hold personal data), written
    to a temporary file renamed into place when the block ends without an error."""
    from pathlib import Path

    from rolodex.atomic_write import replacing

    if target == "-":
        return nullcontext(sys.stdout)
    return replacing(Path(target))
