"""Output formats of ``contact list``, ``company list``, ``search`` and the ``show`` commands."""

from __future__ import annotations

import csv
import io
import json

import pytest

# Documented keys; the store may add more, so the tests check these are present and that
# every format carries the same keys in the same order.
CONTACT_KEYS = [
    "id", "uid", "name", "prefix", "first_name", "middle_name", "last_name", "suffix",
    "nickname", "company", "company_id", "title", "department", "email", "phone", "emails",
    "phones", "addresses", "urls", "tags", "birthday", "anniversary", "status", "source",
    "owner", "cadence_days", "notes", "relationships", "custom", "created", "updated",
]
COMPANY_KEYS = ["id", "uid", "name", "domain", "industry", "kind", "phone", "email", "address",
                "website", "notes", "tags", "custom", "contacts", "created", "updated"]
ANSI = "\x1b"

CONTACT_COMMANDS = [["contact", "list"], ["search", "example"]]


def add(rolodex, *args: str) -> int:
    result = rolodex(["contact", "add", *args])
    assert result.exit_code == 0, result.stderr
    return int(result.stdout)


@pytest.fixture
def two(rolodex) -> dict[str, int]:
    """Two contacts: one with everything, one with almost nothing (but an email)."""
    zoe = add(rolodex, "Dr. Zoë Müller", "-e", "zoe@globex.example (work)",
              "-e", "zoe@home.example (home, preferred)", "-p", "0176 123-45678 (mobile)",
              "-p", "+49 30 1234567", "-c", "Globex GmbH", "--title", "CTO",
              "--department", "R&D", "--nickname", "Zo", "-t", "vip", "-t", "berlin",
              "-b", "--04-15", "--anniversary", "2010-06-01", "--status", "customer",
              "--source", "conference", "--owner", "alice", "--every", "30d",
              "--field", "linkedin=zoem", "--field", "shoe=38",
              "--url", "https://zoe.example (blog)",
              "--address", "Hauptstr. 1; Berlin; ; 10115; Germany (work)",
              "--note", "line one\twith tab\nline two, \"quoted\"")
    bob = add(rolodex, "Bob Stone", "-e", "bob@stone.example")
    result = rolodex(["contact", "link", str(bob), "manager", str(zoe)])
    assert result.exit_code == 0, result.stderr
    return {"zoe": zoe, "bob": bob}


def has_keys(row: dict, keys: list[str]) -> None:
    missing = [k for k in keys if k not in row]
    assert missing == []
    # the documented keys keep their documented order
    assert [k for k in row if k in keys] == keys


def json_keys(rolodex, command: list[str]) -> list[str]:
    data = rows_of(rolodex, command, "json").json()
    assert data, "need at least one row to learn the keys"
    return list(data[0])


def rows_of(rolodex, command: list[str], fmt: str):
    result = rolodex([*command, "-f", fmt])
    assert result.exit_code == 0, result.stderr
    return result


# --- json ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", CONTACT_COMMANDS)
def test_json_is_a_list_with_every_key(rolodex, two, command):
    data = rows_of(rolodex, command, "json").json()
    assert isinstance(data, list)
    assert len(data) == 2
    for row in data:
        has_keys(row, CONTACT_KEYS)
    assert list(data[0]) == list(data[1])


def test_json_values_for_a_full_contact(rolodex, two):
    data = {r["id"]: r for r in rows_of(rolodex, ["contact", "list"], "json").json()}
    zoe = data[two["zoe"]]
    assert zoe["name"] == "Dr. Zoë Müller"
    assert (zoe["prefix"], zoe["first_name"], zoe["last_name"]) == ("Dr.", "Zoë", "Müller")
    assert zoe["nickname"] == "Zo"
    assert zoe["company"] == "Globex GmbH"
    assert isinstance(zoe["company_id"], int)
    assert zoe["title"] == "CTO"
    assert zoe["department"] == "R&D"
    assert zoe["email"] == "zoe@home.example"
    assert zoe["phone"] == "0176 123-45678"
    assert zoe["emails"] == [
        {"address": "zoe@globex.example", "label": "work", "preferred": False},
        {"address": "zoe@home.example", "label": "home", "preferred": True}]
    assert zoe["phones"] == [
        {"number": "0176 123-45678", "label": "mobile", "preferred": True},
        {"number": "+49 30 1234567", "label": None, "preferred": False}]
    assert zoe["addresses"] == [{"street": "Hauptstr. 1", "locality": "Berlin",
                                 "region": None, "postcode": "10115", "country": "Germany",
                                 "label": "work", "preferred": True}]
    assert zoe["urls"] == [{"url": "https://zoe.example", "label": "blog", "preferred": True}]
    assert zoe["tags"] == ["berlin", "vip"]
    assert zoe["birthday"] == "--04-15"
    assert zoe["anniversary"] == "2010-06-01"
    assert zoe["status"] == "customer"
    assert zoe["source"] == "conference"
    assert zoe["owner"] == "alice"
    assert zoe["cadence_days"] == 30
    assert zoe["notes"] == "line one\twith tab\nline two, \"quoted\""
    assert zoe["relationships"] == [{"kind": "report", "contact_id": two["bob"],
                                     "name": "Bob Stone"}]
    assert zoe["custom"] == {"linkedin": "zoem", "shoe": "38"}
    assert zoe["created"] == "2026-11-20T09:00:00Z"
    assert zoe["updated"] == "2026-11-20T09:00:00Z"
    assert len(zoe["uid"]) == 36


def test_json_empty_fields_are_null_or_empty(rolodex, two):
    data = {r["id"]: r for r in rows_of(rolodex, ["contact", "list"], "json").json()}
    bob = data[two["bob"]]
    for key in ("prefix", "middle_name", "suffix", "nickname", "company", "company_id",
                "title", "department", "phone", "birthday", "anniversary", "status", "source",
                "owner", "cadence_days", "notes"):
        assert bob[key] is None, key
    for key in ("phones", "addresses", "urls", "tags"):
        assert bob[key] == [], key
    assert bob["custom"] == {}
    assert bob["relationships"] == [{"kind": "manager", "contact_id": two["zoe"],
                                     "name": "Dr. Zoë Müller"}]


def test_json_keeps_non_ascii_characters(rolodex, two):
    out = rows_of(rolodex, ["contact", "list"], "json").stdout
    assert "Zoë Müller" in out
    assert "\\u00eb" not in out


@pytest.mark.parametrize("command", [["contact", "list"], ["search", "nothing"],
                                     ["company", "list"]])
def test_json_empty_list(rolodex, command):
    result = rows_of(rolodex, command, "json")
    assert result.json() == []
    assert result.stderr == ""


def test_show_json_is_an_object(rolodex, two):
    result = rolodex(["contact", "show", str(two["zoe"]), "-f", "json"])
    assert result.exit_code == 0
    record = result.json()
    assert isinstance(record, dict)
    has_keys(record, CONTACT_KEYS)
    listed = {r["id"]: r for r in rows_of(rolodex, ["contact", "list"], "json").json()}
    assert record == listed[two["zoe"]]


def test_show_jsonl_and_csv_are_one_record(rolodex, two):
    jsonl = rolodex(["contact", "show", str(two["bob"]), "-f", "jsonl"])
    assert jsonl.exit_code == 0
    assert len(jsonl.stdout.splitlines()) == 1
    assert jsonl.jsonl()[0]["name"] == "Bob Stone"
    csv_out = rolodex(["contact", "show", str(two["bob"]), "-f", "csv"])
    rows = list(csv.reader(io.StringIO(csv_out.stdout)))
    assert rows[0] == list(jsonl.jsonl()[0])
    assert len(rows) == 2
    assert rows[1][rows[0].index("name")] == "Bob Stone"


def test_company_show_json_is_an_object(rolodex, two):
    result = rolodex("company show globex -f json")
    assert result.exit_code == 0
    record = result.json()
    assert isinstance(record, dict)
    has_keys(record, COMPANY_KEYS)
    assert record["contacts"] == 1


def test_company_list_json(rolodex, two):
    rolodex(["company", "add", "Initech", "--kind", "vendor", "--tag", "key"])
    data = rows_of(rolodex, ["company", "list"], "json").json()
    assert [c["name"] for c in data] == ["Globex GmbH", "Initech"]
    for row in data:
        has_keys(row, COMPANY_KEYS)
    assert data[0]["contacts"] == 1
    assert data[1]["kind"] == "vendor"
    assert data[1]["tags"] == ["key"]


# --- jsonl -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", [*CONTACT_COMMANDS, ["company", "list"]])
def test_jsonl_one_object_per_line_matching_json(rolodex, two, command):
    rolodex(["company", "add", "Initech"])
    json_rows = rows_of(rolodex, command, "json").json()
    result = rows_of(rolodex, command, "jsonl")
    lines = result.stdout.splitlines()
    assert len(lines) == len(json_rows) >= 2
    for line in lines:
        assert isinstance(json.loads(line), dict)
    assert result.jsonl() == json_rows


def test_jsonl_escapes_newlines_inside_values(rolodex, two):
    out = rows_of(rolodex, ["contact", "list"], "jsonl").stdout
    assert out.count("\n") == 2


def test_jsonl_empty(rolodex):
    assert rows_of(rolodex, ["contact", "list"], "jsonl").stdout == ""


# --- csv -------------------------------------------------------------------------------


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("command", CONTACT_COMMANDS)
def test_csv_header_is_the_keys(rolodex, two, command):
    text = rows_of(rolodex, command, "csv").stdout
    header = next(csv.reader(io.StringIO(text)))
    assert header == json_keys(rolodex, command)
    has_keys(dict.fromkeys(header), CONTACT_KEYS)
    assert len(_csv(text)) == 2


def test_csv_values(rolodex, two):
    rows = {int(r["id"]): r for r in _csv(rows_of(rolodex, ["contact", "list"], "csv").stdout)}
    zoe, bob = rows[two["zoe"]], rows[two["bob"]]
    assert zoe["name"] == "Dr. Zoë Müller"
    assert zoe["emails"] == "zoe@globex.example; zoe@home.example"
    assert zoe["phones"] == "0176 123-45678; +49 30 1234567"
    assert zoe["tags"] == "berlin; vip"
    assert zoe["urls"] == "https://zoe.example"
    assert zoe["addresses"] == "Hauptstr. 1, Berlin, 10115, Germany"
    assert zoe["email"] == "zoe@home.example"
    assert zoe["cadence_days"] == "30"
    assert zoe["birthday"] == "'--04-15"  # a leading - is a formula to a spreadsheet
    assert zoe["relationships"] == "report: Bob Stone"
    assert json.loads(zoe["custom"]) == {"linkedin": "zoem", "shoe": "38"}
    assert zoe["notes"] == "line one\twith tab\nline two, \"quoted\""
    assert bob["company"] == ""
    assert bob["tags"] == ""
    assert bob["custom"] == ""
    assert bob["relationships"] == "manager: Dr. Zoë Müller"


def test_csv_company_list(rolodex, two):
    rolodex(["company", "add", "Initech", "--tag", "a", "--tag", "b"])
    text = rows_of(rolodex, ["company", "list"], "csv").stdout
    assert next(csv.reader(io.StringIO(text))) == json_keys(rolodex, ["company", "list"])
    rows = _csv(text)
    assert [r["name"] for r in rows] == ["Globex GmbH", "Initech"]
    assert rows[0]["contacts"] == "1"
    assert rows[1]["tags"] == "a; b"
    assert rows[1]["contacts"] == "0"


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_header_is_the_same_when_empty(rolodex, fmt):
    """A script reading the columns of a filtered export must not see them change shape."""
    sep = "," if fmt == "csv" else "\t"
    add(rolodex, "Jane Doe", "-c", "Acme Ltd")
    contact_keys = json_keys(rolodex, ["contact", "list"])
    company_keys = json_keys(rolodex, ["company", "list"])
    text = rows_of(rolodex, ["contact", "list", "--tag", "none"], fmt).stdout
    assert text.splitlines()[0].split(sep) == contact_keys
    text = rows_of(rolodex, ["search", "nobodyatall"], fmt).stdout
    assert text.splitlines()[0].split(sep) == contact_keys
    text = rows_of(rolodex, ["company", "list", "--tag", "none"], fmt).stdout
    assert text.splitlines()[0].split(sep) == company_keys


# --- tsv -------------------------------------------------------------------------------


def test_tsv_escapes_tabs_and_newlines(rolodex, two):
    out = rows_of(rolodex, ["contact", "list", "--sort", "id"], "tsv").stdout
    lines = out.split("\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    assert len(lines) == 3  # header + one line per contact, notes included
    header = lines[0].split("\t")
    assert header == json_keys(rolodex, ["contact", "list"])
    has_keys(dict.fromkeys(header), CONTACT_KEYS)
    for line in lines[1:]:
        assert len(line.split("\t")) == len(header)
    zoe = dict(zip(header, lines[1].split("\t"), strict=True))
    assert zoe["notes"] == 'line one\\twith tab\\nline two, "quoted"'
    assert zoe["emails"] == "zoe@globex.example; zoe@home.example"
    assert zoe["name"] == "Dr. Zoë Müller"
    bob = dict(zip(header, lines[2].split("\t"), strict=True))
    assert bob["notes"] == ""
    assert bob["id"] == str(two["bob"])


def test_tsv_escapes_backslashes(rolodex):
    add(rolodex, "Jane Doe", "--note", "C:\\temp\\new")
    out = rows_of(rolodex, ["contact", "list"], "tsv").stdout
    row = dict(zip(*[line.split("\t") for line in out.splitlines()], strict=True))
    assert row["notes"] == "C:\\\\temp\\\\new"


def test_tsv_company_list(rolodex, two):
    out = rows_of(rolodex, ["company", "list"], "tsv").stdout
    lines = out.splitlines()
    header = lines[0].split("\t")
    assert header == json_keys(rolodex, ["company", "list"])
    has_keys(dict.fromkeys(header), COMPANY_KEYS)
    assert dict(zip(header, lines[1].split("\t"), strict=True))["name"] == "Globex GmbH"


# --- ids -------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [*CONTACT_COMMANDS, ["company", "list"]])
def test_ids_one_per_line_in_json_order(rolodex, two, command):
    rolodex(["company", "add", "Initech"])
    expected = [row["id"] for row in rows_of(rolodex, command, "json").json()]
    out = rows_of(rolodex, command, "ids").stdout
    assert out.endswith("\n")
    assert [int(line) for line in out.splitlines()] == expected
    assert len(expected) == 2


def test_ids_follow_sort_and_limit(rolodex, two):
    out = rows_of(rolodex, ["contact", "list", "--sort", "-id", "--limit", "1"], "ids").stdout
    assert out == f"{two['bob']}\n"


def test_format_is_case_insensitive(rolodex, two):
    result = rolodex("contact list -f JSON")
    assert result.exit_code == 0
    assert len(result.json()) == 2


def test_unknown_format_is_a_usage_error(rolodex, two):
    result = rolodex("contact list -f xml")
    assert result.exit_code == 2
    assert result.stdout == ""


# --- table -----------------------------------------------------------------------------


@pytest.fixture
def colour_allowed(monkeypatch):
    """Take away everything but the pipe itself as a reason not to colour."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")


@pytest.mark.parametrize("command", [["contact", "list"], ["search", "zoe"],
                                     ["company", "list"], ["contact", "show", "Zoë"],
                                     ["company", "show", "Globex"]])
def test_table_has_no_ansi_codes_when_captured(rolodex, two, colour_allowed, command):
    result = rolodex(command)
    assert result.exit_code == 0, result.stderr
    assert ANSI not in result.stdout
    assert ANSI not in result.stderr
    assert "Globex GmbH" in result.stdout


def test_contact_table_shows_the_readable_columns(rolodex, two):
    out = rolodex("contact list").stdout
    for header in ("ID", "Name", "Company", "Title", "Email", "Phone", "Tags", "Status"):
        assert header in out
    zoe_line = next(line for line in out.splitlines() if "Zoë" in line)
    for text in ("Dr. Zoë Müller", "Globex GmbH", "CTO", "zoe@home.example",
                 "0176 123-45678", "berlin, vip", "customer"):
        assert text in zoe_line
    assert any("Bob Stone" in line and "bob@stone.example" in line
               for line in out.splitlines())


def test_table_is_not_cut_for_a_pipe(rolodex):
    long_title = "Senior Vice President of Intergalactic Procurement and Logistics " * 3
    add(rolodex, "Jane Doe", "--title", long_title.strip())
    out = rolodex("contact list").stdout
    line = next(line for line in out.splitlines() if "Jane Doe" in line)
    assert long_title.strip() in line


def test_company_table(rolodex, two):
    out = rolodex("company list").stdout
    assert out.splitlines()[1].split() == ["ID", "Name", "People"]  # the empty columns go
    chosen = rolodex("company list --columns id,name,kind,industry,domain,contacts,tags")
    assert chosen.stdout.splitlines()[1].split() == [
        "ID", "Name", "Kind", "Industry", "Domain", "People", "Tags"]
    line = next(line for line in out.splitlines() if "Globex GmbH" in line)
    assert line.split()[-1] == "1"


def test_search_json_matches_list_shape(rolodex, two):
    searched = rows_of(rolodex, ["search", "zoe"], "json").json()
    listed = {r["id"]: r for r in rows_of(rolodex, ["contact", "list"], "json").json()}
    assert searched == [listed[two["zoe"]]]


@pytest.mark.parametrize("command", [["contact", "list"], ["search", "jane"],
                                     ["company", "list"], ["contact", "show", "jane"],
                                     ["company", "show", "Corp"]])
def test_table_shows_square_brackets_literally(rolodex, command):
    """Text in the data is never read as Rich markup (and never crashes the table)."""
    result = rolodex(["contact", "add", "Jane Doe", "--title", "[bold]Boss[/bold]",
                      "-c", "[/] Corp"])
    assert result.exit_code == 0, result.stderr
    result = rolodex(command)
    assert result.exit_code == 0, result.stderr
    assert "[/] Corp" in result.stdout
    if command[0] != "company":
        assert "[bold]Boss[/bold]" in result.stdout


def test_tsv_escapes_carriage_returns(rolodex):
    add(rolodex, "Jane Doe", "--note", "a\r\nb")
    out = rows_of(rolodex, ["contact", "list"], "tsv").stdout
    lines = out.split("\n")
    assert len(lines) == 3 and lines[2] == ""
    row = dict(zip(lines[0].split("\t"), lines[1].split("\t"), strict=True))
    assert row["notes"] == "a\\r\\nb"


@pytest.mark.parametrize("count", [0, 1, 999, 1000, 1001, 2500])
def test_a_streamed_json_array_is_json_dump_of_the_list(count):
    """``--format json`` of a long listing is written a batch at a time; the text is what
    ``json.dump(list, indent=2)`` writes, batch boundaries included."""
    import io
    import json

    from rolodex.cli._output import _json_array

    records = [{"id": n, "name": f"Zoë {n}", "notes": "two\nlines \u2028", "tags": [],
                "custom": {}, "emails": [{"address": f"z{n}@x.example", "preferred": n % 2 == 0}]}
               for n in range(count)]
    streamed = io.StringIO()
    _json_array(streamed, iter(records))
    whole = io.StringIO()
    json.dump(records, whole, ensure_ascii=False, indent=2)
    assert streamed.getvalue() == whole.getvalue() + "\n"


def test_json_writes_del_and_c1_controls_escaped(rolodex, isolated):
    """Valid raw in JSON, but a terminal may act on U+009B (CSI) or DEL: every JSON output
    writes them as \\u escapes, and the string reads back the same."""
    from rolodex.store.opening import open_db
    from rolodex.store.people import contacts

    note = "call \u009b2J back\u007f"
    db = open_db(isolated)
    with db.write("seed"):
        contacts.add_contact(db, "Jane Doe", notes=note)
    db.close()
    for argv in (["contact", "list", "-f", "json"], ["contact", "list", "-f", "jsonl"],
                 ["contact", "show", "1", "-f", "json"], ["search", "jane", "-f", "jsonl"]):
        result = rolodex(argv)
        assert result.exit_code == 0, result.stderr
        assert "\u009b" not in result.stdout and "\u007f" not in result.stdout, argv
        assert "\\u009b2J back\\u007f" in result.stdout, argv
        first = result.stdout if argv[-1] == "json" else result.stdout.splitlines()[0]
        parsed = json.loads(first)
        assert (parsed if isinstance(parsed, dict) else parsed[0])["notes"] == note
