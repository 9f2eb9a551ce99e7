"""One CardDAV address book or CalDAV calendar as a ``Storage`` (``rolodex.sync.storage``).

Five requests do it all, for both kinds: PROPFIND (list with ETags), REPORT (fetch many at
once; what changed since a sync token), PUT (create with ``If-None-Match: *``, replace
with ``If-Match``) and DELETE (with ``If-Match``). Every write is conditional, so what
someone changed on the server since it was read is never overwritten: the server answers
412 and the engine merges.

Hrefs are returned as the server spells them and sent back so; an href pointing off the
collection's server is ignored, so a hostile listing cannot make us send the password
elsewhere. A server that refuses multiget is read one GET per item; one without
sync-collection is listed whole each time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import quote, urljoin, urlsplit

from rolodex.errors import ServerError
from rolodex.sync.dav import xml
from rolodex.sync.dav.http import MAX_ITEM, DavSession, Response, TooLarge, raise_for_status
from rolodex.sync.storage import Changes, Item, PreconditionFailed, TokenExpired

BATCH = 100  # hrefs per multiget: a few MiB of cards, well under the answer's cap
MAX_SYNC_ROUNDS = 1000  # a server truncating its changes (507) is asked again this often
CONTENT_TYPES = {"addressbook": "text/vcard; charset=utf-8",
                 "calendar": "text/calendar; charset=utf-8"}
DATA = {"addressbook": xml.tag(xml.CARDDAV, "address-data"),
        "calendar": xml.tag(xml.CALDAV, "calendar-data")}
_XML = {"Content-Type": "application/xml; charset=utf-8"}
_COLLECTION = xml.tag(xml.DAV, "collection")
# a REPORT refused as unknown or not allowed here (403 also means a missing privilege:
# the GET that follows then fails with AuthFailed, as it should)
_REFUSED = frozenset({400, 403, 404, 405, 409, 415, 422, 501})
# a sync-collection REPORT's token refused: RFC 6578's DAV:valid-sync-token precondition
# comes with 403 or 409 from most servers, with 412 from Xandikos
_TOKEN_REFUSED = _REFUSED | {412}
# a PUT refused with 412 and a precondition on the data itself (Xandikos names
# valid-address-data so): the server refuses the card, no one changed the item meanwhile
_DATA_CONDITIONS = frozenset(xml.tag(ns, name) for ns in (xml.CARDDAV, xml.CALDAV) for name in (
    "valid-address-data", "supported-address-data", "valid-calendar-data",
    "supported-calendar-data", "valid-calendar-object-resource", "max-resource-size",
    "no-uid-conflict"))


class DavCollection:
    """An address book (``kind="addressbook"``) or calendar (``"calendar"``) at ``url``."""

    def __init__(self, session: DavSession, url: str, kind: str) -> None:
        if kind not in CONTENT_TYPES:
            raise ValueError(f"kind must be addressbook or calendar, not {kind!r}")
        self.session, self.kind = session, kind
        self.url = urljoin(session.url, url)
        if not self.url.endswith("/"):
            self.url += "/"
        self._multiget = True
        self._sync = True

    def __repr__(self) -> str:
        return f"DavCollection({self.url!r}, {self.kind!r})"

    # -- reading -----------------------------------------------------------------------

    def list(self) -> Iterator[tuple[str, str]]:
        response = self.session.request("PROPFIND", self.url, xml.propfind(
            [xml.RESOURCETYPE, xml.GETETAG]), _XML, "1")
        status = self._multistatus(response, "PROPFIND")
        for answer in status.answers:
            etag = xml.normalize_etag(answer.text(xml.GETETAG))
            if self._member(answer) and etag is not None:
                yield answer.href, etag

    def get_many(self, hrefs: Iterable[str]) -> Iterator[Item]:
        batch: list[str] = []
        for href in hrefs:
            batch.append(href)
            if len(batch) == BATCH:
                yield from self._fetch(batch)
                batch = []
        if batch:
            yield from self._fetch(batch)

    def _fetch(self, hrefs: list[str]) -> Iterator[Item]:
        if self._multiget:
            try:
                yield from self._multiget_batch(hrefs)
                return
            except _MultigetRefused:
                self._multiget = False
        for href in hrefs:
            item = self._get(href)
            if item is not None:
                yield item

    def _multiget_batch(self, hrefs: list[str]) -> list[Item]:
        """The items, by one REPORT; a batch whose answer is past its cap is asked again
        in halves, down to one item (which may be 16 MiB)."""
        asked = {xml.href_key(h, self.url): h for h in hrefs if self._ours(h)}
        if not asked:
            return []
        try:
            response = self.session.request(
                "REPORT", self.url, xml.multiget(self.kind, asked.values()), _XML, "1",
                allow=_REFUSED)
        except TooLarge:
            if len(hrefs) == 1:
                raise
            half = len(hrefs) // 2
            return self._multiget_batch(hrefs[:half]) + self._multiget_batch(hrefs[half:])
        if response.status in _REFUSED:
            raise _MultigetRefused
        items = []
        for answer in self._multistatus(response, "REPORT").answers:
            wanted = asked.get(xml.href_key(answer.href, self.url))
            data = answer.text(DATA[self.kind])
            etag = xml.normalize_etag(answer.text(xml.GETETAG))
            if wanted is None or data is None or etag is None:
                continue  # gone meanwhile (404), or not one we asked for
            raw = data.encode("utf-8")
            if len(raw) > MAX_ITEM:
                raise ServerError(f"REPORT {self.url}: the item {answer.href} is larger than "
                                  f"{MAX_ITEM // (1024 * 1024)} MiB")
            items.append(Item(wanted, etag, raw))
        return items

    def _get(self, href: str) -> Item | None:
        if not self._ours(href):
            return None
        response = self.session.request("GET", href if "://" in href else urljoin(
            self.url, href), limit=MAX_ITEM, allow=frozenset({404, 410}))
        if response.status in (404, 410):
            return None
        etag = xml.normalize_etag(response.header("etag")) or self._etag_of(href)
        return Item(href, etag or "", response.body)

    def changes(self, token: str | None) -> Changes:
        """What changed since ``token``; without one, RFC 6578's initial report, which
        lists every member (complete: what it leaves out is gone, though a server such as
        Xandikos names no removed item in it)."""
        if not self._sync:
            return self._full_listing()
        initial = token is None
        changed: dict[str, tuple[str, str]] = {}  # by href_key: (href, etag)
        removed: dict[str, str] = {}
        for _ in range(MAX_SYNC_ROUNDS):
            response = self.session.request("REPORT", self.url, xml.sync_collection(token),
                                            _XML, "0", allow=_TOKEN_REFUSED | {507})
            if response.status in _TOKEN_REFUSED:
                if xml.tag(xml.DAV, "valid-sync-token") in xml.error_conditions(
                        response.body):
                    raise TokenExpired(f"{self.url}: the server no longer knows the token")
                # it answered for a token before, or a precondition no request without
                # one can fail: not a server without sync-collection
                if token is not None or response.status == 412:
                    raise ServerError(f"REPORT {self.url}: sync-collection refused "
                                      f"({response.status})")
                self._sync = False
                return self._full_listing()
            status = self._multistatus(response, "REPORT")
            truncated = False
            for answer in status.answers:
                key = xml.href_key(answer.href, self.url)
                if key == xml.href_key(self.url, self.url):
                    truncated = answer.status == 507
                    continue
                if not self._ours(answer.href) or answer.has(xml.RESOURCETYPE, _COLLECTION):
                    continue
                if answer.status in (404, 410):
                    removed[key] = answer.href
                    changed.pop(key, None)
                else:
                    # a server that leaves the ETag out: "" differs from any known one,
                    # so the engine fetches the item and gets it then
                    etag = xml.normalize_etag(answer.text(xml.GETETAG)) or ""
                    changed[key] = (answer.href, etag)
                    removed.pop(key, None)
            if status.sync_token is None:
                raise ServerError(f"REPORT {self.url}: sync-collection answer has no token")
            token = status.sync_token
            if not truncated:
                break
        return Changes(list(changed.values()), list(removed.values()), token, complete=initial)

    def _full_listing(self) -> Changes:
        return Changes(list(self.list()), [], None, complete=True)

    # -- writing -----------------------------------------------------------------------

    def upload(self, name: str, data: bytes) -> tuple[str, str]:
        if not name or name in (".", "..") or "/" in name:
            raise ValueError(f"not an item name: {name!r}")
        url = urljoin(self.url, quote(name, safe=""))
        response = self._put(url, data, {"If-None-Match": "*"})
        location = response.header("location")
        href = urlsplit(urljoin(url, location) if location else url).path
        etag = xml.normalize_etag(response.header("etag")) or self._etag_of(href)
        return href, etag or ""

    def update(self, href: str, data: bytes, etag: str) -> str:
        self._check(href)
        response = self._put(urljoin(self.url, href), data, {"If-Match": etag},
                             allow=frozenset({404, 410}))
        if response.status in (404, 410):
            raise PreconditionFailed(f"PUT {self.url}: the item {href} is gone from the server")
        new = xml.normalize_etag(response.header("etag")) or self._etag_of(href)
        return new or ""

    def delete(self, href: str, etag: str) -> None:
        self._check(href)
        self.session.request("DELETE", urljoin(self.url, href), headers={"If-Match": etag},
                             limit=MAX_ITEM, allow=frozenset({404, 410}))

    # -- helpers -----------------------------------------------------------------------

    def _put(self, url: str, data: bytes, condition: dict[str, str],
             allow: frozenset[int] = frozenset()) -> Response:
        """One conditional PUT. A 412 is the item changed there (PreconditionFailed, the
        engine fetches it again), unless the answer names a precondition on the data: a
        card the server will not take, which no other name or merge would make it take."""
        response = self.session.request("PUT", url, data, {
            **condition, "Content-Type": CONTENT_TYPES[self.kind]}, limit=MAX_ITEM,
            allow=allow | {412})
        if response.status == 412:
            refused = xml.error_conditions(response.body) & _DATA_CONDITIONS
            if refused:
                names = ", ".join(sorted(c.rsplit("}", 1)[-1] for c in refused))
                raise ServerError(f"PUT {url}: the server refuses the item ({names})")
            raise_for_status(response, "PUT")
        return response

    def _etag_of(self, href: str) -> str | None:
        """The ETag by PROPFIND Depth 0, for a server that sends none with its answer."""
        response = self.session.request("PROPFIND", urljoin(self.url, href), xml.propfind(
            [xml.GETETAG]), _XML, "0", allow=frozenset({404}))
        if response.status == 404:
            return None
        answers = self._multistatus(response, "PROPFIND").answers
        key = xml.href_key(href, self.url)
        mine = [a for a in answers if xml.href_key(a.href, self.url) == key] or answers[:1]
        return xml.normalize_etag(mine[0].text(xml.GETETAG)) if mine else None

    def _member(self, answer: xml.Answer) -> bool:
        """An item of this collection: not the collection itself, not a sub-collection,
        not off its server."""
        return (self._ours(answer.href)
                and xml.href_key(answer.href, self.url) != xml.href_key(self.url, self.url)
                and not answer.has(xml.RESOURCETYPE, _COLLECTION))

    def _ours(self, href: str) -> bool:
        return xml.same_origin(href, self.url)

    def _check(self, href: str) -> None:
        if not self._ours(href):
            raise ValueError(f"{href} is not on {self.url}'s server")

    def _multistatus(self, response: Response, method: str) -> xml.Multistatus:
        what = f"{method} {self.url}"
        if response.status != 207:
            raise ServerError(f"{what}: expected 207 Multi-Status, got {response.status}")
        return xml.parse_multistatus(response.body, what)


class _MultigetRefused(Exception):
    """The server does not do multiget here: fall back to GET per item."""
