"""/public/: the report form. The basic path needs no JavaScript (a multipart POST
with the files); with scripts the page sends the fields here as JSON-answered POST,
then uploads each file over tus with the grant it gets back."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from evidentia.community.models import Alert, Service
from evidentia.community.public_forms import form_values, parse_report
from evidentia.community.public_views import streaming
from evidentia.community.public_views.common import page, too_many, wants_json
from evidentia.community.services import geo, grants, ratelimit, reports
from evidentia.community.services.reports import MAX_DESCRIPTION

INPUTS = {"string": "text", "number": "number", "datetime": "datetime-local"}
ANCHORS = {
    "service_code": "f-category",
    "description": "f-description",
    "location": "f-address",
    "occurred_at": "f-occurred",
    "contact_email": "f-email",
    "files": "f-files",
}


def live_alerts() -> list[Alert]:
    return list(Alert.objects.live())


def _questions(
    service: Service, values: dict[str, list[str]], errors: dict[str, str], chosen: bool
) -> list[dict[str, Any]]:
    """The service's Open311 attributes as form fields."""
    out = []
    for attr in sorted(service.attributes, key=lambda a: a.get("order") or 0):
        if not attr.get("variable", True):
            continue
        code = attr["code"]
        given = [v for v in values.get(code, []) if v]
        out.append(
            {
                "code": code,
                "name": f"attribute[{code}]",
                "id": f"attr-{service.code}-{code}",
                "label": attr.get("description") or code,
                "hint": attr.get("datatype_description") or "",
                "datatype": attr.get("datatype", "string"),
                "input": INPUTS.get(attr.get("datatype", "string"), "text"),
                "required": bool(attr.get("required")),
                "options": attr.get("values", []),
                "value": given[0] if given and chosen else "",
                "values": given if chosen else [],
                "error": errors.get(f"attribute[{code}]", "") if chosen else "",
            }
        )
    return out


def form_context(data: QueryDict | None = None, errors: dict[str, str] | None = None) -> dict:
    errors = errors or {}
    values = form_values(data) if data is not None else {"attributes": {}}
    chosen = values.get("service_code", "")
    services = [
        {
            "service": s,
            "questions": _questions(s, values["attributes"], errors, s.code == chosen),
        }
        for s in Service.objects.filter(active=True)
    ]
    center = geo.map_center()
    links = [
        {
            "href": ANCHORS.get(key) or f"attr-{chosen}-{key[len('attribute[') : -1]}",
            "message": message,
        }
        for key, message in errors.items()
    ]
    return {
        "services": services,
        "values": values,
        "errors": errors,
        "error_links": links,
        "chosen": chosen,
        "max_description": MAX_DESCRIPTION,
        "alerts": live_alerts(),
        "time_zone": settings.TIME_ZONE,
        "map_config": {
            "center": center,
            "bounds": geo.bounds(),
            "tiles": settings.MAP_TILE_URL,
            "attribution": settings.MAP_TILE_ATTRIBUTION,
        },
        "nav": "report",
    }


@csrf_exempt  # checked in streaming.read_form, once the vault handler is in place
@require_http_methods(["GET", "HEAD", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return page(request, "report_form.html", form_context())
    as_json = wants_json(request)
    try:  # before the body is read: a flood costs no vault writes
        ratelimit.hit(request, "report", settings.PORTAL_REPORTS_PER_HOUR, "reports")
    except ratelimit.RateLimited as exc:
        return too_many(request, exc, as_json)
    with streaming.incoming(
        request, max_bytes=settings.PORTAL_MAX_FILE_BYTES, max_files=settings.PORTAL_MAX_FILES
    ) as handler:
        if (refused := streaming.read_form(request)) is not None:
            return refused
        new, errors = parse_report(request.POST)
        try:
            if errors:
                raise reports.Invalid(reports.validate(new)[2] | errors)
            filed = reports.file_report(new, request=request)
        except reports.Invalid as exc:
            if as_json:
                return JsonResponse({"errors": exc.errors}, status=400)
            if streaming.stored(handler) or (handler and handler.refused):
                exc.errors.setdefault(
                    "files",
                    "Your files were not kept because of the problems above: choose "
                    "them again before you send.",
                )
            context = form_context(request.POST, exc.errors)
            return page(request, "report_form.html", context, status=400)
        _, problems = streaming.store_report_files(filed.report, handler)
    track = reverse("public:track", args=[filed.code])
    if as_json:
        return JsonResponse(
            {
                "code": filed.code,
                "track_url": track,
                "upload_grant": grants.upload_token(grants.report_key(filed.report)),
                "upload_scope": grants.upload_scope(grants.report_key(filed.report)),
                "upload_endpoint": reverse("public_tus:collection"),
            },
            status=201,
        )
    for text in problems:
        messages.error(request, text)
    return redirect(f"{track}?new=1")
