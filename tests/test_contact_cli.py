"""``rolodex contact ...`` and the top-level ``rolodex add``: through the real entry point."""

from __future__ import annotations

import pytest


def add(rolodex, *args: str, input: str | None = None) -> int:
    result = rolodex(["contact", "add", *args], input=input)
    assert result.exit_code == 0, result.stderr
    return int(result.stdout)


def show(rolodex, ref) -> dict:
    result = rolodex(["contact", "show", str(ref), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    return result.json()


def listing(rolodex, *args: str) -> list[dict]:
    result = rolodex(["contact", "list", "-f", "json", *args])
    assert result.exit_code == 0, result.stderr
    return result.json()


def names(rolodex, *args: str) -> list[str]:
    return [c["name"] for c in listing(rolodex, *args)]


def companies(rolodex) -> list[dict]:
    result = rolodex("company list -f json")
    assert result.exit_code == 0, result.stderr
    return result.json()


# --- add -------------------------------------------------------------------------------


def test_add_prints_only_the_id_on_stdout(rolodex):
    result = rolodex(["contact", "add", "Jane Doe"])
    assert result.exit_code == 0
    assert result.stdout == "1\n"
    assert "added contact #1 Jane Doe" in result.stderr
    second = rolodex(["contact", "add", "John Roe"])
    assert second.stdout == "2\n"


def test_quiet_add_prints_no_confirmation(rolodex):
    result = rolodex(["--quiet", "contact", "add", "Jane Doe"])
    assert result.exit_code == 0
    assert result.stdout == "1\n"
    assert result.stderr == ""


def test_top_level_add_is_contact_add(rolodex):
    first = rolodex(["add", "Jane Doe", "-e", "jane@acme.example", "-c", "Acme Ltd",
                     "-t", "vip", "--title", "CTO"])
    assert first.exit_code == 0, first.stderr
    jane = show(rolodex, int(first.stdout))
    assert jane["name"] == "Jane Doe"
    assert jane["email"] == "jane@acme.example"
    assert jane["company"] == "Acme Ltd"
    assert jane["tags"] == ["vip"]
    assert jane["title"] == "CTO"
    assert listing(rolodex)[0]["id"] == jane["id"]


@pytest.mark.parametrize(("name", "first", "last"), [
    ("Zoë Müller", "Zoë", "Müller"),
    ("José Álvarez", "José", "Álvarez"),
    ("Jane Doe", "Jane", "Doe"),
])
def test_accented_names_are_kept_and_split(rolodex, name, first, last):
    contact_id = add(rolodex, name)
    record = show(rolodex, contact_id)
    assert record["name"] == name
    assert record["first_name"] == first
    assert record["last_name"] == last
    assert record["middle_name"] is None


def test_name_with_prefix_middle_suffix_and_particle(rolodex):
    record = show(rolodex, add(rolodex, "Dr. Anna Maria van der Berg Jr."))
    assert record["prefix"] == "Dr."
    assert record["first_name"] == "Anna"
    assert record["middle_name"] == "Maria"
    assert record["last_name"] == "van der Berg"
    assert record["suffix"] == "Jr."
    assert record["name"] == "Dr. Anna Maria van der Berg Jr."


def test_add_without_name_is_invalid(rolodex):
    result = rolodex(["contact", "add", "   "])
    assert result.exit_code == 5
    assert result.stderr.startswith("rolodex: ")
    assert listing(rolodex) == []


def test_several_emails_and_phones_with_labels(rolodex):
    contact_id = add(rolodex, "Zoë Müller",
                     "-e", "zoe@home.example (home)",
                     "-e", "zoe@globex.example (work, preferred)",
                     "-p", "+49 30 1234567 (office)",
                     "-p", "0176 123-45678 (mobile, preferred)")
    record = show(rolodex, contact_id)
    assert record["emails"] == [
        {"address": "zoe@home.example", "label": "home", "preferred": False},
        {"address": "zoe@globex.example", "label": "work", "preferred": True},
    ]
    assert record["phones"] == [
        {"number": "+49 30 1234567", "label": "office", "preferred": False},
        {"number": "0176 123-45678", "label": "mobile", "preferred": True},
    ]
    assert record["email"] == "zoe@globex.example"
    assert record["phone"] == "0176 123-45678"


def test_first_detail_is_preferred_when_none_is_marked(rolodex):
    contact_id = add(rolodex, "Jane Doe", "-e", "one@x.example (work)",
                     "-e", "two@x.example (home)", "-p", "+1 555 0100", "-p", "+1 555 0199")
    record = show(rolodex, contact_id)
    assert [e["preferred"] for e in record["emails"]] == [True, False]
    assert [p["preferred"] for p in record["phones"]] == [True, False]
    assert record["email"] == "one@x.example"
    assert record["phone"] == "+1 555 0100"


def test_label_with_several_words_and_unlabelled_detail(rolodex):
    record = show(rolodex, add(rolodex, "Jane Doe", "-e", "jane@x.example",
                               "-e", "j@y.example (side gig, preferred)"))
    assert record["emails"] == [
        {"address": "jane@x.example", "label": None, "preferred": False},
        {"address": "j@y.example", "label": "side gig", "preferred": True},
    ]


def test_mailto_prefix_is_dropped(rolodex):
    record = show(rolodex, add(rolodex, "Jane Doe", "-e", "mailto:jane@x.example"))
    assert record["emails"][0]["address"] == "jane@x.example"


def test_company_created_by_add_and_linked_on_second_add(rolodex):
    first = rolodex(["contact", "add", "Jane Doe", "-c", "Acme Ltd"])
    assert first.exit_code == 0
    assert "new company" in first.stderr
    second = rolodex(["contact", "add", "John Roe", "-c", "Acme Ltd"])
    assert second.exit_code == 0
    assert "new company" not in second.stderr
    [company] = companies(rolodex)
    assert company["name"] == "Acme Ltd"
    assert company["contacts"] == 2
    jane, john = show(rolodex, int(first.stdout)), show(rolodex, int(second.stdout))
    assert jane["company_id"] == john["company_id"] == company["id"]
    assert jane["company"] == john["company"] == "Acme Ltd"


def test_company_matched_case_and_accent_insensitively_and_by_prefix(rolodex):
    add(rolodex, "Jane Doe", "-c", "Société Générale")
    add(rolodex, "John Roe", "-c", "societe generale")
    add(rolodex, "Ann Poe", "-c", "Soci")
    [company] = companies(rolodex)
    assert company["name"] == "Société Générale"
    assert company["contacts"] == 3


def test_company_by_id(rolodex):
    result = rolodex(["company", "add", "Initech"])
    company_id = int(result.stdout)
    record = show(rolodex, add(rolodex, "Jane Doe", "-c", str(company_id)))
    assert record["company"] == "Initech"
    assert len(companies(rolodex)) == 1


def test_unknown_company_id_is_not_found_and_nothing_added(rolodex):
    result = rolodex(["contact", "add", "Jane Doe", "-c", "42"])
    assert result.exit_code == 3
    assert listing(rolodex) == []
    assert companies(rolodex) == []


def test_ambiguous_company_prefix_refuses(rolodex):
    add(rolodex, "Jane Doe", "-c", "Acme Ltd")
    add(rolodex, "John Roe", "-c", "Acme Corp")
    before = listing(rolodex)
    result = rolodex(["contact", "add", "Ann Poe", "-c", "Acme"])
    assert result.exit_code == 4
    assert "Acme Ltd" in result.stderr and "Acme Corp" in result.stderr
    assert listing(rolodex) == before


def test_tags_on_add(rolodex):
    record = show(rolodex, add(rolodex, "Jane Doe", "-t", "vip", "-t", "berlin", "-t", "vip"))
    assert record["tags"] == ["berlin", "vip"]


@pytest.mark.parametrize(("typed", "stored"), [
    ("1985-04-15", "1985-04-15"),
    ("--04-15", "--04-15"),
    ("April 15", "--04-15"),
    ("15 Apr 1985", "1985-04-15"),
    ("15.04.1985", "1985-04-15"),
    ("Feb 29", "--02-29"),
])
def test_birthday_forms(rolodex, typed, stored):
    record = show(rolodex, add(rolodex, "Jane Doe", "--birthday", typed))
    assert record["birthday"] == stored


def test_birthday_short_option_with_yearless_form(rolodex):
    record = show(rolodex, add(rolodex, "Jane Doe", "-b", "--12-24"))
    assert record["birthday"] == "--12-24"


def test_anniversary(rolodex):
    record = show(rolodex, add(rolodex, "Jane Doe", "--anniversary", "June 1"))
    assert record["anniversary"] == "--06-01"


@pytest.mark.parametrize(("typed", "days"), [("30d", 30), ("2w", 14), ("3m", 90), ("45", 45)])
def test_every_cadence(rolodex, typed, days):
    record = show(rolodex, add(rolodex, "Jane Doe", "--every", typed))
    assert record["cadence_days"] == days


def test_custom_fields(rolodex):
    record = show(rolodex, add(rolodex, "Jane Doe", "--field", "linkedin=janedoe",
                               "--field", "shoe = 38"))
    assert record["custom"] == {"linkedin": "janedoe", "shoe": "38"}


def test_custom_field_without_equals_is_invalid(rolodex):
    result = rolodex(["contact", "add", "Jane Doe", "--field", "linkedin"])
    assert result.exit_code == 5
    assert "KEY=VALUE" in result.stderr
    assert listing(rolodex) == []


def test_all_scalar_options_on_add(rolodex):
    record = show(rolodex, add(rolodex, "Jane Doe", "--title", "CTO", "--department", "R&D",
                               "--nickname", "JD", "--note", "met at PyCon",
                               "--status", "Customer", "--source", "referral",
                               "--owner", "alice", "--url", "https://jane.example (blog)",
                               "--address", "1 Main St; Springfield; IL; 62701; USA (home)"))
    assert record["title"] == "CTO"
    assert record["department"] == "R&D"
    assert record["nickname"] == "JD"
    assert record["notes"] == "met at PyCon"
    assert record["status"] == "customer"
    assert record["source"] == "referral"
    assert record["owner"] == "alice"
    assert record["urls"] == [{"url": "https://jane.example", "label": "blog",
                               "preferred": True}]
    assert record["addresses"] == [{
        "street": "1 Main St", "locality": "Springfield", "region": "IL",
        "postcode": "62701", "country": "USA", "label": "home", "preferred": True}]
    assert record["created"] == record["updated"] == "2026-11-20T09:00:00Z"


def test_add_is_atomic_when_a_tag_is_bad(rolodex):
    result = rolodex(["contact", "add", "Jane Doe", "-c", "Acme Ltd", "-t", "@home"])
    assert result.exit_code == 5
    assert listing(rolodex) == []
    assert companies(rolodex) == []


# --- relationships ---------------------------------------------------------------------


def test_link_shows_on_both_sides(rolodex):
    jane = add(rolodex, "Jane Doe")
    john = add(rolodex, "John Roe")
    result = rolodex(["contact", "link", "John Roe", "manager", "Jane Doe"])
    assert result.exit_code == 0, result.stderr
    assert show(rolodex, john)["relationships"] == [
        {"kind": "manager", "contact_id": jane, "name": "Jane Doe"}]
    assert show(rolodex, jane)["relationships"] == [
        {"kind": "report", "contact_id": john, "name": "John Roe"}]


@pytest.mark.parametrize(("kind", "inverse"), [
    ("spouse", "spouse"), ("referred-by", "referred"), ("parent", "child"),
    ("Assistant", "assisted"), ("mentor", "mentor of"),
])
def test_link_inverse_kinds(rolodex, kind, inverse):
    jane = add(rolodex, "Jane Doe")
    john = add(rolodex, "John Roe")
    assert rolodex(["contact", "link", str(john), kind, str(jane)]).exit_code == 0
    assert show(rolodex, john)["relationships"][0]["kind"] == kind.lower()
    assert show(rolodex, jane)["relationships"] == [
        {"kind": inverse, "contact_id": john, "name": "John Roe"}]


def test_link_twice_keeps_one_relationship(rolodex):
    add(rolodex, "Jane Doe")
    john = add(rolodex, "John Roe")
    rolodex(["contact", "link", "John Roe", "manager", "Jane Doe"])
    rolodex(["contact", "link", "John Roe", "manager", "Jane Doe"])
    assert len(show(rolodex, john)["relationships"]) == 1


def test_link_free_text(rolodex):
    jane = add(rolodex, "Jane Doe")
    result = rolodex(["contact", "link", "Jane Doe", "spouse", "Bob Outsider", "--text"])
    assert result.exit_code == 0, result.stderr
    assert show(rolodex, jane)["relationships"] == [
        {"kind": "spouse", "contact_id": None, "name": "Bob Outsider"}]


def test_link_remove(rolodex):
    jane = add(rolodex, "Jane Doe")
    john = add(rolodex, "John Roe")
    rolodex(["contact", "link", "John Roe", "manager", "Jane Doe"])
    result = rolodex(["contact", "link", "John Roe", "manager", "Jane Doe", "--remove"])
    assert result.exit_code == 0, result.stderr
    assert show(rolodex, john)["relationships"] == []
    assert show(rolodex, jane)["relationships"] == []


def test_link_remove_from_the_other_side(rolodex):
    jane = add(rolodex, "Jane Doe")
    john = add(rolodex, "John Roe")
    rolodex(["contact", "link", "John Roe", "manager", "Jane Doe"])
    result = rolodex(["contact", "link", "Jane Doe", "report", "John Roe", "--remove"])
    assert result.exit_code == 0, result.stderr
    assert show(rolodex, john)["relationships"] == []
    assert show(rolodex, jane)["relationships"] == []


def test_link_remove_missing_relationship_is_not_found(rolodex):
    add(rolodex, "Jane Doe")
    add(rolodex, "John Roe")
    result = rolodex(["contact", "link", "John Roe", "spouse", "Jane Doe", "--remove"])
    assert result.exit_code == 3


def test_link_to_self_is_invalid(rolodex):
    jane = add(rolodex, "Jane Doe")
    result = rolodex(["contact", "link", "Jane Doe", "friend", "Jane Doe"])
    assert result.exit_code == 5
    assert show(rolodex, jane)["relationships"] == []


def test_link_to_unknown_contact_is_not_found(rolodex):
    jane = add(rolodex, "Jane Doe")
    result = rolodex(["contact", "link", "Jane Doe", "friend", "Nobody Here"])
    assert result.exit_code == 3
    assert show(rolodex, jane)["relationships"] == []


def test_deleting_a_contact_removes_its_relationships_on_the_other_side(rolodex):
    add(rolodex, "Jane Doe")
    john = add(rolodex, "John Roe")
    rolodex(["contact", "link", "John Roe", "manager", "Jane Doe"])
    assert rolodex(["contact", "rm", "Jane Doe", "--yes"]).exit_code == 0
    assert show(rolodex, john)["relationships"] == []


# --- edit ------------------------------------------------------------------------------


def test_edit_title_and_clear_it(rolodex, jane, monkeypatch):
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-21T10:00:00Z")
    result = rolodex(["contact", "edit", "Jane Doe", "--title", "CTO"])
    assert result.exit_code == 0, result.stderr
    record = show(rolodex, jane)
    assert record["title"] == "CTO"
    assert record["updated"] == "2026-11-21T10:00:00Z"
    assert record["created"] == "2026-11-20T09:00:00Z"
    assert rolodex(["contact", "edit", str(jane), "--title", ""]).exit_code == 0
    assert show(rolodex, jane)["title"] is None


def test_edit_name_resplits_parts(rolodex, jane):
    assert rolodex(["contact", "edit", str(jane), "--name", "Janet Q. Public"]).exit_code == 0
    record = show(rolodex, jane)
    assert record["name"] == "Janet Q. Public"
    assert record["first_name"] == "Janet"
    assert record["middle_name"] == "Q."
    assert record["last_name"] == "Public"


def test_edit_first_rebuilds_display_name(rolodex, jane):
    assert rolodex(["contact", "edit", str(jane), "--first", "Janie"]).exit_code == 0
    record = show(rolodex, jane)
    assert record["first_name"] == "Janie"
    assert record["last_name"] == "Doe"
    assert record["name"] == "Janie Doe"
    assert [c["name"] for c in listing(rolodex)] == ["Janie Doe"]


def test_edit_last_rebuilds_display_name_and_sort(rolodex, jane):
    add(rolodex, "Bob Miller")
    assert names(rolodex) == ["Jane Doe", "Bob Miller"]
    assert rolodex(["contact", "edit", str(jane), "--last", "Zeta"]).exit_code == 0
    assert show(rolodex, jane)["name"] == "Jane Zeta"
    assert names(rolodex) == ["Bob Miller", "Jane Zeta"]


def test_edit_email_adds_and_rm_email_removes(rolodex, jane):
    result = rolodex(["contact", "edit", "jane", "--email", "jane@home.example (home)"])
    assert result.exit_code == 0, result.stderr
    record = show(rolodex, jane)
    assert record["emails"] == [
        {"address": "jane@acme.example", "label": "work", "preferred": True},
        {"address": "jane@home.example", "label": "home", "preferred": False},
    ]
    result = rolodex(["contact", "edit", str(jane), "--rm-email", "JANE@acme.example"])
    assert result.exit_code == 0, result.stderr
    record = show(rolodex, jane)
    assert record["emails"] == [
        {"address": "jane@home.example", "label": "home", "preferred": True}]
    assert record["email"] == "jane@home.example"


def test_edit_email_preferred_moves_the_mark(rolodex, jane):
    rolodex(["contact", "edit", str(jane), "--email", "jane@new.example (work, preferred)"])
    record = show(rolodex, jane)
    assert [(e["address"], e["preferred"]) for e in record["emails"]] == [
        ("jane@acme.example", False), ("jane@new.example", True)]
    assert record["email"] == "jane@new.example"


def test_edit_existing_email_again_does_not_duplicate(rolodex, jane):
    rolodex(["contact", "edit", str(jane), "--email", "Jane@Acme.example (office)"])
    record = show(rolodex, jane)
    assert len(record["emails"]) == 1
    assert record["emails"][0]["label"] == "office"


def test_edit_rm_unknown_email_is_not_found_and_atomic(rolodex, jane):
    before = show(rolodex, jane)
    result = rolodex(["contact", "edit", str(jane), "--title", "CTO",
                      "--rm-email", "nobody@acme.example"])
    assert result.exit_code == 3
    assert show(rolodex, jane) == before


def test_edit_phone_add_and_remove_by_other_formatting(rolodex, jane):
    rolodex(["contact", "edit", str(jane), "--phone", "030 1234567 (office)"])
    assert [p["number"] for p in show(rolodex, jane)["phones"]] == [
        "+1 (555) 010-0100", "030 1234567"]
    result = rolodex(["contact", "edit", str(jane), "--rm-phone", "15550100100"])
    assert result.exit_code == 0, result.stderr
    assert [p["number"] for p in show(rolodex, jane)["phones"]] == ["030 1234567"]


def test_edit_tag_and_untag(rolodex, jane):
    assert rolodex(["contact", "edit", str(jane), "--tag", "berlin", "--untag", "vip"]
                   ).exit_code == 0
    assert show(rolodex, jane)["tags"] == ["berlin"]


def test_edit_company_changes_and_empty_unlinks(rolodex, jane):
    assert rolodex(["contact", "edit", str(jane), "--company", "Initech"]).exit_code == 0
    record = show(rolodex, jane)
    assert record["company"] == "Initech"
    assert {c["name"]: c["contacts"] for c in companies(rolodex)} == {
        "Acme Ltd": 0, "Initech": 1}
    assert rolodex(["contact", "edit", str(jane), "--company", ""]).exit_code == 0
    record = show(rolodex, jane)
    assert record["company"] is None
    assert record["company_id"] is None
    assert {c["name"]: c["contacts"] for c in companies(rolodex)} == {
        "Acme Ltd": 0, "Initech": 0}


def test_edit_clears_birthday_and_cadence_and_custom_field(rolodex):
    contact_id = add(rolodex, "Jane Doe", "-b", "1985-04-15", "--every", "30d",
                     "--field", "linkedin=jd", "--field", "shoe=38")
    result = rolodex(["contact", "edit", str(contact_id), "--birthday", "", "--every", "",
                      "--field", "linkedin="])
    assert result.exit_code == 0, result.stderr
    record = show(rolodex, contact_id)
    assert record["birthday"] is None
    assert record["cadence_days"] is None
    assert record["custom"] == {"shoe": "38"}


def test_edit_sets_birthday_status_and_field(rolodex, jane):
    result = rolodex(["contact", "edit", str(jane), "--birthday", "15 Apr 1986",
                      "--status", "LEAD", "--field", "linkedin=jd", "--every", "2w"])
    assert result.exit_code == 0, result.stderr
    record = show(rolodex, jane)
    assert record["birthday"] == "1986-04-15"
    assert record["status"] == "lead"
    assert record["custom"] == {"linkedin": "jd"}
    assert record["cadence_days"] == 14


def test_edit_several_refs(rolodex, jane):
    john = add(rolodex, "John Roe")
    ann = add(rolodex, "Ann Poe")
    result = rolodex(["contact", "edit", str(jane), "John Roe", "--status", "lead",
                      "--tag", "q4"])
    assert result.exit_code == 0, result.stderr
    assert "updated 2 contact(s)" in result.stderr
    for contact_id in (jane, john):
        record = show(rolodex, contact_id)
        assert record["status"] == "lead"
        assert "q4" in record["tags"]
    assert show(rolodex, ann)["status"] is None
    assert show(rolodex, ann)["tags"] == []


def test_edit_refs_from_stdin(rolodex, jane):
    john = add(rolodex, "John Roe")
    ann = add(rolodex, "Ann Poe")
    result = rolodex(["contact", "edit", "-", "--owner", "bob"], input=f"{jane}\n\n{john}\n")
    assert result.exit_code == 0, result.stderr
    assert show(rolodex, jane)["owner"] == "bob"
    assert show(rolodex, john)["owner"] == "bob"
    assert show(rolodex, ann)["owner"] is None


def test_edit_without_changes_is_invalid(rolodex, jane):
    before = show(rolodex, jane)
    result = rolodex(["contact", "edit", str(jane)])
    assert result.exit_code == 5
    assert "nothing to change" in result.stderr
    assert show(rolodex, jane) == before


def test_edit_is_atomic_across_several_refs(rolodex, jane):
    john = add(rolodex, "John Roe")
    before = listing(rolodex)
    result = rolodex(["contact", "edit", str(jane), str(john), "--title", "CTO",
                      "--rm-email", "jane@acme.example"])
    assert result.exit_code == 3  # John has no such email: nobody changes
    assert listing(rolodex) == before
    assert show(rolodex, john)["title"] is None


def test_edit_empty_stdin_is_invalid(rolodex, jane):
    result = rolodex(["contact", "edit", "-", "--title", "CTO"], input="")
    assert result.exit_code == 5
    assert show(rolodex, jane)["title"] is None


# --- rm --------------------------------------------------------------------------------


def test_rm_without_terminal_and_without_yes_refuses(rolodex, jane):
    result = rolodex(["contact", "rm", "Jane Doe"])
    assert result.exit_code == 9
    assert result.stderr.startswith("rolodex: ")
    assert "--yes" in result.stderr
    assert [c["id"] for c in listing(rolodex)] == [jane]


def test_rm_with_yes_deletes(rolodex, jane):
    john = add(rolodex, "John Roe")
    result = rolodex(["contact", "rm", "Jane Doe", "--yes"])
    assert result.exit_code == 0, result.stderr
    assert [c["id"] for c in listing(rolodex)] == [john]
    assert rolodex(["contact", "show", str(jane)]).exit_code == 3
    # the company stays, without the person
    assert [(c["name"], c["contacts"]) for c in companies(rolodex)] == [("Acme Ltd", 0)]


def test_rm_several_and_from_stdin(rolodex, jane):
    john = add(rolodex, "John Roe")
    add(rolodex, "Ann Poe")
    bob = add(rolodex, "Bob Miller")
    assert rolodex(["contact", "rm", "-y", str(jane), "Ann Poe"]).exit_code == 0
    assert sorted(c["id"] for c in listing(rolodex)) == [john, bob]
    assert rolodex(["contact", "rm", "--yes", "-"], input=f"{john}\n{bob}\n").exit_code == 0
    assert listing(rolodex) == []


def test_rm_unknown_is_not_found_and_deletes_nothing(rolodex, jane):
    result = rolodex(["contact", "rm", "--yes", str(jane), "Nobody Here"])
    assert result.exit_code == 3
    assert [c["id"] for c in listing(rolodex)] == [jane]


# --- tag / untag and pipes -------------------------------------------------------------


def test_tag_and_untag_one(rolodex, jane):
    result = rolodex(["contact", "tag", "Jane Doe", "lapsed", "q4"])
    assert result.exit_code == 0, result.stderr
    assert show(rolodex, jane)["tags"] == ["lapsed", "q4", "vip"]
    assert rolodex(["contact", "untag", str(jane), "q4", "vip"]).exit_code == 0
    assert show(rolodex, jane)["tags"] == ["lapsed"]


def test_bad_tag_is_invalid(rolodex, jane):
    result = rolodex(["contact", "tag", str(jane), "ok", "@oops"])
    assert result.exit_code == 5
    assert "@oops" in result.stderr
    assert show(rolodex, jane)["tags"] == ["vip"]


def test_list_ids_piped_into_tag(rolodex, jane):
    john = add(rolodex, "John Roe", "-t", "vip")
    ann = add(rolodex, "Ann Poe")
    ids = rolodex("contact list --tag vip --format ids")
    assert ids.exit_code == 0
    assert sorted(int(line) for line in ids.stdout.splitlines()) == sorted([jane, john])
    tagged = rolodex(["contact", "tag", "-", "lapsed"], input=ids.stdout)
    assert tagged.exit_code == 0, tagged.stderr
    assert "tagged 2 of 2" in tagged.stderr
    lapsed = rolodex("contact list --tag lapsed --format ids")
    assert sorted(int(line) for line in lapsed.stdout.splitlines()) == sorted([jane, john])
    assert show(rolodex, ann)["tags"] == []


def test_list_ids_piped_into_untag(rolodex, jane):
    add(rolodex, "John Roe", "-t", "vip")
    ids = rolodex("contact list --tag vip -f ids").stdout
    assert rolodex(["contact", "untag", "-", "vip"], input=ids).exit_code == 0
    assert rolodex("contact list --tag vip -f ids").stdout == ""


def test_search_ids_piped_into_rm(rolodex, jane):
    john = add(rolodex, "John Roe", "-c", "Acme Ltd")
    ann = add(rolodex, "Ann Poe")
    ids = rolodex("search acme -f ids")
    assert sorted(int(x) for x in ids.stdout.split()) == sorted([jane, john])
    assert rolodex(["contact", "rm", "--yes", "-"], input=ids.stdout).exit_code == 0
    assert [c["id"] for c in listing(rolodex)] == [ann]


# --- list filters, sorting, limits -----------------------------------------------------


@pytest.fixture
def crowd(rolodex, monkeypatch):
    """Four contacts added on different days, with tags, companies, statuses and owners."""
    ids = {}
    for when, args in (
        ("2026-11-01T08:00:00Z", ["Carol Zimmer", "-c", "Beta GmbH", "-t", "vip", "-t", "berlin",
                                  "--status", "customer", "--owner", "alice"]),
        ("2026-11-05T08:00:00Z", ["Alice Young", "-c", "Acme Ltd", "-t", "vip",
                                  "--status", "lead", "--owner", "bob"]),
        ("2026-11-10T08:00:00Z", ["Bob Xavier", "-t", "berlin", "--status", "customer",
                                  "--owner", "alice"]),
        ("2026-11-15T08:00:00Z", ["Dan Walker", "-c", "Acme Ltd", "--status", "customer"]),
    ):
        monkeypatch.setenv("ROLODEX_NOW", when)
        ids[args[0]] = add(rolodex, *args)
    # Carol is edited last, so "updated" order differs from "created" order.
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-18T08:00:00Z")
    assert rolodex(["contact", "edit", "Carol Zimmer", "--title", "CEO"]).exit_code == 0
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-20T09:00:00Z")
    return ids


def test_list_default_sort_is_by_last_name(rolodex, crowd):
    assert names(rolodex) == ["Dan Walker", "Bob Xavier", "Alice Young", "Carol Zimmer"]


@pytest.mark.parametrize(("sort", "expected"), [
    ("name", ["Dan Walker", "Bob Xavier", "Alice Young", "Carol Zimmer"]),
    ("-name", ["Carol Zimmer", "Alice Young", "Bob Xavier", "Dan Walker"]),
    ("created", ["Carol Zimmer", "Alice Young", "Bob Xavier", "Dan Walker"]),
    ("-created", ["Dan Walker", "Bob Xavier", "Alice Young", "Carol Zimmer"]),
    ("updated", ["Alice Young", "Bob Xavier", "Dan Walker", "Carol Zimmer"]),
    ("-updated", ["Carol Zimmer", "Dan Walker", "Bob Xavier", "Alice Young"]),
    ("company", ["Dan Walker", "Alice Young", "Carol Zimmer", "Bob Xavier"]),
    ("id", ["Carol Zimmer", "Alice Young", "Bob Xavier", "Dan Walker"]),
    ("-id", ["Dan Walker", "Bob Xavier", "Alice Young", "Carol Zimmer"]),
])
def test_list_sort(rolodex, crowd, sort, expected):
    assert names(rolodex, "--sort", sort) == expected


def test_list_unknown_sort_is_invalid(rolodex, crowd):
    result = rolodex("contact list --sort shoe")
    assert result.exit_code == 5
    assert "shoe" in result.stderr


def test_list_tag_filter_repeatable_means_and(rolodex, crowd):
    assert names(rolodex, "--tag", "vip") == ["Alice Young", "Carol Zimmer"]
    assert names(rolodex, "--tag", "berlin") == ["Bob Xavier", "Carol Zimmer"]
    assert names(rolodex, "--tag", "vip", "--tag", "berlin") == ["Carol Zimmer"]
    assert names(rolodex, "--tag", "nosuchtag") == []


def test_list_company_filter(rolodex, crowd):
    assert names(rolodex, "--company", "Acme Ltd") == ["Dan Walker", "Alice Young"]
    assert names(rolodex, "-c", "beta") == ["Carol Zimmer"]
    unknown = rolodex("contact list --company Nowhere")
    assert unknown.exit_code == 3


def test_list_status_filter(rolodex, crowd):
    assert names(rolodex, "--status", "customer") == ["Dan Walker", "Bob Xavier",
                                                      "Carol Zimmer"]
    assert names(rolodex, "--status", "LEAD") == ["Alice Young"]
    assert names(rolodex, "--status", "partner") == []


def test_list_owner_filter(rolodex, crowd):
    assert names(rolodex, "--owner", "alice") == ["Bob Xavier", "Carol Zimmer"]
    assert names(rolodex, "--owner", "bob") == ["Alice Young"]


def test_list_updated_since(rolodex, crowd):
    assert names(rolodex, "--updated-since", "2026-11-10") == [
        "Dan Walker", "Bob Xavier", "Carol Zimmer"]
    assert names(rolodex, "--updated-since", "2026-11-16") == ["Carol Zimmer"]
    assert names(rolodex, "--updated-since", "2026-11-19") == []
    # relative to the frozen now (2026-11-20): a week ago is 2026-11-13
    assert names(rolodex, "--updated-since", "1 week ago") == ["Dan Walker", "Carol Zimmer"]


def test_list_updated_since_bad_date(rolodex, crowd):
    result = rolodex(["contact", "list", "--updated-since", "someday maybe"])
    assert result.exit_code == 5
    assert result.stdout == ""


def test_list_filters_combine(rolodex, crowd):
    assert names(rolodex, "--status", "customer", "--owner", "alice", "--tag", "vip") == [
        "Carol Zimmer"]
    assert names(rolodex, "--company", "Acme Ltd", "--status", "customer") == ["Dan Walker"]


def test_list_limit(rolodex, crowd):
    assert names(rolodex, "--limit", "2") == ["Dan Walker", "Bob Xavier"]
    assert names(rolodex, "-n", "1", "--sort", "-created") == ["Dan Walker"]
    assert names(rolodex, "--limit", "0") == []
    assert len(names(rolodex, "--limit", "100")) == 4


def test_list_empty_table_says_so_on_stderr(rolodex):
    result = rolodex("contact list")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no contacts" in result.stderr


# --- references ------------------------------------------------------------------------


def test_ref_by_id_hash_id_uid_email_name_prefix(rolodex, jane):
    add(rolodex, "John Roe", "-e", "john@roe.example")
    uid = show(rolodex, jane)["uid"]
    for ref in (str(jane), f"#{jane}", uid, "jane@acme.example", "JANE@ACME.Example",
                "Jane Doe", "jane doe", "Jan", "Doe", "Jane D"):
        result = rolodex(["contact", "show", ref, "-f", "json"])
        assert result.exit_code == 0, (ref, result.stderr)
        assert result.json()["id"] == jane, ref


def test_ref_accent_insensitive_name(rolodex):
    zoe = add(rolodex, "Zoë Müller")
    assert show(rolodex, "zoe muller")["id"] == zoe
    assert show(rolodex, "Mül")["id"] == zoe


def test_exact_name_wins_over_prefix(rolodex):
    jan = add(rolodex, "Jan Berg")
    add(rolodex, "Jan Bergmann")
    assert show(rolodex, "Jan Berg")["id"] == jan


def test_ambiguous_ref_lists_candidates_and_changes_nothing(rolodex, jane):
    janet = add(rolodex, "Janet Smith", "-e", "janet@smith.example")
    before = listing(rolodex)
    result = rolodex(["contact", "edit", "jan", "--title", "CTO"])
    assert result.exit_code == 4
    lines = result.stderr.splitlines()
    assert lines[0].startswith("rolodex: 'jan' matches 2 contacts")
    assert any(line.startswith("  #") and f"#{jane} Jane Doe" in line for line in lines)
    assert any(f"#{janet} Janet Smith" in line and "janet@smith.example" in line
               for line in lines)
    assert any("hint:" in line for line in lines)
    assert "Traceback" not in result.stderr
    assert listing(rolodex) == before


def test_ambiguous_exact_duplicate_names(rolodex):
    first = add(rolodex, "Jane Doe", "-e", "jane1@x.example")
    second = add(rolodex, "Jane Doe", "-e", "jane2@x.example")
    result = rolodex(["contact", "rm", "--yes", "Jane Doe"])
    assert result.exit_code == 4
    assert f"#{first} Jane Doe <jane1@x.example>" in result.stderr
    assert f"#{second} Jane Doe <jane2@x.example>" in result.stderr
    assert len(listing(rolodex)) == 2
    # the email still tells them apart
    assert show(rolodex, "jane2@x.example")["id"] == second


def test_ambiguous_shared_email(rolodex):
    add(rolodex, "Jane Doe", "-e", "team@x.example")
    add(rolodex, "John Roe", "-e", "team@x.example")
    result = rolodex(["contact", "show", "team@x.example"])
    assert result.exit_code == 4
    assert "Jane Doe" in result.stderr and "John Roe" in result.stderr


@pytest.mark.parametrize("ref", ["999", "#999", "nobody@x.example", "Nobody",
                                 "00000000-0000-0000-0000-000000000000"])
def test_unknown_ref_is_not_found(rolodex, jane, ref):
    result = rolodex(["contact", "show", ref])
    assert result.exit_code == 3
    assert result.stderr.startswith("rolodex: ")
    assert result.stdout == ""


def test_unknown_ref_on_write_changes_nothing(rolodex, jane):
    before = listing(rolodex)
    for args in (["contact", "edit", "Nobody", "--title", "X"],
                 ["contact", "tag", "Nobody", "x"],
                 ["contact", "rm", "--yes", "Nobody"],
                 ["contact", "link", "Nobody", "friend", str(jane)]):
        result = rolodex(args)
        assert result.exit_code == 3, args
    assert listing(rolodex) == before


# --- show ------------------------------------------------------------------------------


def test_show_card_contains_the_fields(rolodex, jane):
    result = rolodex(["contact", "show", str(jane)])
    assert result.exit_code == 0
    for text in ("Jane Doe", "jane@acme.example", "+1 (555) 010-0100", "Acme Ltd", "vip",
                 "1985-04-15", "customer"):
        assert text in result.stdout


# --- more edges ------------------------------------------------------------------------


def test_updated_since_is_read_in_the_users_zone(rolodex, monkeypatch):
    # Europe/Berlin is UTC+1 in November: 2026-11-10 starts at 2026-11-09T23:00:00Z.
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-09T22:30:00Z")
    add(rolodex, "Early Bird")
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-09T23:30:00Z")
    add(rolodex, "Late Owl")
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-20T09:00:00Z")
    assert names(rolodex, "--updated-since", "2026-11-10") == ["Late Owl"]


def test_name_sort_ignores_accents_and_case(rolodex):
    for name in ("Zoë Müller", "José Álvarez", "bob baker", "Ann Zander", "Émile Ávila"):
        add(rolodex, name)
    assert names(rolodex) == ["José Álvarez", "Émile Ávila", "bob baker", "Zoë Müller",
                              "Ann Zander"]


def test_many_candidates_are_capped(rolodex):
    for i in range(12):
        add(rolodex, f"Jane Tester{i:02d}")
    result = rolodex("contact show jane")
    assert result.exit_code == 4
    assert "matches 12 contacts" in result.stderr
    candidates = [line for line in result.stderr.splitlines() if line.startswith("  #")]
    assert len(candidates) == 10
    assert "  ... and 2 more" in result.stderr.splitlines()


def test_link_text_with_remove_is_a_usage_error(rolodex, jane):
    result = rolodex(["contact", "link", str(jane), "spouse", "Bob", "--text", "--remove"])
    assert result.exit_code == 2
    assert show(rolodex, jane)["relationships"] == []


def test_tag_from_stdin_with_an_unknown_ref_tags_nobody(rolodex, jane):
    john = add(rolodex, "John Roe")
    result = rolodex(["contact", "tag", "-", "lapsed"], input=f"{jane}\n999\n{john}\n")
    assert result.exit_code == 3
    assert show(rolodex, jane)["tags"] == ["vip"]
    assert show(rolodex, john)["tags"] == []


def test_edit_ambiguous_company_refuses(rolodex, jane):
    rolodex(["company", "add", "Acme Corp"])
    before = show(rolodex, jane)
    result = rolodex(["contact", "edit", str(jane), "--company", "Acme", "--title", "CTO"])
    assert result.exit_code == 4
    assert show(rolodex, jane) == before
