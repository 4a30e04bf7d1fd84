"""Changing a category's retention rule (administrators), recorded in the ledger."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.cases.models import Category
from evidentia.core.errors import PermissionDenied, Rejected
from evidentia.custody import events, ledger
from evidentia.retention.models import Clock, RetentionRule
from evidentia.retention.services._common import RULE_EDITORS


def set_rule(
    category: Category,
    *,
    actor: User | str,
    period_days: int | None,
    clock: str = Clock.RECORDED,
    note: str = "",
    request: HttpRequest | None = None,
) -> RetentionRule:
    """`period_days=None` makes the category permanent. `actor` is an administrator, or a
    system name for the CLI (host access is the authority there)."""
    if isinstance(actor, User) and actor.role not in RULE_EDITORS:
        raise PermissionDenied("Only administrators change retention rules.")
    if clock not in Clock.values:
        raise Rejected(f"The clock must be one of: {', '.join(Clock.values)}.")
    if period_days is not None and period_days < 1:
        raise Rejected("A retention period is at least one day (or permanent).")
    with transaction.atomic():
        rule = RetentionRule.objects.filter(category=category).first()
        before = rule.describe() if rule else "none"
        rule = rule or RetentionRule(category=category)
        rule.period_days, rule.permanent = period_days, period_days is None
        rule.clock, rule.note = clock, note or rule.note
        rule.updated_at = timezone.now()
        rule.updated_by = actor if isinstance(actor, User) else None
        rule.save()
        ledger.record(
            events.RETENTION_POLICY_CHANGED,
            actor=actor,
            request=request,
            detail={"category": category.name, "from": before, "to": rule.describe()},
        )
    return rule
