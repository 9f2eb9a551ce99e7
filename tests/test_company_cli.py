"""``rolodex company ...``: add, list, show, edit, rm; and how companies show on contacts."""

from __future__ import annotations

import pytest

COMPANY_KEYS = ["id", "uid", "name", "domain", "industry", "kind", "phone", "email", "address",
                "website", "notes", "tags", "custom", "contacts", "created", "updated"]


def add_company(rolodex, *args: str) -> int:
    result = rolodex(["company", "add", *args])
    assert result.exit_code == 0, result.stderr
    return int(result.stdout)


def add_contact(rolodex, *args: str) -> int:
    result = rolodex(["contact", "add", *args])
    assert result.exit_code == 0, result.stderr
    return int(result.stdout)


def companies(rolodex, *args: str) -> list[dict]:
    result = rolodex(["company", "list", "-f", "json", *args])
    assert result.exit_code == 0, result.stderr
    return result.json()


def company(rolodex, ref) -> dict:
    result = rolodex(["company", "show", str(ref), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    return result.json()


def contact(rolodex, ref) -> dict:
    result = rolodex(["contact", "show", str(ref), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    return result.json()


def search_ids(rolodex, query: str) -> list[int]:
    result = rolodex(["search", query, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    return [c["id"] for c in result.json()]


# --- add -------------------------------------------------------------------------------


def test_add_prints_id_and_stores_every_field(rolodex):
    result = rolodex(["company", "add", "Acme Ltd", "--domain", "https://ACME.example/",
                      "--industry", "Manufacturing", "--kind", "Client",
                      "--phone", "+1 555 0100", "--email", "info@acme.example",
                      "--address", "1 Main St, Springfield", "--website", "https://acme.example",
                      "--note", "key account", "--tag", "key", "--tag", "us",
                      "--field", "crm_id=A-17"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "1\n"
    assert "added company #1 Acme Ltd" in result.stderr
    record = company(rolodex, 1)
    assert list(record) == COMPANY_KEYS
    assert record["name"] == "Acme Ltd"
    assert record["domain"] == "acme.example"
    assert record["industry"] == "Manufacturing"
    assert record["kind"] == "client"
    assert record["phone"] == "+1 555 0100"
    assert record["email"] == "info@acme.example"
    assert record["address"] == "1 Main St, Springfield"
    assert record["website"] == "https://acme.example"
    assert record["notes"] == "key account"
    assert record["tags"] == ["key", "us"]
    assert record["custom"] == {"crm_id": "A-17"}
    assert record["contacts"] == 0
    assert record["created"] == record["updated"] == "2026-11-20T09:00:00Z"


@pytest.mark.parametrize("kind", ["client", "partner", "vendor", "competitor", "prospect",
                                  "other"])
def test_every_documented_kind_is_accepted(rolodex, kind):
    company_id = add_company(rolodex, "Acme Ltd", "--kind", kind)
    assert company(rolodex, company_id)["kind"] == kind


def test_unknown_kind_is_invalid_and_nothing_added(rolodex):
    result = rolodex(["company", "add", "Acme Ltd", "--kind", "friendly"])
    assert result.exit_code == 5
    assert result.stderr.startswith("rolodex: ")
    assert "friendly" in result.stderr
    assert "client" in result.stderr  # the hint lists the kinds
    assert companies(rolodex) == []


def test_bad_company_email_is_invalid(rolodex):
    result = rolodex(["company", "add", "Acme Ltd", "--email", "not-an-email"])
    assert result.exit_code == 5
    assert companies(rolodex) == []


def test_company_needs_a_name(rolodex):
    result = rolodex(["company", "add", "  "])
    assert result.exit_code == 5
    assert companies(rolodex) == []


# --- list ------------------------------------------------------------------------------


def test_list_counts_contacts(rolodex):
    acme = add_company(rolodex, "Acme Ltd")
    add_company(rolodex, "Initech")
    add_contact(rolodex, "Jane Doe", "-c", "Acme Ltd")
    add_contact(rolodex, "John Roe", "-c", str(acme))
    add_contact(rolodex, "Ann Poe")
    rows = companies(rolodex)
    assert [(c["name"], c["contacts"]) for c in rows] == [("Acme Ltd", 2), ("Initech", 0)]
    for row in rows:
        assert list(row) == COMPANY_KEYS


def test_list_filters_sort_and_limit(rolodex, monkeypatch):
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-01T08:00:00Z")
    add_company(rolodex, "Zeta Corp", "--kind", "client", "--tag", "key")
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-02T08:00:00Z")
    add_company(rolodex, "Acme Ltd", "--kind", "vendor", "--tag", "key", "--tag", "eu")
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-03T08:00:00Z")
    add_company(rolodex, "Mid Inc", "--kind", "client")

    def listed(*args: str) -> list[str]:
        return [c["name"] for c in companies(rolodex, *args)]

    assert listed() == ["Acme Ltd", "Mid Inc", "Zeta Corp"]
    assert listed("--sort", "-name") == ["Zeta Corp", "Mid Inc", "Acme Ltd"]
    assert listed("--sort", "created") == ["Zeta Corp", "Acme Ltd", "Mid Inc"]
    assert listed("--sort", "-created") == ["Mid Inc", "Acme Ltd", "Zeta Corp"]
    assert listed("--kind", "client") == ["Mid Inc", "Zeta Corp"]
    assert listed("--kind", "CLIENT") == ["Mid Inc", "Zeta Corp"]
    assert listed("--tag", "key") == ["Acme Ltd", "Zeta Corp"]
    assert listed("--tag", "key", "--tag", "eu") == ["Acme Ltd"]
    assert listed("--limit", "1") == ["Acme Ltd"]
    assert listed("--limit", "0") == []


def test_list_unknown_sort_is_invalid(rolodex):
    add_company(rolodex, "Acme Ltd")
    result = rolodex("company list --sort size")
    assert result.exit_code == 5


def test_list_empty_table(rolodex):
    result = rolodex("company list")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no companies" in result.stderr


# --- show ------------------------------------------------------------------------------


def test_show_json_is_one_object(rolodex):
    acme = add_company(rolodex, "Acme Ltd", "--domain", "acme.example")
    add_contact(rolodex, "Jane Doe", "-c", "Acme Ltd")
    result = rolodex(["company", "show", "Acme Ltd", "-f", "json"])
    assert result.exit_code == 0
    record = result.json()
    assert isinstance(record, dict)
    assert record["id"] == acme
    assert record["contacts"] == 1
    assert list(record) == COMPANY_KEYS


@pytest.mark.parametrize("ref", ["1", "#1", "acme ltd", "Acme", "ACME.example"])
def test_show_by_reference(rolodex, ref):
    add_company(rolodex, "Acme Ltd", "--domain", "acme.example")
    add_company(rolodex, "Initech")
    assert company(rolodex, ref)["name"] == "Acme Ltd"


def test_show_by_uid(rolodex):
    add_company(rolodex, "Acme Ltd")
    uid = company(rolodex, 1)["uid"]
    assert company(rolodex, uid)["id"] == 1


def test_show_card_lists_people(rolodex):
    add_company(rolodex, "Acme Ltd", "--industry", "Anvils")
    add_contact(rolodex, "Jane Doe", "-c", "Acme Ltd", "--title", "CTO",
                "-e", "jane@acme.example")
    result = rolodex("company show acme")
    assert result.exit_code == 0
    assert "Acme Ltd" in result.stdout
    assert "Anvils" in result.stdout
    assert "Jane Doe" in result.stdout
    assert "CTO" in result.stdout
    assert "jane@acme.example" in result.stdout


def test_show_unknown_and_ambiguous(rolodex):
    add_company(rolodex, "Acme Ltd")
    add_company(rolodex, "Acme Corp")
    missing = rolodex("company show Initech")
    assert missing.exit_code == 3
    ambiguous = rolodex("company show acme")
    assert ambiguous.exit_code == 4
    assert "Acme Ltd" in ambiguous.stderr and "Acme Corp" in ambiguous.stderr


# --- edit ------------------------------------------------------------------------------


def test_edit_fields_tags_and_custom(rolodex, monkeypatch):
    acme = add_company(rolodex, "Acme Ltd", "--tag", "old", "--field", "crm=1")
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-21T10:00:00Z")
    result = rolodex(["company", "edit", "acme", "--industry", "Anvils", "--kind", "partner",
                      "--tag", "key", "--untag", "old", "--field", "crm=", "--field", "tier=1"])
    assert result.exit_code == 0, result.stderr
    record = company(rolodex, acme)
    assert record["industry"] == "Anvils"
    assert record["kind"] == "partner"
    assert record["tags"] == ["key"]
    assert record["custom"] == {"tier": "1"}
    assert record["updated"] == "2026-11-21T10:00:00Z"
    assert record["created"] == "2026-11-20T09:00:00Z"


def test_edit_clears_a_field(rolodex):
    acme = add_company(rolodex, "Acme Ltd", "--industry", "Anvils")
    assert rolodex(["company", "edit", str(acme), "--industry", ""]).exit_code == 0
    assert company(rolodex, acme)["industry"] is None


def test_edit_bad_kind_is_invalid_and_changes_nothing(rolodex):
    acme = add_company(rolodex, "Acme Ltd", "--kind", "client")
    before = company(rolodex, acme)
    result = rolodex(["company", "edit", str(acme), "--kind", "enemy", "--industry", "X"])
    assert result.exit_code == 5
    assert company(rolodex, acme) == before


def test_edit_nothing_is_invalid(rolodex):
    add_company(rolodex, "Acme Ltd")
    result = rolodex("company edit acme")
    assert result.exit_code == 5


def test_rename_updates_contacts_and_search(rolodex):
    add_company(rolodex, "Acme Ltd")
    jane = add_contact(rolodex, "Jane Doe", "-c", "Acme Ltd")
    john = add_contact(rolodex, "John Roe", "-c", "Acme Ltd")
    assert sorted(search_ids(rolodex, "acme")) == [jane, john]
    result = rolodex(["company", "edit", "Acme Ltd", "--name", "Initech"])
    assert result.exit_code == 0, result.stderr
    assert contact(rolodex, jane)["company"] == "Initech"
    assert contact(rolodex, john)["company"] == "Initech"
    listed = rolodex("contact list -f json").json()
    assert {c["company"] for c in listed} == {"Initech"}
    assert sorted(search_ids(rolodex, "initech")) == [jane, john]
    assert search_ids(rolodex, "acme") == []
    assert company(rolodex, "Initech")["name"] == "Initech"
    assert rolodex("company show acme").exit_code == 3


def test_rename_changes_sort_by_company(rolodex):
    add_contact(rolodex, "Jane Doe", "-c", "Alpha")
    add_contact(rolodex, "John Roe", "-c", "Beta")
    sort = lambda: [c["name"] for c in rolodex("contact list -f json --sort company").json()]  # noqa: E731
    assert sort() == ["Jane Doe", "John Roe"]
    assert rolodex(["company", "edit", "Alpha", "--name", "Zulu"]).exit_code == 0
    assert sort() == ["John Roe", "Jane Doe"]


# --- rm --------------------------------------------------------------------------------


def test_rm_keeps_people_without_company(rolodex, monkeypatch):
    add_company(rolodex, "Acme Ltd")
    add_company(rolodex, "Initech")
    jane = add_contact(rolodex, "Jane Doe", "-c", "Acme Ltd")
    john = add_contact(rolodex, "John Roe", "-c", "Initech")
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-21T10:00:00Z")
    result = rolodex(["company", "rm", "Acme Ltd", "--yes"])
    assert result.exit_code == 0, result.stderr
    assert "1 contact(s) kept without a company" in result.stderr
    assert [c["name"] for c in companies(rolodex)] == ["Initech"]
    record = contact(rolodex, jane)
    assert record["company"] is None
    assert record["company_id"] is None
    assert record["updated"] == "2026-11-21T10:00:00Z"
    assert contact(rolodex, john)["company"] == "Initech"
    assert search_ids(rolodex, "acme") == []
    assert search_ids(rolodex, "jane") == [jane]


def test_rm_without_yes_refuses(rolodex):
    add_company(rolodex, "Acme Ltd")
    jane = add_contact(rolodex, "Jane Doe", "-c", "Acme Ltd")
    result = rolodex("company rm acme")
    assert result.exit_code == 9
    assert result.stderr.startswith("rolodex: ")
    assert [c["name"] for c in companies(rolodex)] == ["Acme Ltd"]
    assert contact(rolodex, jane)["company"] == "Acme Ltd"


def test_rm_unknown_is_not_found(rolodex):
    add_company(rolodex, "Acme Ltd")
    result = rolodex("company rm --yes acme nowhere")
    assert result.exit_code == 3
    assert [c["name"] for c in companies(rolodex)] == ["Acme Ltd"]


def test_rm_several(rolodex):
    add_company(rolodex, "Acme Ltd")
    add_company(rolodex, "Initech")
    add_company(rolodex, "Globex")
    assert rolodex("company rm -y acme 2").exit_code == 0
    assert [c["name"] for c in companies(rolodex)] == ["Globex"]


def test_company_add_then_contact_add_links_it(rolodex):
    acme = add_company(rolodex, "Acme Ltd", "--domain", "acme.example")
    jane = add_contact(rolodex, "Jane Doe", "-c", "acme.example")
    assert contact(rolodex, jane)["company_id"] == acme
    assert len(companies(rolodex)) == 1
