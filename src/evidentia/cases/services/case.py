"""Opening a case and changing its details, status, members and notes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from evidentia.accounts.models import User
from evidentia.cases.models import Case, CaseMember, CaseStatus, Note
from evidentia.cases.searchindex import reindex_case
from evidentia.cases.services._common import (
    CASE_CREATORS,
    MEMBER_ROLES,
    check_can_link,
    check_can_manage,
    check_not_archived,
    clean,
)
from evidentia.core.errors import Conflict, PermissionDenied, Rejected
from evidentia.custody import events, ledger

NOTE_MAX = 10_000


def _check_members(users: Iterable[User]) -> None:
    for user in users:
        if not user.is_active:
            raise Rejected(f"{user.get_username()} has a disabled account.")
        if user.role not in MEMBER_ROLES:
            raise Rejected(
                f"{user.get_username()} is a {user.get_role_display()}; "
                "that role does not join cases."
            )


def create_case(
    *,
    number: str,
    title: str,
    actor: User,
    restricted: bool = False,
    members: Iterable[User] = (),
    incident_number: str = "",
    description: str = "",
    request: HttpRequest | None = None,
) -> Case:
    if actor.role not in CASE_CREATORS or not actor.is_active:
        raise PermissionDenied("Your role may not open cases.")
    number = clean(number, "case number", 40, required=True)
    title = clean(title, "title", 200, required=True)
    incident_number = clean(incident_number, "incident number", 40)
    everyone = {actor, *members}
    _check_members(everyone)
    with transaction.atomic():
        if Case.objects.filter(number=number).exists():
            raise Conflict(f"Case {number} already exists.")
        case = Case.objects.create(
            number=number,
            title=title,
            incident_number=incident_number,
            description=description.strip(),
            restricted=restricted,
            created_by=actor,
        )
        for user in everyone:
            CaseMember.objects.create(case=case, user=user)
        ledger.record(
            events.CASE_CREATED,
            actor=actor,
            request=request,
            case=case,
            detail={
                "number": number,
                "incident_number": incident_number,
                "restricted": restricted,
                "members": sorted(u.get_username() for u in everyone),
            },
        )
    return case


def update_case(
    case: Case,
    changes: dict[str, str],
    *,
    actor: User,
    request: HttpRequest | None = None,
) -> Case:
    """Change number, incident number, title or description; old and new go in the ledger."""
    check_can_manage(actor, case)
    check_not_archived(case)
    limits = {"number": 40, "incident_number": 40, "title": 200, "description": 100_000}
    unknown = set(changes) - set(limits)
    if unknown:
        raise Rejected(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    diff: dict[str, Any] = {}
    for field, value in changes.items():
        new = clean(value, field.replace("_", " "), limits[field], field in ("number", "title"))
        if getattr(case, field) != new:
            diff[field] = {"from": getattr(case, field), "to": new}
            setattr(case, field, new)
    if not diff:
        return case
    with transaction.atomic():
        if (
            "number" in diff
            and Case.objects.filter(number=case.number).exclude(pk=case.pk).exists()
        ):
            raise Conflict(f"Case {case.number} already exists.")
        case.save(update_fields=list(diff))
        ledger.record(
            events.CASE_UPDATED, actor=actor, request=request, case=case, detail={"changes": diff}
        )
        if diff.keys() & {"number", "incident_number", "title"}:
            reindex_case(case)
    return case


def set_status(case: Case, status: str, *, actor: User, request: HttpRequest | None = None) -> Case:
    check_can_manage(actor, case)
    if status not in CaseStatus.values:
        raise Rejected(f"Status must be one of: {', '.join(CaseStatus.values)}.")
    if case.status == status:
        return case
    old = case.status
    with transaction.atomic():
        case.status = status
        case.save(update_fields=["status"])
        ledger.record(
            events.CASE_STATUS_CHANGED,
            actor=actor,
            request=request,
            case=case,
            detail={"from": old, "to": status},
        )
    return case


def add_member(case: Case, user: User, *, actor: User, request: HttpRequest | None = None) -> bool:
    """Add a member; False if they already were one."""
    check_can_manage(actor, case)
    check_not_archived(case)
    _check_members([user])
    with transaction.atomic():
        _, created = CaseMember.objects.get_or_create(case=case, user=user)
        if created:
            ledger.record(
                events.CASE_MEMBER_ADDED,
                actor=actor,
                request=request,
                case=case,
                detail={"user": {"id": user.pk, "username": user.get_username()}},
            )
    return created


def remove_member(
    case: Case, user: User, *, actor: User, request: HttpRequest | None = None
) -> bool:
    """Remove a member; False if they were not one. The last member stays: a restricted
    case without members could never be seen again."""
    check_can_manage(actor, case)
    check_not_archived(case)
    with transaction.atomic():
        memberships = CaseMember.objects.select_for_update().filter(case=case)
        if not memberships.filter(user=user).exists():
            return False
        if memberships.count() == 1:
            raise Conflict("A case keeps at least one member; add another member first.")
        memberships.filter(user=user).delete()
        ledger.record(
            events.CASE_MEMBER_REMOVED,
            actor=actor,
            request=request,
            case=case,
            detail={"user": {"id": user.pk, "username": user.get_username()}},
        )
    return True


def note_digest(text: str) -> str:
    """The ledger keeps a note's hash, not its words, so the record proves the text
    was never changed without copying it into every custody report."""
    return hashlib.sha256(text.encode()).hexdigest()


def clean_note(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Rejected("A note needs some text.")
    if len(text) > NOTE_MAX:
        raise Rejected(f"A note is at most {NOTE_MAX} characters.")
    return text


def add_case_note(
    case: Case, text: str, *, actor: User, request: HttpRequest | None = None
) -> Note:
    check_can_link(actor, case)
    text = clean_note(text)
    with transaction.atomic():
        note = Note.objects.create(case=case, author=actor, text=text)
        ledger.record(
            events.CASE_NOTE_ADDED,
            actor=actor,
            request=request,
            case=case,
            detail={"note": note.pk, "sha256": note_digest(text)},
        )
    return note
