from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from evidentia.evidence import demo_media


@pytest.fixture(scope="session")
def clip_path(tmp_path_factory) -> Path:
    """A real 3-second H.264/AAC body-camera-like clip."""
    path = tmp_path_factory.mktemp("media") / "BWC-7_20260302_140305.mp4"
    return demo_media.make_clip(
        path,
        seconds=3,
        width=320,
        height=180,
        start=datetime(2026, 3, 2, 14, 3, 5, tzinfo=UTC),
        officer_badge="N-1042",
        device_id="BWC-7",
        seed=3,
    )


@pytest.fixture(scope="session")
def gpx_bytes() -> bytes:
    return demo_media.make_gpx(
        None, start=datetime(2026, 3, 2, 14, 3, 5, tzinfo=UTC), seconds=5, seed=3
    )
