"""Changing a category's retention rule (administrators), recorded in the ledger.

This is the one door for rule changes: the staff page (`/retention/rules/`) and
`evidentia retention rule` both call `set_rule`. Changing a rule never deletes anything:
items whose period has ended only appear in the disposition queue, where one custodian
requests and a different custodian approves (services/flow.py).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.cases.models import Category
from evidentia.core.errors import Conflict, PermissionDenied, Rejected
from evidentia.custody import events, ledger
from evidentia.retention.models import Clock, RetentionRule
from evidentia.retention.services._common import RULE_EDITORS

# A year counts as 365 days, as the seeded rules do. Longer than this is "permanent":
# a number this large is far more likely a typo than a schedule.
DAYS_PER_YEAR = 365
MAX_YEARS = 100
MAX_DAYS = MAX_YEARS * DAYS_PER_YEAR


def version(rule: RetentionRule | None) -> str:
    """What a form carries to notice that someone else changed the rule meanwhile:
    the rule's `updated_at`, or "" while the category has no rule."""
    return rule.updated_at.isoformat() if rule is not None else ""


def set_rule(
    category: Category,
    *,
    actor: User | str,
    period_days: int | None,
    clock: str = Clock.RECORDED,
    note: str = "",
    request: HttpRequest | None = None,
    expected_version: str | None = None,
) -> RetentionRule:
    """`period_days=None` makes the category permanent. `actor` is an administrator, or a
    system name for the CLI (host access is the authority there). With
    `expected_version` (from `version()`), a rule changed since the form was drawn is
    refused with a Conflict instead of being overwritten."""
    if isinstance(actor, User) and actor.role not in RULE_EDITORS:
        raise PermissionDenied("Only administrators change retention rules.")
    if clock not in Clock.values:
        raise Rejected(f"The clock must be one of: {', '.join(Clock.values)}.")
    if period_days is not None and (isinstance(period_days, bool) or period_days < 1):
        raise Rejected("A retention period is at least one day (or permanent).")
    if period_days is not None and period_days > MAX_DAYS:
        raise Rejected(
            f"A retention period is at most {MAX_YEARS} years ({MAX_DAYS:,} days); "
            "choose permanent to keep evidence for longer."
        )
    try:
        with transaction.atomic():
            rule = RetentionRule.objects.select_for_update().filter(category=category).first()
            if expected_version is not None and version(rule) != expected_version:
                raise Conflict(stale_message(rule))
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
                detail={
                    "category": category.name,
                    "category_id": category.pk,
                    "from": before,
                    "to": rule.describe(),
                    "note": note,
                },
            )
    except IntegrityError as exc:
        # Two first rules for one category at once: the second loses, unsaved.
        raise Conflict(stale_message(None)) from exc
    return rule


def stale_message(rule: RetentionRule | None) -> str:
    if rule is None:
        return "This rule was changed while you were editing it. Nothing was saved."
    who = rule.updated_by.get_username() if rule.updated_by else "the command line"
    return (
        f"Someone else changed this rule meanwhile ({who}, {rule.updated_at:%Y-%m-%d %H:%M} "
        f"UTC: now {rule.describe()}). Nothing was saved; check the current rule and "
        "submit again if your change still stands."
    )
