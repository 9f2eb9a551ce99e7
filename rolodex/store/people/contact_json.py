"""Contact records as JSON text made by SQLite, for JSON Lines listings.

Building a Python dict per contact and encoding it costs two thirds of ``contact list
--format jsonl`` at 100,000 contacts (3 s); SQLite's JSON functions write the same record
as text in C while reading the rows, and Python only joins the pieces: twice as fast, in
less memory. The record is ``contact_queries``' shape, key for key; ``test_contact_json``
holds the two equal on records with every kind of value, so this path cannot drift.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from rolodex.store.db import Database
from rolodex.store.people.contact_queries import ADDRESS_COLUMNS, relationships_of, use_bulk
from rolodex.store.records import chunks, tuples

# The record's own columns, in three objects because the lists come between them in the
# documented key order; each is opened or closed where the lists are spliced in.
_HEAD = ("json_object('id', c.id, 'uid', c.uid, 'name', c.display_name, 'prefix', c.prefix,"
         " 'first_name', c.first_name, 'middle_name', c.middle_name, 'last_name', c.last_name,"
         " 'suffix', c.suffix, 'nickname', c.nickname, 'company', co.name, 'company_id',"
         " c.company_id, 'title', c.title, 'department', c.department)")
_DAYS = ("json_object('birthday', c.birthday, 'anniversary', c.anniversary, 'birthday_text',"
         " c.birthday_text, 'deceased', json(CASE WHEN c.deathdate IS NULL THEN 'false'"
         " ELSE 'true' END), 'deathdate', c.deathdate)")
_MIDDLE = ("json_object('status', c.status, 'source', c.source, 'owner', c.owner,"
           " 'cadence_days', c.cadence_days, 'notes', c.notes)")
_TAIL = "json_object('created', c.created, 'updated', c.updated)"
_CONTACTS = (f"SELECT c.id, {_HEAD}, {_DAYS}, {_MIDDLE}, {_TAIL} FROM contacts c"
             f" LEFT JOIN companies co ON co.id = c.company_id {{where}}")

_PREFERRED = "json(CASE WHEN preferred != 0 THEN 'true' ELSE 'false' END)"


def _list(table: str, columns: str) -> str:
    """Each contact's items of ``table`` as one JSON array, in position order."""
    pairs = ", ".join(f"'{name}', {name}" for name in columns.split(", "))
    return (f"SELECT contact_id, json_group_array(json_object({pairs}, 'label', label,"
            f" 'preferred', {_PREFERRED})) FROM (SELECT * FROM {table} {{where}}"
            f" ORDER BY contact_id, position, id) GROUP BY contact_id")


def _first(table: str, column: str) -> str:
    """Rows whose last one per contact is its preferred value (the first marked preferred,
    else the first): ``dict()`` of them keeps exactly that one."""
    return (f"SELECT contact_id, json_quote({column}) FROM {table} {{where}}"
            f" ORDER BY contact_id, preferred != 0, position DESC, id DESC")


_QUERIES = {
    "emails": _list("contact_emails", "address"),
    "email": _first("contact_emails", "address"),
    "phones": _list("contact_phones", "number"),
    "phone": _first("contact_phones", "number"),
    "addresses": _list("contact_addresses", ADDRESS_COLUMNS),
    "urls": _list("contact_urls", "url"),
    "tags": ("SELECT contact_id, json_group_array(name) FROM (SELECT ct.contact_id, t.name"
             " FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id {where}"
             " ORDER BY ct.contact_id, t.name COLLATE NOCASE) GROUP BY contact_id"),
    "custom": ("SELECT contact_id, json_group_object(key, value) FROM (SELECT contact_id,"
               " key, value FROM contact_fields {where} ORDER BY contact_id, key)"
               " GROUP BY contact_id"),
    "last_contacted": "SELECT id, json_quote(at) FROM contact_last {where}",
    "dates": ("SELECT contact_id, json_group_array(json_object('label', label, 'date', date))"
              " FROM (SELECT * FROM labelled_dates {where} ORDER BY contact_id, position, id)"
              " GROUP BY contact_id"),
}
_MATCH = {"tags": "ct.contact_id", "last_contacted": "id"}


def lines(db: Database, ids: list[int]) -> Iterator[str]:
    """One JSON text per contact of ``ids`` that exists, in that order (without newline)."""
    if use_bulk(db, ids):  # read every table once, whole
        yield from _lines(db, ids, "", ())
        return
    for chunk in chunks(ids):
        marks = ", ".join("?" * len(chunk))
        yield from _lines(db, chunk, f"WHERE {{column}} IN ({marks})", chunk)


def _lines(db: Database, ids: list[int], where: str, params: tuple | list) -> Iterator[str]:
    contacts = {row[0]: row[1:] for row in tuples(
        db, _CONTACTS.format(where=where.format(column="c.id")), params)}
    parts = {key: dict(tuples(
        db, sql.format(where=where.format(column=_MATCH.get(key, "contact_id"))), params))
        for key, sql in _QUERIES.items()}
    present = [i for i in ids if i in contacts]
    relationships = {owner: json.dumps(items, ensure_ascii=False, separators=(",", ":"))
                     for owner, items in relationships_of(db, present).items() if items}
    emails, email, phones, phone = (parts["emails"].get, parts["email"].get,
                                    parts["phones"].get, parts["phone"].get)
    addresses, urls, tags = parts["addresses"].get, parts["urls"].get, parts["tags"].get
    custom, last, related = parts["custom"].get, parts["last_contacted"].get, relationships.get
    dates = parts["dates"].get
    for i in present:
        head, days, middle, tail = contacts[i]
        yield (f'{head[:-1]},"email":{email(i, "null")},"phone":{phone(i, "null")},'
               f'"emails":{emails(i, "[]")},"phones":{phones(i, "[]")},'
               f'"addresses":{addresses(i, "[]")},"urls":{urls(i, "[]")},'
               f'"tags":{tags(i, "[]")},{days[1:-1]},"dates":{dates(i, "[]")},'
               f'{middle[1:-1]},"relationships":{related(i, "[]")},'
               f'"custom":{custom(i, "{}")},"last_contacted":{last(i, "null")},{tail[1:]}')
