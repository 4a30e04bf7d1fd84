"""Cases API: cases, their evidence and notes; tags and notes on items; search.

Everything answers within what the caller may see: an invisible case or item is a 404.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from evidentia.accounts.auth import ApiAuth, signed_in_user
from evidentia.accounts.models import User
from evidentia.cases import search, services
from evidentia.cases.models import Case, CaseItem, CaseStatus, ItemTag, Note
from evidentia.cases.policy import visible_case, visible_cases
from evidentia.core.errors import Rejected
from evidentia.evidence import policy
from evidentia.evidence.services.access import get_item

router = Router(tags=["cases"])
read = ApiAuth("evidence:read")
write = ApiAuth("evidence:write")


class CaseIn(Schema):
    number: str
    title: str
    incident_number: str = ""
    description: str = ""
    restricted: bool = False
    members: list[str] = []  # usernames


class CaseOut(Schema):
    id: str
    number: str
    incident_number: str
    title: str
    description: str
    status: str
    restricted: bool
    created_at: datetime
    created_by: str
    items: int


class MemberOut(Schema):
    username: str
    name: str
    role: str


class LinkedItemOut(Schema):
    id: str
    title: str
    kind: str
    officer: str | None
    recorded_at: datetime | None
    added_at: datetime


class NoteIn(Schema):
    text: str


class NoteOut(Schema):
    id: int
    text: str
    author: str
    created_at: datetime


class CaseDetailOut(CaseOut):
    members: list[MemberOut]
    evidence: list[LinkedItemOut]
    notes: list[NoteOut]


class LinkIn(Schema):
    item_id: uuid.UUID


class TagIn(Schema):
    name: str


class TagOut(Schema):
    name: str
    added_by: str
    added_at: datetime


class SearchHitOut(Schema):
    id: str
    title: str
    kind: str
    officer: str | None
    recorded_at: datetime | None
    category: str | None
    snippet: str  # HTML: escaped text with <mark> around the matched words
    score: float | None


class SearchOut(Schema):
    query: str
    total: int
    page: int
    pages: int
    ranked: bool
    results: list[SearchHitOut]


class SearchParams(Schema):
    q: str = ""
    page: int = 1
    date_from: date | None = None
    date_to: date | None = None
    officer: str = ""
    unit: str = ""
    category: int | None = None
    kind: str = ""
    case: str = ""


def _visible_ids(user: User) -> Any:
    return policy.visible_items(user).order_by().values("pk")


def case_out(case: Case, items: int) -> dict[str, Any]:
    return {
        "id": str(case.pk),
        "number": case.number,
        "incident_number": case.incident_number,
        "title": case.title,
        "description": case.description,
        "status": case.status,
        "restricted": case.restricted,
        "created_at": case.created_at,
        "created_by": case.created_by.get_username(),
        "items": items,
    }


def note_out(note: Note) -> dict[str, Any]:
    return {
        "id": note.pk,
        "text": note.text,
        "author": str(note.author),
        "created_at": note.created_at,
    }


def case_detail(user: User, case: Case) -> dict[str, Any]:
    links = (
        CaseItem.objects.filter(case=case, item__in=_visible_ids(user))
        .select_related("item__officer")
        .order_by("-added_at")
    )
    evidence = [
        {
            "id": str(link.item.pk),
            "title": link.item.title,
            "kind": link.item.kind,
            "officer": link.item.officer.get_username() if link.item.officer else None,
            "recorded_at": link.item.recorded_at,
            "added_at": link.added_at,
        }
        for link in links
    ]
    return {
        **case_out(case, len(evidence)),
        "members": [
            {"username": u.get_username(), "name": str(u), "role": u.role}
            for u in case.members.order_by("username")
        ],
        "evidence": evidence,
        "notes": [note_out(n) for n in case.notes.select_related("author")],
    }


@router.get("search", response=SearchOut, auth=read)
def search_items(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """Full-text search over the evidence you may see (same rules as the list)."""
    filters = search.Filters(
        date_from=params.date_from,
        date_to=params.date_to,
        officer=params.officer,
        unit=params.unit,
        category=params.category,
        kind=params.kind,
        case=params.case,
    )
    found = search.search(signed_in_user(request), params.q, filters, page=params.page)
    return {
        "query": params.q,
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
        "ranked": found.ranked,
        "results": [
            {
                "id": str(h.item.pk),
                "title": h.item.title,
                "kind": h.item.kind,
                "officer": h.item.officer.get_username() if h.item.officer else None,
                "recorded_at": h.item.recorded_at,
                "category": h.item.category.name if h.item.category else None,
                "snippet": str(h.snippet),
                "score": h.score,
            }
            for h in found.hits
        ],
    }


@router.get("", response=list[CaseOut], auth=read)
def list_cases(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    user = signed_in_user(request)
    cases = visible_cases(user).select_related("created_by").order_by("-created_at")
    if status:
        if status not in CaseStatus.values:
            raise Rejected(f"status must be one of: {', '.join(CaseStatus.values)}.")
        cases = cases.filter(status=status)
    cases = cases[:500]
    counts = dict(
        CaseItem.objects.filter(case__in=[c.pk for c in cases], item__in=_visible_ids(user))
        .values_list("case")
        .annotate(n=Count("item"))
    )
    return [case_out(c, counts.get(c.pk, 0)) for c in cases]


@router.post("", response={201: CaseDetailOut}, auth=write)
def create_case(request: HttpRequest, body: CaseIn) -> Status:
    user = signed_in_user(request)
    members = list(User.objects.filter(username__in=body.members))
    missing = set(body.members) - {m.get_username() for m in members}
    if missing:
        raise Rejected(f"No such user: {', '.join(sorted(missing))}.")
    case = services.create_case(
        number=body.number,
        title=body.title,
        incident_number=body.incident_number,
        description=body.description,
        restricted=body.restricted,
        members=members,
        actor=user,
        request=request,
    )
    return Status(201, case_detail(user, case))


@router.get("{case_id}", response=CaseDetailOut, auth=read)
def get_case(request: HttpRequest, case_id: uuid.UUID) -> dict[str, Any]:
    user = signed_in_user(request)
    return case_detail(user, visible_case(user, case_id))


@router.post("{case_id}/items", response={201: LinkedItemOut, 200: LinkedItemOut}, auth=write)
def link_item(request: HttpRequest, case_id: uuid.UUID, body: LinkIn) -> Status:
    """Link evidence you can see; 201 when linked, 200 when it already was."""
    user = signed_in_user(request)
    case = visible_case(user, case_id)
    item, created = services.link_visible_item(case, body.item_id, actor=user, request=request)
    link = CaseItem.objects.get(case=case, item=item)
    return Status(
        201 if created else 200,
        {
            "id": str(item.pk),
            "title": item.title,
            "kind": item.kind,
            "officer": item.officer.get_username() if item.officer else None,
            "recorded_at": item.recorded_at,
            "added_at": link.added_at,
        },
    )


@router.delete("{case_id}/items/{item_id}", response={200: dict[str, bool]}, auth=write)
def unlink_item(request: HttpRequest, case_id: uuid.UUID, item_id: uuid.UUID) -> dict[str, bool]:
    """Remove the link; the evidence itself is never touched."""
    user = signed_in_user(request)
    case = visible_case(user, case_id)
    services.unlink_item(case, item_id, actor=user, request=request)
    return {"unlinked": True}


@router.post("{case_id}/notes", response={201: NoteOut}, auth=write)
def add_case_note(request: HttpRequest, case_id: uuid.UUID, body: NoteIn) -> Status:
    user = signed_in_user(request)
    case = visible_case(user, case_id)
    return Status(
        201, note_out(services.add_case_note(case, body.text, actor=user, request=request))
    )


# Tags and notes on one evidence item (the evidence page calls these).


def tag_list(item_id: Any) -> list[dict[str, Any]]:
    return [
        {"name": t.tag.name, "added_by": str(t.added_by), "added_at": t.added_at}
        for t in ItemTag.objects.filter(item_id=item_id).select_related("tag", "added_by")
    ]


@router.get("items/{item_id}/tags", response=list[TagOut], auth=read)
def item_tags(request: HttpRequest, item_id: uuid.UUID) -> list[dict[str, Any]]:
    item = get_item(signed_in_user(request), item_id)
    return tag_list(item.pk)


@router.post("items/{item_id}/tags", response={201: list[TagOut], 200: list[TagOut]}, auth=write)
def add_item_tag(request: HttpRequest, item_id: uuid.UUID, body: TagIn) -> Status:
    """Tag an item; answers the item's tags (201 when the tag is new on it)."""
    _, created = services.add_tag(signed_in_user(request), item_id, body.name, request)
    return Status(201 if created else 200, tag_list(item_id))


@router.delete("items/{item_id}/tags/{name}", response=list[TagOut], auth=write)
def remove_item_tag(request: HttpRequest, item_id: uuid.UUID, name: str) -> list[dict[str, Any]]:
    services.remove_tag(signed_in_user(request), item_id, name, request)
    return tag_list(item_id)


@router.get("items/{item_id}/notes", response=list[NoteOut], auth=read)
def item_notes(request: HttpRequest, item_id: uuid.UUID) -> list[dict[str, Any]]:
    item = get_item(signed_in_user(request), item_id)
    return [note_out(n) for n in Note.objects.filter(item=item).select_related("author")]


@router.post("items/{item_id}/notes", response={201: NoteOut}, auth=write)
def add_item_note(request: HttpRequest, item_id: uuid.UUID, body: NoteIn) -> Status:
    return Status(
        201, note_out(services.add_item_note(signed_in_user(request), item_id, body.text, request))
    )


@router.get("items/{item_id}/cases", response=list[CaseOut], auth=read)
def item_cases(request: HttpRequest, item_id: uuid.UUID) -> list[dict[str, Any]]:
    """The cases you can see that hold this item."""
    user = signed_in_user(request)
    item = get_item(user, item_id)
    cases = visible_cases(user).filter(items=item).select_related("created_by")
    ids = _visible_ids(user)
    counts = dict(
        CaseItem.objects.filter(case__in=[c.pk for c in cases], item__in=ids)
        .values_list("case")
        .annotate(n=Count("item"))
    )
    return [case_out(c, counts.get(c.pk, 0)) for c in cases]
