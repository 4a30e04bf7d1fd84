"""Public pages for published policies: the list, a policy with its history and diffs,
and the comment form while a period is open. No account, no address kept; the form
is rate limited like the community forms."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from evidentia.community.public_views.common import portal, too_many
from evidentia.community.services import ratelimit
from evidentia.core.errors import EvidentiaError, NotFound
from evidentia.policies.models import Policy
from evidentia.policies.services import comments, versions
from evidentia.policies.views import compare_context


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _page(
    request: HttpRequest, template: str, ctx: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(
        request, f"policies/public/{template}", portal({"nav": "policies"} | ctx), status=status
    )


def _problem(request: HttpRequest, exc: EvidentiaError) -> HttpResponse:
    if isinstance(exc, ratelimit.RateLimited):
        return too_many(request, exc)
    title = "Not found" if exc.status == 404 else "That did not work"
    return _page(request, "problem.html", {"title": title, "message": exc.message}, exc.status)


def _policy(slug: str) -> Policy:
    policy = versions.published().filter(slug=slug).first()
    if policy is None:
        raise NotFound("There is no published policy at that address.")
    return policy


@require_safe
def policy_list(request: HttpRequest) -> HttpResponse:
    try:
        ratelimit.hit(request, "policies-page", _limit("POLICY_PAGES_PER_HOUR", 600), "page views")
    except EvidentiaError as exc:
        return _problem(request, exc)
    rows = [
        {"policy": p, "current": versions.current(p), "period": comments.open_period_for(p)}
        for p in versions.published()
    ]
    return _page(request, "list.html", {"rows": rows})


def _detail(
    request: HttpRequest,
    policy: Policy,
    number: Any = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    current = versions.current(policy)
    shown = versions.get_version(policy, number) if number is not None else current
    context = {
        "policy": policy,
        "version": shown,
        "blocks": versions.blocks(shown.body),
        "current": current,
        "versions": list(policy.versions.all()),
        "period": comments.open_period_for(policy),
        "comments": comments.public_comments(policy),
        "errors": errors or {},
        "form": request.POST if errors else {},
        "max_comment": comments.MAX_COMMENT,
    }
    return _page(request, "detail.html", context, status)


@require_safe
def detail(request: HttpRequest, slug: str, number: int | None = None) -> HttpResponse:
    try:
        ratelimit.hit(request, "policies-page", _limit("POLICY_PAGES_PER_HOUR", 600), "page views")
        return _detail(request, _policy(slug), number)
    except EvidentiaError as exc:
        return _problem(request, exc)


@require_safe
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        ratelimit.hit(request, "policies-page", _limit("POLICY_PAGES_PER_HOUR", 600), "page views")
        return _page(request, "compare.html", compare_context(_policy(slug), request.GET))
    except EvidentiaError as exc:
        return _problem(request, exc)


@require_POST
def comment(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        policy = _policy(slug)
        ratelimit.hit(request, "policy-comment", _limit("POLICY_COMMENTS_PER_HOUR", 10), "comments")
        period = comments.open_period_for(policy)
        if period is None:
            return _page(
                request,
                "problem.html",
                {
                    "title": "Comments are closed",
                    "message": f"{policy.title} is not open for comment at the moment. Thank "
                    "you for your interest: published comments and the agency's responses "
                    "stay on the policy's page.",
                    "back": reverse("policies_public:detail", args=[policy.slug]),
                },
                status=409,
            )
        p = request.POST
        comments.submit(
            period,
            body=p.get("body", ""),
            display_name=p.get("display_name", ""),
            email=p.get("email", ""),
        )
    except comments.Invalid as exc:
        return _detail(request, policy, errors=exc.errors, status=400)
    except EvidentiaError as exc:
        return _problem(request, exc)
    messages.success(
        request,
        "Thank you. Your comment will appear here once a moderator has read it; your "
        "e-mail address is never published.",
    )
    return redirect(reverse("policies_public:detail", args=[policy.slug]) + "#comments")
