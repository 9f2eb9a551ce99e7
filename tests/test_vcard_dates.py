"""The dates people put on cards: Apple/Google labelled dates (X-ABDATE + X-ABLabel),
Android's contact events, vCard 4 DEATHDATE and text birthdays. Now is 2026-11-20."""

from __future__ import annotations

from pathlib import Path

import corpus
import pytest
from test_undo import dump

FIXTURES = Path(__file__).parent / "fixtures" / "vcard"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def imported(rolodex, name: str) -> None:
    result = rolodex(["import", str(FIXTURES / name)])
    assert result.exit_code == 0, result.stderr


def show(rolodex, who: str) -> dict:
    result = rolodex(["contact", "show", who, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    return result.json()


def agenda(rolodex, days: int = 10) -> list[tuple[str, str, str]]:
    result = rolodex(["agenda", "--days", str(days), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    return [(i["date"], i["type"], i["title"]) for i in result.json()]


def lines(text: str) -> list[str]:
    """Content lines unfolded, all before the value upper-cased (names and parameters are
    case-insensitive; the reader spells them in capitals)."""
    out = []
    for line in text.replace("\r\n ", "").replace("\r", "").split("\n"):
        head, colon, value = line.partition(":")
        if line:
            out.append(head.upper() + colon + value)
    return out


def test_apple_anniversary_label_is_the_anniversary_and_others_are_dates(rolodex):
    imported(rolodex, "dates-apple-anniversary-and-custom-label.vcf")
    jane = show(rolodex, "jane")
    assert (jane["birthday"], jane["anniversary"]) == ("1985-04-15", "2010-11-22")
    assert jane["dates"] == [{"label": "Hired", "date": "2019-11-24"},
                             {"label": "Other", "date": "--11-26"}]


def test_labelled_dates_are_in_the_agenda_like_anniversaries(rolodex):
    imported(rolodex, "dates-apple-anniversary-and-custom-label.vcf")
    assert agenda(rolodex) == [
        ("2026-11-22", "anniversary", "Jane Doe's anniversary (16)"),
        ("2026-11-24", "anniversary", "Jane Doe's Hired (7)"),
        ("2026-11-26", "anniversary", "Jane Doe's Other")]
    report = rolodex("report birthdays -f json").json()
    rows = report["sections"]["dates"]["rows"]
    assert [(r["date"], r["kind"], r["label"], r["years"]) for r in rows] == [
        ("2026-11-22", "anniversary", None, 16), ("2026-11-24", "anniversary", "Hired", 7),
        ("2026-11-26", "anniversary", "Other", None)]


def test_labelled_dates_show_on_the_card(rolodex):
    imported(rolodex, "dates-apple-anniversary-and-custom-label.vcf")
    result = rolodex("contact show jane")
    assert "Hired: 2019-11-24" in result.stdout
    assert "Other: --11-26" in result.stdout


def test_unedited_card_with_labelled_dates_exports_as_it_came(rolodex):
    imported(rolodex, "dates-apple-anniversary-and-custom-label.vcf")
    assert len(show(rolodex, "jane")["dates"]) == 2  # read, and still written as they came
    exported = rolodex("export").stdout
    source = (FIXTURES / "dates-apple-anniversary-and-custom-label.vcf").read_text()
    assert lines(exported) == lines(source)


def test_edited_apple_anniversary_stays_a_labelled_date(rolodex):
    imported(rolodex, "dates-apple-anniversary-and-custom-label.vcf")
    assert rolodex("contact edit jane --anniversary 2011-11-23").exit_code == 0
    exported = lines(rolodex("export").stdout)
    assert "ITEM1.X-ABDATE:2011-11-23" in exported
    assert "ITEM1.X-ABLABEL:_$!<Anniversary>!$_" in exported
    assert not any(line.startswith(("X-ANNIVERSARY", "ANNIVERSARY")) for line in exported)


def test_abdate_anniversary_beside_an_anniversary(rolodex):
    """The same day twice is one anniversary; another day is a labelled date."""
    imported(rolodex, "dates-abdate-anniversary-beside-anniversary.vcf")
    john = show(rolodex, "john")
    assert john["anniversary"] == "2012-11-21"
    assert john["dates"] == [{"label": "Anniversary", "date": "2015-11-23"}]


def test_android_contact_events(rolodex):
    imported(rolodex, "dates-android-events.vcf")
    jane = show(rolodex, "jane")
    assert (jane["birthday"], jane["anniversary"]) == ("1990-11-25", "2011-11-22")
    assert jane["dates"] == [{"label": "Hired", "date": "2020-11-24"}]


@pytest.mark.slow
def test_corpus_gmail_dates(rolodex):
    path = CORPUS / "vcard" / "ez-vcard__gmail-single2.vcf"
    corpus.require(module_level=False)
    assert rolodex(["import", str(path)]).exit_code == 0
    [contact] = rolodex("contact list -f json").json()
    assert contact["anniversary"] == "1930-03-20"
    assert contact["dates"] == [{"label": None, "date": "1776-07-04"},
                                {"label": "CustomDateCategory", "date": "2000-09-12"}]


def test_deceased_are_marked_and_get_no_reminders_or_followups(rolodex):
    imported(rolodex, "deathdate-date.vcf")
    ada = show(rolodex, "ada")
    assert (ada["deceased"], ada["deathdate"], ada["birthday"]) == (True, "1852-11-27",
                                                                   "1815-11-22")
    assert "1852-11-27" in rolodex("contact show ada").stdout
    assert rolodex("contact edit ada --every 7d").exit_code == 0
    assert agenda(rolodex) == []
    report = rolodex("report birthdays -f json").json()
    assert report["sections"]["dates"]["rows"] == []
    assert rolodex("followups -f json").json() == []
    dashboard = rolodex("dashboard -f json").json()
    assert dashboard["sections"]["agenda"]["rows"] == []
    assert dashboard["sections"]["followups"]["rows"] == []
    ical = rolodex("export --format ical --what birthdays").stdout
    assert "Ada" not in ical


def test_deathdate_as_text(rolodex):
    imported(rolodex, "deathdate-text.vcf")
    tom = show(rolodex, "tom")
    assert (tom["deceased"], tom["deathdate"]) == (True, "in the winter of 1990")
    assert agenda(rolodex) == []
    assert "DEATHDATE;VALUE=TEXT:in the winter of 1990" in lines(rolodex("export").stdout)


def test_deathdate_is_written_back(rolodex):
    imported(rolodex, "deathdate-date.vcf")
    assert show(rolodex, "ada")["deceased"] is True
    assert "DEATHDATE:18521127" in lines(rolodex("export").stdout)
    # 3.0 writes dates in ISO 8601's extended form (the converter's rule for every date).
    assert "DEATHDATE:1852-11-27" in lines(rolodex("export --vcard-version 3.0").stdout)


def test_a_card_that_gains_a_deathdate_marks_the_contact(rolodex, tmp_path):
    source = (FIXTURES / "deathdate-date.vcf").read_text()
    alive = source.replace("DEATHDATE:18521127\n", "")
    assert alive != source
    (tmp_path / "alive.vcf").write_text(alive)
    assert rolodex(["import", str(tmp_path / "alive.vcf")]).exit_code == 0
    assert show(rolodex, "ada")["deceased"] is False
    imported(rolodex, "deathdate-date.vcf")
    assert show(rolodex, "ada")["deceased"] is True


def test_text_birthday_is_shown_never_reminded_and_written_back(rolodex):
    imported(rolodex, "bday-text.vcf")
    timer = show(rolodex, "timer")
    assert (timer["birthday"], timer["birthday_text"]) == (None, "circa 1800")
    assert "circa 1800" in rolodex("contact show timer").stdout
    assert agenda(rolodex, 366) == []
    assert "BDAY;VALUE=TEXT:circa 1800" in lines(rolodex("export").stdout)


@pytest.mark.slow
def test_corpus_khard_text_birthday(rolodex):
    path = CORPUS / "vcard" / "khard__text-bday.vcf"
    corpus.require(module_level=False)
    assert rolodex(["import", str(path)]).exit_code == 0
    [contact] = rolodex("contact list -f json").json()
    assert (contact["birthday"], contact["birthday_text"]) == (None, "circa 1800")


def test_undo_reverts_imported_dates_exactly(rolodex, isolated):
    assert rolodex("add 'Zed Zero'").exit_code == 0
    before = dump(isolated)
    for name in ("dates-apple-anniversary-and-custom-label.vcf", "deathdate-date.vcf"):
        imported(rolodex, name)
        after = dump(isolated)
        assert after["labelled_dates"] or [r for r in after["contacts"] if r[-1]]  # deathdate
        assert rolodex("undo").exit_code == 0
        assert dump(isolated) == before


def test_deleting_a_contact_keeps_its_dates_in_the_journal(rolodex, isolated):
    imported(rolodex, "dates-apple-anniversary-and-custom-label.vcf")
    before = dump(isolated)
    assert rolodex("contact rm jane --yes").exit_code == 0
    assert dump(isolated)["labelled_dates"] == []
    assert rolodex("undo").exit_code == 0
    assert dump(isolated) == before


@pytest.mark.fresh_db
def test_contacts_from_before_the_migration_are_alive_without_dates(tmp_path):
    from test_migrate import _old_database

    from rolodex.store.opening import open_db
    from rolodex.store.people import contact_queries

    path = tmp_path / "rolodex.db"
    _old_database(path, 8)  # the schema before groups and these dates
    db = open_db(path)
    try:
        [zoe] = contact_queries.fetch(db, [1])
        assert (zoe["birthday"], zoe["birthday_text"], zoe["deceased"], zoe["deathdate"],
                zoe["dates"]) == ("--02-29", None, False, None, [])
        assert db.execute("SELECT count(*) FROM contact_groups").fetchone()[0] == 0
    finally:
        db.close()


def test_control_characters_in_labels_text_dates_and_group_names_never_reach_the_screen(
        rolodex):
    name = "control-characters-in-labels-dates-and-group-name.vcf"
    imported(rolodex, name)
    eve = show(rolodex, "eve")
    assert (eve["dates"], eve["birthday_text"], eve["deathdate"]) == (
        [{"label": "Hired [31m", "date": "2010-11-22"}], "long [2J ago", "gone ]0;title")
    assert len(eve["tags"]) == 1 and eve["tags"][0].isprintable()  # the group's tag
    shown = rolodex("contact show eve").stdout
    assert "\x1b" not in shown and "\x07" not in shown
    # Written back exactly as it came, control characters and all.
    assert "\x1b[31m" in rolodex("export").stdout


def test_merging_keeps_the_dates_and_the_death_of_the_merged_contact(rolodex):
    imported(rolodex, "dates-apple-anniversary-and-custom-label.vcf")
    imported(rolodex, "deathdate-text.vcf")
    result = rolodex("merge tom jane --yes")  # Jane into Tom
    assert result.exit_code == 0, result.stderr
    [merged] = rolodex("contact list -f json").json()
    assert (merged["deceased"], merged["deathdate"]) == (True, "in the winter of 1990")
    assert merged["dates"] == [{"label": "Hired", "date": "2019-11-24"},
                               {"label": "Other", "date": "--11-26"}]
