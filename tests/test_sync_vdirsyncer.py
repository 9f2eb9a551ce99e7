"""rolodex beside vdirsyncer and khard (#15): vdirsyncer keeps a vdir folder in step with the
Radicale address book rolodex syncs with (or with rolodex's own vdir folder); khard adds,
edits and deletes contacts in that folder; each change reaches rolodex, and rolodex's
change reaches khard, through the real programs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli
from dav_server import PASSWORD, USER, make_collection, radicale
from dav_world import contacts_in

pytestmark = pytest.mark.slow


def tool(name: str) -> str:
    found = Path(sys.executable).with_name(name)
    assert found.exists(), f"{name} is a test dependency: pip install -e '.[test]'"
    return str(found)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with radicale(tmp_path_factory.mktemp("radicale")) as running:
        yield running


class Clients:
    """vdirsyncer pairing ``far`` (a CardDAV URL or a folder) with the folder ``near``,
    and khard on ``near``."""

    def __init__(self, tmp_path: Path, near: Path, far: str | Path) -> None:
        near.mkdir(exist_ok=True)
        self.near = near
        if isinstance(far, Path):
            remote = f'type = "filesystem"\npath = "{far}"\nfileext = ".vcf"\n'
        else:
            remote = (f'type = "carddav"\nurl = "{far}"\nusername = "{USER}"\n'
                      f'password = "{PASSWORD}"\n')
        self.vdirsyncer_config = tmp_path / "vdirsyncer.conf"
        self.vdirsyncer_config.write_text(
            f'[general]\nstatus_path = "{tmp_path / "vdirsyncer-status"}/"\n\n'
            '[pair team]\na = "near"\nb = "far"\ncollections = null\n'
            'conflict_resolution = "b wins"\n\n'
            f'[storage near]\ntype = "filesystem"\npath = "{near}"\nfileext = ".vcf"\n\n'
            f"[storage far]\n{remote}")
        self.khard_config = tmp_path / "khard.conf"
        self.khard_config.write_text(
            f"[addressbooks]\n[[team]]\npath = {near}\n\n[general]\ndebug = no\n"
            "default_action = list\neditor = /bin/true\nmerge_editor = /bin/true\n\n"
            "[contact table]\ndisplay = formatted_name\n")
        self.env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
                    "VDIRSYNCER_CONFIG": str(self.vdirsyncer_config)}
        self.vdirsyncer("discover")

    def vdirsyncer(self, command: str = "sync") -> str:
        done = subprocess.run([tool("vdirsyncer"), command], capture_output=True, text=True,
                              env=self.env, timeout=120, input="y\n")
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    def khard(self, *args: str, input: str | None = None) -> str:
        done = subprocess.run([tool("khard"), "-c", str(self.khard_config), *args],
                              capture_output=True, text=True, env=self.env, timeout=60,
                              input=input)
        assert done.returncode == 0, done.stderr
        return done.stdout


def rolodex_on(db: Path):
    def run(*args: str):
        result = run_cli(["--db", str(db), *args])
        assert result.exit_code == 0, (args, result.stdout, result.stderr)
        return result
    return run


def people(db: Path) -> dict[str, dict]:
    return {c["name"]: c for c in contacts_in(db).values()}


def khard_changes_reach_rolodex_and_back(clients: Clients, rolodex, db: Path) -> None:
    """The scenario both tests run, once vdirsyncer and rolodex share a far side."""
    rolodex("add", "Jane Doe", "-e", "jane@acme.example", "-c", "Acme Ltd")
    rolodex("add", "Bob Roe", "-e", "bob@acme.example")
    rolodex("sync")
    clients.vdirsyncer()
    listed = clients.khard("list")
    assert "Jane Doe" in listed and "Bob Roe" in listed

    card = clients.khard("show", "--format", "yaml", "Jane")
    edited = clients.near.parent / "jane.yaml"
    edited.write_text("\n".join("Organisation: Globex" if line.startswith("Organisation:")
                                else line for line in card.splitlines()) + "\n")
    clients.khard("edit", "-i", str(edited), "Jane", input="y\n")
    clients.khard("new", "-i", "-", input="First name : Dan\nLast name : Khard\nEmail :\n"
                  "    work : dan@k.example\n")
    clients.khard("remove", "--force", "Bob")
    clients.vdirsyncer()

    out = rolodex("sync", "-f", "json").json()[0]
    assert (out["downloaded"], out["updated_here"], out["deleted_here"]) == (1, 1, 1), out
    found = people(db)
    assert set(found) == {"Jane Doe", "Dan Khard"}
    assert found["Jane Doe"]["company"] == "Globex"
    assert [e["address"] for e in found["Dan Khard"]["emails"]] == ["dan@k.example"]

    rolodex("contact", "edit", "Jane Doe", "--title", "CEO")
    rolodex("contact", "edit", "Dan Khard", "-p", "+1 555 0142")
    rolodex("sync")
    clients.vdirsyncer()
    assert "CEO" in clients.khard("show", "Jane")
    assert "+1 555 0142" in clients.khard("show", "Dan")
    assert "nothing to do" in rolodex("sync").stderr


def test_vdirsyncer_and_khard_beside_rolodex_on_one_radicale_book(server, tmp_path,
                                                                  monkeypatch):
    monkeypatch.setenv("ROLODEX_SYNC_PASSWORD", PASSWORD)
    book = make_collection(server, "addressbook")
    db = tmp_path / "a.db"
    rolodex = rolodex_on(db)
    rolodex("sync", "add", "team", "--url", book, "--user", USER)
    clients = Clients(tmp_path, tmp_path / "khard-folder", book)
    khard_changes_reach_rolodex_and_back(clients, rolodex, db)


def test_vdirsyncer_between_two_folders_one_of_them_rolodex_s(tmp_path):
    db = tmp_path / "a.db"
    rolodex = rolodex_on(db)
    rolodex("sync", "add", "team", "--vdir", str(tmp_path / "rolodex-folder"))
    clients = Clients(tmp_path, tmp_path / "khard-folder", tmp_path / "rolodex-folder")
    khard_changes_reach_rolodex_and_back(clients, rolodex, db)
    assert sorted(os.listdir(tmp_path / "rolodex-folder")) == sorted(
        os.listdir(tmp_path / "khard-folder"))
