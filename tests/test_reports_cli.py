"""``rolodex report``: activity, followups, relationships, birthdays, segments, and the
options every report shares (period, --tag, --owner/--mine, --format, --section, -o).

One database is seeded through the CLI once per module and copied for every test. The
clock is frozen at Friday 2026-11-20 09:00 UTC (10:00 in Berlin); the default activity
period is Thursday 2026-10-22 to Friday 2026-11-20, whose weeks begin on the Mondays
2026-10-19, 10-26, 11-02, 11-09 and 11-16.
"""

from __future__ import annotations

import csv
import io
import shlex
import shutil
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import run_cli

TODAY = date(2026, 11, 20)

# (ROLODEX_NOW for the add, arguments): who is in the seeded database.
PEOPLE = {
    "jane": ("2026-08-01T09:00:00Z", [
        "Jane Doe", "-e", "jane@acme.example", "-p", "+1 555 0100", "-c", "Acme Ltd",
        "-t", "vip", "--status", "customer", "--owner", "tester", "--birthday", "1985-11-25",
        "--address", "1 Main St; Berlin; ; 10115; Germany", "--field", "linkedin=janedoe"]),
    "john": ("2026-08-01T09:00:00Z", [
        "John Roe", "-c", "Acme Ltd", "-t", "vip", "-t", "friends", "--status", "customer",
        "--owner", "tester", "--birthday", "--12-01", "--every", "7d",
        "--address", "2 Side St; berlin ; ; ; Germany"]),
    "ann": ("2026-08-01T09:00:00Z", [
        "Ann Lee", "-c", "Globex", "--status", "partner", "--owner", "bob",
        "--anniversary", "2010-11-20", "--every", "30d", "--address", "3 Rue; Paris; ; ; France"]),
    "mia": ("2026-08-01T09:00:00Z", ["Mia Chen", "--status", "lead", "-t", "friends"]),
    "max": ("2026-08-01T09:00:00Z", ["Max Power", "--status", "lead"]),
    "old": ("2024-01-01T09:00:00Z", ["Bob Old"]),
    "zed": ("2026-09-01T09:00:00Z", ["Zed Zero", "-t", "vip", "--birthday", "1990-01-03"]),
    "pat": ("2026-08-01T09:00:00Z", ["Pat Leap", "--birthday", "2000-02-29"]),
}
# (user, log arguments) with local Berlin times; the comments say where each one counts.
HISTORY = [
    ("tester", "{jane} call pricing --at '2026-11-10 14:00'"),      # week 11-09
    ("tester", "{jane} {john} meeting kickoff --at '2026-11-16 09:00'"),  # week 11-16
    ("tester", "{jane} note notes --at '2026-11-20 09:30'"),        # week 11-16, today
    ("tester", "{jane} email hello --at '2026-10-22 00:30'"),       # first minutes of the period
    ("tester", "{jane} email before --at '2026-09-15 10:00'"),
    ("tester", "{jane} call before --at '2026-08-20 10:00'"),
    ("tester", "{john} email quote --at '2026-10-21 23:30'"),       # last minutes before it
    ("bob", "{john} call callback --at '2026-11-12 11:00'"),        # week 11-09, logged by bob
    ("tester", "{ann} call a --at '2026-03-02 10:00'"),
    ("tester", "{ann} email b --at '2026-04-01 10:00'"),
    ("tester", "{ann} meeting c --at '2026-06-01 10:00'"),
    ("tester", "{mia} call first --at '2026-11-01 10:00'"),         # week 10-26
    ("tester", "{max} note long-ago --at '2025-01-10 10:00'"),
    ("tester", "{max} call recently --at '2026-10-01 10:00'"),
    ("tester", "{old} note once --at '2024-01-01 10:00'"),
]
ENV = {"ROLODEX_NOW": "2026-11-20T09:00:00Z", "ROLODEX_USER": "tester",
       "ROLODEX_TZ": "Europe/Berlin", "NO_COLOR": "1"}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> dict:
    """The seeded database file and the ids of its records, built once."""
    path = tmp_path_factory.mktemp("seed") / "rolodex.db"
    ids: dict[str, int] = {}
    with pytest.MonkeyPatch.context() as mp:
        for key, value in {**ENV, "ROLODEX_DB": str(path)}.items():
            mp.setenv(key, value)
        mp.delenv("ROLODEX_DEBUG", raising=False)

        def run(args: list[str]) -> str:
            result = run_cli(args)
            assert result.exit_code == 0, (args, result.stderr)
            return result.stdout

        run(["company", "add", "Acme Ltd", "--kind", "client"])
        run(["company", "add", "Globex", "--kind", "vendor"])
        for key, (when, args) in PEOPLE.items():
            mp.setenv("ROLODEX_NOW", when)
            ids[key] = int(run(["add", *args]))
        mp.setenv("ROLODEX_NOW", ENV["ROLODEX_NOW"])
        run(["cadence", "set", "vip", "14d"])
        for user, line in HISTORY:
            mp.setenv("ROLODEX_USER", user)
            run(["log", *shlex.split(line.format(**ids))])
        mp.setenv("ROLODEX_USER", "tester")
        for key, args in (
                ("t_overdue", ["Send proposal", "--for", "jane", "--due", "2026-11-18",
                               "--priority", "high", "--owner", "tester"]),
                ("t_today", ["Call back", "--for", "john", "--due", "today"]),
                ("t_sunday", ["Renewal", "--for", "ann", "--due", "2026-11-22", "--owner",
                              "bob"]),
                ("t_done", ["Old thing", "--for", "jane", "--due", "2026-11-01"])):
            ids[key] = int(run(["task", "add", *args]))
        run(["task", "done", str(ids["t_done"]), "--no-history"])
        run(["event", "add", "Lunch", "--at", "2026-11-25 12:00", "--with", "jane"])
        run(["event", "add", "Far away", "--at", "2027-06-01 12:00", "--with", "jane"])
    return {"path": path, "ids": ids}


@pytest.fixture(autouse=True)
def seeded(template, isolated) -> None:
    """Every test starts from a copy of the seeded database."""
    shutil.copy(template["path"], isolated)


@pytest.fixture
def ids(template) -> dict[str, int]:
    return template["ids"]


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def report(rolodex, *args: str) -> dict:
    return ok(rolodex(["report", *args, "-f", "json"])).json()


def rows(doc: dict, section: str) -> list[dict]:
    return doc["sections"][section]["rows"]


def column(doc: dict, section: str, key: str) -> list:
    return [r[key] for r in rows(doc, section)]


def fails_cleanly(result, code: int = 5) -> str:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("rolodex: ")
    return result.stderr


# --- activity: exact figures -----------------------------------------------------------------


def test_activity_figures(rolodex, ids):
    doc = report(rolodex, "activity")
    assert (doc["report"], doc["from"], doc["to"]) == ("activity", "2026-10-22", "2026-11-20")
    assert rows(doc, "by_kind") == [{"kind": "call", "interactions": 3},
                                    {"kind": "email", "interactions": 1},
                                    {"kind": "meeting", "interactions": 1},
                                    {"kind": "note", "interactions": 1}]
    assert doc["sections"]["by_kind"]["totals"] == {"kind": "Total", "interactions": 6}
    assert rows(doc, "by_week") == [
        {"week": "2026-10-19", "interactions": 1}, {"week": "2026-10-26", "interactions": 1},
        {"week": "2026-11-02", "interactions": 0}, {"week": "2026-11-09", "interactions": 2},
        {"week": "2026-11-16", "interactions": 2}]
    # the meeting with Jane and John counts once above, and once for each of them here
    assert rows(doc, "by_contact") == [
        {"id": ids["jane"], "name": "Jane Doe", "interactions": 4,
         "last": "2026-11-20T08:30:00Z"},
        {"id": ids["john"], "name": "John Roe", "interactions": 2,
         "last": "2026-11-16T08:00:00Z"},
        {"id": ids["mia"], "name": "Mia Chen", "interactions": 1,
         "last": "2026-11-01T09:00:00Z"}]
    assert doc["sections"]["by_contact"]["totals"] == {
        "id": "Total", "name": 3, "interactions": 7, "last": "2026-11-20T08:30:00Z"}
    assert rows(doc, "by_owner") == [{"owner": "tester", "interactions": 5},
                                     {"owner": "bob", "interactions": 1}]
    # never contacted first (by name), then the longest silent
    assert rows(doc, "not_contacted") == [
        {"id": ids["pat"], "name": "Pat Leap", "company": None, "last_contacted": None},
        {"id": ids["zed"], "name": "Zed Zero", "company": None, "last_contacted": None},
        {"id": ids["old"], "name": "Bob Old", "company": None,
         "last_contacted": "2024-01-01T09:00:00Z"},
        {"id": ids["ann"], "name": "Ann Lee", "company": "Globex",
         "last_contacted": "2026-06-01T08:00:00Z"},
        {"id": ids["max"], "name": "Max Power", "company": None,
         "last_contacted": "2026-10-01T08:00:00Z"}]
    assert doc["sections"]["not_contacted"]["totals"]["name"] == 5
    assert doc["notes"] == []


def _monday(stamp: str, zone: str) -> str:
    day = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(ZoneInfo(zone)).date()
    return (day - timedelta(days=day.weekday())).isoformat()


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Asia/Kolkata", "America/St_Johns"])
@pytest.mark.parametrize("period", [[], ["--from", "2026-01-01", "--to", "2026-12-31"],
                                    ["--from", "2026-10-21", "--to", "2026-10-22"],
                                    ["--from", "2020-01-01"]])
def test_activity_agrees_with_history_and_contact_list(rolodex, monkeypatch, period, zone):
    """Every figure recomputed from `history` and `contact list` output, for short periods
    and long ones (read differently), in zones whose midnight is not on a UTC hour too."""
    monkeypatch.setenv("ROLODEX_TZ", zone)
    doc = report(rolodex, "activity", "--limit", "100", *period)
    entries = ok(rolodex(["history", "--from", doc["from"], "--to", doc["to"], "-f",
                          "json"])).json()
    assert entries, "the period should not be empty"
    kinds = Counter(e["kind"] for e in entries)
    assert {r["kind"]: r["interactions"] for r in rows(doc, "by_kind")} == kinds
    weeks = Counter(_monday(e["at"], zone) for e in entries)
    assert {r["week"]: r["interactions"] for r in rows(doc, "by_week") if r["interactions"]} \
        == weeks
    assert doc["sections"]["by_week"]["totals"]["interactions"] == len(entries)
    people = Counter(c["id"] for e in entries for c in e["contacts"])
    assert {r["id"]: r["interactions"] for r in rows(doc, "by_contact")} == people
    last = {}
    for e in entries:
        for c in e["contacts"]:
            last[c["id"]] = max(last.get(c["id"], ""), e["at"])
    assert {r["id"]: r["last"] for r in rows(doc, "by_contact")} == last
    assert {r["owner"]: r["interactions"] for r in rows(doc, "by_owner")} == \
        Counter(e["user"] for e in entries)
    everyone = ok(rolodex("contact list -f json")).json()
    silent = {c["id"] for c in everyone} - set(people)
    assert set(column(doc, "not_contacted", "id")) == silent
    assert doc["sections"]["not_contacted"]["totals"]["name"] == len(silent)


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "Europe/London"])
def test_activity_weeks_split_inside_a_utc_hour(rolodex, monkeypatch, ids, zone):
    """Kolkata's Monday starts at 18:30 UTC on Sunday: 18:15 and 18:45 UTC fall in
    different weeks. London's starts at midnight UTC, an hour later in summer."""
    monkeypatch.setenv("ROLODEX_TZ", zone)
    for stamp in ("2026-11-15 18:15Z", "2026-11-15 18:45Z", "2026-07-05 22:30Z",
                  "2026-07-05 23:30Z"):
        ok(rolodex(["log", str(ids["mia"]), "note", "late", "--at", stamp]))
    doc = report(rolodex, "activity", "--from", "2026-06-01")
    entries = ok(rolodex(["history", "--from", "2026-06-01", "-f", "json"])).json()
    weeks = Counter(_monday(e["at"], zone) for e in entries)
    assert {r["week"]: r["interactions"] for r in rows(doc, "by_week") if r["interactions"]} \
        == weeks
    assert weeks["2026-11-09"] and weeks["2026-11-16"]


def test_activity_period_is_local_days(rolodex, ids):
    """23:30 in Berlin on 21 October is outside a period starting on the 22nd; 00:30 on the
    22nd (22:30 UTC on the 21st) is inside."""
    doc = report(rolodex, "activity", "--from", "2026-10-21", "--to", "2026-10-21")
    assert rows(doc, "by_contact") == [{"id": ids["john"], "name": "John Roe",
                                        "interactions": 1, "last": "2026-10-21T21:30:00Z"}]
    assert rows(doc, "by_week") == [{"week": "2026-10-19", "interactions": 1}]
    doc = report(rolodex, "activity", "--from", "2026-10-22 15:00", "--to", "2026-10-22")
    assert doc["from"] == "2026-10-22"  # a time counts as its day
    assert column(doc, "by_kind", "kind") == ["email"]


@pytest.mark.parametrize(("name", "args", "period"), [
    ("activity", ["--to", "2026-03-31"], ("2026-03-02", "2026-03-31")),
    ("activity", ["--from", "2026-11-01"], ("2026-11-01", "2026-11-20")),
    ("activity", ["--to", "yesterday"], ("2026-10-22", "2026-11-19")),
    ("relationships", ["--to", "2026-01-31"], ("2025-11-03", "2026-01-31")),
    ("birthdays", ["--from", "2027-01-01"], ("2027-01-01", "2027-01-31")),
    ("birthdays", ["--to", "2026-11-30"], ("2026-11-20", "2026-11-30")),
])
def test_a_bound_given_alone(rolodex, name, args, period):
    doc = report(rolodex, name, *args)
    assert (doc["from"], doc["to"]) == period


def test_activity_limit_cuts_lists_not_totals(rolodex, ids):
    doc = report(rolodex, "activity", "--limit", "2")
    assert column(doc, "by_contact", "id") == [ids["jane"], ids["john"]]
    assert doc["sections"]["by_contact"]["totals"]["name"] == 3
    assert doc["sections"]["by_contact"]["totals"]["interactions"] == 7
    assert column(doc, "not_contacted", "id") == [ids["pat"], ids["zed"]]
    assert doc["sections"]["not_contacted"]["totals"]["name"] == 5
    assert "not_contacted: 3 more not shown; --limit shows more" in doc["notes"]
    assert "by_contact: 1 more not shown; --limit shows more" in doc["notes"]


def test_activity_mine_and_owner(rolodex, ids):
    mine = report(rolodex, "activity", "--mine")
    assert rows(mine, "by_owner") == [{"owner": "tester", "interactions": 5}]
    assert mine["sections"]["by_kind"]["totals"]["interactions"] == 5
    assert {r["id"]: r["interactions"] for r in rows(mine, "by_contact")} == {
        ids["jane"]: 4, ids["john"]: 1, ids["mia"]: 1}
    # the contacts tester owns (Jane, John) were both contacted
    assert rows(mine, "not_contacted") == []
    assert report(rolodex, "activity", "--owner", "tester")["sections"] == mine["sections"]
    bob = report(rolodex, "activity", "--owner", "bob")
    assert rows(bob, "by_kind") == [{"kind": "call", "interactions": 1}]
    assert rows(bob, "by_contact")[0]["id"] == ids["john"]
    assert column(bob, "not_contacted", "id") == [ids["ann"]]
    fails_cleanly(rolodex("report activity --mine --owner bob"))


@pytest.mark.parametrize("period", [[], ["--from", "2020-01-01"]])
def test_activity_filters_over_long_and_short_periods(rolodex, ids, period):
    bob = report(rolodex, "activity", "--owner", "bob", *period)
    assert rows(bob, "by_contact") == [{"id": ids["john"], "name": "John Roe",
                                        "interactions": 1, "last": "2026-11-12T10:00:00Z"}]
    assert bob["sections"]["by_week"]["totals"]["interactions"] == 1
    friends = report(rolodex, "activity", "--tag", "friends", "--mine", *period)
    assert {r["id"]: r["interactions"] for r in rows(friends, "by_contact")} == (
        {ids["john"]: 1, ids["mia"]: 1} if not period else {ids["john"]: 2, ids["mia"]: 1})


def test_activity_tags(rolodex, ids):
    friends = report(rolodex, "activity", "--tag", "friends")
    # John's meeting (with Jane) and call, Mia's call; Jane herself is not a friend
    assert rows(friends, "by_kind") == [{"kind": "call", "interactions": 2},
                                        {"kind": "meeting", "interactions": 1}]
    assert {r["id"]: r["interactions"] for r in rows(friends, "by_contact")} == {
        ids["john"]: 2, ids["mia"]: 1}
    both = report(rolodex, "activity", "--tag", "friends", "--tag", "VIP")
    assert column(both, "by_contact", "id") == [ids["john"]]
    unknown = report(rolodex, "activity", "--tag", "nosuch")
    assert rows(unknown, "by_kind") == [] and rows(unknown, "not_contacted") == []
    assert unknown["notes"] == ["no tag named 'nosuch'"]


def test_activity_empty_period(rolodex, ids):
    result = ok(rolodex("report activity --from 2025-02-01 --to 2025-02-07 -f json"))
    doc = result.json()
    for name in ("by_kind", "by_contact", "by_owner"):
        assert rows(doc, name) == []
        assert doc["sections"][name]["totals"]["interactions"] == 0
    assert rows(doc, "by_week") == [{"week": "2025-01-27", "interactions": 0},
                                    {"week": "2025-02-03", "interactions": 0}]
    # as of the period's end only Bob Old and Max had ever been contacted
    assert {r["id"]: r["last_contacted"] for r in rows(doc, "not_contacted")
            if r["last_contacted"]} == {ids["old"]: "2024-01-01T09:00:00Z",
                                        ids["max"]: "2025-01-10T09:00:00Z"}
    csv_out = ok(rolodex("report activity --from 2025-02-01 --to 2025-02-07 -f csv")).stdout
    assert csv_out == "kind,interactions\n"


# --- shared options ---------------------------------------------------------------------------


def test_csv_header_is_the_section_keys(rolodex):
    doc = report(rolodex, "activity")
    for name, section in doc["sections"].items():
        out = ok(rolodex(["report", "activity", "-f", "csv", "--section", name])).stdout
        table = list(csv.reader(io.StringIO(out)))
        assert table[0] == section["columns"], name
        assert len(table) == len(section["rows"]) + 1
        assert table[1:] == [["" if r[k] is None else str(r[k]) for k in section["columns"]]
                             for r in section["rows"]]
    first = ok(rolodex("report activity -f csv")).stdout
    assert first.splitlines()[0] == "kind,interactions"


def test_tsv_and_jsonl_carry_one_section(rolodex, ids):
    lines = ok(rolodex("report activity -f jsonl --section by_contact")).jsonl()
    assert [line["id"] for line in lines] == [ids["jane"], ids["john"], ids["mia"]]
    tsv = ok(rolodex("report segments -f tsv --section engagement")).stdout.splitlines()
    assert tsv[0] == "segment\tcontacts\trule"


def test_json_section_keeps_only_that_section(rolodex):
    doc = report(rolodex, "activity", "--section", "by_week")
    assert list(doc["sections"]) == ["by_week"]


@pytest.mark.parametrize("fmt", ["json", "csv", "table", "md"])
def test_unknown_section(rolodex, fmt):
    err = fails_cleanly(rolodex(f"report activity -f {fmt} --section nope"))
    assert err.splitlines()[0] == "rolodex: report activity has no section 'nope'"
    assert "by_kind, by_week, by_contact, by_owner, not_contacted" in err


@pytest.mark.parametrize("args", [
    "activity --from someday", "activity --to 2026-11-31", "relationships --from 04/05/2026",
    "birthdays --to nonsense", "followups --to whenever"])
def test_bad_dates(rolodex, args):
    err = fails_cleanly(rolodex(f"report {args}"))
    assert "cannot read date" in err or "no such date" in err


@pytest.mark.parametrize("name", ["activity", "relationships", "birthdays"])
def test_from_after_to(rolodex, name):
    err = fails_cleanly(rolodex(f"report {name} --from 2026-11-10 --to 2026-11-01"))
    assert err == "rolodex: --from 2026-11-10 is after --to 2026-11-01\n"
    err = fails_cleanly(rolodex(f"report {name} --from 'in 400 days' --to today"))
    assert err == "rolodex: --from 2027-12-25 is after --to 2026-11-20\n"


def test_output_file(rolodex, tmp_path):
    target = tmp_path / "activity.csv"
    result = ok(rolodex(["report", "activity", "-f", "csv", "--section", "by_week", "-o",
                         str(target)]))
    assert result.stdout == ""
    assert target.read_text().splitlines()[0] == "week,interactions"
    assert target.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("name", ["activity", "followups", "relationships", "birthdays",
                                  "segments", "contact jane", "company acme"])
@pytest.mark.parametrize("fmt", ["table", "md", "html"])
def test_every_report_renders(rolodex, name, fmt):
    result = ok(rolodex(f"report {name} -f {fmt}"))
    assert result.stdout.strip()


# --- followups --------------------------------------------------------------------------------


def test_followups_report(rolodex, ids):
    doc = report(rolodex, "followups")
    assert (doc["from"], doc["to"]) == ("2026-11-20", "2026-11-20")
    assert rows(doc, "overdue") == [{
        "id": ids["t_overdue"], "title": "Send proposal", "due": "2026-11-18",
        "days_overdue": 2, "priority": "high", "owner": "tester", "contacts": "Jane Doe",
        "contact_ids": [ids["jane"]]}]
    assert rows(doc, "due") == [{
        "id": ids["t_today"], "title": "Call back", "due": "2026-11-20", "days_overdue": 0,
        "priority": "normal", "owner": None, "contacts": "John Roe",
        "contact_ids": [ids["john"]]}]
    assert rows(doc, "stay_in_touch") == [
        {"id": ids["ann"], "name": "Ann Lee", "company": "Globex", "cadence_days": 30,
         "last_contacted": "2026-06-01T08:00:00Z", "due": "2026-07-01", "days_overdue": 142,
         "owner": "bob"},
        {"id": ids["zed"], "name": "Zed Zero", "company": None, "cadence_days": 14,
         "last_contacted": None, "due": "2026-09-15", "days_overdue": 66, "owner": None}]
    assert doc["sections"]["stay_in_touch"]["totals"]["name"] == 2


def test_followups_report_agrees_with_followups(rolodex):
    """The same items as `rolodex followups`, split: --due week is --to six days ahead."""
    for due, to in (("today", "today"), ("week", "2026-11-26")):
        doc = report(rolodex, "followups", "--to", to)
        listed = ok(rolodex(["followups", "--due", due, "-f", "json"])).json()
        tasks = [r["id"] for r in listed if r["type"] == "task"]
        people = [r["id"] for r in listed if r["type"] == "followup"]
        assert column(doc, "overdue", "id") + column(doc, "due", "id") == tasks
        assert column(doc, "stay_in_touch", "id") == people
        late = {r["id"]: r["days_overdue"] for r in listed if r["type"] == "followup"}
        assert {r["id"]: r["days_overdue"] for r in rows(doc, "stay_in_touch")} == late


def test_followups_report_horizon_and_filters(rolodex, ids):
    week = report(rolodex, "followups", "--to", "end of week")
    assert week["to"] == "2026-11-22"
    assert column(week, "due", "id") == [ids["t_today"], ids["t_sunday"]]
    assert column(week, "due", "days_overdue") == [0, -2]
    assert column(week, "stay_in_touch", "id") == [ids["ann"], ids["zed"]]
    monday = report(rolodex, "followups", "--to", "2026-11-23")
    assert column(monday, "stay_in_touch", "id") == [ids["ann"], ids["zed"], ids["john"]]
    assert rows(monday, "stay_in_touch")[-1]["days_overdue"] == -3
    mine = report(rolodex, "followups", "--mine", "--to", "end of week")
    assert column(mine, "overdue", "id") == [ids["t_overdue"]]
    assert rows(mine, "due") == [] and rows(mine, "stay_in_touch") == []
    vip = report(rolodex, "followups", "--tag", "vip", "--to", "end of week")
    assert column(vip, "due", "id") == [ids["t_today"]]
    assert column(vip, "stay_in_touch", "id") == [ids["zed"]]


def test_followups_report_table_says_when_empty(rolodex):
    result = ok(rolodex("report followups --owner nobody"))
    assert "no overdue tasks" in result.stdout + result.stderr


# --- relationships ----------------------------------------------------------------------------


def test_relationships_report(rolodex, ids):
    doc = report(rolodex, "relationships")
    assert (doc["from"], doc["to"]) == ("2026-08-23", "2026-11-20")
    assert rows(doc, "contacts") == [
        {"id": ids["ann"], "name": "Ann Lee", "company": "Globex", "tags": [],
         "cadence_days": 30, "last_contacted": "2026-06-01T08:00:00Z", "days_since": 172,
         "days_overdue": 142, "stale": True, "interactions": 0},
        {"id": ids["zed"], "name": "Zed Zero", "company": None, "tags": ["vip"],
         "cadence_days": 14, "last_contacted": None, "days_since": 80, "days_overdue": 66,
         "stale": True, "interactions": 0},
        {"id": ids["john"], "name": "John Roe", "company": "Acme Ltd",
         "tags": ["friends", "vip"], "cadence_days": 7,
         "last_contacted": "2026-11-16T08:00:00Z", "days_since": 4, "days_overdue": -3,
         "stale": False, "interactions": 3},
        {"id": ids["jane"], "name": "Jane Doe", "company": "Acme Ltd", "tags": ["vip"],
         "cadence_days": 14, "last_contacted": "2026-11-20T08:30:00Z", "days_since": 0,
         "days_overdue": -14, "stale": False, "interactions": 5}]
    totals = doc["sections"]["contacts"]["totals"]
    assert (totals["name"], totals["stale"], totals["interactions"]) == (4, 2, 8)
    # the kickoff meeting with Jane and John counts once for vip
    assert rows(doc, "by_tag") == [
        {"tag": "vip", "contacts": 3, "stale": 1, "interactions": 7},
        {"tag": "friends", "contacts": 1, "stale": 0, "interactions": 3}]


def test_relationships_agree_with_followups_cadence(rolodex):
    """A stale relationship is exactly a person `followups` lists as overdue."""
    doc = report(rolodex, "relationships")
    stale = {r["id"] for r in rows(doc, "contacts") if r["stale"]}
    overdue = {r["id"] for r in ok(rolodex("followups -f json")).json()
               if r["type"] == "followup" and r["days_overdue"] > 0}
    assert stale == overdue


def test_relationships_all_tag_limit(rolodex, ids):
    everyone = report(rolodex, "relationships", "--all")
    assert column(everyone, "contacts", "id") == [
        ids["ann"], ids["zed"], ids["john"], ids["jane"],  # those with a cadence first
        ids["old"], ids["pat"], ids["max"], ids["mia"]]    # then the longest silent
    by_id = {r["id"]: r for r in rows(everyone, "contacts")}
    assert by_id[ids["old"]]["days_since"] == (TODAY - date(2024, 1, 1)).days
    assert by_id[ids["pat"]]["days_since"] == (TODAY - date(2026, 8, 1)).days
    assert by_id[ids["mia"]]["cadence_days"] is None and not by_id[ids["mia"]]["stale"]
    friends = report(rolodex, "relationships", "--tag", "friends")
    assert column(friends, "contacts", "id") == [ids["john"], ids["mia"]]
    cut = report(rolodex, "relationships", "--all", "--limit", "3")
    assert len(rows(cut, "contacts")) == 3
    assert cut["sections"]["contacts"]["totals"]["name"] == 8
    assert "contacts: 5 more not shown; --limit shows more" in cut["notes"]
    bob = report(rolodex, "relationships", "--owner", "bob")
    assert column(bob, "contacts", "id") == [ids["ann"]]


def test_relationships_period(rolodex, ids):
    doc = report(rolodex, "relationships", "--from", "2026-03-01", "--to", "2026-06-30")
    by_id = {r["id"]: r["interactions"] for r in rows(doc, "contacts")}
    assert by_id == {ids["ann"]: 3, ids["zed"]: 0, ids["john"]: 0, ids["jane"]: 0}


# --- birthdays --------------------------------------------------------------------------------


def test_birthdays_default_range(rolodex, ids):
    doc = report(rolodex, "birthdays")
    assert (doc["from"], doc["to"]) == ("2026-11-20", "2026-12-20")
    assert rows(doc, "dates") == [
        {"date": "2026-11-20", "kind": "anniversary", "id": ids["ann"], "name": "Ann Lee",
         "years": 16, "in_days": 0, "label": None},
        {"date": "2026-11-25", "kind": "birthday", "id": ids["jane"], "name": "Jane Doe",
         "years": 41, "in_days": 5, "label": None},
        {"date": "2026-12-01", "kind": "birthday", "id": ids["john"], "name": "John Roe",
         "years": None, "in_days": 11, "label": None}]


def test_birthdays_across_new_year_and_leap_days(rolodex, ids):
    doc = report(rolodex, "birthdays", "--from", "2026-12-20", "--to", "2027-01-10")
    assert [(r["date"], r["name"], r["years"]) for r in rows(doc, "dates")] == [
        ("2027-01-03", "Zed Zero", 37)]
    common = report(rolodex, "birthdays", "--from", "2027-02-20", "--to", "2027-03-05")
    assert [(r["date"], r["name"], r["years"]) for r in rows(common, "dates")] == [
        ("2027-02-28", "Pat Leap", 27)]
    leap = report(rolodex, "birthdays", "--from", "2028-02-20", "--to", "2028-03-05")
    assert [(r["date"], r["years"]) for r in rows(leap, "dates")] == [("2028-02-29", 28)]
    # the agenda shows the same days
    agenda = ok(rolodex("agenda --days 30 -f json")).json()
    assert [(i["date"], i["id"]) for i in agenda if i["type"] in ("birthday", "anniversary")] \
        == [(r["date"], r["id"]) for r in rows(report(rolodex, "birthdays"), "dates")]


def test_birthdays_filters_and_empty(rolodex, ids):
    assert column(report(rolodex, "birthdays", "--tag", "vip"), "dates", "id") == [
        ids["jane"], ids["john"]]
    assert column(report(rolodex, "birthdays", "--owner", "bob"), "dates", "id") == [ids["ann"]]
    result = ok(rolodex("report birthdays --from 2026-07-01 --to 2026-07-31"))
    assert "no birthdays or anniversaries in this period" in result.stdout + result.stderr
    assert report(rolodex, "birthdays", "--from", "2026-07-01", "--to", "2026-07-31")[
        "sections"]["dates"]["rows"] == []


# --- segments ---------------------------------------------------------------------------------


def test_segments_report(rolodex):
    doc = report(rolodex, "segments")
    pairs = {name: [tuple(r.values()) for r in section["rows"]]
             for name, section in doc["sections"].items()}
    assert pairs["by_status"] == [(None, 3), ("customer", 2), ("lead", 2), ("partner", 1)]
    assert pairs["by_tag"] == [(None, 4), ("vip", 3), ("friends", 2)]
    assert pairs["by_company_kind"] == [(None, 5), ("client", 2), ("vendor", 1)]
    assert pairs["by_city"] == [(None, None, 5), ("Berlin", "Germany", 2),
                                ("Paris", "France", 1)]
    assert pairs["by_country"] == [(None, 5), ("Germany", 2), ("France", 1)]
    assert [(r["segment"], r["contacts"]) for r in rows(doc, "engagement")] == [
        ("champions", 1), ("loyal", 1), ("new", 1), ("occasional", 1), ("at risk", 1),
        ("dormant", 1), ("never contacted", 2)]
    for section in doc["sections"].values():
        assert section["totals"]["contacts"] == 8


def test_segments_filters_and_limit(rolodex):
    vip = report(rolodex, "segments", "--tag", "vip")
    assert {r["segment"]: r["contacts"] for r in rows(vip, "engagement")
            if r["contacts"]} == {"champions": 1, "loyal": 1, "never contacted": 1}
    assert vip["sections"]["engagement"]["totals"]["contacts"] == 3
    mine = report(rolodex, "segments", "--mine")
    assert [tuple(r.values()) for r in rows(mine, "by_status")] == [("customer", 2)]
    cut = report(rolodex, "segments", "--limit", "1")
    assert [r["tag"] for r in rows(cut, "by_tag")] == [None]
    assert "by_tag: 2 more not shown; --limit shows more" in cut["notes"]
    assert len(rows(cut, "by_status")) == 4  # short lists are never cut


def test_segments_on_an_empty_database(rolodex, isolated):
    isolated.unlink()
    doc = report(rolodex, "segments")
    assert all(not s["rows"] for n, s in doc["sections"].items() if n != "engagement")
    assert {r["contacts"] for r in rows(doc, "engagement")} == {0}


# --- help -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["activity", "followups", "relationships", "birthdays",
                                  "segments", "contact", "company"])
def test_help_has_an_example(rolodex, name):
    result = ok(rolodex(f"report {name} --help"))
    assert f"Example: rolodex report {name}" in " ".join(result.stdout.split())


# --- contact and company sheets ---------------------------------------------------------------


CONTACT_SECTIONS = ["fields", "emails", "phones", "addresses", "urls", "tags", "custom",
                    "relationships", "history", "open_tasks", "done_tasks", "events", "deals"]


def test_contact_sheet(rolodex, ids):
    doc = report(rolodex, "contact", "jane")
    assert (doc["report"], doc["title"]) == ("contact", "Contact: Jane Doe")
    assert list(doc["sections"]) == CONTACT_SECTIONS
    record = ok(rolodex("contact show jane -f json")).json()
    fields = {r["field"]: r["value"] for r in rows(doc, "fields")}
    assert fields["name"] == "Jane Doe" and fields["company"] == "Acme Ltd"
    assert fields["last_contacted"] == "2026-11-20T08:30:00Z"
    assert all(record[key] == value for key, value in fields.items())
    for name in ("emails", "phones", "addresses", "urls"):
        assert rows(doc, name) == record[name], name
    assert column(doc, "tags", "tag") == ["vip"]
    assert rows(doc, "custom") == [{"field": "linkedin", "value": "janedoe"}]
    timeline = ok(rolodex("history jane -f json")).json()
    assert column(doc, "history", "id") == [e["id"] for e in timeline]
    assert len(timeline) == 6
    assert rows(doc, "history")[1]["contacts"] == "Jane Doe; John Roe"
    assert column(doc, "open_tasks", "id") == [ids["t_overdue"]]
    assert column(doc, "done_tasks", "id") == [ids["t_done"]]
    assert column(doc, "events", "title") == ["Lunch"]  # the next 90 days only


def test_company_sheet(rolodex, ids):
    doc = report(rolodex, "company", "Acme Ltd")
    assert doc["title"] == "Company: Acme Ltd"
    assert list(doc["sections"]) == ["fields", "tags", "custom", "people", "history",
                                     "open_tasks", "done_tasks", "events", "deals"]
    fields = {r["field"]: r["value"] for r in rows(doc, "fields")}
    assert (fields["kind"], fields["contacts"]) == ("client", 2)
    assert column(doc, "people", "id") == [ids["jane"], ids["john"]]
    assert rows(doc, "people")[1]["last_contacted"] == "2026-11-16T08:00:00Z"
    timeline = ok(rolodex("history --company acme -f json")).json()
    assert column(doc, "history", "id") == [e["id"] for e in timeline]
    assert len(timeline) == 8  # Jane's six and John's two besides their meeting
    assert column(doc, "open_tasks", "id") == [ids["t_overdue"], ids["t_today"]]
    assert column(doc, "done_tasks", "id") == [ids["t_done"]]
    assert column(doc, "events", "title") == ["Lunch"]


def test_sheet_sections_in_csv(rolodex):
    out = ok(rolodex("report contact jane -f csv --section fields")).stdout
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == ["field", "value"]
    assert ["name", "Jane Doe"] in table
    empty = ok(rolodex("report company globex -f csv --section events")).stdout
    assert empty == "id,title,start,end,location,contacts\n"


def test_sheet_of_an_unknown_or_ambiguous_record(rolodex):
    assert "no contact matches 'nobody'" in fails_cleanly(rolodex("report contact nobody"), 3)
    fails_cleanly(rolodex("report contact 999"), 3)
    fails_cleanly(rolodex("report company 'No Such Ltd'"), 3)
    err = fails_cleanly(rolodex("report contact j"), 4)
    assert "Jane Doe" in err and "John Roe" in err


# --- helpers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Europe/London", "Asia/Kolkata",
                                  "America/St_Johns", "Australia/Lord_Howe", "Pacific/Chatham"])
def test_local_days_match_datetime_around_dst(zone):
    """LocalDays (one computation per UTC day) gives the day a datetime conversion gives."""
    from datetime import UTC

    from rolodex.store.when import LocalDays

    tz, local = ZoneInfo(zone), LocalDays(ZoneInfo(zone))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for minutes in range(0, 366 * 24 * 60, 15):
        moment = start + timedelta(minutes=minutes)
        assert local(moment.strftime("%Y-%m-%dT%H:%M:%SZ")) == moment.astimezone(tz).date()
