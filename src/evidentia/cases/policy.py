"""Who may see a case. Restricted cases are invisible to non-members, even in counts."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from evidentia.accounts.models import Role, User
from evidentia.cases.models import Case
from evidentia.core.errors import NotFound

ALL_UNRESTRICTED = {Role.CUSTODIAN, Role.AUDITOR, Role.ADMIN, Role.SUPERVISOR}


def visible_cases(user: User) -> QuerySet[Case]:
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    member = Q(members=user)
    if user.role in ALL_UNRESTRICTED:
        return Case.objects.filter(Q(restricted=False) | member).distinct()
    return Case.objects.filter(member).distinct()


def visible_case(user: User, case_id: uuid.UUID | str) -> Case:
    try:
        return visible_cases(user).get(pk=case_id)
    except (Case.DoesNotExist, ValueError) as exc:
        raise NotFound("No such case, or you do not have access to it.") from exc
