"""Small helpers for evidence tests."""

from __future__ import annotations

import io

from evidentia.evidence.models import Item
from evidentia.evidence.services.ingest import Submission, ingest


def ingest_bytes(data: bytes, name: str = "clip.bin", officer=None, actor="test", **kw) -> Item:
    sub = Submission(original_name=name, via="api", officer=officer, **kw)
    return ingest(io.BytesIO(data), sub, actor=actor).item
