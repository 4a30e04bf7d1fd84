"""The redaction studio's JSON API, mounted at /api/v1/redaction.

A plan is summarised (tracks without their boxes); the boxes of one frame come from
``plans/{id}/frames/{n}``, and ``plans/{id}/frame/{n}.jpg`` draws them over the picture.
Every handler calls services, which check permission and write the ledger.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from evidentia.accounts.auth import ApiAuth, signed_in_user
from evidentia.redaction import services
from evidentia.redaction.models import RedactionPlan

router = Router(tags=["redaction"])
read = ApiAuth("evidence:read")
write = ApiAuth("evidence:write")


class PlanIn(Schema):
    kinds: list[Literal["faces", "plates"]] = ["faces"]


class TrackOut(Schema):
    id: str
    label: str
    source: str
    included: bool
    decided_by: str | None
    first_frame: int | None
    last_frame: int | None
    boxes: int
    keyframes: list[int] | None = None


class VersionOut(Schema):
    id: int
    sha256: str
    size: int
    review_log_sha256: str
    review_pdf_sha256: str
    plan_sha256: str
    created_at: datetime


class PlanOut(Schema):
    id: uuid.UUID
    item: uuid.UUID
    number: int
    state: str
    progress: int
    error: str
    kinds: list[str]
    plan_sha256: str
    approved_sha256: str
    source: dict[str, Any] | None
    mode: str | None
    margin: float | None
    tracks: list[TrackOut]
    whole_frame: list[dict[str, Any]]
    audio: list[dict[str, Any]]
    created_by: str
    requested_by: str | None
    approved_by: str | None
    requested_at: datetime | None
    approved_at: datetime | None
    review_note: str
    versions: list[VersionOut]


class StatusOut(Schema):
    id: uuid.UUID
    state: str
    progress: int
    error: str
    versions: list[VersionOut]


class TrackIn(Schema):
    included: bool


class ManualIn(Schema):
    frame: int = Field(..., ge=0)
    box: list[float] = Field(..., min_length=4, max_length=4)
    label: str = "face"


class AudioRangeIn(Schema):
    start_s: float = Field(..., ge=0)
    end_s: float = Field(..., ge=0)
    mode: Literal["mute", "bleep"] = "mute"


class FrameRangeIn(Schema):
    start_frame: int = Field(..., ge=0)
    end_frame: int = Field(..., ge=0)
    mode: Literal["black", "blur"] = "black"


class AudioIn(Schema):
    ranges: list[AudioRangeIn]


class WholeFrameIn(Schema):
    ranges: list[FrameRangeIn]


class RejectIn(Schema):
    reason: str = ""


def _name(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _versions(rp: RedactionPlan) -> list[dict[str, Any]]:
    return [
        {
            "id": v.pk,
            "sha256": v.blob.sha256,
            "size": v.blob.size,
            "review_log_sha256": v.review_log.sha256,
            "review_pdf_sha256": v.review_pdf.sha256,
            "plan_sha256": v.plan_sha256,
            "created_at": v.created_at,
        }
        for v in rp.versions.select_related("blob", "review_log", "review_pdf")
    ]


def plan_out(rp: RedactionPlan) -> dict[str, Any]:
    data = rp.plan or {}
    tracks = []
    for t in data.get("tracks", []):
        frames = [int(f) for f in t["boxes"]]
        tracks.append(
            {
                "id": t["id"],
                "label": t["label"],
                "source": t["source"],
                "included": t["included"],
                "decided_by": t.get("decided_by"),
                "first_frame": min(frames, default=None),
                "last_frame": max(frames, default=None),
                "boxes": len(frames),
                "keyframes": t.get("keyframes"),
            }
        )
    return {
        "id": rp.pk,
        "item": rp.item_id,
        "number": rp.number,
        "state": rp.state,
        "progress": rp.progress,
        "error": rp.error,
        "kinds": rp.kinds,
        "plan_sha256": rp.plan_sha256,
        "approved_sha256": rp.approved_sha256,
        "source": data.get("source"),
        "mode": data.get("mode"),
        "margin": data.get("margin"),
        "tracks": tracks,
        "whole_frame": data.get("whole_frame", []),
        "audio": data.get("audio", []),
        "created_by": rp.created_by.get_username(),
        "requested_by": _name(rp.requested_by),
        "approved_by": _name(rp.approved_by),
        "requested_at": rp.requested_at,
        "approved_at": rp.approved_at,
        "review_note": rp.review_note,
        "versions": _versions(rp),
    }


def _plan(request: HttpRequest, plan_id: uuid.UUID) -> RedactionPlan:
    return services.get_plan(signed_in_user(request), plan_id)


@router.post("items/{item_id}/plans", response={201: PlanOut}, auth=write)
def create_plan(request: HttpRequest, item_id: uuid.UUID, body: PlanIn) -> Status:
    """Start a plan: automatic detection runs in the background (poll the plan's status)."""
    rp = services.start_plan(signed_in_user(request), item_id, tuple(body.kinds))
    rp.refresh_from_db()
    return Status(201, plan_out(rp))


@router.get("items/{item_id}/plans", response=list[PlanOut], auth=read)
def list_plans(request: HttpRequest, item_id: uuid.UUID) -> list[dict[str, Any]]:
    return [plan_out(rp) for rp in services.plans_for(signed_in_user(request), item_id)]


@router.get("plans/{plan_id}", response=PlanOut, auth=read)
def get_plan(request: HttpRequest, plan_id: uuid.UUID) -> dict[str, Any]:
    return plan_out(_plan(request, plan_id))


@router.get("plans/{plan_id}/status", response=StatusOut, auth=read)
def plan_status(request: HttpRequest, plan_id: uuid.UUID) -> dict[str, Any]:
    rp = _plan(request, plan_id)
    return {
        "id": rp.pk,
        "state": rp.state,
        "progress": rp.progress,
        "error": rp.error,
        "versions": _versions(rp),
    }


@router.get("plans/{plan_id}/frames/{frame}", auth=read)
def frame_boxes(request: HttpRequest, plan_id: uuid.UUID, frame: int) -> dict[str, Any]:
    """Every track's box on one frame: {frame, whole_frame, boxes: [{track, label, source,
    included, box}]}."""
    return services.boxes_on(_plan(request, plan_id), frame)


@router.get("plans/{plan_id}/frame/{frame}.jpg", auth=read)
def frame_picture(request: HttpRequest, plan_id: uuid.UUID, frame: int) -> HttpResponse:
    """The frame with overlays: included boxes red and solid, excluded grey and dashed."""
    data = services.frame_jpeg(signed_in_user(request), plan_id, frame)
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@router.patch("plans/{plan_id}/tracks/{track_id}", response=PlanOut, auth=write)
def set_track(
    request: HttpRequest, plan_id: uuid.UUID, track_id: str, body: TrackIn
) -> dict[str, Any]:
    user = signed_in_user(request)
    return plan_out(services.set_track(user, _plan(request, plan_id), track_id, body.included))


@router.post("plans/{plan_id}/manual", response={201: TrackOut}, auth=write)
def add_manual_box(request: HttpRequest, plan_id: uuid.UUID, body: ManualIn) -> Status:
    """Draw a box on a frame; it is tracked forward and backward and added as a track."""
    user = signed_in_user(request)
    rp, track_id = services.add_manual_box(
        user, _plan(request, plan_id), body.frame, body.box, body.label
    )
    return Status(201, next(t for t in plan_out(rp)["tracks"] if t["id"] == track_id))


@router.put("plans/{plan_id}/audio", response=PlanOut, auth=write)
def set_audio(request: HttpRequest, plan_id: uuid.UUID, body: AudioIn) -> dict[str, Any]:
    ranges = [r.dict() for r in body.ranges]
    return plan_out(services.set_audio(signed_in_user(request), _plan(request, plan_id), ranges))


@router.put("plans/{plan_id}/whole-frame", response=PlanOut, auth=write)
def set_whole_frame(request: HttpRequest, plan_id: uuid.UUID, body: WholeFrameIn) -> dict[str, Any]:
    ranges = [r.dict() for r in body.ranges]
    user = signed_in_user(request)
    return plan_out(services.set_whole_frame(user, _plan(request, plan_id), ranges))


@router.post("plans/{plan_id}/request-approval", response=PlanOut, auth=write)
def request_approval(request: HttpRequest, plan_id: uuid.UUID) -> dict[str, Any]:
    return plan_out(services.request_approval(signed_in_user(request), _plan(request, plan_id)))


@router.post("plans/{plan_id}/approve", response=PlanOut, auth=write)
def approve(request: HttpRequest, plan_id: uuid.UUID) -> dict[str, Any]:
    return plan_out(services.approve(signed_in_user(request), _plan(request, plan_id)))


@router.post("plans/{plan_id}/reject", response=PlanOut, auth=write)
def reject(request: HttpRequest, plan_id: uuid.UUID, body: RejectIn) -> dict[str, Any]:
    user = signed_in_user(request)
    return plan_out(services.reject(user, _plan(request, plan_id), body.reason))


@router.post("plans/{plan_id}/render", response={202: PlanOut}, auth=write)
def render(request: HttpRequest, plan_id: uuid.UUID) -> Status:
    """Render an approved plan in the background; poll ``status``."""
    rp = services.render(signed_in_user(request), _plan(request, plan_id))
    rp.refresh_from_db()
    return Status(202, plan_out(rp))


@router.post("plans/{plan_id}/retry", response={202: PlanOut}, auth=write)
def retry(request: HttpRequest, plan_id: uuid.UUID) -> Status:
    rp = services.retry(signed_in_user(request), _plan(request, plan_id))
    rp.refresh_from_db()
    return Status(202, plan_out(rp))
