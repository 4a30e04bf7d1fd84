"""The refresh: recompute every published figure into `Dataset` rows, already
suppressed. Idempotent: running it twice gives the same rows (with a new date). The
public pages read only these rows, so no public request reaches the records."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Min
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import Role, User
from evidentia.core.errors import PermissionDenied
from evidentia.custody import events, ledger
from evidentia.transparency import catalog
from evidentia.transparency.models import Dataset
from evidentia.transparency.services import sections
from evidentia.transparency.suppression import min_count


@dataclass
class Result:
    years: list[int]
    datasets: int
    seconds: float


def can_refresh(user: User | None) -> bool:
    return user is None or (user.is_active and user.role == Role.ADMIN)


def _bounds() -> list[tuple]:
    from evidentia.cad.models import Assignment
    from evidentia.community.models import Report
    from evidentia.sharing.models import RecordsRequest
    from evidentia.standards.models import Allegation, Complaint
    from evidentia.useofforce.models import UseOfForceReport

    return [
        tuple(qs.aggregate(a=Min(field), b=Max(field)).values())
        for qs, field in (
            (UseOfForceReport.objects.all(), "occurred_at"),
            (Complaint.objects.all(), "received_at"),
            (Complaint.objects.all(), "closed_at"),
            (Allegation.objects.all(), "finding_at"),
            (Assignment.objects.all(), "starts_at"),
            (RecordsRequest.objects.all(), "received_at"),
            (RecordsRequest.objects.all(), "closed_at"),
            (Report.objects.filter(restricted=False), "created_at"),
            (Report.objects.filter(restricted=False), "closed_at"),
        )
    ]


def years() -> list[int]:
    """Every year from the first record to this one; never a future year (a record
    dated ahead by a wrong clock does not open an empty future page)."""
    now = timezone.now().year
    firsts = [a.year for a, _ in _bounds() if a is not None and a.year <= now]
    return list(range(min(firsts, default=now), now + 1))


def refresh(actor: User | None = None, request: HttpRequest | None = None) -> Result:
    """Recompute all sections for all years. `actor` None is the system (CLI, beat)."""
    if not can_refresh(actor):
        raise PermissionDenied("Only an administrator can refresh the published figures.")
    started = timezone.now()
    k = min_count()
    span = years()
    payloads = {
        (section.key, year): sections.compute(section.key, year, k)
        for year in span
        for section in catalog.SECTIONS
    }
    with transaction.atomic():
        now = timezone.now()
        Dataset.objects.exclude(year__in=span).delete()
        for (key, year), payload in payloads.items():
            Dataset.objects.update_or_create(
                key=key, year=year, defaults={"payload": payload, "refreshed_at": now}
            )
        seconds = (timezone.now() - started).total_seconds()
        ledger.record(
            events.TRANSPARENCY_REFRESHED,
            actor=actor if actor is not None else "transparency",
            request=request,
            detail={
                "years": [span[0], span[-1]],
                "datasets": len(payloads),
                "min_count": k,
                "seconds": round(seconds, 1),
            },
        )
    return Result(span, len(payloads), seconds)


def last_refreshed():
    return Dataset.objects.aggregate(at=Max("refreshed_at"))["at"]
