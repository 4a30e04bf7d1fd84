"""The review chain: approve, return with comments, refer to professional standards,
or forward to another supervisor or administrator. Each step is a Review row and a
ledger event in one transaction; the officer never reviews their own report."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import Role, User
from evidentia.core.errors import Conflict, NotFound, PermissionDenied, Rejected
from evidentia.custody import events
from evidentia.useofforce.models import ReportStatus, Review, UseOfForceReport
from evidentia.useofforce.services._common import can_review, digest, record

MAX_COMMENTS = 5000


def _locked(actor: User, report: UseOfForceReport) -> UseOfForceReport:
    locked = UseOfForceReport.objects.select_for_update().select_related("officer")
    report = locked.get(pk=report.pk)
    if report.officer_id == actor.pk:
        raise PermissionDenied("You cannot review your own use-of-force report.")
    if report.status != ReportStatus.SUBMITTED:
        state = report.get_status_display().lower()
        raise Conflict(f"This report is {state}: not awaiting review.")
    if not can_review(actor, report):
        raise PermissionDenied("This report awaits another reviewer.")
    return report


def _comments(text: str, required: str = "") -> str:
    text = (text or "").replace("\x00", "").strip()
    if required and not text:
        raise Rejected(required)
    if len(text) > MAX_COMMENTS:
        raise Rejected(f"Keep the comments under {MAX_COMMENTS} characters.")
    return text


def _step(
    actor: User,
    report: UseOfForceReport,
    action: str,
    kind: str,
    comments: str,
    request: HttpRequest | None,
    change: Callable[[UseOfForceReport], dict[str, object]],
) -> UseOfForceReport:
    with transaction.atomic():
        report = _locked(actor, report)
        extra = change(report)
        report.updated_at = timezone.now()
        report.save()
        Review.objects.create(report=report, action=action, actor=actor, comments=comments)
        record(kind, report, actor, request, comments_sha256=digest(comments), **extra)
    return report


def approve(
    actor: User, report: UseOfForceReport, comments: str = "", request: HttpRequest | None = None
) -> UseOfForceReport:
    def change(r: UseOfForceReport) -> dict[str, object]:
        r.status, r.decided_at = ReportStatus.APPROVED, timezone.now()
        r.reviewer = actor
        return {}

    text = _comments(comments)
    return _step(
        actor, report, Review.Action.APPROVED, events.FORCE_REPORT_APPROVED, text, request, change
    )


def return_for_changes(
    actor: User, report: UseOfForceReport, comments: str, request: HttpRequest | None = None
) -> UseOfForceReport:
    text = _comments(comments, "Say what the officer must change before it can be approved.")

    def change(r: UseOfForceReport) -> dict[str, object]:
        # The same reviewer gets the resubmission (filing.pick_reviewer).
        r.status, r.reviewer = ReportStatus.RETURNED, actor
        return {}

    return _step(
        actor, report, Review.Action.RETURNED, events.FORCE_REPORT_RETURNED, text, request, change
    )


def refer(
    actor: User, report: UseOfForceReport, comments: str, request: HttpRequest | None = None
) -> UseOfForceReport:
    """Open an internal referral in professional standards, in the same transaction."""
    from evidentia.standards.services.intake import open_internal_referral

    text = _comments(comments, "Say why this is referred to professional standards.")

    def change(r: UseOfForceReport) -> dict[str, object]:
        r.complaint = open_internal_referral(
            actor=actor,
            summary=f"Use-of-force report {r.reference} (incident {r.incident_number}) "
            f"referred by {actor.get_username()}: {text}",
            officer=r.officer,
            allegation_type="force",
            origin=r.reference,
            request=request,
            incident_at=r.occurred_at,
            incident_number=r.incident_number,
        )
        r.status, r.decided_at, r.reviewer = ReportStatus.REFERRED, timezone.now(), actor
        return {}  # no complaint id here: rule 6 keeps standards matters out of sight

    return _step(
        actor, report, Review.Action.REFERRED, events.FORCE_REPORT_REFERRED, text, request, change
    )


def forward_targets(actor: User, report: UseOfForceReport) -> QuerySet[User]:
    """Supervisors and administrators up the chain, neither the officer nor oneself."""
    return (
        User.objects.filter(is_active=True, role__in=[Role.SUPERVISOR, Role.ADMIN])
        .exclude(pk__in=[actor.pk, report.officer_id])
        .select_related("unit")
        .order_by("role", "username")
    )


def forward(
    actor: User,
    report: UseOfForceReport,
    to: User | str | None,
    comments: str = "",
    request: HttpRequest | None = None,
) -> UseOfForceReport:
    text = _comments(comments)
    target = _target(actor, report, to)

    def change(r: UseOfForceReport) -> dict[str, object]:
        r.reviewer = target
        return {"to": target.get_username()}

    return _step(
        actor, report, Review.Action.FORWARDED, events.FORCE_REPORT_FORWARDED, text, request, change
    )


def _target(actor: User, report: UseOfForceReport, to: User | str | None) -> User:
    if to is None or to == "":
        raise Rejected("Choose the supervisor or administrator to forward it to.")
    name = to.get_username() if isinstance(to, User) else str(to)
    target = forward_targets(actor, report).filter(username=name).first()
    if target is None:
        raise NotFound(f"{name!r} is not a supervisor or administrator who can take it.")
    return target
