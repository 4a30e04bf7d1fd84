"""The agency's own CAD calls as incidents: dataset "cad", one incident per call number.

Calls carry lat/lon only; the dataset's projected CRS is `ANALYTICS_CAD_EPSG` when set,
else the UTM zone of the calls' median place (metres). Copying again updates changed
calls and adds new ones, never duplicates them (the key is the call number)."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from evidentia.analytics.models import Dataset, ImportRun
from evidentia.analytics.services import access
from evidentia.analytics.services.imports import (
    Batch,
    _base,
    _reject,
    refused_new_dataset,
    write,
)
from evidentia.analytics.services.rows import ParsedRow, RowError
from evidentia.cad.models import Call
from evidentia.core.errors import Rejected

SLUG = "cad"


def utm_epsg(lon: float, lat: float) -> int:
    zone = int((lon + 180) // 6) % 60 + 1
    return (32600 if lat >= 0 else 32700) + zone


def _new_dataset(calls: list[Call]) -> Dataset:
    """Dataset "cad" in the CRS its calls call for; refused when no call has a place
    (a UTM zone guessed from nothing would fix the dataset in the wrong place)."""
    placed = [(c.lon, c.lat) for c in calls if c.lat is not None and c.lon is not None]
    placed = [(lo, la) for lo, la in placed if (lo, la) != (0, 0)]
    if not calls:
        raise Rejected("There are no CAD calls to copy; no dataset was created.")
    if not placed:
        raise Rejected(
            "None of the CAD calls has a place (lat/lon), so there is nothing to map; "
            "no dataset was created."
        )
    epsg = getattr(settings, "ANALYTICS_CAD_EPSG", None)
    if not epsg:
        lon, lat = np.median(np.array(placed), axis=0)
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
    with transaction.atomic():
        # Created inside the import's transaction: a rejected first copy leaves no dataset.
        dataset = Dataset.objects.filter(slug=SLUG).first()
        is_new = dataset is None
        if is_new:
            dataset = _new_dataset(calls)
        run = _copy(calls, dataset, mode, actor, request)
        if is_new and run.state != ImportRun.State.DONE:
            raise refused_new_dataset(SLUG, run)
    return run


def _copy(calls: list[Call], dataset: Dataset, mode: str, actor: Any, request: Any) -> ImportRun:
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
