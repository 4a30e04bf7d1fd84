"""Demo data: an agency with two units, one user per role, body-camera clips with GPS
tracks, two cases and a fixity run. Idempotent: a second run only reprints the logins."""

from __future__ import annotations

import secrets
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django_otp.oath import totp

from evidentia.accounts import services as accounts
from evidentia.accounts.models import Role, Unit, User
from evidentia.analytics.services.cad import copy_calls
from evidentia.cases import services as cases
from evidentia.cases.models import Category
from evidentia.community import demo as community_demo
from evidentia.core.keys import write_private_file
from evidentia.custody import events, ledger
from evidentia.evidence import demo_media
from evidentia.evidence.gps import parse_track
from evidentia.evidence.services import fixity
from evidentia.evidence.services.ingest import Submission, ingest_path
from evidentia.evidence.services.processing import process
from evidentia.intervention.services.evaluate import evaluate
from evidentia.policies import demo as policies_demo
from evidentia.synthetic import accountability as synthetic
from evidentia.transparency.services.refresh import refresh

USERS = [  # username, role, unit, badge, first, last
    ("admin", Role.ADMIN, None, "", "Ada", "Admin"),
    ("custodian", Role.CUSTODIAN, None, "C-0100", "Carmen", "Reyes"),
    ("supervisor", Role.SUPERVISOR, "north", "N-0900", "Sam", "Okafor"),
    ("officer", Role.OFFICER, "north", "N-1042", "Olivia", "Park"),
    ("investigator", Role.INVESTIGATOR, "south", "D-0311", "Ivan", "Novak"),
    ("standards", Role.STANDARDS_INVESTIGATOR, None, "PS-017", "Stella", "Adeyemi"),
    ("prosecutor", Role.PROSECUTOR, None, "", "Petra", "Lindqvist"),
    ("auditor", Role.AUDITOR, None, "", "Audrey", "Marsh"),
]
CATEGORIES = ["Traffic stop", "Burglary", "Collision", "Disturbance", "Welfare check"]
LOGINS_FILE = "demo-logins.txt"


def logins_path() -> Path:
    return Path(settings.EVIDENTIA_HOME) / LOGINS_FILE


def seed(clips: int = 12, say=print) -> bool:  # type: ignore[no-untyped-def]
    """Seed the demo once. Returns False when it was already there."""
    if User.objects.filter(username="admin").exists():
        return False
    units = {
        "north": Unit.objects.create(code="north", name="North Precinct"),
        "south": Unit.objects.create(code="south", name="South Precinct"),
    }
    for name in CATEGORIES:
        Category.objects.get_or_create(name=name)
    users, lines = _users(units)
    write_private_file(logins_path(), "\n".join(lines).encode() + b"\n")
    say(f"Created {len(users)} demo users; logins in {logins_path()}")
    items = _clips(users, clips, say)
    _cases(users, items)
    community_demo.seed(users, units, say)
    # About a year of synthetic history (no ledger events) for the portal and dashboards.
    synthetic.generate(end=datetime.now(UTC).date(), units=list(units.values()), say=say)
    policies_demo.seed(users, say)
    outcome = evaluate()
    say(f"Early intervention: {len(outcome.raised)} alerts raised.")
    refresh()
    say("Transparency figures published.")
    run = copy_calls(actor="demo")
    say(f"Analytics: {run.rows_created} CAD calls ready for the hotspot maps.")
    report = fixity.run(trigger="demo")
    say(f"Fixity: {report.checked} blobs checked, {report.failed} failed.")
    ledger.sign_checkpoint()
    return True


def _users(units: dict[str, Unit]) -> tuple[dict[str, User], list[str]]:
    users: dict[str, User] = {}
    lines = ["username        role                     password                     TOTP secret"]
    with transaction.atomic():
        admin = User.objects.create_superuser(
            username="admin", password=None, role=Role.ADMIN, first_name="Ada", last_name="Admin"
        )
        ledger.record(
            events.ACCOUNT_CREATED,
            actor="demo",
            detail={"user": {"id": admin.pk, "username": "admin"}, "role": Role.ADMIN},
        )
    for username, role, unit, badge, first, last in USERS:
        password = f"{secrets.token_urlsafe(9)}-{secrets.token_urlsafe(6)}"
        if username == "admin":
            user = admin
            accounts.set_password(user, password, actor=admin)
        else:
            user = accounts.create_user(
                username=username,
                role=role,
                password=password,
                actor=admin,
                unit=units.get(unit or ""),
                badge_number=badge,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.evidentia.invalid",
            )
        device, secret, _ = accounts.enroll_totp(user)
        # The previous step's code (inside the tolerance window) confirms the device, so the
        # code a person reads off their app right after seeding is not a refused replay.
        accounts.confirm_totp(device, f"{totp(device.bin_key, drift=-1):06d}")
        users[username] = user
        lines.append(f"{username:<15} {role:<24} {password:<28} {secret}")
    return users, lines


def _clips(users: dict[str, User], count: int, say) -> list:  # type: ignore[no-untyped-def,type-arg]
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(days=6)
    items = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(count):
            officer = users["officer"] if n % 3 else users["supervisor"]
            device = f"BWC-{officer.badge_number}"
            start = base + timedelta(hours=9 * n, minutes=7 * n)
            seconds = 3.0 + (n % 4)
            gpx = demo_media.make_gpx(None, start=start, seconds=seconds + 2, seed=n)
            clip = demo_media.make_clip(
                Path(tmp) / f"{device}_{start:%Y%m%d_%H%M%S}.mp4",
                seconds=seconds,
                start=start,
                officer_badge=officer.badge_number,
                device_id=device,
                seed=n,
                gps_track=parse_track(gpx),
            )
            track = Path(tmp) / f"{device}_{start:%Y%m%d_%H%M%S}.gpx"
            track.write_bytes(gpx)
            for path in (clip, track):
                sub = Submission(
                    original_name=path.name, via="demo", officer=officer, device_id=device
                )
                result = ingest_path(path, sub, actor="demo")
                process(result.item)
                if path is clip:
                    items.append(result.item)
            say(f"  clip {n + 1}/{count}: {clip.name}")
    return items


def _cases(users: dict[str, User], items: list) -> None:  # type: ignore[type-arg]
    investigator = users["investigator"]
    burglary = cases.create_case(
        number="2026-000123",
        title="Burglary, 5th Ave & Oak St",
        actor=investigator,
        members=[users["custodian"]],
    )
    collision = cases.create_case(
        number="2026-000124", title="Two-car collision, Burnside Bridge", actor=investigator
    )
    for item in items[:3]:
        cases.link_item(burglary, item, actor=investigator)
    for item in items[3:5]:
        cases.link_item(collision, item, actor=investigator)


def logins_text() -> str:
    path = logins_path()
    return path.read_text() if path.exists() else ""
