"""The vCard content-line layer: one inline fixture per quirk real clients write, properties
of folding and escaping, and every vCard of the shared real-world corpus."""

from __future__ import annotations

import csv
import hashlib
import signal
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import corpus
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rolodex.errors import FileError
from rolodex.formats.vcard_file import read_cards
from rolodex.formats.vcard_lines import (
    escape,
    fold,
    format_prop,
    join_structured,
    split_list,
    split_structured,
    unescape,
    write_card,
)
from rolodex.formats.vcard_props import Card, Prop, param

CORPUS = Path(__file__).parents[1].parent / "shared" / "corpus"
HAVE_CORPUS = (CORPUS / "MANIFEST.tsv").is_file()
needs_corpus = corpus.needs_corpus


def vcf(*lines: str, end: str = "\r\n") -> bytes:
    """A file from lines: fixtures stay readable and choose their own line ends."""
    return (end.join(lines) + end).encode("utf-8")


def one(data: bytes | str, **kwargs: str) -> Card:
    """The single card of a fixture, asserting nothing else was reported."""
    cards, errors = read_cards(data, source="t.vcf", **kwargs)
    assert errors == []
    assert len(cards) == 1
    return cards[0]


def prop(card: Card, name: str) -> Prop:
    return next(p for p in card.props if p.name == name)


# --- bytes, encodings and line ends -------------------------------------------------------

def test_quoted_printable_soft_break_splitting_a_utf8_character() -> None:
    card = one(vcf("BEGIN:VCARD", "VERSION:2.1",
                   "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=", "=BCrgen M=C3=BCller",
                   "END:VCARD"))
    fn = prop(card, "FN")
    assert fn.value == "Jürgen Müller"
    assert fn.params == []  # the value is plain text now
    assert fn.line == 3


def test_quoted_printable_structured_value_keeps_its_separators() -> None:
    card = one(vcf("BEGIN:VCARD", "VERSION:2.1",
                   "ADR;HOME;ENCODING=QUOTED-PRINTABLE:;;Hauptstra=C3=9Fe 1=0D=0AHof;=",
                   "Berlin;;10115;=", "Deutschland",
                   "N;QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen", "END:VCARD"))
    adr = prop(card, "ADR")
    assert split_structured(adr.value) == ["", "", "Hauptstraße 1\nHof", "Berlin", "", "10115",
                                           "Deutschland"]
    assert adr.params == [("TYPE", ["HOME"])]
    assert split_structured(prop(card, "N").value) == ["Müller", "Jürgen"]


def test_quoted_printable_soft_break_never_swallows_end_vcard() -> None:
    cards, errors = read_cards(vcf("BEGIN:VCARD", "NOTE;QUOTED-PRINTABLE:dangling=",
                                   "END:VCARD", "BEGIN:VCARD", "FN:Next", "END:VCARD"))
    assert errors == []
    assert [c.props[0].value for c in cards] == ["dangling", "Next"]


def test_charset_iso_8859_1_decodes_that_property() -> None:
    data = (b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
            b"N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r\n"
            b"FN;CHARSET=ISO-8859-1:J\xfcrgen M\xfcller\r\n"
            b"NOTE:caf\xc3\xa9\r\nEND:VCARD\r\n")
    card = one(data)
    assert split_structured(prop(card, "N").value) == ["Müller", "Jürgen"]
    assert prop(card, "FN").value == "Jürgen Müller"
    assert prop(card, "FN").params == []
    assert prop(card, "NOTE").value == "café"  # the rest of the file is still UTF-8


def test_quoted_printable_without_charset_falls_back_to_windows_code_page() -> None:
    # Outlook 2003 writes its code page in QP and names no CHARSET.
    card = one(vcf("BEGIN:VCARD", "LABEL;ENCODING=QUOTED-PRINTABLE:Krak=F3w", "END:VCARD"))
    assert card.props[0].value == "Kraków"


def test_utf8_bom() -> None:
    card = one(b"\xef\xbb\xbf" + vcf("BEGIN:VCARD", "VERSION:3.0", "FN:Zoë", "END:VCARD"))
    assert card.version == "3.0"
    assert prop(card, "FN").value == "Zoë"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32(codec: str) -> None:
    text = "\r\n".join(["BEGIN:VCARD", "VERSION:3.0", "FN:Zoë 日本", "END:VCARD", ""])
    data = text.encode(codec)
    if codec == "utf-32":
        assert data.startswith(b"\xff\xfe\x00\x00")
    card = one(data)
    assert prop(card, "FN").value == "Zoë 日本"


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r\r\n", "\r"], ids=["LF", "CRLF", "CRCRLF", "CR"])
def test_line_ends(end: str) -> None:
    card = one(vcf("BEGIN:VCARD", "VERSION:3.0", "FN:Ann", "NOTE:folded", " line", "TEL:1",
                   "END:VCARD", end=end))
    assert [(p.name, p.value, p.line) for p in card.props] == [
        ("FN", "Ann", 3), ("NOTE", "foldedline", 4), ("TEL", "1", 6)]


def test_lone_cr_inside_a_crlf_file_is_part_of_the_value() -> None:
    card = one(b"BEGIN:VCARD\r\nX-CUSTOM3;VALUE=TEXT:custom\r3\r\nEND:VCARD\r\n")
    assert card.props[0].value == "custom\r3"
    assert format_prop(card.props[0]) == "X-CUSTOM3;VALUE=TEXT:custom\\n3"


def test_not_utf8_names_the_line_and_encoding_option_then_reads_with_it() -> None:
    data = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ren\u00e9\r\nNOTE:na\u00efve\r\nEND:VCARD\r\n"
    raw = data.encode("cp1252")
    with pytest.raises(FileError) as caught:
        read_cards(raw, source="cards.vcf")
    assert "cards.vcf: line 3: not UTF-8 text" in caught.value.message
    assert "--encoding" in (caught.value.hint or "")
    card = one(raw, encoding="cp1252")
    assert [p.value for p in card.props] == ["René", "naïve"]


def test_not_utf8_inside_a_folded_value_names_the_physical_line() -> None:
    raw = b"BEGIN:VCARD\nNOTE:first\n second \xe9\nEND:VCARD\n"
    with pytest.raises(FileError, match="line 3: not UTF-8"):
        read_cards(raw)


def test_fold_splitting_a_utf8_character_is_healed() -> None:
    raw = "BEGIN:VCARD\r\nFN:αβγ\r\nEND:VCARD\r\n".encode()
    cut = raw.index("β".encode()) + 1  # between the two bytes of β
    card = one(raw[:cut] + b"\r\n " + raw[cut:])
    assert card.props[0].value == "αβγ"


def test_unknown_encoding_is_a_file_error() -> None:
    with pytest.raises(FileError, match="unknown encoding"):
        read_cards(b"BEGIN:VCARD\r\nEND:VCARD\r\n", encoding="no-such-codec")


def test_str_input() -> None:
    card = one("\ufeffBEGIN:VCARD\nFN;CHARSET=ISO-8859-1:Zoë\nEND:VCARD\n")
    assert card.props[0].value == "Zoë"


# --- lines, folding and parameters --------------------------------------------------------

def test_broken_folding_is_appended_as_written() -> None:
    card = one(vcf("BEGIN:VCARD", "VERSION:2.1", "NOTE:first part",
                   "second part, no leading space", "TEL:1", "END:VCARD"))
    assert prop(card, "NOTE").value == "first partsecond part, no leading space"
    assert prop(card, "TEL").value == "1"


def test_tab_folding_inside_parameters() -> None:
    card = one(vcf("BEGIN:VCARD", "TEL;TYPE=VOICE,M", "\tSG,WORK:+1-919", "END:VCARD"))
    assert card.props[0].params == [("TYPE", ["VOICE", "MSG", "WORK"])]


def test_property_before_version_and_version_anywhere() -> None:
    card = one(vcf("BEGIN:VCARD", "FN:Early", "N:Bird;Early", "VERSION:2.1", "END:VCARD"))
    assert card.version == "2.1"
    assert [p.name for p in card.props] == ["FN", "N"]
    assert one(vcf("BEGIN:VCARD", "FN:x", "END:VCARD")).version is None
    assert one(vcf("BEGIN:VCARD", "VERSION: 4", "FN:x", "END:VCARD")).version == "4.0"


def test_vaddressbook_wrapper_blank_lines_and_junk_between_cards() -> None:
    cards, errors = read_cards(vcf("BEGIN:VADDRESSBOOK", "", "BEGIN:VCARD", "FN:One",
                                   "END:VCARD", "some junk", "", "BEGIN:VCARD", "FN:Two",
                                   "END:VCARD", "END:VADDRESSBOOK"))
    assert errors == []
    assert [(c.index, c.line, c.props[0].value) for c in cards] == [(1, 3, "One"), (2, 8, "Two")]


def test_whitespace_after_begin_and_mixed_case() -> None:
    card = one(vcf("BEGIN:vCard  ", "VERSION:3.0", "FN:x", "END:VCARD\t"))
    assert card.props[0].value == "x"


def test_lowercase_names_and_groups() -> None:
    card = one(vcf("begin:vcard", "version:3.0", "fn:john", "item1.email;type=internet:j@x.org",
                   "item1.x-ablabel:Work", "end:vcard"))
    email = prop(card, "EMAIL")
    assert (email.group, email.params) == ("item1", [("TYPE", ["internet"])])
    assert param(email, "type") == ["INTERNET"]
    assert prop(card, "X-ABLABEL").group == "item1"


def test_bare_21_parameters() -> None:
    card = one(vcf("BEGIN:VCARD", "VERSION:2.1", "TEL;CELL;PREF:1", "TEL;WORK;VOICE:2",
                   "EMAIL;INTERNET;TYPE=home:a@b.c", "URL;VALUE=URL:http://x", "END:VCARD"))
    cell, work, email, url = card.props
    assert cell.params == [("TYPE", ["CELL", "PREF"])]
    assert param(work, "TYPE") == ["WORK", "VOICE"]
    assert param(email, "TYPE") == ["INTERNET", "HOME"]
    assert param(url, "VALUE") == ["URL"]


def test_type_lists_repeated_quoted_and_pref() -> None:
    card = one(vcf("BEGIN:VCARD", "TEL;TYPE=work,voice;TYPE=pref:1",
                   'TEL;TYPE="cell,video";PREF=1:2', 'ADR;LABEL="a;b:c":;;x', "END:VCARD"))
    first, second, adr = card.props
    assert first.params == [("TYPE", ["work", "voice"]), ("TYPE", ["pref"])]
    assert param(first, "TYPE") == ["WORK", "VOICE", "PREF"]
    assert param(second, "TYPE") == ["CELL", "VIDEO"]
    assert param(second, "PREF") == ["1"]
    assert adr.params == [("LABEL", ["a;b:c"])]
    assert format_prop(adr) == 'ADR;LABEL="a;b:c":;;x'


def test_empty_parameters_are_skipped() -> None:
    card = one(vcf("BEGIN:VCARD", "NOPARAM;:v", "MIDDLE;P=v;;Q=w:v", "END:VCARD"))
    assert [p.params for p in card.props] == [[], [("P", ["v"]), ("Q", ["w"])]]


def test_base64_21_photo_continues_until_a_blank_line() -> None:
    card = one(vcf("BEGIN:VCARD", "VERSION:2.1", "PHOTO;ENCODING=BASE64;TYPE=JPEG:",
                   "  /9j/4AAQ", "SkZJRgAB", "  AQEA==", "", "FN:After", "END:VCARD"))
    photo = prop(card, "PHOTO")
    assert photo.value == "/9j/4AAQSkZJRgABAQEA=="
    assert param(photo, "ENCODING") == ["BASE64"]
    assert prop(card, "FN").value == "After"


def test_bare_base64_parameter_is_an_encoding() -> None:
    card = one(vcf("BEGIN:VCARD", "PHOTO;BASE64:", "  AAAA", "  BBBB", "END:VCARD"))
    assert card.props[0].params == [("ENCODING", ["BASE64"])]
    assert card.props[0].value == "AAAABBBB"


def test_slash_in_legacy_kde_property_names() -> None:
    card = one(vcf("BEGIN:VCARD", "FN:x", "X-messaging/aim-All:me", "END:VCARD"))
    assert prop(card, "X-MESSAGING/AIM-ALL").value == "me"


# --- escapes ------------------------------------------------------------------------------

def test_escaped_comma_and_semicolon_in_org() -> None:
    card = one(vcf("BEGIN:VCARD", r"ORG:Example\, Inc.;Sales", "END:VCARD"))
    assert card.props[0].value == r"Example\, Inc.;Sales"
    assert split_structured(card.props[0].value) == ["Example, Inc.", "Sales"]


def test_note_with_newline_escapes() -> None:
    card = one(vcf("BEGIN:VCARD", r"NOTE:one\ntwo\Nthree\\four\qfive", "END:VCARD"))
    assert unescape(card.props[0].value) == "one\ntwo\nthree\\four\\qfive"


def test_escape_helpers() -> None:
    assert escape("a,b;c\\d\ne\r\nf") == r"a\,b\;c\\d\ne\nf"
    assert split_list(r"a\,b,c\\,d") == ["a,b", "c\\", "d"]
    assert split_structured(r"a\\;b\;c;") == ["a\\", "b;c", ""]
    assert join_structured(["Example, Inc.", "R;D"]) == r"Example\, Inc.;R\;D"
    assert unescape("trailing\\") == "trailing\\"


# --- broken cards -------------------------------------------------------------------------

def test_unclosed_card_is_reported_and_the_next_card_read() -> None:
    cards, errors = read_cards(vcf("BEGIN:VCARD", "FN:Lost", "BEGIN:VCARD", "FN:Found",
                                   "END:VCARD", "BEGIN:VCARD", "FN:Truncated"), source="f.vcf")
    assert [(c.index, c.props[0].value) for c in cards] == [(2, "Found")]
    assert [(e.source, e.index, e.line) for e in errors] == [("f.vcf", 1, 1), ("f.vcf", 3, 6)]
    assert all("not closed" in e.reason for e in errors)


def test_unreadable_line_fails_its_card_only() -> None:
    cards, errors = read_cards(vcf("BEGIN:VCARD", "FN:Bad", "TEL;CELL", "END:VCARD",
                                   "BEGIN:VCARD", "FN:Good", "END:VCARD"))
    assert [c.props[0].value for c in cards] == ["Good"]
    assert [(e.index, e.line) for e in errors] == [(1, 1)]
    assert "line 3" in errors[0].reason


def test_text_before_any_property_fails_its_card() -> None:
    cards, errors = read_cards(vcf("BEGIN:VCARD", " indented orphan", "FN:x", "END:VCARD"))
    assert cards == []
    assert "line 2" in errors[0].reason


def test_end_without_begin_and_a_file_without_cards() -> None:
    cards, errors = read_cards(vcf("VERSION:3.0", "FN:Headless", "END:VCARD"))
    assert cards == []
    assert [(e.index, e.line) for e in errors] == [(1, 1)]
    assert "without BEGIN" in errors[0].reason
    cards, errors = read_cards(vcf("BEGIN:VCALENDAR", "END:VCALENDAR"))
    assert cards == [] and "not a vCard" in errors[0].reason
    assert read_cards(b"") == ([], [])
    assert read_cards(b"\r\n\r\n") == ([], [])


@given(st.binary(max_size=300) | st.text(max_size=200).map(lambda t: t.encode()))
@settings(max_examples=300, deadline=None)
def test_fuzzed_input_raises_nothing_but_file_error(data: bytes) -> None:
    with suppress(FileError):
        read_cards(b"BEGIN:VCARD\r\n" + data)


@pytest.mark.parametrize("evil", [
    'X;P="' + "a" * 50_000,
    "X" + ";P=a" * 20_000,
    "X;" + '"";' * 20_000,
    "N:" + "\\" * 50_000 + ";",
    "NOTE;QUOTED-PRINTABLE:" + "=\n" * 20_000,
])
def test_pathological_lines_stay_fast(evil: str) -> None:
    start = time.perf_counter()
    cards, _ = read_cards("BEGIN:VCARD\n" + evil + "\nEND:VCARD\n")
    for card in cards:
        for p in card.props:
            split_structured(p.value)
    assert time.perf_counter() - start < 1


# --- writing ------------------------------------------------------------------------------

def test_write_card_layout_and_quoting() -> None:
    text = write_card("3.0", [Prop("FN", "Ann"),
                              Prop("ADR", ";;x", [("TYPE", ["home", "pref"]),
                                                  ("LABEL", ["a, b"])], group="item1"),
                              Prop("NOTE", "two\nlines")])
    assert text == ('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\n'
                    'item1.ADR;TYPE=home,pref;LABEL="a, b":;;x\r\nNOTE:two\\nlines\r\n'
                    "END:VCARD\r\n")


def test_fold_never_splits_a_character() -> None:
    line = "NOTE:" + "€" * 60 + "x" * 80
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in pieces)
    assert pieces[0] + "".join(p[1:] for p in pieces[1:]) == line
    assert fold("FN:short") == "FN:short"


TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"),
               max_size=300)
PARAM_TEXT = st.text(st.characters(blacklist_categories=("Cs",),
                                   blacklist_characters='"\r\n'), max_size=40)


@given(TEXT, st.lists(PARAM_TEXT, min_size=1, max_size=3), st.sampled_from([None, "item1"]))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_written_properties_read_back_the_same(text: str, values: list[str],
                                               group: str | None) -> None:
    written = Prop("NOTE", escape(text), [("X-P", values)], group)
    card_text = write_card("4.0", [written, Prop("FN", "After")])
    for physical in card_text.split("\r\n"):
        assert len(physical.encode()) <= 75
    card = one(card_text.encode())
    assert card.version == "4.0"
    back = card.props[0]
    assert (back.name, back.value, back.params, back.group) == (
        "NOTE", escape(text), [("X-P", values)], group)
    assert unescape(back.value) == text
    assert card.props[1].value == "After"


# --- the real-world corpus ----------------------------------------------------------------

# expected_valid=yes files whose cards really carry neither FN nor N, and how many such cards.
NAMELESS = {"vcard/ez-vcard__John_Doe_ANDROID.vcf": 2,  # two cards with only EMAIL
            "vcard/icaljs__vcard_grouped.vcf": 1,  # only ADR properties
            "vcard/sabre-vobject__issue64.vcf": 1}  # only a PHOTO


def _manifest() -> list[dict[str, str]]:
    if not HAVE_CORPUS:
        return []
    with open(CORPUS / "MANIFEST.tsv", newline="", encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [r for r in rows if r["file"].startswith("vcard/") and r["file"].endswith(".vcf")]


@contextmanager
def time_limit(seconds: float):
    """Turn a hang into a failure where SIGALRM exists; elsewhere the elapsed check catches it."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"took more than {seconds} s")

    if usable:
        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        if usable:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


ROWS = _manifest()


@pytest.mark.slow
@needs_corpus
@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_corpus_file(row: dict[str, str]) -> None:
    data = (CORPUS / row["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == row["sha256"], "corpus file changed"
    start = time.perf_counter()
    with time_limit(2):
        try:
            cards, errors = read_cards(data, source=row["file"])
        except FileError as exc:
            assert row["expected_valid"] != "yes", exc.message
            assert "--encoding" in (exc.hint or "")
            cards, errors = read_cards(data, source=row["file"], encoding="latin-1")
    assert time.perf_counter() - start < 2
    assert cards or errors
    for card in cards:
        for p in card.props:
            format_prop(p)  # every property can be written back
    if row["expected_valid"] == "yes":
        assert cards and errors == []
        nameless = [c for c in cards if not any(p.name in ("FN", "N") for p in c.props)]
        assert len(nameless) == NAMELESS.get(row["file"], 0)
        assert all(c.props for c in cards)


@pytest.mark.slow
@needs_corpus
def test_corpus_rows_found() -> None:
    assert len(ROWS) >= 100
