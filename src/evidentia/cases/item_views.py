"""The HTML side of the item panel: tag, untag, note and add-to-case forms posted from
an evidence item's page, and the panel itself as a fragment (for htmx or a reload)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.accounts.models import User
from evidentia.cases import services
from evidentia.cases.models import Case
from evidentia.cases.policy import visible_cases
from evidentia.cases.templatetags.cases_tags import panel_context
from evidentia.cases.views import error_page
from evidentia.core.errors import EvidentiaError, NotFound
from evidentia.evidence.services.access import get_item


def _back(request: HttpRequest, item_id: object) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("evidence:detail", args=[item_id])


def _act(request: HttpRequest, item_id: object, action: Any) -> HttpResponse:
    try:
        message = action(signed_in_user(request))
    except EvidentiaError as exc:
        return error_page(request, exc)
    messages.success(request, message)
    return HttpResponseRedirect(_back(request, item_id))


@staff_required
@require_POST
def tag_add(request: HttpRequest, item_id: object) -> HttpResponse:
    def act(user: User) -> str:
        link, created = services.add_tag(user, item_id, request.POST.get("tag", ""), request)
        return f"Tagged “{link.tag.name}”." if created else f"Already tagged “{link.tag.name}”."

    return _act(request, item_id, act)


@staff_required
@require_POST
def tag_remove(request: HttpRequest, item_id: object) -> HttpResponse:
    def act(user: User) -> str:
        services.remove_tag(user, item_id, request.POST.get("tag", ""), request)
        return "Tag removed."

    return _act(request, item_id, act)


@staff_required
@require_POST
def note_add(request: HttpRequest, item_id: object) -> HttpResponse:
    def act(user: User) -> str:
        services.add_item_note(user, item_id, request.POST.get("text", ""), request)
        return "Note added."

    return _act(request, item_id, act)


@staff_required
@require_POST
def case_link(request: HttpRequest, item_id: object) -> HttpResponse:
    def act(user: User) -> str:
        number = request.POST.get("case", "").strip()
        try:
            case = visible_cases(user).get(number=number)
        except Case.DoesNotExist as exc:
            raise NotFound(f"No case numbered {number} that you can see.") from exc
        _, created = services.link_visible_item(case, item_id, actor=user, request=request)
        return f"Added to case {case.number}." if created else f"Already in case {case.number}."

    return _act(request, item_id, act)


@staff_required
def panel(request: HttpRequest, item_id: object) -> HttpResponse:
    """The panel alone, e.g. for `hx-get` after a change."""
    user = signed_in_user(request)
    try:
        item = get_item(user, item_id)
    except EvidentiaError as exc:
        return error_page(request, exc)
    context = panel_context(user, item, request, reverse("evidence:detail", args=[item.pk]))
    return render(request, "cases/_item_panel_body.html", context)
