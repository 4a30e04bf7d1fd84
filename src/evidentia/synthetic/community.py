"""Synthetic community reports across the agency's own categories, and records
requests, with the statuses and closing times the transparency portal measures."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from evidentia.community.models import Report, Service, Status, Via
from evidentia.community.services import codes
from evidentia.sharing.models import RecordsRequest
from evidentia.synthetic.cad import STREETS
from evidentia.synthetic.common import MARK, World, insert

DAY = 86400
CLOSED = {Status.RESOLVED: 70, Status.CLOSED: 22, Status.REFERRED: 8}
RR_CLOSED = {
    RecordsRequest.Status.FULFILLED: 80,
    RecordsRequest.Status.DENIED: 12,
    RecordsRequest.Status.WITHDRAWN: 8,
}
ASKS = [
    "body-camera footage of a traffic stop",
    "recordings of an arrest",
    "footage of a collision response",
    "recordings from a welfare check",
]


def _draw(world: World, table: dict, n: int) -> list:  # type: ignore[type-arg]
    keys = list(table)
    return [keys[i] for i in world.pick(np.array(list(table.values()), dtype=float), n)]


def reports(world: World, n: int) -> dict[str, int]:
    services = list(Service.objects.filter(standards=False, active=True).order_by("order"))
    if n <= 0 or not services:
        return {"community_reports": 0}
    rng, when, end = world.rng, world.when, world.end
    # Graffiti and noise are common, compliments rare: a falling share by catalogue order.
    chosen = world.pick(1.0 / (1 + np.arange(len(services))) ** 0.7, n)
    created = world.times(n)
    district = rng.integers(0, len(world.districts), n)
    lat, lon = world.point(district)
    closing = _draw(world, CLOSED, n)
    rows = []
    for k in range(n):
        service = services[chosen[k]]
        at = int(created[k])
        took = int(rng.gamma(1.5, (service.expected_days or 7) * DAY / 1.5))
        done = at + took < end - 600
        status = (
            closing[k] if done else (Status.IN_PROGRESS if rng.random() < 0.5 else Status.RECEIVED)
        )
        place = f"{rng.integers(1, 90) * 100} block of {STREETS[rng.integers(len(STREETS))]}"
        unit = world.units[int(world.district_unit[district[k]])]
        rows.append(
            Report(
                public_id=codes.new_public_id(),
                code_hash=codes.code_hash(codes.new_code()),
                token=codes.new_token(),
                service=service,
                description=f"{MARK} {service.name.lower()} near the {place}.",
                address=place,
                lat=float(lat[k]),
                lon=float(lon[k]),
                occurred_at=when(at - int(rng.integers(0, 6 * 3600))),
                via=Via.WEB if rng.random() < 0.85 else Via.STAFF,
                status=status,
                unit=unit if status != Status.RECEIVED else None,
                restricted=False,
                public=service.public,
                created_at=when(at),
                updated_at=when(at + took) if done else when(at),
                closed_at=when(at + took) if done else None,
            )
        )
    return {"community_reports": insert(Report, rows)}


def records_requests(world: World, n: int) -> dict[str, int]:
    if n <= 0:
        return {"records_requests": 0}
    rng, when, end = world.rng, world.when, world.end
    received = world.times(n, diurnal=False)
    closing = _draw(world, RR_CLOSED, n)
    rows = []
    for k in range(n):
        at = int(received[k])
        took = int(rng.gamma(2.0, 6 * DAY))
        done = at + took < end - 600
        day = when(at).date()
        rows.append(
            RecordsRequest(
                reference=f"PRR-S{world.batch}-{k + 1:04d}",
                code_hash=codes.code_hash(codes.new_code()),
                name=f"{MARK} requester {k + 1}",
                description=f"{MARK} {ASKS[rng.integers(len(ASKS))]}.",
                date_from=day - timedelta(days=int(rng.integers(1, 30))),
                date_to=day,
                via=RecordsRequest.Via.PUBLIC,
                received_at=when(at),
                due_at=when(at + 14 * DAY),
                status=closing[k] if done else RecordsRequest.Status.IN_REVIEW,
                closed_at=when(at + took) if done else None,
                decision_note=f"{MARK} decided." if done else "",
            )
        )
    return {"records_requests": insert(RecordsRequest, rows)}
