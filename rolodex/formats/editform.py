"""The readable text form of a contact that ``contact edit --editor`` opens in $EDITOR.

It reads back strictly: an unknown key, a malformed line or an invalid value is refused
with its line number, so nothing is saved from a form the user did not mean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rolodex.errors import InvalidInput, RolodexError
from rolodex.models import (
    Address,
    Email,
    Phone,
    Url,
    check_tag,
    check_typed_tag,
    join_labelled,
    parse_address,
    parse_email,
    parse_phone,
    parse_url,
)

SCALARS = ("name", "prefix", "first_name", "middle_name", "last_name", "suffix", "nickname",
           "company", "title", "department", "birthday", "anniversary", "status", "source",
           "owner", "every")
LISTS = {"emails": parse_email, "phones": parse_phone, "addresses": parse_address,
         "urls": parse_url}
KINDS = {"emails": Email, "phones": Phone, "addresses": Address, "urls": Url}
HEADER = """\
# Editing contact #{id} ({uid}). Save and quit to apply; quit without saving to cancel.
# Lines starting with # are ignored. An empty value clears a field.
# emails, phones, addresses, urls: one '  - VALUE (label, preferred)' line each;
#   an address is 'street; city; region; postcode; country'.
# fields: one '  key: value' line each. notes: the indented lines below it.
# birthday/anniversary: 1985-04-15 or --04-15 (no year). every: stay-in-touch days.
"""


@dataclass
class EditedContact:
    """What the form says; every field present, as the store wants it."""

    values: dict[str, Any] = field(default_factory=dict)
    company: str | None = None
    details: dict[type, list] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    notes: str | None = None


def join_tags(tags: list[str]) -> str:
    """Tags for the form's ``tags:`` line, comma-separated; one with a comma or a double
    quote in it is quoted (``vip, "Food, Inc."``)."""
    return ", ".join('"' + t.replace('"', '""') + '"' if "," in t or '"' in t else t
                     for t in tags)


def split_tags(text: str) -> list[str]:
    """The inverse of :func:`join_tags`: commas outside double quotes separate tags
    (``""`` is a quote inside them), so a tag keeps its spaces."""
    tags, current, quoted, i = [], [], False, 0
    while i < len(text):
        char = text[i]
        if char == '"' and quoted and text[i + 1:i + 2] == '"':
            current.append('"')
            i += 1
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            tags.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    tags.append("".join(current))
    return [t.strip() for t in tags if t.strip()]


def to_text(c: dict[str, Any]) -> str:
    """The form for one contact record (the JSON shape of ``contact show``)."""
    lines = [HEADER.format(id=c["id"], uid=c["uid"])]
    scalars = {**c, "every": c["cadence_days"]}
    lines += [f"{key}: {scalars[key] if scalars[key] is not None else ''}".rstrip()
              for key in SCALARS]
    lines.append(f"tags: {join_tags(c['tags'])}".rstrip())
    for key, main in (("emails", "address"), ("phones", "number"), ("urls", "url")):
        lines.append(f"{key}:")
        lines += [f"  - {join_labelled(i[main], i['label'], i['preferred'])}" for i in c[key]]
    lines.append("addresses:")
    for a in c["addresses"]:
        text = "; ".join(a[k] or "" for k in ("street", "locality", "region", "postcode",
                                                "country")).rstrip("; ")
        lines.append(f"  - {join_labelled(text, a['label'], a['preferred'])}")
    lines.append("fields:")
    lines += [f"  {k}: {v}" for k, v in c["custom"].items()]
    lines.append("notes:")
    lines += [f"  {line}".rstrip() for line in (c["notes"] or "").splitlines()]
    return "\n".join(lines) + "\n"


def _fail(number: int, message: str) -> InvalidInput:
    return InvalidInput(f"line {number}: {message}", hint="nothing was saved")


def parse(text: str, statuses: list[str] | None = None, tags: list[str] = ()
          ) -> EditedContact:
    """Read an edited form back; raises InvalidInput naming the line at fault.

    ``statuses`` are the allowed contact statuses (a setting of the database); ``tags``
    the contact's tags before the edit, which stay even when a typed tag could not be
    one (an imported ``-archived``).
    """
    out = EditedContact(details={kind: [] for kind in KINDS.values()})
    seen: set[str] = set()
    block: str | None = None
    notes: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.startswith("#"):
            continue
        if raw[:1].isspace() or not raw.strip():
            if block is None:
                if raw.strip():
                    raise _fail(number, "indented line outside emails/phones/fields/notes")
                continue
            _block_line(out, block, raw, number, notes)
            continue
        key, sep, value = raw.partition(":")
        key, value = key.strip(), value.strip()
        if not sep or key not in (*SCALARS, "tags", *LISTS, "fields", "notes"):
            raise _fail(number, f"unknown field '{key}'" if sep else f"expected 'key: value', "
                        f"got '{raw.strip()}'")
        if key in seen:
            raise _fail(number, f"'{key}' appears twice")
        seen.add(key)
        block = key if key in (*LISTS, "fields", "notes") else None
        if block and value:
            raise _fail(number, f"write the {key} on the indented lines below '{key}:'")
        try:
            _scalar(out, key, value, {t.casefold() for t in tags})
            if key == "status" and value and statuses is not None \
                    and value.lower() not in statuses:
                raise InvalidInput(f"unknown status '{value}' (use one of: "
                                   f"{', '.join(statuses)})")
        except RolodexError as exc:
            raise _fail(number, exc.message) from exc
    if "name" not in seen or not out.values.get("name"):
        raise InvalidInput("the form must keep a 'name:' line with a name",
                           hint="nothing was saved")
    out.notes = "\n".join(notes).strip("\n") or None
    return out


def _scalar(out: EditedContact, key: str, value: str, had: set[str]) -> None:
    if key == "tags":
        out.tags = [check_tag(t) if t.casefold() in had else check_typed_tag(t)
                    for t in split_tags(value)]
    elif key == "company":
        out.company = value or None
    elif key in ("birthday", "anniversary"):
        from rolodex.date_input import parse_partial_date

        out.values[key] = parse_partial_date(value) if value else None
    elif key == "every":
        from rolodex.date_input import parse_days

        out.values["cadence_days"] = parse_days(value) if value else None
    elif key in SCALARS:
        out.values[key] = value or None


def _block_line(out: EditedContact, block: str, raw: str, number: int, notes: list) -> None:
    if block == "notes":
        notes.append(raw[2:] if raw.startswith("  ") else raw.strip())
        return
    line = raw.strip()
    if not line:
        return
    try:
        if block == "fields":
            key, sep, value = line.partition(":")
            if not sep or not key.strip():
                raise _fail(number, f"custom fields are 'key: value', not '{line}'")
            if key.strip() in out.fields:
                raise _fail(number, f"field '{key.strip()}' appears twice")
            out.fields[key.strip()] = value.strip()
            return
        if not line.startswith("- "):
            raise _fail(number, f"list items start with '- ', got '{line}'")
        out.details[KINDS[block]].append(LISTS[block](line[2:]))
    except InvalidInput as exc:
        if exc.message.startswith("line "):
            raise
        raise _fail(number, exc.message) from exc
