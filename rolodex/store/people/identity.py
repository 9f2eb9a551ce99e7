"""Who a person is, as far as free text goes: every name, email address and phone number
they had (the tables and the journal remember earlier ones), to find where they are
mentioned and to scrub those mentions out. Erasure and the subject access export share it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from rolodex.errors import NotFound
from rolodex.normalize import phone_digits
from rolodex.store.db import Database

ERASED = "[erased]"
MIN_PHONE_DIGITS = 7  # a shorter run of digits is too likely to be something else
MIN_WORD = 3  # a shorter word of a name ("Jo", "de") is too likely to be something else
_WORD = re.compile(r"[^\W\d_]+")  # letters: "O'Neil-Smith" is found as Neil or Smith
_PHONE_RUN = re.compile(r"\+?\(?\d[\d\s()./-]{4,}\d")


@dataclass(frozen=True)
class Identity:
    """What identifies a person in free text: every name, email address and phone number
    they had, as far as the tables and the journal remember."""

    contact_id: int
    names: tuple[str, ...]
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    since: int = 0  # journal changes up to this id concern an earlier holder of the id
    uids: tuple[str, ...] = ()  # their own and those of contacts merged into them

    @property
    def name(self) -> str:
        return self.names[0]

    def words(self, texts: Iterable[str] = ()) -> Words:
        """Each word of their names alone (``Zebulon`` of "Zebulon Quark", which "Send
        Zebulon the offer" names them by), and ``texts`` that were theirs alone."""
        words = [w for n in self.names for w in _WORD.findall(n) if len(w) >= MIN_WORD]
        texts = [t.strip() for t in texts if t and len(t.strip()) >= MIN_WORD]
        return Words(tuple(dict.fromkeys((*texts, *words))))

    def _name_forms(self) -> list[str]:
        """Each name as typed and as it appears inside a JSON string."""
        forms = [f for n in self.names for f in (n, json.dumps(n, ensure_ascii=False)[1:-1])]
        # A one-letter name would match every "a" in the journal.
        return list(dict.fromkeys(f for f in forms if len(f.strip()) >= 2))

    def needles(self) -> list[str]:
        """Literal strings that any mention contains (for a LIKE pre-filter in SQL)."""
        return list(dict.fromkeys(n for n in (*self._name_forms(), *self.emails, *self.phones)
                                  if n.strip()))

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The names and addresses as whole words, case-insensitively."""
        parts = [r"(?<![\w.+-])" + re.escape(e) + r"(?!\.?[\w-])" for e in self.emails]
        parts += [r"(?<!\w)" + r"\s+".join(map(re.escape, n.split())) + r"(?!\w)"
                  for n in self._name_forms()]
        parts += [re.escape(p) for p in self.phones]
        return re.compile("|".join(parts) or r"(?!)", re.IGNORECASE)

    @cached_property
    def _digits(self) -> tuple[str, ...]:
        return tuple(d for d in map(phone_digits, self.phones) if len(d) >= MIN_PHONE_DIGITS)

    def mentioned_in(self, text: str | None) -> bool:
        """Whether ``text`` names this person: a name, an email, or a phone number however
        it is written (``555 010 0100`` is ``+1 (555) 010-0100``)."""
        if not text:
            return False
        if self.pattern.search(text):
            return True
        return bool(self._digits) and any(self._same_phone(run)
                                          for run in _PHONE_RUN.findall(text))

    def _same_phone(self, run: str) -> bool:
        digits = phone_digits(run)
        return len(digits) >= MIN_PHONE_DIGITS and any(
            d.endswith(digits) or digits.endswith(d) for d in self._digits)

    def scrub(self, text: str) -> str:
        """``text`` with every mention replaced by ``[erased]``."""
        text = self.pattern.sub(ERASED, text)
        return _PHONE_RUN.sub(lambda m: ERASED if self._same_phone(m[0]) else m[0], text)


@dataclass(frozen=True)
class Words:
    """Single words and whole texts to find as whole words, case-insensitively: what may
    name a person without being their full name, email or phone (a first name alone may
    be someone else's, so these are reported for review, and rewritten only in what was
    theirs alone). Has ``Identity``'s ``needles``, ``mentioned_in`` and ``scrub``."""

    texts: tuple[str, ...]

    def needles(self) -> list[str]:
        return list(self.texts)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        parts = [r"(?<!\w)" + re.escape(t) + r"(?!\w)" for t in
                 sorted(self.texts, key=len, reverse=True)]
        return re.compile("|".join(parts) or r"(?!)", re.IGNORECASE)

    def mentioned_in(self, text: str | None) -> bool:
        return bool(text) and self.pattern.search(text) is not None

    def scrub(self, text: str) -> str:
        return self.pattern.sub(ERASED, text)


def identity(db: Database, contact_id: int) -> Identity:
    """A contact's identity: current values first, then earlier ones from the journal
    (a changed email address is still in old before-images and calendar lines).

    Works for a contact deleted the ordinary way too, whose journal still holds them.
    """
    row = db.execute("SELECT display_name FROM contacts WHERE id = ?", (contact_id,)).fetchone()
    names = [row[0]] if row else []
    emails = [r[0] for r in db.execute(
        "SELECT address FROM contact_emails WHERE contact_id = ? ORDER BY position, id",
        (contact_id,))]
    phones = [r[0] for r in db.execute(
        "SELECT number FROM contact_phones WHERE contact_id = ? ORDER BY position, id",
        (contact_id,))]
    since = life_start(db, contact_id)
    for table, key, bucket in (("contacts", "$.display_name", names),
                               ("contact_emails", "$.address", emails),
                               ("contact_phones", "$.number", phones)):
        for before, after in db.execute(
                "SELECT json_extract(before, ?), json_extract(after, ?) FROM changes"
                " WHERE contact_id = ? AND table_name = ? AND id > ? ORDER BY id DESC",
                (key, key, contact_id, table, since)):
            bucket += [v for v in (after, before) if isinstance(v, str) and v.strip()]
    if not names:
        raise NotFound(f"no contact with id {contact_id}, nor one in the journal")
    uids = [r[0] for r in db.execute(
        "SELECT uid FROM contacts WHERE id = ? UNION ALL SELECT uid FROM contact_uids"
        " WHERE contact_id = ? UNION ALL SELECT json_extract(before, '$.uid') FROM changes"
        " WHERE table_name = 'contacts' AND row_id = ? AND id > ?",
        (contact_id, contact_id, contact_id, since)) if r[0]]
    return Identity(contact_id, *(tuple(dict.fromkeys(b)) for b in (names, emails, phones)),
                    since=since, uids=tuple(dict.fromkeys(uids)))


def life_start(db: Database, contact_id: int) -> int:
    """The journal change after which ``contact_id`` means this person.

    SQLite gives a new row the highest id plus one, so after the newest contact is deleted
    the next one added gets its id: the journal's ``contact_id`` then names two people. The
    boundary is the last deletion of a contacts row with that id and another UID (a delete
    undone or restored keeps the UID, so it is the same person).
    """
    row = db.execute("SELECT uid FROM contacts WHERE id = ?", (contact_id,)).fetchone() \
        or db.execute("SELECT json_extract(coalesce(before, after), '$.uid') FROM changes"
                      " WHERE table_name = 'contacts' AND row_id = ? ORDER BY id DESC LIMIT 1",
                      (contact_id,)).fetchone()
    uid = row[0] if row else None
    return db.execute(
        "SELECT coalesce(max(id), 0) FROM changes WHERE table_name = 'contacts'"
        " AND row_id = ? AND action = 'delete' AND json_extract(before, '$.uid') IS NOT ?",
        (contact_id, uid)).fetchone()[0]


def _like(needle: str) -> str:
    return "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def mentioning(db: Database, table: str, columns: Iterable[str], who: Identity | Words,
                extra: str = "") -> Iterator[Any]:
    """Rows of ``table`` whose ``columns`` mention the person: a LIKE pre-filter in SQL
    (which also finds case variants of ASCII text), then the exact check in Python."""
    columns = list(columns)
    needles = who.needles()
    if not needles:
        return
    likes = " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in columns for _ in needles)
    params = [_like(n) for _ in columns for n in needles]
    sql = f"SELECT id, {', '.join(columns)}{extra} FROM {table} WHERE {likes}"
    for row in db.execute(sql, params):
        if any(who.mentioned_in(row[c]) for c in columns):
            yield row
