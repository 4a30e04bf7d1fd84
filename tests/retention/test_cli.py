"""`evidentia retention …`: the whole disposition from the shell, as two custodians."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from evidentia.retention.models import Disposition, RetentionRule


def run(*args) -> str:
    out = io.StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def test_due_request_approve_shred_and_certificate(old_note, carmen, cora, settings, tmp_path):
    settings.RETENTION_SHRED_ON_APPROVAL = False
    assert str(old_note.pk) in run("due")
    assert "Flagged 1" in run("flag")
    run("request", str(old_note.pk), "--as", "carmen", "--reason", "period ended")
    with pytest.raises(CommandError, match="two-person rule"):
        run("approve", str(old_note.pk), "--as", "carmen")
    run("approve", str(old_note.pk), "--as", "cora")
    assert "disposed" in run("shred")
    out = tmp_path / "cert.pdf"
    run("certificate", str(old_note.pk), "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    assert Disposition.objects.get(item=old_note).state == "done"


def test_a_hold_from_the_shell_blocks_the_request(old_note, carmen):
    run("hold", "--item", str(old_note.pk), "--as", "carmen", "--reason", "Civil suit")
    with pytest.raises(CommandError, match="legal hold"):
        run("request", str(old_note.pk), "--as", "carmen", "--reason", "period ended")


def test_a_rule_can_be_set_to_the_states_schedule(rules):
    assert "1000 days from case closure" in run(
        "rule", "Traffic", "--days", "1000", "--clock", "closure"
    )
    assert RetentionRule.objects.get(category__name="Traffic").period_days == 1000
