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
task runs again (acks_late) and, once a version exists for the approved plan, does nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from evidentia.accounts.models import Role, User
from evidentia.core.canonical import canonical_json, rfc3339
from evidentia.core.errors import Conflict, NotFound, PermissionDenied, Rejected
from evidentia.custody import events, ledger
from evidentia.evidence import policy
from evidentia.evidence.models import Blob, Item
from evidentia.evidence.services.access import get_item
from evidentia.evidence.vaultio import open_blob, vault
from evidentia.redaction import engine, logpdf
from evidentia.redaction import plan as plans
from evidentia.redaction.detectors import DETECTORS
from evidentia.redaction.mediaio import iter_frames, turn_of, upright_array, video_stream
from evidentia.redaction.models import RedactedVersion, RedactionPlan

log = logging.getLogger(__name__)
S = RedactionPlan.State
REDACTORS = {Role.CUSTODIAN, Role.INVESTIGATOR, Role.SUPERVISOR}
APPROVERS = {Role.CUSTODIAN}
EDITABLE = {S.READY, S.REQUESTED, S.APPROVED, S.REJECTED, S.RENDERED, S.FAILED}
MANUAL_TRACK_FRAMES = 90  # a drawn box is followed this many frames each way at most
MANUAL_KEY_EVERY = 5  # every 5th tracked frame becomes a keyframe; the rest interpolated
TRACK_WIDTH = 640  # manual tracking runs on pictures at most this wide
PROGRESS_EVERY_S = 1.0
IMAGE_MIMES = {".png": "image/png"}
JSON, PDF = "application/json", "application/pdf"


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


# --- jobs (called by tasks.py) ---------------------------------------------------------


def _reporter(rp: RedactionPlan) -> engine.Progress:
    last = {"pct": 0, "at": 0.0}

    def report(fraction: float) -> None:
        pct = max(0, min(99, int(fraction * 100)))
        now = time.monotonic()
        if pct > last["pct"] and now - last["at"] >= PROGRESS_EVERY_S:
            last["pct"], last["at"] = pct, now
            RedactionPlan.objects.filter(pk=rp.pk).update(progress=pct, updated_at=timezone.now())

    return report


@contextmanager
def _workdir() -> Iterator[Path]:
    root = Path(settings.FILE_UPLOAD_TEMP_DIR)
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root, prefix="redact-") as work:  # mode 0700
        yield Path(work)


def _decrypt(item: Item, work: Path) -> Path:
    suffix = Path(item.original_name).suffix.lower()[:8] or ".bin"
    path = work / f"original{suffix}"
    with open_blob(item.blob) as src, path.open("wb") as out:
        shutil.copyfileobj(src, out, 1 << 20)
    return path


def _fail(rp: RedactionPlan, step: str, reason: str) -> str:
    with transaction.atomic():
        rp = _locked(rp)
        rp.state, rp.error, rp.progress = S.FAILED, reason, 100
        rp.save()
        _event(events.REDACTION_FAILED, rp, "redaction", "failure", step=step, reason=reason)
    return str(rp.state)


def run_detection(plan_id: str) -> str:
    rp = RedactionPlan.objects.select_related("item__blob").filter(pk=plan_id).first()
    if rp is None:
        return "missing"
    if rp.state != S.DETECTING:
        return str(rp.state)  # done already, or not asked for
    try:
        with _workdir() as work:
            found = engine.detect(_decrypt(rp.item, work), rp.kinds, progress=_reporter(rp))
    except engine.RedactionError as exc:
        return _fail(rp, "detect", str(exc))
    except Exception as exc:
        log.exception("detection for plan %s failed", rp.pk)
        return _fail(rp, "detect", f"unexpected error while detecting: {exc}")
    with transaction.atomic():
        rp = _locked(rp)
        if rp.state != S.DETECTING:
            return str(rp.state)
        _store(rp, found)
        rp.state, rp.progress, rp.error = S.READY, 100, ""
        rp.save()
        _event(
            events.REDACTION_PLAN_CHANGED, rp, "redaction", change="detected",
            tracks=len(found.tracks), source_sha256=found.source.sha256,
        )  # fmt: skip
    return str(rp.state)


def run_render(plan_id: str, user_id: int | None = None) -> str:
    rp = RedactionPlan.objects.select_related("item__blob").filter(pk=plan_id).first()
    if rp is None:
        return "missing"
    if RedactedVersion.objects.filter(plan=rp, plan_sha256=rp.approved_sha256).exists():
        if rp.state == S.RENDERING:
            RedactionPlan.objects.filter(pk=rp.pk).update(state=S.RENDERED, progress=100)
        return str(S.RENDERED)  # a retry after success does nothing
    if rp.state != S.RENDERING:
        return str(rp.state)
    if rp.plan_sha256 != rp.approved_sha256:
        return _fail(rp, "render", "the plan changed after it was approved: approve it again")
    actor = User.objects.filter(pk=user_id).first() if user_id else None
    written: list[Any] = []
    try:
        with _workdir() as work:
            src = _decrypt(rp.item, work)
            suffix = src.suffix if rp.item.kind == "image" else ".mp4"
            mime = IMAGE_MIMES.get(suffix, "image/jpeg") if rp.item.kind == "image" else "video/mp4"
            out = work / f"redacted{suffix}"
            stats = engine.render(src, load(rp), out, progress=_reporter(rp))
            with out.open("rb") as fh:
                written.append(vault().write(fh, uuid.uuid4()))
        video = written[0]
        review = review_log(rp, stats, video)
        log_bytes = json.dumps(review, indent=1, sort_keys=True).encode()
        written.append(vault().write(io.BytesIO(log_bytes), uuid.uuid4()))
        pdf = logpdf.render(review, written[1].sha256)
        written.append(vault().write(io.BytesIO(pdf), uuid.uuid4()))
        return _commit_render(rp, actor, written, [mime, JSON, PDF], stats)
    except engine.RedactionError as exc:
        _forget(written)
        return _fail(rp, "render", str(exc))
    except Exception as exc:
        _forget(written)
        log.exception("rendering plan %s failed", rp.pk)
        return _fail(rp, "render", f"unexpected error while rendering: {exc}")


def _forget(written: list[Any]) -> None:
    for w in written:
        vault().store.delete(w.storage_key)


def _commit_render(
    rp: RedactionPlan,
    actor: User | None,
    written: list[Any],
    mimes: list[str],
    stats: dict[str, Any],
) -> str:
    duplicates = []
    with transaction.atomic():
        rp = _locked(rp)
        if rp.state != S.RENDERING or rp.plan_sha256 != rp.approved_sha256:
            raise Conflict("the plan left the rendering state while it was being rendered")
        blobs = []
        for w, mime in zip(written, mimes, strict=True):
            blob = Blob.objects.filter(sha256=w.sha256).first()
            if blob is None:
                blob = Blob.objects.create(
                    id=w.blob_id, sha256=w.sha256, size=w.size, storage_key=w.storage_key,
                    kek_id=w.kek_id, wrapped_key=w.wrapped_key, segment_size=w.segment_size,
                    mime=mime,
                )  # fmt: skip
            else:
                duplicates.append(w)  # identical bytes already in the vault share a blob
            blobs.append(blob)
        version = RedactedVersion.objects.create(
            plan=rp, plan_sha256=rp.plan_sha256, plan_snapshot=rp.plan,
            blob=blobs[0], review_log=blobs[1], review_pdf=blobs[2],
        )  # fmt: skip
        rp.state, rp.progress, rp.error = S.RENDERED, 100, ""
        rp.save()
        _event(
            events.REDACTION_RENDERED, rp, actor or "redaction",
            version=version.pk, source_sha256=rp.item.blob.sha256, sha256=blobs[0].sha256,
            size=blobs[0].size, review_log_sha256=blobs[1].sha256,
            review_pdf_sha256=blobs[2].sha256, frames=stats.get("frames"),
        )  # fmt: skip
    _forget(duplicates)
    return str(rp.state)


def review_log(rp: RedactionPlan, stats: dict[str, Any], video: Any) -> dict[str, Any]:
    """The engine's review log plus who asked, who approved and the hashes that tie the
    redacted file to the original and to the plan."""
    stats = {k: v for k, v in stats.items() if k != "output"}  # a temp path, meaningless later
    out = engine.review_log(load(rp), stats)
    item = rp.item
    out["item"] = {"id": str(item.pk), "title": item.title, "name": item.original_name}
    out["plan"] = {"id": str(rp.pk), "number": rp.number, "sha256": rp.plan_sha256}
    out["original"] = {"sha256": item.blob.sha256, "size": item.blob.size}
    out["output"] = {"sha256": video.sha256, "size": video.size}
    out["approval"] = {
        "requested_by": _who(rp.requested_by),
        "requested_at": rfc3339(rp.requested_at) if rp.requested_at else None,
        "approved_by": _who(rp.approved_by),
        "approved_at": rfc3339(rp.approved_at) if rp.approved_at else None,
        "approved_plan_sha256": rp.approved_sha256,
    }
    return out


# --- pictures for the review UI --------------------------------------------------------


def _upright_frames(blob: Blob, first: int, last: int) -> Iterator[tuple[int, np.ndarray]]:
    """(index, upright RGB picture) for frames first..last in presentation order."""
    with open_blob(blob) as fh, av.open(fh, metadata_errors="replace") as container:
        stream = video_stream(container)
        stream.thread_type = "AUTO"
        for index, frame in enumerate(iter_frames(container, stream)):
            if index > last:
                return
            if index >= first:
                yield index, upright_array(frame.to_ndarray(format="rgb24"), turn_of(frame))


def follow(blob: Blob, frame: int, box: list[float], frames: int) -> dict[int, list[float]]:
    """Keyframes for a drawn box: the MIL tracker's path forward and backward from it."""
    lo, hi = max(0, frame - MANUAL_TRACK_FRAMES), min(frames - 1, frame + MANUAL_TRACK_FRAMES)
    pictures: dict[int, np.ndarray] = {}
    scale = 1.0
    for index, rgb in _upright_frames(blob, lo, hi):
        scale = min(1.0, TRACK_WIDTH / rgb.shape[1])
        small = cv2.resize(rgb, None, fx=scale, fy=scale) if scale < 1 else rgb
        pictures[index] = cv2.cvtColor(small, cv2.COLOR_RGB2BGR)
    if frame not in pictures:
        raise Rejected(f"Frame {frame} could not be decoded.")
    keys = {frame: list(box)}
    x1, y1, x2, y2 = (v * scale for v in box)
    start = (round(x1), round(y1), max(2, round(x2 - x1)), max(2, round(y2 - y1)))
    for step in (1, -1):
        tracker = cv2.TrackerMIL_create()
        tracker.init(pictures[frame], start)
        f, last = frame + step, None
        while f in pictures:
            ok, (x, y, w, h) = tracker.update(pictures[f])
            if not ok:
                break  # lost it: the reviewer draws another box from here
            last = (f, [x / scale, y / scale, (x + w) / scale, (y + h) / scale])
            if abs(f - frame) % MANUAL_KEY_EVERY == 0:
                keys[f] = last[1]
            f += step
        if last is not None:
            keys[last[0]] = last[1]  # the path ends where the tracker last saw it
    width, height = pictures[frame].shape[1] / scale, pictures[frame].shape[0] / scale
    return {k: _inside(b, width, height) for k, b in keys.items()}


def _inside(box: list[float], width: float, height: float) -> list[float]:
    x1, y1 = min(max(0.0, box[0]), width - 2), min(max(0.0, box[1]), height - 2)
    return [x1, y1, max(x1 + 1, min(width, box[2])), max(y1 + 1, min(height, box[3]))]


def boxes_on(rp: RedactionPlan, frame: int) -> dict[str, Any]:
    """Every track's box on one frame (included or not) and the whole-frame mode there."""
    plan = load(rp)
    _frame_range(rp, frame)
    return {
        "frame": frame,
        "whole_frame": plan.frame_mode(frame),
        "boxes": [
            {"track": t.id, "label": t.label, "source": t.source, "included": t.included,
             "box": [round(v, 1) for v in t.boxes[frame]]}
            for t in plan.tracks if frame in t.boxes
        ],
    }  # fmt: skip


def frame_jpeg(user: User, plan_id: object, frame: int) -> bytes:
    """The frame with the plan drawn over it: included boxes red and solid, excluded grey
    and dashed, a whole-frame range as a red border. The picture itself is unredacted:
    it is for the reviewer, who may see the original."""
    rp = get_plan(user, plan_id)
    found = boxes_on(rp, frame)
    picture = next((rgb for _, rgb in _upright_frames(rp.item.blob, frame, frame)), None)
    if picture is None:
        raise NotFound(f"Frame {frame} could not be decoded.")
    bgr = np.ascontiguousarray(cv2.cvtColor(picture, cv2.COLOR_RGB2BGR))
    thick = max(2, round(bgr.shape[1] / 320))
    for b in sorted(found["boxes"], key=lambda b: b["included"]):
        p1, p2 = (round(b["box"][0]), round(b["box"][1])), (round(b["box"][2]), round(b["box"][3]))
        if b["included"]:
            cv2.rectangle(bgr, p1, p2, (0, 0, 255), thick)
        else:
            _dashed(bgr, p1, p2, (160, 160, 160), thick)
    if found["whole_frame"]:
        cv2.rectangle(bgr, (0, 0), (bgr.shape[1] - 1, bgr.shape[0] - 1), (0, 0, 255), thick * 3)
    ok, data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise Conflict("The frame could not be encoded as JPEG.")
    return bytes(data.tobytes())


def _dashed(img: np.ndarray, p1: tuple[int, int], p2: tuple[int, int], colour: Any, t: int):
    (x1, y1), (x2, y2), dash = p1, p2, 6
    for x in range(x1, x2, dash * 2):
        for y in (y1, y2):
            cv2.line(img, (x, y), (min(x + dash, x2), y), colour, t)
    for y in range(y1, y2, dash * 2):
        for x in (x1, x2):
            cv2.line(img, (x, y), (x, min(y + dash, y2)), colour, t)


def version_of(rp: RedactionPlan) -> RedactedVersion | None:
    return rp.versions.select_related("blob", "review_log", "review_pdf").last()
