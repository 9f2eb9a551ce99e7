"""Time ``rolodex sync`` against a real Radicale on this machine (#15's budgets).

    python benchmarks/sync_dav.py [--contacts 10000] [--server radicale|xandikos] [--keep DIR]
                                  [--server-only]

Generates the contacts, imports them into a fresh database, starts Radicale (a test
dependency: ``pip install -e '.[test]'``) on 127.0.0.1 with a temporary folder, and times
whole ``rolodex`` processes: the first sync (every contact uploaded), a sync with nothing
to do, and a sync after one contact was edited (one PUT). Radicale is stopped by PID at the
end, whatever happens. ``--from-server`` puts the cards in Radicale's folder instead, so the
first sync downloads them and the later ones run against a full book. ``--server-only``
times bare PUTs of new cards without rolodex: what the server alone costs per card as the
book grows. A script, not a test: figures go
to docs/sync.md by hand.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

USER, PASSWORD = "jane", "bench-pw"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_cards(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        for n in range(count):
            out.write(f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uuid.uuid4()}\r\n"
                      f"FN:Person {n} Example\r\nN:Example;Person {n};;;\r\n"
                      f"EMAIL:person{n}@example.org\r\nTEL:+1 555 {n:07d}\r\n"
                      f"NOTE:generated contact number {n}\r\nEND:VCARD\r\n")


def wait_for(url: str) -> None:
    """Until the server answers (a minute at most)."""
    import requests

    for _ in range(600):
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.05)


def start_radicale(folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    (folder / "users").write_text(f"{USER}:{PASSWORD}\n")
    config = folder / "config"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n"
        f"[storage]\nfilesystem_folder = {folder / 'collections'}\n"
        f"[auth]\ntype = htpasswd\nhtpasswd_filename = {folder / 'users'}\n"
        "htpasswd_encryption = plain\ndelay = 0\n[rights]\ntype = owner_only\n"
        "[logging]\nlevel = warning\n")
    process = subprocess.Popen([sys.executable, "-m", "radicale", "--config", str(config)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    wait_for(url)
    import requests

    book = f"{url}{USER}/contacts/"
    body = ('<?xml version="1.0" encoding="utf-8"?><D:mkcol xmlns:D="DAV:" '
            'xmlns:C="urn:ietf:params:xml:ns:carddav"><D:set><D:prop><D:resourcetype>'
            "<D:collection/><C:addressbook/></D:resourcetype></D:prop></D:set></D:mkcol>")
    made = requests.request("MKCOL", book, data=body.encode(), auth=(USER, PASSWORD),
                            timeout=10)
    assert made.status_code == 201, made.status_code
    return process, book


def start_xandikos(folder: Path) -> tuple[subprocess.Popen, str]:
    """Xandikos (a test dependency) on 127.0.0.1: a second server to compare with (it
    commits each card to a git repository). No authentication: rolodex is given no
    user."""
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("xandikos")), "serve", "-d", str(folder / "data"),
         "-l", "127.0.0.1", "-p", str(port), "--defaults", "--no-detect-systemd"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    wait_for(url)
    return process, f"{url}user/contacts/addressbook/"


CPU: list[float] = []  # the rolodex process's own CPU seconds, per timed run


def timed(argv: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one rolodex process; its CPU seconds (user + system) go to CPU:
    the rest of the wall time is the server's (and the network's)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "rolodex", *argv], env=env,
                          capture_output=True, text=True)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"rolodex {' '.join(argv)} failed: {done.stderr.strip()}")
    return took


def put_files(folder: Path, cards: Path) -> None:
    """Each card as a file of Radicale's address book folder, as its storage keeps them
    (Radicale reads the folder; its caches fill on first use)."""
    book = folder / "collections" / "collection-root" / USER / "contacts"
    with cards.open(encoding="utf-8", newline="") as handle:  # the cards' own CRLF
        text = handle.read()
    for card in text.split("END:VCARD\r\n")[:-1]:
        uid = card.split("UID:", 1)[1].split("\r\n", 1)[0]
        (book / f"{uid}.vcf").write_bytes((card + "END:VCARD\r\n").encode("utf-8"))


def bare_puts(book: str, count: int, batch: int = 500) -> list[tuple[int, float]]:
    """The server alone: ``count`` new cards PUT one by one with requests (no rolodex),
    as (cards in the book before the batch, milliseconds per PUT in the batch). Shows how
    a server's cost per new card grows with the book's size."""
    import requests

    rows = []
    with requests.Session() as http:
        http.auth = (USER, PASSWORD)
        for first in range(0, count, batch):
            start = time.perf_counter()
            for n in range(first, min(count, first + batch)):
                uid = uuid.uuid4()
                card = (f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:Person {n}\r\n"
                        f"N:;Person {n};;;\r\nEND:VCARD\r\n")
                answer = http.put(f"{book}{uid}.vcf", data=card.encode(), timeout=60, headers={
                    "If-None-Match": "*", "Content-Type": "text/vcard; charset=utf-8"})
                assert answer.status_code == 201, answer.status_code
            took = time.perf_counter() - start
            rows.append((first, 1000 * took / (min(count, first + batch) - first)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--server", choices=("radicale", "xandikos"), default="radicale")
    parser.add_argument("--from-server", action="store_true",
                        help="Radicale: put the cards in its storage first, so the first sync"
                        " downloads them (the server's slow uploads out of the way)")
    parser.add_argument("--server-only", action="store_true",
                        help="time bare PUTs of new cards (no rolodex): the server's cost")
    args = parser.parse_args()
    if args.server_only:
        folder = Path(tempfile.mkdtemp(prefix="rolodex-sync-bench-"))
        process, book = start_radicale(folder)
        try:
            for before, ms in bare_puts(book, args.contacts):
                print(f"  {before:>7,} cards in the book: {ms:6.1f} ms per new card")
        finally:
            os.kill(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="rolodex-sync-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    (work / "radicale").mkdir(exist_ok=True)
    env = {**os.environ, "ROLODEX_DB": str(work / "rolodex.db"),
           "ROLODEX_SYNC_PASSWORD": PASSWORD, "NO_COLOR": "1"}
    write_cards(work / "cards.vcf", args.contacts)
    if not args.from_server:
        timed(["import", str(work / "cards.vcf")], env)
    if args.server == "xandikos":
        process, book = start_xandikos(work / "radicale")
        login = []
    else:
        process, book = start_radicale(work / "radicale")
        login = ["--user", USER]
    try:
        if args.from_server:
            first = "first sync (all downloaded)"
            put_files(work / "radicale", work / "cards.vcf")
        else:
            first = "first sync (all uploaded)"
        timed(["sync", "add", "bench", "--url", book, *login], env)
        rows = [(first, timed(["sync"], env), CPU[-1]),
                ("sync with nothing to do", timed(["sync"], env), CPU[-1])]
        timed(["contact", "edit", "Person 7 Example", "--title", "CFO"], env)
        rows.append(("sync after one edit (one PUT)", timed(["sync"], env), CPU[-1]))
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    print(f"{args.contacts:,} contacts, {args.server} on 127.0.0.1")
    for name, seconds, cpu in rows:
        print(f"  {name:32} {seconds:7.2f} s   (rolodex's own CPU: {cpu:6.2f} s)")


if __name__ == "__main__":
    main()
