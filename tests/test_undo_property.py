"""Undo all, then redo all, returns every table to its exact bytes, whatever was written.

Random sequences over every write command (a command that fails changes nothing) run on a
seeded database; undoing each operation in turn must give back the seeded tables, search
index included, and redoing each must give back the tables as the sequence left them.
Derandomized under CI, so a failure there is the same failure on every run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_undo import dump

from rolodex.store.opening import open_db

pytestmark = pytest.mark.slow  # a property over random command sequences

FIXTURES = Path(__file__).parent / "fixtures" / "undo"

SEED = [
    "add 'Jane Doe' -e jane@acme.example -p '+1 555 0100' -c 'Acme Ltd' -t vip --field plan=gold",
    "add 'Bob Sample' -e bob@initech.example -c Initech",
    "log jane bob meeting kick-off",
    "task add 'Send Jane the offer' --for jane --due 2026-11-25",
    "deal add Website --company 'Acme Ltd' --contact jane --amount 12500",
    "event add Standup --at '2026-11-23 09:00' --repeat weekly --with jane --with bob",
    "privacy consent bob newsletter --grant --source 'web form'",
]

WRITES = [
    "add 'Zoe Quinn' -e zoe@example.org -t new",
    "contact edit jane --title CEO --email jane.doe@acme.example --tag board --untag vip",
    "contact tag bob partner",
    "contact rm jane --yes",
    "contact rm bob --yes",
    "contact restore jane",
    "contact link jane colleague bob",
    "contact link jane colleague bob --remove",
    "log jane call 'talked pricing' -c 'Acme Ltd'",
    "log bob email 'sent the contract' --next 'in 2 weeks'",
    "task add 'Call Bob' --for bob",
    "task done 1 --outcome sent --next 'in 1 week'",
    "task rm 1 --yes",
    "event add Lunch --at '2026-11-24 12:00' --with jane",
    "event skip 1 2026-11-30",
    "event rm 1 --yes",
    "deal add Renewal --company Initech --contact bob --amount 300",
    "deal move 1 proposal",
    "deal rm 1 --yes",
    "privacy consent jane newsletter --grant --source 'web form'",
    "privacy consent bob newsletter --withdraw",
    "merge jane bob --yes",
    f"import {FIXTURES / 'one-card-kept-as-vcard.vcf'}",
    "company add Globex --domain globex.example",
    "company edit 'Acme Ltd' --tag key --field tier=1",
    "company merge 'Acme Ltd' Initech --yes",
    "company rm 'Acme Ltd' --yes",
    "search save vips tag:vip",
    "search saved --rm vips",
    "config set pipeline.currency USD",
]

# Each command checkpoints the file as it closes it: on a busy disk those syncs made this
# test take 30 s instead of 2, so its files live in memory where the machine has a RAM disk.
RAM = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
_template: list[Path] = []


def template() -> Path:
    """The seeded database, built once per module and copied for each example."""
    if not _template:
        folder = Path(tempfile.mkdtemp(prefix="rolodex-undo-property-", dir=RAM))
        path = folder / "seed.db"
        os.environ["ROLODEX_DB"] = str(path)
        for argv in SEED:
            result = run(argv)
            assert result.exit_code == 0, (argv, result.stderr)
        open_db(path).close()  # checkpointed: the file alone is the database
        _template.append(path)
    return _template[0]


def run(argv: str):
    import shlex

    return run_cli(shlex.split(argv))


def undoable(path: Path, after: int) -> int:
    db = open_db(path)
    count = db.execute("SELECT count(*) FROM operations WHERE id > ? AND kind = 'do'"
                       " AND reverted_by IS NULL", (after,)).fetchone()[0]
    db.close()
    return count


def last_operation(path: Path) -> int:
    db = open_db(path)
    last = db.execute("SELECT coalesce(max(id), 0) FROM operations").fetchone()[0]
    db.close()
    return last


@pytest.fixture(scope="module", autouse=True)
def _cleanup_template():
    yield
    if _template:
        shutil.rmtree(_template.pop().parent, ignore_errors=True)


@settings(max_examples=15, deadline=None, derandomize=bool(os.environ.get("CI")),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WRITES), min_size=1, max_size=6))
def test_undo_all_then_redo_all_is_exact(monkeypatch, writes):
    seed = template()
    path = Path(tempfile.mkdtemp(dir=seed.parent)) / "rolodex.db"
    shutil.copyfile(seed, path)
    monkeypatch.setenv("ROLODEX_DB", str(path))
    start, seeded_until = dump(path), last_operation(path)
    for argv in writes:
        before = dump(path)
        result = run(argv)
        assert result.exit_code != 70 and "Traceback" not in result.stderr, (argv, result.stderr)
        if result.exit_code != 0:
            assert dump(path) == before, f"{argv} failed ({result.stderr}) but changed rows"
    end = dump(path)
    count = undoable(path, seeded_until)
    for _ in range(count):
        undone = run("undo")
        assert undone.exit_code == 0, (writes, undone.stderr)
    assert dump(path) == start, writes
    for _ in range(count):
        redone = run("redo")
        assert redone.exit_code == 0, (writes, redone.stderr)
    assert dump(path) == end, writes
