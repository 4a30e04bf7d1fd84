"""The `evidentia` command end to end, in its own EVIDENTIA_HOME, as an operator runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

EVIDENTIA = [sys.executable, "-m", "evidentia.cli"]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("cli-home")
    run(home, "init")
    run(home, "demo", "--clips", "0")
    return home


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env["EVIDENTIA_HOME"] = str(home)
    env["EVIDENTIA_TASKS_EAGER"] = "1"
    return env


def run(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [*EVIDENTIA, *args], env=env_for(home), capture_output=True, text=True, timeout=300
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"evidentia {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        )
    return result


def count_items(home: Path) -> int:
    out = run(
        home,
        "shell",
        "-c",
        "from evidentia.evidence.models import Item; print(Item.objects.count())",
    )
    return int(out.stdout.strip().splitlines()[-1])


def test_init_creates_a_private_key_file(home):
    mode = (home / "keys" / "kek.keys").stat().st_mode & 0o777
    assert mode == 0o600


def test_ingest_then_verify_from_the_command_line(home, tmp_path):
    clip = tmp_path / "statement.wav"
    clip.write_bytes(os.urandom(50_000))
    out = run(home, "ingest", str(clip), "--officer", "N-1042", "--device", "BWC-1").stdout
    assert "ingested as" in out
    assert "OK:" in run(home, "custody", "verify").stdout
    assert "OK:" in run(home, "fixity").stdout


def test_ingest_of_an_empty_file_reports_it_and_fails(home, tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    result = run(home, "ingest", str(empty), "--officer", "N-1042", check=False)
    assert result.returncode != 0
    assert "empty (0 bytes)" in result.stdout + result.stderr


def test_token_create_prints_a_token_once(home):
    out = run(home, "token", "create", "--user", "officer").stdout.strip()
    assert out.startswith("evd_")


def test_an_ingest_killed_mid_write_leaves_no_evidence_and_doctor_cleans_up(home, tmp_path):
    before = count_items(home)
    big = tmp_path / "big.mp4"
    with big.open("wb") as f:
        for _ in range(48):
            f.write(os.urandom(1 << 23))  # 384 MiB of incompressible data
    proc = subprocess.Popen(
        [*EVIDENTIA, "ingest", str(big), "--officer", "N-1042"],
        env=env_for(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    blobs = home / "blobs"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until the vault write has started
        if any(p.is_file() and p.stat().st_size > (1 << 22) for p in blobs.rglob("*")):
            break
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert count_items(home) == before
    out = run(home, "doctor", "--grace-seconds", "0").stdout
    assert "1 half-written upload" in out or "1 orphan blob" in out
    check = (
        "from evidentia.evidence.vaultio import store\n"
        "from evidentia.evidence.models import Blob\n"
        "rows = sorted(Blob.objects.values_list('storage_key', flat=True))\n"
        "print(sorted(store().iter_keys()) == rows, list(store().iter_incomplete()))"
    )
    keys = run(home, "shell", "-c", check).stdout
    assert keys.strip().splitlines()[-1] == "True []"


def test_a_wrong_kek_gives_a_clear_error(home, tmp_path):
    from evidentia.core.keys import KeyRing

    note = tmp_path / "note.txt"
    note.write_bytes(os.urandom(1000))
    run(home, "ingest", str(note), "--officer", "N-1042")
    env = env_for(home)
    env["EVIDENTIA_KEK"] = KeyRing.generate().to_text()
    result = subprocess.run(
        [*EVIDENTIA, "fixity"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "KEK" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_a_real_celery_worker_processes_what_the_cli_ingested(home, tmp_path, clip_path):
    env = env_for(home)
    env.pop("EVIDENTIA_TASKS_EAGER")
    if os.environ.get("CELERY_BROKER_URL"):  # CI's second run: the Redis broker
        env["CELERY_BROKER_URL"] = os.environ["CELERY_BROKER_URL"]
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "evidentia",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        clip = tmp_path / "worker-clip.mp4"
        clip.write_bytes(clip_path.read_bytes())
        result = subprocess.run(
            [*EVIDENTIA, "ingest", str(clip), "--officer", "N-1042", "--no-process"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        item_id = result.stdout.split("ingested as ")[1].split()[0]
        query = (
            "from evidentia.evidence.models import Item\n"
            f"print(Item.objects.get(pk='{item_id}').processing)"
        )
        deadline = time.monotonic() + 300  # generous: CI machines share two cores
        state = ""
        while time.monotonic() < deadline:
            state = run(home, "shell", "-c", query).stdout.strip().splitlines()[-1]
            if state != "pending":
                break
            time.sleep(1)
        assert state == "done"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
