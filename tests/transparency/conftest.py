"""Records for the transparency tests, made with the ORM directly (the other apps'
services are not what is under test here)."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, datetime, timedelta

import pytest

from evidentia.cad.models import Assignment, Call, CallTypePolicy
from evidentia.community.models import Report, Service
from evidentia.sharing.models import RecordsRequest
from evidentia.standards.models import Allegation, Complaint, ComplaintStatus
from evidentia.useofforce.models import ForceType, Subject, UseOfForceReport

_n = itertools.count(1)


class Seed:
    def __init__(self, officer) -> None:
        self.officer = officer

    def force(
        self,
        when: datetime,
        district: str = "North",
        types: tuple[str, ...] = ("hands",),
        subjects: tuple[tuple[str, str, int | None], ...] = (("white", "male", 30),),
        status: str = "approved",
    ) -> UseOfForceReport:
        i = next(_n)
        report = UseOfForceReport.objects.create(
            reference=f"UOF-T-{i}",
            officer=self.officer,
            incident_number=f"INC-{i}",
            occurred_at=when,
            location="Main St",
            district=district,
            reason="Resisted",
            status=status,
        )
        if district:
            # Published districts come from CAD calls (or a configured list), never
            # from what an officer typed: give the incident its call.
            Call.objects.get_or_create(
                call_number=f"CAD-F-{i}",
                defaults={"call_type": "Disturbance", "received_at": when, "district": district},
            )
        for code in types:
            ft, _ = ForceType.objects.get_or_create(code=code, defaults={"name": code.title()})
            report.force_types.add(ft)
        for race, sex, age in subjects:
            Subject.objects.create(report=report, race=race, sex=sex, age=age)
        return report

    def forces(self, n: int, when: datetime, **kw) -> None:
        for j in range(n):
            self.force(when + timedelta(hours=j), **kw)

    def complaint(
        self,
        received: datetime,
        source: str = "portal",
        types: tuple[str, ...] = ("courtesy",),
        closed: datetime | None = None,
        finding: str = "",
    ) -> Complaint:
        i = next(_n)
        complaint = Complaint.objects.create(
            reference=f"C-T-{i}",
            source=source,
            summary="Rude",
            received_at=received,
            status=ComplaintStatus.CLOSED if closed else ComplaintStatus.RECEIVED,
            closed_at=closed,
        )
        for t in types:
            Allegation.objects.create(
                complaint=complaint,
                officer=self.officer,
                type=t,
                finding=finding if closed else "",
                finding_at=closed if finding else None,
            )
        return complaint

    def assignment(self, when: datetime, call_type: str, recorded: bool, late: bool = False):
        CallTypePolicy.objects.get_or_create(call_type=call_type)
        i = next(_n)
        call = Call.objects.create(call_number=f"CAD-{i}", call_type=call_type, received_at=when)
        return Assignment.objects.create(
            call=call,
            officer_badge="N-1042",
            officer=self.officer,
            starts_at=when,
            ends_at=when + timedelta(minutes=30),
            recorded=recorded,
            late=late,
        )

    def records(self, received: datetime, days: float | None, due_days: float = 10):
        i = next(_n)
        return RecordsRequest.objects.create(
            reference=f"PRR-T{i}",
            code_hash=hashlib.sha256(f"rr{i}".encode()).hexdigest(),
            name="Rita",
            description="Video",
            received_at=received,
            due_at=received + timedelta(days=due_days),
            status="fulfilled" if days is not None else "received",
            closed_at=received + timedelta(days=days) if days is not None else None,
        )

    def community(self, created: datetime, code: str = "graffiti", days: float | None = None):
        i = next(_n)
        service = Service.objects.get(code=code)
        return Report.objects.create(
            public_id=f"T{i:08d}",
            code_hash=hashlib.sha256(f"cr{i}".encode()).hexdigest(),
            token=f"t{i:031d}",
            service=service,
            description="Tags",
            restricted=service.standards,
            public=not service.standards,
            created_at=created,
            status="resolved" if days is not None else "received",
            closed_at=created + timedelta(days=days) if days is not None else None,
        )


@pytest.fixture
def seed(olivia) -> Seed:
    return Seed(olivia)


def at(year: int, month: int = 3, day: int = 10) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)
