"""Linking recordings to the CAD calls they cover, and the compliance flags that follow.

A video item of officer O, spanning [recorded_at, recorded_at + duration], is linked to
each assignment of O whose window, widened by the buffer on both sides, overlaps it by
more than zero seconds (touching ends do not count). Each item's links are recomputed
from scratch, so running it again changes nothing and writes no new events."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from evidentia.cad.models import Assignment, Call, CallRecording, CallTypePolicy, TaggedNumber
from evidentia.cad.services.access import SYSTEM
from evidentia.custody import events, ledger
from evidentia.evidence.models import Item, Kind

# Recordings longer than this are not looked for when searching from a call's side.
LONGEST_RECORDING = timedelta(hours=24)


@dataclass
class Tagged:
    items_seen: int = 0
    items_changed: int = 0
    assignments_evaluated: int = 0


def buffer() -> timedelta:
    return timedelta(minutes=float(getattr(settings, "CAD_TAG_BUFFER_MINUTES", 10)))


def span(item: Item) -> tuple[datetime, datetime] | None:
    """The recording's time span, or None when it cannot be placed on a call. A recording
    disposed of under retention still counts: the call was recorded, its bytes went later."""
    if (
        item.kind != Kind.VIDEO
        or item.officer_id is None
        or item.recorded_at is None
        or not item.duration_seconds
        or item.duration_seconds <= 0
    ):
        return None
    return item.recorded_at, item.recorded_at + timedelta(seconds=item.duration_seconds)


def overlap(a0: datetime, a1: datetime, b0: datetime, b1: datetime) -> float:
    return max(0.0, (min(a1, b1) - max(a0, b0)).total_seconds())


def union_seconds(intervals: Iterable[tuple[datetime, datetime]]) -> float:
    """Length of the union: two clips covering the same minute count it once."""
    total = 0.0
    end: datetime | None = None
    for s, e in sorted(intervals):
        if end is None or s > end:
            total += (e - s).total_seconds()
            end = e
        elif e > end:
            total += (e - end).total_seconds()
            end = e
    return total


def tag_items(items: Iterable[Item], actor: Any = SYSTEM) -> Tagged:
    result = Tagged()
    for item in items:
        result.items_seen += 1
        changed, evaluated = _tag_one(item, actor)
        result.items_changed += changed
        result.assignments_evaluated += evaluated
    return result


def _tag_one(item: Item, actor: Any) -> tuple[bool, int]:
    bounds = span(item)
    want: dict[int, tuple[float, Assignment]] = {}
    if bounds is None:
        # Disposed, no officer, no length, not a video: it covers no call. Links made
        # while it did are dropped below; with none there is nothing to do.
        if not CallRecording.objects.filter(item_id=item.pk).exists():
            return False, 0
    else:
        start, end = bounds
        buf = buffer()
        for a in Assignment.objects.filter(
            officer_id=item.officer_id, starts_at__lt=end + buf, ends_at__gt=start - buf
        ).select_related("call"):
            seconds = overlap(start, end, a.starts_at - buf, a.ends_at + buf)
            if seconds > 0:
                want[a.pk] = (seconds, a)
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        old = {link.assignment_id: link for link in CallRecording.objects.filter(item=item)}
        gone = [link.pk for aid, link in old.items() if aid not in want]
        CallRecording.objects.filter(pk__in=gone).delete()
        moved = [
            aid for aid, link in old.items() if aid in want and link.overlap_seconds != want[aid][0]
        ]
        for aid in moved:
            CallRecording.objects.filter(pk=old[aid].pk).update(overlap_seconds=want[aid][0])
        CallRecording.objects.bulk_create(
            [
                CallRecording(assignment_id=aid, item=item, overlap_seconds=seconds)
                for aid, (seconds, _a) in want.items()
                if aid not in old
            ]
        )
        touched = set(old) | set(want)
        changed = set(old) != set(want) or bool(moved)
        number = _fill_incident_number(item, want)
        if set(old) != set(want) or number:
            calls = sorted({a.call.call_number for _s, a in want.values()})
            ledger.record(
                events.CAD_TAGGED,
                actor=actor,
                item=item,
                detail={"calls": calls, "incident_number": item.incident_number},
            )
        evaluate(touched if changed else set())
    return changed or bool(number), len(touched) if changed else 0


def _fill_incident_number(item: Item, want: dict[int, tuple[float, Assignment]]) -> str:
    """Copy the best call's number when the field is empty or still holds the number
    tagging itself last wrote (TaggedNumber). A value a person typed is never replaced,
    even when it happens to match one of the item's calls."""
    written = TaggedNumber.objects.filter(item=item).first()
    if item.incident_number and (written is None or item.incident_number != written.number):
        return ""
    best = ""
    if want:
        # Most overlap; on a tie the call received first.
        _s, a = min(want.values(), key=lambda sa: (-sa[0], sa[1].call.received_at, sa[1].pk))
        best = a.call.call_number
    if not best or best == item.incident_number:
        return ""
    item.incident_number = best
    item.save(update_fields=["incident_number"])
    TaggedNumber.objects.update_or_create(
        item=item, defaults={"number": best, "written_at": timezone.now()}
    )
    return best


def evaluate(assignment_ids: Iterable[int]) -> int:
    """Recompute recorded, first_recording_at, recorded_seconds, late and short."""
    ids = list(assignment_ids)
    if not ids:
        return 0
    policies = {p.call_type: p for p in CallTypePolicy.objects.all()}
    default = CallTypePolicy()
    spans: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for aid, at, seconds in CallRecording.objects.filter(assignment_id__in=ids).values_list(
        "assignment_id", "item__recorded_at", "item__duration_seconds"
    ):
        if at is not None:
            spans[aid].append((at, at + timedelta(seconds=seconds or 0)))
    now = timezone.now()
    rows = list(Assignment.objects.filter(pk__in=ids).select_related("call"))
    for a in rows:
        policy = policies.get(a.call.call_type, default)
        mine = spans.get(a.pk, [])
        a.recorded = bool(mine)
        a.first_recording_at = min(s for s, _e in mine) if mine else None
        # Coverage counts only time inside the call itself, not the buffer around it.
        a.recorded_seconds = union_seconds(
            (max(s, a.starts_at), min(e, a.ends_at))
            for s, e in mine
            if e > a.starts_at and s < a.ends_at
        )
        length = (a.ends_at - a.starts_at).total_seconds()
        a.late = bool(
            mine
            and (a.first_recording_at - a.starts_at).total_seconds() > policy.late_after_seconds
        )
        a.short = bool(mine and length > 0 and a.recorded_seconds < policy.min_coverage * length)
        a.evaluated_at = now
    # One UPDATE per distinct outcome rather than bulk_update: most assignments share
    # one (no recording), and bulk_update's per-row CASE took minutes on PostgreSQL for
    # a 100,000-call import. Assignments with recordings mostly differ, one row each.
    same: dict[tuple, list[int]] = defaultdict(list)
    for a in rows:
        same[tuple(getattr(a, f) for f in EVALUATED)].append(a.pk)
    for values, pks in same.items():
        for i in range(0, len(pks), 5000):
            Assignment.objects.filter(pk__in=pks[i : i + 5000]).update(
                **dict(zip(EVALUATED, values, strict=True))
            )
    return len(rows)


EVALUATED = ("recorded", "first_recording_at", "recorded_seconds", "late", "short", "evaluated_at")


def candidates_for(assignments: QuerySet[Assignment]) -> QuerySet[Item]:
    """Video items that may overlap any of these assignments (checked exactly later)."""
    buf = buffer()
    ranges: dict[int, list[datetime]] = {}
    for officer_id, s, e in assignments.filter(officer__isnull=False).values_list(
        "officer_id", "starts_at", "ends_at"
    ):
        lo, hi = ranges.get(officer_id, [s, e])
        ranges[officer_id] = [min(lo, s), max(hi, e)]
    found = Item.objects.none()
    for officer_id, (lo, hi) in ranges.items():
        found = found | Item.objects.filter(
            kind=Kind.VIDEO,
            officer_id=officer_id,
            recorded_at__lt=hi + buf,
            recorded_at__gt=lo - buf - LONGEST_RECORDING,
        )
    return found


def tag_calls(calls: QuerySet[Call], actor: Any = SYSTEM) -> Tagged:
    """After an import: re-tag every recording that may cover these calls at their new
    times, and every recording already linked to them (a call moved away from its clips
    must lose those links), then evaluate every assignment."""
    # No default ordering: it joins the calls, needlessly, into every query below.
    assignments = Assignment.objects.filter(call__in=calls.values("pk")).order_by()
    result = Tagged()
    seen: set[Any] = set()

    def run(items: QuerySet[Item]) -> None:
        fresh = (i for i in items.order_by("recorded_at").iterator() if i.pk not in seen)
        part = tag_items(_remember(fresh, seen), actor)
        result.items_seen += part.items_seen
        result.items_changed += part.items_changed

    officers = list(
        assignments.filter(officer__isnull=False).values_list("officer_id", flat=True).distinct()
    )
    for chunk_start in range(0, len(officers), 200):
        chunk = assignments.filter(officer_id__in=officers[chunk_start : chunk_start + 200])
        run(candidates_for(chunk))
    linked = CallRecording.objects.filter(assignment__in=assignments.values("pk"))
    run(Item.objects.filter(pk__in=linked.values("item_id")))
    ids = list(assignments.values_list("pk", flat=True))
    for i in range(0, len(ids), 5000):
        with transaction.atomic():
            result.assignments_evaluated += evaluate(ids[i : i + 5000])
    return result


def _remember(items: Iterable[Item], seen: set[Any]) -> Iterable[Item]:
    for item in items:
        seen.add(item.pk)
        yield item


def tag_since(since: datetime, actor: Any = SYSTEM) -> Tagged:
    """Recordings ingested since `since` (the periodic task and `evidentia cad tag`)."""
    items = Item.objects.filter(kind=Kind.VIDEO, ingested_at__gte=since)
    return tag_items(items.order_by("ingested_at").iterator(), actor)
