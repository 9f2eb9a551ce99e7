"""HTTP for DAV: one ``requests`` session per server, every failure one line with its exit code.

A server is a stranger: its answers are read in chunks up to a cap (a body past it is a
ServerError naming the cap, never a machine out of memory), within a time budget (a server
that drips a byte every few seconds is cut off), and no message ever holds the password.

Redirects are followed here rather than by ``requests``, which turns a 301/302 into a GET
and so loses a PROPFIND (RFC 6764's ``/.well-known`` answers with exactly those); each hop
is held to the same rule as the first: HTTPS, unless to this machine or ``insecure``. The
credentials go with every request of the session, to whichever host discovery led to (a
domain's ``/.well-known/carddav`` commonly points at another host): HTTPS keeps them safe.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from rolodex import __version__
from rolodex.errors import AuthFailed, InvalidInput, ServerError, TLSFailed, Unreachable
from rolodex.sync.storage import PreconditionFailed

if TYPE_CHECKING:
    import requests

MIB = 1024 * 1024
MAX_MULTISTATUS = 64 * MIB  # a PROPFIND or REPORT answer
MAX_ITEM = 16 * MIB  # one vCard or iCalendar object
MAX_REDIRECTS = 10
ANSWER_BUDGET = 20  # a whole answer may take this many timeouts (a drip-feed is cut off)
DEFAULT_TIMEOUT = 30.0  # seconds; $ROLODEX_DAV_TIMEOUT overrides it (a slow server, tests)
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_CHUNK = 64 * 1024


class TooLarge(ServerError):
    """An answer past its cap; a multiget caller may ask again for fewer items."""


class UnexpectedStatus(ServerError):
    """A 4xx other than auth or precondition (404, 405...), or a success not expected
    (200 for a PROPFIND): discovery tries elsewhere on it, where other errors end it."""


@dataclass(frozen=True)
class Response:
    """An answer read whole (up to its cap): the URL it came from after redirects."""

    status: int
    url: str
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def configured_timeout() -> float:
    """``$ROLODEX_DAV_TIMEOUT`` (seconds, > 0) when set, else ``DEFAULT_TIMEOUT``: a server
    on a slow link may need longer, a test of a hung server wants a second, not thirty."""
    raw = os.environ.get("ROLODEX_DAV_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3600:
        raise InvalidInput(f"ROLODEX_DAV_TIMEOUT must be a number of seconds (0 to 3600), "
                           f"not '{raw[:40]}'")
    return seconds


def redact(url: str) -> str:
    """The URL without any user:password@ part, fit for a message."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def require_https(url: str, insecure: bool) -> None:
    """Plain HTTP sends the password and the address book in the clear: refuse it, except
    to this machine (a local server, the tests) or when the user said ``--insecure``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TLSFailed(f"not an http(s) URL: {redact(url)}")
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS and not insecure:
        raise TLSFailed(f"{redact(url)} is plain HTTP: the password would travel in the clear",
                        hint="use https://, or pass --insecure to allow plain HTTP anyway")


class DavSession:
    """A server's base URL and credentials, and a pooled ``requests.Session`` to talk to it.

    ``verify``: verify certificates (True), against a CA bundle (a path), or not (False).
    ``timeout``: seconds to connect and between two reads (``configured_timeout()`` unless
    told); a whole answer may take at most ``ANSWER_BUDGET`` times that.
    """

    def __init__(self, url: str, user: str | None = None, password: str | None = None, *,
                 insecure: bool = False, verify: bool | str = True,
                 timeout: float | None = None) -> None:
        parts = urlsplit(url)
        if parts.username is not None and user is None:  # https://jane:pw@host/ works too
            from urllib.parse import unquote

            user, password = unquote(parts.username), unquote(parts.password or "")
        self.url = redact(url)
        require_https(self.url, insecure)
        self.user, self._password = user, password
        self.insecure, self.verify = insecure, verify
        self.timeout = configured_timeout() if timeout is None else timeout
        self._session: requests.Session | None = None

    def __repr__(self) -> str:  # never the password, not even in a traceback's locals
        return f"DavSession({self.url!r}, user={self.user!r})"

    def _requests(self) -> requests.Session:
        if self._session is None:
            import requests
            from requests.auth import HTTPBasicAuth

            session = requests.Session()
            session.headers["User-Agent"] = f"rolodex/{__version__}"
            session.verify = self.verify
            if self.user is not None:
                session.auth = HTTPBasicAuth(self.user, self._password or "")
            self._session = session
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def __enter__(self) -> DavSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, method: str, url: str, body: bytes | None = None,
                headers: dict[str, str] | None = None, depth: str | None = None, *,
                limit: int | None = None, allow: frozenset[int] = frozenset()) -> Response:
        """Send one request (``url`` relative to the base URL), follow redirects, read the
        answer up to ``limit`` bytes (``MAX_MULTISTATUS`` unless told). A 2xx answer or one
        with a status in ``allow`` is returned; any other status raises
        (``raise_for_status``)."""
        limit = MAX_MULTISTATUS if limit is None else limit
        headers = dict(headers or {})
        if depth is not None:
            headers["Depth"] = depth
        target = urljoin(self.url, url)
        for _ in range(MAX_REDIRECTS + 1):
            require_https(target, self.insecure)
            response = self._send(method, target, body, headers, limit)
            location = response.header("location")
            if response.status in (301, 302, 303, 307, 308) and location:
                target = urljoin(target, location)
                continue
            if response.status == 401 and self._switch_to_digest(response):
                response = self._send(method, target, body, headers, limit)
            if 200 <= response.status < 300 or response.status in allow:
                return response
            raise_for_status(response, method)
        raise ServerError(f"{method} {redact(url)}: more than {MAX_REDIRECTS} redirects")

    def _switch_to_digest(self, response: Response) -> bool:
        """Basic first (one round trip, what most servers take); Digest when asked for."""
        from requests.auth import HTTPBasicAuth, HTTPDigestAuth

        session = self._requests()
        challenge = (response.header("www-authenticate") or "").lower()
        if "digest" in challenge and "basic" not in challenge and isinstance(
                session.auth, HTTPBasicAuth):
            session.auth = HTTPDigestAuth(self.user or "", self._password or "")
            return True
        return False

    def _send(self, method: str, url: str, body: bytes | None, headers: dict[str, str],
              limit: int) -> Response:
        import requests

        shown = f"{method} {redact(url)}"
        try:
            raw = self._requests().request(method, url, data=body, headers=headers,
                                           timeout=self.timeout, stream=True,
                                           allow_redirects=False)
            try:
                data = _read_capped(raw, limit, shown, self.timeout * ANSWER_BUDGET)
            finally:
                raw.close()
        except requests.exceptions.SSLError as exc:
            raise TLSFailed(f"{shown}: TLS failed: {_reason(exc)}",
                            hint="check the server's certificate (or its CA bundle)") from None
        except requests.exceptions.Timeout:
            raise Unreachable(f"{shown}: no answer within {self.timeout:g} s") from None
        except (requests.exceptions.ConnectionError,
                requests.exceptions.ChunkedEncodingError) as exc:
            raise Unreachable(f"{shown}: {_reason(exc)}") from None
        except requests.exceptions.RequestException as exc:
            raise Unreachable(f"{shown}: {type(exc).__name__}") from None
        return Response(raw.status_code, url, {k.lower(): v for k, v in raw.headers.items()},
                        data)


def _read_capped(raw: Any, limit: int, shown: str, budget: float) -> bytes:
    deadline = time.monotonic() + budget
    declared = raw.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"{shown}: the answer is larger than {limit // MIB} MiB")
    chunks, size = [], 0
    for chunk in raw.iter_content(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"{shown}: the answer is larger than {limit // MIB} MiB")
        if time.monotonic() > deadline:
            raise Unreachable(f"{shown}: the answer took more than {budget:g} s")
        chunks.append(chunk)
    return b"".join(chunks)


def _reason(exc: BaseException) -> str:
    """A few words for a connection failure; requests' own text is a paragraph of pools."""
    text = str(exc)
    for needle, words in (("Name or service not known", "no such host"),
                          ("nodename nor servname", "no such host"),
                          ("getaddrinfo", "no such host"),
                          ("Temporary failure in name resolution", "no such host"),
                          ("Connection refused", "connection refused"),
                          ("timed out", "the server stopped answering (timed out)"),
                          ("CERTIFICATE_VERIFY_FAILED", "certificate verify failed"),
                          ("hostname mismatch", "certificate is for another host"),
                          ("doesn't match", "certificate is for another host"),
                          ("Connection reset", "connection reset"),
                          ("RemoteDisconnected", "the server closed the connection"),
                          ("Connection aborted", "the server closed the connection"),
                          ("IncompleteRead", "the answer was cut off"),
                          ("Network is unreachable", "network is unreachable"),
                          ("No route to host", "no route to host")):
        if needle in text:
            return words
    return "connection failed"


def raise_for_status(response: Response, method: str) -> None:
    """The error for a status no caller allowed: auth, precondition, server, protocol."""
    shown = f"{method} {redact(response.url)}"
    status = response.status
    if status in (401, 403):
        raise AuthFailed(f"{shown}: the server refused the credentials ({status})",
                         hint="check the user name and password")
    if status == 412 and method in ("PUT", "DELETE"):  # our If-Match / If-None-Match
        raise PreconditionFailed(f"{shown}: the item changed on the server since it was read")
    if status >= 500:
        raise ServerError(f"{shown}: server error {status}")
    raise UnexpectedStatus(f"{shown}: the server answered {status}")
