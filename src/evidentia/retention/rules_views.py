"""The retention rules page: every category's rule, what it covers, and (administrators)
changing it. Readers are those of the queue (custodians, administrators, auditors);
everyone else gets the queue's refusal. Every change goes through `services.set_rule`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.accounts.models import User
from evidentia.cases.models import Category
from evidentia.core.errors import Conflict, EvidentiaError, NotFound, PermissionDenied
from evidentia.retention import services
from evidentia.retention.forms import RuleForm, initial_for
from evidentia.retention.models import Clock, RetentionRule
from evidentia.retention.services import coverage
from evidentia.retention.services._common import RULE_EDITORS, check_read, visible
from evidentia.retention.services.history import rule_history
from evidentia.retention.services.rules import stale_message, version
from evidentia.retention.words import (
    CLOCK_SHORT,
    CLOCK_WORDS,
    CONVERSION,
    days_only,
    plain_period,
    plain_rule,
    short_period,
)

NO_RULE = "No rule — kept until a rule is set"


def _refusal(request: HttpRequest, exc: EvidentiaError) -> HttpResponse:
    return render(request, "retention/error.html", {"message": exc.message}, status=exc.status)


def _is_editor(user: User) -> bool:
    return user.role in RULE_EDITORS


def _period_words(eff: coverage.Effective) -> str:
    if eff.permanent:
        return "Permanent"
    if eff.period_days is None:
        return NO_RULE
    return plain_period(eff.period_days)


def _clock_words(eff: coverage.Effective) -> str:
    if eff.permanent or eff.period_days is None:
        return "—"
    return CLOCK_WORDS[Clock(eff.clock)]


def _row(category: Category, rule: RetentionRule | None, items: Any, governed: int) -> dict:
    eff = coverage.effective(category, rule)
    period = None if eff.permanent else eff.period_days
    return {
        "category": category,
        "eff": eff,
        "period": _period_words(eff),
        "short": short_period(period) if period else "",
        "days": days_only(period) if period else "",
        "clock": _clock_words(eff),
        "clock_short": "—"
        if eff.permanent or eff.period_days is None
        else CLOCK_SHORT[Clock(eff.clock)],
        "governed": governed,
        "due": coverage.due(items, category, period, eff.clock).count(),
    }


@staff_required
@require_safe
def rules(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    try:
        check_read(user)
    except EvidentiaError as exc:
        return _refusal(request, exc)
    items = visible(user)
    by_category = {
        r.category_id: r for r in RetentionRule.objects.select_related("category", "updated_by")
    }
    governed = coverage.governed_counts(items)
    # One count query per category (categories are few); no loop over items.
    rows = [
        _row(c, by_category.get(c.pk), items, governed.get(c.pk, 0))
        for c in Category.objects.order_by("name")
    ]
    context = {"nav": "retention", "rows": rows, "editor": _is_editor(user)}
    return render(request, "retention/rules.html", context)


def _category(category_id: str) -> Category:
    found = Category.objects.filter(pk=int(category_id)).first() if category_id.isdigit() else None
    if found is None:
        raise NotFound("There is no such evidence category. It may have been renamed or removed.")
    return found


def _detail(
    request: HttpRequest,
    user: User,
    category: Category,
    form: RuleForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    rule = RetentionRule.objects.filter(category=category).select_related("updated_by").first()
    items = visible(user)
    row = _row(category, rule, items, coverage.governed(items, category).count())
    if form is None and _is_editor(user):
        form = RuleForm(
            initial={**initial_for(rule, category.retention_days), "version": version(rule)}
        )
    context = {
        "nav": "retention",
        "row": row,
        "rule": rule,
        "editor": _is_editor(user),
        "form": form,
        "error": error,
        "history": [
            {"change": c, "before": plain_rule(c.before), "after": plain_rule(c.after)}
            for c in rule_history(user, category)
        ],
        "clocks": [(value, CLOCK_WORDS[Clock(value)]) for value in Clock.values],
        "conversion": CONVERSION,
    }
    return render(request, "retention/rule.html", context, status=status)


def _shortens(eff: coverage.Effective, period_days: int | None) -> bool:
    """A period replacing permanent, no rule, or a longer period."""
    if period_days is None:
        return False
    return eff.permanent or eff.period_days is None or period_days < eff.period_days


def _describe(period_days: int | None, clock: str) -> str:
    if period_days is None:
        return "Permanent"
    return f"{plain_period(period_days)}, {CLOCK_WORDS[Clock(clock)].lower()}"


def _with_current_version(data: QueryDict, category: Category) -> RuleForm:
    """The editor's input again, now against the rule as it stands."""
    fresh = data.copy()
    fresh["version"] = version(RetentionRule.objects.filter(category=category).first())
    fresh.pop("confirmed", None)
    form = RuleForm(fresh)
    form.is_valid()
    return form


def _save(request: HttpRequest, user: User, category: Category) -> HttpResponse:
    form = RuleForm(request.POST)
    if not form.is_valid():
        error = "The rule was not saved. Correct the marked fields and submit again."
        return _detail(request, user, category, form, error, status=400)
    data = form.cleaned_data
    period_days, clock = data["period_days"], data["clock"]
    rule = RetentionRule.objects.filter(category=category).first()
    if (data["version"] or "") != version(rule):
        # Stale before the confirmation, too: its count would describe a rule now gone.
        # `set_rule` checks again under a lock; this only answers sooner.
        message = stale_message(rule)
        form = _with_current_version(request.POST, category)
        return _detail(request, user, category, form, message, status=409)
    eff = coverage.effective(category, rule)
    items = visible(user)
    newly = coverage.newly_due(items, category, period_days, clock)
    if (_shortens(eff, period_days) or newly) and not data["confirmed"]:
        context = {
            "nav": "retention",
            "category": category,
            "before": _period_words(eff)
            if eff.permanent or eff.period_days is None
            else _describe(eff.period_days, eff.clock),
            "after": _describe(period_days, clock),
            "newly": newly,
            "data": data,
        }
        return render(request, "retention/rule_confirm.html", context)
    try:
        services.set_rule(
            category,
            actor=user,
            period_days=period_days,
            clock=clock,
            note=data["note"],
            request=request,
            expected_version=data["version"] or "",
        )
    except Conflict as exc:
        form = _with_current_version(request.POST, category)
        return _detail(request, user, category, form, exc.message, status=exc.status)
    except EvidentiaError as exc:
        return _detail(request, user, category, form, exc.message, status=exc.status)
    are = "items are" if newly != 1 else "item is"
    due_words = f" {newly} {are} now due for review in the retention queue." if newly else ""
    messages.success(
        request, f"{category.name}: the rule is now {_describe(period_days, clock)}.{due_words}"
    )
    return redirect("retention:rules")


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def rule(request: HttpRequest, category_id: str) -> HttpResponse:
    user = signed_in_user(request)
    try:
        check_read(user)
        category = _category(category_id)
        if request.method != "POST":
            return _detail(request, user, category)
        if not _is_editor(user):
            raise PermissionDenied("Only administrators change retention rules.")
        return _save(request, user, category)
    except EvidentiaError as exc:
        return _refusal(request, exc)
