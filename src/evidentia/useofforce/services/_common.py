"""Who may see, file and review use-of-force reports, and the ledger helper.

- the officer sees their own reports, drafts included;
- supervisors see their unit's submitted reports and any report they were asked to review;
- standards investigators, administrators and auditors see every submitted report
  (auditors read only);
- everyone else sees none: a refused look is a 404, like evidence.
Drafts are the officer's work in progress: nobody else sees them until they are submitted.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from evidentia.accounts.models import Role, User
from evidentia.core.errors import NotFound, PermissionDenied
from evidentia.custody import ledger
from evidentia.useofforce.models import ReportStatus, UseOfForceReport

READ_ALL = {Role.STANDARDS_INVESTIGATOR, Role.ADMIN, Role.AUDITOR}
# Sworn roles that can use force and so file reports.
FILERS = {Role.OFFICER, Role.SUPERVISOR, Role.INVESTIGATOR}
REVIEWERS = {Role.SUPERVISOR, Role.ADMIN}


def visible_reports(user: User) -> QuerySet[UseOfForceReport]:
    reports = UseOfForceReport.objects.all()
    if not user.is_authenticated or not user.is_active:
        return reports.none()
    mine = Q(officer=user)
    if user.role in READ_ALL:
        return reports.filter(mine | ~Q(status=ReportStatus.DRAFT))
    rule = mine
    if user.role == Role.SUPERVISOR:
        asked = Q(reviewer=user) | Q(pk__in=_reviewed_by(user))
        if user.unit_id:
            asked |= Q(unit_id=user.unit_id)
        rule |= asked & ~Q(status=ReportStatus.DRAFT)
    return reports.filter(rule)


def _reviewed_by(user: User) -> QuerySet[Any]:
    from evidentia.useofforce.models import Review

    return Review.objects.filter(actor=user).values("report_id")


def get_report(user: User, report_id: object) -> UseOfForceReport:
    try:
        return visible_reports(user).select_related("officer", "unit", "reviewer").get(pk=report_id)
    except (UseOfForceReport.DoesNotExist, ValueError, ValidationError):
        raise NotFound("No use-of-force report here that you can see.") from None


def can_file(user: User) -> bool:
    return user.is_active and user.role in FILERS


def check_file(user: User) -> None:
    if not can_file(user):
        raise PermissionDenied(
            f"The {user.get_role_display()} role does not file use-of-force reports."
        )


def can_edit(user: User, report: UseOfForceReport) -> bool:
    return report.officer_id == user.pk and report.status in (
        ReportStatus.DRAFT,
        ReportStatus.RETURNED,
    )


def can_review(user: User, report: UseOfForceReport) -> bool:
    """The assigned reviewer, a supervisor of the report's unit, or an administrator;
    never the officer who filed it."""
    if report.status != ReportStatus.SUBMITTED or not user.is_active:
        return False
    if report.officer_id == user.pk:
        return False
    if report.reviewer_id == user.pk or user.role == Role.ADMIN:
        return True
    return user.role == Role.SUPERVISOR and bool(user.unit_id) and user.unit_id == report.unit_id


# docs/decisions/0020: a referral to professional standards is a restricted matter. Only
# standards, administrators and the supervisors who took a step in the report's review
# see it; everyone else (the officer included) sees the closed review as "Reviewed", the
# same word as for an approval, so the two cannot be told apart by the label.
REVIEWED = ("reviewed", "Reviewed")
CLOSED = (ReportStatus.APPROVED, ReportStatus.REFERRED)


def sees_referrals(user: User) -> bool:
    """Whether the user sees every referral (not just those of reports they reviewed)."""
    return user.is_active and user.role in (Role.STANDARDS_INVESTIGATOR, Role.ADMIN)


def reviewed_by(user: User, report_ids: Any) -> set[Any]:
    """Of these reports, those in whose review chain the user took a step (not filing)."""
    from evidentia.useofforce.models import Review

    if user.role != Role.SUPERVISOR:
        return set()
    steps = Review.objects.filter(actor=user, report_id__in=report_ids).exclude(
        action=Review.Action.SUBMITTED
    )
    return set(steps.values_list("report_id", flat=True))


def sees_referral(user: User, report: UseOfForceReport, involved: set[Any] | None = None) -> bool:
    if sees_referrals(user):
        return True
    if report.officer_id == user.pk or user.role != Role.SUPERVISOR:
        return False
    if report.reviewer_id == user.pk:
        return True
    involved = reviewed_by(user, [report.pk]) if involved is None else involved
    return report.pk in involved


def shown_status(
    user: User, report: UseOfForceReport, involved: set[Any] | None = None
) -> tuple[str, str]:
    """(value, label) of the report's status as this user may see it."""
    if report.status in CLOSED and not sees_referral(user, report, involved):
        return REVIEWED
    return report.status, report.get_status_display()


def shown_reviews(user: User, report: UseOfForceReport) -> list[dict[str, Any]]:
    """The review chain as this user may see it: a referral step reads "Reviewed", and
    its comments (the reasons for the referral) are left out."""
    full = sees_referral(user, report)
    rows = []
    for r in report.reviews.select_related("actor"):
        neutral = not full and r.action in (r.Action.REFERRED, r.Action.APPROVED)
        rows.append(
            {
                "action": REVIEWED[0] if neutral else r.action,
                "label": REVIEWED[1] if neutral else r.get_action_display(),
                "actor": r.actor,
                "created_at": r.created_at,
                "comments": "" if neutral and r.action == r.Action.REFERRED else r.comments,
            }
        )
    return rows


def supervisors_of(officer: User) -> QuerySet[User]:
    """An officer's supervisors: active supervisors of the same unit."""
    if not officer.unit_id:
        return User.objects.none()
    return (
        User.objects.filter(is_active=True, role=Role.SUPERVISOR, unit_id=officer.unit_id)
        .exclude(pk=officer.pk)
        .order_by("username")
    )


def admins(exclude: User | None = None) -> QuerySet[User]:
    found = User.objects.filter(is_active=True, role=Role.ADMIN).order_by("username")
    return found.exclude(pk=exclude.pk) if exclude is not None else found


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def record(
    kind: str,
    report: UseOfForceReport,
    actor: Any,
    request: HttpRequest | None = None,
    item: Any = None,
    **detail: Any,
) -> None:
    """A ledger event about a report: ids, statuses and digests, not narrative text."""
    ledger.record(
        kind,
        actor=actor,
        request=request,
        item=item,
        detail={"report": report.reference, "report_id": str(report.pk), "status": report.status}
        | detail,
    )
