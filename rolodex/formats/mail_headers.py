"""The header fields of an email message, read within fixed limits and decoded in linear time.

A mail is input from strangers: the standard library's header parser (``email.policy.default``)
took 13 s and 5.6 GB for a From of 20,000 encoded-words, its ``decode_header`` is quadratic
in their number, and its address parser recurses once per nested comment. So the bytes are
capped before anything is parsed (``MAX_MESSAGE``, ``MAX_HEADERS``, ``MAX_FIELD``), the body
is counted but never kept, fields are unfolded by one pass over the lines, encoded-words
(RFC 2047) are decoded by one regex pass, and an address list nested deeper than
``MAX_NESTING`` comments is refused before the recursive parser sees it.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from typing import BinaryIO

from rolodex.errors import FileError

MAX_MESSAGE = 64 * 1024 * 1024  # a whole message, attachments included (not kept in memory)
MAX_HEADERS = 1024 * 1024       # all header fields together
MAX_FIELD = 64 * 1024           # one header field (all its occurrences: To, To...)
MAX_NESTING = 50                # comments inside comments in an address list
_CHUNK = 64 * 1024

# A field name (printable ASCII but the colon), a folded continuation line, or mbox's
# "From " line: what email.feedparser accepts as a header line, anything else starts the body.
_HEADER_LINE = re.compile(rb"[\x21-\x39\x3b-\x7e]+[ \t]*:")
# An encoded-word: every part is a run of characters that cannot hold "?", so each
# attempt ends at the next "?" and the scan stays linear in the field's length.
_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,64})\?([qQbB])\?([^?]*)\?=")
_Q_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")
# Text codecs whose decoding is not linear in their input (IDNA, punycode): never used.
_UNSAFE_CODECS = frozenset({"idna", "punycode"})


def size_text(size: int) -> str:
    """``64 MiB``, ``64 KiB``: a limit as the user reads it."""
    return f"{size // (1024 * 1024)} MiB" if size >= 1024 * 1024 else f"{size // 1024} KiB"


def read_header_block(stream: BinaryIO) -> bytes:
    """The message's header section (up to its blank line), having read and dropped the
    body; a message or header section over its limit is refused without reading further."""
    head = bytearray()
    end = -1
    while end < 0:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        start = max(0, len(head) - 3)  # a blank line may straddle two chunks
        head += chunk
        end = _blank_line(head, start)
        if end < 0 and len(head) > MAX_HEADERS:
            raise FileError(f"the message's header is larger than the limit of "
                            f"{size_text(MAX_HEADERS)}")
    total = len(head)
    if end < 0:
        end = len(head)
    if end > MAX_HEADERS:
        raise FileError(f"the message's header is larger than the limit of "
                        f"{size_text(MAX_HEADERS)}")
    del head[end:]  # the body is never kept, only counted
    while total <= MAX_MESSAGE:
        chunk = stream.read(min(_CHUNK, MAX_MESSAGE + 1 - total))
        if not chunk:
            return bytes(head)
        total += len(chunk)
    raise FileError(f"the message is larger than the limit of {size_text(MAX_MESSAGE)}")


def _blank_line(data: bytearray, start: int) -> int:
    """Where the header section ends (the line break before the blank line), else -1."""
    found = [i for i in (data.find(b"\n\n", start), data.find(b"\n\r\n", start)) if i >= 0]
    return min(found) if found else -1


def header_fields(block: bytes, wanted: frozenset[str]) -> dict[str, list[str]]:
    """The unfolded values of the ``wanted`` fields (lower-case names), in order of
    appearance; a field over ``MAX_FIELD`` is refused by name."""
    pieces: dict[str, list[list[str]]] = {}  # joined at the end: += would be quadratic
    sizes: dict[str, int] = {}
    current: str | None = None
    lines = block.splitlines()
    for number, line in enumerate(lines):
        if line[:1] in (b" ", b"\t"):
            if current is not None:
                pieces[current][-1].append(_text(line))
                _count(sizes, current, len(line))
            continue
        if number == 0 and line.startswith(b"From "):
            continue  # the mbox separator, not a field
        match = _HEADER_LINE.match(line)
        if match is None:
            break  # as email.feedparser: the body starts at a line that is no header
        name = line[:line.index(b":")].strip().decode("ascii").lower()
        current = name if name in wanted else None
        if current is not None:
            pieces.setdefault(name, []).append([_text(line[match.end():])])
            _count(sizes, name, len(line))
    return {name: ["".join(parts) for parts in values] for name, values in pieces.items()}


def _text(raw: bytes) -> str:
    """Header bytes as text: UTF-8 (RFC 6532), else as Latin-1 so that nothing is lost."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _count(sizes: dict[str, int], name: str, size: int) -> None:
    sizes[name] = sizes.get(name, 0) + size
    if sizes[name] > MAX_FIELD:
        raise FileError(f"the message's {display_name(name)} header is larger than the limit "
                        f"of {size_text(MAX_FIELD)}")


def display_name(name: str) -> str:
    """``Message-ID``, ``From``: a field name as mail clients show it."""
    return "Message-ID" if name == "message-id" else name.title()


def comment_depth(value: str) -> int:
    """How deep comments nest in ``value``, counted so that it is never less than the
    depth the standard library's address parser recurses to (an escaped parenthesis or
    one inside quotes counts as opening, never as closing): one pass, no recursion."""
    depth = deepest = 0
    escaped = False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")" and depth:
            depth -= 1
    return deepest


def decode_words(text: str) -> str:
    """``text`` with its RFC 2047 encoded-words decoded, in one pass: whitespace between two
    encoded-words is dropped, and adjacent words of one charset are joined before decoding
    (a mailer may split one UTF-8 character across two words). A word that cannot be
    decoded stays as written."""
    parts: list[str] = []
    run: list[bytes] = []  # the bytes of adjacent encoded-words of one charset
    charset = ""
    position = 0
    after_word = False
    for match in _ENCODED_WORD.finditer(text):
        between = text[position:match.start()]
        position = match.end()
        word = _word_bytes(match[2], match[3])
        if word is None:
            _flush(parts, run, charset)
            parts.append(between + match[0])
            after_word = False
            continue
        name = match[1].split("*", 1)[0].lower()  # RFC 2231 adds *LANGUAGE
        if not (after_word and not between.strip()):
            _flush(parts, run, charset)
            parts.append(between)
        elif name != charset:
            _flush(parts, run, charset)
        charset = name
        run.append(word)
        after_word = True
    _flush(parts, run, charset)
    parts.append(text[position:])
    return "".join(parts)


def _word_bytes(encoding: str, encoded: str) -> bytes | None:
    """The bytes an encoded-word's text stands for; None when it is not valid."""
    try:
        raw = encoded.encode("ascii")
    except UnicodeEncodeError:
        return None
    if encoding in "qQ":
        return _Q_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), raw.replace(b"_", b" "))
    try:
        return base64.b64decode(raw + b"=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        return None


def _flush(parts: list[str], run: list[bytes], charset: str) -> None:
    """Decode the pending run of encoded-words into ``parts`` and empty it."""
    if run:
        parts.append(b"".join(run).decode(_codec(charset), "replace"))
        run.clear()


def _codec(charset: str) -> str:
    """The text codec for a charset name; UTF-8 for a name Python does not know, or one
    that is no character set (``zlib``, ``rot13``) or is slow to decode (punycode)."""
    try:
        info = codecs.lookup(charset)
    except LookupError:
        return "utf-8"
    if not getattr(info, "_is_text_encoding", True) or info.name in _UNSAFE_CODECS:
        return "utf-8"
    return info.name
