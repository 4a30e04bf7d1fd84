"""Resumable uploads (tus 1.0.0): the one door that creates, appends to, completes,
terminates and expires an `Upload`. The views in `evidence/tus.py` only translate HTTP.

Bytes land in `<UPLOAD_DIR>/<id>.part`, AES-CTR encrypted under a per-upload data key
wrapped by the agency KEK (rule 5: nothing waits on disk in the clear), and are fsynced
before a new offset is acknowledged. The part file's size is the truth about the offset;
the row's `offset` is a cache, corrected whenever it disagrees. One request at a time may
touch a part file (an flock on it); another gets 423 Locked, which tus clients retry.

The last byte sends the file through the same vault ingest as every other path
(`vault().write`, then `ingest.finish` in the transaction that marks the upload
complete), so a retried final PATCH can never make a second item. When every byte
reached this process in order, that vault write already ran during the transfer
(`uploads_live`) and completion only finishes it; otherwise it re-reads the part file.
"""

from __future__ import annotations

import errno
import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.core.errors import EvidentiaError
from evidentia.custody import events, ledger
from evidentia.evidence import policy
from evidentia.evidence.media import SNIFF_BYTES
from evidentia.evidence.models import Upload
from evidentia.evidence.models.uploads import (
    ChecksumMismatch,
    PartBusy,
    PartFile,
    ShortBody,
    limits,
    part_path,
)
from evidentia.evidence.services import uploads_live
from evidentia.evidence.services.ingest import HEAD_BYTES, check_allowed, finish
from evidentia.evidence.services.upload_expiry import LIVE, cleanup_expired, expire
from evidentia.evidence.services.upload_grants import Grant, resolve
from evidentia.evidence.services.upload_owner import (
    Owner,
    UploadError,
    actor_of,
    allowed_types,
    check_grant_open,
    check_type,
    human,
    owner_of,
    request_for,
    submission_for,
    submission_name,
)
from evidentia.evidence.services.uploads_live import LiveWriter
from evidentia.evidence.vaultio import keyring, vault

# The door's callers (tus views, tasks, tests) need only this module.
__all__ = [
    "UploadError",
    "append",
    "cleanup_expired",
    "create",
    "describe",
    "human",
    "limits",
    "terminate",
]

log = logging.getLogger(__name__)

State = Upload.State


# --------------------------------------------------------------------------- part files


@contextmanager
def _locked(up: Upload) -> Iterator[PartFile]:
    key = keyring().unwrap(up.kek_id, bytes(up.wrapped_key))
    try:
        with PartFile.locked(part_path(up.pk), key) as part:
            yield part
    except PartBusy:
        raise UploadError(
            423,
            "Another request is still writing to this upload. Try again in a moment.",
            retry_after=2,
        ) from None


def _size_on_disk(up: Upload) -> int:
    try:
        return part_path(up.pk).stat().st_size
    except FileNotFoundError:
        return 0


# --------------------------------------------------------------------------- lookups


def _owned(upload_id: uuid.UUID | str, who: Owner) -> Upload:
    rows = Upload.objects.select_related("user").filter(pk=upload_id)
    rows = rows.filter(grant=who.key) if isinstance(who, Grant) else rows.filter(user=who)
    up = rows.first()
    if up is None:
        raise UploadError(404, "There is no upload at this address that you can use.")
    return up


def _dead(up: Upload) -> UploadError:
    if up.state == State.EXPIRED:
        return UploadError(
            410, f"This upload expired at {up.expires_at:%Y-%m-%d %H:%M} UTC; start again."
        )
    if up.state == State.FAILED:
        return UploadError(410, f"This upload was refused: {up.error}")
    return UploadError(404, "This upload was cancelled.")


def _check_alive(up: Upload) -> None:
    """Raise for an upload that can take no more bytes; expire it if its time is up."""
    if up.state in LIVE and up.expires_at <= timezone.now():
        expire(up)
        up.state = State.EXPIRED
    if up.state not in LIVE:
        raise _dead(up)


def _reload(up: Upload, part: PartFile) -> Upload:
    """The row as it is now that we hold the lock (another request may have moved it)."""
    fresh = Upload.objects.select_related("user", "item").get(pk=up.pk)
    if fresh.state not in LIVE:
        part.discard()  # a finished upload has no part file; this one was just re-created
        if fresh.state == State.COMPLETE:
            return fresh
        raise _dead(fresh)
    if part.gone():
        raise UploadError(409, "This upload changed while waiting; ask for its offset again.")
    return fresh


# --------------------------------------------------------------------------- the door


def create(who: Owner, *, size: int, metadata: dict[str, str]) -> Upload:
    """POST: check everything that can be checked before a single byte is sent."""
    lim = limits()
    max_bytes = min(lim.max_bytes, who.max_bytes) if isinstance(who, Grant) else lim.max_bytes
    if size == 0:
        raise UploadError(400, "This file is empty (0 bytes); there is nothing to upload.")
    if size > max_bytes:
        raise UploadError(
            413, f"This file is {human(size)}; this server accepts up to {human(max_bytes)}."
        )
    now = timezone.now()
    if isinstance(who, Grant):
        check_grant_open(who)
        mine = Upload.objects.filter(grant=who.key)
        taken = who.files_taken + mine.filter(state__in=LIVE, expires_at__gt=now).count()
        if taken >= who.max_files:
            raise UploadError(403, f"This link takes at most {who.max_files} files.")
        submission_for(metadata, who)
    else:
        if not policy.can_ingest(who):
            raise UploadError(403, "Your role may not ingest evidence.")
        check_allowed(who, submission_for(metadata, who))
        mine = Upload.objects.filter(user=who)
    unfinished = mine.filter(state__in=LIVE, expires_at__gt=now).count()
    if unfinished >= lim.max_unfinished:
        raise UploadError(
            429,
            f"You have {unfinished} unfinished uploads, the most allowed at once. Finish or "
            "cancel some first (unfinished uploads are dropped when they expire).",
        )
    kek_id, wrapped = keyring().wrap(os.urandom(32))
    up = Upload.objects.create(
        user=None if isinstance(who, Grant) else who,
        grant=who.key if isinstance(who, Grant) else "",
        length=size,
        metadata=metadata,
        created_at=now,
        expires_at=now + lim.expiry,
        kek_id=kek_id,
        wrapped_key=wrapped,
    )
    try:
        PartFile.create(part_path(up.pk))
    except OSError as exc:
        log.exception("upload %s: cannot create its part file", up.pk)
        Upload.objects.filter(pk=up.pk).update(state=State.FAILED, error=str(exc)[:1000])
        raise UploadError(503, "The server cannot take uploads just now; try again later.") from exc
    return up


def append(
    upload_id: uuid.UUID | str,
    who: Owner,
    *,
    offset: int,
    body: BinaryIO,
    content_length: int,
    checksum: bytes | None = None,
    request: HttpRequest | None = None,
) -> Upload:
    """PATCH: append bytes at `offset`; on the last byte, the file becomes evidence.
    `checksum` is the SHA-256 the body must have (else 460 and nothing is kept)."""
    up = _owned(upload_id, who)
    if up.state != State.COMPLETE:
        _check_alive(up)
    if up.state == State.COMPLETE:
        return _already_complete(up, offset, content_length)
    with _locked(up) as part:
        up = _reload(up, part)
        if up.state == State.COMPLETE:
            return _already_complete(up, offset, content_length)
        current = part.size()
        if current != up.offset:
            log.info("upload %s: %s bytes on disk, row said %s", up.pk, current, up.offset)
            if current == 0:
                _new_key(up, part)  # the part file was lost: never reuse its keystream
        if offset != current:
            raise UploadError(
                409,
                f"Upload-Offset {offset} does not match the {current} bytes received so far. "
                "Ask with HEAD and continue from there.",
            )
        if current + content_length > up.length:
            raise UploadError(
                413, f"This request would take the upload past its Upload-Length ({up.length})."
            )
        live = (
            uploads_live.claim(up.pk, bytes(up.wrapped_key), part, current, vault())
            if content_length
            else uploads_live.take(up.pk)
        )
        try:
            got = _receive(part, body, content_length, checksum, live) if content_length else 0
            up.offset = current + got
            Upload.objects.filter(pk=up.pk).update(offset=up.offset, updated_at=timezone.now())
            boundary = min(SNIFF_BYTES, up.length)
            if current < boundary <= up.offset:
                _sniff_or_refuse(up, part, boundary, request)
        except BaseException:
            if live is not None:
                live.abort()
            raise
        if up.offset == up.length:
            try:
                _complete(up, part, request, live)
            finally:  # finished, or of no further use: never left running
                if live is not None:
                    live.abort()
        elif live is not None:
            uploads_live.park(live, part)
    return Upload.objects.select_related("item").get(pk=up.pk)


def _receive(
    part: PartFile,
    body: BinaryIO,
    length: int,
    digest: bytes | None,
    live: LiveWriter | None = None,
) -> int:
    try:
        return part.append(body, length, digest, live.feed if live is not None else None)
    except ChecksumMismatch:
        raise UploadError(
            460,
            "Checksum Mismatch: the SHA-256 of this chunk is not the one in Upload-Checksum. "
            "Nothing of it was kept; send it again.",
        ) from None
    except ShortBody:
        raise UploadError(400, "The body ended early; nothing of this chunk was kept.") from None
    except OSError as exc:
        log.exception("upload part %s: write failed", part.path.name)
        full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
        raise UploadError(
            507 if full else 503,
            "The server could not store this chunk"
            + (" (its upload space is full)" if full else "")
            + ". Ask for the offset with HEAD and retry later; nothing already sent is lost.",
            retry_after=60,
        ) from exc


def _already_complete(up: Upload, offset: int, content_length: int) -> Upload:
    if offset == up.length and not content_length:
        return up
    raise UploadError(
        409, f"This upload is already complete: all {up.length} bytes arrived and are evidence."
    )


def _new_key(up: Upload, part: PartFile) -> None:
    dek = os.urandom(32)
    up.kek_id, up.wrapped_key = keyring().wrap(dek)
    Upload.objects.filter(pk=up.pk).update(kek_id=up.kek_id, wrapped_key=up.wrapped_key)
    part.key = dek


def describe(upload_id: uuid.UUID | str, who: Owner, request: HttpRequest | None = None) -> Upload:
    """HEAD: where the upload stands. All bytes here but no item yet means an earlier
    completion was cut short (a crash, a vault outage): finish it now."""
    up = _owned(upload_id, who)
    if up.state == State.COMPLETE:
        return up
    _check_alive(up)
    up.offset = _size_on_disk(up)
    if up.offset < up.length:
        return up
    with _locked(up) as part:
        up = _reload(up, part)
        if up.state != State.COMPLETE and part.size() == up.length:
            live = uploads_live.take(up.pk)
            try:
                _complete(up, part, request, live)
            finally:
                if live is not None:
                    live.abort()
    return Upload.objects.select_related("item").get(pk=up.pk)


def terminate(upload_id: uuid.UUID | str, who: Owner) -> None:
    """DELETE: drop an unfinished upload and its bytes. Evidence is never deleted here."""
    up = _owned(upload_id, who)
    if up.state == State.COMPLETE:
        raise UploadError(409, "This upload is complete and is now evidence; it stays.")
    _check_alive(up)
    with _locked(up) as part:
        up = _reload(up, part)
        if up.state == State.COMPLETE:
            raise UploadError(409, "This upload is complete and is now evidence; it stays.")
        Upload.objects.filter(pk=up.pk).update(state=State.TERMINATED)
        uploads_live.drop(up.pk)
        part.discard()


def _sniff_or_refuse(
    up: Upload, part: PartFile, boundary: int, request: HttpRequest | None
) -> None:
    try:
        check_type(part.read(0, boundary), submission_name(up), allowed_types(owner_of(up)))
    except UploadError as exc:
        raise _refuse(up, part, exc, request) from None


def _refuse(
    up: Upload, part: PartFile, exc: EvidentiaError, request: HttpRequest | None
) -> UploadError:
    """The bytes cannot become evidence: say why, drop them, and log the refusal."""
    who: Owner | None = up.user
    if who is None:
        who = resolve(up.grant)
    with transaction.atomic():
        Upload.objects.filter(pk=up.pk).update(state=State.FAILED, error=exc.message)
        ledger.record(
            events.INGEST_REJECTED,
            actor=actor_of(who) if who is not None else "public",
            request=request_for(who, request) if who is not None else None,
            outcome="failure",
            detail={
                "refused": exc.message,
                "upload": str(up.pk),
                "original_name": submission_name(up)[:1024],
                "size": up.length,
                "via": "upload",
            },
        )
    uploads_live.drop(up.pk)
    part.discard()
    return UploadError(exc.status, exc.message)


def _complete(
    up: Upload, part: PartFile, request: HttpRequest | None, live: LiveWriter | None = None
) -> None:
    """Every byte is here: the same vault ingest as every other path, exactly once.
    `live`, this process's writer for the upload, is finished if it saw every byte of
    this part file and dropped otherwise."""
    Upload.objects.filter(pk=up.pk).update(state=State.COMPLETING, offset=up.length)
    try:
        who = owner_of(up)
        sub = submission_for(up.metadata, who)
        if isinstance(who, Grant):
            check_grant_open(who)  # revoked while the bytes were on their way?
        else:
            check_allowed(who, sub)  # still allowed? (roles change) before the long write
        head = part.read(0, HEAD_BYTES)
        check_type(head, sub.original_name, allowed_types(who))
        written = None
        if live is not None and live.matches(bytes(up.wrapped_key), part, up.length):
            written = live.finish(up.length, head)
        if written is None:
            written = vault().write(part.reader(), uuid.uuid4())
        with transaction.atomic():
            result = finish(
                written, head, sub, actor=actor_of(who), request=request_for(who, request)
            )
            if isinstance(who, Grant):
                who.on_stored(result)
            Upload.objects.filter(pk=up.pk).update(
                state=State.COMPLETE, item=result.item, duplicate=not result.created, error=""
            )
    except EvidentiaError as exc:
        raise _refuse(up, part, exc, request) from None
    except Exception as exc:  # keep the bytes: a retry (PATCH or HEAD) completes later
        log.exception("upload %s: storing in the vault failed", up.pk)
        Upload.objects.filter(pk=up.pk).update(state=State.RECEIVING, error=str(exc)[:1000])
        raise UploadError(
            503,
            "Every byte arrived, but the vault could not store the file just now. Nothing is "
            "lost: retry in a minute and it will be stored.",
            retry_after=60,
        ) from exc
    part.discard()
