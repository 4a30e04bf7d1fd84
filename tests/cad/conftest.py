"""CAD fixtures: video items placed on a hand-made clock, and CSV files in memory."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from evidentia.cad.models import CallTypePolicy
from evidentia.evidence.models import Blob, Item

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
HEADER = "call_number,call_type,received_at,dispatched_at,arrived_at,cleared_at,officers\n"


def at(minutes: float) -> datetime:
    """A time on the test schedule: minutes after 14:00 UTC on 2 March 2026."""
    return T0 + timedelta(minutes=minutes)


def iso(minutes: float) -> str:
    return at(minutes).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_video(officer, start_minute: float, minutes: float, **kw) -> Item:
    """A video item with no media behind it: tagging reads only its clock and officer."""
    blob = Blob.objects.create(
        sha256=uuid.uuid4().hex * 2,
        size=1,
        storage_key=f"test/{uuid.uuid4()}",
        kek_id="test",
        segment_size=1 << 20,
    )
    return Item.objects.create(
        blob=blob,
        title=kw.pop("title", "clip.mp4"),
        original_name="clip.mp4",
        kind=kw.pop("kind", "video"),
        mime="video/mp4",
        officer=officer,
        unit=getattr(officer, "unit", None),
        recorded_at=at(start_minute),
        duration_seconds=minutes * 60,
        source="test",
        **kw,
    )


def csv_bytes(*lines: str, header: str = HEADER) -> io.BytesIO:
    return io.BytesIO((header + "".join(line + "\n" for line in lines)).encode())


def call_line(number: str, start: float, end: float, officers: str, kind: str = "DOMESTIC"):
    """A call received one minute before dispatch at `start`, cleared at `end`."""
    return f"{number},{kind},{iso(start - 1)},{iso(start)},{iso(start + 2)},{iso(end)},{officers}"


@pytest.fixture
def domestic(db) -> CallTypePolicy:
    return CallTypePolicy.objects.create(
        call_type="DOMESTIC", must_record=True, late_after_seconds=120, min_coverage=0.5
    )
