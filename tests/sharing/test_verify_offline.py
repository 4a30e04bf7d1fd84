"""`evidentia verify-export` runs with no database at all, in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from evidentia.custody.signing import public_verifier_key


def run_offline(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["EVIDENTIA_HOME"] = str(tmp_path / "empty-home")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/no/such/dir/evidentia.sqlite3"
    code = (
        "import django.db.backends.base.base as b\n"
        "def refuse(*a, **k): raise SystemExit('verify-export touched the database')\n"
        "b.BaseDatabaseWrapper.connect = refuse\n"
        "b.BaseDatabaseWrapper.ensure_connection = refuse\n"
        "from evidentia.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    return subprocess.run(
        [sys.executable, "-c", "import sys\n" + code, "verify-export", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_verify_export_needs_no_database(case_bag, tmp_path):
    key = tmp_path / "agency.pub"
    key.write_text(public_verifier_key())
    done = run_offline(tmp_path, str(case_bag), "--key", str(key))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("VERIFIED: 12 files, 2 items")
    assert not (tmp_path / "empty-home" / "evidentia.sqlite3").exists()


def test_verify_export_exits_1_and_names_the_problem(case_bag, tmp_path):
    (case_bag / "data" / "custody" / "checkpoint.txt").write_text("nothing signed here\n")
    done = run_offline(tmp_path, str(case_bag))
    assert done.returncode == 1
    assert "NOT VERIFIED" in done.stdout
    assert "data/custody/checkpoint.txt" in done.stdout


def test_verify_export_speaks_json(case_bag, tmp_path):
    done = run_offline(tmp_path, str(case_bag), "--json")
    result = json.loads(done.stdout)
    assert result["ok"] is True
    assert result["items"] == 2
