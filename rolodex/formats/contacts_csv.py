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
validated like typed ones (parse_email, parse_phone, dates), so an import cannot bring in
what ``contact add`` would refuse -- except addresses at the special-use names of RFC
2606/6761 (``x@invalid``, ``root@localhost``): test exports (Thunderbird's own) use them,
and they are no typo of a real domain, as ``jane@gmail`` is.

The export is meant for spreadsheets first (every cell goes through neutralise) and reads
back without loss of what it holds: ``emails``/``phones``/``url`` hold every value in the
``value (label, preferred)`` form rolodex's forms use, joined by `` ::: ``; ``address`` is
the preferred address as ``street, city, region, postcode, country`` with all five places
kept (commas beyond four belong to the street); custom fields follow as ``custom:KEY``
columns. ``status``, ``source``, ``owner``, ``created`` and ``updated`` describe the record
in the exporting database, not the person, and are not read back.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from rolodex.dates import PartialDate, now, parse_partial_date
from rolodex.errors import FileError, InvalidInput, RolodexError
from rolodex.formats.csv_export import EXPORT_HEADER, unneutralise
from rolodex.models import (
    Address,
    ContactData,
    Email,
    join_name,
    parse_address,
    parse_email,
    parse_phone,
    parse_url,
    split_labelled,
)

TARGETS = ("name", "prefix", "first_name", "middle_name", "last_name", "suffix", "nickname",
           "company", "department", "title", "email", "phone", "mobile", "address", "url",
           "notes", "tags", "birthday", "anniversary", "uid", "ignore")
_SCALARS = ("name", "prefix", "first_name", "middle_name", "last_name", "suffix", "nickname",
            "company", "department", "title", "notes", "uid")
_NAMING = {"name", "first_name", "middle_name", "last_name", "email", "email_one"}
_STREET_PARTS = ("pobox", "extended", "street", "street2", "street3")
_ADDRESS_PARTS = {*_STREET_PARTS, "city", "region", "postcode", "country", "formatted"}
_SPECIAL_DOMAINS = {"invalid", "localhost", "test", "example"}
_LOOSE_EMAIL = re.compile(r"^[^@\s<>(),;:\"]+@(?P<domain>[A-Za-z0-9-]+)$")
# Google's own groups, not the user's: every contact is in My Contacts, and starred is the
# favourite flag (rolodex has none), so neither is worth a tag on every imported contact.
_GOOGLE_NOISE = {"mycontacts", "my contacts", "starred", "system group: my contacts"}
_GOOGLE_GROUP = re.compile(r"^(e-mail|phone|address|website|organization|event|custom field)"
                           r" (\d+) - (.+)$")
_SPLIT = {"email": r"\s*(?::::|;|,(?![^()]*\)))\s*", "phone": r"\s*(?::::|;)\s*",
          "url": r"\s*:::\s*", "tags": r"\s*(?::::|;|,)\s*", "multi": r"\s*:::\s*"}


@dataclass
class RowError:
    """A row that was skipped, with the 1-based line it starts on, for the import report."""

    source: str
    row: int
    reason: str


@dataclass(frozen=True)
class _Col:
    """What one column means: a target field, a fixed label (``Home Phone`` -> home; a
    leading ``*`` marks preferred) and a group of columns read together (one address)."""

    target: str
    label: str | None = None
    group: str | None = None


class _Skip(Exception):
    """Why the current row cannot be imported; becomes a RowError."""


def parse_map(text: str) -> dict[str, str]:
    """``E-mail=email,Firma=company`` -> {header: field}; the field is checked here so a typo
    fails before any file is read."""
    mapping: dict[str, str] = {}
    for pair in text.split(","):
        header, eq, target = pair.rpartition("=")
        header, target = header.strip(), target.strip().lower().replace("-", "_")
        if not eq or not header:
            raise InvalidInput(f"cannot read --map entry '{pair.strip()}'",
                               hint="write it as 'Column Header=field,Other Header=field'")
        if target not in TARGETS:
            raise InvalidInput(f"--map: unknown field '{target}' for column '{header}'",
                               hint=f"fields: {', '.join(TARGETS)}")
        mapping[header] = target
    return mapping


def _codec(data: bytes, source: str, encoding: str | None) -> tuple[str, str]:
    """The codec that reads the file (the given encoding, else a BOM's, else strict UTF-8)
    and its first line, after checking that all of it decodes: never replacement
    characters, as a wrong guess would silently corrupt names."""
    boms = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
            (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
    chosen = encoding or next((name for bom, name in boms if data.startswith(bom)), "utf-8")
    try:
        text = data.decode(chosen)
    except LookupError:
        raise InvalidInput(f"unknown encoding '{encoding}'",
                           hint="e.g. utf-8, cp1252, latin-1, utf-16, shift_jis") from None
    except UnicodeError as exc:
        start = getattr(exc, "start", 0)
        line = len(re.findall(r"\r\n|\r|\n", data[:start].decode(chosen, "replace"))) + 1
        shown = "UTF-8" if chosen in ("utf-8", "utf-8-sig") else chosen
        raise FileError(f"{source}: line {line}: not {shown} text",
                        hint="give the file's encoding, e.g. --encoding cp1252") from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise FileError(f"{source}: the file is empty", hint="a CSV file starts with a header")
    head = text[:64 * 1024]
    if encoding is None and "\x00" in head.partition("\n")[0]:
        raise FileError(f"{source}: line 1: looks like UTF-16 text without a byte-order mark",
                        hint="give the file's encoding, e.g. --encoding utf-16-le")
    return chosen, head


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever the header line has most of outside quotes
    (csv.Sniffer guesses from letters too and gets short headers wrong)."""
    counts, quoted = dict.fromkeys(",;\t", 0), False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char in counts:
            counts[char] += 1
    return max(counts, key=lambda d: counts[d])  # ties: the first, comma


def _key(header: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", header.casefold())


def _table(spec: str) -> dict[str, _Col]:
    """``header=target/label@group; ...`` -> {header: meaning}: the formats' tables as data,
    short enough to check against a real export at a glance."""
    found = re.finditer(r"\s*([^=;]+)=(\w+)(?:/([^@;]*))?(?:@([^;]+))?", spec)
    return {m[1].strip(): _Col(m[2], m[3] or None, m[4]) for m in found}


def _addresses_of(places: str, parts: str) -> str:
    """Table entries for address columns: each place (``business/work``) x each part."""
    return ";".join(f"{place.split('/')[0]} {part}/{place.split('/')[-1]}@{place}"
                    for place in places.split() for part in parts.split(";"))


# Generic: header words, compared without case or punctuation (_key), for each field.
_ALIASES = {word: _Col(target, label or None, "a" if target in _ADDRESS_PARTS else None)
            for entry in """name: name fullname displayname contactname
    prefix: prefix nameprefix salutation; suffix: suffix namesuffix; nickname: nickname nick
    first_name: firstname givenname forename first; last_name: lastname surname familyname last
    middle_name: middlename additionalname middle; department: department dept; uid: uid uuid
    company: company organization organisation org companyname employer; anniversary: anniversary
    title: title jobtitle position role; address: address postaladdress; url: url website web
    email: email emails emailaddress mail primaryemail; email/work: workemail; email/home: homeemail
    phone: phone phones telephone tel phonenumber; phone/work: workphone businessphone
    phone/home: homephone; phone/mobile: mobile mobilephone cell cellphone; phone/fax: fax
    notes: notes note comments comment description; birthday: birthday birthdate dateofbirth dob
    tags: tags tag labels categories groups groupmembership; street: street streetaddress
    city: city town; region: state region province; postcode: zip zipcode postcode postalcode
    country: country""".replace("\n", ";").split(";")
            for target, _, label in [entry.split(":")[0].strip().partition("/")]
            for word in entry.split(":")[1].split()}
_OUTLOOK = _table(
    "title=prefix; first name=first_name; middle name=middle_name; last name=last_name;"
    "suffix=suffix; nickname=nickname; company=company; department=department;"
    "job title=title; birthday=birthday; anniversary=anniversary; categories=tags;"
    "notes=notes; web page=url; e-mail address=email; e-mail 2 address=email;"
    "e-mail 3 address=email; business phone=phone/work; business phone 2=phone/work;"
    "home phone=phone/home; home phone 2=phone/home; mobile phone=phone/mobile;"
    "business fax=phone/work fax; home fax=phone/home fax; other fax=phone/fax; pager="
    "phone/pager; other phone=phone/other; primary phone=phone/*; company main phone="
    "phone/main; car phone=phone/car; assistant's phone=phone/assistant; isdn=phone/isdn;"
    "callback=phone/callback; radio phone=phone/radio; tty/tdd phone=phone/tty;"
    + _addresses_of("business/work home other", "street=street;street 2=street2;street 3="
                    "street3;city=city;state=region;postal code=postcode;country/region="
                    "country;address po box=pobox") + ";"
    # Constant in every Outlook export (Normal, False, SMTP...): noise as custom fields.
    + ";".join(f"{h}=ignore" for h in (
        "e-mail type", "e-mail 2 type", "e-mail 3 type", "e-mail display name", "private",
        "e-mail 2 display name", "e-mail 3 display name", "sensitivity", "priority",
        "gender", "initials", "internet free busy", "billing information", "mileage")))
_THUNDERBIRD = _table(
    "first name=first_name; last name=last_name; display name=name; nickname=nickname;"
    "primary email=email; secondary email=email; job title=title; department=department;"
    "organization=company; notes=notes; birth year=birth_year; birth month=birth_month;"
    "birth day=birth_day; work phone=phone/work; home phone=phone/home; fax number="
    "phone/fax; pager number=phone/pager; mobile number=phone/mobile; web page 1=url/work;"
    "web page 2=url/home;" + _addresses_of("home work", "address=street;address 2=street2;"
                                           "city=city;state=region;zipcode=postcode;"
                                           "country=country"))
_GOOGLE = _table(
    "name=name; given name=first_name; additional name=middle_name; family name=last_name;"
    "first name=first_name; middle name=middle_name; last name=last_name; photo=ignore;"
    "name prefix=prefix; name suffix=suffix; nickname=nickname; organization name=company;"
    "organization title=title; organization department=department; birthday=birthday;"
    "notes=notes; group membership=tags; labels=tags; organization 1 - name=company;"
    "organization 1 - title=title; organization 1 - department=department")
_GOOGLE_PARTS = {"type": "label", "label": "label", "value": "", "po box": "pobox",
                 "postal code": "postcode", "extended address": "extended"}


def _google(header: str) -> _Col | None:
    """Google's table, then its numbered groups: ``E-mail 2 - Value`` pairs with
    ``E-mail 2 - Type``, ``Address 1 - City`` with the other ``Address 1`` columns."""
    found = _GOOGLE_GROUP.fullmatch(header)
    if header in _GOOGLE or not found or found[1] == "organization":
        return _GOOGLE.get(header)
    kind, part = found[1], _GOOGLE_PARTS.get(found[3], found[3])
    target = part if kind == "address" else part or {
        "e-mail": "email", "phone": "phone", "website": "url", "event": "event",
        "custom field": "custom"}[kind]
    ok = target in _ADDRESS_PARTS or target == "label" or (kind != "address" and not part)
    return _Col(target, group=f"{kind} {found[2]}") if ok else None


def _columns(headers: list[str], source: str, mapping: dict[str, str] | None
             ) -> tuple[str, list[_Col | None]]:
    """The format the header says and each column's meaning (None: keep as a field)."""
    keys = {h.casefold() for h in headers}
    if {"uid", "name"} <= keys and keys & {"emails", "phones"}:
        fmt = "rolodex"
        by_name = {"email": "email_one", "phone": "phone_one", "emails": "email",
                   "phones": "phone", "address": "rolodex_address", "status": "ignore",
                   "source": "ignore", "owner": "ignore", "created": "ignore",
                   "updated": "ignore"}
        cols = [_Col(by_name.get(h.casefold(), h.casefold())) if h.casefold() in EXPORT_HEADER
                else _Col("custom", h[7:]) if h.casefold().startswith("custom:") else None
                for h in headers]
    else:
        if any(_GOOGLE_GROUP.fullmatch(k) for k in keys) or \
                keys & {"given name", "family name", "group membership"}:
            fmt, reader = "google", _google
        elif keys & {"e-mail address", "business phone", "business street", "mobile phone"}:
            fmt, reader = "outlook", _OUTLOOK.get
        elif keys & {"primary email", "secondary email"}:
            fmt, reader = "thunderbird", _THUNDERBIRD.get
        else:
            fmt, reader = "generic", {}.get
        # What a known format does not name may still be a plain, generic header.
        cols = [reader(h.casefold()) or _ALIASES.get(_key(h)) for h in headers]
    for wanted, target in (mapping or {}).items():
        found = [i for i, h in enumerate(headers) if h == wanted] or \
            [i for i, h in enumerate(headers) if h.casefold() == wanted.strip().casefold()]
        if not found:
            raise InvalidInput(f"--map names column '{wanted}', which {source} does not have",
                               hint=f"its columns: {', '.join(headers)[:300]}")
        col = _Col("phone", "mobile") if target == "mobile" else _Col(target)
        for i in found:
            cols[i] = col
    if not any(c and c.target in _NAMING for c in cols):
        raise FileError(f"{source}: no name or email column in the header line"
                        f" ({', '.join(headers)[:120]})",
                        hint="name the columns with --map, e.g. --map 'Full Name=name,"
                        "E-mail=email'")
    return fmt, cols


def _label(raw: str | None) -> tuple[str | None, bool]:
    """Google's ``* Home`` -> ('home', preferred)."""
    raw = (raw or "").strip()
    return raw.lstrip("*").strip().lower() or None, raw.startswith("*")


def _email(text: str) -> Email:
    """parse_email, plus addresses at special-use names (see the module's docstring)."""
    try:
        return parse_email(text)
    except InvalidInput:
        address, label, preferred = split_labelled(text)
        found = _LOOSE_EMAIL.match(address.removeprefix("mailto:"))
        if found and found["domain"].lower() in _SPECIAL_DOMAINS:
            return Email(found[0], label, preferred)
        raise


def _date(text: str, fmt: str) -> PartialDate | None:
    """Outlook writes month/day/year (``0/0/00`` for none); everything else as typed."""
    us = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", text) if fmt == "outlook" else None
    if not us:
        return parse_partial_date(text)
    month, day, year = (int(g) for g in us.groups())
    if not month or not day:
        return None
    if len(us[3]) == 2:
        year += 2000 if year <= now().year % 100 else 1900
    return PartialDate(year, month, day)


def _word(text: str, bad_starts: str) -> str:
    """Tags and custom field names are one word in rolodex: spaces become dashes."""
    return "-".join(text.split()).lstrip(bad_starts)


def _tags(cell: str, fmt: str) -> list[str]:
    """Tags as single words; Google's system groups are dropped."""
    out = []
    for raw in re.split(_SPLIT["tags"], cell):
        tag = raw.strip()
        if fmt == "google":
            tag = tag.lstrip("*").strip()
            if tag.casefold() in _GOOGLE_NOISE:
                continue
            tag = re.sub(r"(?i)^system group:\s*", "", tag)
        tag = _word(tag, "-@")
        if tag:
            out.append(tag)
    return list(dict.fromkeys(out))


def _rolodex_address(cell: str) -> Address:
    """'street, city, region, postcode, country': extra commas belong to the street."""
    parts = [p.strip() for p in cell.split(",")]
    parts = [", ".join(parts[:-4]), *parts[-4:]] if len(parts) > 5 else parts + [""] * 5
    return Address(*(p or None for p in parts[:5]))


def _items(col: _Col, value: str, fmt: str, labels: dict) -> list[tuple[str, str | None]]:
    """A cell's values with the label each carries: Google pairs ``a ::: b`` with its type
    cell's ``* Home ::: Work``; other columns carry their own fixed label."""
    pattern = _SPLIT["multi"] if fmt == "google" else _SPLIT.get(col.target)
    values = re.split(pattern, value) if pattern else [value]
    marks = labels.get(col.group) or [col.label] * len(values)
    return list(zip(values, marks + [None] * len(values), strict=False))


def _detail(col: _Col, value: str, fmt: str, labels: dict) -> list:
    """Emails, phones or URLs, validated the way typed ones are."""
    parse = {"email": _email, "phone": parse_phone, "url": parse_url}[col.target]
    out = []
    for text, mark in _items(col, value, fmt, labels):
        item = parse(text)
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
            street = "\n".join(got[p] for p in _STREET_PARTS if got.get(p))
            address = Address(street or got.get("formatted"), got.get("city"),
                              got.get("region"), got.get("postcode"), got.get("country"),
                              *_label(got.get("label")))
            if address.one_line():
                out.append(address)
    return out


def _contact(headers: list[str], cols: list[_Col | None], cells: list[str], fmt: str
             ) -> ContactData:
    """One row as a contact; _Skip says why it cannot be one."""
    values: dict = {"emails": [], "phones": [], "urls": [], "addresses": [], "tags": []}
    fields: dict[str, str] = {}
    groups: dict[str, dict[str, list]] = {}
    labels = {c.group: re.split(_SPLIT["multi"], cell.strip())
              for c, cell in zip(cols, cells, strict=False) if c and c.target == "label"}
    for i, (header, col, cell) in enumerate(zip(headers, cols, cells, strict=False)):
        raw = unneutralise(cell) if fmt == "rolodex" else cell
        value = raw.strip()
        target = col.target if col else "field"
        if not value or target in ("ignore", "label"):
            continue
        try:
            if target in ("email", "phone", "url"):
                values[target + "s"] += _detail(col, value, fmt, labels)
            elif target in _ADDRESS_PARTS:
                group = groups.setdefault(col.group or "", {})
                group["label"] = labels.get(col.group) or [col.label]
                group[target] = [v for v, _ in _items(col, value, fmt, {})]
            elif target in ("address", "rolodex_address"):
                read = parse_address if target == "address" else _rolodex_address
                values["addresses"].append(read(value))
            elif target in ("birthday", "anniversary"):
                values.setdefault(target, _date(value, fmt))
            elif target == "event" and _label(labels.get(col.group, [""])[0])[0] == \
                    "anniversary":
                values.setdefault("anniversary", _date(value, fmt))
            elif target == "tags":
                values["tags"] += _tags(value, fmt)
            elif target in _SCALARS or target in ("email_one", "phone_one") or \
                    target.startswith("birth_"):
                values.setdefault(target, raw if target == "notes" else value)
            elif target in ("custom", "event"):
                key = col.label or _label(labels.get(col.group, [""])[0])[0] or header
                fields[_word(key, "-#") or f"column-{i + 1}"] = value
            else:
                fields[_word(header, "-#") or f"column-{i + 1}"] = value
        except RolodexError as exc:
            raise _Skip(f"column '{header}': {exc.message}") from None
    for kind, parse in (("email", _email), ("phone", parse_phone)):
        one = values.pop(f"{kind}_one", None)
        if one and not values[kind + "s"]:  # rolodex's export: 'emails' says it all
            try:
                values[kind + "s"].append(parse(one))
            except RolodexError as exc:
                raise _Skip(f"column '{kind}': {exc.message}") from None
    year, month, day = (values.pop(f"birth_{k}", "") for k in ("year", "month", "day"))
    if month and day and "birthday" not in values:
        try:
            values["birthday"] = PartialDate(int(year) if year else None, int(month), int(day))
        except (ValueError, RolodexError):
            raise _Skip(f"no such birthday: year {year}, month {month}, day {day}") from None
    values["addresses"] += _addresses(groups)
    values["tags"] = list(dict.fromkeys(values["tags"]))
    name = values.pop("name", None)
    if not name and any(values.get(k) for k in ("first_name", "middle_name", "last_name")):
        name = join_name(*(values.get(k) for k in ("prefix", "first_name", "middle_name",
                                                   "last_name", "suffix")))
    name = name or (values["emails"][0].address if values["emails"] else None)
    if not name:
        raise _Skip("no name and no email")
    return ContactData(name=name, **values, fields=fields)


def read_contacts_csv(data: bytes, *, source: str = "-", encoding: str | None = None,
                      mapping: dict[str, str] | None = None
                      ) -> tuple[list[ContactData], list[RowError]]:
    """Contacts in a CSV file, and the rows that could not be read (with their lines)."""
    contacts: list[ContactData] = []
    errors: list[RowError] = []
    for found in CsvFile(data, source=source, encoding=encoding, mapping=mapping):
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
                 mapping: dict[str, str] | None = None) -> None:
        self.source, self._mapping, self._data = source, mapping, data
        self._codec, head = _codec(data, source, encoding)
        self._delimiter = _delimiter(head)
        self.expected = sum(1 for _ in self._rows(make=False))

    def __iter__(self) -> Iterator[ContactData | RowError]:
        return self._rows(make=True)

    def _rows(self, *, make: bool) -> Iterator[ContactData | RowError | None]:
        """Each data row as a contact or a RowError (``make``), else as None."""
        source = self.source
        # Decoded as it is read: the whole text of a large file as one str (or StringIO,
        # four bytes a character) would be most of an import's memory.
        lines = io.TextIOWrapper(io.BytesIO(self._data), encoding=self._codec, newline="")
        reader = csv.reader(lines, delimiter=self._delimiter, strict=True)
        headers: list[str] | None = None
        cols: list[_Col | None] = []
        fmt = ""
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "end of data" in str(exc):
                    raise FileError(f"{source}: line {start}: a quoted field is never closed",
                                    hint="check the quotes on that line") from None
                if headers is None:
                    raise FileError(f"{source}: line {start}: cannot read the header: {exc}") \
                        from None
                yield RowError(source, start, f"malformed quoting: {exc}") if make else None
                continue
            if not any(c.strip() for c in cells):
                continue
            if headers is None:
                cells[0] = cells[0].removeprefix("\ufeff")  # a BOM the codec kept
                headers = [c.strip() for c in cells]
                fmt, cols = _columns(headers, source, self._mapping)
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
