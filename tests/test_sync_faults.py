"""Contact sync under faults (#15): a proxy in front of a real Radicale answers 500 or 412,
hangs, cuts an answer off or loses it after the server acted, during a first sync, an
update sync and a deletion sync, on the sending side (PUT, DELETE) and on the receiving
side (REPORT). The failing sync exits with its documented code and one line, leaves the
database as it was, and the next sync converges to what a sync that never failed makes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from dav_proxy import fault_proxy
from dav_server import PASSWORD, USER, radicale
from dav_world import (
    World,
    card,
    delete_card,
    put_card,
    raw_state,
)

pytestmark = pytest.mark.slow

LOCAL = [("local-jane", "Jane Doe", "EMAIL:jane@acme.example"),
         ("local-bob", "Bob Roe", "TEL:+1 555 0100"),
         ("local-ann", "Ann Poe", "EMAIL:ann@acme.example")]
REMOTE = [("remote-carol", "Carol Roe", "EMAIL:carol@acme.example"),
          ("remote-dan", "Dan Poe", "TEL:+1 555 0142")]
EXIT = {"500": 15, "412": 15, "hang": 14, "cut": 14, "lose": 14}
# a write refused with 412 is what the sync expects of an item changed there meanwhile: it
# fetches the item again and merges (or takes another name for a new one), and succeeds
EXIT_412_WRITE = 0
# which request each phase's fault hits: (method, nth) for the sending and receiving side
TARGET = {("first", "send"): ("PUT", 2), ("first", "receive"): ("REPORT", 2),
          ("update", "send"): ("PUT", 2), ("update", "receive"): ("REPORT", 2),
          ("delete", "send"): ("DELETE", 2), ("delete", "receive"): ("REPORT", 1)}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with radicale(tmp_path_factory.mktemp("radicale")) as running:
        yield running


@pytest.fixture
def proxy(server, monkeypatch):
    monkeypatch.setenv("ROLODEX_DAV_TIMEOUT", "1")  # a hung request costs a second
    monkeypatch.setenv("ROLODEX_SYNC_PASSWORD", PASSWORD)
    with fault_proxy(server.url) as running:
        yield running


def prepare(world: World, phase: str, tmp_path: Path) -> None:
    """Both sides as they are before the sync a fault is injected into."""
    vcf = tmp_path / f"local-{world.db.stem}.vcf"
    vcf.write_text("".join(card(*c) for c in LOCAL))
    world.run("import", str(vcf))
    for uid, name, extra in REMOTE:
        put_card(world.book, uid, card(uid, name, extra))
    if phase == "first":
        return
    world.run("sync")
    if phase == "update":  # one change here, one there, one on both sides
        world.run("contact", "edit", "Jane Doe", "--title", "CTO")
        world.run("contact", "edit", "Ann Poe", "--note", "met at the fair")
        put_card(world.book, "remote-carol", card("remote-carol", "Carol Roe",
                                                  "EMAIL:carol@new.example"))
        put_card(world.book, "local-ann", card("local-ann", "Ann Poe",
                                               "EMAIL:ann@acme.example", "TITLE:Buyer"))
    else:  # two deleted here, one there
        world.run("contact", "rm", "Jane Doe", "--yes")
        world.run("contact", "rm", "Bob Roe", "--yes")
        delete_card(world.book, "remote-carol")


_REFERENCE: dict[str, tuple] = {}


def reference(server, proxy, phase: str, tmp_path: Path) -> tuple:
    """Both sides after the same sync, never failed (made once per phase)."""
    if phase not in _REFERENCE:
        world = World(server, tmp_path / f"reference-{phase}.db", proxy.locate)
        prepare(world, phase, tmp_path)
        world.run("sync")
        _REFERENCE[phase] = world.state()
    return _REFERENCE[phase]


# A spurious 412 (the item unchanged there) on the PUT of a merge, or on a DELETE, is among
# them: the merge is sent again at the next sync, the deletion made again, never undone.
CASES = [(phase, fault, side) for phase in ("first", "update", "delete")
         for fault in ("500", "412", "hang", "cut", "lose") for side in ("send", "receive")]


@pytest.mark.parametrize(("phase", "fault", "side"), CASES)
def test_a_sync_that_fails_changes_nothing_here_and_the_next_one_converges(
        server, proxy, tmp_path, phase, fault, side):
    fail_then_converge(server, proxy, tmp_path, phase, fault, side)


def fail_then_converge(server, proxy, tmp_path: Path, phase: str, fault: str,
                       side: str) -> None:
    expected = reference(server, proxy, phase, tmp_path)
    world = World(server, tmp_path / "a.db", proxy.locate)
    prepare(world, phase, tmp_path)
    before = raw_state(world.db)
    method, nth = TARGET[phase, side]
    proxy.fail(method, fault, nth=nth)

    started = time.monotonic()
    failed = world.run("sync", code=None)
    took = time.monotonic() - started

    assert [f[0] for f in proxy.faults()] == [method], proxy.log
    code = EXIT_412_WRITE if (fault, side) == ("412", "send") else EXIT[fault]
    assert failed.exit_code == code, (failed.stdout, failed.stderr)
    assert len(failed.stderr.strip().splitlines()) == 1, failed.stderr
    assert "Traceback" not in failed.stderr
    if (fault, side) == ("412", "receive"):  # a read sends no condition: nothing changed
        assert "412" in failed.stderr and "changed" not in failed.stderr, failed.stderr
    if fault == "hang":  # ROLODEX_DAV_TIMEOUT=1, not the default 30 s
        assert took < 10 and "no answer within 1 s" in failed.stderr, (took, failed.stderr)
    if code:
        assert raw_state(world.db) == before
    proxy.clear()
    world.run("sync")
    assert world.state() == expected
    assert "nothing to do" in world.run("sync").stderr


@pytest.mark.parametrize("value", ["soon", "0", "-1", "1e9"])
def test_a_bad_dav_timeout_is_one_line_and_exit_5(rolodex, server, monkeypatch, value):
    monkeypatch.setenv("ROLODEX_SYNC_PASSWORD", PASSWORD)
    monkeypatch.setenv("ROLODEX_DAV_TIMEOUT", value)
    refused = rolodex(["sync", "add", "team", "--url", server.url, "--user", USER])
    assert refused.exit_code == 5, refused.stderr
    assert "ROLODEX_DAV_TIMEOUT" in refused.stderr and "Traceback" not in refused.stderr
