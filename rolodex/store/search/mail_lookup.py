"""Address lookups for mail clients: every address of every contact matching a query."""

from __future__ import annotations

from rolodex.store.db import Database
from rolodex.store.search.query import search_contacts

_CHUNK = 900  # as records.chunks; not imported from there, mutt-query stays light


def addresses(db: Database, query: str) -> list[tuple[str, str, str]]:
    """(address, name, label-or-company) for each matching contact's emails, best first.

    A query with '@' also matches addresses containing it, as mail users type them.
    """
    ids = search_contacts(db, query)
    if "@" in query:
        like = "%" + query.strip().replace("%", "").replace("_", "") + "%"
        seen = set(ids)
        ids += [r[0] for r in db.execute(
            "SELECT DISTINCT contact_id FROM contact_emails WHERE address LIKE ?", (like,))
            if r[0] not in seen]
    rank = {contact_id: n for n, contact_id in enumerate(ids)}
    out = []
    for start in range(0, len(ids), _CHUNK):  # SQLite's bound-parameter limit
        chunk = ids[start:start + _CHUNK]
        out += db.execute(
            f"""SELECT e.contact_id, e.address, c.display_name,
                       coalesce(e.label, co.name, '') AS info, e.preferred, e.position
                FROM contact_emails e JOIN contacts c ON c.id = e.contact_id
                LEFT JOIN companies co ON co.id = c.company_id
                WHERE e.contact_id IN ({', '.join('?' * len(chunk))})""", chunk).fetchall()
    out.sort(key=lambda r: (rank[r[0]], -r[4], r[5]))
    return [(r[1], r[2], r[3]) for r in out]
