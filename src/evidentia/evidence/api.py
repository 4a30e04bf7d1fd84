"""Evidence API: ingest by streamed multipart upload, list, read metadata."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.files.uploadhandler import StopUpload
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from evidentia.accounts.auth import ApiAuth
from evidentia.accounts.models import User
from evidentia.cases.models import Case, Category
from evidentia.core.canonical import parse_rfc3339
from evidentia.core.errors import PermissionDenied, Rejected
from evidentia.evidence import policy
from evidentia.evidence.models import Item
from evidentia.evidence.services import access, metadata
from evidentia.evidence.services.ingest import Submission, finish
from evidentia.evidence.uploads import VaultUpload, install
from evidentia.evidence.vaultio import vault

router = Router(tags=["evidence"])


class ItemOut(Schema):
    id: str
    title: str
    original_name: str
    kind: str
    mime: str
    sha256: str
    size: int
    officer: str | None
    device_id: str
    recorded_at: datetime | None
    ingested_at: datetime
    processing: str
    processing_error: str
    duration_seconds: float | None
    media: dict[str, Any]
    cases: list[str]
    duplicate: bool = False


def item_out(item: Item, duplicate: bool = False) -> dict[str, Any]:
    return {
        "id": str(item.pk),
        "title": item.title,
        "original_name": item.original_name,
        "kind": item.kind,
        "mime": item.mime,
        "sha256": item.blob.sha256,
        "size": item.blob.size,
        "officer": item.officer.badge_number if item.officer else None,
        "device_id": item.device_id,
        "recorded_at": item.recorded_at,
        "ingested_at": item.ingested_at,
        "processing": item.processing,
        "processing_error": item.processing_error,
        "duration_seconds": item.duration_seconds,
        "media": item.media,
        "cases": [c.number for c in item.cases.all()],
        "duplicate": duplicate,
    }


UPLOAD_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "officer": {"type": "string", "description": "badge number"},
                        "device_id": {"type": "string"},
                        "case": {"type": "string", "description": "case number"},
                        "category": {"type": "string"},
                        "recorded_at": {"type": "string", "format": "date-time"},
                        "description": {"type": "string"},
                    },
                }
            }
        },
    }
}


def _submission(request: HttpRequest, name: str) -> Submission:
    form = request.POST
    sub = Submission(original_name=name, via="api", device_id=form.get("device_id", "")[:100])
    sub.description = form.get("description", "")
    if badge := form.get("officer"):
        sub.officer = User.objects.filter(badge_number=badge, is_active=True).first()
        if sub.officer is None:
            raise Rejected(f"No active officer has badge number {badge}.")
    elif request.user.role == "officer":
        sub.officer = request.user
    if number := form.get("case"):
        sub.case = Case.objects.filter(number=number).first()
        if sub.case is None:
            raise Rejected(f"No case numbered {number}.")
    if name_ := form.get("category"):
        sub.category = Category.objects.filter(name=name_).first()
        if sub.category is None:
            raise Rejected(f"No category named {name_}.")
    if when := form.get("recorded_at"):
        try:
            sub.recorded_at = parse_rfc3339(when)
        except ValueError as exc:
            raise Rejected(
                "recorded_at must be an RFC 3339 time, e.g. 2026-03-02T14:03:07Z."
            ) from exc
    return sub


@router.post(
    "",
    response={201: ItemOut, 200: ItemOut},
    auth=ApiAuth("evidence:write"),
    openapi_extra=UPLOAD_DOC,
    summary="Ingest a file (streamed multipart upload)",
)
def upload(request: HttpRequest) -> Status:
    """Streams the `file` part straight into the encrypted vault while hashing it.
    Returns 201 for new evidence, 200 when identical content is already evidence."""
    if not policy.can_ingest(request.user):
        raise PermissionDenied("Your role may not ingest evidence.")
    if not request.content_type.startswith("multipart/form-data"):
        raise HttpError(415, "Send the file as multipart/form-data in a part named 'file'.")
    handler = install(request)
    try:
        files = request.FILES
    except StopUpload as exc:
        raise HttpError(413, "The file is larger than this server accepts.") from exc
    upload = files.get("file")
    if handler.extra_files:
        if isinstance(upload, VaultUpload):
            vault().store.delete(upload.written.storage_key)
        raise Rejected("Send exactly one file, in a part named 'file'.")
    if not isinstance(upload, VaultUpload):
        raise Rejected("No file: send it in a multipart part named 'file'.")
    try:
        sub = _submission(request, upload.name or "upload")
    except BaseException:
        vault().store.delete(upload.written.storage_key)
        raise
    result = finish(upload.written, upload.head, sub, actor=request.user, request=request)
    return Status(
        201 if result.created else 200, item_out(result.item, duplicate=not result.created)
    )


@router.get("", response=list[ItemOut], auth=ApiAuth("evidence:read"))
def list_items(
    request: HttpRequest, officer: str | None = None, kind: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    items = policy.visible_items(request.user).select_related("blob", "officer")
    if officer:
        items = items.filter(officer__badge_number=officer)
    if kind:
        items = items.filter(kind=kind)
    return [item_out(i) for i in items.order_by("-ingested_at")[: max(1, min(limit, 500))]]


@router.get("/{item_id}", response=ItemOut, auth=ApiAuth("evidence:read"))
def get_item(request: HttpRequest, item_id: str) -> dict[str, Any]:
    return item_out(access.view_metadata(request.user, item_id, request))


class ItemPatch(Schema):
    title: str | None = None
    description: str | None = None
    device_id: str | None = None
    category: str | None = None
    recorded_at: datetime | None = None


@router.patch("/{item_id}", response=ItemOut, auth=ApiAuth("evidence:write"))
def patch_item(request: HttpRequest, item_id: str, payload: ItemPatch) -> dict[str, Any]:
    """Edit descriptive details. The file itself never changes; each edit is logged."""
    changes = payload.dict(exclude_unset=True)
    return item_out(metadata.edit(request.user, item_id, changes, request))
