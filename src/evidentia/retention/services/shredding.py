"""Crypto-shredding an approved disposition, crash-safe and resumable.

(a) certify: write the signed certificate PDF to the vault (a blob kept for good), then
    in ONE transaction record it, fix the list of blobs to destroy, mark the item a
    tombstone, set state `shredding` and append the DISPOSED ledger event carrying the
    certificate's SHA-256 and every destroyed blob's SHA-256;
(b) destroy: for each planned blob, blank its wrapped data key and set `destroyed_at`
    (one transaction per blob), then delete its object from the store (missing is fine);
(c) mark the disposition done.

A crash before (a) commits leaves at worst an orphan certificate object (doctor removes
it) and the disposition still `approved`; a crash in (b) or (c) leaves `shredding`,
and the next `shred` repeats (b) for every planned blob and finishes. No key is ever
destroyed before the certificate and its ledger event are committed.

A blob that another live item also uses (identical bytes are stored once) is not
destroyed: it is listed as kept, and only this item becomes a tombstone.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.core.canonical import rfc3339
from evidentia.core.storage import NotFoundError
from evidentia.custody import events, ledger
from evidentia.evidence.models import Blob, Derivative, FixityAlert, Item, TrackPoint
from evidentia.evidence.vaultio import blob_for, store, vault
from evidentia.retention.models import Disposition
from evidentia.retention.services import certificate
from evidentia.retention.services._common import SYSTEM, Refused
from evidentia.retention.services.schedule import blockers

S = Disposition.State


def _owner(row: Model) -> Item | None:
    """The item a blob-referencing row belongs to; None for a row of unknown kind."""
    from evidentia.community.models import ReportMedia
    from evidentia.redaction.models import RedactedVersion

    if isinstance(row, Item):
        return row
    if isinstance(row, Derivative | ReportMedia):
        return row.item
    if isinstance(row, RedactedVersion):
        return row.plan.item
    return None


def item_blobs(item: Item) -> list[tuple[Blob, str]]:
    """Every blob of the item: the original, derived files, redacted versions (with their
    review logs) and published public copies; each once, with its role."""
    from evidentia.community.models import ReportMedia
    from evidentia.redaction.models import RedactedVersion

    found: list[tuple[Blob, str]] = [(item.blob, "original")]
    for d in Derivative.objects.filter(item=item).select_related("blob"):
        found.append((d.blob, f"derived: {d.kind}"))
    for v in RedactedVersion.objects.filter(plan__item=item).select_related(
        "blob", "review_log", "review_pdf"
    ):
        found += [
            (v.blob, "redacted version"),
            (v.review_log, "redaction review log"),
            (v.review_pdf, "redaction review PDF"),
        ]
    for m in ReportMedia.objects.filter(item=item, public_blob__isnull=False).select_related(
        "public_blob"
    ):
        found.append((m.public_blob, "public copy"))  # type: ignore[arg-type]
    seen: set[Any] = set()
    return [(b, role) for b, role in found if not (b.pk in seen or seen.add(b.pk))]


def other_users(blob: Blob, item: Item) -> list[str]:
    """Who else, besides `item` and disposed items, still uses the blob. Rows of a kind
    this module does not know (a future feature's) count as users: never destroy them."""
    users: list[str] = []
    for rel in Blob._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        model = rel.related_model
        if model is FixityAlert:
            continue
        for row in model._default_manager.filter(**{rel.field.name: blob}):
            owner = _owner(row)
            if owner is None:
                users.append(f"{model._meta.verbose_name} {row.pk}")
            elif owner.pk != item.pk and owner.disposed_at is None:
                users.append(f"item {owner.pk}")
    return users


def _row(blob: Blob, role: str, used_by: list[str] | None = None) -> dict[str, Any]:
    row = {"id": str(blob.pk), "role": role, "sha256": blob.sha256, "size": blob.size}
    return row | ({"used_by": used_by} if used_by else {})


def _user(u: User | None) -> str:
    return u.get_username() if u else ""


def _statement(d: Disposition, destroy: list[dict], keep: list[dict], now: Any) -> dict:  # type: ignore[type-arg]
    item = d.item
    return {
        "type": "evidentia.disposition.v1",
        "agency": certificate.agency(),
        "disposition": str(d.pk),
        "item": {
            "id": str(item.pk),
            "title": item.title,
            "original_name": item.original_name,
            "kind": item.kind,
            "mime": item.mime,
            "sha256": item.blob.sha256,
            "size": item.blob.size,
            "category": str(item.category or ""),
            "recorded_at": rfc3339(item.recorded_at) if item.recorded_at else None,
            "ingested_at": rfc3339(item.ingested_at),
            "cases": sorted(item.cases.values_list("number", flat=True)),
        },
        "rule": d.rule,
        "due_at": rfc3339(d.due_at),
        "reason": d.reason,
        "requested_by": _user(d.requested_by),
        "requested_at": rfc3339(d.requested_at) if d.requested_at else None,
        "approved_by": _user(d.approved_by),
        "approved_at": rfc3339(d.approved_at) if d.approved_at else None,
        "disposed_at": rfc3339(now),
        "destroyed": destroy,
        "kept": keep,
    }


def certify(disposition: Disposition, actor: User | str = SYSTEM) -> Disposition:
    """Step (a). Returns the disposition, now `shredding` (or as another run left it)."""
    d = Disposition.objects.select_related("item", "item__blob", "item__category").get(
        pk=disposition.pk
    )
    if d.state != S.APPROVED:
        return d
    holds = blockers(d.item, check_due=False)
    if holds:
        raise Refused(holds, "Shredding refused")
    destroy, keep = [], []
    for blob, role in item_blobs(d.item):
        if blob.destroyed_at is not None:
            continue
        users = other_users(blob, d.item)
        (keep if users else destroy).append(_row(blob, role, users))
    now = timezone.now()
    statement = _statement(d, destroy, keep, now)
    data = certificate.render(statement, certificate.sign(statement))
    written = vault().write([data], uuid.uuid4())
    try:
        with transaction.atomic():
            d = Disposition.objects.select_for_update().select_related("item").get(pk=d.pk)
            if d.state != S.APPROVED:  # another run certified first
                store().delete(written.storage_key)
                return d
            cert, _ = blob_for(written, "application/pdf")
            d.certificate, d.certificate_sha256 = cert, cert.sha256
            d.plan, d.kept = destroy, keep
            d.state, d.shredding_at = S.SHREDDING, now
            d.save()
            item = d.item
            item.disposed_at, item.disposal_certificate = now, cert.sha256
            item.save(update_fields=["disposed_at", "disposal_certificate"])
            ledger.record(
                events.DISPOSED,
                actor=actor,
                item=item,
                detail={
                    "disposition": str(d.pk),
                    "certificate_sha256": cert.sha256,
                    "destroyed": [r["sha256"] for r in destroy],
                    "kept": [r["sha256"] for r in keep],
                    "requested_by": statement["requested_by"],
                    "approved_by": statement["approved_by"],
                    "rule": d.rule,
                },
            )
    except BaseException:
        with contextlib.suppress(NotFoundError):
            store().delete(written.storage_key)
        raise
    return d


def destroy(d: Disposition) -> None:
    """Step (b): idempotent; every planned blob's key blanked and object deleted."""
    s = store()
    for row in d.plan:
        with transaction.atomic():
            blob = Blob.objects.select_for_update().get(pk=row["id"])
            if blob.destroyed_at is None:
                blob.wrapped_key, blob.destroyed_at = b"", timezone.now()
                blob.save(update_fields=["wrapped_key", "destroyed_at"])
        with contextlib.suppress(NotFoundError):
            s.delete(blob.storage_key)


def finish(d: Disposition) -> Disposition:
    """Step (c): derived location rows of the item go too; the disposition is done."""
    with transaction.atomic():
        d = Disposition.objects.select_for_update().get(pk=d.pk)
        if d.state == S.SHREDDING:
            TrackPoint.objects.filter(item_id=d.item_id).delete()
            d.state, d.done_at = S.DONE, timezone.now()
            d.save(update_fields=["state", "done_at"])
    return d


def shred(disposition: Disposition, actor: User | str = SYSTEM) -> Disposition:
    """Run (or resume) an approved disposition to the end."""
    d = certify(disposition, actor)
    if d.state == S.DONE:
        return d
    if d.state != S.SHREDDING:
        raise Refused([f"it is {d.get_state_display().lower()}, not approved"], "Shredding refused")
    destroy(d)
    return finish(d)


def resume_all() -> list[Disposition]:
    """Finish every disposition a crash left in `shredding` (beat and `doctor` call it)."""
    return [shred(d) for d in Disposition.objects.filter(state=S.SHREDDING)]
