"""The custody report PDF, for an item and for a case."""

from __future__ import annotations

import base64
import io
import re

import pytest
from pypdf import PdfReader

from evidentia.cases import services as cases
from evidentia.custody import events
from evidentia.custody.models import Event
from tests.custody import rfc6962
from tests.evidence.helpers import ingest_bytes


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def clip(olivia):
    return ingest_bytes(b"bodycam footage for the report", "stop-5th-ave.mp4", officer=olivia)


def test_an_item_report_lists_hash_metadata_and_every_event(clip, carmen, as_user):
    response = as_user(carmen).get(f"/evidence/{clip.pk}/custody.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert clip.blob.sha256 in text.replace("\n", "")
    assert "stop-5th-ave.mp4" in text
    assert "Ingested into the vault" in text
    assert "Custody report generated" in text


def test_generating_a_report_is_a_ledger_event(clip, carmen, as_user):
    as_user(carmen).get(f"/evidence/{clip.pk}/custody.pdf")
    assert Event.objects.filter(kind=events.REPORT_GENERATED, item_id=clip.pk).count() == 1


def test_the_report_carries_a_checkpoint_and_a_proof_that_verify(clip, carmen, as_user):
    text = text_of(as_user(carmen).get(f"/evidence/{clip.pk}/custody.pdf").content)
    flat = text.replace("\n", " ")
    key = re.search(r"Verifier key: (\S+)", flat).group(1)
    last = Event.objects.filter(item_id=clip.pk).order_by("seq").last()
    note_start = text.index("evidentia.example")
    note = text[note_start:].split("Verifier key")[0]
    lines = [line for line in note.splitlines() if line.strip()]
    origin, size, root = lines[0], int(lines[1]), lines[2]
    signature = lines[3]
    checked = rfc6962.open_checkpoint(f"{origin}\n{size}\n{root}\n\n{signature}\n", key)
    assert checked[1] == size
    path_text = flat.split("Audit path (leaf to root, base64):")[1]
    path = [base64.b64decode(h) for h in path_text.split()]
    leaf = rfc6962.leaf(last.body.encode())
    assert rfc6962.root_from_inclusion(last.seq, size, leaf, path) == checked[2]


def test_a_case_report_covers_the_case_and_its_items(clip, olivia, ivan, as_user):
    case = cases.create_case(number="2026-555", title="Robbery", actor=ivan)
    cases.link_item(case, clip, actor=ivan)
    response = as_user(ivan).get(f"/cases/{case.pk}/custody.pdf")
    assert response.status_code == 200
    text = text_of(response.content)
    assert "2026-555" in text and "Added to a case" in text and "Case opened" in text


def test_someone_who_cannot_see_the_item_gets_no_report(clip, oscar, as_user):
    assert as_user(oscar).get(f"/evidence/{clip.pk}/custody.pdf").status_code == 404
    assert not Event.objects.filter(kind=events.REPORT_GENERATED).exists()


def test_a_restricted_case_report_is_not_found_for_non_members(db, stella, carmen, as_user):
    case = cases.create_case(number="IA-9", title="Internal", actor=stella, restricted=True)
    assert as_user(carmen).get(f"/cases/{case.pk}/custody.pdf").status_code == 404
