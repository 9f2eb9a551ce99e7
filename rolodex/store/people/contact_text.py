"""Contact records written by SQLite as the very text a listing prints: a JSON Lines line, an
element of an indented JSON array, a CSV or TSV line.

Building a Python dict per contact and encoding it took most of ``contact list --format
json|csv`` (4-7 s and about 490 MB at 100,000 contacts, every record held at once): here
one statement per batch of ids reads each record in the order asked for and writes it as
UTF-8 bytes, and Python only writes the batches out. The text is what the Python
encoders write for ``contact_queries``' records, byte for byte: ``json.dumps`` with
``ensure_ascii=False`` (compact, or ``indent=2``), ``cli/_output.flat`` for cells, the
spreadsheet guard of ``formats/csv_export.neutralise`` and the quoting of ``csv.writer``;
``test_contact_text`` holds the two equal on hostile records, ``test_listing_golden`` on
the bytes written before. JSON's escapes are SQLite's ``json_quote``, which escapes what
``json.dumps`` escapes, the same way; DEL and the C1 controls are left to the caller
(``json_safe``), as for any JSON output.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from rolodex.store.db import Database
from rolodex.store.people.contact_queries import KEYS
from rolodex.store.people.contact_sql import FROM, LISTS, SCALARS, Listed
from rolodex.store.records import chunks, tuples

BATCH = 1000  # records per statement: a batch of text is all a listing holds at once


def _json_value(sql: str, kind: str) -> str:
    return f"iif({sql}, 'true', 'false')" if kind == "bool" else f"json_quote({sql})"


def _object(fields: Sequence[tuple[str, str, str]], indent: str) -> str:
    """SQL writing one JSON object of ``fields`` (key, SQL, kind): compact when ``indent``
    is empty, else with its keys at ``indent`` as ``json.dumps(indent=2)`` puts them."""
    if indent:
        close = "\n" + indent[:-2] + "}"
        body = ",".join(f'\n{indent}"{key}": %s' for key, _, _ in fields)
    else:
        close = "}"
        body = ",".join(f'"{key}":%s' for key, _, _ in fields)
    args = ", ".join(_json_value(sql, kind) for _, sql, kind in fields)
    return f"printf('{{{body}{close}', {args})"


def _json_list(listed: Listed, indent: str) -> str:
    """SQL of a contact's list (or object) as JSON, its items at ``indent`` (or compact)."""
    inner = indent + "  " if indent else ""
    lead = "\n" + inner if indent else ""
    if listed.mapping:
        colon = ": " if indent else ":"
        item = f"'{lead}' || json_quote(key) || '{colon}' || json_quote(value)"
    elif listed.text:
        item = f"'{lead}' || json_quote({listed.text})"
    else:
        item = (f"'{lead}' || " if indent else "") + _object(listed.fields,
                                                             inner + "  " if indent else "")
    opening, closing = "{}" if listed.mapping else "[]"
    items = f"(SELECT group_concat({item}, ',') FROM ({listed.rows}))"
    if not indent:
        return f"printf('{opening}%s{closing}', {items})"
    return f"coalesce('{opening}' || {items} || '\n{indent}{closing}', '{opening}{closing}')"


def json_record(indent: str = "") -> str:
    """SQL of a whole record as JSON: compact (JSON Lines), or as an element of a list
    written with ``indent=2`` (``indent`` the record's keys' indentation, four spaces)."""
    values = []
    for key in KEYS:
        if key in LISTS:
            values.append((key, _json_list(LISTS[key], indent), "json"))
        else:
            values.append((key, *SCALARS[key]))
    body = ", ".join(_json_value(sql, kind) if kind != "json" else sql
                     for _, sql, kind in values)
    if indent:
        keys = ",".join(f'\n{indent}"{key}": %s' for key, _, _ in values)
        return f"printf('{indent[:-2]}{{{keys}\n{indent[:-2]}}}', {body})"
    keys = ",".join(f'"{key}":%s' for key, _, _ in values)
    return f"printf('{{{keys}}}', {body})"


@dataclass(frozen=True)
class Cells:
    """How cells are written: ``tsv`` or csv; ``guard``: a cell a spreadsheet would run
    gets a leading ``'`` (``neutralise``); ``quoted``: the characters that make
    ``csv.writer`` quote a cell, as the running Python's writer does."""

    tsv: bool = False
    guard: bool = True
    quoted: tuple[str, ...] = (",", '"', "\n")


# The cells ``neutralise`` guards (``'*[=+\-@\t\r]`` at the start) as a GLOB pattern,
# which looks at the first character only.
_FORMULA = "'[-=+@\t\r]*'"  # a literal: the tab and carriage return as they are


def _cell(value: str, how: Cells) -> str:
    """SQL of one cell from SQL ``value`` (text, never null), as it goes into the line.
    Tabs, newlines and carriage returns are written into the SQL as they are: ``char(9)``
    is called again for every cell of every row."""
    guard = "''"
    if how.guard:  # neutralise: ``'*[=+\-@\t\r]`` at the start
        guard = (f"iif({value} GLOB {_FORMULA} OR ({value} GLOB '''*'"
                 f" AND ltrim({value}, '''') GLOB {_FORMULA}), '''', '')")
    if how.tsv:  # four searches cost less than four copies, and most cells need none
        escaped, found = value, []
        for char, text in (("'\\'", "'\\\\'"), ("'\t'", "'\\t'"), ("'\n'", "'\\n'"),
                           ("'\r'", "'\\r'")):
            escaped = f"replace({escaped}, {char}, {text})"
            found.append(f"instr({value}, {char})")
        escaped = f"CASE WHEN {' OR '.join(found)} THEN {escaped} ELSE {value} END"
        return f"{guard} || {escaped}" if how.guard else escaped
    tests = " OR ".join(f"instr({value}, '{c * (2 if c == chr(39) else 1)}')"
                        for c in how.quoted)
    plain = f"{guard} || {value}" if how.guard else value
    return (f"CASE WHEN {tests} THEN '\"' || {guard} || replace({value}, '\"', '\"\"') || '\"'"
            f" ELSE {plain} END")


def _cell_of(key: str, how: Cells) -> str:
    """SQL of the cell of ``key``: ``flat`` of its value, guarded and quoted or escaped."""
    if key in LISTS:
        listed = LISTS[key]
        if listed.mapping:
            joined = ("'{' || group_concat(json_quote(key) || ': ' || json_quote(value),"
                      " ', ') || '}'")
        else:
            joined = f"group_concat({listed.cell}, '; ')"
        return f"(SELECT {_cell(f'coalesce({joined}, {chr(39) * 2})', how)} FROM ({listed.rows}))"
    sql, kind = SCALARS[key]
    if kind == "bool":
        return f"iif({sql}, 'true', 'false')"
    if kind == "int":
        return f"coalesce(CAST({sql} AS TEXT), '')"
    if sql.startswith("(SELECT "):  # the preferred email or phone: one lookup, not three
        column, rest = sql[len("(SELECT "):].split(" FROM ", 1)
        return f"coalesce((SELECT {_cell(column, how)} FROM {rest}, '')"
    return _cell(f"coalesce({sql}, '')", how)


def cells_record(keys: Sequence[str], how: Cells) -> str:
    """SQL of one CSV or TSV line (without its end) of a record's ``keys``."""
    separator = "'\t'" if how.tsv else "','"
    pieces = [_cell_of(keys[0], how)]
    for key in keys[1:]:
        pieces += [separator, _cell_of(key, how)]
    return _concatenated(pieces)


def _concatenated(pieces: list[str]) -> str:
    """``||`` of the pieces as a balanced tree: each ``||`` copies both sides into a new
    string, so a chain of 71 copies the start of the line 70 times (``printf``, which
    copies once, stops at a NUL, which a cell may hold)."""
    if len(pieces) == 1:
        return pieces[0]
    half = len(pieces) // 2
    return f"({_concatenated(pieces[:half])} || {_concatenated(pieces[half:])})"


def record_sql(fmt: str, keys: Sequence[str] = KEYS, how: Cells = Cells()) -> str:
    """SQL of one record as ``fmt`` (``jsonl``, ``json``, ``csv`` or ``tsv``) writes it."""
    if fmt == "jsonl":
        return json_record()
    if fmt == "json":
        return json_record("    ")
    return cells_record(keys, replace(how, tsv=fmt == "tsv"))


def texts(db: Database, ids: list[int], fmt: str, keys: Sequence[str] = KEYS,
          guard: bool = True, quoted: tuple[str, ...] = Cells.quoted) -> Iterator[list[bytes]]:
    """Batches of the records of the contacts of ``ids`` that exist, in that order, as the
    UTF-8 bytes ``fmt`` writes for each (see ``record_sql``; ``Cells`` for the rest)."""
    sql = (f"SELECT CAST({record_sql(fmt, keys, Cells(guard=guard, quoted=quoted))} AS BLOB)"
           f" {FROM} ORDER BY j.key")
    for chunk in chunks(ids, BATCH):
        yield [row[0] for row in tuples(db, sql, (json.dumps(chunk),))]
