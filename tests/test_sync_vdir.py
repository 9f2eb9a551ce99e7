"""Two teammates, each with their own rolodex file, syncing through one vdir folder (#15):
the real CLI, real SQLite files, a real folder, and khard editing it between syncs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from teammates import runner

FIXTURES = Path(__file__).parent / "fixtures" / "sync"


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture
def team(rolodex, tmp_path):
    """``a`` and ``b`` run the CLI on two databases, each with account 'team' on one folder."""
    book = tmp_path / "book"


    a, b = runner(rolodex, tmp_path / "a.db"), runner(rolodex, tmp_path / "b.db")
    a("sync", "add", "team", "--vdir", str(book))
    b("sync", "add", "team", "--vdir", str(book))
    return a, b, book


def people(run) -> dict[str, dict]:
    return {c["name"]: c for c in run("contact", "list", "-f", "json").json()}


def files(book: Path) -> dict[str, tuple[int, int]]:
    """Each file's (mtime_ns, inode): a write changes one of them."""
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in book.iterdir()}


def same_people(a, b) -> None:
    def shape(run):
        return {name: (c["uid"], c["title"], c["notes"], sorted(e["address"] for e in c["emails"]),
                       sorted(p["number"] for p in c["phones"]), sorted(c["tags"]))
                for name, c in people(run).items()}
    assert shape(a) == shape(b)


def test_adds_on_both_sides_converge(team):
    a, b, book = team
    a("add", "Jane Doe", "-e", "jane@acme.example", "-p", "+1 555 0100", "-t", "vip")
    b("add", "Bob Roe", "-e", "bob@acme.example")
    ok(a("sync"))  # Jane goes out
    out = b("sync")  # Jane comes in, Bob goes out
    assert "1 downloaded" in out.stderr and "1 uploaded" in out.stderr
    a("sync")
    assert set(people(a)) == set(people(b)) == {"Jane Doe", "Bob Roe"}
    same_people(a, b)
    assert len(list(book.glob("*.vcf"))) == 2


def test_a_second_sync_without_changes_writes_nothing(team):
    a, b, book = team
    a("add", "Jane Doe", "-e", "jane@acme.example")
    a("sync"), b("sync")
    before = files(book)
    ops = a("changes", "-f", "json").json()
    assert "nothing to do" in a("sync").stderr
    assert "nothing to do" in b("sync").stderr
    assert files(book) == before
    assert a("changes", "-f", "json").json() == ops
    summary = a("sync", "run", "team", "-f", "json").json()[0]
    assert summary["uploaded"] == summary["downloaded"] == summary["merged"] == 0


def test_edits_of_different_fields_merge(team):
    a, b, _ = team
    a("add", "Jane Doe", "-e", "jane@acme.example")
    a("sync"), b("sync")
    a("contact", "edit", "Jane Doe", "--title", "CEO")
    b("contact", "edit", "Jane Doe", "--note", "likes tea")
    b("contact", "edit", "Jane Doe", "--phone", "+1 555 0199")
    a("contact", "edit", "Jane Doe", "--email", "jd@home.example")
    a("sync")
    assert "1 merged" in b("sync").stderr
    a("sync")
    jane = people(a)["Jane Doe"]
    assert jane["title"] == "CEO" and jane["notes"] == "likes tea"
    assert {e["address"] for e in jane["emails"]} == {"jane@acme.example", "jd@home.example"}
    assert [p["number"] for p in jane["phones"]] == ["+1 555 0199"]
    same_people(a, b)
    assert b("sync", "conflicts", "-f", "json").json() == []


def test_the_same_field_changed_on_both_is_one_conflict(team):
    a, b, _ = team
    a("add", "Jane Doe", "-e", "jane@acme.example")
    a("sync"), b("sync")
    a("contact", "edit", "Jane Doe", "--title", "CTO")
    b("contact", "edit", "Jane Doe", "--title", "CFO", "--note", "b's note")
    a("sync")
    out = b("sync")
    assert "1 conflicts" in out.stderr and "kept 'CFO'" not in out.stderr
    listed = b("sync", "conflicts", "-f", "json").json()
    assert [(c["name"], c["field"], c["local"], c["remote"]) for c in listed] == [
        ("Jane Doe", "title", "CFO", "CTO")]
    assert people(b)["Jane Doe"]["title"] == "CFO"  # kept until settled
    assert b("sync", "status", "-f", "json").json()[0]["conflicts"] == 1
    ok(b("sync", "conflicts", "--prefer", "remote"))
    assert people(b)["Jane Doe"]["title"] == "CTO"
    assert b("sync", "conflicts", "-f", "json").json() == []
    b("sync"), a("sync")
    assert people(a)["Jane Doe"]["title"] == people(b)["Jane Doe"]["title"] == "CTO"
    assert people(a)["Jane Doe"]["notes"] == "b's note"
    same_people(a, b)


def test_prefer_local_keeps_the_value_both_sides_now_have(team):
    a, b, _ = team
    a("add", "Jane Doe")
    a("sync"), b("sync")
    a("contact", "edit", "Jane Doe", "--title", "CTO")
    b("contact", "edit", "Jane Doe", "--title", "CFO")
    a("sync"), b("sync")
    assert "settled 1 conflicts" in b("sync", "conflicts", "--prefer", "local").stderr
    a("sync")
    assert people(a)["Jane Doe"]["title"] == people(b)["Jane Doe"]["title"] == "CFO"


def test_a_deletion_on_one_side_reaches_the_other(team):
    a, b, book = team
    a("add", "Jane Doe"), a("add", "Bob Roe")
    a("sync"), b("sync")
    b("contact", "rm", "Bob Roe", "--yes")
    assert "1 deleted there" in b("sync").stderr
    assert "1 deleted here" in a("sync").stderr
    assert set(people(a)) == {"Jane Doe"} and len(list(book.glob("*.vcf"))) == 1
    a("undo")  # the deletion came from the sync: undo brings Bob back, the next sync sends him
    assert "1 uploaded" in a("sync").stderr
    b("sync")
    assert set(people(b)) == {"Jane Doe", "Bob Roe"}


def test_deleted_on_one_side_edited_on_the_other_is_kept_and_reported(team):
    a, b, _ = team
    a("add", "Jane Doe"), a("add", "Bob Roe")
    a("sync"), b("sync")
    a("contact", "rm", "Bob Roe", "--yes")
    b("contact", "edit", "Bob Roe", "--title", "CEO")
    a("sync")  # Bob's file goes
    out = b("sync")  # b changed Bob: sent again, said
    assert "1 kept" in out.stderr and "Bob Roe" in out.stderr
    a("sync")
    assert people(a)["Bob Roe"]["title"] == "CEO"
    # and the other way round: edited there, deleted here
    a("contact", "edit", "Jane Doe", "--title", "CTO")
    a("sync")
    b("contact", "rm", "Jane Doe", "--yes")
    assert "1 restored" in b("sync").stderr
    assert people(b)["Jane Doe"]["title"] == "CTO"
    same_people(a, b)


def test_undo_of_a_sync_is_sent_by_the_next_one(team):
    a, b, _ = team
    a("add", "Jane Doe")
    a("sync"), b("sync")
    a("contact", "edit", "Jane Doe", "--title", "CEO")
    a("sync")
    b("sync")
    assert people(b)["Jane Doe"]["title"] == "CEO"
    assert b("changes", "-f", "json").json()[0]["summary"].startswith("sync team")
    b("undo")
    assert people(b)["Jane Doe"]["title"] is None
    assert "1 updated there" in b("sync").stderr
    a("sync")
    assert people(a)["Jane Doe"]["title"] is None


def test_mass_deletion_stops_unless_forced(team):
    a, b, book = team
    for n in range(8):
        a("add", f"Person {n}")
    a("sync"), b("sync")
    for path in list(book.glob("*.vcf"))[:5]:
        path.unlink()
    out = a("sync", code=9)
    assert "would delete 5 of 8 contacts" in out.stderr and "--force" in out.stderr
    assert len(people(a)) == 8
    assert "5 deleted here" in a("sync", "--force").stderr
    assert len(people(a)) == 3


def test_dry_run_writes_nothing_on_either_side(team, tmp_path):
    a, b, book = team
    a("add", "Jane Doe"), a("add", "Bob Roe")
    a("sync"), b("sync")
    a("contact", "edit", "Jane Doe", "--title", "CEO")
    b("add", "Carol Poe")
    b("contact", "rm", "Bob Roe", "--yes")
    before = files(book)
    db_before = (tmp_path / "a.db").read_bytes()
    out = a("sync", "--dry-run", "-f", "json").json()[0]
    assert out["dry_run"] and out["updated_there"] == 1
    assert "would be" in a("sync", "--dry-run").stderr
    b_plan = b("sync", "run", "team", "--dry-run", "-f", "json").json()[0]
    assert b_plan["uploaded"] == 1 and b_plan["deleted_there"] == 1
    assert files(book) == before
    assert (tmp_path / "a.db").read_bytes() == db_before
    assert a("sync", "status", "-f", "json").json()[0]["pending"] == 1


def khard() -> str:
    found = shutil.which("khard") or str(Path(sys.executable).parent / "khard")
    assert Path(found).exists(), "khard is a test dependency: pip install -e '.[test]'"
    return found


def test_khard_editing_adding_and_removing_between_syncs_is_picked_up(team, tmp_path):
    a, _, book = team
    a("add", "Carol Poe", "-e", "carol@x.example")
    a("sync")
    config = tmp_path / "khard.conf"
    config.write_text(f"[addressbooks]\n[[team]]\npath = {book}\n\n[general]\n"
                      "debug = no\ndefault_action = list\neditor = /bin/true\n"
                      "merge_editor = /bin/true\n\n[contact table]\n"
                      "display = formatted_name\n")
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def k(*args: str, input: str | None = None) -> str:
        done = subprocess.run([khard(), "-c", str(config), *args], capture_output=True,
                              text=True, env=env, timeout=60, input=input)
        assert done.returncode == 0, done.stderr
        return done.stdout

    card = k("show", "--format", "yaml", "Carol")
    edited = tmp_path / "carol.yaml"
    edited.write_text("\n".join("Organisation: Globex" if line.startswith("Organisation:")
                                else line for line in card.splitlines()) + "\n")
    k("edit", "-i", str(edited), "Carol", input="y\n")
    k("new", "-i", "-", input="First name : Dan\nLast name : Khard\nEmail :\n"
      "    work : dan@k.example\n")
    out = a("sync").stderr
    assert "1 downloaded" in out and "1 updated here" in out
    found = people(a)
    assert found["Carol Poe"]["company"] == "Globex"
    assert [e["address"] for e in found["Dan Khard"]["emails"]] == ["dan@k.example"]
    k("remove", "--force", "Dan")
    assert "1 deleted here" in a("sync").stderr
    assert set(people(a)) == {"Carol Poe"}
    # and what rolodex sends, khard reads
    a("contact", "edit", "Carol Poe", "--title", "CEO")
    a("sync")
    assert "CEO" in k("show", "Carol")


# A sync killed (SIGKILL) after its Nth write to the folder, before its transaction
# commits: the folder has some of the sync's writes, the database none of them.
KILLED_SYNC = """
import os, signal, sys
from rolodex.sync import vdir_storage
calls, limit = [], int(sys.argv[2])
def killing(method):
    def wrapped(*args, **kwargs):
        result = method(*args, **kwargs)
        calls.append(1)
        if len(calls) == limit:
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    return wrapped
for name in ("upload", "update", "delete"):
    setattr(vdir_storage.VdirStorage, name, killing(getattr(vdir_storage.VdirStorage, name)))
from rolodex.cli import main
sys.argv = ["rolodex", "--db", sys.argv[1], "sync"]
main()
"""


@pytest.mark.slow
@pytest.mark.parametrize("writes", [1, 2, 4])
def test_a_sync_killed_midway_converges_on_the_next_one(team, tmp_path, writes):
    a, b, book = team
    for name in ("Jane Doe", "Bob Roe", "Carol Poe"):
        a("add", name)
    a("sync"), b("sync")
    a("contact", "edit", "Jane Doe", "--title", "CEO")
    a("contact", "edit", "Bob Roe", "--title", "CTO")
    a("add", "Dan New"), a("add", "Eve New")
    a("contact", "rm", "Carol Poe", "--yes")
    b("add", "Fay Other")
    b("sync")
    killed = subprocess.run([sys.executable, "-c", KILLED_SYNC, str(tmp_path / "a.db"),
                             str(writes)],
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    a("sync")
    assert "nothing to do" in a("sync").stderr
    b("sync")
    names = {"Jane Doe", "Bob Roe", "Dan New", "Eve New", "Fay Other"}
    assert set(people(a)) == set(people(b)) == names
    assert people(b)["Jane Doe"]["title"] == "CEO" and people(b)["Bob Roe"]["title"] == "CTO"
    assert len(list(book.glob("*.vcf"))) == len(names)
    assert not [p for p in os.listdir(book) if p.startswith(".")]
    same_people(a, b)


def test_a_sync_writes_out_only_the_contacts_changed_since_the_last(team, tmp_path,
                                                                     monkeypatch):
    """Local changes are found in the journal: 30 unchanged contacts are not exported."""
    from rolodex.store import sync_state
    from rolodex.store.opening import open_db
    from rolodex.sync import contact_export, engine
    from rolodex.sync.vdir_storage import VdirStorage

    a, _, book = team
    for n in range(30):
        a("add", f"Person {n}")
    a("sync")
    a("contact", "edit", "Person 7", "--title", "CEO")
    exported: list[int] = []
    real = contact_export.contact_cards

    def counting(db, ids):
        exported.extend(ids)
        return real(db, ids)

    monkeypatch.setattr(contact_export, "contact_cards", counting)
    db = open_db(tmp_path / "a.db")
    try:
        collection = sync_state.collections(db)[0]
        report = engine.CollectionSync(db, VdirStorage(book), collection).run()
    finally:
        db.close()
    assert report.counts()["updated_there"] == 1
    assert len(exported) == 1


def test_accounts_are_listed_and_removed(team, tmp_path):
    a, _, book = team
    listed = a("sync", "list", "-f", "json").json()
    assert [(r["name"], r["kind"], r["location"], r["collections"]) for r in listed] == [
        ("team", "vdir", str(book.resolve()), ["contacts", "companies", "groups"])]
    assert a("sync", "add", "team", "--vdir", str(tmp_path / "x"), code=5)
    status = a("sync", "status", "-f", "json").json()
    assert status == [{"account": "team", "kind": kind, "location": str(book.resolve()),
                       "last_sync": None, "items": 0, "pending": 0, "conflicts": 0}
                      for kind in ("contacts", "companies", "groups")]
    a("add", "Jane Doe")
    assert a("sync", "status", "-f", "json").json()[0]["pending"] == 1
    a("sync", "rm", "team")
    assert a("sync", "list", "-f", "json").json() == []
    assert "no sync account named 'team'" in a("sync", "run", "team", code=3).stderr
    a("undo")
    assert [r["name"] for r in a("sync", "list", "-f", "json").json()] == ["team"]
    a("sync")
    a("sync", "rm", "team")
    a("undo")  # what was known of the items is gone: the next sync finds them the same
    before = files(book)
    assert "nothing to do" in a("sync").stderr
    assert files(book) == before and set(people(a)) == {"Jane Doe"}
    assert a("sync", "status", "-f", "json").json()[0]["items"] == 1


def test_foreign_files_are_followed_or_skipped_and_keep_their_names(team):
    a, _, book = team
    a("add", "Jane Doe", "-e", "jane@acme.example")
    shutil.copy(FIXTURES / "no-uid.vcf", book / "no-uid.vcf")
    shutil.copy(FIXTURES / "jane-elsewhere.vcf", book / "Jane From Phone.vcf")
    shutil.copy(FIXTURES / "company.vcf", book / "acme.vcf")
    out = a("sync", "-f", "json")
    summary = out.json()[0]
    assert [s["href"] for s in summary["skipped"]] == ["no-uid.vcf"]
    assert "1 merged" in out.stderr  # found by her email: one person, in the phone's file
    jane = people(a)["Jane Doe"]
    assert jane["title"] == "Engineer" and len(people(a)) == 1
    assert jane["uid"] == "phone-made-uid-1"  # the other program's UID, kept
    assert sorted(p.name for p in book.iterdir()) == sorted(
        ["no-uid.vcf", "Jane From Phone.vcf", "acme.vcf"])
    before = files(book)
    assert "nothing to do" in a("sync").stderr
    assert files(book) == before


def test_an_emptied_or_missing_folder_deletes_nothing(team):
    a, _, book = team
    a("add", "Jane Doe"), a("add", "Bob Roe")
    a("sync")
    for path in book.glob("*.vcf"):
        path.unlink()
    assert "is empty now" in a("sync", code=9).stderr
    book.rmdir()
    assert "is missing" in a("sync", code=8).stderr
    assert set(people(a)) == {"Jane Doe", "Bob Roe"}
    book.mkdir()
    assert "2 deleted here" in a("sync", "--force").stderr


def test_an_erased_person_leaves_the_folder_even_when_edited_there(team, tmp_path):
    import sqlite3

    a, b, book = team
    a("add", "Zebulon Quux", "-e", "zeb@quux.example"), a("add", "Jane Doe")
    a("sync"), b("sync")
    b("contact", "edit", "Zebulon Quux", "--title", "CEO")
    b("sync")  # edited there
    a("privacy", "forget", "Zebulon Quux", "--yes")
    conn = sqlite3.connect(tmp_path / "a.db")
    kept = [r[0] for r in conn.execute("SELECT base FROM sync_status")]
    conn.close()
    assert not [text for text in kept if "Zebulon" in text]
    out = a("sync")
    assert "1 deleted there" in out.stderr and "erased here" in out.stderr
    assert set(people(a)) == {"Jane Doe"}
    assert not [p for p in book.glob("*.vcf") if "Zebulon" in p.read_text()]
    b("sync")
    assert set(people(b)) == {"Jane Doe"}


def test_one_failing_account_does_not_keep_the_others_from_syncing(rolodex, tmp_path):
    gone, kept = tmp_path / "gone", tmp_path / "kept"
    assert rolodex(["sync", "add", "aaa-gone", "--vdir", str(gone)]).exit_code == 0
    assert rolodex(["sync", "add", "zzz-kept", "--vdir", str(kept)]).exit_code == 0
    shutil.rmtree(gone)  # a disk not mounted
    rolodex(["add", "Jane Doe"])
    result = rolodex(["sync"])
    assert result.exit_code == 8, result.stderr
    assert "rolodex: aaa-gone: " in result.stderr
    assert len(list(kept.glob("*.vcf"))) == 1  # the account after it still synced
    assert not gone.exists()
    assert rolodex(["sync", "run", "aaa-gone"]).exit_code == 8


@pytest.mark.slow
@pytest.mark.parametrize("writes", [5, 45])
def test_a_first_sync_killed_while_it_sends_converges(team, tmp_path, writes):
    """A first sync sends its new contacts before taking the write lock, remembering them
    20 at a time here: killed after 5 (none remembered) or 45 (40 remembered), the next
    sync sends the rest once, and the folder holds each contact once."""
    from rolodex.sync.send_first import SEND_FIRST_MIN

    a, b, book = team
    count = SEND_FIRST_MIN + 10
    for n in range(count):
        a("add", f"Person {n} Example")
    script = KILLED_SYNC.replace(
        "from rolodex.cli import main",
        "from rolodex.sync import send_first\nsend_first.SEND_FIRST_BATCH = 20\n"
        "from rolodex.cli import main")
    killed = subprocess.run([sys.executable, "-c", script, str(tmp_path / "a.db"),
                             str(writes)], capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert len(list(book.glob("*.vcf"))) == writes
    a("sync")
    assert "nothing to do" in a("sync").stderr
    assert len(list(book.glob("*.vcf"))) == count
    b("sync")
    assert len(people(b)) == count
    same_people(a, b)


def _on_a_terminal(db: Path, args: list[str], answer: str) -> tuple[int, str]:
    """``rolodex`` run in a pty (stdin and stderr a terminal), answering a prompt."""
    import pty
    import time

    main_fd, child = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "rolodex", "--db", str(db), *args],
                               stdin=child, stdout=child, stderr=child, close_fds=True)
    os.close(child)
    seen, answered, deadline = b"", False, time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:  # the child closed the terminal: it ended
            break
        if not chunk:
            break
        seen += chunk
        if not answered and b"[y/N]" in seen:
            os.write(main_fd, answer.encode() + b"\n")
            answered = True
    os.close(main_fd)
    return process.wait(timeout=60), seen.decode("utf-8", "replace")


@pytest.mark.slow
@pytest.mark.parametrize(("answer", "code", "left"), [("n", 9, 8), ("y", 0, 3)])
def test_on_a_terminal_a_mass_deletion_is_asked_about(team, tmp_path, answer, code, left):
    """"It stops and asks, or needs --force": asked, 'y' syncs as --force would and 'n'
    leaves everything as it was."""
    a, b, book = team
    for n in range(8):
        a("add", f"Person {n}")
    a("sync"), b("sync")
    for path in list(book.glob("*.vcf"))[:5]:
        path.unlink()
    status, shown = _on_a_terminal(tmp_path / "a.db", ["sync"], answer)
    assert "would delete 5 of 8 contacts here. Sync anyway? [y/N]" in shown
    assert status == code, shown
    assert len(people(a)) == left
