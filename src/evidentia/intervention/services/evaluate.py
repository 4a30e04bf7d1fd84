"""Evaluate every active rule as of a day and raise the alerts they call for.

Idempotent: one alert per rule, officer and window end (a database constraint); no new
alert while one for the same rule and officer is open; and after one is closed, a new
alert only when a record has arrived that the closed one did not already show.

Events: use-of-force reports not in draft, dated by `occurred_at`; complaint
allegations naming the officer, dated by their complaint's `received_at`. Calls
handled: CAD assignments of the officer starting in the window.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from evidentia.accounts.models import Role, User
from evidentia.cad.models import Assignment
from evidentia.custody import events as ev
from evidentia.custody.ledger import record
from evidentia.intervention import stats
from evidentia.intervention.models import Alert, AlertStatus, Method, Rule, RuleSource
from evidentia.intervention.services import notify
from evidentia.intervention.services.access import unit_supervisors
from evidentia.standards.models import Allegation
from evidentia.useofforce.models import ReportStatus, UseOfForceReport

SYSTEM = "intervention"


@dataclass(frozen=True)
class Window:
    start: date  # first day, inclusive
    end: date  # last day, inclusive (the evaluation day)

    @classmethod
    def ending(cls, as_of: date, days: int) -> Window:
        return cls(as_of - timedelta(days=max(days, 1) - 1), as_of)

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC)


@dataclass
class Finding:
    officer_id: int
    count: int
    calls: int
    supporting: list[dict[str, Any]]
    expected: float | None = None
    p: float | None = None
    p_adjusted: float | None = None


@dataclass
class Outcome:
    as_of: date
    raised: list[Alert] = field(default_factory=list)
    skipped: int = 0  # findings that already had an alert
    by_rule: dict[str, int] = field(default_factory=dict)


def events_in(source: str, window: Window) -> dict[int, list[dict[str, Any]]]:
    """Each officer's supporting records in the window, oldest first."""
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if source == RuleSource.USE_OF_FORCE:
        rows = (
            UseOfForceReport.objects.exclude(status=ReportStatus.DRAFT)
            .filter(occurred_at__gte=window.since, occurred_at__lt=window.until)
            .order_by("occurred_at", "pk")
            .values_list("id", "reference", "officer_id", "occurred_at")
        )
        for pk, reference, officer_id, when in rows:
            out[officer_id].append(
                {"kind": "use_of_force", "id": str(pk), "reference": reference, "date": _day(when)}
            )
    else:
        allegations = (
            Allegation.objects.filter(
                officer__isnull=False,
                complaint__received_at__gte=window.since,
                complaint__received_at__lt=window.until,
            )
            .order_by("complaint__received_at", "pk")
            .values_list(
                "id",
                "officer_id",
                "type",
                "complaint_id",
                "complaint__reference",
                "complaint__received_at",
            )
        )
        for allegation_id, officer_id, kind, complaint_id, reference, when in allegations:
            out[officer_id].append(
                {
                    "kind": "complaint",
                    "id": str(complaint_id),
                    "allegation": allegation_id,
                    "type": kind,
                    "reference": reference,
                    "date": _day(when),
                }
            )
    return out


def calls_in(window: Window) -> dict[int, int]:
    rows = (
        Assignment.objects.filter(
            officer__isnull=False, starts_at__gte=window.since, starts_at__lt=window.until
        )
        .values("officer_id")
        .annotate(n=Count("id"))
    )
    return {r["officer_id"]: r["n"] for r in rows}


def findings(rule: Rule, window: Window) -> list[Finding]:
    """What the rule finds in the window, one Finding per officer to alert on."""
    found = events_in(rule.source, window)
    calls = calls_in(window)
    if rule.method == Method.COUNT:
        return [
            Finding(officer, len(records), calls.get(officer, 0), records)
            for officer, records in found.items()
            if len(records) >= rule.threshold
        ]
    return _peer_findings(rule, found, calls)


# Who is compared with whom: the active officers and supervisors of each unit, as the
# unit is today (docs/early-intervention.md). Supervisors are in because they answer
# calls and use force too; one who handled no calls in the window has no rate and drops
# out of the test by itself. Custodians, investigators and other staff are not peers.
PEER_ROLES = (Role.OFFICER, Role.SUPERVISOR)


def peers() -> QuerySet[User]:
    return User.objects.filter(unit__isnull=False, is_active=True, role__in=PEER_ROLES)


def _peer_findings(
    rule: Rule, found: dict[int, list[dict[str, Any]]], calls: dict[int, int]
) -> list[Finding]:
    units: dict[int, list[int]] = defaultdict(list)
    for pk, unit_id in peers().values_list("pk", "unit_id"):
        units[unit_id].append(pk)
    out = []
    for members in units.values():
        k = np.array([len(found.get(m, ())) for m in members])
        c = np.array([calls.get(m, 0) for m in members])
        result = stats.peer_test(
            k, c, alpha=rule.alpha, threshold=rule.threshold, correction=rule.fdr_correction
        )
        for i in np.flatnonzero(result.flagged):
            out.append(
                Finding(
                    members[i],
                    int(k[i]),
                    int(c[i]),
                    found[members[i]],
                    expected=float(result.expected[i]),
                    p=float(result.p[i]),
                    p_adjusted=float(result.p_adjusted[i]),
                )
            )
    return out


def evaluate(as_of: date | None = None) -> Outcome:
    """Evaluate all active rules as of `as_of` (default: today, UTC)."""
    as_of = as_of or timezone.now().date()
    outcome = Outcome(as_of)
    for rule in Rule.objects.filter(active=True):
        window = Window.ending(as_of, rule.window_days)
        raised = 0
        for finding in findings(rule, window):
            alert = _raise(rule, window, finding)
            if alert is None:
                outcome.skipped += 1
            else:
                outcome.raised.append(alert)
                raised += 1
        outcome.by_rule[rule.name] = raised
    return outcome


def _already_alerted(rule: Rule, window: Window, finding: Finding) -> bool:
    mine = Alert.objects.filter(rule=rule, officer_id=finding.officer_id)
    if mine.filter(window_end=window.end).exists():
        return True
    if mine.filter(status=AlertStatus.OPEN).exists():
        return True
    last = mine.order_by("-window_end").first()
    if last is None:
        return False
    shown = {_key(r) for r in last.supporting}
    return all(_key(r) in shown for r in finding.supporting)


def _raise(rule: Rule, window: Window, finding: Finding) -> Alert | None:
    if _already_alerted(rule, window, finding):
        return None
    officer = User.objects.get(pk=finding.officer_id)
    restricted = any(r["kind"] == "complaint" for r in finding.supporting)
    supervisor = unit_supervisors(officer.unit_id).exclude(pk=officer.pk).first()
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                rule=rule,
                officer=officer,
                unit_id=officer.unit_id,
                supervisor=supervisor,
                window_start=window.start,
                window_end=window.end,
                count=finding.count,
                calls=finding.calls,
                expected=finding.expected,
                p_value=finding.p,
                p_adjusted=finding.p_adjusted,
                supporting=finding.supporting,
                restricted=restricted,
            )
            record(
                ev.EI_ALERT_RAISED,
                actor=SYSTEM,
                detail={
                    "alert": alert.pk,
                    "rule": rule.pk,
                    "method": rule.method,
                    "source": rule.source,
                    "officer": officer.pk,
                    "window_start": window.start,
                    "window_end": window.end,
                    "count": finding.count,
                    "calls": finding.calls,
                    "expected": _round(finding.expected),
                    "p": _round(finding.p),
                    "restricted": restricted,
                    "supervisor": supervisor.pk if supervisor else None,
                },
            )
            notify.raised(alert)
    except IntegrityError:
        return None  # a concurrent run raised it first
    return alert


def _key(record_: dict[str, Any]) -> tuple[str, str]:
    return (record_.get("kind", ""), str(record_.get("allegation", record_.get("id", ""))))


def _day(when: datetime) -> str:
    return when.astimezone(UTC).date().isoformat()


def _round(value: float | None) -> float | None:
    return None if value is None else float(f"{value:.6g}")
