"""``rolodex demo`` (#16) is a tour of the CRM, not only an address book: history, tasks
overdue, due today and repeating, events this week, deals in every stage, a birthday soon
and a person past their cadence; it ends on the dashboard and three commands to try."""

from __future__ import annotations

import json

import pytest
from test_packaging import run


@pytest.fixture
def demo(isolated, tmp_path):
    target = tmp_path / "demo.db"
    result = run(["demo", "--db", str(target)], isolated)
    assert result.returncode == 0, result.stderr
    return target, result


def data(isolated, target, *args):
    result = run(["--db", str(target), *args, "--format", "json"], isolated)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.fresh_db
def test_the_demo_shows_the_whole_crm(isolated, demo):
    target, result = demo
    for text in ("8 contacts", "Next 7 days", "Overdue and due today", "Open deals by stage",
                 "Latest history", "Pilot kick-off at Initech", "Mario Rossi's birthday",
                 "Send the revised quote to Acme", "Zoë Müller"):
        assert text in result.stdout, text
    stages = data(isolated, target, "report", "pipeline")["sections"]["stages"]["rows"]
    assert all(row["deals"] >= 1 for row in stages)  # every stage, won and lost too
    followups = data(isolated, target, "followups", "--due", "week")
    assert {"task", "followup"} <= {f["type"] for f in followups}
    assert any(f["days_overdue"] > 0 for f in followups if f["type"] == "task")
    assert len(data(isolated, target, "history")) >= 10
    report = data(isolated, target, "report", "campaign", "winter-offer")["sections"]
    overview = {r["measure"]: r["value"] for r in report["overview"]["rows"]}
    assert (overview["members"], overview["reached"], overview["responded"],
            overview["opted_out"]) == (3, 2, 1, 1)
    assert report["steps"]["rows"][0]["deals"] == 1
    agenda = data(isolated, target, "agenda", "--days", "7")
    assert any(a["type"] == "campaign" and a["campaign"] == "winter-offer" for a in agenda)
    tasks = data(isolated, target, "task", "list")
    assert any(t["rrule"] for t in tasks)  # a repeating one
    card = run(["--db", str(target), "contact", "show", "jane"], isolated).stdout
    assert "Last contact" in card and "Open deals" in card


@pytest.mark.fresh_db
def test_the_demo_ends_with_three_commands_on_its_file(isolated, demo):
    target, result = demo
    tried = [line.strip() for line in result.stderr.splitlines() if line.startswith("  rolodex")]
    assert len(tried) == 3 and all(f"--db {target}" in line for line in tried)
    for line in tried:
        args = line.split()[1:]
        assert run(args, isolated).returncode == 0, line


@pytest.mark.fresh_db
def test_an_empty_db_is_an_error_not_the_users_database(isolated):
    result = run(["demo", "--db", ""], isolated)
    assert result.returncode == 5 and "--db needs a path" in result.stderr
    assert not isolated.exists()


def test_the_help_example_names_the_file_it_uses():
    from rolodex.cli.demo import demo

    example = demo.__doc__.split("Example:")[1]
    assert "--db /tmp/demo.db" in example and "ls -t" not in example


@pytest.mark.fresh_db
def test_an_empty_root_db_never_means_the_users_database(isolated):
    """The old demo example, 'rolodex --db "$(ls ... )" contact list', ran on the user's
    file when ls found nothing; an empty --db is an error now."""
    for args in (["--db", "", "contact", "list"], ["--db", " ", "add", "Jane Doe"]):
        result = run(args, isolated)
        assert result.returncode == 5 and "--db needs a path" in result.stderr
    assert not isolated.exists()
