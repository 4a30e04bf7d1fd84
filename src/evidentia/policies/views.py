"""Staff pages for published policies: an administrator creates policies, publishes
versions, opens comment periods, moderates comments and answers them. Thin: every
change goes through `policies.services`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.core.errors import EvidentiaError, NotFound
from evidentia.policies.models import CommentPeriod, Policy, PolicyComment
from evidentia.policies.services import comments, versions


def _policy(slug: str) -> Policy:
    policy = Policy.objects.filter(slug=slug).first()
    if policy is None:
        raise NotFound("No policy at that address.")
    return policy


def _error(request: HttpRequest, exc: EvidentiaError) -> HttpResponse:
    return render(
        request,
        "policies/error.html",
        {"nav": "policies", "message": exc.message},
        status=exc.status,
    )


def _guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Admins only, and any business error as a readable page."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            versions.check_manage(signed_in_user(request))
            return view(request, *args, **kwargs)
        except EvidentiaError as exc:
            return _error(request, exc)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return staff_required(wrapper)


def _index(request: HttpRequest, error: EvidentiaError | None = None) -> HttpResponse:
    rows = [
        {"policy": p, "current": versions.current(p), "pending": comments.pending_count(p)}
        for p in Policy.objects.all()
    ]
    context = {
        "nav": "policies",
        "rows": rows,
        "error": error.message if error else "",
        "form": request.POST if error else {},
    }
    return render(request, "policies/index.html", context, status=error.status if error else 200)


@require_safe
@_guarded
def index(request: HttpRequest) -> HttpResponse:
    return _index(request)


@require_POST
@_guarded
def create(request: HttpRequest) -> HttpResponse:
    p = request.POST
    try:
        version = versions.create_policy(
            title=p.get("title", ""),
            slug=p.get("slug", ""),
            summary=p.get("summary", ""),
            body=p.get("body", ""),
            change_note=p.get("change_note", ""),
            effective_on=p.get("effective_on") or None,
            actor=signed_in_user(request),
            request=request,
        )
    except EvidentiaError as exc:
        return _index(request, exc)
    messages.success(request, f"Published {version.policy.title}, version 1.")
    return redirect("policies:detail", version.policy.slug)


def _detail(
    request: HttpRequest, policy: Policy, error: EvidentiaError | None = None
) -> HttpResponse:
    all_versions = list(policy.versions.all())
    context = {
        "nav": "policies",
        "policy": policy,
        "versions": all_versions,
        "current": all_versions[0] if all_versions else None,
        "periods": policy_periods(policy),
        "today": comments.today(),
        "error": error.message if error else "",
        "form": request.POST if error else {},
    }
    return render(request, "policies/detail.html", context, status=error.status if error else 200)


def policy_periods(policy: Policy) -> list[dict[str, Any]]:
    periods = CommentPeriod.objects.filter(version__policy=policy).select_related("version")
    return [
        {
            "period": period,
            "open": comments.is_open(period),
            "comments": list(period.comments.all()),
        }
        for period in periods
    ]


@require_safe
@_guarded
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _detail(request, _policy(slug))


@require_POST
@_guarded
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    policy, p = _policy(slug), request.POST
    try:
        version = versions.publish_version(
            policy,
            body=p.get("body", ""),
            change_note=p.get("change_note", ""),
            effective_on=p.get("effective_on") or None,
            actor=signed_in_user(request),
            request=request,
        )
    except EvidentiaError as exc:
        return _detail(request, policy, exc)
    messages.success(request, f"Published version {version.number}.")
    return redirect("policies:detail", policy.slug)


@require_safe
@_guarded
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    policy = _policy(slug)
    context = compare_context(policy, request.GET) | {"nav": "policies"}
    return render(request, "policies/compare.html", context)


def compare_context(policy: Policy, query: Any) -> dict[str, Any]:
    """The two versions to compare (default: the previous and the current) and their diff."""
    newest = versions.current(policy)
    if newest is None:
        raise NotFound("This policy has no versions yet.")
    new = versions.get_version(policy, query.get("to") or newest.number)
    old = versions.get_version(policy, query.get("from") or max(1, new.number - 1))
    pieces = versions.compare(old, new)
    return {
        "policy": policy,
        "old": old,
        "new": new,
        "pieces": pieces,
        "stats": versions.diff_stats(pieces),
        "versions": list(policy.versions.all()),
    }


@require_POST
@_guarded
def open_period(request: HttpRequest, slug: str) -> HttpResponse:
    policy, p = _policy(slug), request.POST
    try:
        version = versions.get_version(policy, p.get("version"))
        comments.open_period(
            version,
            opens_on=p.get("opens_on", ""),
            closes_on=p.get("closes_on", ""),
            introduction=p.get("introduction", ""),
            actor=signed_in_user(request),
            request=request,
        )
    except EvidentiaError as exc:
        return _detail(request, policy, exc)
    messages.success(request, "Comment period opened.")
    return redirect("policies:detail", policy.slug)


def _comment_action(
    request: HttpRequest, pk: str, act: Callable[[PolicyComment], Any], done: str
) -> HttpResponse:
    comment = comments.get_comment(pk)
    policy = comment.period.version.policy
    try:
        act(comment)
    except EvidentiaError as exc:
        return _detail(request, policy, exc)
    messages.success(request, done)
    return redirect(reverse("policies:detail", args=[policy.slug]) + f"#comment-{comment.pk}")


@require_POST
@_guarded
def moderate(request: HttpRequest, pk: str) -> HttpResponse:
    p = request.POST
    action = p.get("action", "")
    done = {
        comments.PUBLISH: "Comment published.",
        comments.EDIT: "Comment published with the edited text.",
        comments.REJECT: "Comment not published.",
    }.get(action, "Done.")
    return _comment_action(
        request,
        pk,
        lambda c: comments.moderate(
            c,
            action,
            public_text=p.get("public_text", ""),
            public_name=p.get("public_name"),
            reason=p.get("reason", ""),
            actor=signed_in_user(request),
            request=request,
        ),
        done,
    )


@require_POST
@_guarded
def respond(request: HttpRequest, pk: str) -> HttpResponse:
    return _comment_action(
        request,
        pk,
        lambda c: comments.respond(
            c, request.POST.get("response", ""), actor=signed_in_user(request), request=request
        ),
        "Response published.",
    )
