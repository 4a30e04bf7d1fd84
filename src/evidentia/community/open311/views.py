"""Open311 GeoReport v2 at /open311/v2/: discovery, services, requests, tokens.

Every answer, errors included, is in the spec's format (XML or JSON by the URL's
extension). Reads show only the public projection; POST goes through
`reports.file_report`, the one code path the web form uses too.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from evidentia.community.models import Open311Key, Open311Type, Report, Service, Via
from evidentia.community.open311 import query
from evidentia.community.open311.params import (
    BadParameter,
    attributes,
    coordinate,
    is_service_code,
    is_token,
)
from evidentia.community.open311.render import FORMATS, JSON, XML, document, error, errors
from evidentia.community.services import notify, open311_keys, public, ratelimit, reports
from evidentia.core.errors import EvidentiaError

log = logging.getLogger(__name__)
CHANGESET = "2026-11-21T00:00:00Z"  # when this API last changed shape
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
BAD_KEY = "Invalid api_key received -- can't proceed with create_request."
# reports.Invalid's fields, as the Open311 parameters a client sent.
PARAMETER = {"contact_email": "email", "location": "location (lat/long, address_string)"}

View = Callable[..., HttpResponse]


class Refused(Exception):
    """Answer with these (code, description) errors and this HTTP status."""

    def __init__(self, status: int, problems: list[tuple[int, str]]) -> None:
        super().__init__(problems)
        self.status = status
        self.problems = problems


def endpoint(*methods: str) -> Callable[[View], View]:
    """Format, method and jurisdiction checks, and errors in the spec's format, for
    every view: a client never gets an HTML page or a stack trace from this API."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def wrap(view: View) -> View:
        @functools.wraps(view)
        def run(request: HttpRequest, fmt: str, **kwargs: str) -> HttpResponse:
            answer = _answer(view, request, fmt, allowed, kwargs)
            if request.method in ("GET", "HEAD"):
                answer["Access-Control-Allow-Origin"] = "*"
            return answer

        return run

    return wrap


def _answer(
    view: View, request: HttpRequest, fmt: str, allowed: set[str], kwargs: dict[str, str]
) -> HttpResponse:
    fmt = fmt.lower()
    if fmt not in FORMATS:
        return error(XML, 404, f"Unknown format '{fmt[:20]}': use .xml or .json.")
    if request.method not in allowed:
        answer = error(fmt, 405, f"{request.method} is not supported here.")
        answer["Allow"] = ", ".join(sorted(allowed))
        return answer
    try:
        params = request.POST if request.method == "POST" else request.GET
        wanted = (params.get("jurisdiction_id") or "").strip()
        if wanted and settings.OPEN311_JURISDICTION and wanted != settings.OPEN311_JURISDICTION:
            return error(fmt, 404, f"jurisdiction_id '{wanted[:80]}' was not found.")
        return view(request, fmt, **kwargs)
    except (SuspiciousOperation, MultiPartParserError, UnreadablePostError):
        return error(fmt, 400, "The request body could not be read as a form.")
    except Refused as exc:
        return errors(fmt, exc.status, exc.problems)
    except BadParameter as exc:
        return error(fmt, exc.status, exc.message)
    except ratelimit.RateLimited as exc:
        answer = error(fmt, 429, exc.message)
        answer["Retry-After"] = str(exc.retry_after)
        return answer
    except EvidentiaError as exc:
        return error(fmt, exc.status, exc.message)
    except DatabaseError:
        log.exception("open311: database error on %s", request.path)
        answer = error(fmt, 503, "The service is busy or down for a moment; please try again.")
        answer["Retry-After"] = "30"
        return answer
    except Exception:
        # The spec's "general service error"; logged so staff can fix it.
        log.exception("open311: unexpected error on %s", request.path)
        return error(fmt, 400, "General service error: the request could not be processed.")


def _absolute(request: HttpRequest) -> Callable[[str], str]:
    def absolute(path: str) -> str:
        return request.build_absolute_uri(path) if path.startswith("/") else path

    return absolute


def _service_row(service: Service) -> dict[str, object]:
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.description,
        "metadata": service.has_metadata,
        "type": service.open311_type,
        "keywords": service.keywords,
        "group": service.group,
    }


def _attribute(attr: dict) -> dict[str, object]:
    shown: dict[str, object] = {
        "variable": bool(attr.get("variable", True)),
        "code": str(attr.get("code", "")),
        "datatype": attr.get("datatype", "string"),
        "required": bool(attr.get("required", False)),
        "datatype_description": attr.get("datatype_description") or None,
        "order": attr.get("order"),
        "description": attr.get("description") or None,
    }
    if attr.get("values"):
        shown["values"] = [
            {"key": str(v.get("key", "")), "name": str(v.get("name", ""))} for v in attr["values"]
        ]
    return shown


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    here = notify.absolute(reverse("open311:discovery", args=[fmt]), request)
    contact = f"{settings.AGENCY_NAME}."
    if settings.PORTAL_NON_EMERGENCY_NUMBER:
        contact += f" Non-emergency: {settings.PORTAL_NON_EMERGENCY_NUMBER}."
    contact += f" In an emergency call {settings.PORTAL_EMERGENCY_NUMBER}."
    body = {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": f"Ask {settings.AGENCY_NAME} for an api_key to post requests.",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": here.rsplit("/", 1)[0],
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return document(fmt, "discovery", body)


@endpoint("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = [_service_row(s) for s in Service.objects.filter(active=True)]
    return document(fmt, "services", rows)


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    service = (
        Service.objects.filter(code=code, active=True).first() if is_service_code(code) else None
    )
    if service is None:
        return error(fmt, 404, f"service_code '{code[:40]}' was not found.")
    attrs = sorted(service.attributes, key=lambda a: a.get("order") or 0)
    body = {"service_code": service.code, "attributes": [_attribute(a) for a in attrs]}
    return document(fmt, "service_definition", body)


@csrf_exempt
@endpoint("GET", "POST")
def request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    chosen = query.filters(request.GET, timezone.now())
    absolute = _absolute(request)
    rows = [query.row(r, absolute) for r in query.find(chosen)]
    return document(fmt, "service_requests", rows)


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    found = query.one(request_id) if public.valid_public_id(request_id) else None
    if found is None:
        return error(fmt, 404, f"Service request not found with id {request_id[:40]}")
    return document(fmt, "service_requests", [query.row(found, _absolute(request))])


@endpoint("GET")
def token_lookup(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    found = []
    if is_token(token):
        found = list(
            Report.objects.filter(token=token.lower()).values_list("public_id", "token")[:1]
        )
    if not found:
        return error(fmt, 404, f"Service request not found with token {token[:64]}")
    public_id, known = found[0]
    return document(fmt, "service_requests", [{"service_request_id": public_id, "token": known}])


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    fmt = JSON if path.endswith(".json") else XML
    answer = error(fmt, 404, "No such Open311 resource. The list is at discovery.xml.")
    answer["Access-Control-Allow-Origin"] = "*"
    return answer


def _client(request: HttpRequest) -> Open311Key | None:
    supplied = request.POST.get("api_key", "")
    if supplied:
        key = open311_keys.authenticate(supplied)
        if key is None:
            raise Refused(403, [(403, BAD_KEY)])
        return key
    if settings.OPEN311_ANONYMOUS_POST:
        return None
    raise Refused(
        403,
        [(403, f"An api_key is required to post a request; ask {settings.AGENCY_NAME}.")],
    )


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    key = _client(request)
    if key is None:
        ratelimit.hit(request, "report", settings.PORTAL_REPORTS_PER_HOUR, "reports")
    else:  # a keyed client relays many residents' reports: counted per key, not address
        limit = settings.OPEN311_KEY_REPORTS_PER_HOUR
        ratelimit.hit(request, "open311-key", limit, "reports", identity=f"key:{key.pk}")
    form = request.POST
    name = " ".join(p.strip() for p in (form.get("first_name"), form.get("last_name")) if p)
    # device_id and account_id are read by nobody: they would tie a report to a person or
    # a phone for no one's benefit. media_url is not fetched (see _notice).
    new = reports.NewReport(
        service_code=(form.get("service_code") or "").strip(),
        description=form.get("description") or "",
        lat=coordinate("lat", form.get("lat"), 90),
        lon=coordinate("long", form.get("long"), 180),
        address=form.get("address_string") or "",
        address_id=form.get("address_id") or "",
        attributes=attributes(form),
        contact_name=name,
        contact_email=(form.get("email") or "").strip(),
        contact_phone=form.get("phone") or "",
        via=Via.OPEN311,
        open311_client=key,
    )
    try:
        filed = reports.file_report(new, request=request)
    except reports.Invalid as exc:
        unknown = bool(new.service_code) and "service_code" in exc.errors
        problems = [
            (404 if f == "service_code" and unknown else 400, f"{PARAMETER.get(f, f)}: {m}")
            for f, m in exc.errors.items()
        ]
        raise Refused(404 if unknown else 400, problems) from None
    report = filed.report
    notice = _notice(request, filed)
    kind = report.service.open311_type
    # account_id is always empty: no account is kept for a resident.
    if kind == Open311Type.REALTIME:
        row = {"service_request_id": report.public_id, "service_notice": notice, "account_id": None}
    elif kind == Open311Type.BATCH:
        row = {"token": report.token, "service_notice": notice, "account_id": None}
    else:  # blackbox: no id and no token, but the resident still needs their code
        row = {"service_notice": notice}
    return document(fmt, "service_requests", [row])


def _notice(request: HttpRequest, filed: reports.Filed) -> str:
    """What the resident must keep: the tracking code and the private page. For a
    category that is not public it is the only way to follow the report."""
    link = notify.track_url(filed.code, request)
    days = filed.report.service.expected_days
    text = (
        f"Thank you. Your tracking code is {filed.code}. Keep it private: with it you can "
        f"follow this report, read our replies and add information at {link} ."
    )
    if days:
        text += f" We usually deal with this kind of report within {days} days."
    if request.POST.get("media_url"):
        # Fetching a client's URL would make this server reach wherever it points.
        text += " We did not fetch media_url: send photos or video from the page above."
    if not settings.PORTAL_MONITORED:
        text += (
            " This service is not monitored around the clock: in an emergency call "
            f"{settings.PORTAL_EMERGENCY_NUMBER}."
        )
    return text
