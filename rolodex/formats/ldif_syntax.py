"""LDIF's syntax (RFC 2849): lines to records of (attribute, value), nothing more.

What real files hold: folded lines (a continuation starts with one space), ``#`` comments
(folded too), ``version: 1``, ``::`` base64 values (Thunderbird writes every value that is
not plain ASCII so, and binary photos), ``;options`` after an attribute name, CRLF or LF
line ends, a BOM. ``:<`` values are URLs whose content an LDAP tool would fetch: rolodex
never fetches anything a file names, so such a value is a problem, reported. Change
records (``changetype: modify``/``delete``) describe edits, not entries, and are reported.

Every step is one pass over the text, and a value or a record past the bounds below is a
problem for that record, so no file can make the reading slow or large.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from rolodex.formats.input_limits import MAX_LINE_CHARS, MAX_RECORD_CHARS, record_too_long

MAX_VALUE = MAX_LINE_CHARS  # characters in one value (a photo is dropped long before)
MAX_ATTRIBUTES = 5_000  # lines in one record
_ATTRIBUTE = re.compile(r"([A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)*)((?:;[A-Za-z0-9=-]+)*)"
                        r"(::|:<|:)")


@dataclass
class LdifRecord:
    """One record: its DN, its attributes as (lowercase name, value) in file order, and
    the line it starts on. Binary values (a photo) come as bytes."""

    dn: str
    line: int
    index: int
    attributes: list[tuple[str, str | bytes]] = field(default_factory=list)
    problem: str | None = None

    def values(self, name: str) -> list[str]:
        """Every text value of one attribute (names compared in lowercase)."""
        return [v for n, v in self.attributes if n == name and isinstance(v, str)]

    def first(self, name: str) -> str | None:
        found = self.values(name)
        return found[0].strip() or None if found else None


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, unfolded line) for every line that is not a comment; a blank line
    comes as ''. Continuations are joined as they are met, so folding costs one pass."""
    number, start, parts = 0, 0, None
    comment = False
    for number, raw in enumerate(re.split(r"\r\n|\n|\r", text), start=1):
        if raw.startswith(" ") and (parts is not None or comment):
            if not comment:
                parts.append(raw[1:])
            continue
        if parts is not None:
            yield start, "".join(parts)
        parts, comment = None, raw.startswith("#")
        if comment:
            continue
        if raw.strip():
            start, parts = number, [raw]
        else:
            yield number, ""
    if parts is not None:
        yield start, "".join(parts)


def _value(kind: str, raw: str) -> str | bytes:
    """A plain value, a base64 one decoded (text if it is UTF-8, else bytes); ValueError
    says why it cannot be read."""
    raw = raw.lstrip(" ")
    if kind == ":":
        return raw
    if kind == ":<":
        raise ValueError(f"a value given as a URL ({raw[:60]}) is not fetched")
    try:
        data = base64.b64decode(raw.replace(" ", ""), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("a base64 value that cannot be decoded") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


def read_records(text: str) -> Iterator[LdifRecord]:
    """Every record of an LDIF text, in order; one that cannot be read has ``problem``."""
    record: LdifRecord | None = None
    index = size = 0
    for number, line in _logical_lines(text):
        size = 0 if record is None else size + len(line)
        if record is not None and size > MAX_RECORD_CHARS and not record.problem:
            record.problem = record_too_long("record")
        if not line:
            if record is not None:
                yield record
            record = None
            continue
        found = _ATTRIBUTE.match(line)
        if record is None:
            if found and found[1].lower() == "version" and not line[found.end():].strip(
                    ).strip("1"):
                continue
            index += 1
            record = LdifRecord("", number, index)
            if not found or found[1].lower() != "dn":
                record.problem = f"line {number}: a record starts with 'dn:', not " \
                                 f"'{line[:40]}'"
        if record.problem:
            continue
        if not found:
            record.problem = f"line {number}: cannot read '{line[:40]}'"
            continue
        name, rest = found[1].lower(), line[found.end():]
        if len(rest) > MAX_VALUE * 4 // 3 + 4:
            record.problem = f"line {number}: the value of '{found[1]}' is too long"
            continue
        if len(record.attributes) >= MAX_ATTRIBUTES:
            record.problem = f"more than {MAX_ATTRIBUTES} lines in one record"
            continue
        try:
            value = _value(found[3], rest)
        except ValueError as exc:
            record.problem = f"line {number}: '{found[1]}': {exc}"
            continue
        if name == "dn" and not record.dn and not record.attributes:
            record.dn = value if isinstance(value, str) else ""
        elif name == "changetype" and str(value).strip().lower() != "add":
            record.problem = f"line {number}: a change record ({str(value).strip()[:20]})," \
                             " not an entry"
        elif name not in ("changetype", "control"):
            record.attributes.append((name, value))
    if record is not None:
        yield record


def dn_key(dn: str) -> str:
    """A DN compared as LDAP would, near enough: case and the spaces around ``,`` and
    ``=`` do not count."""
    return re.sub(r"\s*([,=+])\s*", r"\1", dn.strip()).casefold()
