"""Staff triage of community reports: status, assignment, replies, duplicates, merging,
and turning a report into a case.

Each change finds the report again through `_common.visible_reports` (so a complaint
about an officer is NotFound, never PermissionDenied, to anyone outside standards),
changes it and appends its ledger event in one transaction. Whatever the resident can
see is mailed to them after commit. The ledger gets ids and digests, never the text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import Unit, User
from evidentia.cases import services as cases
from evidentia.cases.models import Case
from evidentia.community.models import Report, ReportUpdate, Status, Visibility
from evidentia.community.models.reports import OPEN_STATUSES
from evidentia.community.services import geo, notify
from evidentia.community.services._common import clean, digest, visible_reports
from evidentia.community.services.reports import MAX_DESCRIPTION, Invalid
from evidentia.core.errors import Conflict, NotFound
from evidentia.custody import events, ledger

DUPLICATE_METRES = 50.0
DUPLICATE_WINDOW = timedelta(hours=48)
K = ReportUpdate.Kind


# --------------------------------------------------------------------------- shared


def workable(actor: User, report: Report, *, lock: bool = False) -> Report:
    """The report as the actor may work it, fresh from the database (locked for a change)."""
    rows = visible_reports(actor).select_related("service", "unit", "case", "duplicate_of")
    if lock:
        rows = rows.select_for_update(of=("self",))
    found = rows.filter(pk=report.pk).first()
    if found is None:
        raise NotFound("There is no report here that you can see.")
    return found


def workable_pair(actor: User, first: Report, second: Report) -> tuple[Report, Report]:
    """Two reports locked for one change, always in primary-key order, so two changes
    naming the same reports the other way round cannot deadlock (PostgreSQL)."""
    ordered = sorted((first, second), key=lambda r: r.pk)
    locked = {r.pk: workable(actor, r, lock=True) for r in ordered}
    return locked[first.pk], locked[second.pk]


def record(
    kind: str,
    report: Report,
    actor: User,
    request: HttpRequest | None,
    *,
    item: Any = None,
    **detail: Any,
) -> None:
    """A staff action on a report, in the ledger: ids and digests, no personal text."""
    ledger.record(
        kind,
        actor=actor,
        request=request,
        item=item,
        case=report.case_id,
        detail={
            "report": report.public_id,
            "service": report.service.code,
            "restricted": report.restricted,
        }
        | detail,
    )


def clean_text(text: str | None, field: str, *, required: bool, what: str = "a reply") -> str:
    text = clean(text)
    if required and not text:
        raise Invalid({field: f"Write {what} first."})
    if len(text) > MAX_DESCRIPTION:
        raise Invalid({field: f"Keep it under {MAX_DESCRIPTION} characters."})
    return text


def resident_visibility(report: Report) -> str:
    """Status changes and merges: on the public page when the report is public, else only
    for the resident with their code."""
    return Visibility.PUBLIC if report.public else Visibility.REPORTER


def tell_resident(report: Report, summary: str, request: HttpRequest | None) -> None:
    """Mail the resident after commit; the request gives the links their origin when
    no public base URL is configured."""
    transaction.on_commit(lambda: notify.updated(report, summary, request))


# --------------------------------------------------------------------------- status


def set_status(
    report: Report,
    status: str,
    note: str = "",
    *,
    actor: User,
    request: HttpRequest | None = None,
) -> Report:
    if status not in Status.values:
        raise Invalid({"status": "Choose one of the listed statuses."})
    note = clean_text(note, "note", required=False)
    with transaction.atomic():
        report = workable(actor, report, lock=True)
        old = report.status
        if old == status:
            raise Conflict(f"The report is already {Status(status).label.lower()}.")
        now = timezone.now()
        report.status = status
        if status in OPEN_STATUSES:
            report.closed_at = None
        elif old in OPEN_STATUSES or report.closed_at is None:
            report.closed_at = now
        report.updated_at = now
        report.save(update_fields=["status", "closed_at", "updated_at"])
        ReportUpdate.objects.create(
            report=report,
            kind=K.STATUS,
            visibility=resident_visibility(report),
            text=note,
            status=status,
            author=actor,
            created_at=now,
        )
        record(
            events.REPORT_STATUS_CHANGED,
            report,
            actor,
            request,
            **{"from": old, "to": status, "note_sha256": digest(note) if note else ""},
        )
        label = Status(status).label.lower()
        summary = f"Your report is now {label}." + (f"\n\n{note}" if note else "")
        tell_resident(report, summary, request)
    return report


def assign(
    report: Report, unit: Unit | None, *, actor: User, request: HttpRequest | None = None
) -> Report:
    """Give the report to a unit (or to none). Internal: the resident is not told."""
    with transaction.atomic():
        report = workable(actor, report, lock=True)
        old = report.unit
        if old == unit:
            raise Conflict(
                f"The report is already with {unit.name}." if unit else "It has no unit already."
            )
        report.unit = unit
        report.save(update_fields=["unit"])
        ReportUpdate.objects.create(
            report=report,
            kind=K.ASSIGNED,
            visibility=Visibility.INTERNAL,
            text=f"Assigned to {unit.name}." if unit else "No longer assigned to a unit.",
            author=actor,
        )
        record(
            events.REPORT_ASSIGNED,
            report,
            actor,
            request,
            **{"from": old.code if old else None, "to": unit.code if unit else None},
        )
    return report


def reply(
    report: Report,
    text: str,
    visibility: str,
    *,
    actor: User,
    request: HttpRequest | None = None,
) -> ReportUpdate:
    """PUBLIC: on the public page and to the resident; REPORTER: only the resident, with
    their code; INTERNAL: a note for staff."""
    if visibility not in Visibility.values:
        raise Invalid({"visibility": "Choose who may read this."})
    text = clean_text(text, "text", required=True)
    with transaction.atomic():
        report = workable(actor, report, lock=True)
        if visibility == Visibility.PUBLIC and not report.public:
            raise Invalid(
                {
                    "visibility": "This report is not on the public site: reply privately "
                    "to the resident, or write an internal note."
                }
            )
        internal = visibility == Visibility.INTERNAL
        update = ReportUpdate.objects.create(
            report=report,
            kind=K.NOTE if internal else K.REPLY,
            visibility=visibility,
            text=text,
            author=actor,
        )
        if not internal:
            # Internal notes leave updated_at alone: Open311 publishes it.
            Report.objects.filter(pk=report.pk).update(updated_at=update.created_at)
            tell_resident(report, f"We replied to your report:\n\n{text}", request)
        record(
            events.REPORT_REPLIED,
            report,
            actor,
            request,
            visibility=visibility,
            text_sha256=digest(text),
        )
    return update


# --------------------------------------------------------------------------- duplicates


@dataclass(frozen=True)
class Candidate:
    report: Report
    metres: float
    hours: float  # between the two reports


def duplicates(report: Report, limit: int = 10) -> list[Candidate]:
    """Reports in the same category within 50 m and 48 h: a lat/lon box and the time
    window in SQL, then the exact distance. Restricted and other reports never mix,
    and reports already merged are not offered (no chains)."""
    if report.lat is None or report.lon is None or report.duplicate_of_id:
        return []
    margin = 1.01  # the box must hold the whole circle, rounding included
    dlat = DUPLICATE_METRES * margin / 111_320.0
    dlon = dlat / max(math.cos(math.radians(report.lat)), 0.01)
    rows = (
        Report.objects.filter(
            service_id=report.service_id,
            restricted=report.restricted,
            duplicate_of__isnull=True,
            lat__range=(report.lat - dlat, report.lat + dlat),
            lon__range=(report.lon - dlon, report.lon + dlon),
            created_at__range=(
                report.created_at - DUPLICATE_WINDOW,
                report.created_at + DUPLICATE_WINDOW,
            ),
        )
        .exclude(pk=report.pk)
        .select_related("service")
    )
    found = []
    for row in rows:
        assert row.lat is not None and row.lon is not None
        metres = geo.distance_m(report.lat, report.lon, row.lat, row.lon)
        if metres <= DUPLICATE_METRES:
            hours = abs((row.created_at - report.created_at).total_seconds()) / 3600
            found.append(Candidate(row, metres, hours))
    found.sort(key=lambda c: (c.metres, c.report.created_at))
    return found[:limit]


def merge(
    duplicate: Report, original: Report, *, actor: User, request: HttpRequest | None = None
) -> Report:
    """Close `duplicate` as a copy of `original`; its resident is pointed to the original
    when that one is on the public site."""
    if duplicate.pk == original.pk:
        raise Invalid({"original": "A report cannot be merged into itself."})
    with transaction.atomic():
        dup, orig = workable_pair(actor, duplicate, original)
        if dup.restricted != orig.restricted:
            raise Invalid(
                {
                    "original": "A complaint about an officer and an ordinary report cannot "
                    "be merged together."
                }
            )
        if dup.duplicate_of_id:
            assert dup.duplicate_of is not None
            raise Conflict(f"This report is already merged into {dup.duplicate_of.public_id}.")
        if orig.duplicate_of_id:
            assert orig.duplicate_of is not None
            raise Invalid(
                {
                    "original": f"Report {orig.public_id} is itself a duplicate of "
                    f"{orig.duplicate_of.public_id}: merge into that one instead."
                }
            )
        if dup.duplicates.exists():
            raise Invalid(
                {
                    "original": "Other reports were merged into this one, so it stays the "
                    f"original: merge {orig.public_id} into it instead."
                }
            )
        now = timezone.now()
        old = dup.status
        dup.duplicate_of = orig
        dup.status = Status.CLOSED
        dup.closed_at = dup.closed_at if old not in OPEN_STATUSES and dup.closed_at else now
        dup.updated_at = now
        dup.save(update_fields=["duplicate_of", "status", "closed_at", "updated_at"])
        text = _merged_text(orig)
        ReportUpdate.objects.create(
            report=dup,
            kind=K.MERGED,
            visibility=resident_visibility(dup),
            text=text,
            status=Status.CLOSED,
            author=actor,
            created_at=now,
        )
        ReportUpdate.objects.create(
            report=orig,
            kind=K.NOTE,
            visibility=Visibility.INTERNAL,
            text=f"Report {dup.public_id} was merged into this one as a duplicate.",
            author=actor,
            created_at=now,
        )
        record(
            events.REPORT_MERGED,
            dup,
            actor,
            request,
            into=orig.public_id,
            **{"from": old},
        )
        tell_resident(dup, text, request)
    return dup


def _merged_text(original: Report) -> str:
    """What the duplicate's resident reads: the original is named only when they could
    follow it on the public site."""
    if original.public and not original.restricted:
        return (
            f"This report is about the same thing as report {original.public_id}, so we "
            f"merged them. Follow report {original.public_id} for updates."
        )
    return "We closed this report. It was merged with an earlier report about the same thing."


# --------------------------------------------------------------------------- cases


def open_case(
    report: Report,
    number: str,
    title: str,
    *,
    actor: User,
    request: HttpRequest | None = None,
) -> Case:
    """A case from the report, holding all its media. A complaint's case is restricted."""
    with transaction.atomic():
        report = workable(actor, report, lock=True)
        if report.case_id:
            assert report.case is not None
            raise Conflict(f"This report already has case {report.case.number}.")
        case = cases.create_case(
            number=number,
            title=title,
            actor=actor,
            restricted=report.restricted,
            description=f"Opened from community report {report.public_id} ({report.service.name}).",
            request=request,
        )
        linked = 0
        for media in report.media.select_related("item__blob"):
            cases.link_item(case, media.item, actor=actor, request=request)
            linked += 1
        report.case = case
        report.save(update_fields=["case"])
        ReportUpdate.objects.create(
            report=report,
            kind=K.CASE,
            visibility=Visibility.INTERNAL,
            text=f"Case {case.number} opened from this report.",
            author=actor,
        )
        record(
            events.REPORT_CASE_OPENED,
            report,
            actor,
            request,
            case_number=case.number,
            media=linked,
        )
    return case
