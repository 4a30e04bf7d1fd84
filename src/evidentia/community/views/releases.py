"""Public releases of redacted footage: every staff member may read the list;
custodians publish (choosing an item, then one of its approved redacted versions)
and withdraw."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.community.forms import StaffForm
from evidentia.community.models import Release
from evidentia.community.services import releases
from evidentia.community.services.reports import MAX_DESCRIPTION
from evidentia.community.views._base import error_page, refuse
from evidentia.core.errors import EvidentiaError, NotFound
from evidentia.evidence.models import Item
from evidentia.redaction.models import RedactedVersion


def _label(version: RedactedVersion) -> str:
    return (
        f"Plan {version.plan.number}, rendered {version.created_at:%Y-%m-%d %H:%M} UTC "
        f"· SHA-256 {version.blob.sha256[:16]}…"
    )


class ReleaseForm(StaffForm):
    version = forms.ChoiceField(label="Redacted version", widget=forms.RadioSelect)
    title = forms.CharField(max_length=releases.MAX_TITLE)
    incident_date = forms.DateField(
        label="Date of the incident", widget=forms.DateInput(attrs={"type": "date"})
    )
    summary = forms.CharField(
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Incident summary",
    )
    statement = forms.CharField(
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Agency statement",
        help_text="Shown on the public page exactly as written.",
    )

    def __init__(self, *args: Any, versions: list[RedactedVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["version"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(v.pk), _label(v)) for v in versions]


class WithdrawForm(StaffForm):
    reason = forms.CharField(required=False, max_length=releases.MAX_REASON)


@staff_required
def release_list(request: HttpRequest) -> HttpResponse:
    rows = Release.objects.select_related("item", "published_by", "withdrawn_by")
    return render(
        request,
        "community/staff/releases.html",
        {
            "nav": "releases",
            "releases": rows,
            "can_publish": releases.can_publish(signed_in_user(request)),
        },
    )


def _new_page(
    request: HttpRequest,
    item: Item | None,
    form: ReleaseForm | None,
    status: int = 200,
    item_error: str = "",
) -> HttpResponse:
    return render(
        request,
        "community/staff/releases_new.html",
        {
            "nav": "releases",
            "item": item,
            "item_value": request.GET.get("item", ""),
            "item_error": item_error,
            "form": form,
        },
        status=status,
    )


@staff_required
def new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    try:
        releases.check_can_publish(user)
    except EvidentiaError as exc:
        return error_page(request, exc)
    item_id = request.GET.get("item", "").strip()
    if not item_id:
        return _new_page(request, None, None)
    try:
        item = releases.get_item(user, item_id)
    except NotFound as exc:
        return _new_page(request, None, None, 404, exc.message)
    versions = releases.approved_versions(item)
    if request.method != "POST":
        return _new_page(request, item, ReleaseForm(versions=versions))
    form = ReleaseForm(request.POST, versions=versions)
    status = 422
    if form.is_valid():
        d = form.cleaned_data
        new_release = releases.NewRelease(
            d["title"], d["statement"], d["summary"], d["incident_date"]
        )
        try:
            release = releases.publish(item, d["version"], new_release, actor=user, request=request)
        except EvidentiaError as exc:
            status = refuse(form, exc)
        else:
            messages.success(request, f"“{release.title}” is released on the public portal.")
            return HttpResponseRedirect(reverse("community:releases"))
    return _new_page(request, item, form, status)


@staff_required
@require_POST
def withdraw(request: HttpRequest, release_id: object) -> HttpResponse:
    user = signed_in_user(request)
    release = Release.objects.filter(pk=release_id).first()
    try:
        releases.check_can_publish(user)
        if release is None:
            return error_page(request, NotFound("There is no such release."))
        form = WithdrawForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        releases.withdraw(release, reason, actor=user, request=request)
    except EvidentiaError as exc:
        if exc.status == 403:
            return error_page(request, exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, f"“{release.title}” withdrawn from the public portal.")
    return HttpResponseRedirect(reverse("community:releases"))
