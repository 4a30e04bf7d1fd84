"""Administrators change the rules; every change is a ledger event with before/after."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.core.errors import NotFound, Rejected
from evidentia.custody import events as ev
from evidentia.custody.ledger import record
from evidentia.intervention.models import Method, Rule, RuleSource
from evidentia.intervention.services.access import check_rules_admin

FIELDS = (
    "name",
    "source",
    "method",
    "threshold",
    "window_days",
    "alpha",
    "fdr_correction",
    "active",
)
MAX_WINDOW_DAYS = 5 * 366


BOXES = ("fdr_correction", "active")
# The rule form names its checkboxes in this hidden field: a browser sends nothing for an
# unticked box, so only a form that says it carries a box may turn it off by leaving it out.
BOXES_MARKER = "checkboxes"


def clean(data: dict[str, Any], current: Rule | None = None) -> dict[str, Any]:
    """Form or CLI input to rule values, with a clear message for anything wrong. A
    checkbox that is neither given nor announced by the form keeps its current value
    (the model's default for a new rule)."""
    name = str(data.get("name", "")).strip()
    if not name or len(name) > 120:
        raise Rejected("Give the rule a name of 1 to 120 characters.")
    if data.get("source") not in RuleSource.values:
        raise Rejected(
            "Choose what the rule counts: use-of-force reports or complaint allegations."
        )
    if data.get("method") not in Method.values:
        raise Rejected("Choose the method: a count, or the peer comparison.")
    threshold = _int(data.get("threshold"), "The threshold", 1, 1000)
    window = _int(data.get("window_days"), "The window", 1, MAX_WINDOW_DAYS)
    try:
        alpha = float(data.get("alpha", 0.05))
    except (TypeError, ValueError):
        alpha = -1.0
    if not 0 < alpha < 1:
        raise Rejected("The significance level must be a number between 0 and 1, e.g. 0.05.")
    return {
        "name": name,
        "source": data["source"],
        "method": data["method"],
        "threshold": threshold,
        "window_days": window,
        "alpha": alpha,
    } | {box: _box(data, box, current) for box in BOXES}


def _box(data: dict[str, Any], name: str, current: Rule | None) -> bool:
    if name in data:
        return _bool(data[name])
    if name in str(data.get(BOXES_MARKER, "")).split():
        return False  # the form showed the box and it was left unticked
    return getattr(current or Rule(), name)


def save_rule(
    user: User, data: dict[str, Any], rule_id: int | None = None, request: HttpRequest | None = None
) -> Rule:
    """Create a rule (rule_id None) or change one. Alerts already raised keep their numbers."""
    check_rules_admin(user)
    with transaction.atomic():
        if rule_id is None:
            rule, before = Rule(), {}
        else:
            found = Rule.objects.select_for_update().filter(pk=rule_id).first()
            if found is None:
                raise NotFound("There is no such rule.")
            rule = found
            before = {f: getattr(rule, f) for f in FIELDS}
        values = clean(data, rule)
        changed = {f: v for f, v in values.items() if before.get(f) != v}
        if rule.pk and not changed:
            return rule
        for f, v in values.items():
            setattr(rule, f, v)
        rule.updated_at = timezone.now()
        rule.updated_by = user
        rule.save()
        record(
            ev.EI_RULE_CHANGED,
            actor=user,
            request=request,
            detail={
                "rule": rule.pk,
                "created": not before,
                "before": {f: before[f] for f in changed if f in before},
                "after": changed,
            },
        )
    return rule


def _int(value: Any, what: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = low - 1
    if not low <= number <= high:
        raise Rejected(f"{what} must be a whole number from {low} to {high}.")
    return number


def _bool(value: Any) -> bool:
    return value in (True, "on", "true", "1", 1, "yes")
