"""Helpers for the staff-side tests: residents' reports placed in space and time, files
attached as the public form attaches them, and the ledger events they leave."""

from __future__ import annotations

import io
import json
import math
import uuid
from datetime import timedelta
from pathlib import Path

from evidentia.community.models import Report, ReportMedia
from evidentia.community.services import geo, reports
from evidentia.custody.models import Event
from evidentia.evidence.media import SNIFF_BYTES
from evidentia.evidence.vaultio import vault
from tests.community.conftest import PIONEER_SQUARE, file

METRE_LAT = 180 / (math.pi * geo.EARTH_M)  # degrees of latitude in one metre


def north_of(metres: float, where: tuple[float, float] = PIONEER_SQUARE) -> tuple[float, float]:
    return where[0] + metres * METRE_LAT, where[1]


def filed_at(service: str = "graffiti", hours_ago: float = 0, **fields) -> Report:
    """A report filed `hours_ago` hours before now."""
    report = file(service, **fields).report
    if hours_ago:
        Report.objects.filter(pk=report.pk).update(
            created_at=report.created_at - timedelta(hours=hours_ago)
        )
        report.refresh_from_db()
    return report


def complaint(**fields) -> Report:
    """A complaint about an officer: restricted to professional standards."""
    values = {
        "description": "The officer was rude to me at the traffic stop.",
        "attributes": {"allegation": "courtesy"},
    }
    return file("officer-complaint", **(values | fields)).report


def attach(report: Report, data: bytes, name: str = "wall.jpg") -> ReportMedia:
    """A file sent with the report, stored in the vault as evidence (as the form does)."""
    written = vault().write(io.BytesIO(data), uuid.uuid4())
    return reports.store_file(report, written, data[:SNIFF_BYTES], name)


def attach_path(report: Report, path: Path) -> ReportMedia:
    return attach(report, path.read_bytes(), path.name)


def ledger_events(kind: str) -> list[dict]:
    return [json.loads(e.body) for e in Event.objects.filter(kind=kind).order_by("seq")]


def last_event(kind: str) -> dict:
    found = ledger_events(kind)
    assert found, f"no {kind} event"
    return found[-1]
