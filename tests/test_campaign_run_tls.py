"""``campaign run`` over TLS to the test SMTP server (``tests/smtp_server.py`` with a
certificate made by openssl): STARTTLS and TLS from the first byte with a certificate
the user trusts (``SSL_CERT_FILE``, as OpenSSL reads it), the login inside it; a
certificate nobody vouches for, a server without STARTTLS and a password that would
travel in clear stop the run before anything is claimed."""

from __future__ import annotations

import os
import subprocess

import campaign_world
import pytest
from campaign_world import ADDRESSES, ok, plan, point_at, recipients, run, sends
from smtp_server import smtp_server

customers = campaign_world.customers  # the seeded fixture, under its name

PASSWORD = "tls-Pw-91d0"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (certificate file, key file)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                           "-keyout", str(key), "-out", str(cert), "-days", "1",
                           "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                          capture_output=True, check=False)
    if made.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"openssl cannot make a certificate: {made.stderr!r}")
        pytest.skip("openssl cannot make a certificate here")
    return cert, key


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_mail_goes_over_tls_with_the_login_inside(customers, rolodex, certificate, tmp_path,
                                                  monkeypatch, security):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    monkeypatch.setenv("ROLODEX_SMTP_PASSWORD", PASSWORD)
    with smtp_server(password=PASSWORD, certificate=certificate, tls=security) as server:
        point_at(rolodex, server, **{"mail.smtp.security": security, "mail.smtp.user": "jane"})
        plan(rolodex, tmp_path, "winter-offer")
        rows = ok(run(rolodex)).json()
        assert [r["status"] for r in rows] == ["sent"] * 5
        assert recipients(server.delivered()) == ADDRESSES
        assert server.logins == [("jane", True)]


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_a_certificate_nobody_vouches_for_exits_13_before_the_login(
        customers, rolodex, certificate, tmp_path, isolated, monkeypatch, security):
    monkeypatch.setenv("ROLODEX_SMTP_PASSWORD", PASSWORD)
    with smtp_server(password=PASSWORD, certificate=certificate, tls=security) as server:
        point_at(rolodex, server, **{"mail.smtp.security": security, "mail.smtp.user": "jane"})
        plan(rolodex, tmp_path, "winter-offer")
        result = run(rolodex)
        assert result.exit_code == 13
        assert result.stderr.startswith("rolodex: TLS with 127.0.0.1 failed")
        assert server.logins == [] and server.messages == [] and sends(isolated) == []


def test_a_server_without_starttls_exits_15(customers, rolodex, tmp_path, isolated):
    with smtp_server() as server:
        point_at(rolodex, server, **{"mail.smtp.security": "starttls"})
        plan(rolodex, tmp_path, "winter-offer")
        result = run(rolodex)
        assert result.exit_code == 15
        assert result.stderr.startswith("rolodex: 127.0.0.1 does not offer STARTTLS")
        assert server.messages == [] and sends(isolated) == []


def test_a_password_never_travels_in_clear_to_another_machine(customers, rolodex, tmp_path,
                                                               isolated, monkeypatch):
    monkeypatch.setenv("ROLODEX_SMTP_PASSWORD", PASSWORD)
    for key, value in {"mail.from": "news@acme.example", "mail.smtp.host": "smtp.example.com",
                       "mail.smtp.security": "none", "mail.smtp.user": "jane"}.items():
        ok(rolodex(["config", "set", key, value]))
    plan(rolodex, tmp_path, "winter-offer")
    result = run(rolodex)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "rolodex: refusing to send the SMTP password to smtp.example.com without TLS")
    assert sends(isolated) == []


def test_a_login_the_server_does_not_offer_exits_12(customers, rolodex, tmp_path, isolated,
                                                    monkeypatch):
    monkeypatch.setenv("ROLODEX_SMTP_PASSWORD", PASSWORD)
    with smtp_server() as server:  # no AUTH in its EHLO
        point_at(rolodex, server, **{"mail.smtp.user": "jane"})
        plan(rolodex, tmp_path, "winter-offer")
        result = run(rolodex)
        assert result.exit_code == 12
        assert result.stderr.startswith("rolodex: the SMTP server 127.0.0.1 offers no login")
        assert server.messages == [] and sends(isolated) == []
