"""Synthetic CAD calls and assignments, with recording flags set directly (there are
no real recordings to tag): recorded at each officer's own rate, some late, some short,
judged against the call type's policy the same way tagging would judge them."""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
from django.db import connection, transaction

from evidentia.cad.models import Assignment, Call, CallTypePolicy, Import
from evidentia.synthetic.common import World, fast_insert, next_id, reset_sequences, stamps

IMPORT_NAME = "Synthetic data"
CHUNK = 50_000  # calls per transaction
# name, share of calls, policy says record, force is plausible, priority
CALL_TYPES = [
    ("Traffic stop", 18, True, True, "3"),
    ("Disturbance", 12, True, True, "2"),
    ("Welfare check", 10, True, False, "3"),
    ("Theft report", 10, False, False, "4"),
    ("Suspicious person", 9, True, True, "2"),
    ("Alarm", 9, False, False, "3"),
    ("Collision", 8, True, False, "2"),
    ("Domestic violence", 6, True, True, "1"),
    ("Noise complaint", 6, False, False, "4"),
    ("Burglary", 5, True, False, "2"),
    ("Assault", 4, True, True, "1"),
    ("Mental health crisis", 3, True, True, "1"),
]
FORCE_PRONE = np.array([t[3] for t in CALL_TYPES])
DISPOSITIONS = [
    "Report taken",
    "Advised",
    "Arrest",
    "Citation",
    "Gone on arrival",
    "Unfounded",
    "Referred",
]
STREETS = [
    "Oak St",
    "Burnside St",
    "Alder St",
    "Division St",
    "Belmont St",
    "Hawthorne Blvd",
    "Broadway",
    "Sandy Blvd",
    "Foster Rd",
    "Killingsworth St",
    "Lombard St",
]
LAST_HOURS = 6 * 3600  # calls start this long before the end, so none clears in the future


def policies() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Make a policy row for each synthetic call type (keeping any the agency set)."""
    for name, _, record, _, _ in CALL_TYPES:
        CallTypePolicy.objects.get_or_create(call_type=name, defaults={"must_record": record})
    rows = {p.call_type: p for p in CallTypePolicy.objects.filter(call_type__in=_names())}
    must = np.array([rows[n].must_record for n in _names()])
    late = np.array([rows[n].late_after_seconds for n in _names()], dtype=np.int64)
    cover = np.array([rows[n].min_coverage for n in _names()])
    return must, late, cover


def _prep(model: type[Call], name: str, value: object) -> object:
    field: Any = model._meta.get_field(name)
    return field.get_db_prep_save(value, connection)


def _names() -> list[str]:
    return [t[0] for t in CALL_TYPES]


def generate(world: World, n: int) -> dict[str, int]:
    must, late_after, min_cover = policies()
    label = f"{IMPORT_NAME}, batch {world.batch}"
    source = Import.objects.create(
        file_name=label,
        sha256=hashlib.sha256(label.encode()).hexdigest(),
        mapping={"synthetic": True},
        mode=Import.Mode.ALL_OR_NOTHING,
        state=Import.State.DONE,
        rows_total=n,
        rows_created=n,
    )
    world.call_prefix = f"SYN{world.batch}-"
    first_id = next_id(Call)
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("ts", "ty", "di", "ac", "ao", "ar")}
    made = 0
    for lo in range(0, n, CHUNK):
        hi = min(n, lo + CHUNK)
        _, a = _chunk(world, lo, hi, first_id, source, must, late_after, min_cover, parts)
        made += a
        if hi == n or (lo // CHUNK) % 10 == 9:
            world.say(f"  CAD: {hi} of {n} calls")
    reset_sequences(Call, Assignment)
    world.call_ts = np.concatenate(parts["ts"]) if n else world.call_ts
    world.call_type = np.concatenate(parts["ty"]) if n else world.call_type
    world.call_district = np.concatenate(parts["di"]) if n else world.call_district
    world.asg_call = np.concatenate(parts["ac"]) if n else world.asg_call
    world.asg_officer = np.concatenate(parts["ao"]) if n else world.asg_officer
    world.asg_recorded = np.concatenate(parts["ar"]) if n else world.asg_recorded
    return {"calls": n, "assignments": made}


def _crew(world: World, district: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """1-3 distinct officers per call from the district's unit, busier ones more often.
    Returns (call index, officer index) per assignment."""
    rng, m = world.rng, len(district)
    draws = np.zeros((m, 3), dtype=np.int64)
    unit_of_call = world.district_unit[district]
    everyone = np.arange(len(world.officers))
    for u in range(len(world.units)):
        rows = np.flatnonzero(unit_of_call == u)
        pool = np.flatnonzero(world.officer_unit == u)
        pool = pool if len(pool) else everyone
        weight = world.activity[pool] / world.activity[pool].sum()
        draws[rows] = rng.choice(pool, (len(rows), 3), p=weight)
    size = rng.choice([1, 2, 3], m, p=[0.55, 0.3, 0.15])
    keep = np.ones((m, 3), dtype=bool)
    keep[:, 1] = (size > 1) & (draws[:, 1] != draws[:, 0])
    keep[:, 2] = (size > 2) & (draws[:, 2] != draws[:, 0]) & (draws[:, 2] != draws[:, 1])
    calls, cols = np.nonzero(keep)
    return calls, draws[calls, cols]


def _chunk(world, lo, hi, first_id, source, must, late_after, min_cover, parts):  # type: ignore[no-untyped-def]
    rng, m = world.rng, hi - lo
    span = world.end - world.start
    ts = world.start + ((world.times(m) - world.start) * ((span - LAST_HOURS) / span)).astype(
        np.int64
    )
    shares = np.array([t[1] for t in CALL_TYPES], dtype=float)
    ty = rng.choice(len(CALL_TYPES), m, p=shares / shares.sum()).astype(np.int16)
    di = rng.integers(0, len(world.districts), m).astype(np.int16)
    dispatched = ts + 20 + rng.exponential(180, m).astype(np.int64)
    arrived = dispatched + 60 + rng.exponential(420, m).astype(np.int64)
    cleared = arrived + np.clip(rng.lognormal(np.log(1500), 0.6, m), 300, 4 * 3600).astype(np.int64)
    lat, lon = world.point(di)
    block = rng.integers(1, 90, m) * 100
    street = rng.integers(0, len(STREETS), m)
    dispo = rng.integers(0, len(DISPOSITIONS), m)

    ac, ao = _crew(world, di)
    dur = (cleared - dispatched)[ac]
    rate = world.record_rate[ao]
    need = must[ty[ac]]
    recorded = rng.random(len(ac)) < np.where(need, rate, 0.4 * rate)
    limit = late_after[ty[ac]]
    tardy = rng.random(len(ac)) < 0.04 + 0.3 * (1 - rate)
    delay = np.where(tardy, limit + 1 + rng.exponential(120, len(ac)), rng.uniform(5, 0.9 * limit))
    delay = np.minimum(delay, 0.8 * dur).astype(np.int64)
    brief = rng.random(len(ac)) < 0.03 + 0.2 * (1 - rate)
    cover = np.where(brief, rng.uniform(0.1, 0.45, len(ac)), rng.uniform(0.6, 1.0, len(ac)))
    seconds = np.minimum(cover * dur, dur - delay).round(1)
    late = recorded & (delay > limit)
    short = recorded & (seconds < min_cover[ty[ac]] * dur)

    names, prios = _names(), [t[4] for t in CALL_TYPES]
    ids = np.arange(first_id + lo, first_id + hi)
    tyl, dil = ty.tolist(), di.tolist()
    streets, blocks = street.tolist(), block.tolist()
    calls = {
        "id": ids.tolist(),
        "call_number": [f"{world.call_prefix}{i + 1:08d}" for i in range(lo, hi)],
        "call_type": [names[t] for t in tyl],
        "priority": [prios[t] for t in tyl],
        "received_at": stamps(ts),
        "dispatched_at": stamps(dispatched),
        "arrived_at": stamps(arrived),
        "cleared_at": stamps(cleared),
        "district": [world.districts[d] for d in dil],
        "address": [f"{b} block of {STREETS[s]}" for b, s in zip(blocks, streets, strict=True)],
        "lat": lat.tolist(),
        "lon": lon.tolist(),
        "disposition": [DISPOSITIONS[d] for d in dispo.tolist()],
        "source_import_id": [_prep(Call, "source_import", source.pk)] * m,
    }
    officers = world.officers
    who = ao.tolist()
    rec = recorded.tolist()
    first = stamps(dispatched[ac] + delay)
    assignments = {
        "call_id": ids[ac].tolist(),
        "officer_badge": [officers[o].badge_number for o in who],
        "officer_id": [officers[o].pk for o in who],
        "unit_id": [officers[o].unit_id for o in who],
        "starts_at": stamps(dispatched[ac]),
        "ends_at": stamps(cleared[ac]),
        "recorded": rec,
        "late": late.tolist(),
        "short": short.tolist(),
        "first_recording_at": [f if r else None for f, r in zip(first, rec, strict=True)],
        "recorded_seconds": np.where(recorded, seconds, 0.0).tolist(),
        "evaluated_at": stamps(np.full(len(ac), world.end)),
    }
    with transaction.atomic():
        fast_insert(Call, calls)
        fast_insert(Assignment, assignments)
    for key, arr in (("ts", ts), ("ty", ty), ("di", di), ("ac", ac + lo), ("ao", ao)):
        parts[key].append(arr)
    parts["ar"].append(recorded)
    return m, len(ac)
