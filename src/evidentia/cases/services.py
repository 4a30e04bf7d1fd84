"""Changes to cases: create, add members, link evidence. Each is a ledger event."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from evidentia.accounts.models import Role, User
from evidentia.cases.models import Case, CaseItem, CaseMember
from evidentia.core.errors import Conflict, PermissionDenied
from evidentia.custody import events, ledger
from evidentia.evidence.models import Item

CASE_CREATORS = {Role.INVESTIGATOR, Role.STANDARDS_INVESTIGATOR, Role.CUSTODIAN, Role.SUPERVISOR}


def check_can_link(actor: User | str, case: Case) -> None:
    if not isinstance(actor, User):
        return
    if actor.role == Role.CUSTODIAN and not case.restricted:
        return
    if not case.members.filter(pk=actor.pk).exists():
        raise PermissionDenied(f"You are not a member of case {case.number}.")


def create_case(
    *,
    number: str,
    title: str,
    actor: User,
    restricted: bool = False,
    members: list[User] | tuple[User, ...] = (),
    request: HttpRequest | None = None,
) -> Case:
    if actor.role not in CASE_CREATORS:
        raise PermissionDenied("Your role may not open cases.")
    with transaction.atomic():
        if Case.objects.filter(number=number).exists():
            raise Conflict(f"Case {number} already exists.")
        case = Case.objects.create(
            number=number, title=title, restricted=restricted, created_by=actor
        )
        for user in {actor, *members}:
            CaseMember.objects.create(case=case, user=user)
        ledger.record(
            events.CASE_CREATED,
            actor=actor,
            request=request,
            case=case,
            detail={
                "number": number,
                "restricted": restricted,
                "members": sorted(u.get_username() for u in {actor, *members}),
            },
        )
    return case


def link_item(
    case: Case, item: Item, *, actor: User | str, request: HttpRequest | None = None
) -> bool:
    """Link evidence to a case; False if it was already linked."""
    check_can_link(actor, case)
    with transaction.atomic():
        _, created = CaseItem.objects.get_or_create(
            case=case,
            item=item,
            defaults={"added_by": actor if isinstance(actor, User) else case.created_by},
        )
        if created:
            ledger.record(
                events.CASE_ITEM_LINKED,
                actor=actor,
                request=request,
                item=item,
                case=case,
                detail={"case_number": case.number, "sha256": item.blob.sha256},
            )
    return created
