"""Who may export what, and what a refused or failed export leaves behind."""

from __future__ import annotations

import pytest

from evidentia.cases import services as cases
from evidentia.core.errors import Conflict, NotFound, PermissionDenied
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.services.ingest import Submission, ingest_path
from evidentia.retention.services import holds
from evidentia.sharing.services import exports


def test_an_officer_may_not_export_another_officers_recording(oscar, clips, tmp_path):
    with pytest.raises(NotFound):
        exports.export(oscar, items=[clips[0].pk], out=tmp_path / "bag")
    assert not (tmp_path / "bag").exists()


def test_an_officer_may_not_export_even_their_own_recording(olivia, clips, tmp_path):
    with pytest.raises(PermissionDenied, match="download"):
        exports.export(olivia, items=[clips[0].pk], out=tmp_path / "bag")


def test_a_restricted_case_is_not_exportable_by_a_non_member(
    stella, ivan, carmen, olivia, clip_path, tmp_path
):
    ia = cases.create_case(
        number="IA-2026-7", title="Complaint", incident_number="", actor=stella, restricted=True
    )
    sub = Submission(original_name=clip_path.name, via="cli", officer=olivia, case=ia)
    ingest_path(clip_path, sub, actor="watch")
    with pytest.raises(NotFound):
        exports.export(carmen, case=ia, out=tmp_path / "bag")
    assert exports.export(stella, case=ia, out=tmp_path / "ok").items == 1


def test_a_case_export_leaves_out_items_the_exporter_may_not_download(
    ivan, ivans_case, clips, tmp_path
):
    cases.create_case(number="X", title="x", incident_number="", actor=ivan)
    made = exports.export(ivan, case=ivans_case, out=tmp_path / "bag")
    assert (made.items, made.left_out) == (2, 0)


def test_it_refuses_an_existing_path(ivan, clips, tmp_path):
    (tmp_path / "bag").mkdir()
    with pytest.raises(Conflict, match="already exists"):
        exports.export(ivan, items=[clips[0].pk], out=tmp_path / "bag")


def test_a_failed_write_records_nothing_and_leaves_nothing(ivan, clips, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(exports.contents, "report_pdf", broken)
    (tmp_path / "out").mkdir()
    with pytest.raises(OSError):
        exports.export(ivan, items=[c.pk for c in clips], out=tmp_path / "out" / "bag.zip")
    assert list((tmp_path / "out").iterdir()) == []
    assert not Event.objects.filter(kind=events.EXPORTED).exists()


def test_an_original_that_does_not_match_its_hash_is_not_exported(
    ivan, clips, tmp_path, monkeypatch
):
    def corrupt(blob):
        return [b"not the recording"]

    monkeypatch.setattr(exports, "ref", lambda blob: blob)
    monkeypatch.setattr(
        exports, "vault", lambda: type("V", (), {"iter_plaintext": staticmethod(corrupt)})
    )
    (tmp_path / "out").mkdir()
    with pytest.raises(Conflict, match="recorded SHA-256"):
        exports.export(ivan, items=[clips[0].pk], out=tmp_path / "out" / "bag")
    assert list((tmp_path / "out").iterdir()) == []


def test_a_case_on_legal_hold_can_still_be_exported(ivan, ivans_case, clips, carmen, tmp_path):
    holds.place_hold(actor=carmen, reason="Litigation hold", case=ivans_case)
    result = exports.export(ivan, case=ivans_case, out=tmp_path / "held.zip")
    assert result.path.exists()
