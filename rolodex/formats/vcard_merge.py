"""Folding one contact's kept vCard into another's, when ``rolodex merge`` joins two contacts.

Only what rolodex does not model travels (X- properties, IMPP, PHOTO, Apple ``itemN.``
groups such as related names with their labels): the modelled data (emails, phones,
names...) moves as rows, and export writes it into the surviving card's changed groups.
A property the surviving card already has (same name, parameters and value) is not added
twice; a one-per-card property (PRODID, PHOTO, GENDER...) is added only when the
surviving card has none. Groups are renamed to ``itemN`` names the card does not use yet,
so Apple's labels stay with their own property.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rolodex.formats.vcard import GROUP_OF
from rolodex.formats.vcard_convert import convert
from rolodex.formats.vcard_props import Prop

# Properties a card holds once: the surviving card's own one wins.
ONE_PER_CARD = {"PRODID", "REV", "SORT-STRING", "GENDER", "CLASS", "PHOTO", "LOGO", "SOUND",
                "TZ", "GEO", "X-ABUID", "NAME", "PROFILE", "SOURCE", "MAILER"}


def _props(card: dict[str, Any]) -> list[Prop]:
    return [Prop(name, value, [(k, list(v)) for k, v in params], group)
            for group, name, params, value in card["props"]]


def _stored(props: list[Prop]) -> list[list]:
    return [[p.group, p.name, [[k, list(v)] for k, v in p.params], p.value] for p in props]


def _signature(prop: Prop) -> tuple:
    """A property regardless of its group name (item3 in one card is item1 in the other)."""
    return (prop.name.upper(), tuple((k.upper(), tuple(v)) for k, v in prop.params), prop.value)


def _units(props: list[Prop]) -> list[list[Prop]]:
    """Ungrouped properties one by one, grouped ones together (a value and its label)."""
    units: dict[str, list[Prop]] = {}
    out: list[list[Prop]] = []
    for prop in props:
        if prop.group:
            key = prop.group.lower()
            if key not in units:
                units[key] = []
                out.append(units[key])
            units[key].append(prop)
        else:
            out.append([prop])
    return out


def _unmodelled(props: list[Prop]) -> list[list[Prop]]:
    """The units of a card that rolodex does not model: they exist only in the card."""
    return [unit for unit in _units(props) if all(GROUP_OF.get(p.name) is None for p in unit)]


def _free_groups(props: list[Prop]) -> Iterator[str]:
    """``item1``, ``item2``... skipping the group names the card already uses."""
    used = {p.group.lower() for p in props if p.group}
    n = 1
    while True:
        if f"item{n}" not in used:
            used.add(f"item{n}")
            yield f"item{n}"
        n += 1


def merge_kept(kept: dict[str, Any] | None, other: dict[str, Any]) -> dict[str, Any] | None:
    """The surviving contact's kept card with ``other``'s unmodelled properties added; None
    when nothing is to be added. A contact without a card gets one holding only those
    properties (export writes everything else from the record, as for any contact)."""
    extra = _unmodelled(_props(other))
    if kept is None:
        if not extra:
            return None
        return {"version": other["version"], "meaning": {},
                "props": _stored([p for unit in extra for p in unit])}
    target = "3.0" if kept["version"] == "2.1" else kept["version"]
    props = _props(kept)
    have = {frozenset(_signature(p) for p in unit) for unit in _units(props)}
    names = {p.name.upper() for p in props}
    groups = _free_groups(props)
    added: list[Prop] = []
    for unit in extra:
        unit = [convert(p, other["version"], target) for p in unit]
        if frozenset(_signature(p) for p in unit) in have:
            continue
        if len(unit) == 1 and not unit[0].group and unit[0].name.upper() in ONE_PER_CARD:
            if unit[0].name.upper() in names:
                continue
            names.add(unit[0].name.upper())
        if unit[0].group:
            group = next(groups)
            unit = [Prop(p.name, p.value, p.params, group) for p in unit]
        have.add(frozenset(_signature(p) for p in unit))
        added.extend(unit)
    if not added:
        return None
    return {"version": kept["version"], "meaning": kept["meaning"],
            "props": _stored(props + added)}
