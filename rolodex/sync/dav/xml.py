"""WebDAV XML: the bodies of PROPFIND and REPORT, and reading a multistatus answer.

Parsed with the standard library's ElementTree, after refusing any DOCTYPE or ENTITY
declaration: a DAV answer never needs one, and a hostile server would use one to expand
a few bytes into gigabytes (the billion laughs) or to reach for local files. NUL bytes are
refused too, so a UTF-16 or UTF-32 body cannot hide a DOCTYPE from the byte check.

Servers differ in what they send back: an href absolute or a path, percent-encoded unlike
what we sent (``%40`` or ``@``), an ETag quoted, bare or weak, a property missing from one
propstat and present in another. ``href_key`` compares hrefs; the server's own spelling
is kept to send back to it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

from rolodex.errors import ServerError

DAV = "DAV:"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
CALDAV = "urn:ietf:params:xml:ns:caldav"
_PREFIXES = {DAV: "d", CARDDAV: "card", CALDAV: "cal"}
_STATUS = re.compile(r"^\s*HTTP/\d(?:\.\d)?\s+(\d{3})")


def tag(namespace: str, name: str) -> str:
    """ElementTree's ``{namespace}name``."""
    return f"{{{namespace}}}{name}"


GETETAG = tag(DAV, "getetag")
RESOURCETYPE = tag(DAV, "resourcetype")
DISPLAYNAME = tag(DAV, "displayname")
SYNC_TOKEN = tag(DAV, "sync-token")


@dataclass
class Answer:
    """One ``response`` of a multistatus: its href as the server spelt it, its own status
    (RFC 6578 reports a removed item so), and the properties found (2xx propstat)."""

    href: str
    status: int | None
    props: dict[str, ET.Element] = field(default_factory=dict)

    def text(self, name: str) -> str | None:
        element = self.props.get(name)
        return None if element is None else (element.text or "")

    def has(self, name: str, child: str) -> bool:
        """Whether property ``name`` holds an element ``child`` (a resourcetype, a report)."""
        element = self.props.get(name)
        return element is not None and element.find(f".//{child}") is not None


@dataclass
class Multistatus:
    answers: list[Answer]
    sync_token: str | None


def _element(name: str) -> str:
    namespace, local = name[1:].split("}", 1)
    return f"{_PREFIXES[namespace]}:{local}"


def _document(root: str, inner: str) -> bytes:
    namespaces = " ".join(f'xmlns:{p}="{ns}"' for ns, p in _PREFIXES.items())
    head = _element(root)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<{head} {namespaces}>{inner}'
            f"</{head}>").encode()


def _prop(props: Iterable[str]) -> str:
    return "<d:prop>" + "".join(f"<{_element(p)}/>" for p in props) + "</d:prop>"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def propfind(props: Iterable[str]) -> bytes:
    """A PROPFIND body asking for these properties (``{namespace}name``)."""
    return _document(tag(DAV, "propfind"), _prop(props))


def multiget(kind: str, hrefs: Iterable[str]) -> bytes:
    """An ``addressbook-multiget`` or ``calendar-multiget`` REPORT body for these hrefs."""
    namespace, report, data = ((CARDDAV, "addressbook-multiget", "address-data")
                               if kind == "addressbook" else
                               (CALDAV, "calendar-multiget", "calendar-data"))
    inner = _prop([GETETAG, tag(namespace, data)]) + "".join(
        f"<d:href>{_escape(h)}</d:href>" for h in hrefs)
    return _document(tag(namespace, report), inner)


def sync_collection(token: str | None) -> bytes:
    """An RFC 6578 ``sync-collection`` REPORT body: what changed since ``token`` (an empty
    token asks for everything, the initial sync)."""
    inner = (f"<d:sync-token>{_escape(token or '')}</d:sync-token>"
             f"<d:sync-level>1</d:sync-level>{_prop([GETETAG])}")
    return _document(tag(DAV, "sync-collection"), inner)


def parse(data: bytes, what: str) -> ET.Element:
    """The root of an XML answer, refusing declarations (see the module's docstring);
    ``what`` names the request in the error."""
    if b"\x00" in data or b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ServerError(f"{what}: the answer holds a DOCTYPE or ENTITY declaration; refused")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise ServerError(f"{what}: the answer is not well-formed XML ({exc})") from None


def status_code(text: str | None) -> int | None:
    """200 from ``HTTP/1.1 200 OK``; None when absent or unreadable."""
    match = _STATUS.match(text or "")
    return int(match[1]) if match else None


def parse_multistatus(data: bytes, what: str) -> Multistatus:
    """The responses of a 207 Multi-Status answer, and its sync token if any."""
    root = parse(data, what)
    if root.tag != tag(DAV, "multistatus"):
        raise ServerError(f"{what}: expected a multistatus answer, got {root.tag}")
    answers = []
    for response in root.iterfind(tag(DAV, "response")):
        hrefs = [h.text.strip() for h in response.iterfind(tag(DAV, "href")) if h.text]
        if not hrefs:
            continue  # nothing to name it by: unusable, and harmless to leave out
        own = status_code(response.findtext(tag(DAV, "status")))
        props: dict[str, ET.Element] = {}
        for propstat in response.iterfind(tag(DAV, "propstat")):
            code = status_code(propstat.findtext(tag(DAV, "status")))
            prop = propstat.find(tag(DAV, "prop"))
            if prop is None or code is None or not 200 <= code < 300:
                continue  # 404 for a property the resource lacks: as if absent
            for element in prop:
                props[element.tag] = element
        # RFC 4918 allows several hrefs sharing one status (no propstat): one answer each
        answers.extend(Answer(h, own, props) for h in hrefs)
    token = root.findtext(SYNC_TOKEN)
    return Multistatus(answers, token.strip() if token and token.strip() else None)


def error_conditions(data: bytes) -> set[str]:
    """The precondition elements of a DAV ``error`` body (``{DAV:}valid-sync-token``...);
    empty when the body is not one."""
    if not data.lstrip().startswith(b"<"):
        return set()
    try:
        root = parse(data, "error")
    except ServerError:
        return set()
    return {child.tag for child in root} if root.tag == tag(DAV, "error") else set()


def normalize_etag(etag: str | None) -> str | None:
    """An ETag as ``If-Match`` wants it: quoted; a weak one kept weak (``W/"..."``). Some
    servers send ``getetag`` bare; an empty one is none."""
    if etag is None:
        return None
    etag = etag.strip()
    if not etag:
        return None
    if etag.startswith('"') or etag.startswith('W/"'):
        return etag
    return f'"{etag}"'


def href_key(href: str, base: str) -> str:
    """An href for comparison: the decoded path, resolved against ``base``, without a
    trailing slash; two spellings of one resource give one key."""
    path = urlsplit(urljoin(base, href)).path
    return unquote(path).rstrip("/") or "/"


def same_origin(href: str, base: str) -> bool:
    """Whether ``href`` (resolved against ``base``) is on ``base``'s scheme, host and port:
    the credentials are never sent where a hostile listing points."""
    a, b = urlsplit(urljoin(base, href)), urlsplit(base)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)
