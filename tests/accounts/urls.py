"""The project's URLconf plus a tiny API guarded by `ApiAuth` and a stand-in public page,
so the auth class and the middleware's exemptions are tested on their own."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja import NinjaAPI

from evidentia import urls as project_urls
from evidentia.accounts.auth import ApiAuth

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


def public_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("a public page")


# The real routes, plus a probe API for ApiAuth and a stand-in public page.
urlpatterns = [
    path("api/test/", api.urls),
    path("public/hello/", public_page),
    *project_urls.urlpatterns,
]
