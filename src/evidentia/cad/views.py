"""CAD pages: import (upload, map columns, result), recording policy, compliance report.
Every change goes through `cad.services`."""

from __future__ import annotations

import csv
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.cad.models import CallTypePolicy, Import
from evidentia.cad.services import access, background, compliance, csvfile, policies, uploads
from evidentia.core import csvsafe, staged
from evidentia.core.errors import EvidentiaError, NotFound, Rejected

RECENT = 20
BY = (("call_type", "Call type"), ("unit", "Unit"), ("officer", "Officer"))


def _error(request: HttpRequest, exc: EvidentiaError) -> HttpResponse:
    return render(
        request, "cad/error.html", {"nav": "cad", "message": exc.message}, status=exc.status
    )


def _import_page(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    context = {
        "nav": "cad",
        "error": error,
        "imports": Import.objects.select_related("imported_by")[:RECENT],
        "modes": Import.Mode.choices,
    }
    return render(request, "cad/import.html", context, status=status)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    try:
        access.check_import(user)
    except EvidentiaError as exc:
        return _error(request, exc)
    if request.method != "POST":
        return _import_page(request)
    upload = request.FILES.get("file")
    if upload is None:
        return _import_page(request, "Choose a CSV file to import.", 422)
    try:
        token, path = uploads.STAGED.save(request, upload)
    except Rejected as exc:
        return _import_page(request, exc.message, exc.status)
    try:
        with path.open("rb") as stream:
            headers = csvfile.read_headers(stream)
    except Rejected as exc:
        uploads.STAGED.forget(request, token)
        return _import_page(request, exc.message, exc.status)
    name = upload.name or "upload.csv"
    return _mapping_page(request, token, name, headers, csvfile.default_mapping(headers))


def _mapping_page(
    request: HttpRequest,
    token: str,
    name: str,
    headers: list[str],
    mapping: dict[str, str],
    mode: str = Import.Mode.ALL_OR_NOTHING,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    fields = [
        {"name": f, "required": f in csvfile.REQUIRED, "column": mapping.get(f, "")}
        for f in csvfile.FIELDS
    ]
    context = {
        "nav": "cad",
        "token": token,
        "file_name": name,
        "headers": headers,
        "fields": fields,
        "modes": Import.Mode.choices,
        "mode": mode,
        "error": error,
    }
    return render(request, "cad/mapping.html", context, status=status)


@staff_required
@require_POST
def run_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    token = request.POST.get("token", "")
    try:
        access.check_import(user)
        path, name = uploads.STAGED.get(request, token)
    except EvidentiaError as exc:
        return _error(request, exc)
    mapping = {f: request.POST.get(f"map_{f}", "") for f in csvfile.FIELDS}
    mode = request.POST.get("mode", Import.Mode.ALL_OR_NOTHING)
    with path.open("rb") as stream:
        headers = csvfile.read_headers(stream)
    try:
        # The mapping is checked here so a mistake is answered on the form at once; the
        # rows are read by the background task.
        csvfile.check_mapping(headers, mapping)
        imp = background.queue_import(
            token, file_name=name, actor=user, mode=mode, mapping=mapping, request=request
        )
    except Rejected as exc:
        return _mapping_page(request, token, name, headers, mapping, mode, exc.message, exc.status)
    uploads.STAGED.hand_over(request, token)
    return redirect("cad:import_result", import_id=imp.pk)


def _visible_import(request: HttpRequest, import_id: str) -> Import:
    access.check_import(signed_in_user(request))
    imp = Import.objects.filter(pk=import_id).select_related("imported_by").first()
    if imp is None:
        raise NotFound("No such import.")
    return imp


@staff_required
@require_safe
def result_view(request: HttpRequest, import_id: str) -> HttpResponse:
    """The result, or while queued or running its progress; `?format=json` is the
    progress alone, for the page's poll."""
    as_json = request.GET.get("format") == "json"
    try:
        imp = _visible_import(request, import_id)
    except EvidentiaError as exc:
        if as_json:
            return JsonResponse({"error": exc.message}, status=exc.status)
        return _error(request, exc)
    if as_json:
        return staged.status_response(imp)
    errors = [e for e in imp.errors if e.get("level", "error") == "error"]
    warnings = [e for e in imp.errors if e.get("level") == "warning"]
    context = {
        "nav": "cad",
        "imp": imp,
        "errors": errors,
        "warnings": warnings,
        "progress": staged.status(imp),
    }
    return render(request, "cad/result.html", context)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def policies_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    try:
        access.check_read(user)
    except EvidentiaError as exc:
        return _error(request, exc)
    error, status = "", 200
    if request.method == "POST":
        try:
            policy = policies.set_policy(
                request.POST.get("call_type", ""),
                actor=user,
                must_record=request.POST.get("must_record") == "on",
                late_after_seconds=request.POST.get("late_after_seconds", "120"),
                min_coverage=request.POST.get("min_coverage_percent", "50"),
                request=request,
            )
        except EvidentiaError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, f"Recording policy for {policy.call_type} saved.")
            return redirect("cad:policies")
    context = {
        "nav": "cad",
        "policies": CallTypePolicy.objects.all(),
        "unnamed": policies.call_types_without_policy(),
        "editor": access.can_edit_policy(user),
        "error": error,
    }
    return render(request, "cad/policies.html", context, status=status)


FIRST_YEAR, LAST_YEAR = 1900, 2100


class BadRange(Rejected):
    status = 400


def _day(request: HttpRequest, name: str, default: date) -> date:
    text = request.GET.get(name, "").strip()
    if not text:
        return default
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise BadRange(f"The {name} date {text[:20]!r} is not a date: use YYYY-MM-DD.") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadRange(f"Choose a {name} date between {FIRST_YEAR} and {LAST_YEAR}.")
    return day


def _range(request: HttpRequest) -> tuple[datetime, datetime, str, str]:
    """[start, end) from ?start=&end= dates (inclusive days), default the last 30 days.
    Years are bounded so the day after the end, in any zone, is still a real date."""
    zone = timezone.get_default_timezone()
    today = timezone.localdate()
    first = _day(request, "start", today - timedelta(days=29))
    last = _day(request, "end", today)
    if last < first:
        raise Rejected("The end date is before the start date.")
    start = datetime.combine(first, time.min, zone)
    end = datetime.combine(last + timedelta(days=1), time.min, zone)
    return start, end, first.isoformat(), last.isoformat()


def _sorted(rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    if sort == "name":
        return sorted(rows, key=lambda r: r["label"].lower())
    if sort == "late":
        return sorted(rows, key=lambda r: (-(r["late_share"] or 0), r["label"]))
    if sort == "short":
        return sorted(rows, key=lambda r: (-(r["short_share"] or 0), r["label"]))
    return rows  # worst recorded share first, as summary() returns them


@staff_required
@require_safe
def compliance_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    try:
        access.check_read(user)
        start, end, first, last = _range(request)
    except EvidentiaError as exc:
        return _error(request, exc)
    if request.GET.get("format") == "csv":
        by = request.GET.get("by", "unit")
        if by not in dict(BY):
            return _error(request, Rejected("by must be call_type, unit or officer."))
        return _csv(compliance.summary(start, end, by=by, viewer=user), by, first, last)
    sort = request.GET.get("sort", "worst")
    restricted, _unit = access.officer_unit_scope(user)
    tables = [
        {
            "by": by,
            "title": "Officer in your unit" if by == "officer" and restricted else title,
            "rows": _sorted(compliance.summary(start, end, by=by, viewer=user), sort),
        }
        for by, title in BY
    ]
    context = {
        "nav": "cad",
        "start": first,
        "end": last,
        "sort": sort,
        "tables": tables,
        "totals": compliance.totals(start, end),
        "must_record": CallTypePolicy.objects.filter(must_record=True).count(),
    }
    return render(request, "cad/compliance.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(rows: list[dict[str, Any]], by: str, first: str, last: str) -> HttpResponse:
    columns = [
        "label", "assignments", "recorded", "unrecorded", "late", "short",
        "recorded_share", "late_share", "short_share",
    ]  # fmt: skip
    writer = csv.writer(_Echo())
    lines = [writer.writerow([by, *columns[1:]])]
    # Call types and names come from imported files: formula-like text is quoted.
    lines += [writer.writerow(csvsafe.row([r[c] for c in columns])) for r in rows]
    response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="bodycam-compliance-{by}-{first}-{last}.csv"'
    )
    return response


@staff_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return redirect("cad:compliance")
