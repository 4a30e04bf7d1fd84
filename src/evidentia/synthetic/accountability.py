"""Synthetic accountability data: `generate()` fills a period with officers, CAD calls
and their assignments, use-of-force reports, complaints, community reports and records
requests, seeded so a run is repeatable. Bulk inserts in chunked transactions, no
ledger events (see the package docstring for how it is flagged).

Officers differ on purpose: activity follows a gamma distribution (a few are very
busy), body-camera compliance varies, and a few outliers use force and draw complaints
at several times their peers' rate per call, so early intervention has something to
find and something (the merely busy) not to flag.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from evidentia.accounts.models import Role, Unit, User
from evidentia.cad.models import Call, Import
from evidentia.synthetic import cad, community, incidents
from evidentia.synthetic.common import World

FIRST = [
    "Alex",
    "Sam",
    "Jordan",
    "Maria",
    "Wei",
    "Aisha",
    "Diego",
    "Priya",
    "Tom",
    "Lena",
    "Kofi",
    "Noor",
    "Ivan",
    "Grace",
    "Mateo",
    "Hana",
    "Omar",
    "Ruth",
    "Jin",
    "Zoe",
]
LAST = [
    "Nguyen",
    "Smith",
    "Garcia",
    "Okafor",
    "Kim",
    "Patel",
    "Novak",
    "Brown",
    "Haddad",
    "Lopez",
    "Chen",
    "Johnson",
    "Silva",
    "Mwangi",
    "Ito",
    "Cohen",
    "Ross",
    "Diaz",
]
USERNAME = "syn-officer-"


def generate(
    *,
    end: date,
    days: int = 365,
    officers: int = 60,
    calls: int = 20_000,
    force_reports: int = 250,
    complaints: int = 120,
    community_reports: int = 400,
    records_requests: int = 30,
    seed: int = 7,
    units: list[Unit] | None = None,
    say: Callable[[str], None] = print,
) -> dict[str, int]:
    """Fill `days` days ending with `end` (never past now). Returns what was made."""
    if days < 1 or officers < 1:
        raise ValueError("days and officers must be at least 1")
    world = _world(end, days, seed, units, say)
    counts: dict[str, int] = {}
    counts["officers"] = _officers(world, officers)
    counts["supervisors"] = _supervisors(world)
    say(f"Synthetic: {len(world.officers)} officers in {len(world.units)} units.")
    counts.update(cad.generate(world, calls))
    counts.update(incidents.force(world, force_reports))
    counts.update(incidents.complaints(world, complaints))
    counts.update(community.reports(world, community_reports))
    counts.update(community.records_requests(world, records_requests))
    say("Synthetic: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()))
    return counts


def present() -> int:
    """How many synthetic CAD calls there are already."""
    return Call.objects.filter(call_number__startswith="SYN").count()


def _world(
    end: date, days: int, seed: int, units: list[Unit] | None, say: Callable[[str], None]
) -> World:
    rng = np.random.default_rng(seed)
    stop = min(datetime.combine(end + timedelta(days=1), time.min, UTC), timezone.now())
    start = stop - timedelta(days=days)
    units = list(units) if units else list(Unit.objects.order_by("code"))
    if not units:
        units = [
            Unit.objects.get_or_create(code="north", defaults={"name": "North Precinct"})[0],
            Unit.objects.get_or_create(code="south", defaults={"name": "South Precinct"})[0],
        ]
    per_unit = 3
    districts = [f"{u.name.split()[0]} {n}" for u in units for n in range(1, per_unit + 1)]
    centres = np.column_stack(
        [rng.uniform(45.48, 45.60, len(districts)), rng.uniform(-122.76, -122.56, len(districts))]
    )
    # Each run is a batch with its own CAD import row, so a second run numbers apart.
    batch = 1 + Import.objects.filter(file_name__startswith=cad.IMPORT_NAME).count()
    return World(
        rng=rng,
        start=int(start.timestamp()),
        end=int(stop.timestamp()),
        batch=batch,
        units=units,
        districts=districts,
        district_unit=np.repeat(np.arange(len(units)), per_unit),
        district_centre=centres,
        say=say,
    )


def _officers(world: World, wanted: int) -> int:
    """Reuse the synthetic officers a previous run made; create the rest."""
    existing = {
        u.username: u
        for u in User.objects.filter(username__startswith=USERNAME).select_related("unit")
    }
    unusable = make_password(None)
    new: list[User] = []
    for i in range(wanted):
        username = f"{USERNAME}{i + 1:05d}"
        if username in existing:
            continue
        unit = world.units[i % len(world.units)]
        new.append(
            User(
                username=username,
                role=Role.OFFICER,
                unit=unit,
                badge_number=f"{unit.code[:1].upper()}-{5000 + i + 1}",
                first_name=FIRST[i % len(FIRST)],
                last_name=LAST[(i * 7 + i // len(FIRST)) % len(LAST)],
                email=f"{username}@synthetic.evidentia.invalid",
                password=unusable,  # what set_unusable_password() sets, hashed once
            )
        )
    with transaction.atomic():
        User.objects.bulk_create(new, batch_size=1000)
    everyone = User.objects.filter(username__startswith=USERNAME).select_related("unit")
    chosen = sorted(everyone, key=lambda u: u.username)[:wanted]
    unit_index = {u.pk: n for n, u in enumerate(world.units)}
    # An officer from a unit outside this run's list works in the first unit's districts.
    world.officers = chosen
    world.officer_unit = np.array(
        [unit_index.get(o.unit_id or 0, 0) for o in chosen], dtype=np.int32
    )
    _character(world)
    return len(new)


def _character(world: World) -> None:
    rng, n = world.rng, len(world.officers)
    world.activity = rng.gamma(4.0, 0.25, n)
    world.record_rate = rng.beta(30, 3, n)  # mostly 0.85-0.97
    world.force_rate = rng.gamma(6.0, 1 / 6.0, n)
    world.complaint_rate = rng.gamma(5.0, 1 / 5.0, n)
    order = rng.permutation(n)
    busy = order[: max(1, n // 30)]
    outliers = order[max(1, n // 30) : max(1, n // 30) + max(2, n // 40)]
    world.activity[busy] *= 2.5  # busy, but no worse per call than their peers
    world.force_rate[outliers] *= 5.0
    world.complaint_rate[outliers] *= 4.0
    world.record_rate[outliers] = rng.uniform(0.55, 0.7, len(outliers))


def _supervisors(world: World) -> int:
    made = 0
    for unit in world.units:
        sup = User.objects.filter(role=Role.SUPERVISOR, unit=unit, is_active=True).first()
        if sup is None:
            sup = User(
                username=f"syn-supervisor-{unit.code}",
                role=Role.SUPERVISOR,
                unit=unit,
                badge_number=f"{unit.code[:1].upper()}-{4900 + made}",
                first_name="Pat",
                last_name=f"{unit.name.split()[0]} (synthetic)",
            )
            sup.set_unusable_password()
            sup.save()
            made += 1
        world.supervisors[unit.pk] = sup
    world.standards = (
        User.objects.filter(role=Role.STANDARDS_INVESTIGATOR, is_active=True).first()
        or User.objects.filter(role=Role.ADMIN, is_active=True).first()
    )
    return made
