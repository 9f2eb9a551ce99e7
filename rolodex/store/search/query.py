"""Running a search query: free words, filters (``tag:vip``) and saved searches (``@vip``).

A saved search's members are the contacts its stored query selects now, so running one
runs a search, and a search may name saved searches: both live here, over the filters
(``contact_filters``) and the full-text index (``fulltext``). Saving, listing and
deleting saved searches is ``saved_searches``'s.
"""

from __future__ import annotations

import re

from rolodex.errors import InvalidInput, NotFound
from rolodex.normalize import words
from rolodex.store.db import Database
from rolodex.store.search import filters as contact_filters
from rolodex.store.search.fulltext import text_matches

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
HINT = "'rolodex search saved' lists them"


def ref_name(ref: str) -> str | None:
    """``vip`` for a reference ``@vip``; None when ``ref`` is not a saved-search reference."""
    ref = ref.strip()
    if ref.startswith("@") and NAME.fullmatch(ref[1:]):
        return ref[1:]
    return None


def query_of(db: Database, name: str) -> str | None:
    row = db.execute("SELECT query FROM saved_searches WHERE name = ?", (name,)).fetchone()
    return row[0] if row else None


def members(db: Database, name: str, *, _outer: tuple[str, ...] = ()) -> list[int]:
    """The contacts saved search ``name`` selects now; NotFound if there is none.

    ``_outer`` holds the saved searches being evaluated around this one, so a search that
    includes itself (directly or through others) fails instead of recursing forever.
    """
    if name.lower() in _outer:
        path = " -> ".join(f"@{n}" for n in (*_outer, name.lower()))
        raise InvalidInput(f"a saved search cannot include itself: {path}")
    query = query_of(db, name)
    if query is None:
        raise NotFound(f"no saved search named {name}", hint=HINT)
    return search_contacts(db, query, _outer=(*_outer, name.lower()))


def search_contacts(db: Database, query: str, limit: int | None = None, *,
                    _outer: tuple[str, ...] = ()) -> list[int]:
    """Contact ids matching ``query``, best first: phone matches, then text matches by rank.

    ``query`` may hold filters and saved searches (see ``contact_filters``): text and
    filters together keep the text's ranking; filters alone list contacts by name. A query
    of plain words runs exactly as it always has.
    """
    parsed = contact_filters.parse(query)
    if not parsed.terms:
        return text_matches(db, query, limit)
    terms = []
    for term in parsed.terms:
        if (term.key == "@" and not term.negate and term.value.lower() not in _outer
                and query_of(db, term.value) is None):
            parsed.text += " @" + term.value  # no such saved search: "@acme" is text
        else:
            terms.append(term)
    if not terms:
        return text_matches(db, query, limit)
    within = text_matches(db, parsed.text) if words(parsed.text) else None
    saved = [t for t in terms if t.key == "@"]
    ids = contact_filters.filter_ids(db, terms, within=within,
                                     limit=None if saved else limit)
    for term in saved:
        selected = set(members(db, term.value, _outer=_outer))
        ids = [i for i in ids if (i in selected) != term.negate]
    return ids if limit is None else ids[:limit]
