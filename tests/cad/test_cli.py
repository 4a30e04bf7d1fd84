"""`evidentia cad import` and `evidentia cad tag`."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from evidentia.cad.models import Call, CallRecording

from .conftest import HEADER, call_line, make_video


def test_cli_import_maps_columns_reports_and_tags(tmp_path, capsys, olivia, domestic):
    path = tmp_path / "export.csv"
    path.write_text(
        "Incident,Nature,Received,Dispatched,Cleared,Units\n"
        "C-1,DOMESTIC,2026-03-02T14:00:00Z,2026-03-02T14:00:00Z,"
        "2026-03-02T14:30:00Z,N-1042\n"
    )
    clip = make_video(olivia, 1, 20)
    maps = [
        "call_number=Incident",
        "call_type=Nature",
        "received_at=Received",
        "dispatched_at=Dispatched",
        "cleared_at=Cleared",
        "officers=Units",
    ]
    call_command("cad", "import", str(path), *[x for m in maps for x in ("--map", m)])
    out = capsys.readouterr().out
    assert "1 new call(s)" in out and "1 linked or changed" in out
    assert CallRecording.objects.get().item == clip


def test_cli_import_with_bad_rows_prints_them_and_fails(tmp_path, capsys, olivia):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + call_line("C-1", 0, 30, "N-1042") + "\nC-2,X,never,,,,N-1042\n")
    with pytest.raises(CommandError, match="1 bad row"):
        call_command("cad", "import", str(path), "--mode", "all")
    assert "line 3" in capsys.readouterr().out and not Call.objects.exists()


def test_cli_skip_mode_imports_the_good_rows(tmp_path, capsys, olivia):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + call_line("C-1", 0, 30, "N-1042") + "\nC-2,X,never,,,,N-1042\n")
    call_command("cad", "import", str(path), "--mode", "skip")
    assert list(Call.objects.values_list("call_number", flat=True)) == ["C-1"]


def test_cli_tag_since_a_date(capsys, olivia, carmen, domestic, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(HEADER + call_line("C-1", 0, 30, "N-1042") + "\n")
    call_command("cad", "import", str(path), "--no-tag")
    make_video(olivia, 1, 20)
    call_command("cad", "tag", "--since", "2000-01-01")
    assert "1 linked or changed" in capsys.readouterr().out


def test_cli_a_missing_mapping_file_is_a_clear_error(tmp_path, olivia):
    path = tmp_path / "c.csv"
    path.write_text(HEADER + call_line("C-1", 0, 30, "N-1042") + "\n")
    with pytest.raises(CommandError, match=r"cannot read .*missing\.json"):
        call_command("cad", "import", str(path), "--mapping", f"@{tmp_path}/missing.json")
