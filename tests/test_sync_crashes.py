"""Contact sync with a process killed half-way (#15): Radicale SIGKILLed during a sync of a
few hundred contacts and started again on the same folder and port, and a ``rolodex sync``
subprocess SIGKILLed while it sends (a first sync, an update sync) or after it received
everything but before it committed. In each case the next sync converges: the server holds
each contact once, as the database does, and a sync after that has nothing to do."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from dav_proxy import fault_proxy
from dav_server import PASSWORD, restartable_radicale
from dav_world import World, book_folder, card, contacts_in, meaning_of_cards, server_cards

pytestmark = pytest.mark.slow

MANY = 260  # over SEND_FIRST_BATCH (200): a first sync remembers a batch before the kill


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with restartable_radicale(tmp_path_factory.mktemp("radicale")) as running:
        yield running


@pytest.fixture
def proxy(server, monkeypatch):
    monkeypatch.setenv("ROLODEX_SYNC_PASSWORD", PASSWORD)
    monkeypatch.setenv("ROLODEX_DAV_TIMEOUT", "5")
    with fault_proxy(server.url) as running:
        yield running
    if server.process is None or server.process.poll() is not None:
        server.start()  # a test that failed before starting it again


def people(count: int, start: int = 0, extra: str = "") -> str:
    return "".join(card(f"person-{n}", f"Person{n} Example", f"EMAIL:p{n}@acme.example",
                        *([extra] if extra else [])) for n in range(start, start + count))


def import_cards(world: World, tmp_path: Path, text: str, *options: str) -> None:
    vcf = tmp_path / "cards.vcf"
    vcf.write_text(text)
    world.run("import", str(vcf), *options)


def write_on_server(server, world: World, cards: dict[str, str]) -> None:
    """Cards written into Radicale's folder, as another client's uploads would leave them
    (hundreds of PUTs would cost seconds)."""
    folder = book_folder(server, world.book)
    for uid, text in cards.items():
        (folder / f"{uid}.vcf").write_text(text)


def assert_converged(world: World, uids: set[str]) -> None:
    """Each contact once on the server and here, the same; nothing left to do."""
    there = server_cards(world.book)  # fails on two items of one UID
    here = contacts_in(world.db)
    assert set(there) == set(here) == uids
    cards = meaning_of_cards(there)
    for uid, contact in here.items():
        assert f"FN:{contact['name']}" in cards[uid]
        assert [f"EMAIL:{e['address']}" for e in contact["emails"]] == [
            line for line in cards[uid] if line.startswith("EMAIL")]
        title = [line for line in cards[uid] if line.startswith("TITLE:")]
        assert title == ([f"TITLE:{contact['title']}"] if contact["title"] else [])
    assert "nothing to do" in world.run("sync").stderr
    status = world.run("sync", "status", "-f", "json").json()[0]
    assert status["items"] == len(uids) and status["pending"] == 0


# -- Radicale killed ---------------------------------------------------------------------


@pytest.mark.parametrize("side", ["send", "receive"])
def test_radicale_killed_mid_sync_then_restarted_converges(server, proxy, tmp_path, side):
    world = World(server, tmp_path / "a.db", proxy.locate)
    if side == "send":  # a first sync sending every contact: killed at the 230th PUT
        import_cards(world, tmp_path, people(MANY))
        proxy.fail("PUT", server.kill, nth=230)
    else:  # a first sync bringing them in: killed at the second multiget
        write_on_server(server, world, {f"person-{n}": people(1, n) for n in range(MANY)})
        proxy.fail("REPORT", server.kill, nth=3)

    failed = world.run("sync", code=None)

    assert proxy.faults(), proxy.log
    assert failed.exit_code == 14, failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1 and "Traceback" not in failed.stderr
    server.start()
    proxy.clear()
    world.run("sync")
    assert_converged(world, {f"person-{n}" for n in range(MANY)})


# -- rolodex killed ----------------------------------------------------------------------

# ``rolodex sync`` in a process of its own that SIGKILLs itself just before the sync's
# transaction commits (when it marks the collection synced): everything received has been
# written here, uncommitted.
KILLED_BEFORE_COMMIT = """
import os, signal, sys
from rolodex.store import sync_state
def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
sync_state.mark_synced = killed
from rolodex.cli import main
sys.argv = ["rolodex", "--db", sys.argv[1], "sync"]
main()
"""


def rolodex_sync(db: Path) -> subprocess.Popen:
    """The installed ``rolodex sync`` on ``db``, in its own process."""
    script = Path(sys.executable).with_name("rolodex")
    return subprocess.Popen([str(script), "--db", str(db), "sync"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=os.environ.copy())


def killed_at(proxy, method: str, nth: int, db: Path) -> None:
    """``rolodex sync`` killed by the test when its ``nth`` ``method`` request arrives
    (which then reaches the server: the write is made, the sync never knows)."""
    holder: list[subprocess.Popen] = []
    proxy.fail(method, lambda: os.kill(holder[0].pid, signal.SIGKILL), nth=nth)
    holder.append(rolodex_sync(db))
    out, err = holder[0].communicate(timeout=300)
    assert holder[0].returncode == -signal.SIGKILL, (out, err)
    assert proxy.faults(), proxy.log


def settled(count, expected: int) -> int:
    """``count()`` once it reaches ``expected`` (or after ten seconds): the proxy forwards
    the request it killed the sync at on its own thread, which may still be at it when the
    killed process is reaped."""
    import time

    deadline = time.monotonic() + 10
    while (found := count()) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def test_rolodex_killed_while_a_first_sync_sends_converges(server, proxy, tmp_path):
    """Killed at the 230th PUT: 200 contacts remembered, 29 sent but not, one in flight."""
    world = World(server, tmp_path / "a.db", proxy.locate)
    import_cards(world, tmp_path, people(MANY))
    killed_at(proxy, "PUT", 230, world.db)
    assert settled(lambda: len(server_cards(world.book)), 230) == 230
    proxy.clear()
    world.run("sync")
    assert_converged(world, {f"person-{n}" for n in range(MANY)})


def test_rolodex_killed_while_an_update_sync_sends_converges(server, proxy, tmp_path):
    """Forty contacts edited here; killed at the 25th PUT, inside the sync's transaction."""
    world = World(server, tmp_path / "a.db", proxy.locate)
    import_cards(world, tmp_path, people(60))
    world.run("sync")
    import_cards(world, tmp_path, people(40, extra="TITLE:Buyer"))
    killed_at(proxy, "PUT", 25, world.db)
    assert settled(lambda: sum("TITLE:Buyer" in c for c in meaning_of_cards(
        server_cards(world.book)).values()), 25) == 25
    proxy.clear()
    world.run("sync")
    assert_converged(world, {f"person-{n}" for n in range(60)})
    cards = meaning_of_cards(server_cards(world.book))
    assert sum("TITLE:Buyer" in c for c in cards.values()) == 40


@pytest.mark.parametrize("change", ["new", "updated", "deleted"])
def test_rolodex_killed_before_it_commits_what_it_received_converges(server, proxy, tmp_path,
                                                                     change):
    world = World(server, tmp_path / "a.db", proxy.locate)
    import_cards(world, tmp_path, people(40))
    world.run("sync")
    if change == "new":
        write_on_server(server, world, {f"person-{n}": people(1, n) for n in range(40, 240)})
        expected = 240
    elif change == "updated":
        write_on_server(server, world, {f"person-{n}": people(1, n, "TITLE:Buyer")
                                        for n in range(40)})
        expected = 40
    else:
        for n in range(10):
            (book_folder(server, world.book) / f"person-{n}.vcf").unlink()
        expected = 30
    before = contacts_in(world.db)
    killed = subprocess.run([sys.executable, "-c", KILLED_BEFORE_COMMIT, str(world.db)],
                            capture_output=True, text=True, timeout=300, env=os.environ.copy())
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert contacts_in(world.db) == before  # nothing of the killed sync remains here
    world.run("sync")
    uids = {f"person-{n}" for n in range(240 if change == "new" else 40)}
    if change == "deleted":
        uids -= {f"person-{n}" for n in range(10)}
    assert len(uids) == expected
    assert_converged(world, uids)
    if change == "updated":
        assert {c["title"] for c in contacts_in(world.db).values()} == {"Buyer"}
