"""A calendar item (an event with its moved occurrences, a task, a journal entry) changed on
both sides since the last sync, merged property by property against the item as it was
then (the base), as ``contact_3way`` merges a card.

Each component (the series, each RECURRENCE-ID) is compared on its own; within it, each
property: changed on one side only, that side's value is taken; changed differently on
both, a *conflict*: the local value stays and the remote one is reported. A time is one
field (DTSTART, DTEND, DURATION and DUE move together, never half from each side), as is
a task's state (STATUS, COMPLETED, PERCENT-COMPLETE). ATTENDEE, CATEGORIES, EXDATE, RDATE,
alarms and the other repeatable properties merge item by item: one added on either side
is kept, one removed on either side goes. An occurrence moved or added on one side is
kept; one removed on one side and left alone on the other goes. Without a base (the same
UID new on both sides) nothing is known to be removed: lists join, differing values
conflict.

Lines are compared as iCalendar writes them (parameters sorted), so two writers spelling a
value alike agree. ``icalendar`` is imported inside the functions.
"""

from __future__ import annotations

import re
from typing import Any

# Changed by every writer on every save: never compared, taken from the far side.
IGNORED = frozenset({"DTSTAMP", "LAST-MODIFIED", "CREATED", "SEQUENCE"})
GROUPS = {"DTSTART": "time", "DTEND": "time", "DURATION": "time", "DUE": "time",
          "STATUS": "status", "COMPLETED": "status", "PERCENT-COMPLETE": "status"}
MULTI = frozenset({"ATTENDEE", "CATEGORIES", "EXDATE", "RDATE", "COMMENT", "CONTACT",
                   "ATTACH", "RELATED-TO", "RESOURCES", "VALARM"})
_SPLIT = frozenset({"CATEGORIES", "EXDATE", "RDATE"})  # one item per comma-separated value
_VALUE_START = re.compile(r'^(?:[^":]|"[^"]*")*:')
_COMMA = re.compile(r"(?<!\\),")

Fields = dict[str, dict[str, str]]  # field -> item key -> content line(s)


def _split_line(line: str) -> tuple[str, str]:
    """(``NAME;PARAMS:``, value) of a content line; a colon in a quoted parameter (CN="Doe:
    Jane") is not the separator."""
    found = _VALUE_START.match(line)
    return (line[:found.end()], line[found.end():]) if found else (line, "")


def _fields(component: Any) -> tuple[Fields, list[str]]:
    """(its fields, its ignored lines) of one component."""
    fields: Fields = {}
    ignored: list[str] = []
    for name, value in component.property_items(recursive=False, sorted=False):
        if name in ("BEGIN", "END"):
            continue
        line = str(component.content_line(name, value, sorted=True))
        if name in IGNORED:
            ignored.append(line)
            continue
        field = GROUPS.get(name, name)
        items = fields.setdefault(field, {})
        if name not in MULTI:
            items[name] = f"{items[name]}\r\n{line}" if name in items else line
            continue
        prefix, text = _split_line(line)
        for part in _COMMA.split(text) if name in _SPLIT else [text]:
            key = part.casefold() if name in ("ATTENDEE", "CATEGORIES") else part
            items[f"{name} {key}"] = prefix + part
    for sub in component.subcomponents:
        text = sub.to_ical().decode("utf-8", "replace").strip()
        key = str(sub.get("TRIGGER").to_ical().decode()) if sub.get("TRIGGER") else text
        fields.setdefault(sub.name, {})[f"{sub.name} {key}"] = text
    return fields, ignored


def _components(text: str | None, kind: str) -> tuple[dict[str, Any], dict[str, str]]:
    """(the item's components of ``kind`` by RECURRENCE-ID, '' for the series; its
    VTIMEZONEs by TZID as text); empty for no text."""
    if not text:
        return {}, {}
    import icalendar

    calendar = icalendar.Calendar.from_ical(text)
    found, zones = {}, {}
    for component in calendar.subcomponents:
        if component.name == kind:
            rid = component.get("RECURRENCE-ID")
            found[rid.to_ical().decode() if rid is not None else ""] = component
        elif component.name == "VTIMEZONE":
            zones[str(component.get("TZID"))] = component.to_ical().decode("utf-8").strip()
    return found, zones


def meaning(text: str, kind: str) -> dict[str, Fields]:
    """What an item says, without what every save changes: equal for two texts that only
    differ in how (or when) they were written."""
    return {key: _fields(c)[0] for key, c in _components(text, kind)[0].items()}


def _shown(items: dict[str, str] | None) -> str | None:
    if not items:
        return None
    return "; ".join(_split_line(line)[1] for line in items.values())


def _merge_fields(base: Fields | None, mine: Fields, theirs: Fields
                  ) -> tuple[Fields, list[dict[str, Any]]]:
    merged: Fields = {}
    clashes = []
    for field in dict.fromkeys([*mine, *theirs, *(base or {})]):
        m, t = mine.get(field, {}), theirs.get(field, {})
        b = (base or {}).get(field, {})
        if m == t or (base is not None and m == b):
            merged[field] = t
        elif base is not None and t == b:
            merged[field] = m
        elif field in MULTI:
            merged[field] = {**{k: (t[k] if b.get(k) == line else line)
                                for k, line in m.items() if k in t or k not in b},
                             **{k: line for k, line in t.items() if k not in m and k not in b}}
        elif not m or not t:  # set on one side only (or removed there, changed here)
            merged[field] = m or t
        else:
            merged[field] = m
            clashes.append({"field": field.lower(), "local": _shown(m),
                            "remote": _shown(t)})
    return merged, clashes


def _render(kind: str, fields: Fields, ignored: list[str]) -> str:
    lines = [line for items in fields.values() for line in items.values()]
    subcomponents = [line for line in lines if line.startswith("BEGIN:")]  # after the rest
    return "\r\n".join([f"BEGIN:{kind}", *ignored,
                         *(line for line in lines if not line.startswith("BEGIN:")),
                         *subcomponents, f"END:{kind}"])


def _calendar(parts: list[str], zones: dict[str, str]) -> str:
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//rolodex//rolodex//EN",
                        *zones.values(), *parts, "END:VCALENDAR"]) + "\r\n"


def three_way(base: str | None, local: str, remote: str, kind: str
              ) -> tuple[str, list[dict[str, Any]]]:
    """The merged item (one VCALENDAR text) and the conflicts: {field, local, remote}. An
    item either side cannot read keeps the local text, without conflict."""
    try:
        was, _ = _components(base, kind)
        mine, my_zones = _components(local, kind)
        theirs, their_zones = _components(remote, kind)
    except ValueError:
        return local, []
    parts, clashes = [], []
    for key in dict.fromkeys([*mine, *theirs]):
        m, t, b = mine.get(key), theirs.get(key), was.get(key)
        if m is None or t is None:
            one = m if m is not None else t
            if b is not None and _fields(one)[0] == _fields(b)[0]:
                continue  # removed on the other side, unchanged on this one
            parts.append(_render(kind, *_fields(one)))
            continue
        fields, found = _merge_fields(_fields(b)[0] if b is not None else None,
                                      _fields(m)[0], _fields(t)[0])
        clashes += [c for c in found if c["field"] not in {k["field"] for k in clashes}]
        parts.append(_render(kind, fields, _fields(t)[1]))
    return _calendar(parts, {**my_zones, **their_zones}), clashes


def take(local: str, theirs: list[tuple[str, str]], kind: str) -> str | None:
    """The local item with the far side's value of each (remote item, field) pair: ``sync
    conflicts --prefer remote``. None when the local item cannot be read."""
    try:
        mine, zones = _components(local, kind)
    except ValueError:
        return None
    fields = {key: _fields(c) for key, c in mine.items()}
    for remote, name in theirs:
        field = name if name in GROUPS.values() else name.upper()
        try:
            other, other_zones = _components(remote, kind)
        except ValueError:
            continue
        zones.update(other_zones)
        for key, (own, _) in fields.items():
            if key in other:
                value = _fields(other[key])[0].get(field)
                if value:
                    own[field] = value
                else:
                    own.pop(field, None)
    return _calendar([_render(kind, f, ignored) for f, ignored in fields.values()], zones)
