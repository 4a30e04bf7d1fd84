"""Authentication for the JSON API and the HTML views.

API: `auth=ApiAuth("evidence:read")` accepts an `Authorization: Bearer evd_…` token that
carries the scope, or a signed-in, OTP-verified session (CSRF checked on unsafe
methods). Either way the user's role must allow the scope (services.ROLE_SCOPES).
HTML: `@staff_required` lets through only signed-in, OTP-verified staff.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from ninja.errors import HttpError
from ninja.security.http import HttpBearer
from ninja.utils import check_csrf

from evidentia.accounts import services
from evidentia.accounts.models import Scope, User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def _as_token_user(user: User) -> User:
    # django-otp gives session users these; token users get them too so that code
    # asking `request.user.is_verified()` does not fail (a token is not a session factor).
    user.otp_device = None  # type: ignore[attr-defined]
    user.is_verified = lambda: False  # type: ignore[attr-defined]
    return user


def is_verified(user: Any) -> bool:
    """Signed in with both factors in this session."""
    check = getattr(user, "is_verified", None)
    return bool(getattr(user, "is_authenticated", False) and callable(check) and check())


class ApiAuth(HttpBearer):
    """django-ninja auth for one scope; returns the user and sets `request.user`.

    `request.api_token` is the ApiToken used, or None for a session.
    """

    def __init__(self, scope: str) -> None:
        if scope not in Scope.values:
            raise ValueError(f"unknown API scope {scope!r}; known: {', '.join(Scope.values)}")
        self.scope = scope
        super().__init__()

    def __call__(self, request: HttpRequest) -> User | None:
        header = request.headers.get(self.header, "")
        if header:
            scheme, _, raw = header.partition(" ")
            if scheme.lower() != "bearer":
                return None
            return self.authenticate(request, raw.strip())
        return self._session_user(request)

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = services.find_token(token)
        if found is None:
            return None
        user = found.user
        if self.scope not in found.scopes:
            raise HttpError(403, f"This token does not carry the '{self.scope}' scope.")
        self._require_role_allows(user)
        request.user = _as_token_user(user)
        request.api_token = found  # type: ignore[attr-defined]
        return user

    def _session_user(self, request: HttpRequest) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if not is_verified(user):
            return None
        unsafe = request.method not in SAFE_METHODS
        if unsafe and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
        self._require_role_allows(user)
        request.api_token = None  # type: ignore[attr-defined]
        return user  # type: ignore[no-any-return]

    def _require_role_allows(self, user: User) -> None:
        if self.scope not in services.allowed_scopes(user):
            raise HttpError(
                403, f"The {user.get_role_display()} role does not allow '{self.scope}'."
            )


def second_factor_url(user: Any, next_url: str = "") -> str:
    """Where an unverified user goes: verify a code, or enrol an authenticator first."""
    name = "accounts:verify" if services.confirmed_device(user) else "accounts:mfa_setup"
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def staff_required(view: ViewFunc) -> ViewFunc:
    """For HTML views: signed in and OTP-verified, else off to the login steps."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not is_verified(user):
            return HttpResponseRedirect(second_factor_url(user, request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, typed; only for views and API operations behind our auth."""
    return cast(User, request.user)


def acts_as(actor: Any, roles: set[str] | frozenset[str]) -> bool:
    """A system actor (a name such as "cad" from the CLI or Celery: the shell is trusted),
    or an active, signed-in user holding one of `roles`."""
    if isinstance(actor, str):
        return True
    return bool(actor and actor.is_authenticated and actor.is_active and actor.role in roles)
