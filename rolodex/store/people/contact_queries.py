"""Reading contacts: listing with filters, and the full record shape every output uses.

Child rows are loaded per table for a whole batch of ids, never per contact, so a listing
of 100,000 contacts costs a handful of queries.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from rolodex.errors import InvalidInput
from rolodex.memory import gc_paused
from rolodex.models import INVERSE_KINDS
from rolodex.store.activity.history import last_contacted
from rolodex.store.db import Database
from rolodex.store.people.labelled_dates import dates_of
from rolodex.store.records import chunks, fields_of, rows_for, tags_of

SORTS = {
    "name": "c.sort_key, c.id",
    "created": "c.created, c.id",
    "updated": "c.updated, c.id",
    "company": "co.name_key IS NULL, co.name_key, c.sort_key, c.id",
    "id": "c.id",
    "last-contacted": "(SELECT at FROM contact_last WHERE id = c.id), c.id",
}


def list_ids(db: Database, *, tags: list[str] = (), company_id: int | None = None,
             status: str | None = None, owner: str | None = None,
             updated_since: datetime | None = None, sort: str = "name",
             limit: int | None = None) -> list[int]:
    """Contact ids matching every given filter, in the asked order (``-field`` descends)."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        raise InvalidInput(f"cannot sort by '{key}'", hint=f"use one of: {', '.join(SORTS)}")
    where, params = ["1"], []
    for tag in tags:
        where.append("c.id IN (SELECT ct.contact_id FROM contact_tags ct JOIN tags t"
                     " ON t.id = ct.tag_id WHERE t.name = ?)")
        params.append(tag)
    if company_id is not None:
        where.append("c.company_id = ?")
        params.append(company_id)
    if status:
        where.append("c.status = ?")
        params.append(status.lower())
    if owner:
        where.append("c.owner = ?")
        params.append(owner)
    if updated_since is not None:
        from rolodex.dates import to_utc_iso

        where.append("c.updated >= ?")
        params.append(to_utc_iso(updated_since))
    order = SORTS[key]
    if descending:
        order = ", ".join(f"{part} DESC" for part in order.split(", "))
    sql = (f"SELECT c.id FROM contacts c LEFT JOIN companies co ON co.id = c.company_id"
           f" WHERE {' AND '.join(where)} ORDER BY {order}")
    if limit is not None:
        if limit < 0:
            raise InvalidInput("--limit must be zero or more")
        sql += " LIMIT ?"
        params.append(limit)
    return [r[0] for r in db.execute(sql, params)]


# From this many ids, and half the contacts, on, fetch reads each table whole, in one
# statement, and keeps the rows it wants, rather than looking the ids up 900 at a time:
# half the time for all of 100,000 contacts; as slow at half of them, six times slower
# at 5,000 of them (where the lookups are kept).
BULK = 5000


def use_bulk(db: Database, ids: list[int]) -> bool:
    """Whether to read whole tables for ``ids`` (see ``BULK``)."""
    if len(ids) < BULK:
        return False
    top = db.execute("SELECT max(id) FROM contacts").fetchone()[0] or 0
    return 2 * len(ids) >= top


ADDRESS_COLUMNS = "street, locality, region, postcode, country"


def _children(db: Database, table: str, columns: str, out: dict[int, list[dict]],
              bulk: bool) -> None:
    """Append each contact's emails (phones, addresses, urls) to its list in ``out``, in
    their order: position, then id. The loops are unrolled by shape: they run per row."""
    batches = rows_for(db, f"SELECT contact_id, {columns}, label, preferred FROM {table}",
                       "contact_id", list(out), bulk=bulk, order="position, id")
    get = out.get
    if "," not in columns:
        for rows in batches:
            for contact_id, value, label, preferred in rows:
                items = get(contact_id)
                if items is not None:
                    items.append({columns: value, "label": label, "preferred": preferred != 0})
        return
    if columns == ADDRESS_COLUMNS:
        for rows in batches:
            for contact_id, street, locality, region, postcode, country, label, pref in rows:
                items = get(contact_id)
                if items is not None:
                    items.append({"street": street, "locality": locality, "region": region,
                                  "postcode": postcode, "country": country, "label": label,
                                  "preferred": pref != 0})
        return
    keys = [c.strip() for c in columns.split(",")] + ["label", "preferred"]
    for rows in batches:
        for contact_id, *values in rows:
            items = get(contact_id)
            if items is not None:
                values[-1] = values[-1] != 0
                items.append(dict(zip(keys, values, strict=True)))


def relationships_of(db: Database, ids: list[int]) -> dict[int, list[dict]]:
    """Each contact's relationships both ways, the other side's under the inverse kind."""
    out: dict[int, list[dict]] = {i: [] for i in ids}
    for chunk in chunks(ids):
        marks = ", ".join("?" * len(chunk))
        rows = db.execute(
            f"""SELECT r.contact_id AS owner, r.kind, r.related_id AS other, r.related_name,
                       o.display_name AS other_name, 0 AS inverse
                FROM relationships r LEFT JOIN contacts o ON o.id = r.related_id
                WHERE r.contact_id IN ({marks})
                UNION ALL
                SELECT r.related_id, r.kind, r.contact_id, NULL, o.display_name, 1
                FROM relationships r JOIN contacts o ON o.id = r.contact_id
                WHERE r.related_id IN ({marks})""", chunk + chunk)
        for row in rows:
            kind = row["kind"]
            if row["inverse"]:
                kind = INVERSE_KINDS.get(kind, f"{kind} of")
            out[row["owner"]].append({
                "kind": kind, "contact_id": row["other"],
                "name": row["other_name"] or row["related_name"]})
    return out


_COLUMNS = ("c.id, c.uid, c.display_name, c.prefix, c.first_name, c.middle_name, c.last_name,"
            " c.suffix, c.nickname, c.company_id, c.title, c.department, c.birthday,"
            " c.anniversary, c.status, c.source, c.owner, c.cadence_days, c.notes, c.created,"
            " c.updated, c.birthday_text, c.deathdate")


def _skeletons(db: Database, ids: list[int], bulk: bool) -> dict[int, dict[str, Any]]:
    """The records of ``ids`` that exist, by id: their own columns and company name filled
    in, every list empty, keys already in ``KEYS`` order for the rest to be set in place."""
    select = (f"SELECT {_COLUMNS}, co.name FROM contacts c LEFT JOIN companies co"
              f" ON co.id = c.company_id")
    wanted = set(ids)
    out: dict[int, dict[str, Any]] = {}
    for rows in rows_for(db, select, "c.id", ids, bulk=bulk):
        for (contact_id, uid, name, prefix, first_name, middle_name, last_name, suffix,
             nickname, company_id, title, department, birthday, anniversary, status, source,
             owner, cadence, notes, created, updated, birthday_text, deathdate,
             company) in rows:
            if contact_id in wanted:
                out[contact_id] = {
                    "id": contact_id, "uid": uid, "name": name, "prefix": prefix,
                    "first_name": first_name, "middle_name": middle_name,
                    "last_name": last_name, "suffix": suffix, "nickname": nickname,
                    "company": company, "company_id": company_id, "title": title,
                    "department": department, "email": None, "phone": None, "emails": [],
                    "phones": [], "addresses": [], "urls": [], "tags": [],
                    "birthday": birthday, "anniversary": anniversary,
                    "birthday_text": birthday_text, "deceased": deathdate is not None,
                    "deathdate": deathdate, "dates": [], "status": status,
                    "source": source, "owner": owner, "cadence_days": cadence, "notes": notes,
                    "relationships": [], "custom": {}, "last_contacted": None,
                    "created": created, "updated": updated}
    return out


def fetch(db: Database, ids: list[int]) -> list[dict[str, Any]]:
    """Full records for ``ids``, in that order: the documented contact JSON shape."""
    if len(ids) < BULK:
        return list(_records(db, ids, bulk=False))
    with gc_paused():
        return list(_records(db, ids, bulk=use_bulk(db, ids)))


def iter_fetch(db: Database, ids: list[int]) -> Iterator[dict[str, Any]]:
    """``fetch`` one record at a time, each freed once the caller is done with it: for
    writing out every contact (a list of all of them costs a tenth more, in freeing it)."""
    if len(ids) < BULK:
        yield from _records(db, ids, bulk=False)
        return
    with gc_paused():
        yield from _records(db, ids, bulk=use_bulk(db, ids))


def calendar_people(db: Database, ids: list[int]) -> dict[int, dict[str, Any]]:
    """What a calendar export writes of each person in ``ids`` that exists (an attendee's
    name and address, a birthday's UID, name and date), by id: ``fetch``'s ``id``, ``uid``,
    ``name``, ``email`` (the preferred one), ``birthday`` and ``anniversary`` without the
    rest of the record, which costs ten times as much to read for 100,000 people."""
    bulk = use_bulk(db, ids)
    wanted = set(ids)
    out: dict[int, dict[str, Any]] = {}
    for rows in rows_for(db, "SELECT id, uid, display_name, birthday, anniversary"
                         " FROM contacts", "id", ids, bulk=bulk):
        for contact_id, uid, name, birthday, anniversary in rows:
            if contact_id in wanted:
                out[contact_id] = {"id": contact_id, "uid": uid, "name": name, "email": None,
                                   "birthday": birthday, "anniversary": anniversary}
    settled: set[int] = set()  # has its preferred address, or its only one
    for rows in rows_for(db, "SELECT contact_id, address, preferred FROM contact_emails",
                         "contact_id", list(out), bulk=bulk, order="position, id"):
        for contact_id, address, preferred in rows:
            person = out.get(contact_id)
            if person is None or contact_id in settled:
                continue
            if person["email"] is None or preferred:  # the first, unless one is preferred
                person["email"] = address
            if preferred:
                settled.add(contact_id)
    return out


def _records(db: Database, ids: list[int], bulk: bool) -> Iterator[dict[str, Any]]:
    if not ids:
        return
    records = _skeletons(db, ids, bulk)
    for key, table, columns in _CHILD_TABLES:
        _children(db, table, columns, {i: r[key] for i, r in records.items()}, bulk)
    found = list(records)
    for key, values in (("tags", tags_of(db, "contact", found, bulk=bulk)),
                        ("custom", fields_of(db, "contact", found, bulk=bulk)),
                        ("dates", dates_of(db, found, bulk=bulk)),
                        ("relationships", relationships_of(db, found)),
                        ("last_contacted", last_contacted(db, found, bulk=bulk))):
        for contact_id, value in values.items():
            records[contact_id][key] = value
    for record in records.values():
        if emails := record["emails"]:
            record["email"] = _preferred(emails, "address")
        if phones := record["phones"]:
            record["phone"] = _preferred(phones, "number")
    if len(set(ids)) < len(ids):  # an id named twice gets its record twice
        yield from (records[i] for i in ids if i in records)
        return
    pop = records.pop  # popped: nothing of a record outlives it but in the caller's hands
    for i in ids:
        record = pop(i, None)
        if record is not None:
            yield record


_CHILD_TABLES = (("emails", "contact_emails", "address"), ("phones", "contact_phones", "number"),
                 ("addresses", "contact_addresses", ADDRESS_COLUMNS),
                 ("urls", "contact_urls", "url"))


KEYS = ("id", "uid", "name", "prefix", "first_name", "middle_name", "last_name", "suffix",
        "nickname", "company", "company_id", "title", "department", "email", "phone", "emails",
        "phones", "addresses", "urls", "tags", "birthday", "anniversary", "birthday_text",
        "deceased", "deathdate", "dates", "status", "source",
        "owner", "cadence_days", "notes", "relationships", "custom", "last_contacted",
        "created", "updated")


def _preferred(items: list[dict], key: str) -> str:
    """The first item marked preferred, else the first one (``items`` is not empty)."""
    if len(items) > 1:
        for item in items:
            if item["preferred"]:
                return item[key]
    return items[0][key]
