"""Mail-merge templates: ``{{ field }}`` and ``{{ field | fallback }}`` in any text.

Deliberately small (no loops, no logic, standard library only): a letter is text with
blanks. Every field is checked before anything is rendered, so a typo fails the whole run
with its line instead of producing a hundred letters that say "Dear ,".

``{{{{`` writes a literal ``{{``; a ``}}`` outside a placeholder is plain text. Parsing
is linear in the template's size, however many blanks it has, and a template is at most
``MAX_TEMPLATE_BYTES`` (the reader stops there, so ``/dev/zero`` is refused, not read).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Any, BinaryIO

from rolodex.errors import FileError, InvalidInput
from rolodex.normalize import fold

OPEN, CLOSE, ESCAPE = "{{", "}}", "{{{{"
CUSTOM = "field."
# name -> what it holds (the README and --help list them in this order)
FIELDS = {
    "name": "display name", "prefix": "name prefix (Dr.)", "first_name": "first name",
    "middle_name": "middle name", "last_name": "last name", "suffix": "name suffix",
    "nickname": "nickname", "title": "job title", "department": "department",
    "company": "company name", "email": "preferred (else first) email",
    "phone": "preferred (else first) phone", "street": "street of the preferred address",
    "city": "city", "region": "region or state", "postcode": "postcode", "country": "country",
    "address": "the whole preferred address, several lines", "birthday": "birthday as stored",
    "status": "status", "owner": "owner", "source": "lead source", "uid": "UID", "id": "id",
    "tags": "tags, comma-separated",
    "last_interaction.date": "day of the latest history entry (local, ISO)",
    "last_interaction.kind": "its kind (call, email...)",
    "last_interaction.text": "its text",
    "last_interaction.days_ago": "days since then",
    "today": "today's date (local, ISO)",
}
_SAFE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}")
MAX_TEMPLATE_BYTES = 1024 * 1024  # a letter is a page or two: 1 MiB is far beyond any
MAX_SLUG = 60


@dataclass(frozen=True)
class Slot:
    """A placeholder: the field it names, its fallback text, the line it is on."""

    field: str
    fallback: str | None
    line: int


Template = list["str | Slot"]


def parse(text: str, source: str) -> Template:
    """The template as literal text and slots; an unterminated ``{{`` fails with its line."""
    parts: Template = []
    literal: list[str] = []
    i = 0
    line, counted = 1, 0  # the line at offset ``counted``: each stretch is counted once
    while True:
        start = text.find(OPEN, i)
        if start == -1:
            literal.append(text[i:])
            break
        literal.append(text[i:start])
        if text.startswith(ESCAPE, start):
            literal.append(OPEN)
            i = start + len(ESCAPE)
            continue
        line += text.count("\n", counted, start)
        counted = start
        end = text.find(CLOSE, start + len(OPEN))
        if end == -1 or text.find("\n", start, end) != -1:
            raise InvalidInput(f"{source}:{line}: unterminated '{OPEN}' (close it with "
                               f"'{CLOSE}' on the same line; write '{ESCAPE}' for a literal "
                               f"'{OPEN}')")
        name, bar, fallback = text[start + len(OPEN):end].partition("|")
        parts.append("".join(literal))
        literal = []
        parts.append(Slot(name.strip(), fallback.strip() if bar else None, line))
        i = end + len(CLOSE)
    parts.append("".join(literal))
    return [p for p in parts if p != ""]


def check_fields(template: Template, source: str, custom_keys: list[str],
                 extra: tuple[str, ...] = ()) -> None:
    """Fail on the first field that does not exist, naming its line and a near name.

    ``field.KEY`` exists when some contact in the database has custom field KEY; a
    contact without it renders it empty (or as the fallback).
    """
    known = {*FIELDS, *extra, *(CUSTOM + k for k in custom_keys)}
    for slot in template:
        if not isinstance(slot, Slot) or slot.field in known:
            continue
        if not slot.field:
            raise InvalidInput(f"{source}:{slot.line}: empty placeholder '{OPEN} {CLOSE}'")
        import difflib

        close = difflib.get_close_matches(slot.field, sorted(known), n=1, cutoff=0.6)
        advice = f"did you mean {close[0]}?" if close else \
            "'rolodex merge-letter --help' lists the fields"
        raise InvalidInput(f"{source}:{slot.line}: unknown field '{slot.field}' ({advice})")


def read_template(stream: BinaryIO, source: str) -> str:
    """The template's text, read no further than ``MAX_TEMPLATE_BYTES`` (and one byte to
    know it goes on): an endless or huge file is refused with the limit, never loaded."""
    data = stream.read(MAX_TEMPLATE_BYTES + 1)
    if len(data) > MAX_TEMPLATE_BYTES:
        raise FileError(f"{source} is larger than {MAX_TEMPLATE_BYTES // 1024 // 1024} MiB, "
                        "the limit for a merge-letter template")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileError(f"{source} is not UTF-8 text") from exc


def render(template: Template, values: dict[str, str | None]) -> str:
    """The letter for one contact: each slot's value, or its fallback when empty."""
    out = []
    for part in template:
        if isinstance(part, str):
            out.append(part)
            continue
        value = values.get(part.field)
        if value is None or not value.strip():
            value = part.fallback or ""
        out.append(value)
    return "".join(out)


def _preferred(items: list[dict]) -> dict | None:
    return next((i for i in items if i.get("preferred")), items[0] if items else None)


def address_lines(address: dict | None) -> str | None:
    """Street, "postcode city", region and country, one a line, empty parts left out."""
    if not address:
        return None
    town = " ".join(filter(None, (address.get("postcode"), address.get("locality"))))
    lines = [address.get("street"), town, address.get("region"), address.get("country")]
    return "\n".join(line for line in lines if line) or None


def values(record: dict[str, Any], last: dict[str, Any] | None, today: date,
           tz: tzinfo) -> dict[str, str | None]:
    """Every field's text for one contact: ``record`` is the contact JSON shape, ``last``
    its latest history entry (history JSON shape) or None."""
    out: dict[str, str | None] = {key: record.get(key) for key in (
        "name", "prefix", "first_name", "middle_name", "last_name", "suffix", "nickname",
        "title", "department", "company", "email", "phone", "birthday", "status", "owner",
        "source", "uid")}
    out["id"] = str(record["id"])
    out["tags"] = ", ".join(record.get("tags") or ()) or None
    address = _preferred(record.get("addresses") or [])
    for name, key in (("street", "street"), ("city", "locality"), ("region", "region"),
                      ("postcode", "postcode"), ("country", "country")):
        out[name] = address.get(key) if address else None
    out["address"] = address_lines(address)
    for key, value in (record.get("custom") or {}).items():
        out[CUSTOM + key] = value
    if last is not None:
        from rolodex.dates import from_utc_iso

        day = from_utc_iso(last["at"]).astimezone(tz).date()
        out["last_interaction.date"] = day.isoformat()
        out["last_interaction.kind"] = last["kind"]
        out["last_interaction.text"] = last["text"]
        out["last_interaction.days_ago"] = str((today - day).days)
    out["today"] = today.isoformat()
    return out


def file_name(contact_id: int, name: str, suffix: str) -> str:
    """``12-zoe-muller.md``: the id, then the name folded to ASCII letters, digits and
    dashes (no separators, dots or leading dots), capped; ``suffix`` if it is safe."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:MAX_SLUG].rstrip("-")
    suffix = suffix if _SAFE_SUFFIX.fullmatch(suffix) else ".txt"
    return f"{contact_id}-{slug}{suffix}" if slug else f"{contact_id}{suffix}"
