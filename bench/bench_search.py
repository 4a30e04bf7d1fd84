"""Evidence list and search latency at scale (issue 3). Not a test.

    EVIDENTIA_HOME=$(mktemp -d) .venv/bin/python bench/bench_search.py \
        [--items 100000] [--events 1000000] [--requests 60]

Seeds Blob and Item rows in bulk (realistic titles, officers, units, dates, categories,
tags, cases, notes, one restricted case), builds the search documents and a ledger of
`--events` events with bench_ledger's bulk builder, then times pages through Django's
test Client, signed in with both factors, as a custodian (sees ~everything) and as an
officer (sees her own ~0.5%). With DATABASE_URL set it runs on PostgreSQL; give it an
empty database (the seed refuses to run twice).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("EVIDENTIA_HOME", tempfile.mkdtemp(prefix="evidentia-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evidentia.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import django

django.setup()

from bench_ledger import bulk_build  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from evidentia.accounts.models import Role, Unit, User  # noqa: E402
from evidentia.cases.models import (  # noqa: E402
    Case,
    CaseItem,
    CaseMember,
    Category,
    ItemTag,
    Note,
    Tag,
)
from evidentia.cases.searchindex import rebuild  # noqa: E402
from evidentia.evidence.models import Blob, Item, Kind, Processing  # noqa: E402
from evidentia.evidence.vaultio import create_keyring_if_missing  # noqa: E402

STREETS = [
    "Harbor Road",
    "Elm Street",
    "Main Street",
    "Ring Road",
    "Station Square",
    "Mill Lane",
    "Park Avenue",
]
EVENTS = [
    "traffic stop",
    "burglary call",
    "domestic disturbance",
    "welfare check",
    "collision",
    "shoplifting",
    "noise complaint",
    "foot pursuit",
    "suspicious vehicle",
    "assault report",
]
DETAILS = [
    "driver cited",
    "no injuries",
    "suspect detained",
    "witness statement taken",
    "report filed",
    "vehicle towed",
    "area canvassed",
    "victim transported",
    "warning issued",
    "property recovered",
]
TAGS = [
    "use of force",
    "dui",
    "seatbelt",
    "juvenile",
    "k9",
    "taser",
    "arrest",
    "citation",
    "mental health",
    "pursuit",
    "domestic",
    "weapon",
    "injury",
    "complaint",
    "training",
]
KINDS = [
    (Kind.VIDEO, "video/mp4", 70),
    (Kind.AUDIO, "audio/mp4", 10),
    (Kind.IMAGE, "image/jpeg", 15),
]
KINDS += [(Kind.GPS, "application/gpx+xml", 5)]
RARE = "zeppelin"
BATCH = 5000


def seed(n_items: int, rng: random.Random) -> dict[str, User]:
    if Item.objects.exists():
        raise SystemExit("The database already holds evidence; give the benchmark an empty one.")
    units = [
        Unit.objects.create(code=c, name=f"{c.title()} Precinct")
        for c in ("north", "south", "east", "west")
    ]
    categories = [Category.objects.create(name=e.title()) for e in EVENTS]
    officers = []
    for i in range(200):
        unit = units[i % 4]
        officers.append(
            User(
                username="olivia" if i == 0 else f"officer{i:03}",
                first_name=rng.choice(["Ana", "Ben", "Chen", "Dee", "Eli", "Fay", "Gus", "Hal"]),
                last_name=f"Lee{i}",
                role=Role.OFFICER,
                unit=unit,
                badge_number=f"{unit.code[0].upper()}-{1000 + i}",
            )
        )
    User.objects.bulk_create(officers)
    officers = list(User.objects.filter(role=Role.OFFICER).order_by("username"))
    people = {
        "carmen": User.objects.create_user("carmen", role=Role.CUSTODIAN, first_name="Carmen"),
        "olivia": User.objects.get(username="olivia"),
        "stella": User.objects.create_user("stella", role=Role.STANDARDS_INVESTIGATOR),
        "ivan": User.objects.create_user("ivan", role=Role.INVESTIGATOR, first_name="Ivan"),
    }
    weights = [k[2] for k in KINDS]
    t0 = datetime(2024, 6, 1, tzinfo=UTC)
    span = int(timedelta(days=700).total_seconds())
    for start in range(0, n_items, BATCH):
        blobs, items = [], []
        for i in range(start, min(start + BATCH, n_items)):
            officer = rng.choice(officers)
            kind, mime, _ = rng.choices(KINDS, weights)[0]
            when = t0 + timedelta(seconds=rng.randrange(span))
            device = f"BWC-{rng.randrange(1, 400)}"
            name = f"{device}_{when:%Y%m%d_%H%M%S}.{'mp4' if kind == Kind.VIDEO else 'bin'}"
            event = rng.choice(EVENTS)
            words = f"{event.capitalize()} on {rng.choice(STREETS)}, {rng.choice(DETAILS)}."
            if i % 33_333 == 7:
                words += f" Suspect drew a {RARE} on the wall."
            blob = Blob(
                id=uuid.uuid4(),
                sha256=f"{i:064x}",
                size=rng.randrange(10**6, 10**9),
                storage_key=f"bench/{i:08}",
                kek_id="bench",
                wrapped_key=b"\0" * 40,
                segment_size=1 << 20,
                mime=mime,
            )
            blobs.append(blob)
            items.append(
                Item(
                    blob=blob,
                    title=name,
                    original_name=name,
                    kind=kind,
                    mime=mime,
                    officer=officer,
                    unit_id=officer.unit_id,
                    device_id=device,
                    category=rng.choice(categories) if rng.random() < 0.7 else None,
                    description=words,
                    recorded_at=when,
                    ingested_at=when + timedelta(hours=rng.randrange(1, 30)),
                    source="watch",
                    duration_seconds=rng.uniform(10, 1800),
                    processing=Processing.DONE,
                )
            )
        with transaction.atomic():
            Blob.objects.bulk_create(blobs)
            Item.objects.bulk_create(items)
    _annotate(rng, people)
    return people


def _annotate(rng: random.Random, people: dict[str, User]) -> None:
    ids = list(Item.objects.values_list("pk", flat=True))
    tags = [Tag.objects.create(name=t) for t in TAGS]
    carmen, stella, ivan = people["carmen"], people["stella"], people["ivan"]
    links = [
        ItemTag(item_id=i, tag=rng.choice(tags), added_by=carmen)
        for i in rng.sample(ids, len(ids) // 3)
    ]
    ItemTag.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)
    Note.objects.bulk_create(
        [
            Note(item_id=i, author=carmen, text=f"Reviewed; {rng.choice(DETAILS)}.")
            for i in rng.sample(ids, len(ids) // 20)
        ],
        batch_size=BATCH,
    )
    cases = Case.objects.bulk_create(
        [
            Case(
                number=f"2025-{n:05}",
                title=f"{rng.choice(EVENTS).title()} investigation",
                incident_number=f"CAD-{rng.randrange(10**6):06}",
                created_by=ivan,
            )
            for n in range(2000)
        ]
    )
    CaseMember.objects.bulk_create([CaseMember(case=c, user=ivan) for c in cases])
    picked = rng.sample(ids, min(10_000, len(ids) // 2))
    CaseItem.objects.bulk_create(
        [CaseItem(case=cases[n // 5], item_id=i, added_by=ivan) for n, i in enumerate(picked)]
    )
    # Olivia is on a few cases, so her visible set is her recordings plus theirs.
    CaseMember.objects.bulk_create([CaseMember(case=c, user=people["olivia"]) for c in cases[:3]])
    ia = Case.objects.create(
        number="IA-2025-1", title="Complaint", restricted=True, created_by=stella
    )
    CaseMember.objects.create(case=ia, user=stella)
    CaseItem.objects.bulk_create(
        [
            CaseItem(case=ia, item_id=i, added_by=stella)
            for i in rng.sample(ids, min(500, len(ids) // 10))
        ],
        ignore_conflicts=True,
    )


def seed_all(items: int, events: int) -> dict[str, User]:
    t = time.perf_counter()
    people = seed(items, random.Random(3))
    print(f"seeded {items} items in {time.perf_counter() - t:.0f} s")
    t = time.perf_counter()
    docs = rebuild()
    print(f"built {docs} search documents in {time.perf_counter() - t:.0f} s")
    t = time.perf_counter()
    bulk_build(events)
    print(f"built a {events}-event ledger in {time.perf_counter() - t:.0f} s")
    return people


def client_for(user: User) -> Client:
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def measure(client: Client, url: str, runs: int) -> tuple[float, float]:
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), p95(times)


PAGES = [
    ("evidence list, first page", "/evidence/"),
    ("evidence list, filtered", "/evidence/?kind=video&from=2025-01-01&to=2025-03-31"),
    ("search, no words (newest)", "/search/"),
    ("search, common word", "/search/?q=traffic"),
    ("search, rare word", f"/search/?q={RARE}"),
    ("search, filtered", "/search/?q=harbor+stop&unit=north&kind=video&from=2025-01-01"),
    ("search API, common word", "/api/v1/cases/search?q=traffic"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument(
        "--reuse", action="store_true", help="time an already seeded EVIDENTIA_HOME/database"
    )
    args = parser.parse_args()
    setup_test_environment()  # lets the test Client talk to the app (ALLOWED_HOSTS)
    call_command("migrate", verbosity=0)
    create_keyring_if_missing()
    print(f"database: {connection.vendor}; EVIDENTIA_HOME={os.environ['EVIDENTIA_HOME']}")
    if args.reuse:
        people = {u.username: u for u in User.objects.filter(username__in=["carmen", "olivia"])}
        if len(people) < 2:
            raise SystemExit("--reuse needs a database this benchmark seeded.")
    else:
        people = seed_all(args.items, args.events)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("INSERT INTO cases_searchfts(cases_searchfts) VALUES ('optimize')")
    olivia_sees = Item.objects.filter(officer=people["olivia"]).count()
    print(f"olivia recorded {olivia_sees} items; {args.requests} timed requests per row\n")
    print("| page | custodian p50 / p95 ms | officer p50 / p95 ms |\n|---|---|---|")
    clients = {name: client_for(people[name]) for name in ("carmen", "olivia")}
    for label, url in PAGES:
        cells = []
        for name in ("carmen", "olivia"):
            p50, p = measure(clients[name], url, args.requests)
            cells.append(f"{p50:.0f} / **{p:.0f}**")
        print(f"| {label} `{url}` | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    sys.exit(main())
