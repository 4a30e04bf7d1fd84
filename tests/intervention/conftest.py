"""Early-intervention fixtures: records made straight with the ORM (the force, standards
and CAD services are someone else's), a fixed evaluation day, and the seeded rules."""

from __future__ import annotations

import importlib
import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.apps import apps

from evidentia.accounts.models import Role, Unit, User
from evidentia.cad.models import Assignment, Call
from evidentia.intervention.models import Method, Rule, RuleSource
from evidentia.standards.models import Allegation, Complaint, Source
from evidentia.useofforce.models import ReportStatus, UseOfForceReport
from tests.conftest import make_user

AS_OF = date(2026, 3, 31)
_serial = itertools.count(1)


def days_ago(n: int, hour: int = 12) -> datetime:
    return datetime.combine(AS_OF - timedelta(days=n), time(hour), tzinfo=UTC)


def force(officer: User, when: datetime, status: str = ReportStatus.SUBMITTED) -> UseOfForceReport:
    n = next(_serial)
    return UseOfForceReport.objects.create(
        reference=f"UOF-2026-{n:04d}",
        officer=officer,
        unit=officer.unit,
        incident_number=f"26-{n:06d}",
        occurred_at=when,
        location="100 Main St",
        reason="Resisted arrest",
        status=status,
    )


def complaint(
    officer: User, when: datetime, kind: str = "courtesy", summary: str = ""
) -> Complaint:
    n = next(_serial)
    c = Complaint.objects.create(
        reference=f"C-2026-{n:04d}",
        source=Source.PHONE,
        summary=summary or "The officer was rude to me at the traffic stop.",
        received_at=when,
    )
    Allegation.objects.create(
        complaint=c, officer=officer, type=kind, description="Swore at the complainant."
    )
    return c


def calls(officer: User, count: int, first: datetime | None = None) -> None:
    """`count` CAD calls handled by the officer, one an hour from `first`."""
    first = first or days_ago(300)
    made = Call.objects.bulk_create(
        Call(
            call_number=f"CAD-{next(_serial):07d}",
            call_type="Disturbance",
            received_at=first + timedelta(hours=i),
        )
        for i in range(count)
    )
    Assignment.objects.bulk_create(
        Assignment(
            call=c,
            officer_badge=officer.badge_number or officer.username,
            officer=officer,
            unit=officer.unit,
            starts_at=c.received_at,
            ends_at=c.received_at + timedelta(minutes=30),
        )
        for c in made
    )


def rule(method: str, source: str, threshold: int, days: int, **kw) -> Rule:
    return Rule.objects.create(
        name=kw.pop("name", f"{method} {source} {threshold}/{days}"),
        method=method,
        source=source,
        threshold=threshold,
        window_days=days,
        **kw,
    )


@pytest.fixture
def seeded(db) -> dict[str, Rule]:
    """The migration's default rules (put back when a transactional test emptied them)."""
    if not Rule.objects.exists():
        importlib.import_module("evidentia.intervention.migrations.0002_seed_rules").seed(
            apps, None
        )
    return {r.name: r for r in Rule.objects.all()}


@pytest.fixture
def only(db):
    """Deactivate the seeded rules and add just the one a test is about."""

    def _only(method: str, source: str, threshold: int, days: int, **kw) -> Rule:
        Rule.objects.update(active=False)
        return rule(method, source, threshold, days, **kw)

    return _only


@pytest.fixture
def force_count(only) -> Rule:
    return only(Method.COUNT, RuleSource.USE_OF_FORCE, 3, 90, name="3 force in 90 days")


@pytest.fixture
def complaint_count(only) -> Rule:
    return only(Method.COUNT, RuleSource.COMPLAINT, 2, 180, name="2 complaints in 180 days")


@pytest.fixture
def west(db) -> Unit:
    return Unit.objects.create(code="west", name="West Precinct")


@pytest.fixture
def squad(west) -> dict[str, User]:
    """West precinct: a busy officer, a quiet one, two average ones and a supervisor."""
    return {
        name: make_user(name, Role.OFFICER, west, badge=f"W-{i}")
        for i, name in enumerate(["busy", "quiet", "avg1", "avg2"], start=1)
    } | {"sue": make_user("sue", Role.SUPERVISOR, west, badge="W-900")}
