"""Time whole ``rolodex`` processes on the benchmark dataset, beside khard and abook.

    python benchmarks/run.py [--data DIR] [--runs 5] [--readme README.md] [--json FILE]
                             [--only NAME...] [--no-peers] [--rolodex PATH] [--million]
    python benchmarks/run.py --scaling [--runs 3]     # 10k, 100k and 1M side by side

``--million`` times the 1,000,000-contact dataset (``--data`` defaults to
benchmarks/data-1m, generated with ``generate.py --contacts 1000000`` on first use) against
the budgets for that scale. ``--scaling`` times the commands on the three datasets
(benchmarks/data-10k, data, data-1m) and prints how each figure grows: the instant
commands should be flat or logarithmic in the number of contacts, only the bulk ones
linear; its table goes between ``<!-- scaling:start -->`` and ``<!-- scaling:end -->`` of
``--readme`` (docs/performance.md).

The rolodex timed is this checkout, installed with ``pip install .`` into
``DIR/work/rolodex-venv`` (made on first use, reinstalled each run), as users install it;
``--rolodex PATH`` times another ``rolodex`` script instead.

Each command runs once to warm the page cache, then ``--runs`` times; the table gives the
median, min and max wall time and the peak resident memory of the process (from
``wait4``). Output goes to /dev/null, so what is timed is what a pipeline sees (no
terminal, no colour). The dataset (``generate.py``) is made in ``--data`` on first use.

Peers, timed in the same run on the same people: khard on the first 10,000 contacts (as a
vdir, which is what khard reads), abook on all 100,000 (its own file format), each beside
rolodex answering the same question on a database holding the same contacts. khard is
installed from PyPI into ``DIR/peers`` and abook is Debian's package (``apt-get install
abook``); a peer that is missing is reported, not faked.

``--readme`` replaces the text between ``<!-- benchmarks:start -->`` and
``<!-- benchmarks:end -->`` with the machine, the date and the tables.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEER_CONTACTS = 10_000
START, END = "<!-- benchmarks:start -->", "<!-- benchmarks:end -->"

# The budgets of issue #18: (seconds, peak RSS in MB or None) at 100,000 and at
# 1,000,000 contacts; None where the issue sets none at that scale.
BUDGETS = {
    "--help": ((0.08, None), None), "--help (a command)": ((0.08, None), None),
    "mutt-query": ((0.03, None), (0.05, None)),
    "search": ((0.08, None), (0.10, None)), "contact show": ((0.08, None), (0.10, None)),
    "history": ((0.08, None), (0.10, None)), "company show": ((0.08, None), (0.10, None)),
    "agenda": ((0.15, None), (0.25, None)), "followups": ((0.15, None), (0.25, None)),
    "dashboard": ((0.15, None), (0.25, None)),
    "report pipeline": ((0.15, None), (0.30, None)),
    "report activity": ((0.15, None), (0.30, None)),
    "contact list jsonl": ((0.8, None), (8.0, None)),
    "contact list json": ((1.2, 100), (12.0, 200)),
    "contact list csv": ((1.2, 100), (12.0, 200)),
    "import": ((10.0, 200), (100.0, 300)),
    "export vcard": ((3.0, None), (30.0, None)), "export ical": ((8.0, None), None),
    "doctor --quick": ((2.0, None), None),
}
SCALE = {"100k": 0, "1m": 1}
scale = "100k"  # which column of BUDGETS a run is held to (``--million``: 1m)


@dataclass
class Timing:
    name: str
    argv: list[str]
    seconds: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    exit_codes: set[int] = field(default_factory=set)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def row(self) -> dict:
        budgets = BUDGETS.get(self.name) or BUDGETS.get(self.name.split(" (")[0])
        budget, memory = (budgets[SCALE[scale]] if budgets else None) or (None, None)
        met = self.exit_codes == {0} and (budget is None or (
            self.median < budget and (memory is None or self.peak_mb < memory)))
        return {"name": self.name, "command": " ".join(self.argv), "runs": len(self.seconds),
                "median": round(self.median, 3), "min": round(min(self.seconds), 3),
                "max": round(max(self.seconds), 3), "peak_mb": round(self.peak_mb, 1),
                "budget": budget, "budget_mb": memory, "met": met,
                "exit_codes": sorted(self.exit_codes)}


def run_once(argv: list[str], env: dict[str, str], before=None) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit code of one whole process."""
    if before is not None:
        before()
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, proc.returncode


def measure(name: str, argv: list[str], env: dict[str, str], runs: int, before=None) -> Timing:
    timing = Timing(name, argv)
    run_once(argv, env, before)  # warm-up
    for _ in range(runs):
        seconds, peak, code = run_once(argv, env, before)
        timing.seconds.append(seconds)
        timing.peak_mb = max(timing.peak_mb, peak)
        timing.exit_codes.add(code)
    print(f"  {name:<40} median {timing.median:7.3f} s   peak {timing.peak_mb:7.1f} MB"
          f"   exit {sorted(timing.exit_codes)}", file=sys.stderr)
    return timing


def dataset(data: Path, contacts: int = 100_000) -> dict:
    """The generated dataset, made on first use (a minute for 100,000 contacts, about
    ten for a million)."""
    summary = data / "dataset.json"
    if not summary.exists():
        print(f"generating the dataset in {data}", file=sys.stderr)
        out = subprocess.run([sys.executable, str(HERE / "generate.py"), str(data),
                              "--contacts", str(contacts)],
                             check=True, capture_output=True, text=True).stdout
        summary.write_text(out)
    return json.loads(summary.read_text())


def pick(db: Path) -> dict[str, str]:
    """Questions to ask, chosen from the data: a common surname, one full name, an id."""
    conn = sqlite3.connect(db)
    surname = conn.execute(
        "SELECT last_name FROM contacts WHERE last_name GLOB '[A-Za-z][a-z][a-z][a-z]*'"
        " GROUP BY last_name"
        " ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    contact_id, first, last = conn.execute(
        "SELECT c.id, c.first_name, c.last_name FROM contacts c WHERE c.id = (SELECT"
        " contact_id FROM interaction_contacts GROUP BY contact_id ORDER BY count(*) DESC"
        " LIMIT 1)").fetchone()
    company = conn.execute("SELECT company_id FROM contacts WHERE company_id IS NOT NULL"
                           " GROUP BY company_id ORDER BY count(*) DESC LIMIT 1").fetchone()
    conn.close()
    return {"surname": surname, "name": f"{first} {last}", "id": str(contact_id),
            "first": first, "company": str(company[0]) if company else "1"}


def rolodex_commands(rolodex: str, db: Path, vcf: Path, work: Path, runs: int,
                     only: set[str]) -> list[Timing]:
    env = {**os.environ, "ROLODEX_DB": str(db), "NO_COLOR": "1"}
    env.pop("ROLODEX_NOW", None)
    q = pick(db)
    plan = [
        ("--help", ["--help"]),
        ("--help (a command)", ["contact", "add", "--help"]),
        ("mutt-query (full name)", ["mutt-query", q["name"]]),
        ("mutt-query (common surname)", ["mutt-query", q["surname"]]),
        ("search", ["search", q["surname"]]),
        ("contact show", ["contact", "show", q["id"]]),
        ("history", ["history", q["id"]]),
        ("company show", ["company", "show", q["company"]]),
        ("agenda", ["agenda"]),
        ("followups", ["followups"]),
        ("dashboard", ["dashboard"]),
        ("report pipeline", ["report", "pipeline"]),
        ("report activity", ["report", "activity"]),
        ("contact list jsonl", ["contact", "list", "--format", "jsonl"]),
        ("contact list json", ["contact", "list", "--format", "json"]),
        ("contact list csv", ["contact", "list", "--format", "csv"]),
        ("export vcard", ["export", "--format", "vcard", "-o", str(work / "export.vcf")]),
        ("export ical", ["export", "--format", "ical", "-o", str(work / "export.ics")]),
        ("doctor --quick", ["doctor", "--quick"]),
    ]
    out = []
    for name, args in plan:
        if not only or name.split(" (")[0] in only:
            out.append(measure(name, [rolodex, *args], env, runs))
    if not only or "import" in only:
        target = work / "import.db"

        def fresh() -> None:
            for path in work.glob("import.db*"):
                path.unlink()
            shutil.rmtree(work / "import-backups", ignore_errors=True)

        out.append(measure("import", [rolodex, "--db", str(target), "import", str(vcf)],
                           env, runs, before=fresh))
    return out


def installed_rolodex(work: Path) -> str:
    """This checkout installed as users install it (``pip install .``, not editable) in its
    own venv, reinstalled on every run: an editable install adds setuptools' import finder
    to every Python start (5-8 ms here, a sixth of mutt-query's time), and the figures
    should not depend on how the person running the benchmarks installed rolodex."""
    venv = work / "rolodex-venv"
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
           "--disable-pip-version-check"]
    if not (venv / "bin" / "rolodex").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([*pip, str(ROOT)], check=True)
    else:
        subprocess.run([*pip, "--no-deps", "--force-reinstall", str(ROOT)], check=True)
    return str(venv / "bin" / "rolodex")


def first_cards(vcf: Path, count: int) -> list[str]:
    cards, current = [], []
    with vcf.open(encoding="utf-8", newline="") as f:
        for line in f:
            current.append(line)
            if line.startswith("END:VCARD"):
                cards.append("".join(current))
                current = []
                if len(cards) == count:
                    break
    return cards


def khard_setup(work: Path, cards: list[str]) -> tuple[list[str], dict] | None:
    """khard from PyPI in its own venv, its config, and a vdir of the cards."""
    venv = work / "peers" / "khard-venv"
    khard = venv / "bin" / "khard"
    if not khard.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        done = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "khard"],
                              capture_output=True, text=True)
        if done.returncode != 0:
            print(f"khard could not be installed: {done.stderr.strip()[-200:]}",
                  file=sys.stderr)
            return None
    vdir = work / "peers" / "vdir"
    if not vdir.is_dir() or len(list(vdir.iterdir())) != len(cards):
        shutil.rmtree(vdir, ignore_errors=True)
        vdir.mkdir(parents=True)
        for n, card in enumerate(cards):
            (vdir / f"{n:05d}.vcf").write_text(card, encoding="utf-8", newline="")
    config = work / "peers" / "khard.conf"
    config.write_text(f"[addressbooks]\n[[bench]]\npath = {vdir}\n\n[general]\n"
                      "default_action = list\n\n[contact table]\ndisplay = formatted_name\n")
    return [str(khard), "-c", str(config)], dict(os.environ)


def abook_file(path: Path, db: Path) -> None:
    """The 100,000 people in abook's own format, from the rolodex database."""
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT c.display_name, (SELECT group_concat(address, ',') FROM contact_emails"
        " WHERE contact_id = c.id), (SELECT number FROM contact_phones WHERE contact_id = c.id"
        " ORDER BY position LIMIT 1) FROM contacts c ORDER BY c.id")
    with path.open("w", encoding="utf-8") as out:
        out.write("# abook addressbook file\n\n[format]\nprogram=abook\nversion=0.6.1\n\n")
        for n, (name, emails, phone) in enumerate(rows):
            out.write(f"[{n}]\nname={name}\nemail={emails or ''}\nphone={phone or ''}\n\n")
    conn.close()


def peers(rolodex: str, db: Path, vcf: Path, work: Path, runs: int) -> list[dict]:
    """khard and abook beside rolodex on the same question; ratios peer / rolodex."""
    q = pick(db)
    out = []
    cards = first_cards(vcf, PEER_CONTACTS)
    small = work / "peers" / "rolodex-10k.db"
    if not small.exists():
        sample = work / "peers" / "sample.vcf"
        sample.parent.mkdir(parents=True, exist_ok=True)
        sample.write_text("".join(cards), encoding="utf-8", newline="")
        subprocess.run([rolodex, "--db", str(small), "import", str(sample)], check=True,
                       capture_output=True)
    env = {**os.environ, "NO_COLOR": "1"}
    small_first = _first_name_in(small)
    khard = khard_setup(work, cards)
    if khard is not None:
        base, kenv = khard
        for label, theirs, ours in (
            ("list all (10,000)", [*base, "list"],
             [rolodex, "--db", str(small), "contact", "list", "--format", "tsv"]),
            (f"email lookup '{small_first}' (10,000)",
             [*base, "email", "--parsable", small_first],
             [rolodex, "--db", str(small), "mutt-query", small_first]),
        ):
            peer = measure(f"khard {label}", theirs, kenv, runs)
            mine = measure(f"rolodex {label}", ours, env, runs)
            out.append(_ratio("khard", label, peer, mine))
    abook = shutil.which("abook")
    if abook is None:
        print("abook is not installed (apt-get install abook): skipped", file=sys.stderr)
    else:
        data = work / "peers" / "abook.addressbook"
        if not data.exists():
            abook_file(data, db)
        label = f"mutt query '{q['surname']}' (100,000)"
        peer = measure(f"abook {label}", [abook, "--datafile", str(data), "--mutt-query",
                                          q["surname"]], env, runs)
        mine = measure(f"rolodex {label}", [rolodex, "--db", str(db), "mutt-query",
                                            q["surname"]], env, runs)
        out.append(_ratio("abook", label, peer, mine))
    return out


def _first_name_in(db: Path) -> str:
    conn = sqlite3.connect(db)
    name = conn.execute("SELECT first_name FROM contacts WHERE first_name GLOB '[A-Za-z]*'"
                        " ORDER BY id LIMIT 1").fetchone()[0]
    conn.close()
    return name


def _ratio(peer: str, label: str, theirs: Timing, ours: Timing) -> dict:
    return {"peer": peer, "question": label, "peer_median": round(theirs.median, 3),
            "rolodex_median": round(ours.median, 3),
            "ratio": round(theirs.median / ours.median, 1) if ours.median else None}


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        text = Path("/proc/cpuinfo").read_text()
        found = re.search(r"model name\s*:\s*(.+)", text)
        cpu = found.group(1).strip() if found else cpu
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory),
            "os": f"{platform.system()} {platform.release()}",
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "date": datetime.now(UTC).strftime("%Y-%m-%d")}


def markdown(info: dict, data: dict, rows: list[dict], ratios: list[dict],
             installed: str) -> str:
    lines = [
        f"Measured {info['date']} on {info['cpu']} ({info['cores']} cores, "
        f"{info['memory_gib']} GiB), {info['os']}, Python {info['python']}, SQLite "
        f"{info['sqlite']}, with {data['contacts']:,} contacts, {data['interactions']:,} "
        f"interactions, {data['tasks']:,} tasks and {data['events']:,} events "
        "(`benchmarks/generate.py`). Wall time of the whole process, output to /dev/null; "
        f"median, min and max of the runs after a warm-up; peak resident memory. {installed}",
        "",
        "| command | median | min | max | peak RSS | budget |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        budget = "" if r["budget"] is None else f"< {r['budget']:g} s" + (
            f", < {r['budget_mb']} MB" if r["budget_mb"] else "")
        mark = "" if not budget else (" ✓" if r["met"] else " ✗ over")
        if r["exit_codes"] != [0]:
            mark = f" ✗ failed (exit {', '.join(map(str, r['exit_codes']))})"
        shown = " ".join(Path(a).name if a.startswith("/") else a
                         for a in r["command"].split()[1:])
        lines.append(f"| `rolodex {shown}` | {r['median']:.3f} s"
                     f" | {r['min']:.3f} s | {r['max']:.3f} s | {r['peak_mb']:.0f} MB |"
                     f" {budget}{mark} |")
    if ratios:
        lines += ["", "| same question | peer | peer median | rolodex median |"
                  " peer time / rolodex time |", "|---|---|---|---|---|"]
        for r in ratios:
            lines.append(f"| {r['question']} | {r['peer']} | {r['peer_median']:.3f} s |"
                         f" {r['rolodex_median']:.3f} s | {r['ratio']}x |")
    return "\n".join(lines) + "\n"


SCALING = [("10,000", "data-10k", 10_000), ("100,000", "data", 100_000),
           ("1,000,000", "data-1m", 1_000_000)]
SCALING_START, SCALING_END = "<!-- scaling:start -->", "<!-- scaling:end -->"


def scaling(root: Path, runs: int, only: set[str], rolodex: str | None) -> str:
    """Each command's median on 10k, 100k and 1M contacts, and how it grew."""
    medians: dict[str, dict[str, float]] = {}
    for label, folder, contacts in SCALING:
        data = dataset(root / folder, contacts)
        work = root / folder / "work"
        work.mkdir(parents=True, exist_ok=True)
        script = rolodex or installed_rolodex(root / "data" / "work")
        print(f"{label} contacts:", file=sys.stderr)
        for t in rolodex_commands(script, Path(data["database"]), Path(data["vcards"]),
                                  work, runs, only):
            medians.setdefault(t.name, {})[label] = t.median
    labels = [label for label, _, _ in SCALING]
    lines = ["| command | " + " | ".join(f"{x} contacts" for x in labels)
             + " | 1M / 10k |", "|---" * (len(labels) + 2) + "|"]
    for name, by in medians.items():
        cells = [f"{by[x]:.3f} s" if x in by else "" for x in labels]
        growth = (f"{by[labels[-1]] / by[labels[0]]:.1f}x"
                  if labels[0] in by and labels[-1] in by and by[labels[0]] else "")
        lines.append(f"| `{name}` | " + " | ".join(cells) + f" | {growth} |")
    return "\n".join(lines) + "\n"


def _replace_between(path: Path, start: str, end: str, text: str) -> bool:
    content = path.read_text()
    if start not in content or end not in content:
        print(f"{path} has no {start} ... {end} markers", file=sys.stderr)
        return False
    head, rest = content.split(start, 1)
    path.write_text(head + start + "\n" + text + end + rest.split(end, 1)[1])
    return True


def main(argv: list[str] | None = None) -> int:
    global scale
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs="*", default=[], help="command names to time")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--readme", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--rolodex", metavar="PATH", help="the rolodex script to time"
                        " (default: this checkout, installed in DATA/work/rolodex-venv)")
    parser.add_argument("--million", action="store_true",
                        help="the 1,000,000-contact dataset and its budgets")
    parser.add_argument("--scaling", action="store_true",
                        help="10k, 100k and 1M contacts side by side")
    args = parser.parse_args(argv)
    if args.scaling:
        text = scaling(Path("benchmarks"), args.runs, set(args.only), args.rolodex)
        sys.stdout.write(text)
        if args.readme and not _replace_between(args.readme, SCALING_START, SCALING_END,
                                                text):
            return 1
        return 0
    if args.runs < 5:
        print("note: fewer than 5 runs; the README needs at least 5", file=sys.stderr)
    scale = "1m" if args.million else "100k"
    args.data = args.data or Path("benchmarks/data-1m" if args.million else "benchmarks/data")
    args.data.mkdir(parents=True, exist_ok=True)
    data = dataset(args.data, 1_000_000 if args.million else 100_000)
    work = args.data / "work"
    work.mkdir(exist_ok=True)
    db, vcf = Path(data["database"]), Path(data["vcards"])
    info = machine()
    rolodex = args.rolodex or installed_rolodex(work)
    timings = rolodex_commands(rolodex, db, vcf, work, args.runs, set(args.only))
    rows = [t.row() for t in timings]
    ratios = [] if args.no_peers or args.only or args.million else peers(
        rolodex, db, vcf, work, args.runs)
    installed = (f"rolodex: `{args.rolodex}`." if args.rolodex else
                 "rolodex: this checkout, installed with `pip install .` in its own venv.")
    text = markdown(info, data, rows, ratios, installed)
    sys.stdout.write(text)
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "dataset": data, "rolodex": rows,
                                         "peers": ratios}, indent=2) + "\n")
    if args.readme and not _replace_between(args.readme, START, END, text):
        return 1
    return 0 if all(r["met"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
