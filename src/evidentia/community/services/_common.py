"""Who on staff may see and work community reports (deny by default), and the small
text helpers every community service shares."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet

from evidentia.accounts.models import Role, User
from evidentia.community.models import Report
from evidentia.core.errors import NotFound, PermissionDenied

# Triage the general queue; complaints about officers (restricted) are standards' only.
TRIAGE_ROLES = {Role.SUPERVISOR, Role.INVESTIGATOR, Role.ADMIN}
STANDARDS_ROLES = {Role.STANDARDS_INVESTIGATOR, Role.ADMIN}
PUBLIC_ACTOR = "public"


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_work_queue(user: User) -> bool:
    return _active(user) and (user.role in TRIAGE_ROLES or user.role in STANDARDS_ROLES)


def visible_reports(user: User) -> QuerySet[Report]:
    """Reports this user may see; restricted ones never appear, even in counts, to
    anyone outside standards."""
    reports = Report.objects.all()
    if not _active(user):
        return reports.none()
    if user.role == Role.ADMIN:
        return reports
    if user.role == Role.STANDARDS_INVESTIGATOR:
        return reports.filter(restricted=True)
    if user.role in TRIAGE_ROLES:
        return reports.filter(restricted=False)
    return reports.none()


def get_report(user: User, report_id: object) -> Report:
    report = visible_reports(user).select_related("service", "unit", "case").filter(pk=report_id)
    found = report.first()
    if found is None:
        raise NotFound("There is no report here that you can see.")
    return found


def check_queue(user: User) -> None:
    if not can_work_queue(user):
        raise PermissionDenied("Your role does not work the community queue.")


def clean(value: str | None, limit: int | None = None) -> str:
    """Text from outside as we keep it: NUL removed (PostgreSQL text cannot hold it),
    surrounding space stripped, and cut to `limit` characters when given."""
    text = (value or "").replace("\x00", "").strip()
    return text[:limit] if limit is not None else text


def digest(text: str) -> str:
    """SHA-256 hex of a text: what the ledger keeps instead of personal words, and how
    codes, tokens and keys are stored."""
    return hashlib.sha256(text.encode()).hexdigest()
