"""Which ledger events a reader may see (rule 6). The ledger itself holds every event and
verifies whole; what is filtered is who reads an event's body. Events about restricted
matters (complaints, early-intervention alerts, complaints filed on the portal, and what
standards investigators do) are shown only to the standards team and administrators:
anyone else would learn from an item's history that a complaint touches it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from evidentia.accounts.models import Role, User
from evidentia.custody.models import Event

TEAM = (Role.STANDARDS_INVESTIGATOR, Role.ADMIN)
RESTRICTED_PREFIXES = ("standards.", "intervention.")


def sees_restricted(user: User | None) -> bool:
    return bool(user is not None and user.is_active and user.role in TEAM)


def restricted() -> Q:
    """Events only the standards team may read."""
    rule = Q()
    for prefix in RESTRICTED_PREFIXES:
        rule |= Q(kind__startswith=prefix)
    # Canonical JSON has no spaces, so the report's flag reads exactly like this.
    rule |= Q(kind__startswith="community.", body__contains='"restricted":true')
    rule |= Q(actor__in=User.objects.filter(role=Role.STANDARDS_INVESTIGATOR).values("username"))
    return rule


def visible_events(rows: QuerySet[Event], user: User | None) -> QuerySet[Event]:
    return rows if sees_restricted(user) else rows.exclude(restricted())


def outside_restricted(rows: QuerySet[Event]) -> QuerySet[Event]:
    """For what leaves the agency (court exports): never a restricted event."""
    return rows.exclude(restricted())


def may_read(user: User | None, event: Event) -> bool:
    if sees_restricted(user):
        return True
    return not Event.objects.filter(restricted(), pk=event.pk).exists()
