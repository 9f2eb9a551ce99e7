"""vCard values and content lines as text: escaping, structured and list values, and
writing a property, a folded line and a whole card.

The reader (``vcard_syntax``) turns lines into ``Prop`` objects; this module is what both
directions share about values, and all of the writing.
"""

from __future__ import annotations

import re

from rolodex.formats.vcard_props import Prop

_UNESCAPE = re.compile(r"\\(.)", re.S)
_UNESCAPES = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\"}
_SPLIT = {sep: re.compile(rf"\\.?|{sep}|[^\\{sep}]++", re.S) for sep in ";,"}
_NEEDS_QUOTES = re.compile(r"[:;,\s]")


def unescape(text: str) -> str:
    """Text value to text: ``\\n`` ``\\N`` ``\\,`` ``\\;`` ``\\\\``; unknown escapes stay as
    written, because real files have paths and regexes with backslashes in them."""
    if "\\" not in text:
        return text
    return _UNESCAPE.sub(lambda m: _UNESCAPES.get(m[1], m[0]), text)


def escape(text: str) -> str:
    """Text to a text value; CR LF and CR become newlines, which is all vCard can say."""
    text = text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def _split(value: str, sep: str) -> list[str]:
    if "\\" not in value:
        return value.split(sep)
    parts, current = [], []
    for token in _SPLIT[sep].findall(value):
        if token == sep:
            parts.append(unescape("".join(current)))
            current = []
        else:
            current.append(token)
    parts.append(unescape("".join(current)))
    return parts


def split_structured(value: str) -> list[str]:
    """N, ADR, ORG... components, each unescaped; ``\\;`` stays inside its component."""
    return _split(value, ";")


def split_list(value: str) -> list[str]:
    """CATEGORIES, NICKNAME... items, each unescaped; ``\\,`` stays inside its item."""
    return _split(value, ",")


def join_structured(parts: list[str]) -> str:
    """The inverse of split_structured."""
    return ";".join(escape(part) for part in parts)


def _quote(value: str) -> str:
    if not _NEEDS_QUOTES.search(value):
        return value
    # A parameter value cannot hold a double quote or a line break in 3.0.
    return '"' + value.replace('"', "'").replace("\r", " ").replace("\n", " ") + '"'


def format_prop(prop: Prop) -> str:
    """One unfolded content line. Line breaks left in a value (quoted-printable text read
    from 2.1) are written as ``\\n``, the only way a line break survives in 3.0 and 4.0."""
    head = f"{prop.group}.{prop.name}" if prop.group else prop.name
    for key, values in prop.params:
        head += f";{key}={','.join(_quote(v) for v in values)}"
    value = prop.value
    if "\n" in value or "\r" in value:
        value = value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")
    return f"{head}:{value}"


def fold(line: str) -> str:
    """Fold at 75 octets with CRLF and a space, cutting only between UTF-8 characters, since
    readers that decode each physical line would otherwise see broken bytes."""
    if len(line) <= 75 and line.isascii():
        return line
    data = line.encode("utf-8", "surrogatepass")
    if len(data) <= 75:
        return line
    chunks, start, limit = [], 0, 75
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: back up to the char start
            cut -= 1
        chunks.append(data[start:cut].decode("utf-8", "surrogatepass"))
        start, limit = cut, 74
    chunks.append(data[start:].decode("utf-8", "surrogatepass"))
    return "\r\n ".join(chunks)


def write_card(version: str, props: list[Prop]) -> str:
    """A whole card with CRLF line ends, as RFC 2426 and 6350 ask and every reader accepts."""
    lines = ["BEGIN:VCARD", f"VERSION:{version}", *(fold(format_prop(p)) for p in props),
             "END:VCARD", ""]
    return "\r\n".join(lines)
