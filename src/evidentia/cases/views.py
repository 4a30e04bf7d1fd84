"""Case pages: the list, the create form, and one case with its evidence and notes.

Every view finds the case through `cases.policy.visible_case`, so a case the user may
not see answers 404 like a case that does not exist. Changes go through services; a
refused change re-renders the page with the reason and a 4xx status.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.accounts.models import User
from evidentia.cases import search, services
from evidentia.cases.forms import CaseDetailsForm, CaseForm
from evidentia.cases.models import Case, CaseItem, CaseMember, CaseStatus
from evidentia.cases.policy import visible_case, visible_cases
from evidentia.core.errors import EvidentiaError, NotFound, PermissionDenied, Rejected
from evidentia.evidence import policy

PAGE_SIZE = 25


def error_page(request: HttpRequest, exc: EvidentiaError) -> HttpResponse:
    return render(request, "cases/error.html", {"message": exc.message}, status=exc.status)


def _allowed(check: Any, *args: Any) -> bool:
    try:
        check(*args)
    except EvidentiaError:
        return False
    return True


@staff_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    status = request.GET.get("status", "")
    cases = visible_cases(user)
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    page = Paginator(cases.order_by("-created_at", "number"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # Counts cover only the evidence this user may see: an item that is also in a
    # restricted case must not show up even as a number.
    counts = dict(
        CaseItem.objects.filter(
            case__in=[c.pk for c in page.object_list],
            item__in=policy.visible_items(user).order_by().values("pk"),
        )
        .values_list("case")
        .annotate(n=Count("item"))
    )
    rows = [{"case": c, "items": counts.get(c.pk, 0)} for c in page.object_list]
    return render(
        request,
        "cases/list.html",
        {
            "nav": "cases",
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": CaseStatus.choices,
            "can_create": user.role in services.CASE_CREATORS,
            "query": f"status={status}" if status else "",
        },
    )


@staff_required
def case_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user.role not in services.CASE_CREATORS:
        return error_page(request, PermissionDenied("Your role may not open cases."))
    form = CaseForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.create_case(
                number=data["number"],
                title=data["title"],
                incident_number=data["incident_number"],
                description=data["description"],
                members=list(data["members"]),
                restricted=data["restricted"],
                actor=user,
                request=request,
            )
        except EvidentiaError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            messages.success(request, f"Case {case.number} opened.")
            return HttpResponseRedirect(reverse("cases:detail", args=[case.pk]))
    elif request.method == "POST":
        status = 422
    return render(request, "cases/create.html", {"nav": "cases", "form": form}, status=status)


def _detail(
    request: HttpRequest, case: Case, *, error: str = "", status: int = 200
) -> HttpResponse:
    user = signed_in_user(request)
    visible = policy.visible_items(user).order_by().values("pk")
    links = (
        CaseItem.objects.filter(case=case, item__in=visible)
        .select_related("item__officer", "item__category", "added_by")
        .order_by("-added_at")
    )
    can_link = _allowed(services.check_can_link, user, case)
    find = request.GET.get("find", "").strip()
    candidates: list[Any] = []
    if can_link:
        found = search.search(user, find, per_page=10)
        linked = {link.item_id for link in links}
        candidates = [h.item for h in found.hits if h.item.pk not in linked]
    return render(
        request,
        "cases/detail.html",
        {
            "nav": "cases",
            "case": case,
            "links": links,
            "members": CaseMember.objects.filter(case=case).select_related("user__unit"),
            "notes": case.notes.select_related("author"),
            "can_link": can_link,
            "can_manage": _allowed(services.check_can_manage, user, case),
            "details_form": CaseDetailsForm(
                initial={f: getattr(case, f) for f in CaseDetailsForm.base_fields}
            ),
            "statuses": CaseStatus.choices,
            "people": User.objects.filter(is_active=True, role__in=services.MEMBER_ROLES)
            .exclude(cases=case)
            .order_by("last_name", "first_name", "username"),
            "find": find,
            "candidates": candidates,
            "error": error,
        },
        status=status,
    )


def _case_or_404(request: HttpRequest, case_id: object) -> Case:
    return visible_case(signed_in_user(request), str(case_id))


@staff_required
def case_detail(request: HttpRequest, case_id: object) -> HttpResponse:
    try:
        case = _case_or_404(request, case_id)
    except EvidentiaError as exc:
        return error_page(request, exc)
    return _detail(request, case)


def _change(request: HttpRequest, case_id: object, action: Any, done: str) -> HttpResponse:
    """Run one change on a visible case: redirect on success, re-render on refusal."""
    try:
        case = _case_or_404(request, case_id)
    except EvidentiaError as exc:
        return error_page(request, exc)
    try:
        message = action(case, signed_in_user(request)) or done
    except EvidentiaError as exc:
        return _detail(request, case, error=exc.message, status=exc.status)
    messages.success(request, message)
    return HttpResponseRedirect(reverse("cases:detail", args=[case.pk]))


@staff_required
@require_POST
def case_update(request: HttpRequest, case_id: object) -> HttpResponse:
    form = CaseDetailsForm(request.POST)

    def act(case: Case, user: User) -> None:
        if not form.is_valid():
            raise Rejected("Check the case details: " + form.errors.as_text())
        services.update_case(case, form.cleaned_data, actor=user, request=request)

    return _change(request, case_id, act, "Case details saved.")


@staff_required
@require_POST
def case_status(request: HttpRequest, case_id: object) -> HttpResponse:
    def act(case: Case, user: User) -> str:
        services.set_status(case, request.POST.get("status", ""), actor=user, request=request)
        return f"Case is now {case.get_status_display().lower()}."

    return _change(request, case_id, act, "")


def _member(request: HttpRequest) -> User:
    try:
        return User.objects.get(pk=int(request.POST.get("user", "")))
    except (User.DoesNotExist, ValueError) as exc:
        raise NotFound("No such person.") from exc


@staff_required
@require_POST
def member_add(request: HttpRequest, case_id: object) -> HttpResponse:
    def act(case: Case, user: User) -> str:
        member = _member(request)
        added = services.add_member(case, member, actor=user, request=request)
        return f"{member} {'added' if added else 'was already a member'}."

    return _change(request, case_id, act, "")


@staff_required
@require_POST
def member_remove(request: HttpRequest, case_id: object) -> HttpResponse:
    def act(case: Case, user: User) -> str:
        member = _member(request)
        services.remove_member(case, member, actor=user, request=request)
        return f"{member} is no longer a member."

    return _change(request, case_id, act, "")


@staff_required
@require_POST
def item_link(request: HttpRequest, case_id: object) -> HttpResponse:
    def act(case: Case, user: User) -> str:
        item, created = services.link_visible_item(
            case, request.POST.get("item", ""), actor=user, request=request
        )
        return f"{item.title} {'added to' if created else 'was already in'} the case."

    return _change(request, case_id, act, "")


@staff_required
@require_POST
def item_unlink(request: HttpRequest, case_id: object) -> HttpResponse:
    def act(case: Case, user: User) -> str:
        item = services.unlink_item(case, request.POST.get("item", ""), actor=user, request=request)
        return f"{item.title} removed from the case. The evidence itself is unchanged."

    return _change(request, case_id, act, "")


@staff_required
@require_POST
def note_add(request: HttpRequest, case_id: object) -> HttpResponse:
    def act(case: Case, user: User) -> None:
        services.add_case_note(case, request.POST.get("text", ""), actor=user, request=request)

    return _change(request, case_id, act, "Note added.")
