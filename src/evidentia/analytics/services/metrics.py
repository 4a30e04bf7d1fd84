"""Performance metrics for command staff: CAD response times, community-report
resolution times, and monthly trends beside the same period a year before.

Read-only. Medians and 90th percentiles, never means (a few very long calls would
dominate a mean). Restricted community reports (complaints about officers) are left
out entirely, counts included (rule 6). Seasonality is shown honestly: a month still in
progress is compared with the same days of last year's month, never with a full one."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
from django.utils import timezone

from evidentia.cad.models import Call
from evidentia.community.models import Report


def _zone() -> Any:
    return timezone.get_default_timezone()


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, _zone())


def _stats(minutes: list[float]) -> dict[str, Any]:
    if not minutes:
        return {"n": 0, "median": None, "p90": None}
    arr = np.asarray(minutes, dtype=float)
    return {
        "n": int(arr.size),
        "median": round(float(np.median(arr)), 1),
        "p90": round(float(np.percentile(arr, 90)), 1),
    }


def _minutes(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None or b < a:
        return None
    return (b - a).total_seconds() / 60


def response_times(first: date, last: date, by: str) -> list[dict[str, Any]]:
    """Per priority or district: received->dispatched and received->arrived minutes."""
    if by not in ("priority", "district"):
        raise ValueError("by must be priority or district")
    calls = Call.objects.filter(
        received_at__gte=_start(first), received_at__lt=_start(last + timedelta(days=1))
    ).values_list(by, "received_at", "dispatched_at", "arrived_at")
    groups: dict[str, dict[str, list[float]]] = defaultdict(lambda: {"dispatch": [], "arrive": []})
    counts: dict[str, int] = defaultdict(int)
    for label, received, dispatched, arrived in calls:
        label = label or "(none)"
        counts[label] += 1
        d, a = _minutes(received, dispatched), _minutes(received, arrived)
        if d is not None:
            groups[label]["dispatch"].append(d)
        if a is not None:
            groups[label]["arrive"].append(a)
    return [
        {
            "label": label,
            "calls": counts[label],
            "dispatch": _stats(groups[label]["dispatch"]),
            "arrive": _stats(groups[label]["arrive"]),
        }
        for label in sorted(counts, key=_natural)
    ]


def _natural(label: str) -> tuple[int, Any]:
    return (0, int(label)) if label.isdigit() else (1, label.lower())


def resolution_times(first: date, last: date) -> list[dict[str, Any]]:
    """Per service: hours from filing to closing, for reports filed in the window."""
    reports = (
        Report.objects.filter(
            restricted=False,
            service__standards=False,
            created_at__gte=_start(first),
            created_at__lt=_start(last + timedelta(days=1)),
        )
        .values_list("service__name", "created_at", "closed_at")
        .order_by()
    )
    hours: dict[str, list[float]] = defaultdict(list)
    filed: dict[str, int] = defaultdict(int)
    for name, created, closed in reports:
        filed[name] += 1
        minutes = _minutes(created, closed)
        if minutes is not None:
            hours[name].append(minutes / 60)
    return [
        {
            "label": name,
            "filed": filed[name],
            "open": filed[name] - len(hours[name]),
            **_stats(hours[name]),
        }
        for name in sorted(filed, key=str.lower)
    ]


@dataclass
class Month:
    year: int
    month: int
    days: int  # days of the month covered (all of them unless it is still running)
    full: int  # days in the month

    @property
    def label(self) -> str:
        return f"{calendar.month_abbr[self.month]} {self.year}"

    @property
    def partial(self) -> bool:
        return self.days < self.full

    def window(self, year: int | None = None) -> tuple[datetime, datetime]:
        y = self.year if year is None else year
        first = date(y, self.month, 1)
        days = min(self.days, calendar.monthrange(y, self.month)[1])
        return _start(first), _start(first + timedelta(days=days))


def months(today: date, count: int = 12) -> list[Month]:
    out = []
    y, m = today.year, today.month
    for _ in range(count):
        full = calendar.monthrange(y, m)[1]
        days = today.day if (y, m) == (today.year, today.month) else full
        out.append(Month(y, m, days, full))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return list(reversed(out))


def _month_figures(start: datetime, end: datetime) -> dict[str, Any]:
    calls = Call.objects.filter(received_at__gte=start, received_at__lt=end)
    arrive = [
        m
        for m in (_minutes(r, a) for r, a in calls.values_list("received_at", "arrived_at"))
        if m is not None
    ]
    reports = Report.objects.filter(
        restricted=False, service__standards=False, created_at__gte=start, created_at__lt=end
    )
    return {
        "calls": calls.count(),
        "arrive_median": _stats(arrive)["median"],
        "reports": reports.count(),
    }


def _has_data(start: datetime, end: datetime) -> bool:
    return (
        Call.objects.filter(received_at__gte=start, received_at__lt=end).exists()
        or Report.objects.filter(
            restricted=False, service__standards=False, created_at__gte=start, created_at__lt=end
        ).exists()
    )


def trends(today: date | None = None, count: int = 12) -> list[dict[str, Any]]:
    """Each month's figures beside the same days of the same month a year before, when
    there was any data then (else None: no comparison, rather than a comparison with 0)."""
    today = today or timezone.localdate()
    starts = _data_starts()
    rows = []
    for month in months(today, count):
        start, end = month.window()
        this = _month_figures(start, end)
        before_start, before_end = month.window(month.year - 1)
        # A year-ago month the data only partly covers would compare part with whole.
        covered = starts is not None and starts <= before_start
        before = (
            _month_figures(before_start, before_end)
            if covered and _has_data(before_start, before_end)
            else None
        )
        rows.append(
            {
                "label": month.label,
                "partial": month.partial,
                "days": month.days,
                "full": month.full,
                "this": this,
                "last_year": before,
                "change": _change(this["calls"], before["calls"]) if before else None,
            }
        )
    return rows


def _data_starts() -> datetime | None:
    firsts = [
        Call.objects.order_by("received_at").values_list("received_at", flat=True).first(),
        Report.objects.filter(restricted=False, service__standards=False)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first(),
    ]
    found = [f for f in firsts if f is not None]
    return min(found) if found else None


def _change(now: int, before: int) -> float | None:
    return None if before == 0 else (now - before) / before


def any_data() -> bool:
    return (
        Call.objects.exists()
        or Report.objects.filter(restricted=False, service__standards=False).exists()
    )
