"""Changing the service list. A category's flags are copied onto each report when it
is filed, so a change here is carried to the reports already filed, in the direction
of privacy only: a category made private takes its reports off the public site, and
one made standards-only restricts them. A category made public publishes only what is
filed from then on (those residents were told their report would not be shown)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from evidentia.accounts.models import Role, User
from evidentia.community.models import Report, Service
from evidentia.core.errors import PermissionDenied
from evidentia.custody import events, ledger


def save_service(service: Service, *, actor: User, request: HttpRequest | None = None) -> int:
    """Save a new or edited service; returns how many filed reports it changed."""
    if actor.role != Role.ADMIN or not actor.is_active:
        raise PermissionDenied("Only administrators change the service list.")
    with transaction.atomic():
        before = Service.objects.select_for_update().filter(pk=service.pk).first()
        service.save()
        filed = Report.objects.filter(service=service)
        changed = 0
        if service.standards and not (before and before.standards):
            changed += filed.exclude(restricted=True, public=False).update(
                restricted=True, public=False
            )
        if not service.public and (before is None or before.public):
            changed += filed.filter(public=True).update(public=False)
        ledger.record(
            events.SERVICE_CHANGED,
            actor=actor,
            request=request,
            detail={
                "service": service.code,
                "public": service.public,
                "standards": service.standards,
                "active": service.active,
                "reports_changed": changed,
            },
        )
    return changed
