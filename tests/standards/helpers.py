"""Helpers for the standards tests: complaints filed as residents file them, recordings
ingested as officers' body-camera clips, and the ledger events left behind."""

from __future__ import annotations

import io
import json
from datetime import datetime

from evidentia.community.services import reports
from evidentia.community.services.reports import NewReport
from evidentia.custody.models import Event
from evidentia.evidence.models import Item
from evidentia.evidence.services.ingest import Submission, ingest
from evidentia.standards.models import Complaint
from tests.community.conftest import PIONEER_SQUARE

WORDS = "The officer shoved me outside the library and called me names."


def portal_complaint(
    allegation: str = "force", officer: str = "", **fields
) -> tuple[Complaint, reports.Filed]:
    """A resident's complaint filed on the public portal, anonymous unless told."""
    attributes = {"allegation": allegation} | ({"officer": officer} if officer else {})
    values = {
        "description": WORDS,
        "lat": PIONEER_SQUARE[0],
        "lon": PIONEER_SQUARE[1],
        "attributes": attributes,
    }
    filed = reports.file_report(NewReport(service_code="officer-complaint", **(values | fields)))
    return Complaint.objects.get(report=filed.report), filed


def recording(officer, recorded_at: datetime, data: bytes | None = None, **fields) -> Item:
    """A recording of `officer`'s, with `fields` set on the item afterwards."""
    data = data or f"clip {officer.username} {recorded_at.isoformat()}".encode()
    sub = Submission(original_name="clip.bin", via="api", officer=officer, recorded_at=recorded_at)
    item = ingest(io.BytesIO(data), sub, actor=officer).item
    if fields:
        Item.objects.filter(pk=item.pk).update(**fields)
        item.refresh_from_db()
    return item


def events_of(kind: str) -> list[dict]:
    return [json.loads(e.body) for e in Event.objects.filter(kind=kind).order_by("seq")]
