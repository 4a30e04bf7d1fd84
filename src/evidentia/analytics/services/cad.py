"""The agency's own CAD calls as incidents: dataset "cad", one incident per call number.

Calls carry lat/lon only; the dataset's projected CRS is `ANALYTICS_CAD_EPSG` when set,
else the UTM zone of the calls' median place (metres). Copying again updates changed
calls and adds new ones, never duplicates them (the key is the call number)."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.conf import settings
from django.http import HttpRequest

from evidentia.analytics.models import Dataset, ImportRun
from evidentia.analytics.services import access
from evidentia.analytics.services.imports import Batch, _base, _reject, write
from evidentia.analytics.services.rows import ParsedRow, RowError
from evidentia.cad.models import Call

SLUG = "cad"


def utm_epsg(lon: float, lat: float) -> int:
    zone = int((lon + 180) // 6) % 60 + 1
    return (32600 if lat >= 0 else 32700) + zone


def _dataset(calls: list[Call]) -> Dataset:
    dataset = Dataset.objects.filter(slug=SLUG).first()
    if dataset is not None:
        return dataset
    epsg = getattr(settings, "ANALYTICS_CAD_EPSG", None)
    if not epsg:
        placed = [(c.lon, c.lat) for c in calls if c.lat is not None and c.lon is not None]
        placed = [(lo, la) for lo, la in placed if (lo, la) != (0, 0)]
        lon, lat = np.median(np.array(placed), axis=0) if placed else (0.0, 0.0)
        epsg = utm_epsg(float(lon), float(lat))
    return Dataset.objects.create(
        slug=SLUG,
        name="CAD calls for service",
        epsg=int(epsg),
        units="m",
        description="Copied from the agency's CAD calls (cad.Call): calls, not crime.",
    )


def copy_calls(
    *, actor: Any, mode: str = ImportRun.Mode.SKIP_BAD, request: HttpRequest | None = None
) -> ImportRun:
    """Copy every CAD call into dataset "cad". Calls without a place are listed, skipped."""
    access.check_import(actor)
    calls = list(
        Call.objects.only("call_number", "call_type", "received_at", "lat", "lon", "district")
    )
    dataset = _dataset(calls)
    batch = Batch(total=len(calls))
    for line, call in enumerate(calls, start=1):
        if call.lat is None or call.lon is None:
            batch.errors.append(RowError(line, f"call {call.call_number} has no place"))
            continue
        batch.rows.append(
            ParsedRow(
                line=line,
                occurred_at=call.received_at,
                date_only=False,
                category=call.call_type,
                ident=call.call_number,
                area_unit=call.district,
                lat=call.lat,
                lon=call.lon,
            )
        )
    mapping = {"source": "cad.Call", "id": "call_number", "occurred_at": "received_at"}
    base = _base(dataset, "CAD calls (cad.Call)", "", mapping, mode, actor, None)
    if not calls:
        return _reject(base, [RowError(0, "There are no CAD calls to copy.")], 0, actor, request)
    return write(batch, base, dataset, actor=actor, request=request)
