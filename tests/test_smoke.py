def test_add_then_list_json(rolodex, jane):
    result = rolodex("contact list -f json")
    assert result.exit_code == 0
    [row] = result.json()
    assert row["id"] == jane
    assert row["name"] == "Jane Doe"
    assert row["emails"] == [{"address": "jane@acme.example", "label": "work",
                              "preferred": True}]


def test_unknown_contact(rolodex):
    result = rolodex("contact show nobody")
    assert result.exit_code == 3
    assert result.stderr.startswith("rolodex: no contact matches 'nobody'")
