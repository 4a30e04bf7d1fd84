"""What a rule covers, in set-based queries: the items a category's rule governs, and
which of them have reached the end of their period under that rule or a proposed one.

`schedule.position()` answers the same question for one item in Python; these
querysets give the same answer for a whole category in one statement (the tests hold
them to it), so the rules page counts without looping over items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from evidentia.cases.models import Case, CaseItem, Category
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.models import Item
from evidentia.retention.models import Clock, RetentionRule
from evidentia.retention.services.schedule import CLOSED


@dataclass(frozen=True)
class Effective:
    """The rule that governs a category today. `source` is "rule" (a RetentionRule),
    "category" (only the category's own retention_days, counted from recording) or
    "none" (kept until a rule is set). `period_days` is None when nothing is ever due."""

    rule: RetentionRule | None
    source: str
    period_days: int | None
    permanent: bool
    clock: str


def effective(category: Category, rule: RetentionRule | None) -> Effective:
    if rule is not None:
        return Effective(rule, "rule", rule.period_days, rule.permanent, rule.clock)
    if category.retention_days:
        return Effective(None, "category", category.retention_days, False, Clock.RECORDED)
    return Effective(None, "none", None, False, Clock.RECORDED)


def governed(items: QuerySet[Item], category: Category) -> QuerySet[Item]:
    """Items in the category that still exist (not disposed of)."""
    return items.filter(category=category, disposed_at__isnull=True)


def _closed_by(cutoff: datetime) -> QuerySet[Case]:
    """Cases closed (or archived) no later than `cutoff`, the closure time being the
    latest `case.status_changed` event to a closed state, as `schedule.closed_at` reads it."""
    closing = Q(body__contains='"to":"closed"') | Q(body__contains='"to":"archived"')
    last = (
        Event.objects.filter(kind=events.CASE_STATUS_CHANGED, case_id=OuterRef("pk"))
        .filter(closing)
        .order_by("-seq")
        .values("recorded_at")[:1]
    )
    return (
        Case.objects.filter(status__in=CLOSED)
        .annotate(closed=Subquery(last))
        .filter(closed__lte=cutoff)
    )


def due(
    items: QuerySet[Item],
    category: Category,
    period_days: int | None,
    clock: str,
    now: datetime | None = None,
) -> QuerySet[Item]:
    """Governed items whose period has ended under `period_days` from `clock`; none when
    `period_days` is None (permanent, or no rule)."""
    base = governed(items, category)
    if period_days is None:
        return base.none()
    cutoff = (now or timezone.now()) - timedelta(days=period_days)
    started = base.annotate(start=Coalesce("recorded_at", "ingested_at"))
    if clock != Clock.CLOSURE:
        return started.filter(start__lte=cutoff)
    in_a_case = Exists(CaseItem.objects.filter(item=OuterRef("pk")))
    # A case still open, or closed after the cutoff, keeps the item's clock running.
    not_yet = Exists(
        CaseItem.objects.filter(item=OuterRef("pk")).exclude(
            case__in=_closed_by(cutoff).values("pk")
        )
    )
    return started.filter((~in_a_case & Q(start__lte=cutoff)) | (in_a_case & ~not_yet))


def due_now(
    items: QuerySet[Item], category: Category, now: datetime | None = None
) -> QuerySet[Item]:
    rule = RetentionRule.objects.filter(category=category).first()
    now_rule = effective(category, rule)
    period = None if now_rule.permanent else now_rule.period_days
    return due(items, category, period, now_rule.clock, now)


def newly_due(
    items: QuerySet[Item],
    category: Category,
    period_days: int | None,
    clock: str,
    now: datetime | None = None,
) -> int:
    """How many items would reach the end of their period at once if the category's rule
    became `period_days` from `clock`: due under it, and not due under today's rule."""
    now = now or timezone.now()
    before = due_now(items, category, now)
    return due(items, category, period_days, clock, now).exclude(pk__in=before.values("pk")).count()


def governed_counts(items: QuerySet[Item]) -> dict[int, int]:
    """Category id -> governed items, in one grouped query."""
    rows = (
        items.filter(disposed_at__isnull=True, category__isnull=False)
        .values("category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["category"]: row["n"] for row in rows}
