"""What an export package holds, and that the bagit library accepts it."""

from __future__ import annotations

import hashlib
import json

import bagit

from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.custody.signing import public_verifier_key
from evidentia.sharing.services import exports
from tests.sharing.conftest import extract, read_lines


def test_bagit_validates_a_directory_export(case_bag):
    bagit.Bag(str(case_bag)).validate()


def test_bagit_validates_a_zip_export_after_extraction(ivan, ivans_case, clips, tmp_path):
    made = exports.export(ivan, case=ivans_case, out=tmp_path / "case.zip")
    root = extract(made.path, tmp_path / "unzipped")
    bagit.Bag(str(root)).validate()


def test_originals_are_the_ingested_bytes(case_bag, clips, clip_path):
    original = case_bag / "data" / "originals" / f"{clips[0].pk}_{clips[0].title}"
    assert original.read_bytes() == clip_path.read_bytes()


def test_bag_info_names_the_agency_case_and_export(settings, case_bag):
    info = bagit.Bag(str(case_bag)).info
    assert info["Source-Organization"] == settings.AGENCY_NAME
    assert info["External-Identifier"] == "2026-0042"
    assert info["Evidentia-Export-Id"]
    assert info["Bagging-Date"]


def test_events_are_the_ledger_bodies_in_order(case_bag, clips, ivans_case):
    lines = read_lines(case_bag / "data" / "custody" / "events.jsonl")
    ids = [c.pk for c in clips]
    wanted = Event.objects.filter(item_id__in=ids) | Event.objects.filter(
        case_id=ivans_case.pk, item_id__isnull=True
    )
    wanted = wanted.exclude(kind=events.EXPORTED).order_by("seq")
    assert lines == [e.body.encode() for e in wanted]


def test_every_event_has_a_proof(case_bag):
    custody = case_bag / "data" / "custody"
    seqs = [json.loads(line)["seq"] for line in read_lines(custody / "events.jsonl")]
    proofs = [json.loads(line)["seq"] for line in read_lines(custody / "proofs.jsonl")]
    assert proofs == seqs


def test_the_bag_carries_report_checkpoint_key_and_readme(case_bag):
    data = case_bag / "data"
    assert (data / "custody" / "report.pdf").read_bytes().startswith(b"%PDF")
    assert "\u2014 " in (data / "custody" / "checkpoint.txt").read_text()
    assert (data / "custody" / "ledger-key.pub").read_text() == public_verifier_key() + "\n"
    assert "verify-export" in (data / "README.txt").read_text()


def test_the_ledger_records_an_export_event_per_item_and_for_the_case(
    ivan, ivans_case, clips, tmp_path
):
    made = exports.export(ivan, case=ivans_case, out=tmp_path / "bag")
    recorded = Event.objects.filter(kind=events.EXPORTED)
    assert recorded.count() == 3
    manifest = (made.path / "manifest-sha256.txt").read_bytes()
    for event in recorded:
        detail = json.loads(event.body)["detail"]
        assert detail["export_id"] == made.export_id
        assert detail["manifest_sha256"] == hashlib.sha256(manifest).hexdigest()
        assert detail["redacted"] is False
    assert {e.item_id for e in recorded} == {None, *(c.pk for c in clips)}


def test_a_redacted_export_lists_items_without_a_redacted_copy(ivan, clips, tmp_path):
    made = exports.export(ivan, items=[clips[0].pk], redacted=True, out=tmp_path / "bag")
    assert made.without_redacted == [f"{clips[0].pk} ({clips[0].title})"]
    assert not (made.path / "data" / "originals").exists()
    assert str(clips[0].pk) in (made.path / "data" / "README.txt").read_text()
