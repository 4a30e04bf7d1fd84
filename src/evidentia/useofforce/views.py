"""Use-of-force pages: the lists, the officer's form, the report with its review chain.
Every change goes through `useofforce.services`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.accounts.models import Role, User
from evidentia.core.errors import EvidentiaError, NotFound
from evidentia.evidence.policy import can_play
from evidentia.useofforce import services
from evidentia.useofforce.models import ForceType, Race, ReportStatus, Sex, UseOfForceReport
from evidentia.useofforce.services import form
from evidentia.useofforce.services._common import (
    CLOSED,
    READ_ALL,
    REVIEWED,
    reviewed_by,
    sees_referrals,
    shown_reviews,
    shown_status,
)

PER_PAGE = 50
SUBJECT_FIELDS = ("race", "sex", "age", "injuries")
VIEWS = {"mine": "My reports", "review": "Awaiting my review", "all": "All I can see"}


def error_page(request: HttpRequest, exc: EvidentiaError) -> HttpResponse:
    ctx = {"nav": "force", "message": exc.message}
    return render(request, "useofforce/error.html", ctx, status=exc.status)


def _may_use(user: User) -> bool:
    return services.can_file(user) or user.role in READ_ALL


@staff_required
@require_safe
def report_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not _may_use(user):
        return error_page(request, NotFound("Page not found."))
    reports = services.visible_reports(user)
    default = "review" if user.role in (Role.SUPERVISOR, Role.ADMIN) else "mine"
    if user.role in (Role.AUDITOR, Role.STANDARDS_INVESTIGATOR):
        default = "all"
    view = request.GET.get("view", default)
    view = view if view in VIEWS else default
    if view == "mine":
        reports = reports.filter(officer=user)
    elif view == "review":
        reports = reports.filter(status=ReportStatus.SUBMITTED).exclude(officer=user)
        reports = reports.filter(Q(reviewer=user) | _also_reviewable(user))
    status = request.GET.get("status", "")
    statuses = list(ReportStatus.choices)
    if not sees_referrals(user):
        # "Approved" and "Referred" are one "Reviewed" here: filtering by either would
        # tell a referral apart (docs/decisions/0020).
        statuses = [c for c in statuses if c[0] not in CLOSED] + [REVIEWED]
        if status in CLOSED:
            status = REVIEWED[0]
        if status == REVIEWED[0]:
            reports = reports.filter(status__in=CLOSED)
    if status in ReportStatus.values:
        reports = reports.filter(status=status)
    missing = request.GET.get("missing", "") == "1"
    if missing:
        reports = reports.filter(missing_recording=True)
    reports = reports.select_related("officer", "unit", "reviewer").prefetch_related("force_types")
    page = Paginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    involved = reviewed_by(user, [r.pk for r in page.object_list])
    for r in page.object_list:
        r.shown_status = shown_status(user, r, involved)[1]
    return render(
        request,
        "useofforce/list.html",
        {
            "nav": "force",
            "page": page,
            "view": view,
            "views": VIEWS,
            "status": status,
            "statuses": statuses,
            "missing": missing,
            "can_file": services.can_file(user),
            "can_manage_types": user.role == Role.ADMIN,
        },
    )


def _also_reviewable(user: User) -> Q:
    if user.role == Role.ADMIN:
        return Q(pk__isnull=False)
    if user.role == Role.SUPERVISOR and user.unit_id:
        return Q(unit_id=user.unit_id)
    return Q(pk__in=[])


# --------------------------------------------------------------------------- the form


def _values_of(report: UseOfForceReport) -> dict[str, Any]:
    return {
        "incident_number": report.incident_number,
        "occurred_at": report.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M"),
        "location": report.location,
        "lat": "" if report.lat is None else report.lat,
        "lon": "" if report.lon is None else report.lon,
        "district": report.district,
        "force_types": [t.code for t in report.force_types.all()],
        "reason": report.reason,
        "deescalation_attempted": report.deescalation_attempted,
        "deescalation": report.deescalation,
        "officer_injured": report.officer_injured,
        "officer_injuries": report.officer_injuries,
        "recordings": [str(pk) for pk in report.recordings.values_list("pk", flat=True)],
        "subjects": [
            {
                "race": s.race,
                "sex": s.sex,
                "age": s.age or "",
                "injured": s.injured,
                "injuries": s.injuries,
            }
            for s in report.subjects.all()
        ],
    }


def _values_posted(data: Any) -> dict[str, Any]:
    values: dict[str, Any] = {k: data.get(k, "") for k in data}
    values["force_types"] = data.getlist("force_types")
    values["recordings"] = data.getlist("recordings")
    values["deescalation_attempted"] = data.get("deescalation_attempted") in form.YES
    values["officer_injured"] = data.get("officer_injured") in form.YES
    values["subjects"] = [
        {f: data.get(f"subject-{i}-{f}", "") for f in ("race", "sex", "age", "injuries")}
        | {"injured": data.get(f"subject-{i}-injured") in form.YES}
        for i in range(form.MAX_SUBJECTS)
    ]
    while values["subjects"] and not any(values["subjects"][-1].values()):
        values["subjects"].pop()
    return values


def _candidates(user: User, values: dict[str, Any], report: UseOfForceReport | None) -> list:
    try:
        moment = datetime.fromisoformat(str(values.get("occurred_at", "")))
        when = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    except ValueError:
        when = None
    incident = str(values.get("incident_number", "")).strip()
    found = services.candidates(user, when, incident)
    if report is not None:
        found = found | report.recordings.all()
    return list(found.distinct().order_by("recorded_at"))


def _form(
    request: HttpRequest,
    report: UseOfForceReport | None,
    values: dict[str, Any],
    error: EvidentiaError | None = None,
) -> HttpResponse:
    user = signed_in_user(request)
    subjects = list(values.get("subjects") or [])
    errors = getattr(error, "errors", {})
    rows = [
        {
            "i": i,
            "v": row,
            "e": {f: errors.get(f"subject-{i}-{f}", "") for f in SUBJECT_FIELDS},
        }
        for i, row in enumerate(subjects + [{}] * max(1, 3 - len(subjects)))
    ]
    on_report = set(values.get("force_types") or [])
    types = ForceType.objects.filter(Q(active=True) | Q(code__in=on_report))
    ctx = {
        "nav": "force",
        "report": report,
        "values": values,
        "subject_rows": rows[: form.MAX_SUBJECTS],
        "types": types,
        "races": Race.choices,
        "sexes": Sex.choices,
        "candidates": _candidates(user, values, report),
        "window_hours": int(services.filing.candidate_window().total_seconds() // 3600),
        "errors": errors,
        "error": error.message if error else "",
    }
    return render(request, "useofforce/form.html", ctx, status=error.status if error else 200)


def _post_form(request: HttpRequest, report: UseOfForceReport | None) -> HttpResponse:
    user = signed_in_user(request)
    action = request.POST.get("action", "save")
    values = _values_posted(request.POST)
    if action == "find":  # list recordings for the time and number typed so far
        return _form(request, report, values)
    try:
        data = form.parse(request.POST, complete=action == "submit")
        saved = services.save(user, report, data, send=action == "submit", request=request)
    except EvidentiaError as exc:
        return _form(request, report, values, exc)
    if action == "submit":
        messages.success(request, f"{saved.reference} submitted for review by {saved.reviewer}.")
    else:
        messages.success(request, f"Draft {saved.reference} saved.")
    return redirect("force:detail", report_id=saved.pk)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not services.can_file(user):
        return error_page(request, NotFound("Page not found."))
    if request.method == "POST":
        return _post_form(request, None)
    return _form(request, None, {"subjects": []})


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, report_id: str) -> HttpResponse:
    user = signed_in_user(request)
    try:
        report = services.get_report(user, report_id)
    except EvidentiaError as exc:
        return error_page(request, exc)
    if not services.can_edit(user, report):
        messages.error(request, "This report cannot be changed now.")
        return redirect("force:detail", report_id=report.pk)
    if request.method == "POST":
        return _post_form(request, report)
    return _form(request, report, _values_of(report))


# --------------------------------------------------------------------------- the report


@staff_required
@require_safe
def detail(request: HttpRequest, report_id: str) -> HttpResponse:
    user = signed_in_user(request)
    try:
        report = services.get_report(user, report_id)
    except EvidentiaError as exc:
        return error_page(request, exc)
    return _detail(request, report)


def _detail(
    request: HttpRequest, report: UseOfForceReport, error: EvidentiaError | None = None
) -> HttpResponse:
    user = signed_in_user(request)
    reviewing = services.can_review(user, report)
    ctx = {
        "nav": "force",
        "report": report,
        "subjects": report.subjects.all(),
        "types": report.force_types.all(),
        "recordings": [
            {"item": item, "playable": can_play(user, item)}
            for item in report.recordings.order_by("recorded_at")
        ],
        "reviews": shown_reviews(user, report),
        "shown_status": shown_status(user, report),
        "can_edit": services.can_edit(user, report),
        "can_review": reviewing,
        "own": report.officer_id == user.pk,
        "targets": services.forward_targets(user, report) if reviewing else [],
        "sees_complaint": user.role in (Role.STANDARDS_INVESTIGATOR, Role.ADMIN),
        "routed_to_admin": report.reviewer is not None
        and report.reviewer.role == Role.ADMIN
        and report.status == ReportStatus.SUBMITTED,
        "error": error.message if error else "",
        "form": request.POST if error else {},
    }
    return render(request, "useofforce/detail.html", ctx, status=error.status if error else 200)


@staff_required
@require_POST
def submit(request: HttpRequest, report_id: str) -> HttpResponse:
    user = signed_in_user(request)
    try:
        report = services.get_report(user, report_id)
    except EvidentiaError as exc:
        return error_page(request, exc)
    try:
        report = services.submit(user, report, request)
    except EvidentiaError as exc:
        return _detail(request, report, exc)
    messages.success(request, f"{report.reference} submitted for review by {report.reviewer}.")
    return redirect("force:detail", report_id=report.pk)


DONE = {
    "approve": "Report approved.",
    "return": "Report returned to the officer with your comments.",
    "refer": "Report referred to professional standards.",
    "forward": "Report forwarded.",
}


@staff_required
@require_POST
def review(request: HttpRequest, report_id: str) -> HttpResponse:
    user = signed_in_user(request)
    try:
        report = services.get_report(user, report_id)
    except EvidentiaError as exc:
        return error_page(request, exc)
    action = request.POST.get("action", "")
    comments = request.POST.get("comments", "")
    try:
        if action == "approve":
            services.approve(user, report, comments, request)
        elif action == "return":
            services.return_for_changes(user, report, comments, request)
        elif action == "refer":
            services.refer(user, report, comments, request)
        elif action == "forward":
            services.forward(user, report, request.POST.get("to", ""), comments, request)
        else:
            raise NotFound("Choose approve, return, refer or forward.")
    except EvidentiaError as exc:
        return _detail(request, report, exc)
    messages.success(request, DONE[action])
    return redirect("force:list")
