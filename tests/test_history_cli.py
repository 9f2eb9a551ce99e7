"""``rolodex log`` and ``rolodex history``: recording interactions and reading the timeline."""

from __future__ import annotations

DEFAULT_KINDS = "call, email, meeting, message, note, letter"


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def add(rolodex, *args: str) -> int:
    return int(ok(rolodex(["add", *args])).stdout)


def history(rolodex, *args: str) -> list[dict]:
    return ok(rolodex(["history", *args, "-f", "json"])).json()


def tasks(rolodex, *args: str) -> list[dict]:
    return ok(rolodex(["task", "list", "--all", *args, "-f", "json"])).json()


def contact(rolodex, ref) -> dict:
    return ok(rolodex(["contact", "show", str(ref), "-f", "json"])).json()


def people(entry: dict) -> list[str]:
    return [c["name"] for c in entry["contacts"]]


# --- log -------------------------------------------------------------------------------


def test_log_with_several_contacts_is_one_entry(rolodex, jane):
    john = add(rolodex, "John Roe", "-c", "Acme Ltd")
    bob = add(rolodex, "Bob Smith")
    result = ok(rolodex(["log", "jane", "john", str(bob), "meeting", "kickoff"]))
    entry_id = int(result.stdout)
    assert "logged meeting" in result.stderr
    entries = history(rolodex)
    assert len(entries) == 1
    entry = entries[0]
    assert entry["id"] == entry_id
    assert entry["kind"] == "meeting"
    assert entry["text"] == "kickoff"
    assert [c["id"] for c in entry["contacts"]] == [jane, john, bob]
    assert people(entry) == ["Jane Doe", "John Roe", "Bob Smith"]
    # it is on each person's timeline
    for ref in (jane, john, bob):
        assert [e["id"] for e in history(rolodex, str(ref))] == [entry_id]


def test_log_defaults_to_now_and_records_the_user(rolodex, jane):
    ok(rolodex("log jane call 'quick chat'"))
    entry = history(rolodex)[0]
    assert entry["at"] == "2026-11-20T09:00:00Z"
    assert entry["user"] == "tester"
    assert entry["duration_minutes"] is None
    assert entry["direction"] is None
    assert entry["outcome"] is None


def test_log_without_text_is_allowed(rolodex, jane):
    ok(rolodex("log jane email"))
    entry = history(rolodex)[0]
    assert entry["kind"] == "email"
    assert entry["text"] is None


def test_unknown_kind_is_invalid_and_lists_the_kinds(rolodex, jane):
    result = rolodex("log jane visit 'dropped by'")
    assert result.exit_code == 5
    assert result.stderr.startswith("rolodex: ")
    assert DEFAULT_KINDS in result.stderr
    assert "Traceback" not in result.stderr
    assert history(rolodex) == []


def test_custom_kind_from_config_is_accepted(rolodex, jane):
    assert rolodex("log jane visit 'dropped by'").exit_code == 5
    ok(rolodex(["config", "set", "history.kinds",
                "call,email,meeting,message,note,letter,visit"]))
    ok(rolodex("log jane visit 'dropped by'"))
    entry = history(rolodex)[0]
    assert entry["kind"] == "visit"
    assert entry["text"] == "dropped by"
    assert [e["id"] for e in history(rolodex, "--kind", "visit")] == [entry["id"]]
    # the error message lists the new set
    bad = rolodex("log jane fax 'sent'")
    assert bad.exit_code == 5
    assert "letter, visit" in bad.stderr


def test_custom_kind_with_capitals_is_accepted(rolodex, jane):
    """config takes 'Visit' (kinds are kept lower-case) and log accepts it in any case."""
    ok(rolodex(["config", "set", "history.kinds", "call,email,Visit"]))
    assert rolodex("config get history.kinds").stdout.strip() == "call, email, visit"
    hint = rolodex("log jane fax 'sent'")
    assert hint.exit_code == 5
    assert "call, email, visit" in hint.stderr
    ok(rolodex("log jane visit 'dropped by'"))
    ok(rolodex("log jane Visit 'came again'"))
    entries = history(rolodex)
    assert [e["text"] for e in entries] == ["came again", "dropped by"]
    assert {e["kind"].lower() for e in entries} == {"visit"}


def test_kind_is_case_insensitive(rolodex, jane):
    ok(rolodex("log jane CALL 'loud'"))
    assert history(rolodex)[0]["kind"] == "call"


def test_same_contact_twice_is_logged_once(rolodex, jane):
    result = ok(rolodex("log jane jane call twice"))
    assert [c["id"] for c in history(rolodex)[0]["contacts"]] == [jane]
    assert "with 1 contact(s)" in result.stderr


def test_text_from_stdin(rolodex, jane):
    ok(rolodex("log jane note -", input="Discussed the renewal.\nShe wants a discount.\n"))
    entry = history(rolodex)[0]
    assert entry["kind"] == "note"
    assert entry["text"].startswith("Discussed the renewal.\nShe wants a discount.")


def test_text_with_spaces_must_be_quoted(rolodex, jane):
    result = rolodex(["log", "jane", "call", "talked", "pricing"])
    assert result.exit_code == 5
    assert "quotes" in result.stderr
    assert history(rolodex) == []


def test_at_yesterday_afternoon_is_stored_as_the_berlin_instant(rolodex, jane):
    ok(rolodex(["log", "jane", "call", "pricing", "--at", "yesterday 15:00"]))
    # 2026-11-19 15:00 CET (UTC+1)
    assert history(rolodex)[0]["at"] == "2026-11-19T14:00:00Z"


def test_at_in_summer_uses_the_summer_offset(rolodex, jane):
    ok(rolodex(["log", "jane", "meeting", "offsite", "--at", "2026-07-01 10:00"]))
    assert history(rolodex)[0]["at"] == "2026-07-01T08:00:00Z"


def test_at_with_a_date_only_means_noon_local(rolodex, jane):
    ok(rolodex(["log", "jane", "letter", "card", "--at", "2026-11-10"]))
    assert history(rolodex)[0]["at"] == "2026-11-10T11:00:00Z"


def test_at_with_an_explicit_offset_wins(rolodex, jane):
    ok(rolodex(["log", "jane", "call", "x", "--at", "2026-11-18T08:00:00Z"]))
    assert history(rolodex)[0]["at"] == "2026-11-18T08:00:00Z"


def test_duration_direction_outcome_company(rolodex, jane):
    ok(rolodex(["log", "jane", "call", "pricing", "--duration", "1h30m", "--direction", "out",
                "--outcome", "sending a quote", "--company", "Acme Ltd"]))
    entry = history(rolodex)[0]
    assert entry["duration_minutes"] == 90
    assert entry["direction"] == "out"
    assert entry["outcome"] == "sending a quote"
    assert entry["company"] == "Acme Ltd"
    assert isinstance(entry["company_id"], int)


def test_short_duration_forms(rolodex, jane):
    ok(rolodex(["log", "jane", "call", "a", "--duration", "45m"]))
    ok(rolodex(["log", "jane", "call", "b", "--duration", "1:15", "--at", "1 hour ago"]))
    by_text = {e["text"]: e["duration_minutes"] for e in history(rolodex)}
    assert by_text == {"a": 45, "b": 75}


def test_bad_duration_and_direction_are_invalid(rolodex, jane):
    bad_duration = rolodex(["log", "jane", "call", "x", "--duration", "forever"])
    assert bad_duration.exit_code == 5
    assert "cannot read duration" in bad_duration.stderr
    bad_direction = rolodex(["log", "jane", "call", "x", "--direction", "sideways"])
    assert bad_direction.exit_code == 5
    assert "in" in bad_direction.stderr and "out" in bad_direction.stderr
    assert history(rolodex) == []


def test_next_creates_an_open_follow_up_for_the_same_people(rolodex, jane):
    john = add(rolodex, "John Roe")
    result = ok(rolodex(["log", "jane", "john", "call", "talked pricing",
                         "--next", "in 2 weeks"]))
    assert "follow-up task" in result.stderr
    open_tasks = tasks(rolodex)
    assert len(open_tasks) == 1
    task = open_tasks[0]
    assert task["status"] == "open"
    assert task["due"] == "2026-12-04"
    assert task["all_day"] is True
    assert task["kind"] == "call"
    assert "talked pricing" in task["title"]
    assert task["title"].startswith("Follow up")
    assert [c["id"] for c in task["contacts"]] == [jane, john]


def test_next_with_a_time_is_due_at_that_instant(rolodex, jane):
    ok(rolodex(["log", "jane", "note", "sent deck", "--next", "mon 10am"]))
    task = tasks(rolodex)[0]
    assert task["due"] == "2026-11-23T09:00:00Z"
    assert task["all_day"] is False
    assert task["kind"] == "todo"  # a note is no task kind


def test_bad_at_is_invalid_and_writes_nothing(rolodex, jane):
    result = rolodex(["log", "jane", "call", "x", "--at", "the day after never"])
    assert result.exit_code == 5
    assert result.stderr.startswith("rolodex: cannot read date 'the day after never'")
    assert "2026-11-20 09:30" in result.stderr and "tomorrow at 9" in result.stderr
    assert "Traceback" not in result.stderr
    assert history(rolodex) == []
    assert contact(rolodex, jane)["last_contacted"] is None


def test_bad_next_is_invalid_and_writes_nothing(rolodex, jane):
    result = rolodex(["log", "jane", "call", "x", "--next", "someday"])
    assert result.exit_code == 5
    assert "cannot read date" in result.stderr
    assert history(rolodex) == []
    assert tasks(rolodex) == []


def test_unknown_contact_is_not_found_and_writes_nothing(rolodex, jane):
    result = rolodex(["log", "jane", "nobody-like-this", "call", "x", "--next", "tomorrow"])
    assert result.exit_code == 3
    assert "nobody-like-this" in result.stderr
    assert "Traceback" not in result.stderr
    assert history(rolodex) == []
    assert tasks(rolodex) == []


def test_unknown_company_is_not_found_and_writes_nothing(rolodex, jane):
    result = rolodex(["log", "jane", "call", "x", "--company", "Globex"])
    assert result.exit_code == 3
    assert history(rolodex) == []


def test_contacts_from_stdin(rolodex, jane):
    john = add(rolodex, "John Roe")
    ok(rolodex(["log", "-", "meeting", "standup"], input=f"{jane}\n{john}\n"))
    assert [c["id"] for c in history(rolodex)[0]["contacts"]] == [jane, john]


# --- history -----------------------------------------------------------------------------


def seed(rolodex, jane) -> dict[str, int]:
    """Jane and John at Acme, Bob alone; five entries over a week."""
    john = add(rolodex, "John Roe", "-c", "Acme Ltd")
    bob = add(rolodex, "Bob Smith")
    ids = {"jane": jane, "john": john, "bob": bob}
    for who, kind, text, at in (
        (["jane"], "call", "intro", "2026-11-13 10:00"),
        (["john"], "email", "sent deck", "2026-11-16 09:00"),
        (["jane", "bob"], "meeting", "lunch", "2026-11-17 12:30"),
        (["bob"], "call", "catch up", "2026-11-18 18:00"),
        (["jane"], "note", "likes tea", "2026-11-19 23:30"),
    ):
        ok(rolodex(["log", *who, kind, text, "--at", at]))
    return ids


def texts(entries: list[dict]) -> list[str]:
    return [e["text"] for e in entries]


def test_history_of_everyone_is_newest_first(rolodex, jane):
    seed(rolodex, jane)
    entries = history(rolodex)
    assert texts(entries) == ["likes tea", "catch up", "lunch", "sent deck", "intro"]
    stamps = [e["at"] for e in entries]
    assert stamps == sorted(stamps, reverse=True)


def test_history_json_items_have_the_documented_keys(rolodex, jane):
    seed(rolodex, jane)
    for entry in history(rolodex):
        assert {"id", "kind", "at", "text", "contacts"} <= set(entry)
        assert isinstance(entry["id"], int)
        assert entry["at"].endswith("Z")
        assert all({"id", "name"} <= set(c) for c in entry["contacts"])


def test_history_of_one_contact(rolodex, jane):
    ids = seed(rolodex, jane)
    assert texts(history(rolodex, "jane")) == ["likes tea", "lunch", "intro"]
    assert texts(history(rolodex, str(ids["bob"]))) == ["catch up", "lunch"]


def test_history_of_a_company_covers_all_its_people(rolodex, jane):
    seed(rolodex, jane)
    ok(rolodex(["log", "bob", "letter", "invoice", "--company", "Acme Ltd",
                "--at", "2026-11-12 08:00"]))
    expected = ["likes tea", "lunch", "sent deck", "intro", "invoice"]
    assert texts(history(rolodex, "--company", "Acme Ltd")) == expected
    # a REF that names no contact is tried as a company
    assert texts(history(rolodex, "Acme Ltd")) == expected


def test_history_by_kind(rolodex, jane):
    seed(rolodex, jane)
    assert texts(history(rolodex, "--kind", "call")) == ["catch up", "intro"]
    assert texts(history(rolodex, "jane", "--kind", "call")) == ["intro"]
    assert history(rolodex, "--kind", "letter") == []


def test_history_from_to_window_uses_local_days(rolodex, jane):
    seed(rolodex, jane)
    # 2026-11-19 23:30 Berlin is 22:30 UTC: still on the 19th locally
    window = history(rolodex, "--from", "2026-11-17", "--to", "2026-11-19")
    assert texts(window) == ["likes tea", "catch up", "lunch"]
    assert texts(history(rolodex, "--to", "2026-11-16")) == ["sent deck", "intro"]
    assert texts(history(rolodex, "--from", "2026-11-19")) == ["likes tea"]
    assert texts(history(rolodex, "--from", "3 days ago")) == ["likes tea", "catch up",
                                                              "lunch"]


def test_history_bad_window_date_is_invalid(rolodex, jane):
    seed(rolodex, jane)
    result = rolodex("history --from 'not a day' -f json")
    assert result.exit_code == 5
    assert "cannot read date" in result.stderr


def test_history_of_unknown_ref_is_not_found(rolodex, jane):
    result = rolodex("history nobody-like-this")
    assert result.exit_code == 3
    assert result.stderr.startswith("rolodex: ")


def test_history_limit(rolodex, jane):
    seed(rolodex, jane)
    assert texts(history(rolodex, "--limit", "2")) == ["likes tea", "catch up"]


def test_history_table_output_shows_local_times(rolodex, jane):
    seed(rolodex, jane)
    result = ok(rolodex("history jane"))
    assert "2026-11-19 23:30" in result.stdout
    assert "likes tea" in result.stdout
    assert "\x1b[" not in result.stdout


def test_last_contacted_is_the_latest_interaction(rolodex, jane):
    ids = seed(rolodex, jane)
    assert contact(rolodex, jane)["last_contacted"] == "2026-11-19T22:30:00Z"
    assert contact(rolodex, ids["john"])["last_contacted"] == "2026-11-16T08:00:00Z"
    assert contact(rolodex, ids["bob"])["last_contacted"] == "2026-11-18T17:00:00Z"
    # logging something older does not move it back
    ok(rolodex(["log", "bob", "call", "old", "--at", "2026-01-05 10:00"]))
    assert contact(rolodex, ids["bob"])["last_contacted"] == "2026-11-18T17:00:00Z"


def test_contact_list_sorts_by_last_contacted(rolodex, jane):
    ids = seed(rolodex, jane)
    never = add(rolodex, "Nora Never")
    listed = ok(rolodex("contact list --sort -last-contacted -f json")).json()
    order = [c["id"] for c in listed]
    contacted = [c for c in listed if c["last_contacted"]]
    assert [c["id"] for c in contacted] == [jane, ids["bob"], ids["john"]]
    stamps = [c["last_contacted"] for c in contacted]
    assert stamps == sorted(stamps, reverse=True)
    assert never in order
    by_id = {c["id"]: c for c in listed}
    assert by_id[never]["last_contacted"] is None
    ascending = [c["id"] for c in ok(rolodex("contact list --sort last-contacted -f json")).json()
                 if c["last_contacted"]]
    assert ascending == [ids["john"], ids["bob"], jane]


def test_everyones_history_is_cut_in_a_table_and_whole_in_every_other_format(
        rolodex, isolated):
    """A million entries must not be read to draw 500 rows, nor held to write them all."""
    import json
    import re
    import sqlite3

    add(rolodex, "Jane Doe")
    add(rolodex, "Bob Roe")
    conn = sqlite3.connect(isolated)
    with conn:
        for n in range(1, 1206):
            at = f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00Z"
            conn.execute("INSERT INTO interactions (id, uid, kind, at, text, created) VALUES"
                         " (?, ?, 'call', ?, ?, ?)", (n, f"i{n}", at, f"call {n}", at))
            for person in (1, 2)[:1 + n % 2]:
                conn.execute("INSERT INTO interaction_contacts (interaction_id, contact_id,"
                             " at) VALUES (?, ?, ?)", (n, person, at))
    conn.close()
    table = rolodex("history")
    assert table.exit_code == 0
    assert "showing the first 500" in table.stderr
    assert len(re.findall(r"call \d+", table.stdout)) == 500
    everything = rolodex("history -f json").json()
    assert len(everything) == 1205
    assert [(e["at"], e["id"]) for e in everything] == sorted(
        ((e["at"], e["id"]) for e in everything), reverse=True)
    assert rolodex("history -f jsonl").jsonl() == everything
    assert rolodex("history -f ids").stdout.split() == [str(e["id"]) for e in everything]
    assert len(rolodex("history -f csv").stdout.splitlines()) == 1206
    assert rolodex("history --limit 700 -f json").json() == everything[:700]
    assert [p["name"] for p in everything[0]["contacts"]] in (["Jane Doe"],
                                                              ["Jane Doe", "Bob Roe"])
    assert json.loads(rolodex("history jane -f json").stdout) == [
        e for e in everything if e["contacts"][0]["id"] == 1]
