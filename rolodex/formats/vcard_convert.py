"""A kept vCard property written in another version: 2.1 and 3.0 (RFC 2426) to 4.0 (RFC
6350) and back, in the syntax the target version and the clients that read it expect.

What differs, and what each side writes (Apple, Google, Outlook, Thunderbird, Android):

- preference: ``TYPE=PREF`` (2.1, 3.0) and ``PREF=1`` (4.0, where 1 is the most preferred);
- type lists: ``TYPE=CELL,HOME`` or repeated ``TYPE=`` (3.0, any case), 2.1's bare ``;CELL;HOME``
  (which the reader turns into TYPE), and 4.0's lower-case, possibly quoted ``TYPE="cell,home"``;
  ``INTERNET`` on an EMAIL is 2.1/3.0 only;
- TEL: text in 3.0, a ``tel:`` URI with ``VALUE=uri`` in 4.0 (``;ext=`` for an extension);
- BDAY/ANNIVERSARY: ``1985-04-15`` and Apple's ``X-APPLE-OMIT-YEAR`` for a yearless date in
  3.0, ``19850415`` and ``--0415`` in 4.0; 4.0's ANNIVERSARY is 3.0's X-ANNIVERSARY;
- KIND/MEMBER (4.0) and Apple's X-ADDRESSBOOKSERVER-KIND/-MEMBER (3.0);
- PHOTO, LOGO, SOUND, KEY: ``ENCODING=b;TYPE=JPEG`` (3.0; 2.1's BASE64) and a ``data:`` URI
  (4.0); a link is ``VALUE=uri;TYPE=GIF`` (2.1: ``VALUE=URL``) or ``MEDIATYPE=image/gif``;
- a delivery label: the LABEL property (2.1, 3.0) and the LABEL parameter of ADR (4.0), whose
  line breaks are RFC 6868's ``^n``;
- GEO: ``lat;lon`` (3.0; 2.1 writes ``lat,lon``) and a ``geo:lat,lon`` URI (4.0).

2.1's quoted-printable and CHARSET are undone by the reader, so its values are text already.
A value that is not what its property claims is passed on as it is.
"""

from __future__ import annotations

import re

from rolodex.formats.vcard_lines import escape, unescape
from rolodex.formats.vcard_props import Prop

BINARY = {"PHOTO", "LOGO", "SOUND", "KEY"}
_MEDIA = {"PHOTO": "image", "LOGO": "image", "SOUND": "audio", "KEY": "application"}
_DATA_URI = re.compile(r"^data:(?P<mime>[\w.+-]+/[\w.+-]+)?(?:;[\w.+-]+=[^;,]*)*"
                       r"(?P<b64>;base64)?,(?P<data>.*)$", re.S | re.I)
_DATES = {"BDAY", "ANNIVERSARY", "X-ANNIVERSARY", "DEATHDATE"}
_DATE_BASIC = re.compile(r"^(\d{4})(\d{2})(\d{2})"
                         r"(?:T(\d{2})(\d{2})?(\d{2})?(Z|[+-]\d{2}:?\d{2})?)?$")
_DATE_EXTENDED = re.compile(r"^(\d{4})-(\d{2})-(\d{2})"
                            r"(?:T(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?$")
_YEARLESS = re.compile(r"^--(\d{2})-?(\d{2})$")
_GEO = re.compile(r"^\s*(?:geo:)?([+-]?\d+(?:\.\d+)?)\s*[;,]\s*([+-]?\d+(?:\.\d+)?)(?:;.*)?$",
                  re.I)
_EXTENSION = re.compile(r"^(?P<number>.*?)\s*(?:;\s*ext=|\bext\.?\s*|\bx\s*)(?P<ext>\d+)$",
                        re.I)
_OMIT_YEAR = "1604"  # Apple's year for a date without one
_RENAMED_TO_4 = {"X-ANNIVERSARY": "ANNIVERSARY", "X-ADDRESSBOOKSERVER-KIND": "KIND",
                 "X-ADDRESSBOOKSERVER-MEMBER": "MEMBER"}
_RENAMED_TO_3 = {"ANNIVERSARY": "X-ANNIVERSARY", "KIND": "X-ADDRESSBOOKSERVER-KIND",
                 "MEMBER": "X-ADDRESSBOOKSERVER-MEMBER"}

Params = list[tuple[str, list[str]]]


def convert(prop: Prop, source: str, target: str) -> Prop:
    """One kept property written in version ``target`` ("3.0" or "4.0"); ``source`` is the
    version of the card it came from (2.1 is written as 3.0 or 4.0, never as 2.1)."""
    params = [(k, ["b"] if k == "ENCODING" and _is_base64(v) else list(v))
              for k, v in prop.params]
    if source == target:
        return Prop(prop.name, prop.value, params, prop.group, prop.line)
    params = [(k, ["uri"] if k == "VALUE" and [x.upper() for x in v] == ["URL"] else v)
              for k, v in params]
    to_4 = target == "4.0"
    name, value = prop.name, prop.value
    if name in BINARY:
        value, params = (_binary_to_4 if to_4 else _binary_to_3)(name, value, params)
    else:
        params = (_types_to_4 if to_4 else _types_to_3)(name, params, source)
        if name == "TEL":
            value, params = (_tel_to_4 if to_4 else _tel_to_3)(value, params)
        elif name in _DATES:
            value, params = (_date_to_4 if to_4 else _date_to_3)(value, params)
        elif name == "GEO":
            value = _geo(value, to_4)
        elif name in ("KIND", "X-ADDRESSBOOKSERVER-KIND"):
            value = value.lower()
    name = (_RENAMED_TO_4 if to_4 else _RENAMED_TO_3).get(name, name)
    return Prop(name, value, params, prop.group, prop.line)


def convert_labels(props: list[Prop], target: str) -> list[Prop]:
    """Delivery labels in the target's form, once every property is converted: 3.0's LABEL
    properties become the LABEL parameter of the ADR they label (same TYPE list, or the only
    ADR); 4.0's LABEL parameters become LABEL properties after their ADR. A LABEL that
    labels no ADR stays as it is, so nothing is lost."""
    if target == "4.0":
        addresses = [p for p in props if p.name == "ADR"]
        out = []
        for prop in props:
            adr = _labelled(prop, addresses) if prop.name == "LABEL" else None
            if adr is None:
                out.append(prop)
                continue
            text = unescape(prop.value)
            adr.params.append(("LABEL", [_caret_encode(text)]))
        return out
    out = []
    for prop in props:
        labels = [v for k, vs in prop.params if k == "LABEL" for v in vs]
        if prop.name != "ADR" or not labels:
            out.append(prop)
            continue
        params = [(k, v) for k, v in prop.params if k != "LABEL"]
        out.append(Prop(prop.name, prop.value, params, prop.group, prop.line))
        types = [(k, v) for k, v in params if k == "TYPE"]
        out += [Prop("LABEL", escape(_caret_decode(label)), types, prop.group, prop.line)
                for label in labels]
    return out


def _is_base64(values: list[str]) -> bool:
    return bool(values) and values[0].upper() in ("BASE64", "B")


def _type_values(params: Params) -> list[str]:
    """Every TYPE value, lists split (``TYPE="cell,home"``), in order, without repeats."""
    words = [t.strip() for k, vs in params if k == "TYPE" for v in vs for t in v.split(",")]
    return list(dict.fromkeys(w for w in words if w))


def _with_types(params: Params, types: list[str], extra: Params = ()) -> Params:
    """``params`` with one TYPE parameter holding ``types`` where the first TYPE was."""
    out: Params = []
    for key, values in params:
        if key == "TYPE":
            if types and not any(k == "TYPE" for k, _ in out):
                out.append(("TYPE", types))
        else:
            out.append((key, values))
    if types and not any(k == "TYPE" for k, _ in out):
        out.append(("TYPE", types))
    return out + list(extra)


def _types_to_4(name: str, params: Params, source: str) -> Params:
    words = _type_values(params)
    preferred = any(w.upper() == "PREF" for w in words)
    drop = {"PREF", "INTERNET"} if name == "EMAIL" else {"PREF"}
    types = [w.lower() for w in words if w.upper() not in drop]
    has_pref = any(k == "PREF" for k, _ in params)
    return _with_types(params, types, [("PREF", ["1"])] if preferred and not has_pref else [])


def _types_to_3(name: str, params: Params, source: str) -> Params:
    words = [w.upper() for w in _type_values(params)]
    prefs = [v for k, vs in params if k == "PREF" for v in vs]
    if any(v.strip() == "1" for v in prefs) and "PREF" not in words:
        words.append("PREF")
    if name == "EMAIL" and source == "4.0" and "INTERNET" not in words:
        words.insert(0, "INTERNET")
    return _with_types([(k, v) for k, v in params if k != "PREF"], words)


def _tel_to_4(value: str, params: Params) -> tuple[str, Params]:
    """A number as a tel: URI (RFC 3966): spaces and parentheses become the visual
    separator '-', an extension ``;ext=``; a value with no digit stays text (no number)."""
    text = value.strip()
    if text[:4].lower() != "tel:":
        if not any(c.isdigit() for c in text):
            return value, params
        found = _EXTENSION.match(text)
        number, ext = (found["number"], found["ext"]) if found else (text, None)
        number = re.sub(r"[\s()\-]+", "-", number).strip("-")
        number = re.sub(r"[^0-9A-Za-z+\-.*#]", "", number)
        text = "tel:" + number + (f";ext={ext}" if ext else "")
    return text, [("VALUE", ["uri"]), *((k, v) for k, v in params if k != "VALUE")]


def _tel_to_3(value: str, params: Params) -> tuple[str, Params]:
    params = [(k, v) for k, v in params if k != "VALUE"]
    text = value.strip()
    if text[:4].lower() != "tel:":
        return value, params
    number, _, rest = text[4:].partition(";")
    ext = next((p[4:] for p in rest.split(";") if p.lower().startswith("ext=")), None)
    return number + (f" ext. {ext}" if ext else ""), params


def _date_to_4(value: str, params: Params) -> tuple[str, Params]:
    omit = [v for k, vs in params if k == "X-APPLE-OMIT-YEAR" for v in vs]
    params = [(k, v) for k, v in params if k != "X-APPLE-OMIT-YEAR"]
    found = _DATE_EXTENDED.match(value.strip()) or _DATE_BASIC.match(value.strip())
    if not found:
        return value, params
    year, month, day, hour, minute, second, zone = found.groups()
    if omit and omit[0] == year:
        return f"--{month}{day}", params
    time = f"T{hour}{minute or ''}{second or ''}{(zone or '').replace(':', '')}" if hour else ""
    return f"{year}{month}{day}{time}", params


def _date_to_3(value: str, params: Params) -> tuple[str, Params]:
    params = [(k, v) for k, v in params
              if not (k == "VALUE" and [x.lower() for x in v] == ["date-and-or-time"])]
    text = value.strip()
    yearless = _YEARLESS.match(text)
    if yearless:
        return (f"{_OMIT_YEAR}-{yearless[1]}-{yearless[2]}",
                [*params, ("X-APPLE-OMIT-YEAR", [_OMIT_YEAR])])
    found = _DATE_BASIC.match(text) or _DATE_EXTENDED.match(text)
    if not found:
        return value, params
    year, month, day, hour, minute, second, zone = found.groups()
    time = ""
    if hour:
        time = f"T{hour}:{minute or '00'}:{second or '00'}"
        if zone and zone != "Z" and ":" not in zone:
            zone = f"{zone[:3]}:{zone[3:]}"
        time += zone or ""
    return f"{year}-{month}-{day}{time}", params


def _geo(value: str, to_4: bool) -> str:
    found = _GEO.match(value)
    if not found:
        return value
    return f"geo:{found[1]},{found[2]}" if to_4 else f"{found[1]};{found[2]}"


def _binary_to_4(name: str, value: str, params: Params) -> tuple[str, Params]:
    kind = next((v[0] for k, v in params if k == "TYPE" and v), None)
    mime = _mime(name, kind)
    if any(k == "ENCODING" for k, _ in params):
        rest = [(k, v) for k, v in params if k not in ("ENCODING", "TYPE")]
        return f"data:{mime or _MEDIA[name] + '/octet-stream'};base64,{value}", rest
    rest = [(k, v) for k, v in params if k != "TYPE"]
    return value, rest + ([("MEDIATYPE", [mime])] if mime else [])


def _binary_to_3(name: str, value: str, params: Params) -> tuple[str, Params]:
    mediatype = next((v[0] for k, v in params if k == "MEDIATYPE" and v), None)
    params = [(k, v) for k, v in params if k != "MEDIATYPE"]
    found = _DATA_URI.match(value)
    if found and found["b64"]:
        kind = (found["mime"] or mediatype or "application/octet-stream").split("/")[1]
        rest = [(k, v) for k, v in params if k not in ("VALUE", "TYPE")]
        return found["data"], [*rest, ("ENCODING", ["b"]), ("TYPE", [kind.upper()])]
    if mediatype:
        rest = [(k, v) for k, v in params if k != "VALUE"]
        return value, [("VALUE", ["uri"]), *rest, ("TYPE", [mediatype.split("/")[-1].upper()])]
    return value, params


def _mime(name: str, kind: str | None) -> str | None:
    """3.0's TYPE=JPEG (or a full image/jpeg) as a media type."""
    if not kind:
        return None
    kind = kind.strip().lower()
    return kind if "/" in kind else f"{_MEDIA[name]}/{kind}"


def _labelled(label: Prop, addresses: list[Prop]) -> Prop | None:
    """The ADR a 3.0 LABEL belongs to: same itemN group, else the same types (preference
    aside), else the only ADR; one that has a label already is taken."""
    free = [a for a in addresses if not any(k == "LABEL" for k, _ in a.params)]
    if label.group:
        same = [a for a in free if (a.group or "").lower() == label.group.lower()]
        if same:
            return same[0]
    kinds = {t.lower() for t in _type_values(label.params)} - {"pref"}
    same = [a for a in free if {t.lower() for t in _type_values(a.params)} - {"pref"} == kinds]
    if same:
        return same[0]
    return free[0] if len(addresses) == 1 and free else None


def _caret_encode(text: str) -> str:
    """RFC 6868: a parameter value's caret, line break and double quote."""
    return text.replace("^", "^^").replace("\r\n", "^n").replace("\n", "^n").replace('"', "^'")


def _caret_decode(text: str) -> str:
    return re.sub(r"\^([n^'])", lambda m: {"n": "\n", "^": "^", "'": '"'}[m[1]], text)
