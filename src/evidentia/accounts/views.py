"""Signing in (password, then TOTP), first-time TOTP enrolment, signing out, API tokens.

The password step signs the user in unverified; `RequireVerifiedStaffMiddleware` keeps
such a session away from everything but the second-factor pages. Failed codes count
towards the same axes lockout as failed passwords.
"""

from __future__ import annotations

from typing import Any

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from evidentia.accounts import services
from evidentia.accounts.auth import is_verified, second_factor_url, staff_required
from evidentia.accounts.forms import CodeForm, LoginForm, TokenForm
from evidentia.accounts.models import ApiToken
from evidentia.accounts.qr import qr_svg
from evidentia.core.errors import EvidentiaError
from evidentia.custody import events, ledger

NEXT_KEY = "accounts_next"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _finish(request: HttpRequest) -> HttpResponseRedirect:
    target = _safe_next(request, request.session.pop(NEXT_KEY, ""))
    return HttpResponseRedirect(target or resolve_url(settings.LOGIN_REDIRECT_URL))


def _record_failure(
    request: HttpRequest, username: str, factor: str, actor: Any = None, **extra: str
) -> None:
    ledger.record(
        events.LOGIN_FAILURE,
        actor=actor,
        request=request,
        outcome="failure",
        detail={"username": username, "factor": factor, **extra},
    )


def _record_success(request: HttpRequest, device: TOTPDevice) -> None:
    ledger.record(
        events.LOGIN_SUCCESS,
        actor=request.user,
        request=request,
        detail={"factors": ["password", "totp"], "device": device.persistent_id},
    )


def _policy() -> dict[str, int]:
    return {
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "attempts": settings.AXES_FAILURE_LIMIT,
    }


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page axes shows for a locked account (settings.AXES_LOCKOUT_CALLABLE)."""
    context = {**_policy(), "contact": getattr(settings, "EVIDENTIA_SUPPORT_CONTACT", "")}
    response = render(request, "accounts/locked.html", context, status=429)
    response["Retry-After"] = str(context["minutes"] * 60)
    return response


@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        next_url = _safe_next(request, request.GET.get("next"))
        if next_url:
            request.session[NEXT_KEY] = next_url
        else:  # no session row for a bare visit to the login page
            request.session.pop(NEXT_KEY, None)
    if is_verified(request.user):
        return _finish(request)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        credentials = {"username": username}
        was_locked = AxesProxyHandler.is_locked(request, credentials)
        user = authenticate(
            request=request, username=username, password=form.cleaned_data["password"]
        )
        if getattr(request, "axes_locked_out", False):
            # The lockout itself is recorded by the axes signal (accounts/signals.py).
            if not was_locked:
                _record_failure(request, username, "password")
            return lockout_response(request)
        if user is None:
            _record_failure(request, username, "password")
            form.add_error(None, "That username and password do not match an active account.")
        else:
            next_url = request.session.get(NEXT_KEY, "")
            login(request, user)
            request.session[NEXT_KEY] = next_url
            return HttpResponseRedirect(second_factor_url(user))
    return render(request, "accounts/login.html", {"form": form, **_policy()})


def _second_factor_guard(request: HttpRequest) -> HttpResponse | None:
    """Send away whoever should not be on a second-factor page."""
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    if request.GET.get("next"):
        request.session[NEXT_KEY] = _safe_next(request, request.GET["next"])
    if is_verified(user):
        return _finish(request)
    if AxesProxyHandler.is_locked(request, {"username": user.get_username()}):
        logout(request)
        return lockout_response(request)
    return None


@never_cache
def verify_view(request: HttpRequest) -> HttpResponse:
    refused = _second_factor_guard(request)
    if refused:
        return refused
    user = request.user
    device = services.confirmed_device(user)  # type: ignore[arg-type]
    if device is None:
        return redirect("accounts:mfa_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()  # django-otp's backoff after wrong codes
        code = form.cleaned_data["code"]
        verified = django_otp.verify_token(user, device.persistent_id, code) if allowed else None
        if verified is not None:
            django_otp.login(request, verified)
            _record_success(request, verified)
            request.session.cycle_key()
            return _finish(request)
        username = user.get_username()
        reason = {} if allowed else {"reason": "throttled"}
        _record_failure(request, username, "totp", actor=user, **reason)
        user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return lockout_response(request)
        form.add_error(
            "code",
            "That code is not right. Codes change every 30 seconds; use the newest one."
            if allowed
            else "Too many wrong codes in a row. Wait a few seconds, then try the newest code.",
        )
    return render(request, "accounts/verify.html", {"form": form})


@never_cache
def mfa_setup_view(request: HttpRequest) -> HttpResponse:
    refused = _second_factor_guard(request)
    if refused:
        return refused
    user = request.user
    if services.confirmed_device(user) is not None:  # type: ignore[arg-type]
        return redirect("accounts:verify")
    device, secret, url = services.enroll_totp(user)  # type: ignore[arg-type]
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_totp(device, form.cleaned_data["code"], request=request):
            device.refresh_from_db()
            django_otp.login(request, device)
            _record_success(request, device)
            request.session.cycle_key()
            messages.success(request, "Your authenticator app is set up.")
            return _finish(request)
        form.add_error("code", "That code is not right. Check the app shows “Evidentia” codes.")
    secret_groups = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    context = {"form": form, "qr_svg": qr_svg(url), "secret": secret_groups}
    return render(request, "accounts/mfa_setup.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        ledger.record(events.LOGOUT, actor=request.user, request=request)
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect("accounts:login")


def _tokens_page(request: HttpRequest, form: TokenForm, **extra: Any) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    context = {"form": form, "tokens": tokens, "nav": "tokens", **extra}
    return render(request, "accounts/tokens.html", context)


@never_cache
@staff_required
def tokens_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = TokenForm(request.POST or None, user=user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            token, plaintext = services.create_token(
                user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                actor=user,
                expires_at=form.expires_at(),
                request=request,
            )
        except EvidentiaError as exc:
            form.add_error(None, exc.message)
        else:
            fresh = TokenForm(user=user)  # type: ignore[arg-type]
            return _tokens_page(request, fresh, new_token=token, plaintext=plaintext)
    return _tokens_page(request, form)


@require_POST
@staff_required
def token_revoke_view(request: HttpRequest, token_id: str) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.revoke_token(token, actor=request.user, request=request)
    messages.success(request, f"Revoked “{token.name}”. Anything using it is now refused.")
    return HttpResponseRedirect(reverse("accounts:tokens"))
