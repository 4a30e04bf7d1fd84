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
