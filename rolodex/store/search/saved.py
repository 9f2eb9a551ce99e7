"""Saved searches: named queries whose members are recomputed on every use (``@NAME``).

A saved search is a dynamic group: ``@vip`` means whoever matches its query now, so a
contact tagged tomorrow is in it tomorrow. Only the name and the query are stored.
"""

from __future__ import annotations

from typing import Any

from rolodex.errors import InvalidInput, NotFound, RolodexError
from rolodex.store import journal, records
from rolodex.store.db import Database
from rolodex.store.search.query import HINT, NAME, members, search_contacts

MAX_NAME = 64
KEYS = ("name", "query", "members", "error", "created", "updated")


def check_name(name: str) -> str:
    """A saved search's name: letters, digits, - and _ (starting with a letter or digit)."""
    name = name.strip().removeprefix("@")
    if not NAME.fullmatch(name) or len(name) > MAX_NAME:
        raise InvalidInput(f"bad saved search name '{name}'",
                           hint=f"use letters, digits, - and _ (at most {MAX_NAME})")
    return name


def save(db: Database, name: str, query: str) -> tuple[str | None, list[int]]:
    """Save (or replace) a named search; returns the query it replaced and its members.

    The query is run before it is stored, so a typo in a filter, an unknown company or a
    loop between saved searches is refused here rather than on every later use.
    """
    name = check_name(name)
    query = query.strip()
    if not query:
        raise InvalidInput("a saved search needs a query")
    found = search_contacts(db, query, _outer=(name.lower(),))
    row = db.execute("SELECT id, query FROM saved_searches WHERE name = ?", (name,)).fetchone()
    stamp = records.timestamp()
    with db.write(f"save search @{name}"):
        if row:
            journal.update(db, "saved_searches", row["id"],
                           {"name": name, "query": query, "updated": stamp})
        else:
            journal.insert(db, "saved_searches", {"name": name, "query": query,
                                                  "created": stamp, "updated": stamp})
    return (row["query"] if row else None), found


def delete(db: Database, name: str) -> str:
    """Delete a saved search; returns its name as stored."""
    row = db.execute("SELECT id, name FROM saved_searches WHERE name = ?",
                     (name.strip().removeprefix("@"),)).fetchone()
    if row is None:
        raise NotFound(f"no saved search named {name.strip().removeprefix('@')}", hint=HINT)
    _check_not_an_audience(db, row["name"])
    with db.write(f"delete saved search @{row['name']}"):
        journal.delete(db, "saved_searches", row["id"])
    return row["name"]


def _check_not_an_audience(db: Database, name: str) -> None:
    """A campaign run from cron must not find its audience gone: refused, naming it."""
    from rolodex.store.search.filters import parse

    users = [r["name"] for r in db.query("SELECT name, audience FROM campaigns")
             if any(t.key == "@" and t.value.lower() == name.lower()
                    for t in parse(r["audience"]).terms)]
    if users:
        raise InvalidInput(f"@{name} is the audience of campaign {', '.join(users)}",
                           hint="'rolodex campaign edit NAME --to QUERY' gives it another, "
                                "or 'rolodex campaign rm NAME'")


def list_all(db: Database) -> list[dict[str, Any]]:
    """Every saved search by name, with how many contacts it selects now.

    A search that no longer runs (its company was deleted, say) is listed with its error
    instead of failing the whole list.
    """
    out = []
    for row in db.query("SELECT * FROM saved_searches ORDER BY name"):
        count, error = None, None
        try:
            count = len(members(db, row["name"]))
        except RolodexError as exc:
            error = exc.message
        out.append({"name": row["name"], "query": row["query"], "members": count,
                    "error": error, "created": row["created"], "updated": row["updated"]})
    return out
