"""khard, pointed at a folder rolodex exported, lists the same people and addresses."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # khard, run as a process


def khard() -> str:
    found = shutil.which("khard") or str(Path(sys.executable).parent / "khard")
    assert Path(found).exists(), "khard is a test dependency: pip install -e '.[test]'"
    return found


def test_khard_reads_an_exported_folder(rolodex, tmp_path):
    rolodex(["add", "Zoë Müller", "-e", "zoe@x.example", "-e", "zoe@home.example (home)"])
    rolodex(["add", "Jane Doe", "-e", "jane@acme.example", "-p", "+1 555 0100",
             "-c", "Acme Ltd", "--birthday", "--04-15", "--note", "line one\nline two"])
    rolodex(["import", "-"], input="BEGIN:VCARD\r\nVERSION:4.0\r\nFN:José Álvarez\r\n"
            "N:Álvarez;José;;;\r\nEMAIL;TYPE=work;PREF=1:jose@contoso.example\r\n"
            "X-CUSTOM;X-PARAM=1:kept\r\nEND:VCARD\r\n")
    book = tmp_path / "book"
    assert rolodex(["export", "-o", f"{book}/"]).exit_code == 0
    config = tmp_path / "khard.conf"
    config.write_text(f"[addressbooks]\n[[rolodex]]\npath = {book}\n\n[general]\n"
                      "debug = no\ndefault_action = list\neditor = /bin/true\n"
                      "merge_editor = /bin/true\n\n[contact table]\ndisplay = formatted_name\n")
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    listed = subprocess.run([khard(), "-c", str(config), "list", "--parsable"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert listed.returncode == 0, listed.stderr
    ours = {c["uid"]: c for c in rolodex("contact list -f json").json()}
    theirs = {line.split("\t")[0]: line.split("\t")[1] for line in listed.stdout.splitlines()}
    assert theirs == {uid: c["name"] for uid, c in ours.items()}
    emails = subprocess.run([khard(), "-c", str(config), "email", "--parsable"],
                            capture_output=True, text=True, env=env, timeout=60)
    pairs = sorted(tuple(line.split("\t")[:2]) for line in emails.stdout.splitlines()
                   if "@" in line)
    assert pairs == sorted((e["address"], c["name"]) for c in ours.values()
                           for e in c["emails"])
