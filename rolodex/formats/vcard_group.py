"""Groups as group cards: vCard 4 ``KIND:group`` with ``MEMBER``, and in 3.0 Apple's
``X-ADDRESSBOOKSERVER-KIND:group`` with ``X-ADDRESSBOOKSERVER-MEMBER`` (what Apple
Contacts, iCloud and DAVx5 write and read).

A group that came from a card is written from that card: as it came when its members
are the ones it listed, else with its member lines replaced in place; everything else
on it passes through, converted to the version asked for.
"""

from __future__ import annotations

from rolodex.formats.vcard_lines import escape, join_structured
from rolodex.formats.vcard_props import Prop
from rolodex.formats.vcard_write import convert

_KIND = {"4.0": "KIND", "3.0": "X-ADDRESSBOOKSERVER-KIND"}
_MEMBER = {"4.0": "MEMBER", "3.0": "X-ADDRESSBOOKSERVER-MEMBER"}
_KINDS = set(_KIND.values())
_MEMBERS = set(_MEMBER.values())


def member_uid(member: str) -> str:
    """The UID a MEMBER value names: ``urn:uuid:`` is how cards refer to a UID."""
    return member[9:] if member[:9].lower() == "urn:uuid:" else member


def members_to_write(group: dict, resolved: dict[str, str]) -> list[str]:
    """The MEMBER values of a group now: those its card listed that are still members
    (as written; ``resolved`` gives the UID of the contact each names) or that no contact
    answered to, then the contacts given its tag since, as ``urn:uuid:`` references."""
    now = dict.fromkeys(group["member_uids"])  # ordered, and quick to ask: groups get big
    unresolved = set(group["missing"]) | set(group["pending"])
    out = []
    for member in group["members"]:
        uid = resolved.get(member)
        if uid is not None and uid in now:
            del now[uid]
            out.append(member)
        elif uid is None and member in unresolved:
            out.append(member)
    return out + [f"urn:uuid:{uid}" for uid in now]


def group_props(group: dict, members: list[str], version: str) -> list[Prop]:
    """The properties of a group's card in ``version`` listing ``members``."""
    if not group["props"]:
        return [Prop("FN", escape(group["name"])),
                Prop("N", join_structured([group["name"], "", "", "", ""])),
                Prop(_KIND[version], "group"),
                *(Prop(_MEMBER[version], m) for m in members), Prop("UID", group["uid"])]
    source = group["version"] or "3.0"
    props = [Prop(name, value, [(k, v) for k, v in params], grp)
             for grp, name, params, value in group["props"]]
    listed = [p.value.strip() for p in props if p.name in _MEMBERS]
    same = version == ("3.0" if source == "2.1" else source)
    if same and listed == members:
        return [convert(p, source, version) for p in props]
    out: list[Prop] = []
    written = False
    member_name = next((p.name for p in props if p.name in _MEMBERS and same), _MEMBER[version])
    for prop in props:
        if prop.name in _MEMBERS or (prop.name == "UID" and not written):
            if not written:
                out += [Prop(member_name, m) for m in members]
                written = True
            if prop.name in _MEMBERS:
                continue
        if prop.name in _KINDS and not same:
            out.append(Prop(_KIND[version], prop.value))
        else:
            out.append(convert(prop, source, version))
    if not written:
        out += [Prop(member_name, m) for m in members]
    return out
