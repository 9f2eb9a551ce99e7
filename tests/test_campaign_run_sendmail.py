"""``campaign run`` through a sendmail-compatible command: msmtp (a real one, from
Debian's package) pointed at the test SMTP server of ``tests/smtp_server.py``. Its exit
code decides: a refused address fails that send, anything that is not about the address
(try later, no such host, a server that is down, no such command) stops the run with the
send released, so a bad night does not fail a whole campaign one person at a time."""

from __future__ import annotations

import os
import shutil
from collections import Counter

import campaign_world
import pytest
from campaign_world import (
    ADDRESSES,
    SENDER_ADDRESS,
    body,
    mails_logged,
    ok,
    plan,
    point_at,
    recipients,
    run,
    sends,
)
from smtp_server import free_port, smtp_server

customers = campaign_world.customers  # the seeded fixture, under its name


@pytest.fixture
def server():
    with smtp_server() as running:
        yield running


def _msmtp(host: str, port: int) -> str:
    if shutil.which("msmtp") is None:
        if os.environ.get("CI"):
            pytest.fail("msmtp is missing (CI must have it: .ci/run installs it)")
        pytest.skip("msmtp is not installed")
    return f"msmtp --host={host} --port={port} --from={SENDER_ADDRESS} --auth=off --tls=off"


@pytest.mark.parametrize("at", ["rcpt", "end"])
def test_msmtp_delivers_and_a_refused_address_fails_alone(customers, rolodex, server,
                                                          tmp_path, isolated, at):
    point_at(rolodex, server, **{"mail.sendmail": _msmtp(server.host, server.port)})
    server.fail("550 5.1.1 no such mailbox", recipient="mary@example.com", at=at)
    plan(rolodex, tmp_path, "winter-offer")
    rows = ok(run(rolodex)).json()
    assert [r["status"] for r in rows] == ["sent", "sent", "sent", "failed", "sent"]
    assert rows[3]["detail"].startswith("msmtp exited with 6")
    assert "550 5.1.1 no such mailbox" in rows[3]["detail"]
    got = server.delivered()
    assert recipients(got) == [a for a in ADDRESSES if a != "mary@example.com"]
    first = got[0].parsed()
    assert first["To"].addresses[0].display_name == "Zoë Müller"
    assert first["Message-ID"] == rows[0]["message_id"]
    assert body(first).startswith("Dear Zoë,\n")
    assert {e["message_id"] for e in mails_logged(isolated)} == {
        m.parsed()["Message-ID"] for m in got}
    assert ok(run(rolodex)).json() == []


def test_msmtp_told_to_try_later_stops_the_run(customers, rolodex, server, tmp_path,
                                               isolated):
    point_at(rolodex, server, **{"mail.sendmail": _msmtp(server.host, server.port)})
    server.fail("451 4.3.0 try again later", nth=2, at="end")
    plan(rolodex, tmp_path, "winter-offer")
    result = run(rolodex)
    assert result.exit_code == 15, result.stderr
    assert "451 4.3.0 try again later" in result.stderr
    assert [s["address"] for s in sends(isolated)] == ADDRESSES[:1]
    ok(run(rolodex))
    assert Counter(recipients(server.delivered())) == Counter(ADDRESSES)


@pytest.mark.parametrize("command", ["down", "no such host", "no such command"])
def test_a_command_that_cannot_send_now_fails_nobody(customers, rolodex, tmp_path, isolated,
                                                     command):
    sendmail = {"down": lambda: _msmtp("127.0.0.1", free_port()),
                "no such host": lambda: _msmtp("smtp.invalid", 25),
                "no such command": lambda: "rolodex-test-no-such-sendmail -oi"}[command]()
    for key, value in {"mail.from": SENDER_ADDRESS, "mail.sendmail": sendmail}.items():
        ok(rolodex(["config", "set", key, value]))
    plan(rolodex, tmp_path, "winter-offer")
    result = run(rolodex)
    assert result.exit_code == 15
    assert result.stderr.startswith(("rolodex: msmtp exited with", "rolodex: cannot run"))
    assert sends(isolated) == []
