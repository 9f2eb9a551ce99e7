"""Companies (accounts): add, edit, delete, list, and the shape every output uses."""

from __future__ import annotations

from typing import Any

from rolodex.errors import InvalidInput, NotFound
from rolodex.models import COMPANY_KINDS, parse_email
from rolodex.normalize import fold
from rolodex.store import journal, records
from rolodex.store.db import Database
from rolodex.store.search.fulltext import reindex_company_people

FIELDS = ("name", "domain", "industry", "kind", "phone", "email", "address", "website", "notes")
SORTS = {"name": "name_key, id", "created": "created, id", "updated": "updated, id", "id": "id"}


def _check(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in FIELDS:
            raise ValueError(f"unknown company field {key}")
        value = records.clean(value)
        if key == "name":
            if not value:
                raise InvalidInput("a company needs a name")
            out["name_key"] = fold(value)
        elif key == "kind" and value is not None:
            value = value.lower()
            if value not in COMPANY_KINDS:
                raise InvalidInput(f"unknown company kind '{value}'",
                                   hint=f"use one of: {', '.join(COMPANY_KINDS)}")
        elif key == "email" and value is not None:
            value = parse_email(value).address
        elif key == "domain" and value is not None:
            value = value.lower().removeprefix("https://").removeprefix("http://").strip("/")
        out[key] = value
    return out


def add_company(db: Database, name: str, *, tags: list[str] = (),
                fields: dict[str, str] | None = None, uid: str | None = None,
                as_card: bool = False, **values: Any) -> int:
    """Create a company; ``as_card``: exported as an organisation vCard (an account of its
    own, not just a name on a contact's card)."""
    row = _check({"name": name, **values})
    stamp = records.timestamp()
    with db.write(f"add company {row['name']}"):
        company_id = journal.insert(db, "companies", {
            "uid": uid or records.new_uid(), **row, "as_card": int(as_card),
            "created": stamp, "updated": stamp})
        records.add_tags(db, "company", company_id, tags)
        for key, value in (fields or {}).items():
            records.set_field(db, "company", company_id, key, value)
    return company_id


def get_row(db: Database, company_id: int) -> Any:
    row = db.execute("SELECT * FROM companies WHERE id = ?", (company_id,)).fetchone()
    if row is None:
        raise NotFound(f"no company #{company_id}")
    return row


def update_company(db: Database, company_id: int, values: dict[str, Any], *,
                   add_tags: list[str] = (), remove_tags: list[str] = (),
                   fields: dict[str, str | None] | None = None) -> bool:
    """Change fields, tags and custom fields in one operation; True if anything changed."""
    old = get_row(db, company_id)
    row = _check(values)
    with db.write(f"edit company {old['name']}"):
        changed = any(old[k] != v for k, v in row.items())
        changed |= bool(records.add_tags(db, "company", company_id, add_tags))
        changed |= bool(records.remove_tags(db, "company", company_id, remove_tags))
        for key, value in (fields or {}).items():
            records.set_field(db, "company", company_id, key, value)
            changed = True
        if changed:
            journal.update(db, "companies", company_id, {**row, "updated": records.timestamp()})
        if "name" in row and row["name"] != old["name"]:
            reindex_company_people(db, company_id)
    return changed


def delete_company(db: Database, company_id: int) -> int:
    """Delete a company; its people stay, unlinked. Returns how many people were unlinked."""
    old = get_row(db, company_id)
    people = [r[0] for r in db.execute("SELECT id FROM contacts WHERE company_id = ?",
                                       (company_id,))]
    with db.write(f"delete company {old['name']}"):
        stamp = records.timestamp()
        for contact_id in people:  # their card's ORG changes: updated, for sync
            journal.update(db, "contacts", contact_id, {"company_id": None, "updated": stamp})
        journal.delete(db, "companies", company_id)  # and what its foreign keys reach
        from rolodex.store.search.fulltext import reindex_contacts

        reindex_contacts(db, people)
    return len(people)


def list_ids(db: Database, *, tags: list[str] = (), kind: str | None = None,
             sort: str = "name", limit: int | None = None, as_card: bool = False
             ) -> list[int]:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        raise InvalidInput(f"cannot sort by '{key}'", hint=f"use one of: {', '.join(SORTS)}")
    where, params = ["1"], []
    for tag in tags:
        where.append("id IN (SELECT ct.company_id FROM company_tags ct JOIN tags t"
                     " ON t.id = ct.tag_id WHERE t.name = ?)")
        params.append(tag)
    if kind:
        where.append("kind = ?")
        params.append(kind.lower())
    if as_card:
        where.append("as_card = 1")
    order = SORTS[key]
    if descending:
        order = ", ".join(f"{part} DESC" for part in order.split(", "))
    sql = f"SELECT id FROM companies WHERE {' AND '.join(where)} ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(max(limit, 0))
    return [r[0] for r in db.execute(sql, params)]


KEYS = ("id", "uid", "name", "domain", "industry", "kind", "phone", "email", "address",
        "website", "notes", "tags", "custom", "contacts", "created", "updated")


def fetch(db: Database, ids: list[int]) -> list[dict[str, Any]]:
    """Full records for ``ids``, in that order: the documented company JSON shape."""
    rows: dict[int, Any] = {}
    counts: dict[int, int] = {}
    for chunk in records.chunks(ids):
        marks = ", ".join("?" * len(chunk))
        for row in db.execute(f"SELECT * FROM companies WHERE id IN ({marks})", chunk):
            rows[row["id"]] = row
        for company_id, count in db.execute(
                f"SELECT company_id, count(*) FROM contacts WHERE company_id IN ({marks})"
                " GROUP BY company_id", chunk):
            counts[company_id] = count
    ids = [i for i in ids if i in rows]
    tags = records.tags_of(db, "company", ids)
    fields = records.fields_of(db, "company", ids)
    return [{
        "id": i, "uid": rows[i]["uid"], "name": rows[i]["name"],
        **{k: rows[i][k] for k in FIELDS if k != "name"},
        "tags": tags[i], "custom": fields[i], "contacts": counts.get(i, 0),
        "created": rows[i]["created"], "updated": rows[i]["updated"],
    } for i in ids]


def people(db: Database, company_id: int) -> list[int]:
    return [r[0] for r in db.execute(
        "SELECT id FROM contacts WHERE company_id = ? ORDER BY sort_key", (company_id,))]
