"""Body-camera compliance figures as plain dicts, from SQL aggregates on Assignment.

Only call types whose policy says they must be recorded count. An assignment is in a
range when its start (dispatch, else received) is in [start, end)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from evidentia.cad.models import Assignment, CallTypePolicy
from evidentia.cad.services import access

GROUPS = {
    "unit": ["unit__code", "unit__name"],
    "officer": ["officer_badge", "officer__first_name", "officer__last_name", "officer__username"],
    "call_type": ["call__call_type"],
}


def in_scope(start: datetime, end: datetime) -> QuerySet[Assignment]:
    must = CallTypePolicy.objects.filter(must_record=True).values("call_type")
    return Assignment.objects.filter(
        starts_at__gte=start, starts_at__lt=end, call__call_type__in=must
    )


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _label(by: str, row: dict[str, Any]) -> str:
    if by == "unit":
        return row["unit__name"] or "No unit"
    if by == "officer":
        name = f"{row['officer__first_name'] or ''} {row['officer__last_name'] or ''}".strip()
        name = name or row["officer__username"] or "unknown badge"
        return f"{name} ({row['officer_badge']})"
    return row["call__call_type"]


def summary(
    start: datetime, end: datetime, by: str = "unit", *, viewer: Any = None
) -> list[dict[str, Any]]:
    """One dict per group: assignments, recorded, late, short and the shares, worst first
    (lowest recorded share, then most late). With `viewer`, figures per officer are
    limited to the officers that viewer may see (a supervisor: their own unit)."""
    if by not in GROUPS:
        raise ValueError(f"by must be one of {', '.join(GROUPS)}")
    scope = in_scope(start, end)
    if by == "officer" and viewer is not None:
        restricted, unit_id = access.officer_unit_scope(viewer)
        if restricted:
            scope = scope.filter(officer__unit_id=unit_id) if unit_id else scope.none()
    rows = (
        scope.values(*GROUPS[by])
        .annotate(
            assignments=Count("pk"),
            recorded=Count("pk", filter=Q(recorded=True)),
            late=Count("pk", filter=Q(late=True)),
            short=Count("pk", filter=Q(short=True)),
        )
        .order_by(*GROUPS[by])
    )
    out = []
    for row in rows:
        out.append(
            {
                "key": row[GROUPS[by][0]] or "",
                "label": _label(by, row),
                "assignments": row["assignments"],
                "recorded": row["recorded"],
                "unrecorded": row["assignments"] - row["recorded"],
                "late": row["late"],
                "short": row["short"],
                "recorded_share": _share(row["recorded"], row["assignments"]),
                "late_share": _share(row["late"], row["recorded"]),
                "short_share": _share(row["short"], row["recorded"]),
            }
        )
    out.sort(key=lambda r: (r["recorded_share"], -(r["late_share"] or 0), r["label"]))
    return out


def totals(start: datetime, end: datetime) -> dict[str, Any]:
    row = in_scope(start, end).aggregate(
        assignments=Count("pk"),
        recorded=Count("pk", filter=Q(recorded=True)),
        late=Count("pk", filter=Q(late=True)),
        short=Count("pk", filter=Q(short=True)),
    )
    row["recorded_share"] = _share(row["recorded"], row["assignments"])
    row["late_share"] = _share(row["late"], row["recorded"])
    row["short_share"] = _share(row["short"], row["recorded"])
    return row
