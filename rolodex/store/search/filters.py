"""The search query language: free words plus filters such as ``tag:vip -status:lead``.

``search_contacts`` and saved searches (``@NAME``) read queries through ``parse``. A query
is words separated by spaces; a word of the form ``KEY:VALUE`` with a known key is a filter,
``-KEY:VALUE`` its negation, ``@NAME`` a saved search. Values with spaces are quoted,
``city:"New York"``. Every filter must hold (AND); the free words are searched as before.

Words with a colon that are not filters stay text, so URLs (``https://acme.example``),
times (``14:00``) and ``a:b`` are still searchable. Only a ``KEY:`` close to a real key
(``tags:vip``, ``stauts:lead``) is an error, since it is a typo that would otherwise
silently find nothing.
"""

from __future__ import annotations

import re
from collections import namedtuple

from rolodex.errors import InvalidInput
from rolodex.normalize import fold
from rolodex.store.db import Database, current_user

FILTER_KEYS = ("tag", "status", "owner", "company", "source", "city", "country")
QUOTES = "\"'"
_FILTER = re.compile(r"(-?)([A-Za-z_]+):(.*)", re.S)
_FILTER_START = re.compile(r"-?[A-Za-z_]+:(?=[\"'])")
_SAVED = re.compile(r"(-?)@([A-Za-z0-9][A-Za-z0-9_-]*)")
_TYPO_CUTOFF = 0.7  # difflib ratio from which an unknown key is taken for a misspelt one
_ADDRESS_COLUMNS = {"city": "locality", "country": "country"}


# Plain classes, not dataclasses: importing dataclasses (it loads inspect) would cost
# mutt-query, which parses queries too, a tenth of its time.
Term = namedtuple("Term", "key value negate", defaults=(False,))
Term.__doc__ = "One filter: ``key`` is a filter key, or ``@`` for a saved search named ``value``."


class Query:
    """A parsed query: the free text (searched as before) and the filters."""

    __slots__ = ("terms", "text")

    def __init__(self, text: str, terms: list[Term] | None = None) -> None:
        self.text = text
        self.terms = terms if terms is not None else []

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Query) and (self.text, self.terms) == (other.text, other.terms)

    def __repr__(self) -> str:
        return f"Query(text={self.text!r}, terms={self.terms!r})"


def quote(value: str) -> str:
    """A filter value as it must be written in a query string."""
    if value and not any(c.isspace() for c in value) and value[0] not in QUOTES:
        return value
    return f"'{value}'" if '"' in value else f'"{value}"'


def split(query: str) -> list[tuple[str, bool]]:
    """Words of ``query`` as ``(word, literal)``, splitting on spaces like a shell.

    A quote opens a group only at the start of a word (the group is then ``literal``:
    never a filter) or right after ``KEY:``. An unclosed quote at the start of a word is
    just a character (``'`` alone is searchable); after ``KEY:`` it is an error.
    """
    out: list[tuple[str, bool]] = []
    i, n = 0, len(query)
    while i < n:
        if query[i].isspace():
            i += 1
            continue
        if query[i] in QUOTES:
            end = query.find(query[i], i + 1)
            if end != -1:
                out.append((query[i + 1:end], True))
                i = end + 1
                continue
        prefix = _FILTER_START.match(query, i)
        if prefix:
            mark = prefix.end()
            end = query.find(query[mark], mark + 1)
            if end == -1:
                raise InvalidInput(f"unclosed quote after '{prefix.group()}' in the query",
                                   hint=f"close it: {prefix.group()}\"New York\"")
            out.append((prefix.group() + query[mark + 1:end], False))
            i = end + 1
            continue
        end = i
        while end < n and not query[end].isspace():
            end += 1
        out.append((query[i:end], False))
        i = end
    return out


def _filter_term(sign: str, key: str, value: str, word: str) -> Term | None:
    """The filter a ``KEY:VALUE`` word means, None if it is text; errors for typos."""
    lowered = key.lower()
    if lowered not in FILTER_KEYS:
        if value.startswith("//"):
            return None  # a URL
        import difflib

        close = difflib.get_close_matches(lowered, FILTER_KEYS, n=1, cutoff=_TYPO_CUTOFF)
        if not close:
            return None
        raise InvalidInput(
            f"unknown filter '{key}:' (did you mean '{close[0]}:'?); filters are "
            + ", ".join(f"{k}:" for k in FILTER_KEYS),
            hint=f"to search for the text itself, quote the word: '\"{word}\"'")
    if not value.strip():
        raise InvalidInput(f"'{lowered}:' needs a value", hint="write it without a space: "
                           f"{lowered}:VALUE, or {lowered}:\"two words\"")
    return Term(lowered, value.strip(), bool(sign))


def parse(query: str) -> Query:
    """Split ``query`` into free text and filters (``@NAME`` words become ``@`` terms)."""
    text: list[str] = []
    terms: list[Term] = []
    for word, literal in split(query):
        if not literal:
            saved = _SAVED.fullmatch(word)
            if saved:
                terms.append(Term("@", saved[2], bool(saved[1])))
                continue
            match = _FILTER.fullmatch(word)
            if match:
                term = _filter_term(match[1], match[2], match[3], word)
                if term is not None:
                    terms.append(term)
                    continue
        text.append(word)
    return Query(" ".join(text), terms)


def query_from_args(args: list[str]) -> str:
    """One query string from shell arguments.

    The shell has already removed the quotes of ``city:"New York"``: an argument that
    starts with a filter, holds spaces and no other filter is one filter, quoted again.
    Any other argument is query text as is (``"muller acme"`` is two words).
    """
    parts = []
    for arg in args:
        match = _FILTER.fullmatch(arg.strip())
        value = match[3] if match else ""
        if (match and match[2].lower() in FILTER_KEYS and any(c.isspace() for c in value)
                and value[:1] not in QUOTES and not any(
                    _FILTER.fullmatch(w) or _SAVED.fullmatch(w) for w in value.split())):
            parts.append(f"{match[1]}{match[2]}:{quote(value.strip())}")
        else:
            parts.append(arg)
    return " ".join(parts)


def _condition(db: Database, term: Term) -> tuple[str, list]:
    """SQL over ``contacts c`` that is true when the (un-negated) filter holds."""
    if term.key == "tag":
        return ("c.id IN (SELECT ct.contact_id FROM contact_tags ct JOIN tags t"
                " ON t.id = ct.tag_id WHERE t.name = ?)", [term.value])
    if term.key in ("status", "source"):
        return f"coalesce(c.{term.key} = ? COLLATE NOCASE, 0)", [term.value]
    if term.key == "owner":
        who = current_user() if term.value.lower() == "me" else term.value
        return "coalesce(c.owner = ? COLLATE NOCASE, 0)", [who]
    if term.key == "company":
        from rolodex.store.refs import resolve_company

        return "coalesce(c.company_id = ?, 0)", [resolve_company(db, term.value)]
    column = _ADDRESS_COLUMNS[term.key]
    # Folding happens in Python (as everywhere in rolodex): the distinct spellings in use
    # are few, so find those that fold to the value and let an index-free IN do the rest.
    wanted = fold(term.value)
    spellings = [r[0] for r in db.execute(
        f"SELECT DISTINCT {column} FROM contact_addresses WHERE {column} IS NOT NULL")
        if fold(r[0]) == wanted]
    if not spellings:
        return "0", []
    return (f"c.id IN (SELECT contact_id FROM contact_addresses WHERE {column} IN"
            f" ({', '.join('?' * len(spellings))}))", spellings)


def filter_ids(db: Database, terms: list[Term], *, within: list[int] | None = None,
               limit: int | None = None) -> list[int]:
    """Contacts for which every (non-``@``) filter holds, by name; or those of ``within``,
    in its order."""
    where, params = ["1"], []
    for term in terms:
        if term.key == "@":
            continue
        sql, values = _condition(db, term)
        where.append(f"NOT ({sql})" if term.negate else sql)
        params += values
    sql = f"SELECT c.id FROM contacts c WHERE {' AND '.join(where)}"
    if within is not None:
        allowed = {r[0] for r in db.execute(sql, params)}
        return [i for i in within if i in allowed][:limit]
    sql += " ORDER BY c.sort_key, c.id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [r[0] for r in db.execute(sql, params)]


def custom_field_keys(db: Database) -> list[str]:
    """Every custom field key some contact has (templates check their ``field.KEY``)."""
    return [r[0] for r in db.execute("SELECT DISTINCT key FROM contact_fields ORDER BY key")]
