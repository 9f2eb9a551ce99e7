"""Contacts -> vCard: writing cards back losslessly, in the version asked for.

An export starts from the card a contact was imported from (``KeptCard``): a group of
properties whose meaning has not changed in rolodex is written back exactly as it came; a
changed group is written anew in its place (list items that are still there keep their
lines); everything rolodex does not model passes through untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import count

from rolodex.dates import PartialDate
from rolodex.errors import BadDate
from rolodex.formats.vcard import (
    GROUP_OF,
    KeptCard,
    address_of,
    dated_props,
    label_of,
    meaning,
    prop_groups,
)
from rolodex.formats.vcard_convert import convert, convert_labels
from rolodex.formats.vcard_lines import escape, join_structured
from rolodex.formats.vcard_props import Prop
from rolodex.formats.vcard_values import detail_value, problem


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


def _name(c: dict, version: str) -> list[Prop]:
    parts = [c[k] or "" for k in ("last_name", "first_name", "middle_name", "prefix", "suffix")]
    return [Prop("FN", escape(c["name"])), Prop("N", join_structured(parts))]


def _org(c: dict, version: str) -> list[Prop]:
    if not c["company"]:
        return []
    org = [c["company"], *(c["department"] or "").split(" / ")]
    return [Prop("ORG", join_structured([o for o in org if o]))]


def _text(name: str, key: str):
    def build(c: dict, version: str) -> list[Prop]:
        return [Prop(name, escape(c[key]))] if c[key] else []
    return build


def _details(name: str, key: str, extra: tuple[str, ...] = ()):
    def build(c: dict, version: str) -> list[Prop]:
        return [Prop(name, item[key], _types(item["label"], item["preferred"], version, extra))
                for item in c[_DETAIL_LIST[name]]]
    return build


_DETAIL_LIST = {"EMAIL": "emails", "TEL": "phones", "URL": "urls"}


def _addresses(c: dict, version: str) -> list[Prop]:
    return [Prop("ADR", join_structured(
        ["", "", a["street"] or "", a["locality"] or "", a["region"] or "",
         a["postcode"] or "", a["country"] or ""]),
        _types(a["label"], a["preferred"], version)) for a in c["addresses"]]


def _tags(c: dict, version: str) -> list[Prop]:
    return [Prop("CATEGORIES", ",".join(escape(t) for t in c["tags"]))] if c["tags"] else []


def _fields(c: dict, version: str) -> list[Prop]:
    return [Prop("ROLE", escape(v)) if k == "role" else
            Prop("X-ROLODEX-FIELD", escape(v), [("NAME", [k])])
            for k, v in c["custom"].items()]


def _birthday(c: dict, version: str) -> list[Prop]:
    prop = _date(c["birthday"], version)
    if prop:
        prop.name = "BDAY"
    elif c.get("birthday_text"):  # as khard and RFC 6350 write it
        prop = Prop("BDAY", escape(c["birthday_text"]), [("VALUE", ["text"])])
    return [prop] if prop else []


def _deathdate(c: dict, version: str) -> list[Prop]:
    """DEATHDATE (RFC 6474): a date in the version's form (a yearless one as ISO 8601's
    ``--MM-DD`` in 3.0, not Apple's birthday convention), else its text."""
    value = c.get("deathdate")
    if not value:
        return []
    try:
        prop = _date(value, version)
    except BadDate:
        return [Prop("DEATHDATE", escape(value), [("VALUE", ["text"])])]
    assert prop is not None
    return [Prop("DEATHDATE", value if prop.params else prop.value)]


# Apple's spelling of the labels it has built in: it shows them translated.
_APPLE_DATE_LABELS = {"anniversary": "_$!<Anniversary>!$_", "other": "_$!<Other>!$_"}


def _labelled_dates(c: dict, version: str) -> list[Prop]:
    """Labelled dates as Apple and Google write them: ``itemN.X-ABDATE`` with the
    ``itemN.X-ABLabel`` naming it."""
    groups = _free_groups([])
    return [p for item in c.get("dates") or () for p in _date_pair(item, next(groups))]


def _date_pair(item: dict, group: str) -> list[Prop]:
    prop = _date(item["date"], "3.0")  # Apple's form, whatever the version: theirs
    assert prop is not None
    label = item["label"] or "other"
    return [Prop("X-ABDATE", prop.value, prop.params, group),
            Prop("X-ABLABEL", escape(_APPLE_DATE_LABELS.get(label.lower(), label)), [], group)]


def _free_groups(props: list[Prop]) -> Iterator[str]:
    """``item1``, ``item2``... skipping the group names a card already uses."""
    used = {p.group.lower() for p in props if p.group}
    return (name for name in (f"item{n}" for n in count(1)) if name not in used)


def _plan_dates(c: dict, kept: KeptCard, version: str
                ) -> tuple[set[int], list[Prop], set[str]]:
    """Changed labelled dates on a kept card: the lines (by ``id``) of the dates the
    contact still has stay as they are; new ones are written after them in groups the
    card does not use; the groups of those gone are dropped with their labels."""
    found = dated_props(kept.props)
    unused = [p for p in kept.props if id(p) in found]
    keep: set[int] = set()
    fresh: list[Prop] = []
    groups = _free_groups(kept.props)
    for item in c.get("dates") or ():
        match = next((p for p in unused if found[id(p)] == (item["label"], item["date"])),
                     None)
        if match is None:
            fresh += _date_pair(item, next(groups))
        else:
            unused.remove(match)
            keep.add(id(match))
    return keep, fresh, {p.group.lower() for p in unused if p.group}


def _anniversary(c: dict, version: str) -> list[Prop]:
    prop = _date(c["anniversary"], version)
    if prop:
        prop.name = "ANNIVERSARY" if version == "4.0" else "X-ANNIVERSARY"
    return [prop] if prop else []


def _uid(c: dict, version: str) -> list[Prop]:
    return [Prop("UID", c["uid"])]


# How each modelled group is written from a contact record, in the order a new card lists
# them (UID last, as most clients write it). A kept card only needs its changed groups.
_FRESH = {
    "name": _name, "nickname": _text("NICKNAME", "nickname"), "org": _org,
    "title": _text("TITLE", "title"), "emails": _details("EMAIL", "address", ("INTERNET",)),
    "phones": _details("TEL", "number"), "addresses": _addresses,
    "urls": _details("URL", "url"), "tags": _tags, "notes": _text("NOTE", "notes"),
    "fields": _fields, "birthday": _birthday, "anniversary": _anniversary,
    "deathdate": _deathdate, "dates": _labelled_dates, "uid": _uid,
}


def card_props(c: dict, kept: KeptCard | None, version: str) -> list[Prop]:
    """The properties to write for a contact: the kept card with changed groups rewritten
    in place and new ones added, converted to ``version``; or a new card.

    Groups are written from the record only when needed: an export of an unchanged kept
    card (the usual case) builds none of them.
    """
    if kept is None:
        return [p for build in _FRESH.values() for p in build(c, version)]
    now = meaning(c)
    groups = prop_groups(kept.props)
    written: set[str] = set()
    dropped: set[str] = set()  # itemN groups whose modelled property went away
    if now == kept.meaning:  # nothing edited since the import: the card as it came
        out = [_converted(p, kept.version, version) for p in kept.props]
    else:
        out = []
        dates = None
        if now.get("dates") != kept.meaning.get("dates"):
            dates = _plan_dates(c, kept, version)
            written.add("dates")
        for prop, group in zip(kept.props, groups, strict=True):
            if group == "dates" and dates is not None:
                if id(prop) in dates[0]:
                    out.append(_converted(prop, kept.version, version))
            elif group is None or group in ("uid", "kind") \
                    or now.get(group) == kept.meaning.get(group):
                out.append(_converted(prop, kept.version, version))
            elif group not in written:
                fresh = _FRESH[group](c, version) if group in _FRESH else []
                if group in _DETAILS:
                    props = _merge_details(c, group, kept, version, fresh)
                    dropped |= {p.group.lower() for p in kept.props
                                if GROUP_OF.get(p.name) == group and p.group
                                and not any(q is p for q in props)}
                    out.extend(props)
                else:
                    out.extend(_in_place(prop, fresh))
                written.add(group)
        if dates is not None:
            out.extend(dates[1])
            dropped |= dates[2]
    present = set(groups)
    for group, build in _FRESH.items():
        if group not in present and group not in written:
            out.extend(build(c, version))
    if dropped:  # an Apple label (X-ABLabel) of a removed address goes with it
        out = [p for p in out if not (p.group and p.group.lower() in dropped
                                      and GROUP_OF.get(p.name) is None)]
    if kept.version != version:  # LABEL property (3.0) or parameter of ADR (4.0)
        out = convert_labels(out, version)
    if not any(p.name == "FN" for p in out):
        out.insert(0, Prop("FN", escape(c["name"])))  # required in 3.0 and 4.0
    return out


def _in_place(prop: Prop, fresh: list[Prop]) -> list[Prop]:
    """An anniversary that was Apple's labelled date stays one, its label kept beside it."""
    if prop.name == "X-ABDATE" and len(fresh) == 1:
        return [Prop("X-ABDATE", fresh[0].value, fresh[0].params, prop.group)]
    return fresh


def _converted(prop: Prop, source: str, target: str) -> Prop:
    """``convert`` for a property the caller owns: one that needs no change is returned as
    it is rather than copied (most of a large export)."""
    if source == target and (
            not prop.params or not any(k == "ENCODING" for k, _ in prop.params)):
        return prop
    return convert(prop, source, target)


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
            out.append(match)
    # A value that is not what it claims (EMAIL:wei) was never a detail: it stays.
    out += [p for p in unused if problem(p)]
    new = {id(p) for p in fresh}
    return [p if id(p) in new else _converted(p, kept.version, version) for p in out]


def _same_detail(prop: Prop, item: dict, key: str) -> bool:
    if prop.name == "ADR":
        address = address_of(prop)
        return all(getattr(address, k) == item[k] for k in _ADR_KEYS)
    value = detail_value(prop)
    label, _ = label_of(prop)
    same_value = value.lower() == item[key].lower() if key == "address" else value == item[key]
    return same_value and label == item["label"]


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


def card_writer(version: str | None, default: str, group_tags: set[str] = frozenset()
                ) -> Callable[[dict, dict | None], str]:
    """A function from (record, kept card) to the card's text: from its kept card when it
    has one, in that card's version unless ``version``; new cards in ``default``.

    ``group_tags``: the tags that stand for groups, which their group cards list; a card
    names one in CATEGORIES only when it came that way (else a member's card would change
    by joining a group)."""
    from rolodex.formats.vcard_lines import write_card

    def card_text(record: dict, kept: dict | None) -> str:
        card = None
        if kept:
            # Fresh lists from JSON, owned by this card alone: no need to copy them again.
            props = [Prop(name, value, [(k, v) for k, v in params], group)
                     for group, name, params, value in kept["props"]]
            card = KeptCard(kept["version"], props, kept["meaning"])
        if group_tags and record["tags"]:
            own = set(kept["meaning"]["tags"]) if kept else set()
            record = {**record, "tags": [t for t in record["tags"] if t.lower() in own
                                         or t.lower() not in group_tags]}
        target = version or (card.version if card and card.version in ("3.0", "4.0")
                             else default)
        return write_card(target, card_props(record, card, target))

    return card_text
