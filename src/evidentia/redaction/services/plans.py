"""The redaction studio's one door: plans, review, approval and rendering.

Every change checks permission, changes the plan and appends its ledger event in one
transaction (rules 2 and 3). Who may do what is docs/decisions/0013-redaction-roles.md:
custodians, investigators and supervisors redact items they can see; only a custodian
approves, and never the person who asked for approval.

Detection and rendering run as Celery tasks on the ``redaction`` queue (tasks.py). They
need a real file for PyAV's probe, so the decrypted original is written to a private
temporary directory (mode 0700) under ``EVIDENTIA_HOME/tmp`` and deleted when the step
ends, whether it succeeded or not. A render becomes "rendered" only in the transaction
that creates its blob rows, so a worker killed mid-render leaves nothing marked done; the
task runs again (acks_late) and, once a version exists for the approved plan, does nothing."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from evidentia.accounts.models import Role, User
from evidentia.core.canonical import canonical_json
from evidentia.core.errors import Conflict, NotFound, PermissionDenied, Rejected
from evidentia.custody import events, ledger
from evidentia.evidence import policy
from evidentia.evidence.models import Item
from evidentia.evidence.services.access import get_item
from evidentia.redaction import plan as plans
from evidentia.redaction.detectors import DETECTORS
from evidentia.redaction.models import RedactedVersion, RedactionPlan
from evidentia.redaction.services.frames import follow

log = logging.getLogger(__name__)

S = RedactionPlan.State
REDACTORS = {Role.CUSTODIAN, Role.INVESTIGATOR, Role.SUPERVISOR}
APPROVERS = {Role.CUSTODIAN}
EDITABLE = {S.READY, S.REQUESTED, S.APPROVED, S.REJECTED, S.RENDERED, S.FAILED}


# --- who may ---------------------------------------------------------------------------


def _may_redact(user: User, item: Item) -> None:
    if not (user.is_active and user.role in REDACTORS):
        raise PermissionDenied(
            f"The {user.get_role_display()} role cannot redact evidence: ask an evidence "
            "custodian, an investigator or a supervisor."
        )
    if not policy.can_play(user, item):
        raise NotFound("No such evidence item, or you do not have access to it.")


def get_plan(user: User, plan_id: object) -> RedactionPlan:
    """The plan, if its item is visible to the user and the user may redact."""
    try:
        rp = RedactionPlan.objects.select_related("item__blob").get(pk=plan_id)
    except (RedactionPlan.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("No such redaction plan, or you do not have access to it.") from exc
    item = get_item(user, rp.item_id)  # 404 for items the user cannot see
    _may_redact(user, item)
    return rp


def plans_for(user: User, item_id: object) -> list[RedactionPlan]:
    item = get_item(user, item_id)
    _may_redact(user, item)
    return list(item.redaction_plans.order_by("number"))


# --- plan JSON -------------------------------------------------------------------------


def load(rp: RedactionPlan) -> plans.Plan:
    if not rp.plan:
        raise Conflict("Detection has not finished yet: there is no plan to work on.")
    return plans.from_json(rp.plan)


def plan_sha256(data: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()


def _store(rp: RedactionPlan, plan: plans.Plan) -> None:
    rp.plan = json.loads(plan.dumps())  # exactly what a reload gives, so the hash is stable
    rp.plan_sha256 = plan_sha256(rp.plan)


def _locked(rp: RedactionPlan) -> RedactionPlan:
    return RedactionPlan.objects.select_for_update().select_related("item__blob").get(pk=rp.pk)


def _who(user: User | None) -> dict[str, str] | None:
    if user is None:
        return None
    return {"username": user.get_username(), "name": str(user), "role": user.role}


def _event(
    kind: str, rp: RedactionPlan, actor: Any, outcome: str = "success", **detail: Any
) -> None:
    ledger.record(
        kind,
        actor=actor,
        item=rp.item,
        outcome=outcome,
        detail={"plan": str(rp.pk), "number": rp.number, "plan_sha256": rp.plan_sha256, **detail},
    )


# --- the plan's life -------------------------------------------------------------------


def start_plan(user: User, item_id: object, kinds: tuple[str, ...] = ("faces",)) -> RedactionPlan:
    """A new plan for the item; automatic detection runs on the redaction queue."""
    from evidentia.redaction.tasks import detect

    item = get_item(user, item_id)
    _may_redact(user, item)
    kinds = tuple(dict.fromkeys(kinds))
    unknown = [k for k in kinds if k not in DETECTORS]
    if unknown:
        raise Rejected(f"Unknown detector {unknown[0]!r}: choose from {', '.join(DETECTORS)}.")
    if item.kind not in ("video", "image"):
        raise Rejected("Only videos and photos can be redacted.")
    with transaction.atomic():
        Item.objects.select_for_update().filter(pk=item.pk).first()  # numbers without gaps
        last = item.redaction_plans.aggregate(n=Max("number"))["n"] or 0
        rp = RedactionPlan.objects.create(
            item=item, number=last + 1, kinds=list(kinds), state=S.DETECTING, created_by=user
        )
        _event(events.REDACTION_PLAN_CREATED, rp, user, kinds=list(kinds))
        plan_id = str(rp.pk)
        transaction.on_commit(lambda: detect.delay(plan_id))
    return rp


def _edit(user: User, rp: RedactionPlan, change: str, apply: Any, **detail: Any) -> RedactionPlan:
    """Change the plan; any change sends it back to review (approval must be given again)."""
    with transaction.atomic():
        rp = _locked(rp)
        if rp.state not in EDITABLE or not rp.plan:
            raise Conflict(f"The plan cannot be changed while it is {rp.get_state_display()}.")
        plan = load(rp)
        extra = apply(plan) or {}
        _store(rp, plan)
        previous = str(rp.state)
        rp.state, rp.error = S.READY, ""
        rp.requested_by = rp.approved_by = rp.requested_at = rp.approved_at = None
        rp.approved_sha256 = ""
        rp.save()
        _event(
            events.REDACTION_PLAN_CHANGED, rp, user, change=change, previous_state=previous,
            **detail, **extra,
        )  # fmt: skip
    return rp


def _track(plan: plans.Plan, track_id: str) -> plans.Track:
    for t in plan.tracks:
        if t.id == track_id:
            return t
    raise NotFound(f"The plan has no track {track_id!r}.")


def set_track(user: User, rp: RedactionPlan, track_id: str, included: bool) -> RedactionPlan:
    rp = get_plan(user, rp.pk)

    def apply(plan: plans.Plan) -> None:
        track = _track(plan, track_id)
        track.included, track.decided_by = included, user.get_username()

    return _edit(
        user, rp, "track_included" if included else "track_excluded", apply, track=track_id
    )


def _frame_range(rp: RedactionPlan, frame: int) -> None:
    frames = int(rp.plan["source"]["frames"])
    if not 0 <= frame < frames:
        raise Rejected(f"Frame {frame} is outside the recording (frames 0 to {frames - 1}).")


def add_manual_box(
    user: User, rp: RedactionPlan, frame: int, box: list[float], label: str = "face"
) -> tuple[RedactionPlan, str]:
    """A box drawn on one frame, followed forward and backward by OpenCV's MIL tracker for
    up to MANUAL_TRACK_FRAMES each way; every MANUAL_KEY_EVERY-th tracked box (and the
    drawn one) becomes a keyframe, and plan.py interpolates between keyframes."""
    rp = get_plan(user, rp.pk)
    label = label.strip()[:40] or "face"
    if not rp.plan:
        raise Conflict("Detection has not finished yet: there is no plan to work on.")
    _frame_range(rp, frame)
    src = rp.plan["source"]
    x1, y1, x2, y2 = (float(v) for v in box)
    x1, y1 = max(0.0, x1), max(0.0, y1)
    x2, y2 = min(float(src["width"]), x2), min(float(src["height"]), y2)
    if x2 - x1 < 2 or y2 - y1 < 2:
        raise Rejected("The box must cover part of the picture: [x1, y1, x2, y2] in pixels.")
    keyframes = follow(rp.item.blob, frame, [x1, y1, x2, y2], int(src["frames"]))
    made: dict[str, str] = {}

    def apply(plan: plans.Plan) -> dict[str, Any]:
        taken = {t.id for t in plan.tracks}
        n = 1 + sum(1 for t in plan.tracks if t.source == "manual")
        while f"manual-{n}" in taken:
            n += 1
        track = plans.manual_track(f"manual-{n}", label, keyframes, user.get_username())
        plan.tracks.append(track)
        made["id"] = track.id
        return {"track": track.id, "first_frame": min(track.boxes), "last_frame": max(track.boxes)}

    rp = _edit(user, rp, "manual_box_added", apply, frame=frame, box=[x1, y1, x2, y2])
    return rp, made["id"]


def set_audio(user: User, rp: RedactionPlan, ranges: list[dict[str, Any]]) -> RedactionPlan:
    """Replace the audio ranges: [{"start_s", "end_s", "mode": "mute"|"bleep"}]."""
    rp = get_plan(user, rp.pk)
    checked = _ranges(rp, "audio", ranges)
    return _edit(user, rp, "audio_ranges", lambda p: setattr(p, "audio", checked), audio=ranges)


def set_whole_frame(user: User, rp: RedactionPlan, ranges: list[dict[str, Any]]) -> RedactionPlan:
    """Replace the whole-frame ranges: [{"start_frame", "end_frame", "mode": "black"|"blur"}]."""
    rp = get_plan(user, rp.pk)
    checked = _ranges(rp, "whole_frame", ranges)
    for r in checked:
        _frame_range(rp, r.end_frame)
    return _edit(
        user, rp, "whole_frame_ranges", lambda p: setattr(p, "whole_frame", checked), ranges=ranges
    )


def _ranges(rp: RedactionPlan, key: str, ranges: list[dict[str, Any]]) -> list[Any]:
    if not rp.plan:
        raise Conflict("Detection has not finished yet: there is no plan to work on.")
    try:
        return getattr(plans.from_json({**rp.plan, key: ranges}), key)  # type: ignore[no-any-return]
    except plans.PlanError as exc:
        raise Rejected(str(exc)) from exc


def request_approval(user: User, rp: RedactionPlan) -> RedactionPlan:
    rp = get_plan(user, rp.pk)
    with transaction.atomic():
        rp = _locked(rp)
        if rp.state not in (S.READY, S.REJECTED):
            raise Conflict(f"Approval cannot be asked for while the plan is {rp.state}.")
        rp.state, rp.requested_by, rp.requested_at = S.REQUESTED, user, timezone.now()
        rp.review_note = ""
        rp.save()
        _event(events.REDACTION_APPROVAL_REQUESTED, rp, user)
    return rp


def _reviewer(user: User, rp: RedactionPlan, verb: str) -> RedactionPlan:
    rp = get_plan(user, rp.pk)
    if user.role not in APPROVERS:
        raise PermissionDenied(f"Only an evidence custodian can {verb} a redaction plan.")
    rp = _locked(rp)
    if rp.state != S.REQUESTED:
        raise Conflict(f"Only a plan awaiting approval can be {verb}d; this one is {rp.state}.")
    return rp


def approve(user: User, rp: RedactionPlan) -> RedactionPlan:
    """A second person, a custodian, approves; the requester never approves their own."""
    with transaction.atomic():
        rp = _reviewer(user, rp, "approve")
        if rp.requested_by_id == user.pk:
            raise PermissionDenied(
                "You asked for this approval, so you cannot give it: another evidence "
                "custodian must review and approve the plan."
            )
        rp.state, rp.approved_by, rp.approved_at = S.APPROVED, user, timezone.now()
        rp.approved_sha256 = rp.plan_sha256
        rp.save()
        _event(events.REDACTION_APPROVED, rp, user, requested_by=rp.requested_by.get_username())
    return rp


def reject(user: User, rp: RedactionPlan, reason: str = "") -> RedactionPlan:
    with transaction.atomic():
        rp = _reviewer(user, rp, "reject")
        rp.state, rp.review_note = S.REJECTED, reason.strip()[:2000]
        rp.save()
        _event(events.REDACTION_REJECTED, rp, user, reason=rp.review_note)
    return rp


def render(user: User, rp: RedactionPlan) -> RedactionPlan:
    """Queue the render of an approved plan (the plan must be unchanged since approval)."""
    from evidentia.redaction.tasks import render as render_task

    rp = get_plan(user, rp.pk)
    with transaction.atomic():
        rp = _locked(rp)
        if rp.state != S.APPROVED:
            raise Conflict(
                f"Only an approved plan can be rendered; this one is {rp.get_state_display()}."
            )
        if rp.plan_sha256 != rp.approved_sha256:
            raise Conflict("The plan changed after it was approved: ask for approval again.")
        rp.state, rp.progress, rp.error = S.RENDERING, 0, ""
        rp.save()
        plan_id, user_id = str(rp.pk), user.pk
        transaction.on_commit(lambda: render_task.delay(plan_id, user_id))
    return rp


def retry(user: User, rp: RedactionPlan) -> RedactionPlan:
    """Run a failed detection or render again."""
    from evidentia.redaction import tasks

    rp = get_plan(user, rp.pk)
    with transaction.atomic():
        rp = _locked(rp)
        if rp.state != S.FAILED:
            raise Conflict(f"Only a failed step can be retried; this plan is {rp.state}.")
        again = bool(rp.approved_sha256) and rp.approved_sha256 == rp.plan_sha256
        if rp.plan and not again:
            raise Conflict("Change the plan and ask for approval again instead.")
        rp.state, rp.progress, rp.error = (S.RENDERING if again else S.DETECTING), 0, ""
        rp.save()
        plan_id, user_id = str(rp.pk), user.pk
        if again:
            transaction.on_commit(lambda: tasks.render.delay(plan_id, user_id))
        else:
            transaction.on_commit(lambda: tasks.detect.delay(plan_id))
    return rp


def version_of(rp: RedactionPlan) -> RedactedVersion | None:
    return rp.versions.select_related("blob", "review_log", "review_pdf").last()


def get_version(user: User, plan_id: object, version_id: object) -> RedactedVersion:
    """A rendered version of a plan the user may work on (404 otherwise)."""
    rp = get_plan(user, plan_id)
    version = (
        rp.versions.select_related("plan__item", "blob", "review_log", "review_pdf")
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        raise NotFound("No such redacted version of this plan.")
    return version


def read_review_pdf(
    user: User, version: RedactedVersion, request: Any = None, *, download: bool = True
) -> bytes:
    """The review log's PDF, checked against its SHA-256; a download is a ledger event."""
    from evidentia.evidence.services.playback import read

    data = b"".join(read(version.review_pdf))
    if hashlib.sha256(data).hexdigest() != version.review_pdf.sha256:
        raise NotFound("The review log PDF failed its integrity check.")
    if not download:
        return data
    ledger.record(
        events.DOWNLOADED,
        actor=user,
        request=request,
        item=version.plan.item,
        detail={
            "copy": "redaction review log PDF",
            "plan": str(version.plan_id),
            "version": version.pk,
            "sha256": version.review_pdf.sha256,
        },
    )
    return data
