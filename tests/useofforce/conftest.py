"""Use-of-force fixtures: the seeded force types, real video items and filed reports."""

from __future__ import annotations

import importlib
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps

from evidentia.evidence.models import Item
from evidentia.useofforce import services
from evidentia.useofforce.models import ForceType
from evidentia.useofforce.services import form
from tests.evidence.helpers import ingest_bytes

# Comfortably in the past, so no test depends on today's date.
WHEN = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def force_types(db) -> list[ForceType]:
    """The seeded list (put back when a transactional test emptied the tables)."""
    if not ForceType.objects.exists():
        importlib.import_module("evidentia.useofforce.migrations.0002_seed_force_types").seed(
            apps, None
        )
    return list(ForceType.objects.all())


def fields(**over: object) -> dict[str, object]:
    """A complete, valid form as the officer posts it."""
    data: dict[str, object] = {
        "incident_number": "26-004211",
        "occurred_at": WHEN.strftime("%Y-%m-%dT%H:%M"),
        "location": "SW 5th Ave & Morrison St",
        "district": "D1",
        "force_types": ["takedown", "hands-on"],
        "reason": "The subject punched a bystander and resisted handcuffing.",
        "deescalation_attempted": "1",
        "deescalation": "Verbal commands and time; asked him to sit down.",
        "subject-0-race": "white",
        "subject-0-sex": "male",
        "subject-0-age": "34",
        "subject-0-injured": "1",
        "subject-0-injuries": "Abrasion to the left knee.",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


class Post(dict):
    """A dict that answers getlist like a QueryDict."""

    def getlist(self, name: str) -> list[str]:
        value = self.get(name, [])
        return list(value) if isinstance(value, list | tuple) else [value]


def parsed(complete: bool = True, **over: object) -> form.ReportInput:
    return form.parse(Post(fields(**over)), complete=complete)


def draft(officer, **over):
    return services.create(officer, parsed(complete=False, **over))


def filed(officer, **over):
    return services.submit(officer, services.create(officer, parsed(**over)))


def video(clip_path, officer, at: datetime, seconds: float = 600, incident: str = "") -> Item:
    """A real video item (the test clip, made unique), recorded at `at` for `seconds`."""
    data = clip_path.read_bytes() + uuid.uuid4().bytes
    item = ingest_bytes(data, name="BWC-7.mp4", officer=officer, recorded_at=at)
    assert item.kind == "video"
    Item.objects.filter(pk=item.pk).update(duration_seconds=seconds, incident_number=incident)
    item.refresh_from_db()
    return item


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)
