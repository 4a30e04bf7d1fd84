"""A test-only URLconf: the accounts pages, the admin, a stand-in evidence list and a
tiny API guarded by `ApiAuth`, so these tests do not depend on other apps' routes."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from ninja import NinjaAPI

from evidentia.accounts.auth import ApiAuth, staff_required

api = NinjaAPI(title="accounts test API", urls_namespace="accounts-test-api")


def _who(request: HttpRequest) -> dict[str, object]:
    token = getattr(request, "api_token", None)
    return {"user": request.user.get_username(), "via": "token" if token else "session"}


@api.get("/evidence", auth=ApiAuth("evidence:read"))
def read_evidence(request: HttpRequest) -> dict[str, object]:
    return _who(request)


@api.post("/evidence", auth=ApiAuth("evidence:write"))
def write_evidence(request: HttpRequest) -> dict[str, object]:
    return _who(request)


@api.get("/custody", auth=ApiAuth("custody:read"))
def read_custody(request: HttpRequest) -> dict[str, object]:
    return _who(request)


@staff_required
def evidence_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("the evidence list")


def public_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("a public page")


evidence_patterns = ([path("", evidence_list, name="list")], "evidence")

urlpatterns = [
    path("", evidence_list),
    path("accounts/", include("evidentia.accounts.urls")),
    path("evidence/", include(evidence_patterns)),
    path("admin/", admin.site.urls),
    path("api/test/", api.urls),
    path("public/hello/", public_page),
]
