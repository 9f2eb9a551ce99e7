"""A deterministic address book of hostile, varied contacts, written straight into the
tables (no clock, no random UIDs), for the tests that hold every listing format to the
bytes it wrote before the bulk reads were rebuilt (#18): accents and scripts, quotes,
backslashes, every C0 and C1 control, NUL, DEL, U+2028/9, cells a spreadsheet would run,
empty strings beside nulls, and people with dozens of emails, tags and relationships."""

from __future__ import annotations

import random

from rolodex.store.db import Database
from rolodex.store.search.fulltext import reindex_contacts

# Texts chosen to break encoders: each kind of escape, formulas, separators, scripts.
NASTY = ["Zoë", "José María Álvarez", "佐藤 花子", "Ωmega", "😀 emoji", "e\u0301",
         "\"quoted\"", "back\\slash", "tab\there", "new\nline", "cr\rhere", "nul\x00here",
         "esc\x1b]0;title\x07", "del\x7fhere", "csi\x9b31m", "c1\x85next", "nbsp\u00a0",
         "line\u2028sep", "para\u2029sep", "=cmd|' /C calc'!A0", "+49 30 1234567",
         "-5", "@SUM(A1)", "'=already", "''+twice", "\tlead", "\rlead", "a, b; c",
         "semi;colon", "comma,here", "colon: x", "</script>", "1.5", "null", "[]", "{}",
         "", " ", "  padded  ", "x" * 300, "\x01\x02\x03\x04\x05\x06\x0b\x0c\x0e\x1f",
         "mixed \x9f\u0080 end", "trailing\\", "\ufeffbom", "\U0001f468\u200d\U0001f469"]
PLAIN = ["Jane", "Doe", "Acme", "Berlin", "Globex", "Initech", "Ann", "Poe", "Bob", "Stone"]
KINDS = ["manager", "report", "spouse", "friend", "referred-by", "child", "mentor", "family"]
TAGS = ["vip", "VIP-2", "Berlin", "alpha", "Zed", "zed-lower", "=formula", "ümlaut", "a b",
        "tab\ttag", "😀", "x" * 40]


def _text(rng: random.Random) -> str:
    return rng.choice(NASTY) if rng.random() < 0.6 else rng.choice(PLAIN)


def _maybe(rng: random.Random) -> str | None:
    return None if rng.random() < 0.35 else _text(rng)


def build(db: Database, count: int = 70, seed: int = 18) -> list[int]:
    """Write ``count`` contacts (and companies, children, tags, history dates) into ``db``;
    returns their ids. The same ``seed`` always writes the same rows."""
    rng = random.Random(seed)
    conn = db.conn
    conn.execute("BEGIN")
    companies = []
    for n in range(8):
        name = NASTY[n * 5 % len(NASTY)] or "Acme Ltd"
        companies.append(conn.execute(
            "INSERT INTO companies (uid, name, name_key, created, updated) VALUES"
            " (?, ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            (f"co-{n}", name, name.casefold())).lastrowid)
    tag_ids = [conn.execute("INSERT INTO tags (name) VALUES (?)", (t,)).lastrowid for t in TAGS]
    ids = []
    for n in range(1, count + 1):
        big = n % 17 == 0  # a few people with many of everything
        first, last = _maybe(rng), _maybe(rng)
        display = " ".join(p for p in (first, last) if p and p.strip()) or f"Person {n}"
        if n % 9 == 0:
            display = rng.choice(NASTY) or "Empty Name"
        values = {
            "id": n * 3, "uid": f"uid-{n}" if n % 11 else f"uid \"{n}\"\\\u2028",
            "prefix": _maybe(rng), "first_name": first, "middle_name": _maybe(rng),
            "last_name": last, "suffix": _maybe(rng), "display_name": display,
            "name_key": display.casefold(), "sort_key": display.casefold(),
            "nickname": _maybe(rng), "title": _maybe(rng), "department": _maybe(rng),
            "company_id": rng.choice([None, *companies]),
            "birthday": rng.choice([None, "1985-04-15", "--02-29", "2000-01-01"]),
            "anniversary": rng.choice([None, "--12-24", "2010-06-01"]),
            "notes": _maybe(rng), "source": _maybe(rng),
            "status": rng.choice([None, "lead", "customer", "partner"]),
            "owner": rng.choice([None, "jane", "bob", "Zoë"]),
            "cadence_days": rng.choice([None, 7, 30, 365]),
            "created": f"2026-0{1 + n % 9}-{10 + n % 18:02d}T08:00:00Z",
            "updated": f"2026-0{1 + (n * 7) % 9}-{10 + n % 15:02d}T09:30:00Z",
            "birthday_text": rng.choice([None, None, "circa 1800", "\x1b[2J"]),
            "deathdate": rng.choice([None, None, None, "1999-01-01", "--05-06", "ages ago"]),
        }
        conn.execute(f"INSERT INTO contacts ({', '.join(values)})"
                     f" VALUES ({', '.join('?' * len(values))})", list(values.values()))
        cid = values["id"]
        ids.append(cid)
        _children(conn, rng, cid, big)
        for tag in rng.sample(tag_ids, len(tag_ids) if big else rng.randint(0, 3)):
            conn.execute("INSERT INTO contact_tags (contact_id, tag_id) VALUES (?, ?)",
                         (cid, tag))
        for key in rng.sample(["shoe", "ümlaut", "Zkey", "a", "=f", "k\"q", "x\ty", "", "b"],
                              9 if big else rng.randint(0, 2)):
            conn.execute("INSERT INTO contact_fields (contact_id, key, value) VALUES (?, ?, ?)",
                         (cid, key, _text(rng)))
        for _ in range(8 if big else rng.randint(0, 2)):
            conn.execute("INSERT INTO labelled_dates (contact_id, label, date, position)"
                         " VALUES (?, ?, ?, ?)",
                         (cid, _maybe(rng), rng.choice(["2020-01-02", "--03-04"]),
                          rng.randint(0, 2)))
        if rng.random() < 0.6:
            conn.execute("INSERT INTO contact_last (id, at) VALUES (?, ?)",
                         (cid, f"2026-11-{1 + n % 19:02d}T10:00:00Z"))
    for _ in range(count):
        owner = rng.choice(ids)
        if rng.random() < 0.3:
            conn.execute("INSERT INTO relationships (contact_id, kind, related_name, created)"
                         " VALUES (?, ?, ?, 'x')", (owner, rng.choice(KINDS), _text(rng)))
        else:
            conn.execute("INSERT INTO relationships (contact_id, kind, related_id, related_name,"
                         " created) VALUES (?, ?, ?, ?, 'x')",
                         (owner, rng.choice(KINDS), rng.choice(ids), _maybe(rng)))
    reindex_contacts(db, ids)
    conn.execute("COMMIT")
    return ids


def _children(conn, rng: random.Random, cid: int, big: bool) -> None:
    """Emails, phones, addresses and urls, preferred flags and positions in any order."""
    for table, column, most in (("contact_emails", "address", 40),
                                ("contact_urls", "url", 6)):
        for _ in range(most if big else rng.randint(0, 3)):
            conn.execute(f"INSERT INTO {table} (contact_id, {column}, label, preferred,"
                         f" position) VALUES (?, ?, ?, ?, ?)",
                         (cid, _text(rng), _maybe(rng), rng.choice([0, 0, 1, 2]),
                          rng.randint(-1, 3)))
    for _ in range(25 if big else rng.randint(0, 3)):
        conn.execute("INSERT INTO contact_phones (contact_id, number, digits_rev, label,"
                     " preferred, position) VALUES (?, ?, '', ?, ?, ?)",
                     (cid, _text(rng), _maybe(rng), rng.choice([0, 1]), rng.randint(0, 3)))
    for _ in range(10 if big else rng.randint(0, 2)):
        conn.execute("INSERT INTO contact_addresses (contact_id, street, locality, region,"
                     " postcode, country, label, preferred, position)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (cid, *[rng.choice([None, "", _text(rng)]) for _ in range(5)],
                      _maybe(rng), rng.choice([0, 1]), rng.randint(0, 2)))
