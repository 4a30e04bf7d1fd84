"""Every staff session must pass the second factor before it reaches anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from evidentia.accounts.auth import is_verified, second_factor_url

# These serve no staff data, or (the API) authenticate each request themselves.
EXEMPT_PREFIXES = ("/api/", "/public/", "/open311/")
EXEMPT_NAMES = ("accounts:login", "accounts:verify", "accounts:mfa_setup", "accounts:logout")


class RequireVerifiedStaffMiddleware:
    """Send a signed-in but not yet OTP-verified user to the verify (or set-up) step."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not is_verified(user)
            and not self._exempt(request)
        ):
            next_url = request.get_full_path() if request.method == "GET" else ""
            return HttpResponseRedirect(second_factor_url(user, next_url))
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        path = request.path_info
        static = settings.STATIC_URL or "/static/"
        if not static.startswith("/"):
            static = "/" + static
        if path.startswith((*EXEMPT_PREFIXES, static)):
            return True
        return request.path in {reverse(name) for name in EXEMPT_NAMES}
