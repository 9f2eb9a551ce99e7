"""An address book carries three collections (people, companies, groups): one sync lists it
once for them all, not three times (#15: a sync with nothing to do stays under a second at
10,000 contacts), and still sees what each of them wrote."""

from __future__ import annotations

import pytest
from dav_world import World
from test_sync_crashes import import_cards, people
from test_sync_faults import proxy, server  # noqa: F401

pytestmark = pytest.mark.slow


def listings(proxy) -> int:  # noqa: F811
    return sum(1 for method, _, _ in proxy.log if method in ("REPORT", "PROPFIND"))


def test_one_listing_serves_the_three_collections_of_a_book(server, proxy, tmp_path):  # noqa: F811
    world = World(server, tmp_path / "a.db", proxy.locate)
    import_cards(world, tmp_path, people(12))
    world.run("sync")
    status = world.run("sync", "status", "-f", "json").json()
    assert {row["kind"] for row in status} >= {"contacts", "companies", "groups"}
    world.run("sync")  # the collections' tokens, apart after the first sync's uploads, meet
    proxy.log.clear()
    assert "nothing to do" in world.run("sync").stderr
    assert listings(proxy) == 1
    world.run("contact", "edit", "person-3", "--title", "Buyer")
    proxy.log.clear()
    world.run("sync")
    assert [m for m, _, _ in proxy.log].count("PUT") == 1  # one edit, one PUT
    assert "nothing to do" in world.run("sync").stderr  # what was written was seen
