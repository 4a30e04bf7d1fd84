"""The JSON API under /api/v1/ (django-ninja), OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from evidentia.core.errors import EvidentiaError

api = NinjaAPI(title="Evidentia", version="1", urls_namespace="api")


@api.exception_handler(EvidentiaError)
def on_business_error(request: HttpRequest, exc: EvidentiaError):  # type: ignore[no-untyped-def]
    return api.create_response(request, {"detail": exc.message}, status=exc.status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError):  # type: ignore[no-untyped-def]
    return api.create_response(
        request, {"detail": "The request is not valid.", "errors": exc.errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError):  # type: ignore[no-untyped-def]
    return api.create_response(
        request,
        {"detail": "Sign in, or send an API token as 'Authorization: Bearer evd_…'."},
        status=401,
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError):  # type: ignore[no-untyped-def]
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def _register() -> None:
    from evidentia.cases.api import router as cases_router
    from evidentia.custody.api import router as custody_router
    from evidentia.evidence.api import router as evidence_router
    from evidentia.evidence.map_api import router as map_router
    from evidentia.evidence.review_api import router as review_router
    from evidentia.redaction.api import router as redaction_router

    api.add_router("/custody/", custody_router)
    api.add_router("/evidence", evidence_router)
    api.add_router("/review", review_router)
    api.add_router("/map", map_router)
    api.add_router("/cases", cases_router)
    api.add_router("/redaction", redaction_router)


_register()
