"""A contact changed on both sides since the last sync, merged property by property against
the card as it was then (the base).

Each group of properties (the name, the organisation, the notes, the birthday, one custom
field...) is compared with the base: changed on one side only, that side's value is taken;
the same on both, nothing to decide; changed differently on both, a *conflict*: the local
value stays and the remote one is reported (``rolodex sync conflicts``). Emails, phones,
addresses, URLs and tags merge item by item: one added on either side is kept, one removed
on either side goes, so two people adding a phone each get both. Without a base (the same
UID new on both sides) nothing is known to be removed: lists join, a value one side lacks
is the other's, differing values conflict.
"""

from __future__ import annotations

import copy
from typing import Any

from rolodex.models import ContactData
from rolodex.normalize import fold

# The groups of ``formats.vcard.meaning`` and the ContactData attributes that hold each.
GROUPS = {
    "name": ("name", "prefix", "first_name", "middle_name", "last_name", "suffix"),
    "nickname": ("nickname",), "org": ("company", "department"), "title": ("title",),
    "emails": ("emails",), "phones": ("phones",), "addresses": ("addresses",),
    "urls": ("urls",), "birthday": ("birthday", "birthday_text"),
    "anniversary": ("anniversary",), "tags": ("tags",), "notes": ("notes",),
    "fields": ("fields",), "deathdate": ("deathdate",), "dates": ("dates",),
}
_ITEMS = ("emails", "phones", "addresses", "urls")


def _key(group: str, entry: list) -> Any:
    """What names one item of a list: the address, number or URL (an address: its lines)."""
    return tuple(entry[:5]) if group == "addresses" else entry[0]


def three_way(base: ContactData | None, local: ContactData, remote: ContactData
              ) -> tuple[ContactData, list[dict[str, Any]]]:
    """The merged contact (the remote card's, holding the values taken from the local
    side) and the conflicts: {field, local, remote}, the values as a person reads them."""
    from rolodex.formats.vcard import meaning

    b = meaning(base) if base is not None else None
    m_local, m_remote = meaning(local), meaning(remote)
    merged = copy.copy(remote)
    conflicts: list[dict[str, Any]] = []
    for group in GROUPS:
        mine, theirs = m_local[group], m_remote[group]
        was = b[group] if b is not None else None
        if mine == theirs or (b is not None and mine == was) or (b is None and _empty(mine)):
            continue  # agreed, or only the remote side changed (or says anything): theirs
        if (b is not None and theirs == was) or (b is None and _empty(theirs)):
            take(merged, local, group)
        elif group in _ITEMS:
            setattr(merged, group, _items(group, was, m_local[group], local, theirs, remote))
        elif group == "tags":
            merged.tags = _tags(was, local.tags, remote.tags)
        elif group == "fields":
            merged.fields, clashes = _fields(was, local.fields, remote.fields)
            conflicts += clashes
        else:
            take(merged, local, group)
            conflicts.append({"field": group, "local": shown(group, mine),
                              "remote": shown(group, theirs)})
    return merged, conflicts


def _empty(value: Any) -> bool:
    """A group's meaning that says nothing: no value, or a name or ORG of empty parts."""
    return not value or (isinstance(value, list) and not any(value))


def take(target: ContactData, source: ContactData, field: str) -> None:
    """Give ``target`` the value ``source`` has for a group (or ``field KEY``)."""
    if field.startswith("field "):
        key = field[len("field "):]
        target.fields = dict(target.fields)
        if key in source.fields:
            target.fields[key] = source.fields[key]
        else:
            target.fields.pop(key, None)
        return
    for attr in GROUPS[field]:
        value = getattr(source, attr)
        setattr(target, attr, copy.copy(value) if isinstance(value, (list, dict)) else value)


def shown(group: str, value: Any) -> Any:
    """A group's meaning as a person reads it: the name for a name, 'Acme / Sales'."""
    if value is None:
        return None
    if group == "name":
        return value[0]
    if group == "org":
        return " / ".join(v for v in value if v) or None
    if group == "birthday" and isinstance(value, list):
        return value[-1]
    return value


def _items(group: str, base: list | None, mine: list, local: ContactData, theirs: list,
           remote: ContactData) -> list:
    """The local items still on the far side or added here, then those added there."""
    was = {_key(group, e): e for e in base or ()}
    there = {_key(group, e): (e, item) for e, item in zip(theirs, getattr(remote, group),
                                                          strict=True)}
    here = {_key(group, e) for e in mine}
    out = []
    for entry, item in zip(mine, getattr(local, group), strict=True):
        key = _key(group, entry)
        if key in there:
            remote_item = there[key][1]
            # the label or preference changed on the far side only: theirs
            out.append(remote_item if was.get(key) == entry else item)
        elif key not in was:
            out.append(item)  # added here
    out += [item for key, (_, item) in there.items() if key not in here and key not in was]
    return out


def _tags(base: list | None, mine: list[str], theirs: list[str]) -> list[str]:
    was = {fold(t) for t in base or ()}
    there = {fold(t) for t in theirs}
    here = {fold(t) for t in mine}
    return ([t for t in mine if fold(t) in there or fold(t) not in was]
            + [t for t in theirs if fold(t) not in here and fold(t) not in was])


def _fields(base: dict | None, mine: dict, theirs: dict
            ) -> tuple[dict[str, str], list[dict[str, Any]]]:
    was = base or {}
    out: dict[str, str] = {}
    conflicts = []
    for key in dict.fromkeys([*mine, *theirs]):
        a, b, w = mine.get(key), theirs.get(key), was.get(key)
        if a in (b, w):
            value = b
        elif b == w:
            value = a
        else:
            value = a
            conflicts.append({"field": f"field {key}", "local": a, "remote": b})
        if value is not None:
            out[key] = value
    return out, conflicts
