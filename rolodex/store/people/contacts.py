"""Writing contacts: add, edit, delete, tags, relationships, custom fields.

Every function takes an open Database, runs inside one journalled operation and keeps the
full-text index current, so callers (CLI, importers, merges) cannot leave either behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rolodex.dates import PartialDate
from rolodex.errors import InvalidInput, NotFound
from rolodex.models import INVERSE_KINDS, join_name, split_name
from rolodex.normalize import fold
from rolodex.store import journal, records, settings
from rolodex.store.db import Database
from rolodex.store.people import details as detail_rows
from rolodex.store.people.details import Detail
from rolodex.store.refs import company_for_contact, company_named
from rolodex.store.search.fulltext import reindex_contacts

NAME_PARTS = ("prefix", "first_name", "middle_name", "last_name", "suffix")
SCALARS = (
    *NAME_PARTS, "display_name", "nickname", "title", "department", "company_id", "birthday",
    "anniversary", "notes", "source", "status", "owner", "cadence_days", "birthday_text",
    "deathdate",
)


def _name_keys(display: str, parts: dict[str, Any]) -> dict[str, str]:
    last_first = " ".join(p for p in (parts.get("last_name"), parts.get("first_name"),
                                      parts.get("middle_name")) if p)
    return {"name_key": fold(display), "sort_key": fold(last_first or display)}


def _check_scalars(db: Database, values: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise scalar fields as they will be stored."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in SCALARS:
            raise ValueError(f"unknown contact field {key}")
        if isinstance(value, str):
            value = records.clean(value)
        if key in ("birthday", "anniversary") and value is not None:
            value = value.iso() if isinstance(value, PartialDate) else PartialDate.from_iso(
                value).iso()
        if key == "status" and value is not None:
            value = value.lower()
            allowed = settings.get(db, "contact.statuses")
            if value not in allowed:
                raise InvalidInput(f"unknown status '{value}'",
                                   hint=f"use one of: {', '.join(allowed)}")
        if key == "cadence_days" and value is not None and int(value) <= 0:
            raise InvalidInput("the stay-in-touch cadence must be a positive number of days")
        out[key] = value
    return out


def add_contact(db: Database, name: str, *, details: Sequence[Detail] = (), tags: list[str] = (),
                keep_duplicates: bool = False,
                fields: dict[str, str] | None = None, uid: str | None = None,
                **values: Any) -> int:
    """Create a contact from a name as typed (``Dr. Jane Doe``) and optional details.

    Details typed twice are merged, unless ``keep_duplicates`` (an import keeps a card's
    three TEL lines with one number as three, so the card can be written back as it was).
    """
    display = records.clean(name)
    if not display:
        raise InvalidInput("a contact needs a name")
    parsed = split_name(display)
    parts = {"prefix": parsed.prefix, "first_name": parsed.first,
             "middle_name": parsed.middle, "last_name": parsed.last, "suffix": parsed.suffix}
    parts.update({k: v for k, v in values.items() if k in NAME_PARTS})
    row = _check_scalars(db, {**values, **parts, "display_name": display})
    stamp = records.timestamp()
    with db.write(f"add contact {display}"):
        contact_id = journal.insert(db, "contacts", {
            "uid": uid or records.new_uid(), **row, **_name_keys(display, row),
            "created": stamp, "updated": stamp,
        })
        if keep_duplicates:
            for kind in dict.fromkeys(type(item) for item in details):
                detail_rows.replace(db, contact_id, kind,
                                    [i for i in details if type(i) is kind], new=True)
        else:
            for item in details:
                detail_rows.add(db, contact_id, item)
        records.add_tags(db, "contact", contact_id, tags, new=True)
        for key, value in (fields or {}).items():
            records.set_field(db, "contact", contact_id, key, value)
        reindex_contacts(db, [contact_id])
    return contact_id


def add_at_company(db: Database, name: str, company: str | None, **options: Any
                   ) -> tuple[int, int | None, bool]:
    """``add_contact`` at the company ``company`` names (``--company``: created when none
    fits), in one operation: (contact id, company id, whether the company is new)."""
    with db.write(f"add contact {name}"):
        company_id, created = company_for_contact(db, company) if company else (None, False)
        return add_contact(db, name, company_id=company_id, **options), company_id, created


def edit_many(db: Database, contact_ids: Sequence[int], *, values: dict[str, Any],
              company: str | None = None, **changes: Any) -> int:
    """``edit`` for several contacts in one operation; ``company`` as ``--company`` means
    it ('' unlinks). Returns how many changed."""
    with db.write(f"edit {len(contact_ids)} contacts"):
        if company is not None:
            values = {**values, "company_id": company_for_contact(db, company)[0]
                      if company.strip() else None}
        return sum(edit(db, contact_id, values=values, **changes)
                   for contact_id in contact_ids)


def get_row(db: Database, contact_id: int) -> Any:
    row = db.execute("SELECT * FROM contacts WHERE id = ?", (contact_id,)).fetchone()
    if row is None:
        raise NotFound(f"no contact #{contact_id}")
    return row


def update_contact(db: Database, contact_id: int, values: dict[str, Any]) -> bool:
    """Change scalar fields; a new ``name`` re-splits the parts, new parts rebuild the name
    unless the display name was chosen freely. Returns whether anything changed."""
    old = get_row(db, contact_id)
    values = dict(values)
    if "name" in values:
        display = records.clean(values.pop("name"))
        if not display:
            raise InvalidInput("a contact needs a name")
        parsed = split_name(display)
        values = {"prefix": parsed.prefix, "first_name": parsed.first,
                  "middle_name": parsed.middle, "last_name": parsed.last,
                  "suffix": parsed.suffix, **values, "display_name": display}
    row = _check_scalars(db, values)
    parts = {k: row.get(k, old[k]) for k in NAME_PARTS}
    if "display_name" not in row and any(k in row for k in NAME_PARTS):
        derived = join_name(*(old[k] for k in NAME_PARTS))
        if old["display_name"] == derived:
            row["display_name"] = join_name(*parts.values()) or old["display_name"]
    display = row.get("display_name", old["display_name"])
    row.update(_name_keys(display, parts))
    if all(old[k] == v for k, v in row.items()):
        return False
    with db.write(f"edit contact {old['display_name']}"):
        journal.update(db, "contacts", contact_id, {**row, "updated": records.timestamp()})
        reindex_contacts(db, [contact_id])
    return True


def edit(db: Database, contact_id: int, *, values: dict[str, Any], add: Sequence = (),
         remove: Sequence = (), tags: Sequence[str] = (), untags: Sequence[str] = (),
         fields: dict[str, str | None] | None = None) -> bool:
    """Apply option-style changes to one contact; True if anything changed."""
    with db.write(f"edit contact #{contact_id}"):
        before = _changes_so_far(db)
        update_contact(db, contact_id, values)
        for item in remove:
            detail_rows.remove(db, contact_id, item)
        for item in add:
            detail_rows.add(db, contact_id, item)
        records.add_tags(db, "contact", contact_id, tags)
        records.remove_tags(db, "contact", contact_id, untags)
        for key, value in (fields or {}).items():
            records.set_field(db, "contact", contact_id, key, value)
        changed = _changes_so_far(db) > before
        if changed:
            touch(db, contact_id)
    return changed


def touch(db: Database, contact_id: int) -> None:
    """Mark a contact updated now and refresh its index row (after any change to it)."""
    journal.update(db, "contacts", contact_id, {"updated": records.timestamp()})
    reindex_contacts(db, [contact_id])


def tag(db: Database, contact_ids: list[int], tags: list[str], *, remove: bool = False) -> int:
    """Add (or remove) tags on many contacts at once; returns how many contacts changed."""
    changed = 0
    with db.write(f"{'untag' if remove else 'tag'} {len(contact_ids)} contacts"):
        for contact_id in contact_ids:
            get_row(db, contact_id)
            fn = records.remove_tags if remove else records.add_tags
            if fn(db, "contact", contact_id, tags):
                changed += 1
                touch(db, contact_id)
    return changed


def set_fields(db: Database, contact_id: int, fields: dict[str, str | None]) -> None:
    with db.write(f"set fields on contact #{contact_id}"):
        for key, value in fields.items():
            records.set_field(db, "contact", contact_id, key, value)
        touch(db, contact_id)


def link(db: Database, contact_id: int, kind: str, *, other_id: int | None = None,
         other_name: str | None = None) -> int:
    """Relate a contact to another contact (or to a person named in free text)."""
    kind = records.clean(kind.lower()) if kind else None
    if not kind:
        raise InvalidInput("a relationship needs a kind, such as spouse or manager")
    if other_id == contact_id:
        raise InvalidInput("a contact cannot be related to itself")
    get_row(db, contact_id)
    if other_id is not None:
        get_row(db, other_id)
        duplicate = db.execute(
            "SELECT id FROM relationships WHERE contact_id = ? AND related_id = ? AND kind = ?",
            (contact_id, other_id, kind)).fetchone()
        if duplicate:
            return duplicate[0]
    with db.write(f"link contact #{contact_id} {kind}"):
        rel_id = journal.insert(db, "relationships", {
            "contact_id": contact_id, "kind": kind, "related_id": other_id,
            "related_name": None if other_id is not None else records.clean(other_name),
            "created": records.timestamp()})
        touch(db, contact_id)
    return rel_id


def unlink(db: Database, contact_id: int, kind: str | None, other_id: int) -> int:
    """Remove relationships between two contacts (either direction); returns the count."""
    rows = db.query(
        "SELECT id, kind, contact_id FROM relationships WHERE (contact_id = ? AND related_id = ?)"
        " OR (contact_id = ? AND related_id = ?)", (contact_id, other_id, other_id, contact_id))
    wanted = [r for r in rows if kind is None or r["kind"] == kind
              or (r["contact_id"] == other_id and INVERSE_KINDS.get(r["kind"]) == kind)]
    if not wanted:
        raise NotFound(f"contact #{contact_id} has no such relationship with #{other_id}")
    with db.write(f"unlink contact #{contact_id}"):
        for r in wanted:
            journal.delete(db, "relationships", r["id"])
        touch(db, contact_id)
    return len(wanted)


def delete_contact(db: Database, contact_id: int) -> None:
    """Delete a contact and everything hanging on it, each row journalled for restore
    (``journal.delete`` takes every row a foreign key cascades to; history only they
    were in goes too)."""
    row = get_row(db, contact_id)
    with db.write(f"delete contact {row['display_name']}"):
        _delete_history_of(db, contact_id)
        journal.delete(db, "contacts", contact_id)
        db.execute("DELETE FROM contacts_fts WHERE rowid = ?", (contact_id,))


def _company_of_form(db: Database, name: str | None, current: int | None) -> int | None:
    """The company the form names: the contact's own while the name is still its name
    (even when another company has the same one), else ``company_named``."""
    if not name or not name.strip():
        return None
    if current is not None:
        row = db.execute("SELECT name FROM companies WHERE id = ?", (current,)).fetchone()
        if row and fold(row[0]) == fold(name):
            return current
    return company_named(db, name)


def rewrite(db: Database, contact_id: int, *, values: dict[str, Any], company: str | None,
            details: dict[type, list], tags: list[str], fields: dict[str, str]) -> None:
    """Make a contact equal a complete description of it (the editor form), atomically.

    Only what differs is written, so a form saved untouched changes nothing, and a new
    name alone re-splits the name parts while edited parts alone rebuild the name.
    """
    old = get_row(db, contact_id)
    wanted = {("display_name" if k == "name" else k): v for k, v in values.items()}
    for key in ("birthday", "anniversary"):
        if isinstance(wanted.get(key), PartialDate):
            wanted[key] = wanted[key].iso()
    changed = {k: v for k, v in wanted.items() if old[k] != (records.clean(v)
                                                              if isinstance(v, str) else v)}
    if "display_name" in changed:
        changed["name"] = changed.pop("display_name")
    with db.write(f"edit contact {old['display_name']}"):
        company_id = _company_of_form(db, company, old["company_id"])
        if company_id != old["company_id"]:
            changed["company_id"] = company_id
        update_contact(db, contact_id, changed)
        for kind, items in details.items():
            detail_rows.replace(db, contact_id, kind, items)
        current = records.tags_of(db, "contact", [contact_id])[contact_id]
        records.add_tags(db, "contact", contact_id, [t for t in tags if t not in current])
        records.remove_tags(db, "contact", contact_id, [t for t in current if t not in tags])
        stored = records.fields_of(db, "contact", [contact_id])[contact_id]
        for key in stored.keys() - fields.keys():
            records.set_field(db, "contact", contact_id, key, None)
        for key, value in fields.items():
            if stored.get(key) != value:
                records.set_field(db, "contact", contact_id, key, value)
        if _changes_so_far(db):
            touch(db, contact_id)


def _delete_history_of(db: Database, contact_id: int) -> None:
    """Unlink a contact from its history; entries left with nobody and no company go too."""
    entries = [r[0] for r in db.execute(
        "SELECT interaction_id FROM interaction_contacts WHERE contact_id = ?", (contact_id,))]
    journal.delete_where(db, "interaction_contacts", "contact_id", contact_id)
    for interaction_id in entries:
        orphan = db.execute(
            "SELECT company_id IS NULL AND NOT EXISTS (SELECT 1 FROM interaction_contacts"
            " WHERE interaction_id = i.id) FROM interactions i WHERE id = ?",
            (interaction_id,)).fetchone()[0]
        if orphan:
            journal.delete(db, "interactions", interaction_id)


def _changes_so_far(db: Database) -> int:
    """How many rows the current operation has changed (0: leave ``updated`` alone)."""
    return db.execute("SELECT count(*) FROM changes WHERE operation_id = ?",
                      (db.operation_id,)).fetchone()[0]
