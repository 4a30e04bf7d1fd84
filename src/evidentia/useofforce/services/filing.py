"""The officer's side: save a draft, edit it, link recordings and submit it for review."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.core.canonical import canonical_json
from evidentia.core.errors import Conflict, EvidentiaError, PermissionDenied, Rejected
from evidentia.custody import events
from evidentia.evidence.models import Item, Kind
from evidentia.evidence.policy import visible_items
from evidentia.useofforce.models import ReportStatus, Review, Subject, UseOfForceReport
from evidentia.useofforce.services import recordings
from evidentia.useofforce.services._common import (
    admins,
    can_edit,
    check_file,
    digest,
    record,
    supervisors_of,
)
from evidentia.useofforce.services.form import ReportInput


def candidate_window() -> timedelta:
    return timedelta(hours=getattr(settings, "FORCE_CANDIDATE_HOURS", 2))


def candidates(officer: User, occurred_at: datetime | None, incident: str) -> QuerySet[Item]:
    """Recordings the officer may link: their own videos from near the time, and any item
    they can see that carries the report's incident number."""
    near = Q(pk__in=[])
    span = _around(occurred_at, candidate_window())
    if span is not None:
        near = Q(
            officer=officer,
            kind=Kind.VIDEO,
            recorded_at__gte=span[0],
            recorded_at__lte=span[1],
        )
    same = Q(incident_number=incident) if incident else Q(pk__in=[])
    return (
        visible_items(officer)
        .filter(near | same, disposed_at__isnull=True)
        .order_by("recorded_at", "title")
    )


def _around(moment: datetime | None, w: timedelta) -> tuple[datetime, datetime] | None:
    """moment ± w, or None when there is no moment or the window would leave the calendar
    (a typed year 1 or 9999: the form rejects it, but the page still lists candidates)."""
    if moment is None:
        return None
    try:
        return moment - w, moment + w
    except OverflowError:
        return None


def _chosen_items(officer: User, data: ReportInput, report: UseOfForceReport | None) -> list[Item]:
    if not data.recording_ids:
        return []
    allowed = candidates(officer, data.occurred_at, data.incident_number)
    if report is not None:  # keep what is already linked even if the time was edited
        allowed = allowed | visible_items(officer).filter(force_reports=report)
    try:
        found = list(allowed.filter(pk__in=data.recording_ids).distinct())
    except (ValueError, ValidationError):
        found = []
    if len(found) != len(set(data.recording_ids)):
        raise Rejected(
            "A recording you ticked is not one you can link to this report "
            "(your own video from near the time, or an item with this incident number)."
        )
    return found


def _next_reference(year: int) -> str:
    prefix = f"UOF-{year}-"
    last = (
        UseOfForceReport.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _apply(report: UseOfForceReport, data: ReportInput, items: list[Item]) -> None:
    report.incident_number = data.incident_number
    report.occurred_at = data.occurred_at  # type: ignore[assignment]
    report.location = data.location
    report.lat, report.lon = data.lat, data.lon
    report.district = data.district
    report.reason = data.reason
    report.deescalation_attempted = data.deescalation_attempted
    report.deescalation = data.deescalation if data.deescalation_attempted else ""
    report.officer_injured = data.officer_injured
    report.officer_injuries = data.officer_injuries if data.officer_injured else ""
    report.updated_at = timezone.now()
    report.save()
    report.force_types.set(data.force_types)
    report.recordings.set(items)
    # Subjects of the working copy are rewritten whole; every submitted version is kept
    # in the review chain (snapshot()).
    Subject.objects.filter(report=report).delete()
    Subject.objects.bulk_create(
        Subject(
            report=report,
            race=s.race,
            sex=s.sex,
            age=s.age,
            injured=s.injured,
            injuries=s.injuries if s.injured else "",
        )
        for s in data.subjects
    )


def create(
    officer: User, data: ReportInput, request: HttpRequest | None = None
) -> UseOfForceReport:
    """A new draft with the next UOF-YYYY-NNNN reference."""
    check_file(officer)
    items = _chosen_items(officer, data, None)
    year = timezone.now().year
    for _ in range(20):  # two officers filing at once draw the same number: retry
        try:
            with transaction.atomic():
                report = UseOfForceReport(
                    reference=_next_reference(year),
                    officer=officer,
                    unit_id=officer.unit_id,
                )
                _apply(report, data, items)
                record(events.FORCE_REPORT_CREATED, report, officer, request, **_summary(data))
                return report
        except IntegrityError:
            continue
    raise EvidentiaError("Could not number the report just now; please try again.")


def update(
    officer: User,
    report: UseOfForceReport,
    data: ReportInput,
    request: HttpRequest | None = None,
) -> UseOfForceReport:
    with transaction.atomic():
        report = UseOfForceReport.objects.select_for_update().get(pk=report.pk)
        if not can_edit(officer, report):
            raise PermissionDenied(
                "Only the officer who filed it can change a report, and only while it is "
                "a draft or returned for changes."
            )
        _apply(report, data, _chosen_items(officer, data, report))
        record(events.FORCE_REPORT_UPDATED, report, officer, request, **_summary(data))
    return report


def _summary(data: ReportInput) -> dict[str, object]:
    return {
        "incident_number": data.incident_number,
        "force_types": sorted(t.code for t in data.force_types),
        "subjects": len(data.subjects),
        "recordings": sorted(data.recording_ids),
        "reason_sha256": digest(data.reason),
    }


def snapshot(report: UseOfForceReport) -> dict[str, Any]:
    """The report as submitted. A draft is the officer's working copy and is rewritten
    freely; what a supervisor was sent is kept in the review chain, and the ledger holds
    its digest, so a report edited after a return never loses an earlier version."""
    return {
        "reference": report.reference,
        "incident_number": report.incident_number,
        "occurred_at": report.occurred_at.isoformat(),
        "location": report.location,
        "lat": report.lat,
        "lon": report.lon,
        "district": report.district,
        "force_types": sorted(report.force_types.values_list("code", flat=True)),
        "reason": report.reason,
        "deescalation_attempted": report.deescalation_attempted,
        "deescalation": report.deescalation,
        "officer_injured": report.officer_injured,
        "officer_injuries": report.officer_injuries,
        "subjects": [
            {
                "race": s.race,
                "sex": s.sex,
                "age": s.age,
                "injured": s.injured,
                "injuries": s.injuries,
            }
            for s in report.subjects.order_by("pk")
        ],
        "recordings": sorted(str(pk) for pk in report.recordings.values_list("pk", flat=True)),
    }


def pick_reviewer(report: UseOfForceReport) -> tuple[User, str]:
    """The reviewer and a note for the page: the previous reviewer on a resubmission,
    else a supervisor of the officer's unit, else an administrator."""
    officer = report.officer
    previous = report.reviewer
    if previous is not None and previous.is_active and previous.pk != officer.pk:
        return previous, ""
    supervisor = supervisors_of(officer).first()
    if supervisor is not None:
        return supervisor, ""
    admin = admins(exclude=officer).first()
    if admin is None:
        raise Conflict("There is no supervisor in your unit and no administrator to review it.")
    unit = officer.unit.name if officer.unit_id else "no unit"
    return admin, f"No supervisor in {unit}: sent to administrator {admin.get_username()}."


def submit(
    officer: User, report: UseOfForceReport, request: HttpRequest | None = None
) -> UseOfForceReport:
    """Send the report for review (the form must be complete: see form.parse)."""
    with transaction.atomic():
        report = UseOfForceReport.objects.select_for_update().get(pk=report.pk)
        if not can_edit(officer, report):
            raise Conflict("This report is not yours to submit, or it is already submitted.")
        _check_complete(report)
        reviewer, note = pick_reviewer(report)
        resubmitted = report.status == ReportStatus.RETURNED
        report.status = ReportStatus.SUBMITTED
        report.reviewer = reviewer
        report.submitted_at = report.updated_at = timezone.now()
        report.save()
        sent = snapshot(report)
        Review.objects.create(
            report=report,
            action=Review.Action.SUBMITTED,
            actor=officer,
            comments=note,
            snapshot=sent,
        )
        record(
            events.FORCE_REPORT_SUBMITTED,
            report,
            officer,
            request,
            reviewer=reviewer.get_username(),
            resubmitted=resubmitted,
            content_sha256=hashlib.sha256(canonical_json(sent)).hexdigest(),
        )
        recordings.check(report, actor=officer, request=request)
        report.refresh_from_db()
    return report


def _check_complete(report: UseOfForceReport) -> None:
    missing = []
    if not report.location:
        missing.append("the location")
    if not report.force_types.exists():
        missing.append("the force used")
    if not report.subjects.exists():
        missing.append("a subject")
    if not report.reason:
        missing.append("the reason")
    if missing:
        raise Rejected("Before submitting, add " + ", ".join(missing) + ".")


def save(
    officer: User,
    report: UseOfForceReport | None,
    data: ReportInput,
    *,
    send: bool = False,
    request: HttpRequest | None = None,
) -> UseOfForceReport:
    """What the form does: create or update, and submit too if asked, all or nothing."""
    with transaction.atomic():
        saved = (
            create(officer, data, request)
            if report is None
            else update(officer, report, data, request)
        )
        return submit(officer, saved, request) if send else saved
