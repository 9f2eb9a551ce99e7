"""The contact record's shape as SQL: each key of ``contact_queries.KEYS`` and the SQL that
reads its value for the contact ``c`` (its company joined as ``co``, ``contact_last`` as
``l``), so ``contact_text`` can have SQLite write whole records as text.

Lists are read with correlated subqueries in the order ``contact_queries`` reads them
(children by position then id, tags by name regardless of case, custom fields by key,
relationships as ``relationships_of`` gives them: the contact's own first, then those
naming it under the inverse kind), one contact at a time: the records stream in any order
asked for, in the memory of one batch, and a filtered listing reads only its own rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from rolodex.models import INVERSE_KINDS


@dataclass(frozen=True)
class Listed:
    """A list (or, with ``mapping``, an object) of a contact's child rows: ``rows`` selects
    them in order; each item is ``fields`` (key, column, kind), or the one value ``text``
    (tags), or ``key: value`` pairs (custom fields); ``cell`` is the item in CSV/TSV
    (``flat`` in ``cli/_output``)."""

    rows: str
    fields: tuple[tuple[str, str, str], ...] = ()
    text: str = ""
    cell: str = ""
    mapping: bool = False


def _children(table: str, value: str) -> Listed:
    return Listed(f"SELECT * FROM {table} WHERE contact_id = c.id ORDER BY position, id",
                  ((value, value, "text"), ("label", "label", "text"),
                   ("preferred", "preferred != 0", "bool")), cell=value)


def _first(table: str, value: str) -> str:
    """The preferred value: the first marked preferred, else the first (``_preferred``)."""
    return (f"(SELECT {value} FROM {table} WHERE contact_id = c.id"
            f" ORDER BY preferred = 0, position, id LIMIT 1)")


def _joined(parts: tuple[str, ...], separator: str) -> str:
    """The non-empty ``parts`` joined by ``separator`` (Python's ``join`` of the truthy).
    The first separator is cut off the bytes: ``substr`` of text stops at a NUL (and of
    no bytes is null)."""
    pieces = " || ".join(f"iif(coalesce({p}, '') = '', '', '{separator}' || {p})"
                         for p in parts)
    cut = f"CAST(substr(CAST({pieces} AS BLOB), {len(separator.encode()) + 1}) AS TEXT)"
    return f"coalesce({cut}, '')"


ADDRESS_PARTS = ("street", "locality", "region", "postcode", "country")
_INVERSE = " ".join(f"WHEN '{kind}' THEN '{other}'" for kind, other in INVERSE_KINDS.items())
_RELATIONSHIPS = (
    "SELECT r.id AS rid, 0 AS inverse, r.kind AS kind, r.related_id AS other,"
    " coalesce(nullif(o.display_name, ''), r.related_name) AS name"
    " FROM relationships r LEFT JOIN contacts o ON o.id = r.related_id"
    " WHERE r.contact_id = c.id"
    " UNION ALL"
    f" SELECT r.id, 1, CASE r.kind {_INVERSE} ELSE r.kind || ' of' END, r.contact_id,"
    " nullif(o.display_name, '') FROM relationships r JOIN contacts o ON o.id = r.contact_id"
    " WHERE r.related_id = c.id ORDER BY inverse, rid")

LISTS: dict[str, Listed] = {
    "emails": _children("contact_emails", "address"),
    "phones": _children("contact_phones", "number"),
    "addresses": Listed(
        "SELECT * FROM contact_addresses WHERE contact_id = c.id ORDER BY position, id",
        (*((part, part, "text") for part in ADDRESS_PARTS), ("label", "label", "text"),
         ("preferred", "preferred != 0", "bool")), cell=_joined(ADDRESS_PARTS, ", ")),
    "urls": _children("contact_urls", "url"),
    "tags": Listed("SELECT t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id"
                   " WHERE ct.contact_id = c.id ORDER BY t.name COLLATE NOCASE",
                   text="name", cell="name"),
    "dates": Listed(
        "SELECT * FROM labelled_dates WHERE contact_id = c.id ORDER BY position, id",
        (("label", "label", "text"), ("date", "date", "text")),
        # a dict in csv is its JSON with sorted keys, as ``flat`` writes it
        cell="printf('{\"date\": %s, \"label\": %s}', json_quote(date), json_quote(label))"),
    "relationships": Listed(
        _RELATIONSHIPS, (("kind", "kind", "text"), ("contact_id", "other", "int"),
                         ("name", "name", "text")),
        cell="kind || ': ' || coalesce(name, '')"),
    "custom": Listed("SELECT key, value FROM contact_fields WHERE contact_id = c.id"
                     " ORDER BY key", mapping=True),
}

# The record's keys in order: each a list of LISTS, or (SQL of the value, its kind).
SCALARS: dict[str, tuple[str, str]] = {
    "id": ("c.id", "int"), "uid": ("c.uid", "text"), "name": ("c.display_name", "text"),
    "prefix": ("c.prefix", "text"), "first_name": ("c.first_name", "text"),
    "middle_name": ("c.middle_name", "text"), "last_name": ("c.last_name", "text"),
    "suffix": ("c.suffix", "text"), "nickname": ("c.nickname", "text"),
    "company": ("co.name", "text"), "company_id": ("c.company_id", "int"),
    "title": ("c.title", "text"), "department": ("c.department", "text"),
    "email": (_first("contact_emails", "address"), "text"),
    "phone": (_first("contact_phones", "number"), "text"),
    "birthday": ("c.birthday", "text"), "anniversary": ("c.anniversary", "text"),
    "birthday_text": ("c.birthday_text", "text"),
    "deceased": ("c.deathdate IS NOT NULL", "bool"), "deathdate": ("c.deathdate", "text"),
    "status": ("c.status", "text"), "source": ("c.source", "text"),
    "owner": ("c.owner", "text"), "cadence_days": ("c.cadence_days", "int"),
    "notes": ("c.notes", "text"), "last_contacted": ("l.at", "text"),
    "created": ("c.created", "text"), "updated": ("c.updated", "text"),
}

FROM = ("FROM json_each(?) AS j JOIN contacts c ON c.id = j.value"
        " LEFT JOIN companies co ON co.id = c.company_id"
        " LEFT JOIN contact_last l ON l.id = c.id")
