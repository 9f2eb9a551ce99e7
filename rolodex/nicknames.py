"""Common English given-name nicknames, so that "Bob Smith" and "Robert Smith" look alike.

A small built-in table, not a dictionary of every name: it only has to catch the usual
suspects when looking for duplicate contacts. A short form may stand for several names
(Alex: Alexander, Alexandra), so a name maps to a set of full names; two first names are
nickname-equal when those sets meet. No I/O here.
"""

from __future__ import annotations

from functools import lru_cache

from rolodex.normalize import fold

# full name: its usual short forms (folded spelling)
_TABLE: dict[str, tuple[str, ...]] = {
    "abigail": ("abby", "abbie", "gail"),
    "albert": ("al", "bert", "bertie"),
    "alexander": ("alex", "alec", "sandy", "xander", "sasha"),
    "alexandra": ("alex", "alexa", "sandra", "sandy", "sasha", "lexi"),
    "alfred": ("al", "alf", "fred", "freddie", "alfie"),
    "andrew": ("andy", "drew"),
    "anthony": ("tony", "ant"),
    "antonio": ("tony", "toni"),
    "barbara": ("barb", "babs", "barbie"),
    "benjamin": ("ben", "benny", "benji"),
    "catherine": ("cathy", "cat", "kate", "katie", "kat"),
    "charles": ("charlie", "chuck", "chas", "chaz"),
    "christine": ("chris", "chrissy", "tina"),
    "christopher": ("chris", "kit", "topher"),
    "daniel": ("dan", "danny"),
    "david": ("dave", "davey", "davie"),
    "deborah": ("deb", "debbie", "debby"),
    "donald": ("don", "donnie"),
    "dorothy": ("dot", "dottie", "dolly"),
    "edward": ("ed", "eddie", "ted", "teddy", "ned"),
    "elizabeth": ("liz", "lizzie", "beth", "betty", "betsy", "eliza", "libby", "lisa", "elsie"),
    "eleanor": ("ellie", "nora", "nell"),
    "frances": ("fran", "frankie"),
    "francis": ("frank", "fran"),
    "frederick": ("fred", "freddie", "fritz"),
    "gregory": ("greg",),
    "harold": ("harry", "hal"),
    "henry": ("harry", "hank", "hal"),
    "isabel": ("izzy", "bella", "isa"),
    "jacob": ("jake", "jack"),
    "james": ("jim", "jimmy", "jamie"),
    "jennifer": ("jen", "jenny", "jenn"),
    "jessica": ("jess", "jessie"),
    "john": ("jack", "johnny", "jon"),
    "jonathan": ("jon", "jonny", "nathan"),
    "joseph": ("joe", "joey"),
    "josephine": ("jo", "josie"),
    "joshua": ("josh",),
    "katherine": ("kate", "katie", "kathy", "kat", "kay", "kitty"),
    "kathleen": ("kathy", "kate", "katie"),
    "kenneth": ("ken", "kenny"),
    "lawrence": ("larry", "laurie"),
    "leonard": ("leo", "len", "lenny"),
    "margaret": ("maggie", "meg", "peggy", "marge", "greta", "daisy"),
    "matthew": ("matt", "matty"),
    "michael": ("mike", "mikey", "mick", "mickey"),
    "nicholas": ("nick", "nicky", "nico"),
    "patricia": ("pat", "patty", "trish", "tricia"),
    "patrick": ("pat", "paddy", "rick"),
    "peter": ("pete",),
    "philip": ("phil",),
    "rebecca": ("becky", "becca", "bex"),
    "richard": ("rick", "ricky", "dick", "rich", "richie"),
    "robert": ("bob", "bobby", "rob", "robbie", "bert"),
    "ronald": ("ron", "ronnie"),
    "samantha": ("sam", "sammy"),
    "samuel": ("sam", "sammy"),
    "stephen": ("steve", "stevie"),
    "steven": ("steve", "stevie"),
    "susan": ("sue", "susie", "suzy"),
    "theodore": ("ted", "teddy", "theo"),
    "thomas": ("tom", "tommy"),
    "timothy": ("tim", "timmy"),
    "victoria": ("vicky", "vic", "tori"),
    "walter": ("walt", "wally"),
    "william": ("bill", "billy", "will", "willy", "liam"),
}


def _index() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for full, shorts in _TABLE.items():
        for name in (full, *shorts):
            out.setdefault(name, set()).add(full)
    return {name: frozenset(fulls) for name, fulls in out.items()}


_FULL_NAMES = _index()


@lru_cache(maxsize=4096)
def full_names(first: str | None) -> frozenset[str]:
    """The full names a first name may stand for, folded; a name the table does not know
    stands for itself ("Bob" -> {robert}, "Robert" -> {robert}, "Xavi" -> {xavi})."""
    key = fold(first)
    if not key:
        return frozenset()
    return _FULL_NAMES.get(key, frozenset((key,)))


def same_person_name(first_a: str | None, first_b: str | None) -> bool:
    """Whether two first names can name the same person through a nickname."""
    return bool(full_names(first_a) & full_names(first_b))


def spellings(first: str | None) -> list[str]:
    """Every spelling that may name the same person: the name, its full names and their
    short forms; for a search that finds "Bob" from "Robert" and back."""
    key = fold(first)
    out = {key} if key else set()
    for full in full_names(first):
        out.add(full)
        out.update(_TABLE.get(full, ()))
    return sorted(out)
