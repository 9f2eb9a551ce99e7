"""The CSV options of ``import`` and ``export`` (``--delimiter``, ``--encoding``), checked
before any file is read or written, so a typo fails with nothing done."""

from __future__ import annotations

import codecs

from rolodex.errors import FileError, InvalidInput

_NAMED = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


def csv_delimiter(text: str) -> str:
    """One character (``;``, ``|``) or a name (``tab``, ``\\t``), never a quote or a line end."""
    found = _NAMED.get(text.lower(), text)
    if len(found) != 1 or found in '"\r\n' or found.isalnum() or found == " ":
        raise InvalidInput(f"--delimiter is one character such as ',' ';' '|' or 'tab',"
                           f" not {text!r}")
    return found


def check_encoding(name: str) -> None:
    """Whether Python knows the encoding (utf-8, utf-8-sig, cp1252, utf-16, shift_jis...)."""
    try:
        codecs.lookup(name)
    except LookupError:
        raise InvalidInput(f"unknown encoding '{name}'",
                           hint="e.g. utf-8, utf-8-sig (for Excel), cp1252, utf-16") from None


def encoded(text: str, encoding: str) -> bytes:
    """The text in the encoding, or a FileError naming the first line and character it
    cannot hold (a Japanese name in cp1252): never a file with question marks in it."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        char = text[exc.start]
        raise FileError(f"line {line}: {encoding} cannot hold the character {char!r}",
                        hint="export with --encoding utf-8 or utf-8-sig") from None
