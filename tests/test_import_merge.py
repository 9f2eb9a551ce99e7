"""An import merges into the contacts it matches and never erases what the user typed.

Each card is a file under tests/fixtures/vcard/ named after what it shows.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "vcard"


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def contact(rolodex, ref: str = "1") -> dict:
    result = rolodex(["contact", "show", ref, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return result.json()


def add_london_jane(rolodex) -> None:
    result = rolodex(["add", "Jane Doe", "-e", "jane@acme.example", "-e", "jane@home.example",
                      "-p", "+44 20 7946 0000", "-p", "+44 7700 900123", "--title", "CTO",
                      "--address", "1 High St; London; ; EC1A 1AA; UK"])
    assert result.exit_code == 0, result.stderr


def test_default_merge_adds_and_erases_nothing(rolodex):
    add_london_jane(rolodex)
    result = rolodex(["import", fixture("merge-one-email-other-phone-title-leeds.vcf")])
    assert result.exit_code == 0, result.stderr
    jane = contact(rolodex)
    assert sorted(e["address"] for e in jane["emails"]) == ["jane@acme.example",
                                                             "jane@home.example"]
    assert sorted(p["number"] for p in jane["phones"]) == [
        "+44 20 7946 0000", "+44 7700 900123", "+44 7700 900999"]
    assert sorted(a["locality"] for a in jane["addresses"]) == ["Leeds", "London"]
    assert jane["title"] == "CTO"  # the user's own value stays
    assert jane["phone"] == "+44 20 7946 0000"  # and so does the preferred number
    assert "conflict #1 Jane Doe: title: kept 'CTO', card says 'CEO'" in result.stderr
    assert "1 updated" in result.stderr and "1 conflict(s)" in result.stderr


def test_merge_conflicts_and_changes_in_json(rolodex):
    add_london_jane(rolodex)
    result = rolodex(["import", fixture("merge-one-email-other-phone-title-leeds.vcf"),
                      "--format", "json"])
    summary = result.json()
    assert summary["conflicts"] == [{
        "name": "Jane Doe", "source": fixture("merge-one-email-other-phone-title-leeds.vcf"),
        "index": 1, "id": 1, "field": "title", "local": "CTO", "value": "CEO",
        "company": False}]
    [entry] = summary["changes"]
    actions = {(c["action"], c["field"], c["value"]) for c in entry["changes"]}
    assert ("add", "phone", "+44 7700 900999") in actions
    assert ("add", "address", "2 Park Row; Leeds; ; LS1 5AB; UK") in actions
    assert ("set", "email label", "jane@acme.example (work)") in actions
    assert not any(c["action"] == "remove" for c in entry["changes"])


def test_dry_run_shows_field_level_changes_and_writes_nothing(rolodex):
    add_london_jane(rolodex)
    before = contact(rolodex)
    result = rolodex(["import", fixture("merge-one-email-other-phone-title-leeds.vcf"),
                      "--dry-run"])
    assert result.exit_code == 0, result.stderr
    assert ("#1 Jane Doe: set email label 'jane@acme.example (work)'" in result.stderr
            or "#1 Jane Doe: email label = 'jane@acme.example (work)'" in result.stderr)
    assert "+ phone '+44 7700 900999'" in result.stderr
    assert "+ address '2 Park Row; Leeds; ; LS1 5AB; UK'" in result.stderr
    assert "would import 1 contact(s): 0 new, 1 updated" in result.stderr
    assert contact(rolodex) == before


def test_replace_is_explicit_and_takes_the_card(rolodex):
    add_london_jane(rolodex)
    result = rolodex(["import", fixture("merge-one-email-other-phone-title-leeds.vcf"),
                      "--on-match", "replace"])
    assert result.exit_code == 0, result.stderr
    jane = contact(rolodex)
    assert [e["address"] for e in jane["emails"]] == ["jane@acme.example"]
    assert [p["number"] for p in jane["phones"]] == ["+44 7700 900999"]
    assert [a["locality"] for a in jane["addresses"]] == ["Leeds"]
    assert jane["title"] == "CEO"


def test_update_is_the_old_name_of_merge(rolodex):
    add_london_jane(rolodex)
    result = rolodex(["import", fixture("merge-one-email-other-phone-title-leeds.vcf"),
                      "--on-match", "update"])
    assert result.exit_code == 0, result.stderr
    assert len(contact(rolodex)["emails"]) == 2


def test_unknown_on_match_is_exit_5(rolodex):
    result = rolodex(["import", fixture("uid-abc-walter.vcf"), "--on-match", "overwrite"])
    assert result.exit_code == 5
    assert result.stderr.startswith("rolodex: --on-match is one of merge, replace, skip, new")


def test_undo_gives_back_the_contact_exactly(rolodex):
    add_london_jane(rolodex)
    before = contact(rolodex)
    assert rolodex(["import", fixture("merge-one-email-other-phone-title-leeds.vcf")]
                   ).exit_code == 0
    assert contact(rolodex) != before
    assert rolodex(["undo"]).exit_code == 0
    assert contact(rolodex) == before


def test_same_uid_someone_else_is_a_conflict_not_applied(rolodex):
    assert rolodex(["import", fixture("uid-abc-walter.vcf")]).exit_code == 0
    result = rolodex(["import", fixture("uid-abc-paula.vcf"), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert summary["skipped"] == 1 and summary["updated"] == 0
    [conflict] = summary["conflicts"]
    assert conflict["field"] == "identity"
    assert (conflict["local"], conflict["value"]) == ("Walter Stone", "Paula Green")
    walter = contact(rolodex)
    assert walter["name"] == "Walter Stone"
    assert [e["address"] for e in walter["emails"]] == ["walter@work.example"]
    assert walter["phones"] == []
    # Replacing does not make Walter into Paula either.
    assert rolodex(["import", fixture("uid-abc-paula.vcf"), "--on-match", "replace"]
                   ).exit_code == 0
    assert contact(rolodex)["name"] == "Walter Stone"


def test_same_uid_new_name_but_same_email_is_the_same_person(rolodex):
    assert rolodex(["import", fixture("uid-abc-walter.vcf")]).exit_code == 0
    result = rolodex(["import", fixture("uid-abc-walter-married-name.vcf")])
    assert result.exit_code == 0, result.stderr
    walter = contact(rolodex)
    assert walter["name"] == "Walter Stone-Hill"  # the source renamed him; nobody here did
    assert len(walter["emails"]) == 2


def test_a_value_the_source_owns_follows_the_source(rolodex):
    """A card found by UID updates what only it ever set; once the user changed the
    value, a new one from the card is a conflict."""
    assert rolodex(["import", fixture("source-title-v1.vcf")]).exit_code == 0
    assert rolodex(["import", fixture("source-title-v2.vcf")]).exit_code == 0
    assert contact(rolodex)["title"] == "CEO"
    assert rolodex(["contact", "edit", "1", "--title", "Chief Everything"]).exit_code == 0
    result = rolodex(["import", fixture("source-title-v3.vcf")])
    assert result.exit_code == 0, result.stderr
    assert contact(rolodex)["title"] == "Chief Everything"
    assert "title: kept 'Chief Everything', card says 'COO'" in result.stderr


def test_reimporting_the_same_card_is_unchanged(rolodex):
    add_london_jane(rolodex)
    path = fixture("merge-one-email-other-phone-title-leeds.vcf")
    assert rolodex(["import", path]).exit_code == 0
    again = rolodex(["import", path])
    assert "0 updated, 1 unchanged" in again.stderr


def test_profile_url_finds_the_person(rolodex):
    assert rolodex(["add", "Jane Doe", "--url", "linkedin.com/in/jane-doe-4711"]
                   ).exit_code == 0
    result = rolodex(["import", fixture("profile-url-only.vcf")])
    assert result.exit_code == 0, result.stderr
    assert "matched #1 by URL https://www.linkedin.com/in/jane-doe-4711/" in result.stderr
    listed = rolodex("contact list --format json").json()
    assert len(listed) == 1 and listed[0]["title"] == "Founder"


def test_a_front_page_two_people_share_matches_nobody(rolodex):
    assert rolodex(["add", "Ann Acme", "--url", "https://acme.example"]).exit_code == 0
    result = rolodex(["import", fixture("shared-front-page-url.vcf")])
    assert "1 new" in result.stderr
    assert len(rolodex("contact list --format json").json()) == 2


def test_company_card_merges_too(rolodex):
    assert rolodex(["company", "add", "Acme Ltd", "--phone", "+44 20 7946 1234"]
                   ).exit_code == 0
    result = rolodex(["import", fixture("company-card-other-phone.vcf"), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    [conflict] = result.json()["conflicts"]
    assert (conflict["field"], conflict["local"], conflict["value"], conflict["company"]) == (
        "phone", "+44 20 7946 1234", "+44 20 0000 1111", True)
    acme = rolodex(["company", "show", "Acme Ltd", "--format", "json"]).json()
    assert acme["phone"] == "+44 20 7946 1234"
    assert acme["email"] == "hello@acme.example"  # what it lacked is added


def test_url_keys_are_migrated(tmp_path):
    """Migration m014 gives URLs stored before it their key, so they can be matched."""
    from rolodex.store import migrations

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    migrations.apply_all(conn, upto=8)
    conn.execute("INSERT INTO contacts (uid, display_name, name_key, sort_key, created, "
                 "updated) VALUES ('u1', 'Jane Doe', 'jane doe', 'doe jane', 'x', 'x')")
    conn.execute("INSERT INTO contact_urls (contact_id, position, url, label, preferred) "
                 "VALUES (1, 0, 'https://www.LinkedIn.com/in/Jane-Doe/', NULL, 1)")
    conn.commit()
    migrations.apply_all(conn)
    assert conn.execute("SELECT url_key FROM contact_urls").fetchone() == (
        "linkedin.com/in/jane-doe",)
    conn.close()


@pytest.mark.parametrize("url, key", [
    ("https://www.linkedin.com/in/jane-doe/", "linkedin.com/in/jane-doe"),
    ("linkedin.com/in/jane-doe?trk=x", "linkedin.com/in/jane-doe"),
    ("http://acme.example/", None), ("acme.example", None), ("not a url at all", None),
])
def test_url_key(url, key):
    from rolodex.normalize import url_key

    assert url_key(url) == key


def test_export_to_a_folder_and_back_is_unchanged(rolodex, tmp_path):
    add_london_jane(rolodex)
    assert rolodex(["add", "Bob Stone", "-c", "Acme Ltd", "-t", "vip", "-b", "--02-29"]
                   ).exit_code == 0
    assert rolodex(["import", fixture("merge-one-email-other-phone-title-leeds.vcf")]
                   ).exit_code == 0
    folder = tmp_path / "book"
    assert rolodex(["export", "-o", f"{folder}/"]).exit_code == 0
    result = rolodex(["import", str(folder), "--dry-run", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert (summary["new"], summary["updated"], summary["skipped"]) == (0, 0, 0)
    assert summary["unchanged"] == 2 and summary["conflicts"] == []
