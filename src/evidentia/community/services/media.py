"""Publishing a redacted copy of a resident's photo or video with a public report.

The public never reaches the evidence itself: `ReportMedia.public_blob` is always a
separate blob. For a video it is the file of a RedactedVersion whose plan is approved
(the redaction studio's review). For a photo it is a copy made here: faces found by
CenterFace are blurred and the picture is re-encoded with Pillow, so no EXIF (GPS,
camera serial, times) survives. The copy is stored and shown to the staff member
first; it is published only when they confirm it (the human review step).
"""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from evidentia.accounts.models import User
from evidentia.community.models import Report, ReportMedia
from evidentia.community.services.triage import record, workable
from evidentia.core.errors import Conflict, NotFound, PermissionDenied, Rejected
from evidentia.custody import events, ledger
from evidentia.custody.models import Event
from evidentia.evidence import policy
from evidentia.evidence.models import Blob, Kind
from evidentia.evidence.vaultio import blob_for, open_blob, vault
from evidentia.redaction import operators
from evidentia.redaction.detectors import CenterFaceDetector, DetectorError
from evidentia.redaction.models import RedactedVersion

COPY_KIND = "public_copy"
MAX_IMAGE_BYTES = 64 * 1024**2
FACE_MARGIN = 0.25  # of the box's size on each side: hair, ears and chin go too
JPEG_QUALITY = 90
DETECT_SCALE = (1280, 1280)


@dataclass(frozen=True)
class Prepared:
    blob: Blob
    faces: int


def get_media(actor: User, report: Report, media_id: object) -> ReportMedia:
    report = workable(actor, report)
    found = (
        ReportMedia.objects.select_related("item__blob", "public_blob", "report__service")
        .filter(pk=media_id, report=report)
        .first()
    )
    if found is None:
        raise NotFound("That file is not part of this report.")
    return found


def check_can_review(actor: User, media: ReportMedia) -> None:
    """Publishing means judging the copy against the original: only staff who may play
    the file, on a report the public can see."""
    report = workable(actor, media.report)
    if report.restricted or not report.public:
        raise Conflict(
            "This report is not on the public site, so its files cannot be published. "
            "Show the report publicly first (if its category allows it)."
        )
    if not policy.can_play(actor, media.item):
        raise PermissionDenied(
            "Your role cannot view evidence media, so it cannot review a copy for the public."
        )


# --------------------------------------------------------------------------- videos


def approved_versions(media: ReportMedia) -> list[RedactedVersion]:
    """Rendered versions of this file whose plan is still approved as rendered."""
    if media.item.kind != Kind.VIDEO:
        return []
    versions = RedactedVersion.objects.filter(plan__item=media.item).select_related("plan", "blob")
    return [
        v
        for v in versions.order_by("-created_at")
        if v.plan.approved_at and v.plan.approved_sha256 == v.plan_sha256
    ]


# --------------------------------------------------------------------------- photos


@lru_cache(maxsize=1)
def _detector() -> CenterFaceDetector:
    return CenterFaceDetector(scale=DETECT_SCALE)


def _grow(box: tuple[float, float, float, float], width: int, height: int) -> tuple[int, ...]:
    x1, y1, x2, y2 = box
    mx, my = (x2 - x1) * FACE_MARGIN, (y2 - y1) * FACE_MARGIN
    return (
        max(0, int(x1 - mx)),
        max(0, int(y1 - my)),
        min(width, int(x2 + mx) + 1),
        min(height, int(y2 + my) + 1),
    )


def redact_image(data: bytes) -> tuple[bytes, int, dict[str, Any]]:
    """(JPEG bytes with faces blurred and no metadata, faces found, parameters)."""
    try:
        with Image.open(io.BytesIO(data)) as source:
            source.load()
            upright = ImageOps.exif_transpose(source) or source
            rgb = np.array(upright.convert("RGB"))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise Rejected(f"This picture could not be read, so no copy can be made: {exc}") from exc
    height, width = rgb.shape[:2]
    try:
        detector = _detector()
    except DetectorError as exc:
        raise Conflict(f"Faces cannot be detected on this server ({exc}).") from exc
    found = detector.detect(rgb)
    boxes = [_grow(d.box, width, height) for d in found]
    blur = operators.Blur()
    planes = [np.ascontiguousarray(rgb[:, :, i]) for i in range(3)]
    operators.hide(planes, [0, 0, 0], boxes, blur, (width, height))  # type: ignore[arg-type]
    # A new picture from the pixels alone: no EXIF, XMP, ICC or comments come along.
    clean = Image.fromarray(np.stack(planes, axis=2), "RGB")
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=JPEG_QUALITY)
    params = {
        **detector.describe(),
        **blur.describe(),
        "margin": FACE_MARGIN,
        "faces": len(boxes),
        "metadata": "removed (re-encoded JPEG)",
        "width": width,
        "height": height,
    }
    return out.getvalue(), len(boxes), params


def prepare_image(
    media: ReportMedia, *, actor: User, request: HttpRequest | None = None
) -> Prepared:
    """Make the faces-blurred, metadata-free copy of a photo and store it for review.
    Nothing is published yet."""
    check_can_review(actor, media)
    item = media.item
    if item.kind != Kind.IMAGE:
        raise Conflict("Only a photo gets a copy made here; a video needs the redaction studio.")
    if item.blob.size > MAX_IMAGE_BYTES:
        raise Rejected("This picture is too large to copy here; use the redaction studio.")
    with open_blob(item.blob) as reader:
        data, faces, params = redact_image(reader.read())
    v = vault()
    written = v.write(io.BytesIO(data), uuid.uuid4())
    try:
        with transaction.atomic():
            blob, reused = blob_for(written, "image/jpeg")
            ledger.record(
                events.DERIVATIVE_CREATED,
                actor=actor,
                request=request,
                item=item,
                detail={
                    "kind": COPY_KIND,
                    "report": media.report.public_id,
                    "source_sha256": item.blob.sha256,
                    "sha256": blob.sha256,
                    "size": blob.size,
                    "mime": "image/jpeg",
                    "parameters": params,
                },
            )
    except BaseException:
        v.store.delete(written.storage_key)
        raise
    if reused:
        v.store.delete(written.storage_key)
    return Prepared(blob, faces)


def _prepared_copies(media: ReportMedia) -> set[str]:
    """SHA-256s of the photo copies made for this file, from the ledger."""
    found = set()
    rows = Event.objects.filter(kind=events.DERIVATIVE_CREATED, item_id=media.item_id)
    for body in rows.values_list("body", flat=True):
        detail = json.loads(body).get("detail", {})
        if detail.get("kind") == COPY_KIND:
            found.add(detail.get("sha256"))
    return found


def is_copy(media: ReportMedia, blob: Blob) -> bool:
    """Whether `blob` is a reviewed-kind copy of this file (never the original)."""
    if blob.pk == media.item.blob_id:
        return False
    if media.item.kind == Kind.VIDEO:
        return any(v.blob_id == blob.pk for v in approved_versions(media))
    if media.item.kind == Kind.IMAGE:
        return blob.sha256 in _prepared_copies(media)
    return False


def get_copy(actor: User, media: ReportMedia, blob_id: object) -> Blob:
    """A copy the actor may look at before (or after) publishing it."""
    check_can_review(actor, media)
    try:
        blob = Blob.objects.filter(pk=blob_id).first()
    except (ValueError, TypeError):
        blob = None
    if blob is None or not (blob.pk == media.public_blob_id or is_copy(media, blob)):
        raise NotFound("There is no such copy of this file.")
    return blob


def read_copy(blob: Blob) -> bytes:
    with open_blob(blob) as reader:
        data: bytes = reader.read()
    return data


# --------------------------------------------------------------------------- publishing


def _locked(actor: User, media: ReportMedia) -> ReportMedia:
    report = workable(actor, media.report, lock=True)
    locked = (
        ReportMedia.objects.select_for_update(of=("self",))
        .select_related("item__blob", "public_blob")
        .get(pk=media.pk)
    )
    locked.report = report
    return locked


def publish(
    media: ReportMedia, blob: Blob, *, actor: User, request: HttpRequest | None = None
) -> ReportMedia:
    with transaction.atomic():
        media = _locked(actor, media)
        check_can_review(actor, media)
        if not is_copy(media, blob):
            raise NotFound("That is not a reviewed redacted copy of this file.")
        if media.public_blob_id == blob.pk:
            raise Conflict("This copy is already published.")
        now = timezone.now()
        media.public_blob = blob
        media.published_at = now
        media.save(update_fields=["public_blob", "published_at"])
        Report.objects.filter(pk=media.report_id).update(updated_at=now)
        record(
            events.REPORT_MEDIA_PUBLISHED,
            media.report,
            actor,
            request,
            item=media.item,
            media=str(media.pk),
            published=True,
            sha256=blob.sha256,
            source_sha256=media.item.blob.sha256,
        )
    return media


def unpublish(
    media: ReportMedia, *, actor: User, request: HttpRequest | None = None
) -> ReportMedia:
    """Take the public copy down (the copy itself stays in the vault)."""
    with transaction.atomic():
        media = _locked(actor, media)
        if media.public_blob is None:
            raise Conflict("Nothing of this file is published.")
        old = media.public_blob.sha256
        media.public_blob = None
        media.published_at = None
        media.save(update_fields=["public_blob", "published_at"])
        Report.objects.filter(pk=media.report_id).update(updated_at=timezone.now())
        record(
            events.REPORT_MEDIA_UNPUBLISHED,
            media.report,
            actor,
            request,
            item=media.item,
            media=str(media.pk),
            published=False,
            sha256=old,
        )
    return media
