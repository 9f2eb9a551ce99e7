"""Finding a user's address books and calendars from whatever URL they typed.

The user may give a server's root or bare domain, a principal URL, a home set, or a
collection itself; the walk is the one of RFC 6764 (``/.well-known/carddav`` and
``/.well-known/caldav``), RFC 5397 (``current-user-principal``), RFC 6352 and 4791 (the
home sets), then one PROPFIND Depth 1 on each home set listing its collections.

A URL that is already a collection is taken as is, without asking the server for more:
a user who names one address book means that one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin, urlsplit

from rolodex.sync.dav import xml
from rolodex.sync.dav.http import DavSession, UnexpectedStatus

Kind = Literal["addressbook", "calendar"]
KINDS: tuple[Kind, ...] = ("addressbook", "calendar")
ALL_COMPONENTS = frozenset({"VEVENT", "VTODO", "VJOURNAL"})

PRINCIPAL = xml.tag(xml.DAV, "current-user-principal")
HOME_SETS = {"addressbook": xml.tag(xml.CARDDAV, "addressbook-home-set"),
             "calendar": xml.tag(xml.CALDAV, "calendar-home-set")}
COMPONENT_SET = xml.tag(xml.CALDAV, "supported-calendar-component-set")
REPORT_SET = xml.tag(xml.DAV, "supported-report-set")
WELL_KNOWN = {"addressbook": "/.well-known/carddav", "calendar": "/.well-known/caldav"}
_COLLECTION_PROPS = (xml.RESOURCETYPE, xml.DISPLAYNAME, COMPONENT_SET, xml.SYNC_TOKEN,
                     REPORT_SET)
_MARKS = {"addressbook": xml.tag(xml.CARDDAV, "addressbook"),
          "calendar": xml.tag(xml.CALDAV, "calendar")}


@dataclass(frozen=True)
class Collection:
    """An address book or a calendar on a server.

    ``components``: what a calendar takes (VEVENT, VTODO, VJOURNAL; all three when the
    server does not say, as RFC 4791 reads its absence); empty for an address book.
    ``sync_token``: the collection's current RFC 6578 token, None if it has none (then
    every sync lists the whole collection); ``supports_sync`` also says yes when the
    server lists the report without handing out a token yet.
    """

    url: str
    kind: Kind
    name: str
    components: frozenset[str]
    sync_token: str | None
    supports_sync: bool = False


def discover(session: DavSession, kinds: Iterable[Kind] = KINDS) -> list[Collection]:
    """The collections of these kinds reachable from the session's URL, sorted by kind
    and URL; empty when the server shows none."""
    wanted = tuple(kinds)
    try:
        answers, base = _propfind(session, session.url, "0", (
            *_COLLECTION_PROPS, PRINCIPAL, *(HOME_SETS[k] for k in wanted)))
    except UnexpectedStatus:  # a bare domain whose root is no DAV resource: try /.well-known
        answers, base = [], session.url
    start = answers[0] if answers else None
    here = _collection(start, base) if start is not None else None
    if here is not None and here.kind in wanted:
        return [here]
    found: dict[str, Collection] = {}
    for kind in wanted:
        for home in _home_sets(session, kind, start, base):
            for collection in _list_home(session, home):
                if collection.kind in wanted:
                    found.setdefault(xml.href_key(collection.url, session.url), collection)
    return sorted(found.values(), key=lambda c: (c.kind, c.url))


def _home_sets(session: DavSession, kind: Kind, start: xml.Answer | None, base: str
               ) -> list[str]:
    """The home set URLs for one kind: on the URL itself, on its principal, or on the
    principal that ``/.well-known`` leads to."""
    home = HOME_SETS[kind]
    if start is not None and home in start.props:
        return _hrefs(start, home, base)
    own = _hrefs(start, PRINCIPAL, base) if start is not None else []
    # a bare server name is what RFC 6764 is for: ask /.well-known first there; a longer
    # path is the user's own choice of starting point, asked first
    at_root = urlsplit(session.url).path in ("", "/")
    principals = (_well_known_principal(session, kind) if at_root or not own else []) or own
    for principal in principals:
        answers, where = _propfind(session, principal, "0", (home,))
        if answers and home in answers[0].props:
            return _hrefs(answers[0], home, where)
    return []


def _well_known_principal(session: DavSession, kind: Kind) -> list[str]:
    root = urljoin(session.url, WELL_KNOWN[kind])
    try:
        answers, where = _propfind(session, root, "0", (PRINCIPAL,))
    except UnexpectedStatus:  # no well-known (404, 405...): nothing to learn there
        return []
    return _hrefs(answers[0], PRINCIPAL, where) if answers else []


def _list_home(session: DavSession, home: str) -> list[Collection]:
    answers, where = _propfind(session, home, "1", _COLLECTION_PROPS)
    found = []
    for answer in answers:
        if not xml.same_origin(answer.href, where):
            continue
        collection = _collection(answer, where)
        if collection is not None:
            found.append(collection)
    return found


def _collection(answer: xml.Answer, base: str) -> Collection | None:
    """The collection an answer describes, None when it is neither kind."""
    kind = next((k for k in KINDS if answer.has(xml.RESOURCETYPE, _MARKS[k])), None)
    if kind is None:
        return None
    components: frozenset[str] = frozenset()
    if kind == "calendar":
        element = answer.props.get(COMPONENT_SET)
        named = frozenset() if element is None else frozenset(
            c.get("name", "").upper() for c in element) & ALL_COMPONENTS
        components = named or ALL_COMPONENTS
    url = urljoin(base, answer.href)
    token = answer.text(xml.SYNC_TOKEN) or None
    supports = token is not None or answer.has(REPORT_SET, xml.tag(xml.DAV, "sync-collection"))
    name = (answer.text(xml.DISPLAYNAME) or "").strip() or _last_segment(url)
    return Collection(url, kind, name, components, token, supports)


def _last_segment(url: str) -> str:
    from urllib.parse import unquote

    return unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])


def _hrefs(answer: xml.Answer, prop: str, base: str) -> list[str]:
    element = answer.props.get(prop)
    if element is None:
        return []
    return [urljoin(base, h.text.strip()) for h in element.iterfind(xml.tag(xml.DAV, "href"))
            if h.text and h.text.strip()]


def _propfind(session: DavSession, url: str, depth: str, props: tuple[str, ...]
              ) -> tuple[list[xml.Answer], str]:
    """The answers of a PROPFIND, and the URL that gave them (after redirects, what their
    hrefs are relative to); with Depth 0 the first is the resource asked about."""
    response = session.request("PROPFIND", url, xml.propfind(props),
                               {"Content-Type": "application/xml; charset=utf-8"}, depth)
    if response.status != 207:
        raise UnexpectedStatus(f"PROPFIND {url}: expected 207 Multi-Status, got "
                               f"{response.status}")
    answers = xml.parse_multistatus(response.body, f"PROPFIND {url}").answers
    if depth == "0" and len(answers) > 1:  # keep the one about this URL first
        key = xml.href_key(response.url, response.url)
        answers.sort(key=lambda a: xml.href_key(a.href, response.url) != key)
    return answers, response.url
