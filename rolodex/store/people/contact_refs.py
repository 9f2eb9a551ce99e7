"""Turning what users type (id, UID, email, a name or its prefix, ``@saved``) into one
contact. It never guesses: a reference that fits several contacts raises Ambiguous with
the candidates, so a script cannot silently log a call on the wrong Jane.
"""

from __future__ import annotations

from rolodex.errors import NotFound
from rolodex.normalize import fold
from rolodex.store.db import Database
from rolodex.store.lookups import contact_by_uid
from rolodex.store.refs import one_record, rows_with_id, typed_id
from rolodex.store.search.fulltext import fts_query
from rolodex.store.search.query import members, ref_name


def resolve_contact(db: Database, ref: str) -> int:
    """The one contact ``ref`` names; NotFound or Ambiguous otherwise.

    ``@NAME`` names the one member of a saved search (Ambiguous when it has several).
    """
    ref = ref.strip()
    if not ref:
        raise NotFound("an empty name matches no contact")
    number = typed_id(ref)
    if number is not None:
        for found in rows_with_id(db, "contacts", number):
            return found
        raise NotFound(f"no contact with id {ref.lstrip('#')}")
    found = contact_by_uid(db, ref)  # its own, or one merged into it
    if found is not None:
        return found
    if ref.startswith("@"):
        name = ref_name(ref)
        if name is not None:
            ids = members(db, name)
            if not ids:
                raise NotFound(f"saved search @{name} has no members",
                               hint=f"'rolodex search @{name}' shows whom it selects")
            return one_record(db, ids, ref, "contact", _describe_contacts)
    if "@" in ref:
        ids = [r[0] for r in db.execute(
            "SELECT contact_id FROM contact_emails WHERE address = ? COLLATE NOCASE", (ref,))]
        return one_record(db, ids, ref, "contact", _describe_contacts)
    exact = [r[0] for r in db.execute("SELECT id FROM contacts WHERE name_key = ?", (fold(ref),))]
    if exact:
        return one_record(db, exact, ref, "contact", _describe_contacts)
    query = fts_query(ref, ("name", "nickname"))
    ids = [r[0] for r in db.execute(
        "SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?", (query,))] if query else []
    return one_record(db, ids, ref, "contact", _describe_contacts)



def _describe_contacts(db: Database, ids: list[int]) -> list[str]:
    rows = db.query(
        f"""SELECT c.id, c.display_name, co.name AS company,
              (SELECT address FROM contact_emails e WHERE e.contact_id = c.id
               ORDER BY preferred DESC, position LIMIT 1) AS email
            FROM contacts c LEFT JOIN companies co ON co.id = c.company_id
            WHERE c.id IN ({', '.join('?' * len(ids))}) ORDER BY c.sort_key""", ids)
    out = []
    for r in rows:
        extra = "".join(f" <{r['email']}>" if r["email"] else "")
        extra += f" ({r['company']})" if r["company"] else ""
        out.append(f"#{r['id']} {r['display_name']}{extra}")
    return out
