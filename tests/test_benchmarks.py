"""The benchmark scripts work: a small dataset is a healthy rolodex database, its vCard file
imports, and the runner times commands and writes its table into a README."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

pytestmark = pytest.mark.slow  # benchmarks, and an install of this checkout

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
ROLODEX = shutil.which("rolodex") or str(Path(sys.executable).with_name("rolodex"))


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bench")
    done = subprocess.run(
        [sys.executable, str(BENCH / "generate.py"), str(out), "--contacts", "300",
         "--interactions", "2000", "--tasks", "100", "--events", "40", "--today",
         "2026-11-20"], check=True, capture_output=True, text=True)
    (out / "dataset.json").write_text(done.stdout)
    return out


def test_the_dataset_is_what_rolodex_would_have_written(small):
    summary = json.loads((small / "dataset.json").read_text())
    assert summary["contacts"] == 300
    doctor = run_cli(["--db", str(small / "rolodex.db"), "doctor", "--format", "json"])
    assert doctor.exit_code == 0, doctor.stdout
    assert {f["status"] for f in doctor.json()} == {"ok"}
    listed = run_cli(["--db", str(small / "rolodex.db"), "contact", "list", "-f", "ids"])
    assert len(listed.stdout.split()) == 300
    exported = run_cli(["--db", str(small / "rolodex.db"), "export", "-o",
                        str(small / "out.vcf")])
    assert exported.exit_code == 0, exported.stderr


def test_the_same_seed_gives_the_same_people(small, tmp_path):
    subprocess.run([sys.executable, str(BENCH / "generate.py"), str(tmp_path), "--contacts",
                    "300", "--interactions", "2000", "--tasks", "100", "--events", "40",
                    "--today", "2026-11-20"], check=True, capture_output=True)
    assert (tmp_path / "contacts.vcf").read_bytes() == (small / "contacts.vcf").read_bytes()


def test_the_vcard_file_imports_every_card(small, tmp_path):
    result = run_cli(["--db", str(tmp_path / "x.db"), "import", str(small / "contacts.vcf"),
                      "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert (result.json()["new"], result.json()["failed"]) == (300, 0)


def test_the_runner_times_commands_and_fills_the_readme(small, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# x\n<!-- benchmarks:start -->\nold\n<!-- benchmarks:end -->\ntail\n")
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--data", str(small), "--runs", "1",
         "--only", "search", "contact show", "--readme", str(readme), "--json",
         str(tmp_path / "out.json"), "--rolodex", ROLODEX], capture_output=True, text=True,
        timeout=120)
    assert done.returncode in (0, 1), done.stderr
    rows = json.loads((tmp_path / "out.json").read_text())["rolodex"]
    assert [r["name"] for r in rows] == ["search", "contact show"]
    assert all(r["runs"] == 1 and r["exit_codes"] == [0] and r["median"] > 0 for r in rows)
    text = readme.read_text()
    assert "old" not in text and text.endswith("<!-- benchmarks:end -->\ntail\n")
    assert "| `rolodex search " in text and "300 contacts" in text


def test_the_runner_times_this_checkout_as_users_install_it(tmp_path, monkeypatch):
    """Without --rolodex, the checkout is pip-installed (not editable) into its own venv,
    and installed again on the next run: what is timed is the code beside the runner."""
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    runner = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_run", runner)  # its dataclasses look it up
    spec.loader.exec_module(runner)
    script = Path(runner.installed_rolodex(tmp_path))
    assert script.parent.parent == tmp_path / "rolodex-venv"
    assert not list(script.parent.parent.glob("lib/python*/site-packages/__editable__*"))
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True,
                             timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("rolodex "), version.stderr
    assert Path(runner.installed_rolodex(tmp_path)) == script  # the second run reinstalls
