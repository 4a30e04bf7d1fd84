"""/standards/: the professional-standards queue, intake and complaint pages. Anyone who
is not a standards investigator or an administrator gets the ordinary 404 page, never a
403: not even the existence of a complaint leaks. Every change goes through services."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.accounts.models import Role, User
from evidentia.community.models import ReportUpdate
from evidentia.core.errors import EvidentiaError, Rejected
from evidentia.evidence import policy
from evidentia.evidence.models import Kind
from evidentia.standards.models import (
    ActionKind,
    AllegationType,
    ComplaintStatus,
    Finding,
    Source,
)
from evidentia.standards.services import allegations, intake, investigation, linking
from evidentia.standards.services.access import (
    STANDARDS_ROLES,
    get_complaint,
    is_standards,
    visible_complaints,
)


def _standards_user(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not is_standards(user):
        raise Http404("Page not found.")
    return user


def _complaint(user: User, complaint_id: Any):
    try:
        return get_complaint(user, complaint_id)
    except EvidentiaError:
        raise Http404("No such complaint.") from None


def _error(request: HttpRequest, exc: EvidentiaError) -> HttpResponse:
    ctx = {"nav": "standards", "message": exc.message}
    return render(request, "standards/error.html", ctx, status=exc.status)


def _officers():
    return User.objects.filter(is_active=True, role__in=[Role.OFFICER, Role.SUPERVISOR]).order_by(
        "username"
    )


def _investigators():
    return User.objects.filter(is_active=True, role__in=STANDARDS_ROLES).order_by("username")


@staff_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    user = _standards_user(request)
    rows = visible_complaints(user).select_related("assignee")
    today = timezone.now().date()
    assignee = request.GET.get("assignee", "")
    if assignee == "me":
        rows = rows.filter(assignee=user)
    elif assignee == "none":
        rows = rows.filter(assignee__isnull=True)
    elif _small_id(assignee):
        rows = rows.filter(assignee_id=int(assignee))
    else:
        assignee = ""
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        rows = rows.filter(due_on__lt=today).exclude(status=ComplaintStatus.CLOSED)
    counted = dict(rows.order_by().values_list("status").annotate(n=Count("pk")))
    status = request.GET.get("status", "")
    if status in ComplaintStatus.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    # The annotation drops the model's default ordering: keep "newest first".
    rows = rows.annotate(
        n_allegations=Count("allegations", distinct=True),
        n_open=Count("allegations", filter=Q(allegations__finding=""), distinct=True),
    ).order_by("-received_at")
    context = {
        "nav": "standards",
        "complaints": rows[:200],
        "counts": [(v, label, counted.get(v, 0)) for v, label in ComplaintStatus.choices],
        "total": sum(counted.values()),
        "status": status,
        "assignee": assignee,
        "overdue": overdue,
        "investigators": _investigators(),
        "today": today,
    }
    return render(request, "standards/queue.html", context)


# Ids typed into a form or a query string: plain ASCII digits (str.isdigit also takes
# superscripts, which int() refuses) and short enough for a database integer.
MAX_ID_DIGITS = 18


def _small_id(value: str) -> bool:
    return value.isascii() and value.isdecimal() and len(value) <= MAX_ID_DIGITS


def _when(value: str) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:  # well formed but impossible, e.g. 30 February
        parsed = None
    if parsed is None:
        raise Rejected("Give a real date and time as shown, e.g. 2026-03-14 18:30.")
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)  # the form asks for UTC
    if parsed.year < 1900 or parsed > timezone.now():
        raise Rejected("The incident time must be a real time in the past (UTC).")
    return parsed


def _officer_or_none(value: str) -> User | None:
    if not value:
        return None
    officer = _officers().filter(pk=value if _small_id(value) else -1).first()
    if officer is None:
        raise Rejected("Choose the officer from the list, or leave it empty.")
    return officer


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user = _standards_user(request)
    context: dict[str, Any] = {
        "nav": "standards",
        "sources": [(s.value, s.label) for s in intake.STAFF_SOURCES],
        "types": AllegationType.choices,
        "officers": _officers(),
        "form": request.POST,
    }
    if request.method == "POST":
        post = request.POST
        try:
            complaint, filed = intake.take_complaint(
                actor=user,
                source=post.get("source", ""),
                description=post.get("description", ""),
                allegation_type=post.get("allegation_type", ""),
                where=post.get("where", ""),
                officer=_officer_or_none(post.get("officer", "")),
                officer_description=post.get("officer_description", ""),
                occurred_at=_when(post.get("occurred_at", "")),
                contact_name=post.get("contact_name", ""),
                contact_email=post.get("contact_email", ""),
                contact_phone=post.get("contact_phone", ""),
                request=request,
            )
        except EvidentiaError as exc:
            context["error"] = exc.message
            context["errors"] = getattr(exc, "errors", {})
            return render(request, "standards/new.html", context, status=exc.status)
        link = request.build_absolute_uri(reverse("public:track", args=[filed.code]))
        response = render(
            request,
            "standards/taken.html",
            {"nav": "standards", "complaint": complaint, "code": filed.code, "link": link},
        )
        response["Cache-Control"] = "no-store"  # the code is shown once
        return response
    return render(request, "standards/new.html", context)


@staff_required
@require_safe
def detail(request: HttpRequest, complaint_id: str) -> HttpResponse:
    user = _standards_user(request)
    return _detail(request, user, _complaint(user, complaint_id))


def _detail(request, user, complaint, error: EvidentiaError | None = None) -> HttpResponse:
    allegations = complaint.allegations.select_related("officer", "finding_by").prefetch_related(
        "actions__decided_by"
    )
    linked = [
        {
            "link": link,
            "item": link.item,
            # Administrators see metadata only (evidence policy): they get the page link.
            "playable": link.item.kind == Kind.VIDEO and policy.can_play(user, link.item),
            "has_proxy": link.item.derivatives.filter(kind="proxy").exists(),
        }
        for link in complaint.evidence.select_related("item", "item__officer", "added_by")
    ]
    report = complaint.report
    context = {
        "nav": "standards",
        "complaint": complaint,
        "report": report,
        # What the complainant added after filing: more information and files.
        "added": report.updates.filter(kind=ReportUpdate.Kind.RESIDENT) if report else [],
        "files": report.media.select_related("item") if report else [],
        "allegations": allegations,
        "linked": linked,
        "candidates": linking.candidates(user, complaint) if complaint.is_open else [],
        "notes": complaint.notes.select_related("author"),
        "investigators": _investigators(),
        "officers": _officers(),
        "types": AllegationType.choices,
        "findings": Finding.choices,
        "actions": ActionKind.choices,
        "statuses": [s for s in ComplaintStatus.choices if s[0] != ComplaintStatus.CLOSED],
        "close_problems": investigation.close_problems(complaint) if complaint.is_open else [],
        "overdue": complaint.is_open
        and complaint.due_on is not None
        and complaint.due_on < timezone.now().date(),
        "error": error.message if error else "",
        "internal": complaint.source == Source.INTERNAL,
    }
    return render(
        request, "standards/complaint.html", context, status=error.status if error else 200
    )


def _act(request: HttpRequest, complaint_id: str, action, done: str, anchor: str) -> HttpResponse:
    user = _standards_user(request)
    complaint = _complaint(user, complaint_id)
    try:
        action(user, complaint, request.POST)
    except EvidentiaError as exc:
        complaint.refresh_from_db()
        return _detail(request, user, complaint, exc)
    messages.success(request, done)
    return redirect(reverse("standards:detail", args=[complaint.pk]) + f"#{anchor}")


def _due(value: str):
    if not value:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:  # well formed but impossible, e.g. 2026-02-30
        parsed = None
    if parsed is None:
        raise Rejected("Give the due date as a real date, YYYY-MM-DD.")
    return parsed


@staff_required
@require_POST
def assign(request: HttpRequest, complaint_id: str) -> HttpResponse:
    def act(user, complaint, post):
        investigation.assign(
            user,
            complaint,
            assignee_id=post.get("assignee"),
            due_on=_due(post.get("due_on", "")),
            request=request,
        )

    return _act(request, complaint_id, act, "Assignment saved.", "assignment")


@staff_required
@require_POST
def status(request: HttpRequest, complaint_id: str) -> HttpResponse:
    def act(user, complaint, post):
        investigation.set_status(user, complaint, post.get("status", ""), request=request)

    return _act(request, complaint_id, act, "Status changed.", "assignment")


@staff_required
@require_POST
def details(request: HttpRequest, complaint_id: str) -> HttpResponse:
    def act(user, complaint, post):
        investigation.update_details(
            user,
            complaint,
            summary=post.get("summary", ""),
            incident_at=_when(post.get("incident_at", "")),
            incident_number=post.get("incident_number", ""),
            location=post.get("location", ""),
            request=request,
        )

    return _act(request, complaint_id, act, "Details saved.", "details")


@staff_required
@require_POST
def note(request: HttpRequest, complaint_id: str) -> HttpResponse:
    def act(user, complaint, post):
        investigation.add_note(user, complaint, post.get("text", ""), request=request)

    return _act(request, complaint_id, act, "Note added.", "notes")


@staff_required
@require_POST
def allegation(request: HttpRequest, complaint_id: str) -> HttpResponse:
    def act(user, complaint, post):
        allegations.add_allegation(
            user,
            complaint,
            type=post.get("type", ""),
            officer_id=post.get("officer") or None,
            description=post.get("description", ""),
            request=request,
        )

    return _act(request, complaint_id, act, "Allegation added.", "allegations")


@staff_required
@require_POST
def allegation_edit(request: HttpRequest, complaint_id: str, allegation_id: int) -> HttpResponse:
    def act(user, complaint, post):
        _own(complaint, allegation_id)
        allegations.update_allegation(
            user,
            allegation_id,
            type=post.get("type", ""),
            officer_id=post.get("officer") or None,
            description=post.get("description", ""),
            request=request,
        )

    return _act(request, complaint_id, act, "Allegation saved.", f"allegation-{allegation_id}")


def _own(complaint, allegation_id: int) -> None:
    if not complaint.allegations.filter(pk=allegation_id).exists():
        raise Http404("No such allegation.")


@staff_required
@require_POST
def finding(request: HttpRequest, complaint_id: str, allegation_id: int) -> HttpResponse:
    def act(user, complaint, post):
        _own(complaint, allegation_id)
        allegations.record_finding(
            user,
            allegation_id,
            post.get("finding", ""),
            note=post.get("note", ""),
            request=request,
        )

    return _act(request, complaint_id, act, "Finding recorded.", f"allegation-{allegation_id}")


@staff_required
@require_POST
def action(request: HttpRequest, complaint_id: str, allegation_id: int) -> HttpResponse:
    def act(user, complaint, post):
        _own(complaint, allegation_id)
        allegations.add_action(
            user,
            allegation_id,
            post.get("kind", ""),
            description=post.get("description", ""),
            request=request,
        )

    return _act(
        request, complaint_id, act, "Corrective action recorded.", f"allegation-{allegation_id}"
    )


@staff_required
@require_POST
def letter(request: HttpRequest, complaint_id: str) -> HttpResponse:
    def act(user, complaint, post):
        investigation.set_closing_letter(user, complaint, post.get("text", ""), request=request)

    return _act(request, complaint_id, act, "Closing letter saved.", "closing")


@staff_required
@require_POST
def close(request: HttpRequest, complaint_id: str) -> HttpResponse:
    def act(user, complaint, post):
        investigation.close(user, complaint, closing_letter=post.get("text"), request=request)

    return _act(request, complaint_id, act, "Complaint closed.", "closing")


@staff_required
@require_POST
def link(request: HttpRequest, complaint_id: str) -> HttpResponse:
    def act(user, complaint, post):
        linking.link(
            user, complaint, post.get("item", ""), note=post.get("note", ""), request=request
        )

    return _act(request, complaint_id, act, "Recording linked.", "evidence")
