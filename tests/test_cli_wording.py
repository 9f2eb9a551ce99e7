"""What ``--help`` and confirmations say (#16): every option is described, help names
settings rather than their defaults, and commands do what their help says."""

from __future__ import annotations

import typer

from rolodex.cli.app import app

WHOLE = typer.main.get_command(app)


def _options(command=WHOLE, path=()):
    for name, sub in getattr(command, "commands", {}).items():
        yield from _options(sub, (*path, name))
    if not getattr(command, "commands", None):
        for param in command.params:
            if param.param_type_name == "option":
                yield " ".join(path), "/".join(param.opts), param.help


def test_every_option_has_a_one_line_description():
    missing = [f"{path} {opts}" for path, opts, text in _options() if not (text or "").strip()]
    assert missing == []


def test_no_option_sends_the_reader_elsewhere_for_its_meaning():
    vague = [f"{path} {opts}" for path, opts, text in _options()
             if "help says what" in (text or "")]
    assert vague == []


def test_log_help_does_not_list_kinds_the_user_removed(rolodex):
    assert rolodex(["config", "set", "history.kinds", "call, visit"]).exit_code == 0
    result = rolodex(["log", "--help"])
    assert result.exit_code == 0
    assert "letter" not in result.stdout and "history.kinds" in result.stdout


def test_log_with_a_company_alone(rolodex):
    assert rolodex(["company", "add", "Acme Ltd"]).exit_code == 0
    result = rolodex(["log", "--company", "acme", "email", "sent the brochure"])
    assert result.exit_code == 0, result.stderr
    assert "with Acme Ltd" in result.stderr
    [entry] = rolodex(["history", "-c", "acme", "--format", "json"]).json()
    assert (entry["kind"], entry["company"], entry["contacts"]) == ("email", "Acme Ltd", [])


def test_log_without_anyone_is_still_refused(rolodex):
    result = rolodex(["log", "email", "sent the brochure"])
    assert result.exit_code == 5  # invalid input (docs/output.md)
    assert "expected REF... KIND [TEXT]" in result.stderr


def test_a_query_may_exclude_with_a_dash_wherever_options_are(rolodex):
    """The README's example: words after NAME are the query, dashes included."""
    for args in (["add", "Jane Doe", "-t", "customer", "-t", "active"],
                 ["add", "Bob Roe", "-t", "customer"]):
        assert rolodex(args).exit_code == 0
    saved = rolodex(["search", "save", "lapsed", "tag:customer", "-tag:active"])
    assert saved.exit_code == 0, saved.stderr
    assert "1 contact(s) match now" in saved.stderr
    for args in (["search", "@lapsed", "-f", "json"],
                 ["search", "-tag:active", "-f", "json", "tag:customer"],
                 ["search", "tag:customer", "-tag:x", "-f", "json", "-tag:active"],
                 ["search", "tag:customer", "--format", "json", "--", "-tag:active"]):
        result = rolodex(args)
        assert result.exit_code == 0, (args, result.stderr)
        assert [c["name"] for c in result.json()] == ["Bob Roe"], args


def test_a_saved_search_can_be_excluded(rolodex):
    for args in (["add", "Jane Doe", "-t", "customer"], ["add", "Bob Roe", "-t", "customer"],
                 ["search", "save", "bobs", "bob"]):
        assert rolodex(args).exit_code == 0
    result = rolodex(["search", "tag:customer", "-@bobs", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert [c["name"] for c in result.json()] == ["Jane Doe"]


def test_cadence_rm_says_what_it_stopped_and_refuses_a_tag_without_one(rolodex):
    assert rolodex(["cadence", "set", "customer", "30d"]).exit_code == 0
    stopped = rolodex(["cadence", "rm", "customer"])
    assert stopped.exit_code == 0
    assert stopped.stderr.strip() == "stopped the cadence of customer (was every 30 days)"
    assert rolodex(["cadence", "list", "-f", "json"]).json() == []
    again = rolodex(["cadence", "rm", "customer"])
    assert again.exit_code == 3
    assert again.stderr.startswith("rolodex: tag customer has no cadence")


def test_a_name_typed_last_first_reads_first_last(rolodex):
    for name in ("Müller, Hans", "Doe, Jane Mary", "Sammy Davis, Jr."):
        assert rolodex(["add", name]).exit_code == 0
    names = {c["name"]: c for c in rolodex(["contact", "list", "-f", "json"]).json()}
    assert set(names) == {"Hans Müller", "Jane Mary Doe", "Sammy Davis, Jr."}
    assert (names["Hans Müller"]["first_name"], names["Hans Müller"]["last_name"]) \
        == ("Hans", "Müller")
    assert names["Jane Mary Doe"]["middle_name"] == "Mary"
    assert names["Sammy Davis, Jr."]["suffix"] == "Jr."
    assert rolodex(["contact", "edit", "hans", "--name", "Muster, Max"]).exit_code == 0
    assert rolodex(["contact", "show", "max", "-f", "json"]).json()["name"] == "Max Muster"


def test_deal_move_keeps_its_reason(rolodex):
    assert rolodex(["deal", "add", "Website"]).exit_code == 0
    moved = rolodex(["deal", "move", "1", "proposal", "--reason", "asked for a quote"])
    assert moved.exit_code == 0, moved.stderr
    record = rolodex(["deal", "show", "1", "-f", "json"]).json()
    assert [(s["stage"], s["reason"]) for s in record["stages"]] == [
        ("lead", None), ("proposal", "asked for a quote")]
    assert "proposal (0 d): asked for a quote" in rolodex(["deal", "show", "1"]).stdout


def test_stages_that_open_deals_are_in_cannot_be_removed(rolodex):
    for args in (["deal", "add", "Website"], ["deal", "move", "1", "proposal"]):
        assert rolodex(args).exit_code == 0
    refused = rolodex(["config", "set", "pipeline.stages", "lead:10, won, lost"])
    assert refused.exit_code == 5
    assert "1 deal(s) are in stages this list leaves out: #1 Website (proposal)" \
        in refused.stderr
    assert rolodex(["config", "get", "pipeline.stages"]).stdout.count("proposal") == 1
    assert rolodex(["deal", "move", "1", "lead"]).exit_code == 0
    assert rolodex(["config", "set", "pipeline.stages", "lead:10, won, lost"]).exit_code == 0


def test_privacy_forget_summarises_many_backups(rolodex):
    assert rolodex(["add", "Jane Doe", "-e", "jane@acme.example"]).exit_code == 0
    for _ in range(4):
        assert rolodex(["backup"]).exit_code == 0
    result = rolodex(["privacy", "forget", "Jane Doe", "--yes"])
    assert result.exit_code == 0, result.stderr
    [line] = [x for x in result.stderr.splitlines() if "still hold this person" in x]
    assert line.startswith("4 backup(s) still hold this person; delete or re-create them (4 in ")
    assert line.endswith("; --format json lists them)")
    assert ".db\n" not in result.stderr and "  /" not in result.stderr  # no path per line


def test_changes_reads_as_field_level_lines(rolodex):
    for args in (["add", "Jane Doe", "--title", "CTO", "-t", "active"],
                 ["contact", "edit", "jane", "--title", "CEO", "-p", "+44 20 7946 0000",
                  "-t", "vip", "--untag", "active"],
                 ["deal", "add", "Website", "--contact", "jane"],
                 ["deal", "move", "1", "proposal", "--reason", "asked for a quote"]):
        assert rolodex(args).exit_code == 0, args
    table = rolodex(["changes", "jane"]).stdout
    for line in ("title: CTO → CEO", "phone added +44 20 7946 0000", "tag added vip",
                 "tag removed active", "linked to deal #1", "contact added"):
        assert line in table, line
    assert "digits_rev" not in table and "contact_phones" not in table
    assert "stage → proposal (asked for a quote)" in rolodex(["changes", "--deal", "1"]).stdout
    rows = rolodex(["changes", "jane", "--format", "json"]).json()
    phone = next(r for r in rows if r["table"] == "contact_phones" and r["action"] == "insert")
    assert phone["fields"]["digits_rev"][1]  # the raw rows stay in JSON
    tag = next(r for r in rows if r["table"] == "contact_tags" and r["action"] == "delete")
    assert tag["fields"]["tag"] == ["active", None]


def test_dashboard_mine_narrows_every_section(rolodex, monkeypatch):
    monkeypatch.setenv("ROLODEX_USER", "sam")
    for args in (["add", "Jane Doe", "--owner", "sam", "--every", "1d"],
                 ["add", "Bob Roe", "--owner", "kim", "--every", "1d"],
                 ["task", "add", "Sam's call", "--due", "today", "--owner", "sam"],
                 ["task", "add", "Kim's call", "--due", "today", "--owner", "kim"],
                 ["event", "add", "Lunch with Bob", "--at", "tomorrow 12:00", "--with", "bob"],
                 ["event", "add", "Lunch with Jane", "--at", "tomorrow 13:00", "--with",
                  "jane"],
                 ["log", "jane", "call", "by sam"]):
        assert rolodex(args).exit_code == 0, args
    monkeypatch.setenv("ROLODEX_USER", "kim")
    assert rolodex(["log", "bob", "call", "by kim"]).exit_code == 0
    monkeypatch.setenv("ROLODEX_USER", "sam")
    report = rolodex(["dashboard", "--mine", "--format", "json"]).json()["sections"]
    titles = [r["title"] for r in report["agenda"]["rows"]]
    assert "Lunch with Jane" in titles and "Lunch with Bob" not in titles
    assert "Sam's call" in titles or "Sam's call" in [
        r["title"] for r in report["followups"]["rows"]]
    every = [r["title"] for s in ("agenda", "followups") for r in report[s]["rows"]]
    assert "Kim's call" not in every and "Bob Roe" not in every
    assert [r["text"] for r in report["recent"]["rows"]] == ["by sam"]
    everyone = rolodex(["dashboard", "--format", "json"]).json()["sections"]
    assert len(everyone["recent"]["rows"]) == 2


def test_usage_lines_name_arguments_without_braces():
    """What --help prints: groups hand out their commands through get_command."""
    def usages(group, path):
        context = typer.Context(group, info_name=path[-1] if path else "rolodex")
        for name in group.list_commands(context):
            command = group.get_command(context, name)
            if getattr(command, "commands", None):
                yield from usages(command, (*path, name))
            else:
                inner = typer.Context(command, info_name=name, parent=context)
                yield " ".join((*path, name)), command.collect_usage_pieces(inner)

    wrong = [f"{path}: {' '.join(pieces)}" for path, pieces in usages(WHOLE, ())
             if any("{" in p or (p.isidentifier() and p.islower()) for p in pieces)]
    assert wrong == []
