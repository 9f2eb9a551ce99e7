"""Likely duplicate contacts and companies: cheap candidates first, then one score.

Comparing every pair is out of the question at 100,000 contacts (five billion pairs), so
candidates come from *blocking*: records that share a key (an email address, the last
seven digits of a phone number, a folded name, a nickname's full name with the last name,
the first and last name in either order) land in one block, found by indexed GROUP BYs or
by one pass over the contacts. Only pairs inside a block are scored. A key shared by more
than ``MAX_BLOCK`` records (a switchboard number, ``info@``) says nothing about identity and
is skipped.

Every pair is scored by ``score_people`` (contacts) or ``_company_reasons``: the same code
answers ``rolodex dupes``, the warning of ``rolodex add`` and the import report.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rolodex.nicknames import full_names, same_person_name, spellings
from rolodex.normalize import fold, words
from rolodex.store.db import Database
from rolodex.store.records import chunks

DEFAULT_MIN_SCORE = 50
MIN_PHONE_DIGITS = 7  # significant trailing digits two numbers must share
MAX_BLOCK = 50  # records sharing one key beyond which the key is not evidence
MAX_NAME_HITS = 200  # name matches looked at for one contact

# Evidence, in percent; independent pieces combine as 1 - prod(1 - w). Company and birthday
# only count next to some real evidence: two people at one company are not one person.
WEIGHTS = {"email": 85, "phone": 70, "name": 60, "swapped": 55, "nickname": 50,
           "company": 30, "birthday": 30}
COMPANY_WEIGHTS = {"name": 75, "domain": 75}
PHRASES = {"email": "same email", "phone": "same phone", "name": "same name",
           "swapped": "first and last name swapped", "nickname": "nickname",
           "company": "same company", "birthday": "same birthday",
           "birthday-differs": "different birthdays", "domain": "same domain"}
KEYS = ("kind", "score", "a_id", "a_name", "b_id", "b_name", "reasons", "group")


@dataclass(frozen=True)
class Reason:
    """One piece of evidence: ``code`` is stable (see PHRASES), ``detail`` is for people."""

    code: str
    detail: str

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}"


@dataclass
class Match:
    """A likely duplicate pair; ``a`` is the older record (the lower id)."""

    kind: str
    score: int
    a_id: int
    a_name: str
    b_id: int
    b_name: str
    reasons: list[Reason]

    def row(self, group: int | None = None) -> dict[str, Any]:
        return {"kind": self.kind, "score": self.score, "a_id": self.a_id,
                "a_name": self.a_name, "b_id": self.b_id, "b_name": self.b_name,
                "reasons": [str(r) for r in self.reasons], "group": group}

    def phrases(self) -> str:
        """The reasons as words for a warning: ``same email, same name``."""
        return ", ".join(dict.fromkeys(PHRASES.get(r.code, r.code) for r in self.reasons))


@dataclass
class Person:
    """What scoring needs to know of a contact."""

    id: int
    name: str
    name_key: str
    first: str | None
    last: str | None
    company_id: int | None = None
    company: str | None = None
    birthday: str | None = None
    emails: dict[str, str] = field(default_factory=dict)  # lower-cased -> as written
    phones: list[tuple[str, str]] = field(default_factory=list)  # (digits_rev, number)


# --- scoring -----------------------------------------------------------------------------


def score_people(a: Person, b: Person) -> tuple[int, list[Reason]]:
    """How likely two contacts are one person (0-100), and why."""
    reasons = [r for r in (_email_reason(a, b), _phone_reason(a, b), _name_reason(a, b)) if r]
    if not reasons:
        return 0, []
    if a.company_id is not None and a.company_id == b.company_id:
        reasons.append(Reason("company", a.company or f"#{a.company_id}"))
    birthday = _birthday_reason(a.birthday, b.birthday)
    if birthday:
        reasons.append(birthday)
    return combine(reasons, WEIGHTS), reasons


def combine(reasons: Iterable[Reason], weights: dict[str, int]) -> int:
    """Independent evidence adds up without passing 100; a conflicting birthday halves it."""
    doubt, conflict = 1.0, False
    for reason in reasons:
        if reason.code == "birthday-differs":
            conflict = True
        else:
            doubt *= 1 - weights.get(reason.code, 0) / 100
    score = (1 - doubt) * (0.5 if conflict else 1)
    return int(score * 100 + 0.5)


def _email_reason(a: Person, b: Person) -> Reason | None:
    shared = next((e for e in a.emails if e in b.emails), None)
    return Reason("email", a.emails[shared]) if shared else None


def phones_match(key_a: str, key_b: str) -> bool:
    """Reversed significant digits: one number ends with the other, in enough digits
    ("+1 555 010 0100" and "555-010-0100"; not two numbers sharing a line number)."""
    short, long = sorted((key_a, key_b), key=len)
    return len(short) >= MIN_PHONE_DIGITS and long.startswith(short)


def _phone_reason(a: Person, b: Person) -> Reason | None:
    for key_a, number in a.phones:
        if any(phones_match(key_a, key_b) for key_b, _ in b.phones):
            return Reason("phone", number)
    return None


def _name_reason(a: Person, b: Person) -> Reason | None:
    fa, la, fb, lb = fold(a.first), fold(a.last), fold(b.first), fold(b.last)
    if a.name_key == b.name_key or (fa and la and (fa, la) == (fb, lb)):
        return Reason("name", a.name)
    if fa and la and fa != la and (fa, la) == (lb, fb):
        return Reason("swapped", f"{a.name} = {b.name}")
    if la and la == lb and fa and fb and same_person_name(fa, fb):
        return Reason("nickname", f"{a.first} = {b.first}")
    return None


def _birthday_reason(a: str | None, b: str | None) -> Reason | None:
    """Same day of the year (and year, when both know it) boosts; a different one doubts."""
    if not a or not b:
        return None
    year_a, day_a = a[:-6].strip("-"), a[-5:]
    year_b, day_b = b[:-6].strip("-"), b[-5:]
    if day_a == day_b and (not year_a or not year_b or year_a == year_b):
        return Reason("birthday", a if year_a else b)
    return Reason("birthday-differs", f"{a} / {b}")


# --- loading -----------------------------------------------------------------------------


def load_people(db: Database, ids: Iterable[int]) -> dict[int, Person]:
    """Scoring data for many contacts: one query per table per chunk, never per contact."""
    people: dict[int, Person] = {}
    for chunk in chunks(sorted(set(ids))):
        marks = ", ".join("?" * len(chunk))
        for r in db.execute(
                f"SELECT c.id, c.display_name, c.name_key, c.first_name, c.last_name,"
                f" c.company_id, co.name, c.birthday FROM contacts c LEFT JOIN companies co"
                f" ON co.id = c.company_id WHERE c.id IN ({marks})", chunk):
            people[r[0]] = Person(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7])
        for contact_id, address in db.execute(
                f"SELECT contact_id, address FROM contact_emails WHERE contact_id IN ({marks})"
                f" ORDER BY position, id", chunk):
            people[contact_id].emails.setdefault(address.lower(), address)
        for contact_id, key, number in db.execute(
                f"SELECT contact_id, digits_rev, number FROM contact_phones"
                f" WHERE contact_id IN ({marks}) ORDER BY position, id", chunk):
            people[contact_id].phones.append((key, number))
    return people


# --- one contact ---------------------------------------------------------------------------


def candidates_for(db: Database, contact_id: int, *, exclude: Iterable[int] = (),
                   min_score: int = DEFAULT_MIN_SCORE) -> list[Match]:
    """Existing contacts that ``contact_id`` is likely a duplicate of, best first.

    Each lookup is indexed (emails, phone digits, name key, the full-text name column), so
    this is cheap enough to run for every contact added or imported.
    """
    me = load_people(db, [contact_id]).get(contact_id)
    if me is None:
        return []
    found = _lookup_candidates(db, me) - {contact_id} - set(exclude)
    others = load_people(db, found)
    matches = []
    for other_id in sorted(found):
        score, reasons = score_people(others[other_id], me)
        if reasons and score >= min_score:
            matches.append(Match("contact", score, other_id, others[other_id].name,
                                 contact_id, me.name, reasons))
    return sorted(matches, key=lambda m: (-m.score, m.a_id))


def _lookup_candidates(db: Database, me: Person) -> set[int]:
    found: set[int] = set()
    for address in me.emails.values():
        found.update(r[0] for r in db.execute(
            "SELECT contact_id FROM contact_emails WHERE address = ? COLLATE NOCASE",
            (address,)))
    for key, _ in me.phones:
        found.update(_phone_neighbours(db, key))
    found.update(r[0] for r in db.execute("SELECT id FROM contacts WHERE name_key = ?"
                                          " LIMIT ?", (me.name_key, MAX_NAME_HITS)))
    query = _name_query(me.first, me.last)
    if query:
        found.update(r[0] for r in db.execute(
            "SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ? LIMIT ?",
            (query, MAX_NAME_HITS)))
    return found


def _phone_neighbours(db: Database, key: str) -> list[int]:
    """Contacts with a number ending in this one, or that this one ends with (index range
    scan plus exact lookups of this number's own tails)."""
    if len(key) < MIN_PHONE_DIGITS:
        return []
    tails = [key[:n] for n in range(MIN_PHONE_DIGITS, len(key))]
    return [r[0] for r in db.execute(
        f"SELECT DISTINCT contact_id FROM contact_phones WHERE (digits_rev >= ? AND"
        f" digits_rev < ?) OR digits_rev IN ({', '.join('?' * len(tails)) or 'NULL'})",
        (key, key + "\uffff", *tails))]


def _name_query(first: str | None, last: str | None) -> str | None:
    """Full-text query on the name column: every word of the last name and any spelling of
    the first name, in any order (which also finds "Doe Jane" for "Jane Doe")."""
    last_words = words(last)
    alternatives = [" ".join(words(s)) for s in spellings(first)]
    alternatives = [a for a in alternatives if a]
    if not last_words or not alternatives:
        return None
    any_first = " OR ".join(f'"{a}"' for a in alternatives)
    return "{name} : (" + " AND ".join(f'"{w}"' for w in last_words) + f" AND ({any_first}))"


# --- everyone ------------------------------------------------------------------------------


def find_duplicates(db: Database, *, min_score: int = DEFAULT_MIN_SCORE) -> list[dict]:
    """Every likely duplicate pair of contacts and of companies, best first.

    ``group`` numbers the clusters: pairs sharing a record share a group, so three cards of
    one person show as three pairs of one group.
    """
    matches = [*_contact_matches(db, min_score), *_company_matches(db, min_score)]
    matches.sort(key=lambda m: (-m.score, m.kind != "contact", m.a_id, m.b_id))
    groups = _groups(matches)
    return [m.row(groups[(m.kind, m.a_id)]) for m in matches]


def _contact_matches(db: Database, min_score: int) -> Iterator[Match]:
    pairs = _contact_pairs(db)
    people = load_people(db, {i for pair in pairs for i in pair})
    for a_id, b_id in sorted(pairs):
        score, reasons = score_people(people[a_id], people[b_id])
        if reasons and score >= min_score:
            yield Match("contact", score, a_id, people[a_id].name, b_id, people[b_id].name,
                        reasons)


def _contact_pairs(db: Database) -> set[tuple[int, int]]:
    """Candidate pairs (lower id first) from every blocking key."""
    blocks: list[list[int]] = []
    for sql in (
        "SELECT group_concat(DISTINCT contact_id) FROM contact_emails"
        " GROUP BY address COLLATE NOCASE HAVING count(DISTINCT contact_id) BETWEEN 2 AND ?",
        f"SELECT group_concat(DISTINCT contact_id) FROM contact_phones"
        f" WHERE length(digits_rev) >= {MIN_PHONE_DIGITS}"
        f" GROUP BY substr(digits_rev, 1, {MIN_PHONE_DIGITS})"
        f" HAVING count(DISTINCT contact_id) BETWEEN 2 AND ?",
        "SELECT group_concat(id) FROM contacts GROUP BY name_key"
        " HAVING count(*) BETWEEN 2 AND ?",
    ):
        blocks.extend([int(i) for i in r[0].split(",")] for r in db.execute(sql, (MAX_BLOCK,)))
    blocks.extend(_name_blocks(db))
    return {pair for block in blocks for pair in itertools.combinations(sorted(set(block)), 2)}


def _name_blocks(db: Database) -> list[list[int]]:
    """One pass over first and last names: a block per (full first name, last name), which
    catches nicknames, and per unordered pair of names, which catches swapped ones."""
    keys: dict[tuple[str, ...], list[int]] = {}
    for contact_id, first, last in db.execute(
            "SELECT id, first_name, last_name FROM contacts"
            " WHERE first_name IS NOT NULL AND last_name IS NOT NULL"):
        first, last = fold(first), fold(last)
        for full in full_names(first):
            keys.setdefault(("n", full, last), []).append(contact_id)
        keys.setdefault(("s", *sorted((first, last))), []).append(contact_id)
    return [ids for ids in keys.values() if 2 <= len(ids) <= MAX_BLOCK]


def _groups(matches: list[Match]) -> dict[tuple[str, int], int]:
    """Cluster numbers (1, 2, ...) by first appearance, pairs joined through shared records."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def root(node: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for m in matches:
        parent[root((m.kind, m.b_id))] = root((m.kind, m.a_id))
    numbers: dict[tuple[str, int], int] = {}
    out: dict[tuple[str, int], int] = {}
    for m in matches:
        top = root((m.kind, m.a_id))
        out[(m.kind, m.a_id)] = numbers.setdefault(top, len(numbers) + 1)
    return out


# --- companies ---------------------------------------------------------------------------

LEGAL_FORMS = frozenset((
    "ltd", "limited", "llc", "llp", "lp", "inc", "incorporated", "corp", "corporation", "co",
    "company", "plc", "gmbh", "mbh", "ag", "kg", "ohg", "ug", "ev", "sa", "sas", "sarl", "srl",
    "spa", "sl", "bv", "nv", "oy", "ab", "as", "aps", "asa", "kk", "pty", "pte", "bhd", "sdn",
    "se",
))
_PUNCTUATION = re.compile("[.,'\u2019]")  # gone without a space: S.A. is sa, O'Neil oneil
_SEPARATORS = re.compile(r"[&+/()\-]")


def company_key(name: str) -> str:
    """A company's name without case, accents, punctuation or legal form: "ACME, Inc.",
    "Acme Ltd" and "Acme GmbH & Co. KG" all give "acme"."""
    text = _SEPARATORS.sub(" ", _PUNCTUATION.sub("", fold(name)))
    tokens = text.split()
    if tokens[:1] == ["the"] and len(tokens) > 1:
        tokens = tokens[1:]
    core = list(tokens)
    while len(core) > 1 and core[-1] in LEGAL_FORMS:
        core.pop()
    return " ".join(core) or fold(name)


def domain_key(domain: str | None, website: str | None) -> str | None:
    """The company's web domain, from its domain or else its website, without www."""
    text = (domain or website or "").strip().lower()
    if not text:
        return None
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text).split("/")[0].split(":")[0]
    return text.removeprefix("www.") or None


def _company_matches(db: Database, min_score: int) -> Iterator[Match]:
    rows = {r[0]: r for r in db.execute("SELECT id, name, domain, website FROM companies")}
    blocks: dict[tuple[str, str], list[int]] = {}
    for company_id, name, domain, website in rows.values():
        blocks.setdefault(("n", company_key(name)), []).append(company_id)
        key = domain_key(domain, website)
        if key:
            blocks.setdefault(("d", key), []).append(company_id)
    pairs = {pair for ids in blocks.values() if 2 <= len(ids) <= MAX_BLOCK
             for pair in itertools.combinations(sorted(ids), 2)}
    for a_id, b_id in sorted(pairs):
        a, b = rows[a_id], rows[b_id]
        reasons = _company_reasons(a, b)
        score = combine(reasons, COMPANY_WEIGHTS)
        if reasons and score >= min_score:
            yield Match("company", score, a_id, a[1], b_id, b[1], reasons)


def _company_reasons(a: Any, b: Any) -> list[Reason]:
    reasons = []
    if company_key(a[1]) == company_key(b[1]):
        same = fold(a[1]) == fold(b[1])
        reasons.append(Reason("name", a[1] if same else f"{a[1]} = {b[1]}"))
    domain = domain_key(a[2], a[3])
    if domain and domain == domain_key(b[2], b[3]):
        reasons.append(Reason("domain", domain))
    return reasons
