"""``export --vcard-version`` writes the target version's syntax: PREF, type lists, TEL
URIs, INTERNET, dates, KIND, PHOTO data URIs, LABEL, GEO, 2.1's bare types and
quoted-printable; every output is read back by the real vobject and by rolodex (#14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rolodex.cli import _context
from rolodex.formats.vcard_convert import convert
from rolodex.formats.vcard_file import read_cards
from rolodex.formats.vcard_lines import format_prop
from rolodex.formats.vcard_props import Prop

FIXTURES = Path(__file__).parent / "fixtures" / "vcard"
V4 = FIXTURES / "v4-tel-uri-pref-label-geo-photo.vcf"
V3 = FIXTURES / "v3-apple-types-pref-label-geo-photo.vcf"
V21 = FIXTURES / "v21-bare-types-quoted-printable.vcf"

EXPECTED = {
    (V4, "3.0"): [
        "TEL;TYPE=CELL,HOME,PREF:+33-1-23-45-67-89",
        "TEL;TYPE=WORK:+33-1-98-76-54-32 ext. 12",
        "EMAIL;TYPE=INTERNET,WORK,PREF:jean@acme.example",
        "EMAIL;TYPE=INTERNET,HOME:jean@home.example",
        "BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15",
        "X-ANNIVERSARY:2010-06-01",
        "ADR;TYPE=WORK:;;1 Rue de la Paix;Paris;;75002;France",
        "LABEL;TYPE=WORK:1 Rue de la Paix\\n75002 Paris",
        "GEO:48.8686;2.3318",
        "PHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgo=",
    ],
    (V3, "4.0"): [
        "EMAIL;TYPE=work;PREF=1:jane@acme.example",
        "TEL;VALUE=uri;TYPE=cell,voice;PREF=1:tel:+1-555-010-0100",
        "item1.TEL;VALUE=uri:tel:+49-176-12345678",
        'ADR;TYPE=home;LABEL="1 High St^nSpringfield 12345":;;1 High St;Springfield;;12345;USA',
        "BDAY:--0415",
        "ANNIVERSARY:20100601",
        "GEO:geo:37.386013,-122.082932",
        "PHOTO:data:image/jpeg;base64,/9j/4AAQSkZJRg==",
    ],
    (V21, "3.0"): [
        "TEL;TYPE=CELL,HOME:+1 555 0100",
        "TEL;TYPE=WORK,VOICE,PREF:+1 555 0199",
        "EMAIL;TYPE=INTERNET,PREF:john@roe.example",
        "NOTE:Café au lait",
        "GEO:37.24;-17.87",
        "PHOTO;VALUE=uri;TYPE=GIF:http://roe.example/john.gif",
    ],
    (V21, "4.0"): [
        "TEL;VALUE=uri;TYPE=cell,home:tel:+1-555-0100",
        "TEL;VALUE=uri;TYPE=work,voice;PREF=1:tel:+1-555-0199",
        "EMAIL;PREF=1:john@roe.example",
        "NOTE:Café au lait",
        "GEO:geo:37.24,-17.87",
        "PHOTO;VALUE=uri;MEDIATYPE=image/gif:http://roe.example/john.gif",
    ],
}


def unfolded(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def exported(rolodex, path: Path, version: str) -> str:
    result = rolodex(["import", str(path)])
    assert result.exit_code == 0 and " 0 failed" in result.stderr, result.stderr
    out = rolodex(["export", "--vcard-version", version])
    assert out.exit_code == 0, out.stderr
    return out.stdout


@pytest.mark.parametrize(("path", "version"), list(EXPECTED),
                         ids=[f"{p.stem}-to-{v}" for p, v in EXPECTED])
def test_conversion_writes_the_target_syntax(rolodex, path, version):
    import vobject

    text = exported(rolodex, path, version)
    lines = unfolded(text)
    assert f"VERSION:{version}" in lines
    for line in EXPECTED[path, version]:
        assert line in lines
    [card] = list(vobject.readComponents(text))
    assert card.version.value == version and card.fn.value
    assert [t.value for t in card.contents.get("tel", [])]


@pytest.mark.parametrize("path", [V4, V3], ids=["4.0-3.0-4.0", "3.0-4.0-3.0"])
def test_there_and_back_keeps_what_rolodex_models(rolodex, path, tmp_path, monkeypatch):
    source = "4.0" if path is V4 else "3.0"
    other = "3.0" if source == "4.0" else "4.0"
    first = exported(rolodex, path, other)
    contact = rolodex("contact list -f json").json()
    middle = tmp_path / "middle.vcf"
    middle.write_text(first, encoding="utf-8", newline="")
    monkeypatch.setenv("ROLODEX_DB", str(tmp_path / "second.db"))
    _context.state.close()
    back = exported(rolodex, middle, source)
    again = rolodex("contact list -f json").json()
    keys = ("name", "emails", "birthday", "anniversary", "addresses", "tags")
    assert [{k: c[k] for k in keys} for c in again] == [{k: c[k] for k in keys} for c in contact]
    assert [p["label"] for p in again[0]["phones"]] == [p["label"] for p in contact[0]["phones"]]
    original = {line for line in unfolded(path.read_bytes().decode())
                if line.startswith(("BDAY", "GEO", "PHOTO", "ANNIVERSARY", "X-ANNIVERSARY"))}
    assert original <= set(unfolded(back))


@pytest.mark.parametrize(("prop", "source", "target", "line"), [
    (Prop("KIND", "group"), "4.0", "3.0", "X-ADDRESSBOOKSERVER-KIND:group"),
    (Prop("X-ADDRESSBOOKSERVER-KIND", "group"), "3.0", "4.0", "KIND:group"),
    (Prop("MEMBER", "urn:uuid:jane-1"), "4.0", "3.0",
     "X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:jane-1"),
    (Prop("X-ADDRESSBOOKSERVER-MEMBER", "urn:uuid:jane-1"), "3.0", "4.0",
     "MEMBER:urn:uuid:jane-1"),
    (Prop("IMPP", "skype:jane.doe", [("X-SERVICE-TYPE", ["Skype"]), ("TYPE", ["pref"])]),
     "3.0", "4.0", "IMPP;X-SERVICE-TYPE=Skype;PREF=1:skype:jane.doe"),
    (Prop("EMAIL", "jane@acme.example", [("TYPE", ["INTERNET"]), ("TYPE", ["HOME"])]),
     "3.0", "4.0", "EMAIL;TYPE=home:jane@acme.example"),
    (Prop("BDAY", "1953-10-15T23:10:00Z"), "3.0", "4.0", "BDAY:19531015T231000Z"),
    (Prop("BDAY", "19531015T231000Z"), "4.0", "3.0", "BDAY:1953-10-15T23:10:00Z"),
    (Prop("BDAY", "circa 1800", [("VALUE", ["text"])]), "4.0", "3.0",
     "BDAY;VALUE=text:circa 1800"),
    (Prop("TEL", "BusinessPhone", [("TYPE", ["WORK"])]), "3.0", "4.0",
     "TEL;TYPE=work:BusinessPhone"),
    (Prop("LOGO", "data:image/gif;base64,R0lGODlh"), "4.0", "3.0",
     "LOGO;ENCODING=b;TYPE=GIF:R0lGODlh"),
    (Prop("PHOTO", "AAAA", [("ENCODING", ["BASE64"]), ("TYPE", ["JPEG"])]), "2.1", "4.0",
     "PHOTO:data:image/jpeg;base64,AAAA"),
])
def test_one_property_in_the_other_version(prop, source, target, line):
    assert format_prop(convert(prop, source, target)) == line


@pytest.mark.slow
def test_a_3_0_export_is_read_by_khard(rolodex, tmp_path):
    import subprocess

    from test_khard import khard

    assert rolodex(["import", str(V4)]).exit_code == 0
    book = tmp_path / "book"
    assert rolodex(["export", "--vcard-version", "3.0", "-o", f"{book}/"]).exit_code == 0
    [card] = read_cards((next(book.iterdir())).read_bytes())[0]
    assert card.version == "3.0"
    config = tmp_path / "khard.conf"
    config.write_text(f"[addressbooks]\n[[rolodex]]\npath = {book}\n\n[general]\n"
                      "debug = no\ndefault_action = list\neditor = /bin/true\n"
                      "merge_editor = /bin/true\n\n[contact table]\ndisplay = formatted_name\n")
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    phones = subprocess.run([khard(), "-c", str(config), "phone", "--parsable"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert phones.returncode == 0, phones.stderr
    assert "+33-1-23-45-67-89\tJean Dupont" in phones.stdout
