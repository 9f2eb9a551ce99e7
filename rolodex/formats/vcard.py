"""vCard <-> contacts: what each property means to rolodex, and writing cards back losslessly.

Import maps the properties rolodex models (names, emails, phones...) and keeps the whole
card. Export starts from the kept card: a group of properties whose meaning has not changed
in rolodex is written back exactly as it came; a changed group is written anew in its
place; everything rolodex does not model (X- properties, IMPP, PHOTO, Apple ``itemN.``
groups, unknown parameters) passes through untouched. So importing then exporting gives
the same properties, and editing one field changes only that field in the card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rolodex.dates import PartialDate
from rolodex.errors import RolodexError
from rolodex.formats.vcard_syntax import (
    Card,
    Prop,
    escape,
    join_structured,
    param,
    split_list,
    split_structured,
    unescape,
)
from rolodex.models import Address, ContactData, Email, Phone, Url, join_name, split_name

# Which properties carry each thing rolodex models; a group is kept or rewritten as one.
GROUPS = {
    "name": ("FN", "N"), "nickname": ("NICKNAME",), "org": ("ORG",), "title": ("TITLE",),
    "emails": ("EMAIL",), "phones": ("TEL",), "addresses": ("ADR",), "urls": ("URL",),
    "birthday": ("BDAY",), "anniversary": ("ANNIVERSARY", "X-ANNIVERSARY"),
    "tags": ("CATEGORIES",), "notes": ("NOTE",), "uid": ("UID",),
    "fields": ("ROLE", "X-ROLODEX-FIELD"), "kind": ("KIND", "X-ABSHOWAS"),
}
GROUP_OF = {name: group for group, names in GROUPS.items() for name in names}
# Type words that describe the medium, not the label a person gave the value.
_NOT_LABELS = {"INTERNET", "PREF", "VOICE", "X400", "MSG", "TEXT"}
_LABEL_NAMES = {"CELL": "mobile"}
_BINARY = {"PHOTO", "LOGO", "SOUND", "KEY"}
_DATA_URI = re.compile(r"^data:(?P<mime>[\w.+-]+/[\w.+-]+)?(?P<b64>;base64)?,(?P<data>.*)$",
                       re.S | re.I)


@dataclass
class KeptCard:
    """What an import keeps of a card to write it back: its version, its properties, and
    what rolodex understood of each group (to tell later which groups were edited)."""

    version: str
    props: list[Prop]
    meaning: dict[str, Any] = field(default_factory=dict)


def _label(prop: Prop) -> tuple[str | None, bool]:
    types = param(prop, "TYPE")
    preferred = "PREF" in types or bool(param(prop, "PREF"))
    words = [_LABEL_NAMES.get(t, t.lower()) for t in types if t not in _NOT_LABELS]
    return (", ".join(dict.fromkeys(words)) or None), preferred


def _partial(prop: Prop) -> PartialDate | None:
    """BDAY/ANNIVERSARY as a partial date; Apple's X-APPLE-OMIT-YEAR marks a yearless one."""
    from rolodex.dates import parse_partial_date

    text = prop.value.strip().split("T")[0]
    try:
        value = parse_partial_date(text)
    except RolodexError:
        return None
    omit = param(prop, "X-APPLE-OMIT-YEAR")
    if omit and value.year is not None and str(value.year) == omit[0]:
        return PartialDate(None, value.month, value.day)
    return value


def _tag(word: str) -> str:
    return "-".join(word.split())


NO_NAME = "(no name)"


def to_contact(card: Card) -> ContactData | None:
    """What rolodex understands of one card; None when the card names nobody."""
    by_name: dict[str, list[Prop]] = {}
    for prop in card.props:
        by_name.setdefault(prop.name, []).append(prop)

    def first(name: str) -> str | None:
        props = by_name.get(name)
        return unescape(props[0].value).strip() or None if props else None

    n = split_structured(by_name["N"][0].value) + [""] * 5 if "N" in by_name else [""] * 5
    parts = {"last_name": n[0], "first_name": n[1], "middle_name": n[2], "prefix": n[3],
             "suffix": n[4]}
    parts = {k: " ".join(v.replace(",", " ").split()) or None for k, v in parts.items()}
    org = split_structured(by_name["ORG"][0].value) if "ORG" in by_name else []
    org = [o.strip() for o in org if o.strip()]
    name = first("FN") or join_name(*(parts[k] for k in ("prefix", "first_name", "middle_name",
                                                        "last_name", "suffix")))
    is_company = (first("KIND") or "").lower() == "org" or \
        (first("X-ABSHOWAS") or "").upper() == "COMPANY"
    name = name or (org[0] if org else None)
    emails = [Email(unescape(p.value).strip(), *_label(p)) for p in by_name.get("EMAIL", ())]
    emails = [e for e in emails if e.address]
    if not name:
        name = emails[0].address if emails else None
    if not name:
        # A card may legally name nobody (a photo, an address): keep it, under a placeholder.
        name = first("TEL") or NO_NAME
    if not any(parts.values()) and not is_company:
        guess = split_name(name)
        parts = {"prefix": guess.prefix, "first_name": guess.first,
                 "middle_name": guess.middle, "last_name": guess.last, "suffix": guess.suffix}
    data = ContactData(name=name, **parts, is_company=is_company)
    data.nickname = ", ".join(split_list(by_name["NICKNAME"][0].value)) or None \
        if "NICKNAME" in by_name else None
    data.company = org[0] if org else None
    data.department = " / ".join(org[1:]) or None
    data.title, data.notes, data.uid = first("TITLE"), first("NOTE"), first("UID")
    data.emails = emails
    data.phones = [Phone(unescape(p.value).strip().removeprefix("tel:"), *_label(p))
                   for p in by_name.get("TEL", ()) if p.value.strip()]
    data.urls = [Url(unescape(p.value).strip(), *_label(p)) for p in by_name.get("URL", ())
                 if p.value.strip()]
    data.addresses = [_address(p) for p in by_name.get("ADR", ())]
    data.addresses = [a for a in data.addresses if a.one_line()]
    data.birthday = _partial(by_name["BDAY"][0]) if "BDAY" in by_name else None
    for key in ("ANNIVERSARY", "X-ANNIVERSARY"):
        if key in by_name and data.anniversary is None:
            data.anniversary = _partial(by_name[key][0])
    data.tags = list(dict.fromkeys(_tag(t) for p in by_name.get("CATEGORIES", ())
                                   for t in split_list(p.value) if t.strip()))
    if first("ROLE"):
        data.fields["role"] = first("ROLE") or ""
    for prop in by_name.get("X-ROLODEX-FIELD", ()):
        key = (param(prop, "NAME") or [""])[0]
        if key:
            data.fields[key] = unescape(prop.value)
    data.relations = _relations(card.props)
    data.extra = KeptCard(card.version or "3.0", card.props, meaning(data))
    return data


_APPLE_LABEL = re.compile(r"^_\$!<(?P<label>.*)>!\$_$")


def _relations(props: list[Prop]) -> list[tuple[str, str]]:
    """RELATED (4.0) and Apple/Google X-ABRELATEDNAMES, whose kind is the X-ABLabel of the
    same ``itemN.`` group (``_$!<Spouse>!$_`` is Apple's spelling of a built-in label)."""
    labels = {p.group.lower(): unescape(p.value) for p in props
              if p.name == "X-ABLABEL" and p.group}
    out = []
    for prop in props:
        value = unescape(prop.value).strip()
        if not value:
            continue
        if prop.name == "RELATED":
            kind = next((t.lower() for t in param(prop, "TYPE")), "related")
            out.append((kind, value.removeprefix("urn:uuid:")))
        elif prop.name == "X-ABRELATEDNAMES":
            label = labels.get((prop.group or "").lower(), "related")
            match = _APPLE_LABEL.match(label)
            out.append(((match["label"] if match else label).lower() or "related", value))
    return out


def _address(prop: Prop) -> Address:
    parts = split_structured(prop.value) + [""] * 7
    street = "\n".join(p.strip() for p in (parts[0], parts[1], parts[2]) if p.strip())
    label, preferred = _label(prop)
    return Address(street or None, parts[3].strip() or None, parts[4].strip() or None,
                   parts[5].strip() or None, parts[6].strip() or None, label, preferred)


def meaning(c: ContactData | dict) -> dict[str, Any]:
    """What each group of properties says, comparable between import and export time."""
    get = c.get if isinstance(c, dict) else lambda k: getattr(c, k)
    if isinstance(c, dict):
        name = c["name"]
        emails = [(e["address"].lower(), e["label"], e["preferred"]) for e in c["emails"]]
        phones = [(p["number"], p["label"], p["preferred"]) for p in c["phones"]]
        urls = [(u["url"], u["label"], u["preferred"]) for u in c["urls"]]
        addresses = [tuple(a[k] for k in ("street", "locality", "region", "postcode",
                                          "country", "label", "preferred"))
                     for a in c["addresses"]]
        birthday, anniversary = c["birthday"], c["anniversary"]
        fields = c["custom"]
    else:
        name = c.name
        emails = [(e.address.lower(), e.label, e.preferred) for e in c.emails]
        phones = [(p.number, p.label, p.preferred) for p in c.phones]
        urls = [(u.url, u.label, u.preferred) for u in c.urls]
        addresses = [(a.street, a.locality, a.region, a.postcode, a.country, a.label,
                      a.preferred) for a in c.addresses]
        birthday = c.birthday.iso() if c.birthday else None
        anniversary = c.anniversary.iso() if c.anniversary else None
        fields = c.fields
    return _jsonable({
        "name": [name, *(get(k) for k in ("prefix", "first_name", "middle_name", "last_name",
                                          "suffix"))],
        "nickname": get("nickname"), "org": [get("company"), get("department")],
        "title": get("title"), "emails": _prefer_first(emails), "phones": _prefer_first(phones),
        "addresses": _prefer_first(addresses), "urls": _prefer_first(urls),
        "birthday": birthday, "anniversary": anniversary,
        "tags": sorted(t.lower() for t in get("tags")), "notes": get("notes"),
        "fields": dict(sorted(fields.items())),
    })


def _prefer_first(items: list[tuple]) -> list[tuple]:
    """Items with 'preferred' made explicit: rolodex marks the first one when none is."""
    if items and not any(i[-1] for i in items):
        items = [(*items[0][:-1], True), *items[1:]]
    return [tuple(i) for i in items]


def _jsonable(value: Any) -> Any:
    """Tuples as lists, so a meaning survives a trip through JSON and still compares equal."""
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _types(label: str | None, preferred: bool, version: str, extra: tuple[str, ...] = ()
           ) -> list[tuple[str, list[str]]]:
    words = [w.strip() for w in (label or "").split(",") if w.strip()]
    words = ["CELL" if w.lower() == "mobile" else w for w in words]
    if version == "4.0":
        params = [("TYPE", [w.lower() for w in words])] if words else []
        return params + ([("PREF", ["1"])] if preferred else [])
    values = [*extra, *(w.upper() for w in words), *(["PREF"] if preferred else [])]
    return [("TYPE", values)] if values else []


def _date(value: str | None, version: str) -> Prop | None:
    """A partial date as BDAY/ANNIVERSARY text: 4.0 writes --MMDD, 3.0 uses Apple's
    X-APPLE-OMIT-YEAR convention, which Apple, Google and DAVx5 read."""
    if not value:
        return None
    date = PartialDate.from_iso(value)
    if date.year is not None:
        return Prop("", f"{date.year:04d}{date.month:02d}{date.day:02d}" if version == "4.0"
                    else date.iso())
    if version == "4.0":
        return Prop("", f"--{date.month:02d}{date.day:02d}")
    return Prop("", f"1604-{date.month:02d}-{date.day:02d}", [("X-APPLE-OMIT-YEAR", ["1604"])])


def fresh_groups(c: dict, version: str) -> dict[str, list[Prop]]:
    """Properties for each modelled group, written from a contact record."""
    parts = [c[k] or "" for k in ("last_name", "first_name", "middle_name", "prefix", "suffix")]
    org = [c["company"], *(c["department"] or "").split(" / ")] if c["company"] else []
    groups: dict[str, list[Prop]] = {
        "name": [Prop("FN", escape(c["name"])), Prop("N", join_structured(parts))],
        "nickname": [Prop("NICKNAME", escape(c["nickname"]))] if c["nickname"] else [],
        "org": [Prop("ORG", join_structured([o for o in org if o]))] if org else [],
        "title": [Prop("TITLE", escape(c["title"]))] if c["title"] else [],
        "emails": [Prop("EMAIL", e["address"], _types(e["label"], e["preferred"], version,
                                                      ("INTERNET",)))
                   for e in c["emails"]],
        "phones": [Prop("TEL", p["number"], _types(p["label"], p["preferred"], version))
                   for p in c["phones"]],
        "addresses": [Prop("ADR", join_structured(
            ["", "", a["street"] or "", a["locality"] or "", a["region"] or "",
             a["postcode"] or "", a["country"] or ""]),
            _types(a["label"], a["preferred"], version)) for a in c["addresses"]],
        "urls": [Prop("URL", u["url"], _types(u["label"], u["preferred"], version))
                 for u in c["urls"]],
        "tags": [Prop("CATEGORIES", ",".join(escape(t) for t in c["tags"]))] if c["tags"]
        else [],
        "notes": [Prop("NOTE", escape(c["notes"]))] if c["notes"] else [],
        "fields": [Prop("ROLE", escape(v)) if k == "role" else
                   Prop("X-ROLODEX-FIELD", escape(v), [("NAME", [k])])
                   for k, v in c["custom"].items()],
        "uid": [Prop("UID", c["uid"])],
    }
    dates = []
    for key, prop_name in (("birthday", "BDAY"),
                           ("anniversary", "ANNIVERSARY" if version == "4.0"
                            else "X-ANNIVERSARY")):
        prop = _date(c[key], version)
        if prop:
            prop.name = prop_name
            dates.append((key, [prop]))
    groups.update(dict(dates))
    groups["uid"] = groups.pop("uid")  # last, as most clients write it
    return groups


def card_props(c: dict, kept: KeptCard | None, version: str) -> list[Prop]:
    """The properties to write for a contact: the kept card with changed groups rewritten
    in place and new ones added, converted to ``version``; or a new card."""
    fresh = fresh_groups(c, version)
    if kept is None:
        return [p for props in fresh.values() for p in props]
    now = meaning(c)
    out: list[Prop] = []
    written: set[str] = set()
    dropped: set[str] = set()  # itemN groups whose modelled property went away
    for prop in kept.props:
        group = GROUP_OF.get(prop.name)
        if group is None or group in ("uid", "kind") or now.get(group) == kept.meaning.get(group):
            out.append(convert(prop, kept.version, version))
        elif group not in written:
            if group in _DETAILS:
                props = _merge_details(c, group, kept, version, fresh[group])
                dropped |= {p.group.lower() for p in kept.props if GROUP_OF.get(p.name) == group
                            and p.group and not any(q is p for q in props)}
                out.extend(props)
            else:
                out.extend(fresh.get(group, []))
            written.add(group)
    present = {GROUP_OF.get(p.name) for p in kept.props}
    for group, props in fresh.items():
        if group not in present and group not in written and group != "kind":
            out.extend(props)
    if dropped:  # an Apple label (X-ABLabel) of a removed address goes with it
        out = [p for p in out if not (p.group and p.group.lower() in dropped
                                      and GROUP_OF.get(p.name) is None)]
    if not any(p.name == "FN" for p in out):
        out.insert(0, Prop("FN", escape(c["name"])))  # required in 3.0 and 4.0
    return out


_DETAILS = {"emails": ("address", "EMAIL"), "phones": ("number", "TEL"),
            "urls": ("url", "URL"), "addresses": ("", "ADR")}
_ADR_KEYS = ("street", "locality", "region", "postcode", "country", "label")


def _merge_details(c: dict, group: str, kept: KeptCard, version: str,
                   fresh: list[Prop]) -> list[Prop]:
    """A changed list of emails, phones or URLs: each item that is still there with the
    same value and label keeps its original line (with its ``itemN.`` group and Apple
    label); only added or changed items are written anew."""
    key, _ = _DETAILS[group]
    originals = [p for p in kept.props if GROUP_OF.get(p.name) == group]
    unused = list(originals)
    out = []
    for item, new in zip(c[group], fresh, strict=True):
        match = next((p for p in unused if _same_detail(p, item, key)), None)
        if match is None:
            out.append(new)
        else:
            unused.remove(match)
            out.append(match if version == kept.version else convert(match, kept.version,
                                                                       version))
    return out


def _same_detail(prop: Prop, item: dict, key: str) -> bool:
    if prop.name == "ADR":
        address = _address(prop)
        return all(getattr(address, k) == item[k] for k in _ADR_KEYS)
    value = unescape(prop.value).strip().removeprefix("tel:")
    label, _ = _label(prop)
    same_value = value.lower() == item[key].lower() if key == "address" else value == item[key]
    return same_value and label == item["label"]


def convert(prop: Prop, source: str, target: str) -> Prop:
    """One kept property written in another vCard version (2.1 is written as 3.0)."""
    source = "3.0" if source == "2.1" else source
    params = [(k, list(v)) for k, v in prop.params]
    if source == "2.1" or any(k == "ENCODING" and v and v[0].upper() == "BASE64"
                              for k, v in params):
        params = [(k, ["b"] if k == "ENCODING" else v) for k, v in params]
    if source == target:
        return Prop(prop.name, prop.value, params, prop.group, prop.line)
    value = prop.value
    if target == "4.0":
        if any("PREF" in (x.upper() for x in v) for k, v in params if k == "TYPE"):
            params = [(k, [x for x in v if x.upper() != "PREF"]) for k, v in params]
            params = [p for p in params if p[1]] + [("PREF", ["1"])]
        if prop.name in _BINARY and any(k == "ENCODING" for k, _ in params):
            kind = next((v[0] for k, v in params if k == "TYPE" and v), "octet-stream")
            mime = ("image/" if prop.name in ("PHOTO", "LOGO") else "application/") + \
                kind.lower()
            value = f"data:{mime};base64,{value}"
            params = [(k, v) for k, v in params if k not in ("ENCODING", "TYPE")]
        if prop.name in ("BDAY", "X-ANNIVERSARY") and any(k == "X-APPLE-OMIT-YEAR"
                                                         for k, _ in params):
            value = "--" + value[-5:].replace("-", "")
            params = [(k, v) for k, v in params if k != "X-APPLE-OMIT-YEAR"]
    else:
        if any(k == "PREF" for k, _ in params):
            params = [(k, v) for k, v in params if k != "PREF"] + [("TYPE", ["PREF"])]
        match = _DATA_URI.match(value) if prop.name in _BINARY else None
        if match and match["b64"]:
            kind = (match["mime"] or "application/octet-stream").split("/")[1].upper()
            value = match["data"]
            params = [*params, ("ENCODING", ["b"]), ("TYPE", [kind])]
        if prop.name == "BDAY" and value.startswith("--"):
            digits = value[2:].replace("-", "")
            value = f"1604-{digits[:2]}-{digits[2:4]}"
            params = [*params, ("X-APPLE-OMIT-YEAR", ["1604"])]
    name = {"ANNIVERSARY": "X-ANNIVERSARY"}.get(prop.name, prop.name) if target != "4.0" \
        else {"X-ANNIVERSARY": "ANNIVERSARY"}.get(prop.name, prop.name)
    return Prop(name, value, params, prop.group, prop.line)


def company_props(co: dict, version: str) -> list[Prop]:
    """A company as an organisation card: KIND:org in 4.0, Apple's X-ABShowAs:COMPANY in
    3.0, which is how the cards it came from (if any) said it."""
    props = [Prop("FN", escape(co["name"])), Prop("N", ""), Prop("ORG", escape(co["name"]))]
    props.append(Prop("KIND", "org") if version == "4.0" else Prop("X-ABSHOWAS", "COMPANY"))
    for key, name in (("email", "EMAIL"), ("phone", "TEL"), ("website", "URL"),
                      ("notes", "NOTE")):
        if co[key]:
            props.append(Prop(name, co[key] if key != "notes" else escape(co[key])))
    if co["address"]:
        props.append(Prop("ADR", join_structured(["", "", co["address"], "", "", "", ""]),
                          [("TYPE", ["work"])]))
    if co["tags"]:
        props.append(Prop("CATEGORIES", ",".join(escape(t) for t in co["tags"])))
    props.append(Prop("UID", co["uid"]))
    return props
