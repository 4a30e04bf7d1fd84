"""Early-intervention pages: the alerts a user may see, one alert with its records and
the intervention form, forwarding (standards), and the rules (administrators).
Thin: every change goes through `intervention.services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.core.errors import EvidentiaError, NotFound
from evidentia.intervention import services, text
from evidentia.intervention.models import AlertStatus, Intervention, Method, Rule, RuleSource
from evidentia.intervention.services.access import check_rules_admin, reads_all

HIDDEN = NotFound("There is no such page, or it is not yours to see.")


def _error(request: HttpRequest, exc: EvidentiaError) -> HttpResponse:
    return render(
        request,
        "intervention/error.html",
        {"nav": "intervention", "message": exc.message},
        status=exc.status,
    )


@staff_required
@require_safe
def alert_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not services.may_use(user):
        return _error(request, HIDDEN)
    status = request.GET.get("status", AlertStatus.OPEN)
    if status not in AlertStatus.values:
        status = AlertStatus.OPEN
    alerts = services.visible_alerts(user).filter(status=status).order_by("-window_end", "pk")
    rows = [{"alert": a, "rule": text.describe(a.rule)} for a in alerts[:500]]
    context = {
        "nav": "intervention",
        "rows": rows,
        "status": status,
        "statuses": AlertStatus.choices,
        "reader": reads_all(user),
        "admin": user.role == "admin",
    }
    return render(request, "intervention/list.html", context)


def _detail(
    request: HttpRequest, alert_id: Any, error: EvidentiaError | None = None
) -> HttpResponse:
    user = signed_in_user(request)
    try:
        alert = services.get_alert(user, alert_id)
    except EvidentiaError as exc:
        return _error(request, exc)
    if error is None:
        services.viewed(alert, user, request)
    reader = reads_all(user)
    context = {
        "nav": "intervention",
        "alert": alert,
        "rule_text": text.describe(alert.rule),
        "numbers": text.numbers(alert),
        "records": text.records(alert, full=reader),
        "reader": reader,
        "can_forward": reader and alert.restricted and alert.forwarded_at is None,
        "interventions": Intervention.choices,
        "error": error.message if error else "",
        "form": request.POST if error else {},
    }
    return render(
        request, "intervention/detail.html", context, status=error.status if error else 200
    )


@staff_required
@require_safe
def alert_detail(request: HttpRequest, alert_id: Any) -> HttpResponse:
    return _detail(request, alert_id)


@staff_required
@require_POST
def record_view(request: HttpRequest, alert_id: Any) -> HttpResponse:
    user = signed_in_user(request)
    try:
        services.record_intervention(
            alert_id,
            user,
            intervention=request.POST.get("intervention", ""),
            note=request.POST.get("note", ""),
            outcome=request.POST.get("outcome", ""),
            close=request.POST.get("close") == "on",
            request=request,
        )
    except NotFound as exc:
        return _error(request, exc)
    except EvidentiaError as exc:
        return _detail(request, alert_id, exc)
    messages.success(request, "The intervention was recorded.")
    return redirect("intervention:detail", alert_id=alert_id)


@staff_required
@require_POST
def forward_view(request: HttpRequest, alert_id: Any) -> HttpResponse:
    user = signed_in_user(request)
    if not reads_all(user):
        return _error(request, HIDDEN)
    try:
        services.forward(alert_id, user, request, note=request.POST.get("note", ""))
    except NotFound as exc:
        return _error(request, exc)
    except EvidentiaError as exc:
        return _detail(request, alert_id, exc)
    messages.success(request, "Forwarded. The officer's supervisor now sees this alert's summary.")
    return redirect("intervention:detail", alert_id=alert_id)


def _rules_page(
    request: HttpRequest, editing: Rule | None, error: EvidentiaError | None = None
) -> HttpResponse:
    context = {
        "nav": "intervention",
        "rules": [{"rule": r, "text": text.describe(r)} for r in Rule.objects.all()],
        "editing": editing,
        "sources": RuleSource.choices,
        "methods": Method.choices,
        "error": error.message if error else "",
        "form": request.POST if error else None,
    }
    return render(
        request, "intervention/rules.html", context, status=error.status if error else 200
    )


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def rules(request: HttpRequest, rule_id: int | None = None) -> HttpResponse:
    user = signed_in_user(request)
    try:
        check_rules_admin(user)
    except EvidentiaError:
        return _error(request, HIDDEN)
    editing = None
    if rule_id is not None:
        editing = Rule.objects.filter(pk=rule_id).first()
        if editing is None:
            return _error(request, NotFound("There is no such rule."))
    if request.method != "POST":
        return _rules_page(request, editing)
    try:
        saved = services.save_rule(user, request.POST.dict(), rule_id, request)
    except EvidentiaError as exc:
        return _rules_page(request, editing, exc)
    messages.success(
        request, f"Saved the rule “{saved.name}”. It applies from the next evaluation."
    )
    return redirect("intervention:rules")
