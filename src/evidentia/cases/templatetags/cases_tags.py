"""`{% load cases_tags %}{% item_panel item %}`: an evidence item's tags, notes and cases,
with small forms for those who may change them. Needs `request` in the context (the
default context processors put it there)."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.middleware.csrf import get_token

from evidentia.accounts.models import Role, User
from evidentia.cases.models import Case, ItemTag, Note
from evidentia.cases.policy import visible_cases
from evidentia.cases.services import can_annotate, check_can_link
from evidentia.core.errors import EvidentiaError
from evidentia.evidence import policy
from evidentia.evidence.models import Item

register = template.Library()


def _linkable(user: User, case: Case) -> bool:
    try:
        check_can_link(user, case)
    except EvidentiaError:
        return False
    return True


def panel_context(
    user: User, item: Item, request: HttpRequest | None, next_url: str = ""
) -> dict[str, Any]:
    if not policy.can_view(user, item):
        return {"hidden": True}
    seen = set(visible_cases(user).filter(items=item).values_list("pk", flat=True))
    cases = [{"case": c, "visible": c.pk in seen} for c in item.cases.order_by("number")]
    member_cases = (
        visible_cases(user)
        .filter(members=user)
        .exclude(status="archived")
        .exclude(items=item)
        .order_by("number")
    )
    return {
        "item": item,
        "tags": ItemTag.objects.filter(item=item).select_related("tag", "added_by"),
        "notes": Note.objects.filter(item=item).select_related("author"),
        "cases": cases,
        "can_annotate": can_annotate(user, item),
        "link_choices": [c for c in member_cases[:50] if _linkable(user, c)],
        # Custodians link to any unrestricted case, so they type its number.
        "link_by_number": user.role == Role.CUSTODIAN,
        "csrf_token": get_token(request) if request is not None else "",
        "next": next_url or (request.get_full_path() if request is not None else ""),
    }


@register.inclusion_tag("cases/_item_panel_body.html", takes_context=True)
def item_panel(context: template.Context, item: Item) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return {"hidden": True}
    return panel_context(user, item, request)
