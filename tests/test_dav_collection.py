"""DavCollection against a real Radicale: the Storage round trip for cards, events and
tasks, conditional writes that refuse to overwrite, and sync tokens that report exactly
what a third-party client (the ``caldav`` library, or a plain PUT) changed meanwhile."""

from __future__ import annotations

import uuid

import pytest
import requests
from dav_server import PASSWORD, USER, make_collection, radicale

from rolodex.sync.dav.collection import DavCollection
from rolodex.sync.dav.http import DavSession
from rolodex.sync.storage import PreconditionFailed, TokenExpired

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with radicale(tmp_path_factory.mktemp("radicale")) as running:
        yield running


@pytest.fixture
def session(server):
    with DavSession(server.url, USER, PASSWORD, timeout=10) as opened:
        yield opened


def card(uid: str, name: str = "Jane Doe") -> bytes:
    return (f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\n"
            f"N:{name.split()[-1]};{name.split()[0]};;;\r\nEND:VCARD\r\n").encode()


def event(uid: str, summary: str = "Lunch with Jane") -> bytes:
    return (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rolodex tests//EN\r\n"
            f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261120T090000Z\r\n"
            f"DTSTART:20261201T120000Z\r\nDTEND:20261201T130000Z\r\nSUMMARY:{summary}\r\n"
            f"END:VEVENT\r\nEND:VCALENDAR\r\n").encode()


def todo(uid: str, summary: str = "Call Jane") -> bytes:
    return (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rolodex tests//EN\r\n"
            f"BEGIN:VTODO\r\nUID:{uid}\r\nDTSTAMP:20261120T090000Z\r\nDUE:20261202\r\n"
            f"SUMMARY:{summary}\r\nEND:VTODO\r\nEND:VCALENDAR\r\n").encode()


def server_copy(server, collection: DavCollection, href: str) -> bytes:
    answer = requests.get(requests.compat.urljoin(collection.url, href), auth=server.auth(),
                          timeout=10)
    answer.raise_for_status()
    return answer.content


@pytest.mark.parametrize(("kind", "make"), [("addressbook", card), ("calendar", event),
                                            ("calendar", todo)])
def test_round_trip(server, session, kind, make):
    collection = DavCollection(session, make_collection(server, kind), kind)
    assert list(collection.list()) == []
    uids = [f"rt-{n}-{uuid.uuid4().hex[:6]}" for n in range(3)]
    uploaded = dict(collection.upload(f"{uid}.{'vcf' if kind == 'addressbook' else 'ics'}",
                                      make(uid)) for uid in uids)
    assert dict(collection.list()) == uploaded
    items = {item.href: item for item in collection.get_many([*uploaded, "/jane/nope.ics"])}
    assert set(items) == set(uploaded)
    for href, item in items.items():
        assert item.etag == uploaded[href]
        assert uids[0].encode() in item.data or any(u.encode() in item.data for u in uids)

    first = next(iter(uploaded))
    new_etag = collection.update(first, make(uids[0], "Jane Q. Doe"), uploaded[first])
    assert new_etag != uploaded[first]
    assert b"Jane Q. Doe" in server_copy(server, collection, first)
    assert dict(collection.list())[first] == new_etag

    collection.delete(first, new_etag)
    assert first not in dict(collection.list())
    collection.delete(first, new_etag)  # already gone: fine


def test_get_many_in_batches_and_by_get_when_multiget_is_refused(server, session,
                                                                    monkeypatch):
    from rolodex.sync.dav import collection as module

    monkeypatch.setattr(module, "BATCH", 2)
    book = DavCollection(session, make_collection(server, "addressbook"), "addressbook")
    hrefs = [book.upload(f"b{n}.vcf", card(f"batch-{n}"))[0] for n in range(5)]
    assert sorted(i.href for i in book.get_many(hrefs)) == sorted(hrefs)
    book._multiget = False  # as after a server answered 501 to the REPORT
    fetched = {i.href: i for i in book.get_many(hrefs)}
    assert sorted(fetched) == sorted(hrefs)
    assert fetched[hrefs[0]].etag == dict(book.list())[hrefs[0]]


def test_update_with_a_stale_etag_leaves_the_server_copy_alone(server, session):
    book = DavCollection(session, make_collection(server, "addressbook"), "addressbook")
    href, etag = book.upload("stale.vcf", card("stale-1"))
    fresh = book.update(href, card("stale-1", "Jane Changed"), etag)
    with pytest.raises(PreconditionFailed) as raised:
        book.update(href, card("stale-1", "Jane Overwritten"), etag)
    assert raised.value.exit_code == 15
    assert b"Jane Changed" in server_copy(server, book, href)
    with pytest.raises(PreconditionFailed):
        book.delete(href, etag)
    assert dict(book.list()) == {href: fresh}


def test_upload_never_replaces_an_existing_item(server, session):
    calendar = DavCollection(session, make_collection(server, "calendar"), "calendar")
    href, _ = calendar.upload("taken.ics", event("taken-1"))
    with pytest.raises(PreconditionFailed):
        calendar.upload("taken.ics", event("taken-2", "Someone else's"))
    assert b"taken-1" in server_copy(server, calendar, href)


def test_update_of_an_item_gone_meanwhile_is_a_precondition_failure(server, session):
    book = DavCollection(session, make_collection(server, "addressbook"), "addressbook")
    href, etag = book.upload("gone.vcf", card("gone-1"))
    book.delete(href, etag)
    with pytest.raises(PreconditionFailed):
        book.update(href, card("gone-1"), etag)


def test_calendar_changes_made_by_the_caldav_library(server, session):
    import caldav

    url = make_collection(server, "calendar")
    calendar = DavCollection(session, url, "calendar")
    kept, _ = calendar.upload("kept.ics", event("kept-1"))
    edited, _ = calendar.upload("edited.ics", event("edited-1"))
    dropped, _ = calendar.upload("dropped.ics", event("dropped-1"))
    initial = calendar.changes(None)
    assert {h for h, _ in initial.changed} == {kept, edited, dropped}
    assert initial.removed == [] and initial.token

    with caldav.DAVClient(url=server.url, username=USER, password=PASSWORD) as client:
        other = client.calendar(url=url)
        added = other.add_event(event("added-1", "Added elsewhere").decode())
        changed = other.event_by_uid("edited-1")
        changed.data = event("edited-1", "Edited elsewhere").decode()
        changed.save()
        other.event_by_uid("dropped-1").delete()
    since = calendar.changes(initial.token)
    assert since.complete is False and since.token != initial.token
    changed_hrefs = {h for h, _ in since.changed}
    added_path = requests.compat.urlsplit(str(added.url)).path
    assert changed_hrefs == {edited, added_path}
    assert since.removed == [dropped]
    items = {i.href: i for i in calendar.get_many(changed_hrefs)}
    assert b"Edited elsewhere" in items[edited].data
    assert dict(since.changed)[edited] == items[edited].etag

    assert calendar.changes(since.token).changed == []


def test_addressbook_changes_made_by_a_plain_put(server, session):
    url = make_collection(server, "addressbook")
    book = DavCollection(session, url, "addressbook")
    href, _ = book.upload("mine.vcf", card("mine-1"))
    initial = book.changes(None)
    assert [h for h, _ in initial.changed] == [href]
    assert initial.complete  # every member listed: one not in it is gone
    requests.put(f"{url}theirs.vcf", data=card("theirs-1", "John Smith"), auth=server.auth(),
                 headers={"Content-Type": "text/vcard"}, timeout=10).raise_for_status()
    requests.delete(f"{url}mine.vcf", auth=server.auth(), timeout=10).raise_for_status()
    since = book.changes(initial.token)
    assert [h for h, _ in since.changed] == [f"{requests.compat.urlsplit(url).path}theirs.vcf"]
    assert since.removed == [href]


def test_a_bogus_token_expires(server, session):
    book = DavCollection(session, make_collection(server, "addressbook"), "addressbook")
    with pytest.raises(TokenExpired):
        book.changes("http://radicale.org/ns/sync/not-a-token")


def test_a_token_refused_with_412_expires(session):
    """Xandikos refuses a token it does not know with 412 and DAV:valid-sync-token: the
    sync lists the collection whole, where it used to fail with exit 15 at every sync."""
    from dav_server import hostile_server

    def refuse(handler):
        body = (b'<?xml version="1.0"?><D:error xmlns:D="DAV:"><D:valid-sync-token/>'
                b"</D:error>")
        handler.send_response(412)
        handler.send_header("Content-Type", "application/xml")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    with hostile_server(refuse) as url, DavSession(url) as anonymous:
        book = DavCollection(anonymous, f"{url}book/", "addressbook")
        with pytest.raises(TokenExpired):
            book.changes("an-old-token")


def test_a_server_without_sync_collection_lists_everything(server, session):
    book = DavCollection(session, make_collection(server, "addressbook"), "addressbook")
    href, etag = book.upload("only.vcf", card("only-1"))
    book._sync = False  # as after a server refused the REPORT
    full = book.changes("whatever")
    assert full.complete is True and full.token is None
    assert full.changed == [(href, etag)] and full.removed == []


def test_a_multiget_past_the_cap_is_asked_again_in_halves(server, session, monkeypatch):
    from rolodex.sync.dav import http as dav_http

    book = DavCollection(session, make_collection(server, "addressbook"), "addressbook")
    note = "NOTE:" + "x" * 70 + "\r\n"
    big = [card(f"big-{n}").replace(b"END:VCARD", (note * 5000).encode() + b"END:VCARD")
           for n in range(4)]  # about 380 KiB each
    hrefs = [book.upload(f"big{n}.vcf", data)[0] for n, data in enumerate(big)]
    monkeypatch.setattr(dav_http, "MAX_MULTISTATUS", 1024 * 1024)
    reports = []
    send = session.request

    def counting(method, *args, **kwargs):
        reports.append(method)
        return send(method, *args, **kwargs)

    monkeypatch.setattr(session, "request", counting)
    assert sorted(i.href for i in book.get_many(hrefs)) == sorted(hrefs)
    assert reports == ["REPORT"] * 3  # all four too large together, two by two fine
