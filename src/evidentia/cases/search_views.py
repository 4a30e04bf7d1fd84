"""The search page: words and filters over the evidence the user may see."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.accounts.models import Role, Unit, User
from evidentia.cases import search
from evidentia.cases.models import Category
from evidentia.cases.policy import visible_cases
from evidentia.evidence.models import Kind


def _page_number(value: str) -> int:
    return int(value) if value.isdigit() and 0 < len(value) < 7 else 1


@staff_required
def results(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    q = request.GET.get("q", "").strip()[: search.MAX_QUERY]
    filters = search.parse_filters(request.GET)
    found = search.search(user, q, filters, page=_page_number(request.GET.get("page", "")))
    cases = []
    if q:
        text = Q(number__icontains=q) | Q(title__icontains=q) | Q(incident_number__icontains=q)
        cases = list(visible_cases(user).filter(text).order_by("-created_at")[:5])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "search/results.html",
        {
            "nav": "search",
            "q": q,
            "results": found,
            "filters": filters,
            "filtered": bool(filters),
            "cases": cases,
            "officers": User.objects.filter(role__in=[Role.OFFICER, Role.SUPERVISOR]).order_by(
                "username"
            ),
            "units": Unit.objects.all(),
            "categories": Category.objects.all(),
            "kinds": Kind.choices,
            "query": query.urlencode(),
        },
    )
