"""Contacts from and to CSV: Google, Outlook and Thunderbird exports, rolodex's own export,
and any other spreadsheet whose header says (or ``--map`` tells) which column is which.

A CSV file has no schema, so the header line is all there is to go on. It decides, in
order: rolodex's own export (``uid``, ``name`` and ``emails`` or ``phones`` columns); Google
Contacts (numbered ``E-mail 1 - Value`` groups, ``Given Name``, ``Family Name`` or ``Group
Membership``); Outlook (``E-mail Address``, ``Business Phone``, ``Business Street`` or
``Mobile Phone``); Thunderbird (``Primary Email`` or ``Secondary Email``); else generic.
Columns a format's table does not name are matched, without case or punctuation, against
rolodex's field names and common aliases; ``mapping`` (header -> field) wins over all of it.
Columns that still mean nothing, but hold a value, become custom fields named after them.

Bad input is never a traceback: a file that cannot be read at all is a FileError naming the
line; a row that cannot be read is a RowError and the other rows still import. Values are
validated like typed ones (parse_email, phone numbers as leniently as a vCard's TEL, dates;
addresses at the special-use names of RFC 2606/6761 pass, as ``x@invalid`` is no typo of
a real domain, as ``jane@gmail`` is): one that fails is listed in the import report and
kept as a custom field named after its column (``csv_values``), never as a typed field.

The export is meant for spreadsheets first (every cell goes through neutralise) and reads
back without loss of what it holds: ``emails``/``phones``/``url`` hold every value in the
``value (label, preferred)`` form rolodex's forms use, joined by `` ::: ``; ``addresses``
every address (``csv_export.join_addresses``), ``address`` the preferred one as ``street,
city, region, postcode, country`` for spreadsheets (read only when ``addresses`` is absent,
as in older exports); ``status``, ``source``, ``owner`` and ``cadence_days`` are read back
too; custom fields follow as ``custom:KEY`` columns. ``created`` and ``updated`` describe the
record in the exporting database and are not read back.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from rolodex.dates import PartialDate
from rolodex.errors import BadDate, FileError, InvalidInput, RolodexError
from rolodex.formats.csv_columns import ADDRESS_PARTS, STREET_PARTS, Col, columns
from rolodex.formats.csv_export import split_addresses, unneutralise
from rolodex.formats.csv_limits import BoundedLines, row_problem, too_long
from rolodex.formats.csv_sniff import PREAMBLE, codec, sniff_delimiter
from rolodex.formats.csv_values import (
    cell_date,
    cell_email,
    cell_phone,
    keep_invalid,
    why_invalid,
)
from rolodex.formats.input_limits import MAX_LINE_CHARS
from rolodex.models import (
    RECORD_FIELDS,
    Address,
    ContactData,
    clean_tag,
    join_name,
    parse_address,
    parse_url,
)

_SCALARS = ("name", "prefix", "first_name", "middle_name", "last_name", "suffix", "nickname",
            "company", "department", "title", "notes", "uid")
# Google's own groups, not the user's: every contact is in My Contacts, and starred is the
# favourite flag (rolodex has none), so neither is worth a tag on every imported contact.
_GOOGLE_NOISE = {"mycontacts", "my contacts", "starred", "system group: my contacts"}
_SPLIT = {"email": r"\s*(?::::|;|,(?![^()]*\)))\s*", "phone": r"\s*(?::::|;)\s*",
          "url": r"\s*:::\s*", "tags": r"\s*(?::::|;|,)\s*", "multi": r"\s*:::\s*"}


@dataclass
class RowError:
    """A row that was skipped, with the 1-based line it starts on, for the import report."""

    source: str
    row: int
    reason: str


class _Skip(Exception):
    """Why the current row cannot be imported; becomes a RowError."""


def _label(raw: str | None) -> tuple[str | None, bool]:
    """Google's ``* Home`` -> ('home', preferred)."""
    raw = (raw or "").strip()
    return raw.lstrip("*").strip().lower() or None, raw.startswith("*")


def _word(text: str, bad_starts: str) -> str:
    """Tags and custom field names are one word in rolodex: spaces become dashes."""
    return "-".join(text.split()).lstrip(bad_starts)


def _tags(cell: str, fmt: str) -> list[str]:
    """Tags as written (spaces and punctuation kept); Google's system groups are dropped.
    rolodex's own export and Google's join tags with ``:::`` only, so a comma stays in its
    tag (``Food, Inc.``); other files may use ``;`` or ``,`` as well."""
    out = []
    for raw in re.split(_SPLIT["multi"] if fmt in ("rolodex", "google") else _SPLIT["tags"],
                        cell):
        tag = raw.strip()
        if fmt == "google":
            tag = tag.lstrip("*").strip()
            if tag.casefold() in _GOOGLE_NOISE:
                continue
            tag = re.sub(r"(?i)^system group:\s*", "", tag)
        tag = clean_tag(tag)
        if tag:
            out.append(tag)
    return list(dict.fromkeys(out))


def _cadence(text: str) -> int:
    """Days between contacts, as rolodex's export writes them."""
    if not text.isdigit() or not 0 < int(text) < 100_000:
        raise _Skip(f"column 'cadence_days': not a number of days: '{text[:40]}'")
    return int(text)


def _rolodex_address(cell: str) -> Address:
    """'street, city, region, postcode, country': extra commas belong to the street."""
    parts = [p.strip() for p in cell.split(",")]
    parts = [", ".join(parts[:-4]), *parts[-4:]] if len(parts) > 5 else parts + [""] * 5
    return Address(*(p or None for p in parts[:5]))


def _items(col: Col, value: str, fmt: str, labels: dict) -> list[tuple[str, str | None]]:
    """A cell's values with the label each carries: Google pairs ``a ::: b`` with its type
    cell's ``* Home ::: Work``; other columns carry their own fixed label."""
    pattern = _SPLIT["multi"] if fmt in ("google", "rolodex") else _SPLIT.get(col.target)
    values = re.split(pattern, value) if pattern else [value]
    marks = labels.get(col.group) or [col.label] * len(values)
    return list(zip(values, marks + [None] * len(values), strict=False))


def _detail(col: Col, value: str, fmt: str, labels: dict, bad: list[tuple[str, str]]
            ) -> list:
    """Emails, phones or URLs, validated the way typed ones are; a value that is not one
    goes to ``bad`` as (value, why) instead."""
    parse = {"email": cell_email, "phone": cell_phone, "url": parse_url}[col.target]
    out = []
    for text, mark in _items(col, value, fmt, labels):
        try:
            item = parse(text)
        except InvalidInput:
            bad.append((text.strip(), why_invalid(col.target, text)))
            continue
        label, preferred = _label(mark)
        item.label, item.preferred = label or item.label, item.preferred or preferred
        out.append(item)
    return out


def _addresses(groups: dict[str, dict[str, list]]) -> list[Address]:
    """Address columns read together; Google's ``:::`` makes several from one group."""
    out = []
    for group in groups.values():
        count = max((len(v) for k, v in group.items() if k != "label"), default=0)
        for i in range(count):
            got = {k: ((v[i] or "").strip() if i < len(v) else "") or None
                   for k, v in group.items()}
            street = "\n".join(got[p] for p in STREET_PARTS if got.get(p))
            address = Address(street or got.get("formatted"), got.get("city"),
                              got.get("region"), got.get("postcode"), got.get("country"),
                              *_label(got.get("label")))
            if address.one_line():
                out.append(address)
    return out


def _contact(headers: list[str], cols: list[Col | None], cells: list[str], fmt: str
             ) -> ContactData:
    """One row as a contact; _Skip says why it cannot be one."""
    values: dict = {"emails": [], "phones": [], "urls": [], "addresses": [], "tags": []}
    fields: dict[str, str] = {}
    invalid: list[tuple[str, str, str]] = []
    groups: dict[str, dict[str, list]] = {}
    labels = {c.group: re.split(_SPLIT["multi"], cell.strip())
              for c, cell in zip(cols, cells, strict=False) if c and c.target == "label"}
    for i, (header, col, cell) in enumerate(zip(headers, cols, cells, strict=False)):
        raw = unneutralise(cell) if fmt == "rolodex" else cell
        value = raw.strip()
        target = col.target if col else "field"
        if not value or target in ("ignore", "label"):
            continue
        key = _word(header, "-#") or f"column-{i + 1}"
        try:
            if target in ("email", "phone", "url"):
                bad: list[tuple[str, str]] = []
                values[target + "s"] += _detail(col, value, fmt, labels, bad)
                keep_invalid(invalid, fields, key, header, bad)
            elif target in ADDRESS_PARTS:
                group = groups.setdefault(col.group or "", {})
                group["label"] = labels.get(col.group) or [col.label]
                group[target] = [v for v, _ in _items(col, value, fmt, {})]
            elif target == "address":
                values["addresses"].append(parse_address(value))
            elif target == "rolodex_addresses":
                values["addresses"] += split_addresses(raw)
            elif target == "cadence_days":
                values[target] = _cadence(value)
            elif target in ("birthday", "anniversary") or (
                    target == "event"
                    and _label(labels.get(col.group, [""])[0])[0] == "anniversary"):
                try:
                    date = cell_date(value, fmt)
                except BadDate as exc:
                    why = "is no such date" if "no such date" in exc.message else "is not a date"
                    keep_invalid(invalid, fields, key, header, [(value, why)])
                    continue
                values.setdefault("anniversary" if target == "event" else target, date)
            elif target == "tags":
                values["tags"] += _tags(value, fmt)
            elif target in RECORD_FIELDS:
                values[target] = value
            elif target in _SCALARS or target in ("email_one", "phone_one", "address_one") or \
                    target.startswith("birth_"):
                values.setdefault(target, raw if target == "notes" else value)
            elif target in ("custom", "event"):
                key = col.label or _label(labels.get(col.group, [""])[0])[0] or header
                fields[_word(key, "-#") or f"column-{i + 1}"] = value
            else:
                fields[key] = value
        except RolodexError as exc:
            raise _Skip(f"column '{header}': {exc.message}") from None
    for kind, parse in (("email", cell_email), ("phone", cell_phone)):
        one = values.pop(f"{kind}_one", None)
        if one and not values[kind + "s"]:  # rolodex's export: 'emails' says it all
            try:
                values[kind + "s"].append(parse(one))
            except InvalidInput:
                if not any(value == one.strip() for _, value, _ in invalid):
                    keep_invalid(invalid, fields, kind, kind,
                                 [(one.strip(), why_invalid(kind, one))])
    one = values.pop("address_one", None)
    if one and not values["addresses"]:  # an export from before 'addresses' was written
        values["addresses"].append(_rolodex_address(one))
    year, month, day = (values.pop(f"birth_{k}", "") for k in ("year", "month", "day"))
    if month and day and "birthday" not in values:
        try:
            values["birthday"] = PartialDate(int(year) if year else None, int(month), int(day))
        except (ValueError, RolodexError):
            keep_invalid(invalid, fields, "birthday", "birthday",
                          [(f"{year or '-'}-{month}-{day}", "is no such date")])
    values["addresses"] += _addresses(groups)
    values["tags"] = list(dict.fromkeys(values["tags"]))
    name = values.pop("name", None)
    if not name and any(values.get(k) for k in ("first_name", "middle_name", "last_name")):
        name = join_name(*(values.get(k) for k in ("prefix", "first_name", "middle_name",
                                                   "last_name", "suffix")))
    name = name or (values["emails"][0].address if values["emails"] else None)
    if not name:
        raise _Skip("no name and no email")
    return ContactData(name=name, **values, fields=fields, invalid=invalid)


def read_contacts_csv(data: bytes, *, source: str = "-", encoding: str | None = None,
                      mapping: dict[str, str] | None = None, delimiter: str | None = None
                      ) -> tuple[list[ContactData], list[RowError]]:
    """Contacts in a CSV file, and the rows that could not be read (with their lines)."""
    contacts: list[ContactData] = []
    errors: list[RowError] = []
    for found in CsvFile(data, source=source, encoding=encoding, mapping=mapping,
                         delimiter=delimiter):
        (errors if isinstance(found, RowError) else contacts).append(found)
    return contacts, errors


class CsvFile:
    """A CSV file's contacts, each made when it is asked for, so an import of 100,000 rows
    holds one row's objects, not all of them; rows that cannot be read come as RowErrors.

    The file is read through once when opened, making nothing: an error that stops the
    whole file (an unclosed quote, a header with no usable column) is raised then, before
    anything is written, as when every row was read first; and ``expected`` (rows of data,
    a progress bar's total) is known.
    """

    def __init__(self, data: bytes, *, source: str = "-", encoding: str | None = None,
                 mapping: dict[str, str] | None = None, delimiter: str | None = None) -> None:
        self.source, self._mapping, self._data = source, mapping, data
        self._codec, head = codec(data, source, encoding)
        self._delimiter = delimiter or sniff_delimiter(head)
        self.expected = sum(1 for _ in self._rows(make=False))

    def __iter__(self) -> Iterator[ContactData | RowError]:
        return self._rows(make=True)

    def _rows(self, *, make: bool) -> Iterator[ContactData | RowError | None]:
        """Each data row as a contact or a RowError (``make``), else as None."""
        source = self.source
        # Decoded as it is read: the whole text of a large file as one str (or StringIO,
        # four bytes a character) would be most of an import's memory.
        lines = BoundedLines(io.TextIOWrapper(io.BytesIO(self._data), encoding=self._codec,
                                              newline=""))
        csv.field_size_limit(MAX_LINE_CHARS)  # process-wide; no other reader wants more
        reader = csv.reader(lines, delimiter=self._delimiter, strict=True)
        headers: list[str] | None = None
        cols: list[Col | None] = []
        fmt = ""
        skipped, first_error = 0, None
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                if headers is None and first_error is not None:
                    raise first_error from None
                return
            except csv.Error as exc:
                if lines.cut_between(start, reader.line_num) or "field limit" in str(exc):
                    exc = csv.Error(too_long(lines.cut_between(start, reader.line_num)))
                if "end of data" in str(exc):
                    raise FileError(f"{source}: line {start}: a quoted field is never closed",
                                    hint="check the quotes on that line") from None
                if headers is None:
                    raise FileError(f"{source}: line {start}: cannot read the header: {exc}") \
                        from None
                reason = str(exc) if "limit" in str(exc) else f"malformed quoting: {exc}"
                yield RowError(source, start, reason) if make else None
                continue
            problem = row_problem(cells, lines.cut_between(start, reader.line_num))
            if problem:
                if headers is None:
                    raise FileError(f"{source}: line {start}: cannot read the header: {problem}")
                yield RowError(source, start, problem) if make else None
                continue
            if not any(c.strip() for c in cells):
                continue
            if headers is None:
                cells[0] = cells[0].removeprefix("\ufeff")  # a BOM the codec kept
                try:
                    fmt, cols = columns([c.strip() for c in cells], source, self._mapping)
                except (FileError, InvalidInput) as exc:
                    # Lines of one cell before the header are a preamble (LinkedIn's
                    # "Notes:", Excel's "sep=;"), skipped; a file of nothing else fails.
                    if skipped < PREAMBLE and sum(1 for c in cells if c.strip()) <= 1:
                        skipped, first_error = skipped + 1, first_error or exc
                        continue
                    raise (first_error or exc) from None
                headers = [c.strip() for c in cells]
                continue
            if not make:
                yield None
                continue
            extra = [c for c in cells[len(headers):] if c.strip()]
            if extra:
                yield RowError(source, start, f"{len(cells)} cells, but the header has"
                                              f" {len(headers)} columns")
                continue
            try:
                yield _contact(headers, cols, cells, fmt)
            except _Skip as exc:
                yield RowError(source, start, str(exc))
