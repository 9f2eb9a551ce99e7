"""Bringing a stored contact together with an incoming card: merge (the default) or replace.

**merge** only adds. A value the contact lacks is added (an email, a phone, an address, a
URL, a tag, a custom field); a single-valued field (name, title, organisation, nickname,
birthday, anniversary, notes, a custom field's value) is filled when the contact has none.
When both have a value and they differ, the contact's own value stays and the difference is
a *conflict* in the report, with one exception: a card found by its UID whose source
changed a value that nobody changed in rolodex since the last import (the stored value is
still the one that card brought then) updates it, since that value was never typed here.
Nothing is ever removed. **replace** makes every field the card models equal the card's,
removals included (the journal keeps the old values: ``rolodex undo`` brings them back).

Each change is described (``Change``) so a dry run can show, per contact, what an import
would add, set or leave in conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace as replace_
from typing import Any

from rolodex.models import RECORD_FIELDS, Address, ContactData, Email, Phone, Url
from rolodex.normalize import fold
from rolodex.store import records
from rolodex.store.db import Database
from rolodex.store.people import contacts
from rolodex.store.people import details as detail_rows
from rolodex.store.refs import company_named

# The single-valued groups of a card's meaning and the contact columns each one sets.
SINGLE = {"name": ("name", "prefix", "first_name", "middle_name", "last_name", "suffix"),
          "nickname": ("nickname",), "org": ("company", "department"), "title": ("title",),
          "birthday": ("birthday", "birthday_text"), "anniversary": ("anniversary",),
          "notes": ("notes",), "deathdate": ("deathdate",)}
DETAILS = {"emails": Email, "phones": Phone, "addresses": Address, "urls": Url}
_DETAIL_WORDS = {"emails": "email", "phones": "phone", "addresses": "address", "urls": "URL"}


@dataclass
class Change:
    """One field-level change: ``add`` (a value added to a list), ``set`` (an empty or
    source-owned field given the card's value), ``remove`` (replace only), or ``conflict``
    (the contact's value kept, the card's differs)."""

    action: str
    field: str
    value: Any = None  # what was added, set or removed; the card's value in a conflict
    local: Any = None  # the contact's value before (set, conflict)

    def as_dict(self) -> dict[str, Any]:
        return {"action": self.action, "field": self.field, "value": self.value,
                "local": self.local}

    def describe(self) -> str:
        """One line's worth for the import summary on stderr."""
        if self.action == "add":
            return f"+ {self.field} {_text(self.value)}"
        if self.action == "remove":
            return f"- {self.field} {_text(self.value)}"
        if self.action == "set":
            before = f" (was {_text(self.local)})" if self.local not in (None, "") else ""
            return f"{self.field} = {_text(self.value)}{before}"
        return f"{self.field}: kept {_text(self.local)}, card says {_text(self.value)}"


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(_text(v) for v in value if v not in (None, ""))
    return repr(value) if isinstance(value, str) else str(value)


def empty(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return all(empty(v) for v in value)
    if isinstance(value, dict):
        return not value
    return value is None or value == "" or value is False


def merge(db: Database, contact_id: int, data: ContactData, record: dict, current: dict,
          new: dict, base: dict | None, *, by_uid: bool) -> list[Change]:
    """Add what the card has and the contact lacks; see the module docstring. ``record``
    is the contact (its JSON shape) and ``current`` its meaning; ``new`` and ``base`` are
    the card's meaning now and at the last import (None: never imported). Returns the
    changes made, conflicts included."""
    changes: list[Change] = []
    values: dict[str, Any] = {}
    for group in SINGLE:
        local, incoming = current[group], new[group]
        if empty(incoming) or _same(group, local, incoming):
            continue
        owned = by_uid and base is not None and _same(group, local, base.get(group))
        if empty(local) or owned or _refines(group, local, incoming):
            values.update(_columns(group, data))
            changes.append(Change("set", _field(group), _shown(group, incoming),
                                  _shown(group, local)))
        else:
            changes.append(Change("conflict", _field(group), _shown(group, incoming),
                                  _shown(group, local)))
    if values:
        _write_values(db, contact_id, data, values)
    for group, kind in DETAILS.items():
        have = {detail_rows.detail_key(kind, item): item for item in _stored(current, group)}
        for item in getattr(data, group):
            key = detail_rows.detail_key(kind, item)
            mine = have.get(key)
            if mine is not None:
                if item.label and not mine.label:  # a label the contact's value lacks
                    detail_rows.add(db, contact_id, replace_(item, preferred=False))
                    changes.append(Change("set", f"{_DETAIL_WORDS[group]} label",
                                          f"{_detail_text(mine)} ({item.label})"))
                    mine.label = item.label
                continue
            have[key] = item
            # Added, never preferred: the contact's preferred address stays its own.
            detail_rows.add(db, contact_id, replace_(item, preferred=False))
            changes.append(Change("add", _DETAIL_WORDS[group], _detail_text(item)))
    tags = {fold(t) for t in record["tags"]}
    added = [t for t in dict.fromkeys(data.tags) if fold(t) not in tags]
    if added:
        records.add_tags(db, "contact", contact_id, added)
        changes += [Change("add", "tag", t) for t in added]
    changes += _merge_fields(db, contact_id, data, current["fields"],
                             (base or {}).get("fields") if by_uid and base else None)
    changes += _record_fields(db, contact_id, data, record, replacing=False)
    changes += _labelled_dates(db, contact_id, data, record, replacing=False)
    return changes


def _labelled_dates(db: Database, contact_id: int, data: ContactData, record: dict, *,
                    replacing: bool) -> list[Change]:
    """Labelled dates ("Hired", "Anniversary"): merging adds those the contact lacks;
    replacing makes them the card's."""
    from rolodex.dates import PartialDate
    from rolodex.store.people import labelled_dates

    mine = [(d["label"], d["date"]) for d in record.get("dates") or ()]
    theirs = [(label, value.iso()) for label, value in data.dates]
    added = [d for d in dict.fromkeys(theirs) if d not in mine]
    gone = [d for d in mine if d not in theirs] if replacing else []
    if not added and not gone:
        return []
    wanted = theirs if replacing else mine + added
    labelled_dates.replace(db, contact_id, [(label, PartialDate.from_iso(day))
                                            for label, day in wanted])
    return [Change("add", "date", f"{label or 'date'} {day}") for label, day in added] + [
        Change("remove", "date", f"{label or 'date'} {day}") for label, day in gone]


def _record_fields(db: Database, contact_id: int, data: ContactData, record: dict, *,
                   replacing: bool) -> list[Change]:
    """Status, lead source, owner and cadence, which only rolodex's own CSV carries: a
    value the row has and the contact lacks is set; a different one is a conflict (or,
    replacing, taken). A row without them changes nothing."""
    changes: list[Change] = []
    values: dict[str, Any] = {}
    for key in RECORD_FIELDS:
        value, mine = getattr(data, key), record.get(key)
        if value in (None, "") or value == mine:
            continue
        if replacing or mine in (None, ""):
            values[key] = value
            changes.append(Change("set", key, value, mine))
        else:
            changes.append(Change("conflict", key, value, mine))
    if values:
        contacts.update_contact(db, contact_id, values)
    return changes


def replace(db: Database, contact_id: int, data: ContactData, record: dict, current: dict,
            new: dict) -> list[Change]:
    """Make every field the card models equal the card's (``--on-match replace``)."""
    changes: list[Change] = []
    values: dict[str, Any] = {}
    for group in SINGLE:
        if current[group] != new[group]:
            values.update(_columns(group, data))
            changes.append(Change("set", _field(group), _shown(group, new[group]),
                                  _shown(group, current[group])))
    if values:
        _write_values(db, contact_id, data, values)
    for group, kind in DETAILS.items():
        before = {detail_rows.detail_key(kind, i): i for i in _stored(current, group)}
        after = {detail_rows.detail_key(kind, i): i for i in getattr(data, group)}
        if [detail_rows.detail_key(kind, i) for i in _stored(current, group)] != list(after) \
                or current[group] != new[group]:
            detail_rows.replace(db, contact_id, kind, list(getattr(data, group)))
            changes += [Change("add", _DETAIL_WORDS[group], _detail_text(after[k]))
                        for k in after if k not in before]
            changes += [Change("remove", _DETAIL_WORDS[group], _detail_text(before[k]))
                        for k in before if k not in after]
    old_tags = {fold(t): t for t in record["tags"]}
    new_tags = {fold(t): t for t in data.tags}
    gone = [t for k, t in old_tags.items() if k not in new_tags]
    came = [t for k, t in new_tags.items() if k not in old_tags]
    records.remove_tags(db, "contact", contact_id, gone)
    records.add_tags(db, "contact", contact_id, came)
    changes += [Change("add", "tag", t) for t in came] + [Change("remove", "tag", t)
                                                          for t in gone]
    for key in current["fields"].keys() - data.fields.keys():
        records.set_field(db, "contact", contact_id, key, None)
        changes.append(Change("remove", f"field {key}", current["fields"][key]))
    for key, value in data.fields.items():
        if current["fields"].get(key) != value:
            records.set_field(db, "contact", contact_id, key, value)
            changes.append(Change("set", f"field {key}", value, current["fields"].get(key)))
    return (changes + _record_fields(db, contact_id, data, record, replacing=True)
            + _labelled_dates(db, contact_id, data, record, replacing=True))


def _merge_fields(db: Database, contact_id: int, data: ContactData, local: dict[str, Any],
                  base: dict[str, Any] | None) -> list[Change]:
    """Custom fields, each a single value of its own: added when missing, a conflict when
    different (unless the source owned the old value, as for the other fields)."""
    changes: list[Change] = []
    for key, value in data.fields.items():
        mine = local.get(key)
        if value in (None, "") or mine == value:
            continue
        if mine in (None, "") or (base is not None and base.get(key) == mine):
            records.set_field(db, "contact", contact_id, key, value)
            changes.append(Change("set", f"field {key}", value, mine))
        else:
            changes.append(Change("conflict", f"field {key}", value, mine))
    return changes


def _same(group: str, a: Any, b: Any) -> bool:
    """Whether two meanings of a group say the same; a name or an organisation compares
    its words, not their case, spacing or accents."""
    if a == b:
        return True
    if a is None or b is None:
        return empty(a) and empty(b)
    if group in ("name", "org"):
        return [fold(x) for x in a] == [fold(x) for x in b]
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.split()) == " ".join(b.split())
    return False


def _refines(group: str, local: Any, incoming: Any) -> bool:
    """A name with the same display name whose parts the contact lacks (the card says which
    word is the family name): filling them in changes nothing anyone typed."""
    return group == "name" and fold(local[0]) == fold(incoming[0]) and empty(local[1:])


def _columns(group: str, data: ContactData) -> dict[str, Any]:
    return {column: getattr(data, column) for column in SINGLE[group]}


def _write_values(db: Database, contact_id: int, data: ContactData,
                  values: dict[str, Any]) -> None:
    if "company" in values:
        company = values.pop("company")
        values["company_id"] = company_named(db, company) if company else None
    contacts.update_contact(db, contact_id, values)


def _field(group: str) -> str:
    return {"org": "organisation", "deathdate": "date of death"}.get(group, group)


def _shown(group: str, meaning: Any) -> Any:
    """What a group's meaning looks like to a person: the name for a name, 'Acme / Sales'
    for an organisation, the value itself otherwise."""
    if meaning is None:
        return None
    if group == "name":
        return meaning[0]
    if group == "org":
        return " / ".join(m for m in meaning if m) or None
    if group == "birthday" and isinstance(meaning, list):  # ["text", "circa 1800"]
        return meaning[-1]
    return meaning


def _stored(current: dict, group: str) -> list:
    """The contact's details of one kind as model objects (the meaning holds lists)."""
    kind = DETAILS[group]
    return [kind(*item) if kind is not Address else Address(*item)
            for item in current[group]]


def _detail_text(item: Email | Phone | Address | Url) -> str:
    if isinstance(item, Address):
        return item.one_line()
    return next(iter(item.__dict__.values()))
