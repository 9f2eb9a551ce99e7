"""``rolodex campaign run`` (the installed script, as cron runs it) killed with SIGKILL
mid-way, then run again: nobody gets a step twice and nobody is skipped. Killed while it
waits between mails (the rate) or before a mail's data left (the server holding its
answer to RCPT TO), everything after is sent by the next run; killed while the server
holds its answer to a mail's data, that mail is reported unconfirmed until the user
settles it (``campaign confirm``, or ``run --resend-unconfirmed`` with the same
Message-ID)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import campaign_world
import pytest
from campaign_world import (
    ADDRESSES,
    mails_logged,
    ok,
    plan,
    point_at,
    recipients,
    run,
    sends,
)
from smtp_server import HOLD, smtp_server

customers = campaign_world.customers  # the seeded fixture, under its name

ROLODEX = shutil.which("rolodex") or str(Path(sys.executable).parent / "rolodex")
pytestmark = pytest.mark.slow


@pytest.fixture
def server():
    with smtp_server() as running:
        yield running


@pytest.fixture
def ready(customers, rolodex, server, tmp_path):
    point_at(rolodex, server)
    plan(rolodex, tmp_path, "winter-offer")
    return customers


def _campaign_run(*options: str) -> subprocess.Popen:
    return subprocess.Popen([ROLODEX, "campaign", "run", *options], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=os.environ.copy())


def _until(condition: Callable[[], bool], process: subprocess.Popen,
           timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"the run ended first: {process.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError("the run did not get there in time")
        time.sleep(0.01)


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=10)
    assert process.returncode == -signal.SIGKILL


def _statuses(db: Path) -> list[tuple[str, str]]:
    return [(s["address"], s["status"]) for s in sends(db)]


def test_killed_while_waiting_between_mails_the_next_run_sends_exactly_the_rest(
        ready, rolodex, server, isolated):
    process = _campaign_run("--rate", "30")  # two seconds between mails
    try:
        _until(lambda: [s for s, _ in _statuses(isolated)] == ADDRESSES[:2] and all(
            status == "sent" for _, status in _statuses(isolated)), process)
        _kill(process)  # now pacing before the third: nothing of it claimed yet
    finally:
        process.kill()
    assert recipients(server.delivered()) == ADDRESSES[:2]
    assert _statuses(isolated) == [(a, "sent") for a in ADDRESSES[:2]]
    rows = ok(run(rolodex)).json()
    assert [(r["address"], r["status"]) for r in rows] == [(a, "sent") for a in ADDRESSES[2:]]
    assert recipients(server.delivered()) == ADDRESSES
    assert sorted(e["contact_id"] for e in mails_logged(isolated)) == sorted(ready.values())


def test_killed_before_the_data_left_the_next_run_sends_that_mail(ready, rolodex, server,
                                                                   isolated):
    """Claimed, not handed over: the next run releases the claim and sends it, once."""
    server.fail(HOLD, nth=2, at="rcpt")
    process = _campaign_run()
    try:
        server.wait_held(1)
        assert _statuses(isolated) == [(ADDRESSES[0], "sent"), (ADDRESSES[1], "claimed")]
        _kill(process)
    finally:
        process.kill()
        server.release()
    rows = ok(run(rolodex)).json()
    assert [(r["address"], r["status"]) for r in rows] == [(a, "sent") for a in ADDRESSES[1:]]
    assert recipients(server.messages) == ADDRESSES  # the killed run's second never arrived


def _killed_while_the_server_holds_the_second(server, isolated) -> str:
    """The run killed after the second mail's last byte, before the server's answer;
    returns that mail's Message-ID."""
    server.fail(HOLD, nth=2)
    process = _campaign_run()
    try:
        held = server.wait_for(2)[1]
        _until(lambda: len(_statuses(isolated)) == 2, process)
        assert _statuses(isolated) == [(ADDRESSES[0], "sent"), (ADDRESSES[1], "sending")]
        _kill(process)
    finally:
        process.kill()
        server.release()
    assert held.recipients == [ADDRESSES[1]]
    return held.parsed()["Message-ID"]


@pytest.mark.parametrize("settle", ["confirm", "resend"])
def test_killed_while_the_server_holds_its_answer_the_mail_is_unconfirmed(
        ready, rolodex, server, isolated, settle):
    message_id = _killed_while_the_server_holds_the_second(server, isolated)
    rows = ok(run(rolodex)).json()
    assert [(r["address"], r["status"]) for r in rows] == [
        (ADDRESSES[1], "unconfirmed"), *((a, "sent") for a in ADDRESSES[2:])]
    assert rows[0]["message_id"] == message_id
    assert Counter(recipients(server.messages)) == Counter(ADDRESSES)  # nobody twice
    assert ok(run(rolodex)).json()[0]["status"] == "unconfirmed"  # until the user says
    jane = ready[ADDRESSES[1]]
    if settle == "confirm":
        ok(rolodex(["campaign", "confirm", "winter-offer"]))
        assert len(server.messages) == 5
    else:
        again = ok(run(rolodex, "--resend-unconfirmed")).json()
        assert [(r["address"], r["status"], r["message_id"]) for r in again] == [
            (ADDRESSES[1], "sent", message_id)]
        assert [m.parsed()["Message-ID"] for m in server.messages].count(message_id) == 2
    logged = [e for e in mails_logged(isolated) if e["contact_id"] == jane]
    assert [(e["message_id"], e["direction"]) for e in logged] == [(message_id, "out")]
    shown = ok(rolodex(["campaign", "show", "winter-offer", "--format", "json"])).json()
    assert (shown["sent"], shown["unconfirmed"]) == (5, 0)
    count = len(server.messages)
    assert ok(run(rolodex)).json() == [] and len(server.messages) == count
