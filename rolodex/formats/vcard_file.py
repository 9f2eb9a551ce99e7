"""A .vcf file read into cards: ``read_cards`` and ``VCardFile``, and what is done to the
bytes before any line is parsed (BOMs, a known or given encoding, CR CR LF and CR-only
line ends, whether the file is UTF-8 throughout).

Bytes and charsets: the file is viewed through latin-1 (one char per byte, lossless), so
lines are split and unfolded on bytes, which heals a fold that splits a UTF-8 character,
and then ``vcard_syntax`` decodes each property on its own. A ``str``, a UTF-16/32 BOM or
the user's ``encoding`` decode the whole file first, and then CHARSET no longer applies to
plain values. Apart from ``vcard_syntax`` because this is about the file, not its grammar.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from rolodex.errors import FileError
from rolodex.formats.vcard_props import Card, CardError
from rolodex.formats.vcard_syntax import DECODE_FAILED, HINT, Reader
from rolodex.memory import gc_paused

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def read_cards(data: bytes | str, *, source: str = "-", encoding: str | None = None
               ) -> tuple[list[Card], list[CardError]]:
    """The cards of a .vcf file and the ones that could not be read.

    Raises FileError only when the bytes are not text in the expected encoding: importing
    mojibake would be worse than asking the user for ``--encoding``.
    """
    cards: list[Card] = []
    errors: list[CardError] = []
    # A big file makes millions of small objects and no cycles: the cyclic collector would
    # rescan all of them again and again (8.8 s instead of 2.7 s for 100,000 cards).
    with gc_paused():
        for found in VCardFile(data, source=source, encoding=encoding):
            (errors if type(found) is CardError else cards).append(found)
    return cards, errors


class VCardFile:
    """A .vcf file read one card at a time, in file order: a Card, or a CardError for a
    card that could not be read. An import streams it, so a file of 100,000 cards never
    holds more than one card's objects at once; ``read_cards`` is the same reading as lists.

    ``safe``: no card can raise FileError (the bytes are UTF-8 throughout), so a caller
    may act on the first cards before it has seen the last. Otherwise a caller that must
    not act before knowing can call ``check()`` first, which reads the file once.
    """

    def __init__(self, data: bytes | str, *, source: str = "-", encoding: str | None = None
                 ) -> None:
        raw, self.decoded = _as_bytes(data, source, encoding)
        self.source, self.encoding = source, encoding
        self.plain = raw.isascii()
        self.safe = self.plain or _is_utf8(raw)
        self.expected = len(_BEGIN.findall(raw))  # for a progress bar: cards, roughly
        if b"\r" in raw:  # the same on bytes as on their latin-1 view, and one copy less
            if b"\r\r\n" in raw:
                raw = raw.replace(b"\r\r\n", b"\n")
            raw = raw.replace(b"\r\n", b"\n")
            # Mostly-CR files end lines with CR; elsewhere a lone CR is part of a value.
            if raw.count(b"\r") > raw.count(b"\n"):
                raw = raw.replace(b"\r", b"\n")
        self.text = raw.decode("latin-1")

    def check(self) -> None:
        """Raise the FileError reading would raise, before anything is done with a card."""
        if not self.safe:
            for _ in self:
                pass
            self.safe = True

    def __iter__(self) -> Iterator[Card | CardError]:
        reader = Reader(self.source, self.encoding if self.decoded else None, self.plain,
                        self.decoded)
        return reader.run(_lines(self.text))


_BEGIN = re.compile(rb"(?i)BEGIN:VCARD")


def _is_utf8(raw: bytes, size: int = 1 << 20) -> bool:
    """Whether the bytes are UTF-8, checked a megabyte at a time (decoding all at once
    would hold the whole file again, up to four times its size)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    try:
        for start in range(0, len(raw), size):
            decoder.decode(view[start:start + size])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _lines(text: str, size: int = 1 << 20) -> Iterator[str]:
    """``text.split("\\n")`` a megabyte at a time, so a big file's lines are never all alive."""
    start = 0
    while True:
        cut = text.find("\n", start + size)
        if cut < 0:
            yield from text[start:].split("\n")
            return
        yield from text[start:cut].split("\n")
        start = cut + 1


def _as_bytes(data: bytes | str, source: str, encoding: str | None) -> tuple[bytes, bool]:
    """The file as bytes, and whether they are UTF-8 already decoded from a known encoding."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff").encode("utf-8", "surrogatepass"), True
    if encoding is None:
        if data.startswith(codecs.BOM_UTF8):
            return data[3:], False
        encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
        if encoding is None and b"\x00" in data[:4]:
            encoding = "utf-16-be" if data[:1] == b"\x00" else "utf-16-le"
        if encoding is None:
            return data, False
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        before = data[:exc.start].decode(encoding, "replace")
        line = before.count("\n") + 1 if "\n" in before else before.count("\r") + 1
        raise FileError(f"{source}: line {line}: not {encoding} text", hint=HINT) from None
    except DECODE_FAILED:
        raise FileError(f"{source}: unknown encoding {encoding!r}", hint=HINT) from None
    return text.removeprefix("\ufeff").encode("utf-8", "surrogatepass"), True
