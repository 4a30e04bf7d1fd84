"""Detection and rendering, run by the Celery tasks on the ``redaction`` queue."""

from __future__ import annotations

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

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.core.canonical import rfc3339
from evidentia.core.errors import Conflict
from evidentia.custody import events
from evidentia.evidence.models import Item
from evidentia.evidence.vaultio import blob_for, open_blob, vault
from evidentia.redaction import engine, logpdf
from evidentia.redaction.models import RedactedVersion, RedactionPlan
from evidentia.redaction.services.plans import S, _event, _locked, _store, _who, load

log = logging.getLogger(__name__)
PROGRESS_EVERY_S = 1.0
IMAGE_MIMES = {".png": "image/png"}
JSON, PDF = "application/json", "application/pdf"


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
            blob, reused = blob_for(w, mime)
            if reused:
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
