"""Finding collections on a real Radicale, and every way a server can fail us (refused
credentials, nobody listening, plain HTTP, hostile or slow answers from a server started
here) ending in one line with its exit code, never a hang or a password in a message."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from dav_server import PASSWORD, USER, free_port, hostile_server, make_collection, radicale

from rolodex.errors import AuthFailed, ServerError, TLSFailed, Unreachable
from rolodex.sync.dav import http as dav_http
from rolodex.sync.dav.collection import DavCollection
from rolodex.sync.dav.discovery import ALL_COMPONENTS, discover
from rolodex.sync.dav.http import DavSession

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with radicale(tmp_path_factory.mktemp("radicale")) as running:
        running.book = make_collection(running, "addressbook", "contacts")
        running.calendar = make_collection(running, "calendar", "work", ("VEVENT", "VTODO"))
        running.journal = make_collection(running, "calendar", "diary", ("VJOURNAL",))
        yield running


def requested(monkeypatch) -> list[tuple[str, str]]:
    """(method, path) of every request a session sends from now on."""
    seen: list[tuple[str, str]] = []
    send = DavSession._send

    def spy(self, method, url, *args):
        seen.append((method, dav_http.urlsplit(url).path))
        return send(self, method, url, *args)

    monkeypatch.setattr(DavSession, "_send", spy)
    return seen


def test_discovery_from_the_server_root_asks_well_known(server, monkeypatch):
    seen = requested(monkeypatch)
    with DavSession(server.url.rstrip("/"), USER, PASSWORD) as session:
        found = discover(session)
    assert ("PROPFIND", "/.well-known/carddav") in seen
    assert ("PROPFIND", "/.well-known/caldav") in seen
    by_url = {c.url: c for c in found}
    assert set(by_url) == {server.book, server.calendar, server.journal}
    book, work, diary = by_url[server.book], by_url[server.calendar], by_url[server.journal]
    assert (book.kind, book.name, book.components) == ("addressbook", "contacts shown",
                                                      frozenset())
    assert (work.kind, work.components) == ("calendar", frozenset({"VEVENT", "VTODO"}))
    assert diary.components == frozenset({"VJOURNAL"})
    assert all(c.sync_token and c.supports_sync for c in found)


def test_discovery_from_a_principal_url_and_by_kind(server):
    with DavSession(server.home, USER, PASSWORD) as session:
        assert [c.url for c in discover(session, ["addressbook"])] == [server.book]
        calendars = discover(session, ["calendar"])
    assert {c.url for c in calendars} == {server.calendar, server.journal}


def test_a_collection_url_is_taken_as_is(server):
    with DavSession(server.calendar, USER, PASSWORD) as session:
        [only] = discover(session)
    assert (only.url, only.kind, only.name) == (server.calendar, "calendar", "work shown")


def test_a_calendar_made_by_the_caldav_library_takes_every_component(server):
    import caldav

    with caldav.DAVClient(url=server.url, username=USER, password=PASSWORD) as client:
        made = client.principal().make_calendar(name="Made elsewhere", cal_id="elsewhere")
    with DavSession(str(made.url), USER, PASSWORD) as session:
        [found] = discover(session)
    assert found.name == "Made elsewhere" and found.components == ALL_COMPONENTS


def test_a_wrong_password_is_exit_12_and_never_shown(server):
    wrong = "Wr0ng-Pa55word"
    with DavSession(server.home, USER, wrong) as session, pytest.raises(AuthFailed) as raised:
        discover(session)
    error = raised.value
    assert error.exit_code == 12
    for text in (error.message, error.hint or "", str(error), repr(session)):
        assert wrong not in text and PASSWORD not in text
    assert "\n" not in error.message


def test_a_password_in_the_url_is_used_and_never_shown(server):
    url = server.home.replace("://", f"://{USER}:{PASSWORD}@")
    with DavSession(url) as session:
        assert [c.url for c in discover(session, ["addressbook"])] == [server.book]
        assert PASSWORD not in session.url and PASSWORD not in repr(session)


def test_nobody_listening_is_unreachable():
    url = f"http://127.0.0.1:{free_port()}/"
    with DavSession(url, USER, PASSWORD, timeout=5) as session, \
            pytest.raises(Unreachable) as raised:
        discover(session)
    assert raised.value.exit_code == 14
    assert "connection refused" in raised.value.message


def test_plain_http_to_another_host_needs_insecure():
    with pytest.raises(TLSFailed) as raised:
        DavSession("http://dav.example.com/", USER, PASSWORD)
    assert raised.value.exit_code == 13 and "--insecure" in raised.value.hint
    assert PASSWORD not in raised.value.message
    DavSession("http://dav.example.com/", USER, PASSWORD, insecure=True).close()


def test_a_redirect_from_https_to_plain_http_is_refused():
    def downgrade(handler):
        handler.send_response(301)
        handler.send_header("Location", "http://dav.example.com/jane/")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    with (hostile_server(downgrade) as url, DavSession(url, USER, PASSWORD) as session,
          pytest.raises(TLSFailed)):
        session.request("PROPFIND", url, depth="0")


def test_a_certificate_that_cannot_be_verified_is_tls_failed(tmp_path):
    """A TLS server with a self-signed certificate: exit 13, not a traceback."""
    import http.server
    import ssl
    import threading

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                           "-keyout", str(key), "-out", str(cert), "-days", "1",
                           "-subj", "/CN=127.0.0.1"], capture_output=True)
    if made.returncode != 0:
        pytest.skip("openssl cannot make a certificate here")
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        url = f"https://127.0.0.1:{server.server_address[1]}/"
        with DavSession(url, USER, PASSWORD, timeout=5) as session, \
                pytest.raises(TLSFailed) as raised:
            session.request("PROPFIND", url, depth="0")
        assert raised.value.exit_code == 13 and "\n" not in raised.value.message
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# -- hostile answers -------------------------------------------------------------------

def answering(status: int, body: bytes, content_type: str = "application/xml",
              delay: float = 0.0):
    def answer(handler):
        time.sleep(delay)
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    return answer


BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;")
                                               * 10) for n in range(1, 10))
        + b']>\n<d:multistatus xmlns:d="DAV:"><d:response><d:href>&lol9;</d:href>'
          b"</d:response></d:multistatus>")


@pytest.mark.parametrize("body", [
    BOMB,
    b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>',
    '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'.encode("utf-16"),
    b"<d:multistatus xmlns:d='DAV:'><d:response><d:href>&undefined;</d:href>",
])
def test_a_hostile_multistatus_is_refused_in_one_line(body):
    with hostile_server(answering(207, body)) as url, DavSession(url, timeout=5) as session:
        started = time.monotonic()
        with pytest.raises(ServerError) as raised:
            list(DavCollection(session, url, "addressbook").list())
    assert time.monotonic() - started < 5
    assert raised.value.exit_code == 15 and "\n" not in raised.value.message


def test_an_oversized_answer_is_refused_naming_the_cap(monkeypatch):
    declared = answering(207, b"x" * (2 * 1024 * 1024))
    with hostile_server(declared) as url, DavSession(url, timeout=5) as session:
        monkeypatch.setattr(dav_http, "MAX_MULTISTATUS", 1024 * 1024)
        with pytest.raises(ServerError, match="larger than 1 MiB"):
            list(DavCollection(session, url, "addressbook").list())

    def endless(handler):  # no Content-Length: only counting the bytes can stop it
        handler.send_response(207)
        handler.send_header("Content-Type", "application/xml")
        handler.end_headers()
        chunk = b"<!-- " + b"x" * 65536 + b" -->"
        for _ in range(100):
            handler.wfile.write(chunk)

    with (hostile_server(endless) as url, DavSession(url, timeout=5) as session,
          pytest.raises(ServerError, match="larger than 1 MiB")):
        list(DavCollection(session, url, "addressbook").list())


def test_a_server_error_is_exit_15():
    with (hostile_server(answering(500, b"oops", "text/plain")) as url,
          DavSession(url, timeout=5) as session, pytest.raises(ServerError) as raised):
        DavCollection(session, url, "calendar").changes(None)
    assert raised.value.exit_code == 15 and "500" in raised.value.message


def test_a_slow_server_is_cut_off_at_the_timeout():
    with hostile_server(answering(207, b"<x/>", delay=3)) as url, \
            DavSession(url, timeout=0.5) as session:
        started = time.monotonic()
        with pytest.raises(Unreachable) as raised:
            list(DavCollection(session, url, "addressbook").list())
    assert time.monotonic() - started < 2.5
    assert raised.value.exit_code == 14 and "\n" not in raised.value.message


def test_a_server_that_drips_its_answer_is_cut_off(monkeypatch):
    monkeypatch.setattr(dav_http, "ANSWER_BUDGET", 3)

    def drip(handler):
        handler.send_response(207)
        handler.send_header("Content-Type", "application/xml")
        handler.end_headers()
        for _ in range(100):  # a byte every 0.2 s, each well within the 0.5 s timeout
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.2)

    with hostile_server(drip) as url, DavSession(url, timeout=0.5) as session:
        started = time.monotonic()
        with pytest.raises(Unreachable, match=r"took more than 1\.5 s"):
            list(DavCollection(session, url, "addressbook").list())
    assert time.monotonic() - started < 5


def test_endless_redirects_end():
    def loop(handler):
        handler.send_response(302)
        handler.send_header("Location", handler.path + "x/")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    with (hostile_server(loop) as url, DavSession(url, timeout=5) as session,
          pytest.raises(ServerError, match="redirects")):
        discover(session)


def test_hrefs_off_the_server_are_never_followed():
    listing = (b'<?xml version="1.0"?><d:multistatus xmlns:d="DAV:">'
               b"<d:response><d:href>/book/</d:href><d:propstat><d:prop><d:resourcetype>"
               b"<d:collection/></d:resourcetype><d:getetag>\"c\"</d:getetag></d:prop>"
               b"<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
               b"<d:response><d:href>https://evil.example/steal.vcf</d:href><d:propstat>"
               b"<d:prop><d:getetag>\"1\"</d:getetag></d:prop>"
               b"<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
               b"<d:response><d:href>/book/b%40c.vcf</d:href><d:propstat>"
               b"<d:prop><d:getetag>bare</d:getetag></d:prop>"
               b"<d:status>HTTP/1.1 200 OK</d:status></d:propstat>"
               b"<d:propstat><d:prop><d:displayname/></d:prop>"
               b"<d:status>HTTP/1.1 404 Not Found</d:status></d:propstat></d:response>"
               b"</d:multistatus>")
    with hostile_server(answering(207, listing)) as url, DavSession(url, timeout=5) as session:
        book = DavCollection(session, url + "book/", "addressbook")
        assert list(book.list()) == [("/book/b%40c.vcf", '"bare"')]
        assert list(book.get_many(["https://evil.example/steal.vcf"])) == []


def test_sync_modules_stay_out_of_the_start_up_path(isolated):
    """requests and the XML parser are for ``rolodex sync`` only."""
    probe = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "rolodex", "--help"], capture_output=True,
        text=True, timeout=60)
    assert probe.returncode == 0, probe.stderr[-500:]
    imported = {line.split("|")[-1].strip() for line in probe.stderr.splitlines()
                if line.startswith("import time:")}
    assert not {"requests", "xml.etree.ElementTree", "rolodex.sync.dav"} & imported


# -- what Radicale never does: no ETag on PUT, no multiget, no sync-collection, Digest ---

def minimal_dav(seen: list[str]):
    """A server with one card at /book/a.vcf that sends no ETag with a PUT, refuses every
    REPORT with 501 and asks for Digest credentials."""
    def listing(*hrefs: str) -> bytes:
        return (b'<?xml version="1.0"?><d:multistatus xmlns:d="DAV:">' + b"".join(
            b"<d:response><d:href>%s</d:href><d:propstat><d:prop><d:getetag>%s</d:getetag>"
            b"</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
            % (h.encode(), b'W/"7"' if h.endswith("a.vcf") else b'"8"') for h in hrefs)
            + b"</d:multistatus>")

    def answer(handler):
        seen.append(f"{handler.command} {handler.headers.get('Authorization', '')[:6]}")
        if not handler.headers.get("Authorization", "").startswith("Digest"):
            handler.send_response(401)
            handler.send_header("WWW-Authenticate", 'Digest realm="r", nonce="n", qop="auth"')
            body = b""
        elif handler.command in ("PROPFIND", "REPORT"):
            handler.send_response(207 if handler.command == "PROPFIND" else 501)
            body = (b"no reports here" if handler.command == "REPORT" else
                    listing(handler.path) if handler.headers["Depth"] == "0" else
                    listing("/book/", "/book/a.vcf"))
        elif handler.command == "PUT":
            handler.send_response(201)
            body = b""
        else:  # GET
            handler.send_response(200)
            handler.send_header("ETag", 'W/"7"')
            body = b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a\r\nFN:A\r\nEND:VCARD\r\n"
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    return answer


def test_a_minimal_server_is_still_synced_with():
    seen: list[str] = []
    with (hostile_server(minimal_dav(seen)) as url,
          DavSession(url, USER, PASSWORD, timeout=5) as session):
        book = DavCollection(session, url + "book/", "addressbook")
        assert book.upload("b.vcf", b"BEGIN:VCARD\r\nEND:VCARD\r\n") == ("/book/b.vcf", '"8"')
        assert book.update("/book/a.vcf", b"x", 'W/"7"') == 'W/"7"'
        [item] = book.get_many(["/book/a.vcf"])
        assert (item.href, item.etag) == ("/book/a.vcf", 'W/"7"')
        assert item.data.startswith(b"BEGIN:VCARD")
        full = book.changes(None)
        assert (full.changed, full.token, full.complete) == ([("/book/a.vcf", 'W/"7"')],
                                                             None, True)
    # Basic first (one round trip where it is taken), refused once, then Digest throughout
    assert seen[:3] == ["PUT Basic ", "PUT ", "PUT Digest"]
    assert all(s.endswith("Digest") for s in seen[3:])
    assert "REPORT Digest" in seen and "GET Digest" in seen
