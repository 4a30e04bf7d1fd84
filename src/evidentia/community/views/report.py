"""One report as staff see it, and the forms that work it.

Every POST finds the report through `_common.get_report` (NotFound for a report the
user may not see, complaints included), calls one service and redirects back with a
message. Bad input re-renders the page with the message next to the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.accounts.models import User
from evidentia.cases.services import CASE_CREATORS
from evidentia.community import forms as f
from evidentia.community.models import Report, Status, Visibility
from evidentia.community.services import media as media_svc
from evidentia.community.services import moderation, public, triage
from evidentia.community.services._common import get_report, visible_reports
from evidentia.community.services.reports import Invalid
from evidentia.community.views._base import error_page, refuse
from evidentia.core.errors import EvidentiaError
from evidentia.evidence.models import Kind

FORMS: dict[str, type[f.StaffForm]] = {
    "status": f.StatusForm,
    "assign": f.AssignForm,
    "reply": f.ReplyForm,
    "merge": f.MergeForm,
    "moderate": f.ModerateForm,
    "listed": f.ListedForm,
    "case": f.OpenCaseForm,
}


def _allowed(check: Callable[..., Any], *args: Any) -> bool:
    try:
        check(*args)
    except EvidentiaError:
        return False
    return True


def _initial(report: Report) -> dict[str, dict[str, Any]]:
    following = Status.RESOLVED if report.status == Status.IN_PROGRESS else Status.IN_PROGRESS
    return {
        "status": {"status": following},
        "assign": {"unit": report.unit_id},
        "reply": {"visibility": Visibility.REPORTER},
        "moderate": {"text": public.public_text(report)},
        "listed": {"listed": "0" if report.public else "1"},
        "case": {"title": f"{report.service.name} (community report {report.public_id})"},
    }


def _attributes(report: Report) -> list[tuple[str, str]]:
    shown = []
    for attr in report.service.attributes:
        code = attr.get("code")
        if code not in report.attributes:
            continue
        names = {v.get("key"): v.get("name") for v in attr.get("values", [])}
        value = report.attributes[code]
        values = value if isinstance(value, list) else [value]
        shown.append(
            (attr.get("description") or code, ", ".join(str(names.get(v, v)) for v in values))
        )
    return shown


def _media(user: User, report: Report) -> list[dict[str, Any]]:
    rows = []
    for m in report.media.select_related("item__blob", "public_blob", "report__service"):
        rows.append(
            {
                "media": m,
                "item": m.item,
                "is_image": m.item.kind == Kind.IMAGE,
                "is_video": m.item.kind == Kind.VIDEO,
                "versions": media_svc.approved_versions(m),
                "can_review": _allowed(media_svc.check_can_review, user, m),
            }
        )
    return rows


def render_detail(
    request: HttpRequest,
    report: Report,
    bound: dict[str, f.StaffForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    initial = _initial(report)
    forms = {
        name: (bound or {}).get(name) or cls(prefix=name, initial=initial.get(name))
        for name, cls in FORMS.items()
    }
    error = next((name for name in forms if (bound or {}).get(name)), "")
    return render(
        request,
        "community/staff/report.html",
        {
            "nav": "community",
            "report": report,
            "forms": forms,
            "error_form": error,
            "public_text": public.public_text(report),
            "attributes": _attributes(report),
            "updates": report.updates.select_related("author"),
            "edits": report.edits.select_related("editor"),
            "media": _media(user, report),
            "candidates": [] if report.duplicate_of_id else triage.duplicates(report),
            "merged_here": visible_reports(user).filter(duplicate_of=report),
            "can_open_case": user.role in CASE_CREATORS and not report.case_id,
            "category_public": report.service.public and not report.restricted,
            "map_tiles": settings.MAP_TILE_URL,
            "map_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
        status=status,
    )


@staff_required
def detail(request: HttpRequest, report_id: object) -> HttpResponse:
    try:
        report = get_report(signed_in_user(request), report_id)
    except EvidentiaError as exc:
        return error_page(request, exc)
    return render_detail(request, report)


def detail_url(report: Report, anchor: str = "") -> str:
    url = reverse("community:report", args=[report.pk])
    return f"{url}#{anchor}" if anchor else url


Action = Callable[[Report, dict[str, Any], User, HttpRequest], str]


def _act(request: HttpRequest, report_id: object, name: str, run: Action) -> HttpResponse:
    user = signed_in_user(request)
    try:
        report = get_report(user, report_id)
    except EvidentiaError as exc:
        return error_page(request, exc)
    form = FORMS[name](request.POST, prefix=name)
    status = 422
    if form.is_valid():
        try:
            done = run(report, form.cleaned_data, user, request)
        except EvidentiaError as exc:
            status = refuse(form, exc)
            report = get_report(user, report.pk)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(detail_url(report, f"act-{name}"))
    return render_detail(request, report, {name: form}, status=status)


def _status(report: Report, d: dict[str, Any], user: User, request: HttpRequest) -> str:
    triage.set_status(report, d["status"], d["note"], actor=user, request=request)
    return f"Status set to “{Status(d['status']).label}”."


def _assign(report: Report, d: dict[str, Any], user: User, request: HttpRequest) -> str:
    triage.assign(report, d["unit"], actor=user, request=request)
    return f"Assigned to {d['unit'].name}." if d["unit"] else "The report has no unit now."


def _reply(report: Report, d: dict[str, Any], user: User, request: HttpRequest) -> str:
    triage.reply(report, d["text"], d["visibility"], actor=user, request=request)
    return {
        Visibility.PUBLIC: "Reply published on the public page and sent to the resident.",
        Visibility.REPORTER: "Reply sent privately to the resident.",
        Visibility.INTERNAL: "Internal note added.",
    }[d["visibility"]]


def _merge(report: Report, d: dict[str, Any], user: User, request: HttpRequest) -> str:
    original = visible_reports(user).filter(public_id=d["original"]).first()
    if original is None:
        raise Invalid({"original": f"There is no report {d['original']} that you can see."})
    triage.merge(report, original, actor=user, request=request)
    return f"Merged into report {original.public_id} and closed."


def _moderate(report: Report, d: dict[str, Any], user: User, request: HttpRequest) -> str:
    moderation.edit_text(report, d["text"], d["reason"], actor=user, request=request)
    return "Public text changed. The resident's original text is kept for staff."


def _listed(report: Report, d: dict[str, Any], user: User, request: HttpRequest) -> str:
    moderation.set_listed(report, d["listed"], d["reason"], actor=user, request=request)
    if d["listed"]:
        return "The report is shown publicly."
    return "The report is hidden from the public."


def _case(report: Report, d: dict[str, Any], user: User, request: HttpRequest) -> str:
    case = triage.open_case(report, d["number"], d["title"], actor=user, request=request)
    files = report.media.count()
    return f"Case {case.number} opened with {files} file{'s' if files != 1 else ''}."


def _view(name: str, run: Action) -> Callable[..., HttpResponse]:
    @staff_required
    @require_POST
    def view(request: HttpRequest, report_id: object) -> HttpResponse:
        return _act(request, report_id, name, run)

    view.__name__ = f"report_{name}"
    return view


set_status = _view("status", _status)
assign = _view("assign", _assign)
reply = _view("reply", _reply)
merge = _view("merge", _merge)
moderate = _view("moderate", _moderate)
listed = _view("listed", _listed)
open_case = _view("case", _case)
