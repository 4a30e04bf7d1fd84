"""The missing-recording flag (docs/decisions/0020).

A submitted report is missing its recording when no recording is linked to it AND no
video of the officer overlaps the time of the force, give or take
FORCE_RECORDING_WINDOW_MINUTES (30). Uploads often arrive hours after the report, so
the check runs on submission and again from a periodic task: when a covering video
appears it is linked automatically and the flag cleared.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from evidentia.custody import events
from evidentia.evidence.models import Item, Kind
from evidentia.useofforce.models import ReportStatus, UseOfForceReport
from evidentia.useofforce.services._common import record

SYSTEM = "force-recordings"
# The longest recording worth looking back for: a recording that started earlier than
# this before the window cannot reach into it (body cameras split files far sooner).
LONGEST = timedelta(hours=12)
CHECKED = [
    ReportStatus.SUBMITTED,
    ReportStatus.RETURNED,
    ReportStatus.APPROVED,
    ReportStatus.REFERRED,
]


def window() -> timedelta:
    return timedelta(minutes=getattr(settings, "FORCE_RECORDING_WINDOW_MINUTES", 30))


def _restricted() -> Q:
    """Items nobody outside a restricted matter may learn of: those in a restricted case
    and files sent with a complaint about an officer. Linking one would show its title
    to the report's supervisors and auditors and put an event on it (rule 6)."""
    from evidentia.cases.models import CaseItem
    from evidentia.community.models import ReportMedia

    in_case = CaseItem.objects.filter(case__restricted=True).values("item_id")
    in_complaint = ReportMedia.objects.filter(report__restricted=True).values("item_id")
    return Q(pk__in=in_case) | Q(pk__in=in_complaint)


def covering(report: UseOfForceReport) -> list[Item]:
    """The officer's videos whose recorded span overlaps occurred_at ± the window,
    leaving out items of restricted matters."""
    start, end = report.occurred_at - window(), report.occurred_at + window()
    found = (
        Item.objects.filter(
            officer_id=report.officer_id,
            kind=Kind.VIDEO,
            disposed_at__isnull=True,
            recorded_at__lte=end,
            recorded_at__gte=start - LONGEST,
        )
        .exclude(_restricted())
        .order_by("recorded_at")
    )
    return [
        item
        for item in found
        if item.recorded_at + timedelta(seconds=item.duration_seconds or 0) >= start
    ]


def check(
    report: UseOfForceReport, actor: Any = SYSTEM, request: HttpRequest | None = None
) -> bool:
    """Set or clear the flag; returns whether the report is now missing its recording.
    Idempotent: the flag is recorded once when it is raised, and nothing changes when
    the state is already right."""
    with transaction.atomic():
        report = UseOfForceReport.objects.select_for_update().get(pk=report.pk)
        if report.status not in CHECKED:
            return False
        if report.recordings.exists():
            if report.missing_recording:  # linked by hand since: no longer missing
                _set(report, False)
            return False
        found = covering(report)
        if found:
            report.recordings.add(*found)
            _set(report, False)
            record(
                events.FORCE_REPORT_UPDATED,
                report,
                actor,
                request,
                item=found[0],
                auto_linked=[str(i.pk) for i in found],
                missing_recording=False,
            )
            return False
        if not report.missing_recording:
            _set(report, True)
            record(
                events.FORCE_RECORDING_MISSING,
                report,
                actor,
                request,
                occurred_at=report.occurred_at,
                window_minutes=int(window().total_seconds() // 60),
            )
        return True


def _set(report: UseOfForceReport, missing: bool) -> None:
    report.missing_recording = missing
    report.updated_at = timezone.now()
    report.save(update_fields=["missing_recording", "updated_at"])


def pending() -> QuerySet[UseOfForceReport]:
    """Reports the periodic check still has to look at: submitted, nothing linked."""
    return UseOfForceReport.objects.filter(status__in=CHECKED, recordings__isnull=True).distinct()


def check_all() -> dict[str, int]:
    missing = cleared = 0
    for report in pending().iterator():
        was = report.missing_recording
        now = check(report)
        missing += now
        cleared += was and not now
    return {"missing": missing, "cleared": cleared}
