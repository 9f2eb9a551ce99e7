"""The content-line layer of vCard 2.1, 3.0 and 4.0: a file's lines to cards of properties
(``vcard_file`` turns the bytes into those lines; the way back out is ``vcard_lines``).

Not vobject, because import must be lossless (every property, group and parameter comes
back out), lenient with what real clients write (quoted-printable soft breaks, broken
folding, bare 2.1 parameters), able to name the card and line it cannot read, and fast on
big address books; so this is str methods and precompiled regexes whose quantifiers are
possessive, which fuzzed input cannot make backtrack.

Lines arrive as their bytes viewed through latin-1 (see ``vcard_file``); each property is
decoded here, on its own: with its 2.1 CHARSET parameter when it has one, else as UTF-8.
Bytes neither explains stop the import with a FileError naming the line, never with
replacement characters.
"""

from __future__ import annotations

import binascii
import codecs
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from rolodex.errors import FileError
from rolodex.formats.input_limits import (
    MAX_LINE_CHARS,
    MAX_RECORD_CHARS,
    line_too_long,
    record_too_long,
)
from rolodex.formats.vcard_props import Card, CardError, Prop

HINT = "give the file's encoding, e.g. --encoding cp1252"
# A line that can start a property. '/' and '_' are not in the RFCs, but KDE wrote names like
# X-messaging/aim-All: reading those as broken folding would glue them onto another value.
_PROP_START = re.compile(r"(?:[A-Za-z0-9_-]+\.)?[A-Za-z0-9_/-]+[;:]")
# group, name and parameters up to the first ':' outside double quotes.
_HEAD = re.compile(r'(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_/-]+)((?:;(?:[^";:]++|"[^"]*+")*+)*+):')
_LOOSE_HEAD = re.compile(r"(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_/-]+)([^:]*+):")  # stray quotes
_PARAM_ITEM = re.compile(r';((?:[^";]++|"[^"]*+"?)*+)')
_VALUE_TOKEN = re.compile(r'"[^"]*+"?|[^,"]++|,')
_CARD_EDGE = re.compile(r"(?:BEGIN|END):VCARD\s*$", re.I)
_BARE_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "B", "7BIT", "8BIT"}
_BARE_VALUES = {"INLINE", "URL", "CONTENT-ID", "CID"}
DECODE_FAILED = (UnicodeError, LookupError, ValueError)  # also a CHARSET naming no text codec


class Reader:
    """One pass over the lines: properties are gathered as raw pieces, then parsed."""

    def __init__(self, source: str, encoding: str | None, plain: bool, decoded: bool) -> None:
        self.source, self.encoding = source, encoding
        self.plain = plain  # an ASCII file: no value needs decoding
        self.decoded = decoded  # True: CHARSET no longer applies to plain values
        self.out: list[Card | CardError] = []  # found since the last line was read
        self.found = False  # any card or error at all
        self.card: Card | None = None
        self.problem: str | None = None
        self.index = 0
        self.size = 0  # characters of the open card's properties
        self.stray = 0  # first line of content outside any card since the last card
        self.first_stray = 0

    def run(self, lines: Iterable[str]) -> Iterator[Card | CardError]:
        """Cards and errors in file order, each as soon as its last line is read."""
        prop_start, flush, out = _PROP_START.match, self.flush, self.out
        pieces: list[str] | None = None
        start = 0
        qp: bool | None = False  # None until a soft break makes it worth knowing
        for number, line in enumerate(lines, 1):
            if out:
                yield from out
                out.clear()
            if pieces is not None:
                if pieces[-1][-1:] == "=":  # a quoted-printable soft break joins any line
                    if qp is None:
                        qp = "QUOTED-PRINTABLE" in "".join(pieces).partition(":")[0].upper()
                    if qp and not _CARD_EDGE.match(line):
                        pieces[-1] = pieces[-1][:-1]
                        pieces.append(line)
                        continue
                if line[:1] in (" ", "\t"):
                    pieces.append(line[1:])
                    continue
            if not line or line.isspace():
                if pieces is not None:
                    flush(start, pieces)
                    pieces = None
            elif prop_start(line):
                if pieces is not None:
                    flush(start, pieces)
                pieces, start, qp = [line], number, None
                if line[0] in "BbEe" and _CARD_EDGE.match(line):  # these take no continuation
                    flush(start, pieces)
                    pieces = None
            elif pieces is not None:  # broken folding: keep the text, unfolded as written
                pieces.append(line)
            elif self.card is not None:
                self.problem = self.problem or f"line {number}: not a property: {line[:40]!r}"
            else:
                self.stray = self.stray or number
                self.first_stray = self.first_stray or number
        if pieces is not None:
            flush(start, pieces)
        if self.card is not None:
            self.fail(self.card, f"card not closed (BEGIN:VCARD at line {self.card.line})")
        if not self.found and not out and self.first_stray:
            out.append(CardError(self.source, 1, self.first_stray,
                                 "no BEGIN:VCARD in this file: not a vCard"))
        yield from out
        out.clear()

    def fail(self, card: Card, reason: str) -> None:
        self.out.append(CardError(self.source, card.index, card.line, reason))
        self.found = True
        self.card, self.problem = None, None

    def flush(self, start: int, pieces: list[str]) -> None:
        """Parse one unfolded property and add it to the open card (or open/close one)."""
        text = pieces[0] if len(pieces) == 1 else "".join(pieces)
        colon = text.find(":")
        head = _HEADS.get(text[:colon]) if colon > 0 else None
        if head is None:
            head = _read_head(text)
            if head is None:
                if self.card is not None:
                    self.problem = self.problem or f"line {start}: no ':' in {text[:40]!r}"
                return
        group, name, params_text, end, shared, charset, encoding = head
        value = text[end:]
        card = self.card
        if name in ("BEGIN", "END") and group is None and value.strip().upper() == "VCARD":
            if name == "BEGIN":
                if card is not None:
                    self.fail(card, f"card not closed: BEGIN:VCARD again at line {start}")
                self.index += 1
                self.card, self.problem, self.stray = Card(None, [], self.index, start), None, 0
                self.size = 0
            elif card is None:
                self.index += 1
                self.out.append(CardError(self.source, self.index, self.stray or start,
                                          f"line {start}: END:VCARD without BEGIN:VCARD"))
                self.found = True
                self.stray = 0
            elif self.problem:
                self.fail(card, self.problem)
            else:
                self.out.append(card)
                self.found = True
                self.card = None
            return
        if card is None:
            self.stray = self.stray or start
            self.first_stray = self.first_stray or start
            return
        self.size += len(text)
        big = len(text) > MAX_LINE_CHARS or self.size > MAX_RECORD_CHARS
        if self.problem or (big and self.too_big(name, text[:end], len(value), start)):
            return  # a failed card: its properties are not kept
        if name == "VERSION" and group is None:
            card.version = card.version or _version(value)
            return
        params = [(key, list(values)) for key, values in shared] if shared else []
        done = False
        if encoding == "QUOTED-PRINTABLE":
            value, done = self.decode_qp(value, charset), True
        elif encoding:  # B or BASE64, kept as a parameter
            value = "".join(value.split())
        if params and not self.plain and not params_text.isascii():
            params = [(key, [self.decode(v, charset, start) for v in values])
                      for key, values in params]
        if not (self.plain or done or value.isascii()):
            value = self.decode(value, charset, start, pieces, len(text) - len(value))
        card.props.append(Prop(name, value, params, group, start))

    def too_big(self, name: str, head: str, length: int, start: int) -> bool:
        """Whether a property or the card so far is past ``input_limits`` (a problem)."""
        problem = line_too_long(name, head, length) or (
            record_too_long("card") if self.size > MAX_RECORD_CHARS else None)
        self.problem = self.problem or (problem and f"line {start}: {problem}")
        return problem is not None

    def decode(self, text: str, charset: str | None, start: int,
               pieces: list[str] | None = None, offset: int = 0) -> str:
        """Latin-1 viewed bytes as text: CHARSET first (unless the file was decoded), UTF-8."""
        raw = text.encode("latin-1")
        names = ["utf-8"] if self.decoded else list(dict.fromkeys((_codec(charset), "utf-8")))
        names = [name for name in names if name]
        failed: Exception | None = None
        for name in names:
            try:
                return raw.decode(name)
            except DECODE_FAILED as exc:
                failed = exc
        line = start
        if pieces and isinstance(failed, UnicodeDecodeError):
            position = offset + failed.start
            for piece in pieces:
                if position < len(piece):
                    break
                position -= len(piece)
                line += 1
        what = "UTF-8" if names == ["utf-8"] else f"{charset} or UTF-8"
        raise FileError(f"{self.source}: line {line}: not {what} text", hint=HINT)

    def decode_qp(self, text: str, charset: str | None) -> str:
        """Quoted-printable bytes as text. They are ASCII in the file, so no byte is in doubt:
        Outlook writes its Windows code page without CHARSET, hence the cp1252 fallback."""
        raw = binascii.a2b_qp(text.encode("latin-1"))
        for name in (_codec(charset), _codec(self.encoding), "utf-8", "cp1252", "latin-1"):
            if name:
                try:
                    decoded = raw.decode(name)
                except DECODE_FAILED:
                    continue
                return decoded.replace("\r\n", "\n").replace("\r", "\n")
        return raw.decode("latin-1")  # unreachable: latin-1 decodes every byte


# What a property's head (group, name, parameters: all before the value) says, by its text:
# an address book repeats a few dozen heads (EMAIL;TYPE=work...) a hundred thousand times.
_HEADS: dict[str, tuple] = {}
_HEADS_MAX = 4096


def _read_head(text: str) -> tuple | None:
    """(group, NAME, parameters' text, where the value starts, parameters as tuples with
    ENCODING and CHARSET taken out (ENCODING=B kept), CHARSET, ENCODING); None without a
    ':'. Heads without double quotes end at the first ':', so they are remembered by
    that text, for the next property that has the same one."""
    match = _HEAD.match(text) or _LOOSE_HEAD.match(text)
    if match is None:
        return None
    group, name, params_text = match.groups()
    params = _parse_params(params_text) if params_text else []
    charset = encoding = None
    kinds = {key: values[0] for key, values in params
             if key in ("ENCODING", "CHARSET") and values}
    if kinds:
        charset = kinds.get("CHARSET")
        encoding = kinds.get("ENCODING", "").upper()
        keep = ("ENCODING",) if encoding in ("B", "BASE64") else ()
        params = [p for p in params if p[0] not in ("ENCODING", "CHARSET") or p[0] in keep]
        if encoding != "QUOTED-PRINTABLE" and not keep:
            encoding = None
    head = (group, name.upper(), params_text, match.end(),
            tuple((key, tuple(values)) for key, values in params), charset, encoding)
    key = text[:match.end() - 1]
    if '"' not in key:
        if len(_HEADS) >= _HEADS_MAX:
            _HEADS.clear()
        _HEADS[key] = head
    return head


@lru_cache(maxsize=64)
def _codec(name: str | None) -> str | None:
    """The text codec a CHARSET names; None for an unknown one or one that interprets its
    input (unicode_escape) instead of decoding it."""
    try:
        info = codecs.lookup(name) if name else None
    except DECODE_FAILED:
        return None
    if info is None or "escape" in info.name or not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def _version(value: str) -> str:
    value = value.strip()
    return value + ".0" if value.isdigit() else value


def _parse_params(text: str) -> list[tuple[str, list[str]]]:
    """``;TYPE=work,voice;CELL;LABEL="a;b"`` as (NAME, values) pairs; bare 2.1 words become
    TYPE (or ENCODING/VALUE for the words that are those), so readers ask one way."""
    items = _PARAM_ITEM.findall(text) if '"' in text else text[1:].split(";")
    out: list[tuple[str, list[str]]] = []
    for item in items:
        key, equals, raw = item.partition("=")
        key = key.strip().upper()
        if not key:  # Evolution writes empty parameters (";;", ";:")
            continue
        if equals:
            out.append((key, _param_values(raw)))
        elif key in _BARE_ENCODINGS:
            out.append(("ENCODING", [item.strip()]))
        elif key in _BARE_VALUES:
            out.append(("VALUE", [item.strip()]))
        elif out and out[-1][0] == "TYPE":
            out[-1][1].extend(_param_values(item.strip()))
        else:
            out.append(("TYPE", _param_values(item.strip())))
    return out


def _param_values(raw: str) -> list[str]:
    if '"' not in raw:
        return raw.split(",")
    values, current = [], ""
    for token in _VALUE_TOKEN.findall(raw):
        if token == ",":
            values.append(current)
            current = ""
        elif token[0] == '"':
            current += token[1:-1] if len(token) > 1 and token[-1] == '"' else token[1:]
        else:
            current += token
    values.append(current)
    return values
