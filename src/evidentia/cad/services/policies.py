"""Recording policy per call type: which must be recorded, when a start is late and how
much of the call a recording must cover."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.cad.models import Assignment, Call, CallTypePolicy
from evidentia.cad.services import access
from evidentia.cad.services.tagging import evaluate
from evidentia.core.errors import Rejected
from evidentia.custody import events, ledger


def set_policy(
    call_type: str,
    *,
    actor: Any,
    must_record: bool,
    late_after_seconds: Any = 120,
    min_coverage: Any = 0.5,
    request: HttpRequest | None = None,
) -> CallTypePolicy:
    access.check_policy(actor)
    call_type = (call_type or "").strip()
    if not call_type or len(call_type) > 80:
        raise Rejected("Name the call type (at most 80 characters).")
    try:
        late = int(late_after_seconds)
        coverage = float(min_coverage)
    except (TypeError, ValueError):
        raise Rejected(
            "The late threshold must be whole seconds and the coverage a number."
        ) from None
    if not 0 <= late <= 86400:
        raise Rejected("The late threshold must be between 0 and 86,400 seconds.")
    if coverage > 1:  # a form may send a percentage
        coverage = coverage / 100
    if not 0 <= coverage <= 1:
        raise Rejected("The minimum coverage must be between 0 and 100 percent.")
    with transaction.atomic():
        policy = CallTypePolicy.objects.select_for_update().filter(call_type=call_type).first()
        before = (
            None
            if policy is None
            else [policy.must_record, policy.late_after_seconds, policy.min_coverage]
        )
        after = [bool(must_record), late, coverage]
        if before == after:
            return policy  # type: ignore[return-value]
        policy = policy or CallTypePolicy(call_type=call_type)
        policy.must_record, policy.late_after_seconds, policy.min_coverage = after
        policy.updated_at = timezone.now()
        policy.save()
        ledger.record(
            events.CAD_POLICY_CHANGED,
            actor=actor,
            request=request,
            detail={
                "call_type": call_type,
                "before": before,
                "after": after,
                "fields": ["must_record", "late_after_seconds", "min_coverage"],
            },
        )
    # Late and short depend on the policy: re-evaluate this type's assignments.
    ids = list(Assignment.objects.filter(call__call_type=call_type).values_list("pk", flat=True))
    for i in range(0, len(ids), 5000):
        with transaction.atomic():
            evaluate(ids[i : i + 5000])
    return policy


def call_types_without_policy() -> list[dict[str, Any]]:
    """Call types seen in imports that no policy names, with how many calls each."""
    from django.db.models import Count

    named = CallTypePolicy.objects.values("call_type")
    return list(
        Call.objects.exclude(call_type__in=named)
        .values("call_type")
        .annotate(calls=Count("pk"))
        .order_by("-calls", "call_type")
    )
