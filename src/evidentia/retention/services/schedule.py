"""When an item's retention period ends, and what stands in the way of disposing of it.

The clock starts at the recorded time (the ingest time when the device gave none) or,
for rules that say so, at the closure of the cases holding the item: the latest closure
wins, and while any of its cases is open the clock has not started. An item in no case
under a closure rule counts from its recorded time. Any active hold on the item, or on
any case containing it, blocks disposition: the longest hold wins.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from evidentia.cases.models import Case, CaseStatus
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.models import Item
from evidentia.retention.models import Clock, Disposition, LegalHold, RetentionRule

CLOSED = (CaseStatus.CLOSED, CaseStatus.ARCHIVED)


@dataclass(frozen=True)
class Due:
    """An item's retention position. `due_at` is None when the clock has not started or
    the rule is permanent; `waiting` says why in words."""

    item: Item
    rule: RetentionRule | None
    due_at: datetime | None
    waiting: str = ""

    def is_due(self, now: datetime | None = None) -> bool:
        return self.due_at is not None and self.due_at <= (now or timezone.now())


def rule_for(item: Item) -> RetentionRule | None:
    """The category's rule; else, when only the category's own `retention_days` (set in
    the cases admin) is there, an unsaved rule of that many days from the recorded time."""
    if item.category_id is None:
        return None
    rule = RetentionRule.objects.filter(category_id=item.category_id).first()
    if rule is None and item.category.retention_days:
        rule = RetentionRule(
            category=item.category, period_days=item.category.retention_days, clock=Clock.RECORDED
        )
    return rule


def closed_at(case: Case) -> datetime | None:
    """When the case was last closed, from the ledger (None while it is open)."""
    if case.status not in CLOSED:
        return None
    for event in Event.objects.filter(kind=events.CASE_STATUS_CHANGED, case_id=case.pk).order_by(
        "-seq"
    ):
        to = json.loads(event.body).get("detail", {}).get("to")
        if to in CLOSED:
            return event.recorded_at
    return None


def position(item: Item) -> Due:
    rule = rule_for(item)
    if rule is None:
        return Due(item, None, None, "its category has no retention rule (kept indefinitely)")
    if rule.permanent:
        return Due(item, rule, None, f"{item.category} is kept permanently")
    start = item.recorded_at or item.ingested_at
    if rule.clock == Clock.CLOSURE:
        cases = list(item.cases.all())
        if cases:
            closures = []
            for case in cases:
                when = closed_at(case)
                if when is None:
                    return Due(item, rule, None, f"case {case.number} is not closed")
                closures.append(when)
            start = max(closures)
    return Due(item, rule, start + timedelta(days=rule.period_days or 0))


def active_holds(item: Item) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(released_at__isnull=True).filter(
        Q(item=item) | Q(case__in=item.cases.values("pk"))
    )


def open_share_or_request_blockers(item: Item) -> list[str]:
    """Reasons an item in a live share (directly, or through a shared case holding it), or
    attached to an open public-records request, may not be disposed of: one sentence each."""
    from evidentia.sharing.models import RecordsRequest, Share

    live = Share.objects.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    shares = live.filter(Q(items=item) | Q(case__items=item)).select_related("grantee")
    reasons = [
        f"it is shared with {s.recipient} until {s.expires_at:%Y-%m-%d}; revoke the share first"
        for s in shares.distinct().order_by("expires_at")
    ]
    requests = RecordsRequest.objects.filter(
        status__in=RecordsRequest.OPEN,
        attachments__item=item,
        attachments__removed_at__isnull=True,
    ).distinct()
    reasons += [
        f"it is attached to open public-records request {r.reference}; fulfil or close it first"
        for r in requests.order_by("received_at")
    ]
    return reasons


def blockers(item: Item, now: datetime | None = None, *, check_due: bool = True) -> list[str]:
    """Every reason the item may not be disposed of now (empty: it may)."""
    now = now or timezone.now()
    if item.disposed_at is not None:
        return [f"it was already disposed of on {item.disposed_at:%Y-%m-%d}"]
    reasons = []
    for hold in active_holds(item).select_related("case"):
        where = f"case {hold.case.number}" if hold.case_id else "the item"
        reasons.append(f"a legal hold on {where} (placed {hold.placed_at:%Y-%m-%d}: {hold.reason})")
    if check_due:
        due = position(item)
        if due.due_at is None:
            reasons.append(f"it is not due: {due.waiting}")
        elif due.due_at > now:
            reasons.append(f"it is not due until {due.due_at:%Y-%m-%d}")
    reasons += open_share_or_request_blockers(item)
    return reasons


def candidates() -> QuerySet[Item]:
    """Items whose category has a (non-permanent) period and that are not disposed."""
    return (
        Item.objects.filter(disposed_at__isnull=True)
        .filter(
            Q(category__retention_rule__permanent=False)
            | Q(category__retention_rule__isnull=True, category__retention_days__isnull=False)
        )
        .select_related("category", "blob")
        .order_by("recorded_at", "ingested_at")
    )


def due_positions(items: QuerySet[Item], now: datetime | None = None) -> list[Due]:
    """The items among `items` whose retention period has ended, oldest first."""
    now = now or timezone.now()
    out = [p for p in (position(i) for i in candidates().filter(pk__in=items.values("pk")))]
    return sorted((p for p in out if p.is_due(now)), key=lambda p: p.due_at)  # type: ignore[arg-type,return-value]


def open_disposition(item: Item) -> Disposition | None:
    return Disposition.objects.filter(item=item, state__in=Disposition.OPEN).first()
