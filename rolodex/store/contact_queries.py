"""Reading contacts: listing with filters, and the full record shape every output uses.

Child rows are loaded per table for a whole batch of ids, never per contact, so a listing
of 100,000 contacts costs a handful of queries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rolodex.errors import InvalidInput
from rolodex.models import INVERSE_KINDS
from rolodex.store.db import Database
from rolodex.store.history import last_contacted
from rolodex.store.records import chunks, fields_of, tags_of

SORTS = {
    "name": "c.sort_key, c.id",
    "created": "c.created, c.id",
    "updated": "c.updated, c.id",
    "company": "co.name_key IS NULL, co.name_key, c.sort_key, c.id",
    "id": "c.id",
    "last-contacted": "(SELECT max(at) FROM interaction_contacts WHERE contact_id = c.id), c.id",
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


def _children(db: Database, table: str, columns: str, ids: list[int]) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {i: [] for i in ids}
    for chunk in chunks(ids):
        rows = db.execute(
            f"SELECT contact_id, {columns}, label, preferred FROM {table}"
            f" WHERE contact_id IN ({', '.join('?' * len(chunk))}) ORDER BY position, id", chunk)
        for row in rows:
            item = dict(row)
            del item["contact_id"]
            item["preferred"] = bool(item["preferred"])
            out[row["contact_id"]].append(item)
    return out


def _relationships(db: Database, ids: list[int]) -> dict[int, list[dict]]:
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


def fetch(db: Database, ids: list[int]) -> list[dict[str, Any]]:
    """Full records for ``ids``, in that order: the documented contact JSON shape."""
    if not ids:
        return []
    rows: dict[int, Any] = {}
    for chunk in chunks(ids):
        for row in db.execute(
                f"SELECT c.*, co.name AS company FROM contacts c LEFT JOIN companies co"
                f" ON co.id = c.company_id WHERE c.id IN ({', '.join('?' * len(chunk))})", chunk):
            rows[row["id"]] = row
    ids = [i for i in ids if i in rows]
    emails = _children(db, "contact_emails", "address", ids)
    phones = _children(db, "contact_phones", "number", ids)
    addresses = _children(db, "contact_addresses",
                          "street, locality, region, postcode, country", ids)
    urls = _children(db, "contact_urls", "url", ids)
    tags = tags_of(db, "contact", ids)
    fields = fields_of(db, "contact", ids)
    rels = _relationships(db, ids)
    last = last_contacted(db, ids)
    return [_shape(rows[i], emails[i], phones[i], addresses[i], urls[i], tags[i], fields[i],
                   rels[i], last[i]) for i in ids]


KEYS = ("id", "uid", "name", "prefix", "first_name", "middle_name", "last_name", "suffix",
        "nickname", "company", "company_id", "title", "department", "email", "phone", "emails",
        "phones", "addresses", "urls", "tags", "birthday", "anniversary", "status", "source",
        "owner", "cadence_days", "notes", "relationships", "custom", "last_contacted",
        "created", "updated")


def _preferred(items: list[dict], key: str) -> str | None:
    best = next((i for i in items if i["preferred"]), items[0] if items else None)
    return best[key] if best else None


def _shape(row: Any, emails: list, phones: list, addresses: list, urls: list, tags: list,
           fields: dict, rels: list, last: str | None) -> dict[str, Any]:
    return {
        "id": row["id"], "uid": row["uid"], "name": row["display_name"],
        "prefix": row["prefix"], "first_name": row["first_name"],
        "middle_name": row["middle_name"], "last_name": row["last_name"],
        "suffix": row["suffix"], "nickname": row["nickname"],
        "company": row["company"], "company_id": row["company_id"],
        "title": row["title"], "department": row["department"],
        "email": _preferred(emails, "address"), "phone": _preferred(phones, "number"),
        "emails": emails, "phones": phones, "addresses": addresses, "urls": urls,
        "tags": tags, "birthday": row["birthday"], "anniversary": row["anniversary"],
        "status": row["status"], "source": row["source"], "owner": row["owner"],
        "cadence_days": row["cadence_days"], "notes": row["notes"],
        "relationships": rels, "custom": fields, "last_contacted": last,
        "created": row["created"], "updated": row["updated"],
    }
