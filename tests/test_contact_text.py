"""``contact list`` and ``search`` in json, jsonl, csv and tsv are written by SQLite
(``contact_text``): the bytes must be those the Python encoders write for the records
``contact_queries`` builds (``_output._stream``, which every other listing uses),
whatever the text holds, whichever keys ``--columns`` picks, guarded or raw."""

from __future__ import annotations

import contextlib
import io
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rolodex.cli import _output, _texts
from rolodex.cli._output import Format
from rolodex.store.opening import open_db
from rolodex.store.people import contact_queries, contact_text

# Text as users and imports leave it: quotes, backslashes, controls, NUL, line and
# paragraph separators, combining marks, astral characters, plain words.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12) | st.sampled_from(
    ["", "Zoë", "\"quoted\"", "back\\slash", "tab\tnew\nline", "nul\x00here", "\u2028",
     "😀 emoji", "e\u0301", "</script>", "1.5", "null", "[]", "{}", "=1+2", "+49 30", "-x",
     "@a", "'=x", "''-y", "'", "\tx", "\rx", "a,b", "a\rb", "del\x7f", "c1\x9b", "\x85"])
MAYBE = st.none() | TEXT
CHILD = st.tuples(TEXT, MAYBE, st.integers(0, 2), st.integers(-1, 3))  # value, label,
# preferred (2 is truthy too), position (ties broken by id)


def written(write) -> bytes:
    """What ``write()`` prints on a UTF-8 stdout, as bytes."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="\n")
    with contextlib.redirect_stdout(out):
        write()
        out.flush()
        return out.buffer.getvalue()


FORMATS = [Format.json, Format.jsonl, Format.csv, Format.tsv]


def both_paths(db, ids, fmt, keys, *, guard=True):
    """(the listing as SQLite writes it, the listing as Python encodes the records)."""
    def fast_listing() -> None:
        if fmt in (Format.csv, Format.tsv):
            _output._delimited(sys.stdout, (), keys, fmt)
        _texts.write(contact_text.texts(db, ids, fmt.value, keys, guard, _texts.csv_quoted()),
                     fmt.value, len(keys))

    fast = written(fast_listing)
    chosen = None if list(keys) == list(contact_queries.KEYS) else list(keys)
    slow = written(lambda: _output._stream(
        iter(contact_queries.iter_fetch(db, ids)), fmt, contact_queries.KEYS, chosen))
    return fast, slow


@pytest.mark.slow
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(st.fixed_dictionaries({
    "names": st.lists(MAYBE, min_size=9, max_size=9), "cadence": st.none() | st.integers(1, 400),
    "emails": st.lists(CHILD, max_size=3), "phones": st.lists(CHILD, max_size=3),
    "urls": st.lists(CHILD, max_size=2),
    "addresses": st.lists(st.tuples(st.lists(MAYBE, min_size=5, max_size=5), MAYBE,
                                    st.integers(0, 1), st.integers(0, 2)), max_size=2),
    "tags": st.lists(st.sampled_from(["vip", "Berlin", "alpha", "Zed"]) | TEXT.filter(bool),
                     max_size=4),
    "fields": st.dictionaries(TEXT, TEXT, max_size=3),
    "at": st.none() | st.sampled_from(["2026-01-02T03:04:05Z", "2025-12-31T23:59:59Z"]),
    "company": MAYBE, "birthday_text": MAYBE, "deathdate": MAYBE,
    "dates": st.lists(st.tuples(MAYBE, st.sampled_from(["2020-01-02", "--03-04"]),
                                st.integers(0, 2)), max_size=3),
}), min_size=1, max_size=6), bulk=st.booleans(), batch=st.sampled_from([1, 2, 1000]),
    guard=st.booleans(), picked=st.none() | st.lists(
        st.sampled_from(contact_queries.KEYS), min_size=1, max_size=5, unique=True))
def test_sqlite_writes_what_python_writes(tmp_path_factory, template_copy, monkeypatch, people,
                                          bulk, batch, guard, picked):
    db = open_db(template_copy(tmp_path_factory.mktemp("j") / "rolodex.db"))
    conn = db.conn
    try:
        for n, person in enumerate(people, start=1):
            (prefix, first, middle, last, suffix, nick, title, dept, notes) = person["names"]
            company_id = None
            if person["company"] is not None:
                company_id = conn.execute(
                    "INSERT INTO companies (uid, name, name_key, created, updated)"
                    " VALUES (?, ?, ?, 'c', 'u')", (f"co{n}", person["company"], f"k{n}")
                ).lastrowid
            conn.execute(
                "INSERT INTO contacts (id, uid, prefix, first_name, middle_name, last_name,"
                " suffix, display_name, name_key, sort_key, nickname, title, department,"
                " company_id, birthday, notes, status, cadence_days, created, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'k', ?, ?, ?, ?, ?, '--03-04', ?, 'lead',"
                " ?, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z')",
                (n, f"uid-{n}", prefix, first, middle, last, suffix, first or "?", str(n),
                 nick, title, dept, company_id, notes, person["cadence"]))
            for table, column in (("contact_emails", "address"), ("contact_urls", "url")):
                for value, label, preferred, position in person[table.split("_")[1]]:
                    conn.execute(f"INSERT INTO {table} (contact_id, {column}, label, preferred,"
                                 f" position) VALUES (?, ?, ?, ?, ?)",
                                 (n, value, label, preferred, position))
            for value, label, preferred, position in person["phones"]:
                conn.execute("INSERT INTO contact_phones (contact_id, number, digits_rev,"
                             " label, preferred, position) VALUES (?, ?, '', ?, ?, ?)",
                             (n, value, label, preferred, position))
            for parts, label, preferred, position in person["addresses"]:
                conn.execute("INSERT INTO contact_addresses (contact_id, street, locality,"
                             " region, postcode, country, label, preferred, position)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             (n, *parts, label, preferred, position))
            for tag in person["tags"]:
                conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (tag,))
                conn.execute("INSERT OR IGNORE INTO contact_tags (contact_id, tag_id)"
                             " SELECT ?, id FROM tags WHERE name = ?", (n, tag))
            conn.execute("UPDATE contacts SET birthday_text = ?, deathdate = ? WHERE id = ?",
                         (person["birthday_text"], person["deathdate"], n))
            for label, value, position in person["dates"]:
                conn.execute("INSERT INTO labelled_dates (contact_id, label, date, position)"
                             " VALUES (?, ?, ?, ?)", (n, label, value, position))
            for key, value in person["fields"].items():
                conn.execute("INSERT INTO contact_fields (contact_id, key, value)"
                             " VALUES (?, ?, ?)", (n, key, value))
            if person["at"]:
                conn.execute("INSERT INTO contact_last (id, at) VALUES (?, ?)",
                             (n, person["at"]))
        count = len(people)
        conn.execute("INSERT INTO relationships (contact_id, kind, related_id, created)"
                     " VALUES (1, 'manager', ?, 'x')", (count,))
        conn.execute("INSERT INTO relationships (contact_id, kind, related_name, created)"
                     " VALUES (1, 'referred-by', 'Acme \"Ltd\"', 'x')")
        if bulk:
            monkeypatch.setattr(contact_queries, "BULK", 1)
        ids = [*range(count, 0, -1), 1, count + 7]  # reversed, one twice, one missing
        monkeypatch.setattr(contact_text, "BATCH", batch)
        if not guard:
            monkeypatch.setenv("ROLODEX_CSV_RAW", "1")
        keys = list(contact_queries.KEYS) if picked is None else picked
        for fmt in FORMATS:
            fast, slow = both_paths(db, ids, fmt, keys if fmt in (Format.csv, Format.tsv)
                                    else contact_queries.KEYS, guard=guard)
            assert fast == slow, fmt
    finally:
        db.close()
        monkeypatch.undo()


def test_jsonl_listings_are_the_json_listings(rolodex):
    """Through the CLI, both paths, with the fixture every format test uses."""
    rolodex(["add", "Dr. Zoë Müller", "-e", "zoe@work.example (work)", "-e",
             "zoe@home.example (home, preferred)", "-p", "+49 30 1234567", "-t", "vip",
             "-t", "Berlin", "-t", "alpha", "--field", "shoe=38", "--address",
             "Hauptstr. 1; Berlin; ; 10115; Germany (work)", "--url", "https://zoe.example",
             "-c", "Globex", "--note", "line one\nline \"two\"\t\\"])
    rolodex(["add", "Bob Stone", "-e", "bob@stone.example", "--every", "14d"])
    rolodex(["add", "Cy Nobody"])
    rolodex(["contact", "link", "2", "manager", "1"])
    rolodex(["log", "1", "2", "call", "--at", "2026-11-02"])
    for args in (["contact", "list"], ["contact", "list", "--sort", "-id", "--limit", "2"],
                 ["search", "stone"], ["search", "tag:vip"]):
        as_json = rolodex([*args, "--format", "json"])
        as_jsonl = rolodex([*args, "--format", "jsonl"])
        assert as_json.exit_code == as_jsonl.exit_code == 0, as_jsonl.stderr
        assert as_jsonl.jsonl() == as_json.json() != []
        assert as_jsonl.stdout.endswith("}\n")


@pytest.mark.parametrize("args", [["contact", "list"], ["search", "nobody-at-all"]])
def test_an_empty_jsonl_listing_is_empty(rolodex, args):
    result = rolodex([*args, "--format", "jsonl"])
    assert result.exit_code == 0
    assert result.stdout == ""


class Sink(io.RawIOBase):
    """A binary stdout that counts what it is given and keeps nothing."""

    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.size += len(data)
        return len(data)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_listing_holds_one_batch_never_the_whole_list(tmp_path, template_copy, monkeypatch,
                                                        fmt):
    """Memory measured around writing 1,500 hostile contacts a batch of 25 at a time: the
    peak stays under a quarter of what is written, where the records held at once (as
    before #18) took more than all of it."""
    import tracemalloc

    from listing_world import build

    db = open_db(template_copy(tmp_path / "r.db"))
    try:
        ids = build(db, count=1500)
        monkeypatch.setattr(contact_text, "BATCH", 25)
        sink = Sink()
        out = io.TextIOWrapper(io.BufferedWriter(sink, buffer_size=4096), encoding="utf-8")
        def listing(ids: list[int]) -> None:
            _texts.write(contact_text.texts(db, ids, fmt.value, contact_queries.KEYS, True,
                                            ("\n",)), fmt.value, len(contact_queries.KEYS))

        with contextlib.redirect_stdout(out):
            listing(ids[:5])  # imports and compiled statements are not what is measured
            out.flush()
            sink.size = 0
            tracemalloc.start()
            try:
                listing(ids)
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
            out.flush()
    finally:
        db.close()
    assert sink.size > 500_000
    assert peak < sink.size / 4, (peak, sink.size)
