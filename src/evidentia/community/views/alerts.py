"""Community alerts: the list every staff member may read; supervisors and
administrators publish and withdraw."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.community.forms import AlertForm
from evidentia.community.models import Alert
from evidentia.community.services import alerts
from evidentia.community.views._base import error_page, refuse
from evidentia.core.errors import EvidentiaError, NotFound


def _page(request: HttpRequest, form: AlertForm, status: int = 200) -> HttpResponse:
    rows = [{"alert": a, "state": alerts.state(a)} for a in Alert.objects.select_related("author")]
    return render(
        request,
        "community/staff/alerts.html",
        {
            "nav": "community",
            "form": form,
            "rows": rows,
            "can_publish": alerts.can_publish(signed_in_user(request)),
        },
        status=status,
    )


@staff_required
def alert_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if request.method != "POST":
        soon = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
        return _page(request, AlertForm(initial={"expires_at": soon}))
    try:
        alerts.check_can_publish(user)
    except EvidentiaError as exc:
        return error_page(request, exc)
    form = AlertForm(request.POST)
    status = 422
    if form.is_valid():
        d = form.cleaned_data
        try:
            alert = alerts.publish(
                d["title"],
                d["body"],
                d["area"],
                d["lat"],
                d["lon"],
                d["radius_m"],
                d["expires_at"],
                actor=user,
                request=request,
            )
        except EvidentiaError as exc:
            status = refuse(form, exc)
        else:
            messages.success(request, f"Alert “{alert.title}” is published on the portal.")
            return HttpResponseRedirect(reverse("community:alerts"))
    return _page(request, form, status)


@staff_required
@require_POST
def withdraw(request: HttpRequest, alert_id: object) -> HttpResponse:
    user = signed_in_user(request)
    alert = Alert.objects.filter(pk=alert_id).first()
    try:
        alerts.check_can_publish(user)
        if alert is None:
            return error_page(request, NotFound("There is no such alert."))
        alerts.withdraw(alert, actor=user, request=request)
    except EvidentiaError as exc:
        if exc.status == 403:
            return error_page(request, exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Alert “{alert.title}” withdrawn from the portal.")
    return HttpResponseRedirect(reverse("community:alerts"))
