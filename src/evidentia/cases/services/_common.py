"""Who may change a case, and the shared checks every case service makes first."""

from __future__ import annotations

from evidentia.accounts.models import Role, User
from evidentia.cases.models import Case, CaseStatus
from evidentia.core.errors import Conflict, PermissionDenied, Rejected

CASE_CREATORS = {Role.INVESTIGATOR, Role.STANDARDS_INVESTIGATOR, Role.CUSTODIAN, Role.SUPERVISOR}
# Prosecutors get evidence through shares, auditors change nothing, and administrators
# run the system rather than investigations: none of them joins a case.
MEMBER_ROLES = {*CASE_CREATORS, Role.OFFICER}


def is_member(user: User, case: Case) -> bool:
    return case.members.filter(pk=user.pk).exists()


def check_not_archived(case: Case) -> None:
    if case.status == CaseStatus.ARCHIVED:
        raise Conflict(f"Case {case.number} is archived; reopen it before changing it.")


def check_can_link(actor: User | str, case: Case) -> None:
    """Members add evidence and notes; custodians may on any unrestricted case."""
    check_not_archived(case)
    if not isinstance(actor, User):
        return  # system actors (the watcher, demo) act for the agency
    if not actor.is_active:
        raise PermissionDenied("This account is disabled.")
    if actor.role == Role.CUSTODIAN and not case.restricted:
        return
    if not is_member(actor, case):
        raise PermissionDenied(f"You are not a member of case {case.number}.")


def check_can_manage(actor: User, case: Case) -> None:
    """Details, status, members and removing evidence: members whose role opens cases,
    and custodians on unrestricted cases."""
    if not actor.is_active or actor.role not in CASE_CREATORS:
        raise PermissionDenied("Your role may not manage cases.")
    if actor.role == Role.CUSTODIAN and not case.restricted:
        return
    if not is_member(actor, case):
        raise PermissionDenied(f"You are not a member of case {case.number}.")


def clean(value: str, field: str, max_length: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Rejected(f"The {field} cannot be empty.")
    if len(value) > max_length:
        raise Rejected(f"The {field} is longer than {max_length} characters.")
    return value
