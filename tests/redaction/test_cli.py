from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import demo_clip

ROOT = Path(__file__).resolve().parents[2]


def redact(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "evidentia.settings"}
    return subprocess.run(
        [sys.executable, "-m", "evidentia.cli", "redact", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


@pytest.mark.slow
def test_the_cli_redacts_a_clip_and_writes_the_plan_and_the_review_log(tmp_path):
    clip = demo_clip(tmp_path / "clip.mp4")
    out, plan, log = tmp_path / "out.mp4", tmp_path / "plan.json", tmp_path / "log.json"
    done = redact(
        str(clip),
        "--auto",
        "faces",
        "--out",
        str(out),
        "--plan",
        str(plan),
        "--review-log",
        str(log),
        "--mode",
        "pixelate",
        "--every",
        "3",
    )
    assert done.returncode == 0, done.stderr
    assert out.exists() and "Redacted" in done.stdout
    assert json.loads(plan.read_text())["version"] == 1
    review = json.loads(log.read_text())
    assert review["method"]["mode"] == "pixelate"
    assert review["method"]["detection"]["detectors"][0]["detector"] == "centerface"
    assert review["render"]["frames"] == 60


@pytest.mark.slow
def test_the_cli_renders_from_an_existing_plan_without_detecting(tmp_path):
    clip = demo_clip(tmp_path / "clip.mp4")
    plan = tmp_path / "plan.json"
    assert (
        redact(
            str(clip), "--auto", "faces", "--out", str(tmp_path / "a.mp4"), "--plan", str(plan)
        ).returncode
        == 0
    )
    data = json.loads(plan.read_text())
    data["whole_frame"] = [{"start_frame": 0, "end_frame": 5, "mode": "black"}]
    plan.write_text(json.dumps(data))
    done = redact(str(clip), "--out", str(tmp_path / "b.mp4"), "--plan", str(plan))
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_a_corrupt_input_fails_with_a_readable_message_and_exit_code_1(tmp_path):
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(2000))
    done = redact(str(bad), "--auto", "faces", "--out", str(tmp_path / "x.mp4"))
    assert done.returncode == 1
    assert "broken.mp4" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.mp4").exists()
