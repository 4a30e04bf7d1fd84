"""Import pages: upload a CSV, map its columns and choose the dataset, see the result;
and copy the agency's CAD calls in as incidents. Every change goes through
`analytics.services`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.analytics.models import Dataset, ImportRun
from evidentia.analytics.services import access, background, cad, imports, rows
from evidentia.analytics.views import error_page
from evidentia.core import staged
from evidentia.core.errors import EvidentiaError, NotFound, Rejected

STAGED = imports.STAGED
RECENT = 20


def _import_page(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    context = {
        "nav": "analytics",
        "tab": "import",
        "error": error,
        "runs": ImportRun.objects.select_related("imported_by", "dataset")[:RECENT],
    }
    return render(request, "analytics/import.html", context, status=status)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    try:
        access.check_import(signed_in_user(request))
    except EvidentiaError as exc:
        return error_page(request, exc)
    if request.method != "POST":
        return _import_page(request)
    upload = request.FILES.get("file")
    if upload is None:
        return _import_page(request, "Choose a CSV file to import.", 422)
    try:
        token, path = STAGED.save(request, upload)
    except Rejected as exc:
        return _import_page(request, exc.message, exc.status)
    try:
        with path.open("rb") as stream:
            headers = rows.read_headers(stream)
    except Rejected as exc:
        STAGED.forget(request, token)
        return _import_page(request, exc.message, exc.status)
    form = {"mode": ImportRun.Mode.ALL_OR_NOTHING}
    name = upload.name or "upload.csv"
    return _mapping_page(request, token, name, headers, rows.default_mapping(headers), form)


def _mapping_page(
    request: HttpRequest,
    token: str,
    name: str,
    headers: list[str],
    mapping: dict[str, str],
    form: dict[str, str],
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    fields = [
        {"name": f, "required": f in rows.REQUIRED, "column": mapping.get(f, "")}
        for f in rows.FIELDS
    ]
    context = {
        "nav": "analytics",
        "tab": "import",
        "token": token,
        "file_name": name,
        "headers": headers,
        "fields": fields,
        "modes": ImportRun.Mode.choices,
        "datasets": Dataset.objects.all(),
        "form": form,
        "error": error,
    }
    return render(request, "analytics/mapping.html", context, status=status)


def _int(text: str, name: str) -> int | None:
    if not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise Rejected(f"{name} must be a whole number such as 2913.") from None


@staff_required
@require_POST
def run_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    token = request.POST.get("token", "")
    try:
        access.check_import(user)
        path, name = STAGED.get(request, token)
    except EvidentiaError as exc:
        return error_page(request, exc)
    post = request.POST
    mapping = {f: post.get(f"map_{f}", "") for f in rows.FIELDS}
    mapping = {k: v for k, v in mapping.items() if v}
    form = {
        k: post.get(k, "")
        for k in ("dataset", "new_slug", "new_name", "new_epsg", "xy_epsg", "mode")
    }
    with path.open("rb") as stream:
        headers = rows.read_headers(stream)
    try:
        # Mapping, dataset and EPSG codes are checked here so a mistake is answered on
        # the form at once; the rows are read by the background task.
        rows.check_mapping(headers, mapping)
        xy_epsg = _int(form["xy_epsg"], "The EPSG code of x/y")
        if form["dataset"]:
            dataset = imports.get_dataset(form["dataset"])
        else:
            epsg = _int(form["new_epsg"], "The dataset's EPSG code")
            if epsg is None:
                raise Rejected("Choose a dataset, or give the new dataset's EPSG code.")
            dataset = imports.new_dataset(
                form["new_slug"].strip(), name=form["new_name"].strip(), epsg=epsg
            )
        run = background.queue_import(
            token,
            dataset=dataset,
            file_name=name,
            actor=user,
            mapping=mapping,
            mode=form["mode"] or ImportRun.Mode.ALL_OR_NOTHING,
            xy_epsg=xy_epsg,
            request=request,
        )
    except EvidentiaError as exc:
        return _mapping_page(request, token, name, headers, mapping, form, exc.message, exc.status)
    STAGED.hand_over(request, token)
    return redirect("analytics:import_result", run_id=run.pk)


@staff_required
@require_POST
def cad_view(request: HttpRequest) -> HttpResponse:
    try:
        run = cad.copy_calls(actor=signed_in_user(request), request=request)
    except EvidentiaError as exc:
        return error_page(request, exc)
    return redirect("analytics:import_result", run_id=run.pk)


def _visible_run(request: HttpRequest, run_id: str) -> ImportRun:
    access.check_import(signed_in_user(request))
    run = ImportRun.objects.filter(pk=run_id).select_related("imported_by", "dataset").first()
    if run is None:
        raise NotFound("No such import.")
    return run


@staff_required
@require_safe
def result_view(request: HttpRequest, run_id: str) -> HttpResponse:
    """The result, or while queued or running its progress; `?format=json` is the
    progress alone, for the page's poll."""
    as_json = request.GET.get("format") == "json"
    try:
        run = _visible_run(request, run_id)
    except EvidentiaError as exc:
        if as_json:
            return JsonResponse({"error": exc.message}, status=exc.status)
        return error_page(request, exc)
    if as_json:
        return staged.status_response(run)
    by_level: dict[str, list] = {"error": [], "excluded": [], "warning": []}
    for e in run.errors:
        by_level.setdefault(e.get("level", "error"), []).append(e)
    context = {
        "nav": "analytics",
        "tab": "import",
        "run": run,
        "errors": by_level["error"],
        "excluded": by_level["excluded"],
        "warnings": by_level["warning"],
        "progress": staged.status(run),
    }
    return render(request, "analytics/result.html", context)
