"""The vdir ``Storage`` (a real folder) and the three-way merge of one contact (#15)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rolodex.errors import FileError
from rolodex.formats.vcard import meaning
from rolodex.sync.contact_3way import three_way
from rolodex.sync.storage import PreconditionFailed
from rolodex.sync.sync_report import parse_card
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


class TokenFolder(VdirStorage):
    """A vdir folder that answers with sync tokens, as a CardDAV server does (RFC 6578):
    each token names the listing it was given with; an unknown one has expired."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, create=True)
        self.seen: dict[str, dict[str, str]] = {}
        self.asked: list[str | None] = []

    def changes(self, token):
        from rolodex.sync.storage import Changes, TokenExpired

        self.asked.append(token)
        now = dict(self.list())
        new_token = f"t{len(self.seen)}"
        self.seen[new_token] = now
        if token is None:
            return Changes(list(now.items()), [], new_token, True)
        if token not in self.seen:
            raise TokenExpired(token)
        before = self.seen[token]
        return Changes([(h, e) for h, e in now.items() if before.get(h) != e],
                       [h for h in before if h not in now], new_token, False)


def test_the_engine_asks_for_changes_since_its_token(tmp_path):
    from rolodex.store import sync_state
    from rolodex.store.opening import open_db
    from rolodex.store.people import contacts
    from rolodex.sync.engine import CollectionSync

    db = open_db(tmp_path / "r.db")
    book = tmp_path / "book"
    store = TokenFolder(book)
    sync_state.add_account(db, "t", "vdir", str(book), collections=[("contacts", str(book))])

    def sync():
        collection = sync_state.collections(db)[0]
        return CollectionSync(db, store, collection).run().counts()

    with db.write("add"):
        contacts.add_contact(db, "Jane Doe")
    (book / "bob.vcf").write_bytes(card("bob-1", FN="Bob Roe"))
    assert sync()["downloaded"] == 1
    (book / "carol.vcf").write_bytes(card("carol-1", FN="Carol Poe"))
    (book / "bob.vcf").unlink()
    counts = sync()
    assert counts["downloaded"] == 1 and counts["deleted_here"] == 1
    # the first sync sent Jane, after its listing's token: it kept none
    assert store.asked == [None, None]
    assert sync() == {k: 0 for k in counts}
    assert store.asked[-1] == "t1"
    store.seen.clear()  # the server forgot its tokens: a full listing, the same result
    assert sync() == {k: 0 for k in counts}
    assert store.asked[-2:] == ["t2", None]
    names = sorted(r["name"] for r in db.query("SELECT display_name AS name FROM contacts"))
    assert names == ["Carol Poe", "Jane Doe"]
    db.close()


class RacingFolder(VdirStorage):
    """Someone (khard, a teammate) edits an item right before rolodex writes or deletes it:
    the conditional write fails, and the sync must fetch it again and merge."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, create=True)
        self.race = False

    def _edit_first(self, href: str) -> None:
        if self.race:
            self.race = False
            path = self.root / href
            path.write_text(path.read_text().replace("END:VCARD",
                                                     "NOTE:edited meanwhile\r\nEND:VCARD"))

    def update(self, href, data, etag):
        self._edit_first(href)
        return super().update(href, data, etag)

    def delete(self, href, etag):
        self._edit_first(href)
        return super().delete(href, etag)


def test_an_item_edited_there_while_syncing_is_merged_never_overwritten(tmp_path):
    from rolodex.store import sync_state
    from rolodex.store.opening import open_db
    from rolodex.store.people import contacts
    from rolodex.sync.engine import CollectionSync

    db = open_db(tmp_path / "r.db")
    book = tmp_path / "book"
    store = RacingFolder(book)
    sync_state.add_account(db, "t", "vdir", str(book), collections=[("contacts", str(book))])

    def sync():
        return CollectionSync(db, store, sync_state.collections(db)[0]).run().counts()

    with db.write("add"):
        jane = contacts.add_contact(db, "Jane Doe")
        bob = contacts.add_contact(db, "Bob Roe")
    sync()
    with db.write("edit"):
        contacts.update_contact(db, jane, {"title": "CEO"})
    store.race = True
    assert sync()["merged"] == 1
    text = next(p for p in book.glob("*.vcf") if "Jane" in p.read_text()).read_text()
    assert "CEO" in text and "edited meanwhile" in text
    assert db.query("SELECT notes FROM contacts WHERE id = ?", (jane,))[0][0] == \
        "edited meanwhile"
    contacts.delete_contact(db, bob)
    store.race = True
    assert sync()["restored"] == 1  # deleted here, but edited there meanwhile: back
    assert sync() == {k: 0 for k in sync()}
    assert db.query("SELECT notes FROM contacts WHERE display_name = 'Bob Roe'")[0][0] == \
        "edited meanwhile"
    db.close()
