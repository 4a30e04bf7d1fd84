"""Area layers: the one door for AreaLayer and AreaUnit rows, and the layer a dataset's
bias reports use (docs/decisions/0029).

An import reads a GeoJSON FeatureCollection of polygons (`analytics.polygons`), puts
it in the dataset's CRS, checks that it holds some of the dataset's incidents (a layer
that holds none is in the wrong CRS or of another place), and writes the layer, its
units and the ledger event in one transaction. Any refusal saves nothing. Importing a
layer name again adds a new version; the report uses the dataset's newest layer.
"""

from __future__ import annotations

import hashlib
from typing import IO, Any

import numpy as np
import shapely
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest

from evidentia.analytics import polygons
from evidentia.analytics.models import AreaLayer, AreaUnit, Dataset, Incident
from evidentia.analytics.services import access
from evidentia.core.errors import Rejected
from evidentia.custody import events, ledger

IMPORTED = events.ANALYTICS_AREAS_IMPORTED
MAX_BYTES = 20 * 1024 * 1024
MAX_VERTICES = 500_000
MAX_LAYER_NAME = 80


def max_bytes() -> int:
    return int(getattr(settings, "ANALYTICS_AREAS_MAX_BYTES", MAX_BYTES))


def max_vertices() -> int:
    return int(getattr(settings, "ANALYTICS_AREAS_MAX_VERTICES", MAX_VERTICES))


def read_limited(stream: IO[bytes], limit: int | None = None) -> bytes:
    limit = max_bytes() if limit is None else limit
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise Rejected(
            f"The file is larger than {limit / 1024 / 1024:,.0f} MB, the limit for area "
            "layers (ANALYTICS_AREAS_MAX_BYTES); simplify the polygons or clip the layer."
        )
    if not raw.strip():
        raise Rejected("The file is empty.")
    return raw


def _layer_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise Rejected("Give the layer a name, such as tracts2010.")
    if len(name) > MAX_LAYER_NAME:
        raise Rejected(f"A layer name is at most {MAX_LAYER_NAME} characters.")
    return name


def import_layer(
    stream: IO[bytes],
    *,
    dataset: Dataset,
    name: str,
    name_field: str,
    actor: Any,
    file_name: str = "areas.geojson",
    epsg: int | None = None,
    kind: str = "",
    request: HttpRequest | None = None,
) -> AreaLayer:
    """Import a polygon layer for `dataset`. Rejected (nothing saved) for bad input."""
    access.check_import(actor)
    name = _layer_name(name)
    name_field = (name_field or "").strip()
    if not name_field:
        raise Rejected("Give the property that names each unit (e.g. TRACT or NAME).")
    raw = read_limited(stream)
    layer = polygons.read_layer(
        raw,
        name_field=name_field,
        target_epsg=dataset.epsg,
        epsg=epsg,
        max_vertices=max_vertices(),
    )
    _check_overlap(layer, dataset)
    user = actor if not isinstance(actor, str) else None
    with transaction.atomic():
        latest = AreaLayer.objects.filter(dataset=dataset, name=name).aggregate(v=Max("version"))
        row = AreaLayer.objects.create(
            dataset=dataset,
            name=name,
            version=(latest["v"] or 0) + 1,
            kind=" ".join(kind.split())[:80],
            unit_field=name_field[:120],
            file_name=(file_name or "areas.geojson")[:300],
            sha256=hashlib.sha256(raw).hexdigest(),
            epsg_source=layer.epsg_source,
            vertices=layer.vertices,
            warnings=layer.warnings,
            uploaded_by=user,
        )
        AreaUnit.objects.bulk_create(
            AreaUnit(layer=row, name=n, geometry=shapely.to_wkb(g, hex=True), area=float(g.area))
            for n, g in zip(layer.names, layer.geoms, strict=True)
        )
        ledger.record(
            IMPORTED,
            actor=actor,
            request=request,
            detail={
                "layer": row.pk,
                "dataset": dataset.slug,
                "name": name,
                "version": row.version,
                "file_name": row.file_name,
                "sha256": row.sha256,
                "epsg_source": row.epsg_source,
                "units": len(layer.names),
                "vertices": layer.vertices,
                "repaired_or_merged": len(layer.warnings),
            },
        )
    return row


def _check_overlap(layer: polygons.Layer, dataset: Dataset) -> None:
    points = list(Incident.objects.filter(dataset=dataset).order_by().values_list("x", "y"))
    if points:
        xy = np.asarray(points, dtype=float)
        polygons.check_overlap(layer, xy[:, 0], xy[:, 1], epsg=dataset.epsg)
        return
    if dataset.area is None:
        raise Rejected(
            f"{dataset.name} has no incidents yet, so the layer cannot be checked against "
            "them: import the incidents first."
        )
    x0, y0, x1, y1 = dataset.area
    if not shapely.intersects(shapely.box(x0, y0, x1, y1), layer.geoms).any():
        lx0, ly0, lx1, ly1 = layer.bounds
        raise Rejected(
            f"The layer does not reach the study area of {dataset.name}. In "
            f"EPSG:{dataset.epsg} the layer spans x {lx0:,.0f} to {lx1:,.0f}, y {ly0:,.0f} "
            f"to {ly1:,.0f}; the study area x {x0:,.0f} to {x1:,.0f}, y {y0:,.0f} to "
            f"{y1:,.0f}. The layer's CRS is probably wrong: give its EPSG code."
        )


def current_layer(dataset: Dataset) -> AreaLayer | None:
    """The dataset's newest layer: the one its bias reports use."""
    return (
        AreaLayer.objects.filter(dataset=dataset)
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-pk")
        .first()
    )


def label(row: AreaLayer) -> str:
    kind = f"{row.kind} " if row.kind else ""
    by = row.uploaded_by.get_username() if row.uploaded_by else "the command line"
    return (
        f"Area units: {kind}layer '{row.name}' (version {row.version}), uploaded "
        f"{row.uploaded_at:%Y-%m-%d %H:%M} UTC by {by}. A flagged cell's area is split by "
        "how much of it lies in each unit; a cell counts for the unit holding its centre; "
        "incidents count for the unit that contains them."
    )


def load(row: AreaLayer) -> polygons.Layer:
    """The layer's polygons (reading WKB is milliseconds even for a city's tracts)."""
    rows = list(row.units.order_by("name").values_list("name", "geometry"))
    return polygons.Layer(
        names=[n for n, _ in rows],
        geoms=np.array([shapely.from_wkb(g) for _, g in rows], dtype=object),
        label=label(row),
        epsg_source=row.epsg_source,
        vertices=row.vertices,
        warnings=list(row.warnings),
    )


def layer_for(dataset: Dataset) -> polygons.Layer | None:
    row = current_layer(dataset)
    return None if row is None else load(row)


def outlines(dataset: Dataset, layer: polygons.Layer | None) -> dict | None:
    """The layer's outlines in lon/lat for the Leaflet map (simplified to about 5 m)."""
    if layer is None:
        return None
    from evidentia.analytics.services.places import metres_per_unit

    return polygons.outlines_lonlat(layer, dataset.epsg, 5.0 / metres_per_unit(dataset.epsg))
