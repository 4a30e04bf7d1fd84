"""`evidentia export` with --case and --item."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.custody.signing import public_verifier_key
from evidentia.sharing.verify import verify_bag


def test_the_cli_exports_a_case_as_a_zip(ivans_case, clips, tmp_path, capsys):
    call_command(
        "export", "--case", "2026-0042", "--out", str(tmp_path / "case.zip"), "--as", "ivan"
    )
    assert "Exported 2 item(s)" in capsys.readouterr().out
    assert verify_bag(tmp_path / "case.zip", public_verifier_key()).ok
    assert Event.objects.filter(kind=events.EXPORTED, actor="ivan").count() == 3


def test_the_cli_exports_items_as_the_operator(clips, tmp_path, capsys):
    ids = [str(c.pk) for c in clips]
    call_command("export", "--item", *ids, "--out", str(tmp_path / "bag"))
    assert (tmp_path / "bag" / "bagit.txt").exists()
    assert Event.objects.filter(kind=events.EXPORTED, actor="system:cli").count() == 2


def test_the_cli_refuses_a_user_without_download_permission(clips, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "export", "--item", str(clips[0].pk), "--out", str(tmp_path / "b"), "--as", "olivia"
        )
    assert exit_.value.code == 1
    assert "download permission" in capsys.readouterr().err
