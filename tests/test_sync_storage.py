"""The vdir ``Storage`` (a real folder) and the three-way merge of one contact (#15)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rolodex.errors import FileError
from rolodex.formats.vcard import meaning
from rolodex.sync.contact_3way import three_way
from rolodex.sync.engine import parse_card
from rolodex.sync.storage import PreconditionFailed
from rolodex.sync.vdir_storage import VdirStorage

FIXTURES = Path(__file__).parent / "fixtures" / "sync"


def card(uid: str, **lines: str) -> bytes:
    body = "".join(f"{k.replace('_', '-')}:{v}\r\n" for k, v in lines.items())
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\n{body}END:VCARD\r\n".encode()


def test_the_folder_lists_only_its_own_regular_vcf_files(tmp_path):
    book = tmp_path / "book"
    store = VdirStorage(book, create=True)
    (book / "a.vcf").write_bytes(card("a", FN="A"))
    (book / ".hidden.vcf").write_bytes(card("h", FN="H"))
    (book / "notes.txt").write_text("x")
    (book / "sub.vcf").mkdir()
    outside = tmp_path / "secret.vcf"
    outside.write_bytes(card("s", FN="Secret"))
    (book / "link.vcf").symlink_to(outside)
    assert [href for href, _ in store.list()] == ["a.vcf"]
    assert [i.href for i in store.get_many(["a.vcf", "link.vcf", "gone.vcf"])] == ["a.vcf"]
    with pytest.raises(FileError):
        store.update("../secret.vcf", b"x", "etag")


def test_writes_are_conditional_and_keep_foreign_names(tmp_path):
    store = VdirStorage(tmp_path / "book", create=True)
    href, etag = store.upload("khard-named-file.vcf", card("k", FN="K"))
    assert href == "khard-named-file.vcf"
    with pytest.raises(PreconditionFailed):
        store.upload("khard-named-file.vcf", card("other", FN="O"))
    new = store.update(href, card("k", FN="K2"), etag)
    assert new != etag and dict(store.list()) == {href: new}
    with pytest.raises(PreconditionFailed):
        store.update(href, card("k", FN="K3"), etag)  # the ETag read before no longer holds
    with pytest.raises(PreconditionFailed):
        store.delete(href, etag)
    store.delete(href, new)
    assert list(store.list()) == []
    assert os.listdir(tmp_path / "book") == []


def test_a_symlink_at_an_href_is_replaced_not_followed(tmp_path):
    store = VdirStorage(tmp_path / "book", create=True)
    outside = tmp_path / "outside.vcf"
    outside.write_bytes(b"keep me")
    (tmp_path / "book" / "x.vcf").symlink_to(outside)
    with pytest.raises(PreconditionFailed):
        store.update("x.vcf", card("x", FN="X"), "whatever")
    with pytest.raises(PreconditionFailed):
        store.upload("x.vcf", card("x", FN="X"))
    assert outside.read_bytes() == b"keep me"


def _data(text: bytes):
    found = parse_card(text, "t.vcf")
    assert found is not None
    return found


def test_three_way_takes_each_side_s_changes_and_reports_a_true_clash():
    base = _data((FIXTURES / "base.vcf").read_bytes())
    local = _data((FIXTURES / "local.vcf").read_bytes())
    remote = _data((FIXTURES / "remote.vcf").read_bytes())
    merged, conflicts = three_way(base, local, remote)
    got = meaning(merged)
    assert got["notes"] == "met at the fair"  # local only
    assert got["nickname"] == "JD"  # remote only
    assert [e[0] for e in got["emails"]] == ["jane@acme.example", "jane@home.example"]
    assert [p[0] for p in got["phones"]] == ["+1 555 0199"]  # removed there, one added here
    assert sorted(got["tags"]) == ["friend", "vip"]
    assert got["title"] == "CFO"  # both changed it: local kept
    assert conflicts == [{"field": "title", "local": "CFO", "remote": "CTO"}]


def test_three_way_without_a_base_joins_lists_and_keeps_local_values():
    local = _data(card("u", FN="Jane Doe", EMAIL="a@x.example", TITLE="CEO"))
    remote = _data(card("u", FN="Jane Doe", EMAIL="b@x.example", TITLE="CTO"))
    merged, conflicts = three_way(None, local, remote)
    assert sorted(e.address for e in merged.emails) == ["a@x.example", "b@x.example"]
    assert merged.title == "CEO" and [c["field"] for c in conflicts] == ["title"]
