"""How a CSV file is written, before its header is read: the encoding (a byte-order mark,
else strict UTF-8, else Windows-1252 for Outlook's own exports) and the delimiter."""

from __future__ import annotations

import csv
import re

from rolodex.errors import FileError, InvalidInput
from rolodex.formats.csv_columns import fold_header, outlook_language

PREAMBLE = 10  # one-cell lines that may come before the header


def codec(data: bytes, source: str, encoding: str | None) -> tuple[str, str]:
    """The codec that reads the file (the given encoding, else a BOM's, else strict UTF-8)
    and its first line, after checking that all of it decodes: never replacement
    characters, as a wrong guess would silently corrupt names."""
    boms = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
            (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
    chosen = encoding or next((name for bom, name in boms if data.startswith(bom)), "utf-8")
    try:
        try:
            text = data.decode(chosen)
        except UnicodeError:
            if encoding is not None or chosen != "utf-8" or not _outlook_ansi(data):
                raise
            chosen, text = "cp1252", data.decode("cp1252")
    except LookupError:
        raise InvalidInput(f"unknown encoding '{encoding}'",
                           hint="e.g. utf-8, cp1252, latin-1, utf-16, shift_jis") from None
    except UnicodeError as exc:
        start = getattr(exc, "start", 0)
        line = len(re.findall(r"\r\n|\r|\n", data[:start].decode(chosen, "replace"))) + 1
        shown = "UTF-8" if chosen in ("utf-8", "utf-8-sig") else chosen
        raise FileError(f"{source}: line {line}: not {shown} text",
                        hint="give the file's encoding, e.g. --encoding cp1252") from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise FileError(f"{source}: the file is empty", hint="a CSV file starts with a header")
    head = text[:64 * 1024]
    if encoding is None and "\x00" in head.partition("\n")[0]:
        raise FileError(f"{source}: line 1: looks like UTF-16 text without a byte-order mark",
                        hint="give the file's encoding, e.g. --encoding utf-16-le")
    return chosen, head


def _outlook_ansi(data: bytes) -> bool:
    """Whether bytes that are not UTF-8 are an Outlook export in Windows-1252, as
    Outlook writes them on a Western European Windows: its header line, read so, names
    Outlook's columns (in English, German, French or Spanish). Anything else that is not
    UTF-8 still needs --encoding: a guess would corrupt names silently."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    first = text[:64 * 1024].splitlines()[0] if text.strip() else ""
    cells = next(csv.reader([first], delimiter=sniff_delimiter(first)), [])
    return outlook_language({fold_header(c) for c in cells}) is not None


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever the header line has most of outside quotes
    (csv.Sniffer guesses from letters too and gets short headers wrong). The header is the
    first line with any of them: a preamble (LinkedIn's ``Notes:``) has none; Excel's
    ``sep=;`` line says it outright."""
    found = re.match(r"\ufeff?sep=([,;\t|])\s*$", text.partition("\n")[0])
    if found:
        return found[1]
    counts, quoted, lines = dict.fromkeys(",;\t", 0), False, 0
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            lines += 1
            if any(counts.values()) or lines > PREAMBLE:
                break
        elif not quoted and char in counts:
            counts[char] += 1
    return max(counts, key=lambda d: counts[d])  # ties: the first, comma
