from __future__ import annotations

from datetime import UTC, datetime

import pytest

from evidentia.evidence import demo_media


@pytest.fixture(scope="session")
def gpx_bytes() -> bytes:
    return demo_media.make_gpx(
        None, start=datetime(2026, 3, 2, 14, 3, 5, tzinfo=UTC), seconds=5, seed=3
    )
