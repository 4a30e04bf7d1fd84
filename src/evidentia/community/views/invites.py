"""Evidence-submission invites for a case: create (the link is shown once), list, revoke."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.accounts.models import User
from evidentia.cases.models import Case
from evidentia.cases.policy import visible_case
from evidentia.community.forms import InviteForm
from evidentia.community.models import Invite, InviteFile
from evidentia.community.services import invites
from evidentia.community.views._base import error_page, refuse
from evidentia.core.errors import EvidentiaError, NotFound
from evidentia.evidence import policy


def _case(user: User, case_id: object) -> Case:
    try:
        ident = uuid.UUID(str(case_id))
    except ValueError as exc:
        raise NotFound("No such case, or you do not have access to it.") from exc
    return visible_case(user, ident)


def _allowed(request: HttpRequest, case: Case) -> bool:
    try:
        invites.check_can_invite(signed_in_user(request), case)
    except EvidentiaError:
        return False
    return True


@staff_required
@never_cache
def new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    case_id = request.POST.get("case") if request.method == "POST" else request.GET.get("case")
    try:
        case = _case(user, case_id)
        invites.check_can_invite(user, case)
    except EvidentiaError as exc:
        return error_page(request, exc)
    form = InviteForm(request.POST or None, initial={"case": case.pk})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                invite, token = invites.create(
                    case,
                    d["label"],
                    d["email"] or "",
                    d["message"] or "",
                    days=d["days"],
                    max_files=d["max_files"],
                    max_bytes=d["max_mb"] * 1024**2,
                    actor=user,
                    request=request,
                )
            except EvidentiaError as exc:
                status = refuse(form, exc)
            else:
                # Shown once, in this response only: the token is not stored anywhere.
                url = invites.invite_url(token, request)
                return render(
                    request,
                    "community/staff/invite_created.html",
                    {
                        "nav": "cases",
                        "case": case,
                        "invite": invite,
                        "url": url,
                        "qr": invites.qr_svg(url),
                    },
                    status=201,
                )
    return render(
        request,
        "community/staff/invite_new.html",
        {"nav": "cases", "case": case, "form": form},
        status=status,
    )


@staff_required
def case_invites(request: HttpRequest, case_id: object) -> HttpResponse:
    user = signed_in_user(request)
    try:
        case = _case(user, case_id)
    except EvidentiaError as exc:
        return error_page(request, exc)
    rows = list(
        Invite.objects.filter(case=case)
        .select_related("created_by", "revoked_by")
        .annotate(received=Count("files"))
        .order_by("-created_at")
    )
    visible = set(
        policy.visible_items(user)
        .filter(pk__in=InviteFile.objects.filter(invite__case=case).values("item_id"))
        .values_list("pk", flat=True)
    )
    files: dict[object, list[InviteFile]] = {}
    for link in InviteFile.objects.filter(invite__case=case).select_related("item"):
        files.setdefault(link.invite_id, []).append(link)
    return render(
        request,
        "community/staff/invites.html",
        {
            "nav": "cases",
            "case": case,
            "rows": [
                {"invite": i, "files": files.get(i.pk, []), "received": i.received} for i in rows
            ],
            "visible": visible,
            "can_invite": _allowed(request, case),
        },
    )


@staff_required
@require_POST
def revoke(request: HttpRequest, invite_id: object) -> HttpResponse:
    user = signed_in_user(request)
    try:
        invite = Invite.objects.select_related("case").filter(pk=invite_id).first()
        if invite is None:
            raise NotFound("There is no such invite.")
        _case(user, invite.case_id)  # NotFound for a case the user cannot see
    except EvidentiaError as exc:
        return error_page(request, exc)
    try:
        invites.revoke(invite, actor=user, request=request)
    except EvidentiaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Invite “{invite.label}” revoked: its link no longer works.")
    return HttpResponseRedirect(reverse("community:case_invites", args=[invite.case_id]))
