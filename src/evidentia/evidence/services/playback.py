"""Playing evidence in the browser: which copy to stream, byte ranges, and the PLAYED event.

A browser fetches a video as many Range requests; the ledger gets one `evidence.played`
event per user, item and session, not one per request.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest

from evidentia.accounts.models import User
from evidentia.core.errors import NotFound, PermissionDenied
from evidentia.custody import events, ledger
from evidentia.custody.models import Event
from evidentia.evidence import policy
from evidentia.evidence.models import Blob, Derivative, Item, Job, Processing
from evidentia.evidence.services import access
from evidentia.evidence.vaultio import ref, vault

PLAYED_KEY = "evidentia.played"
# Originals a browser plays as they are: container -> (video codecs, audio codecs).
BROWSER_PLAYABLE = {
    "video/mp4": ({"h264"}, {"aac", "mp3"}),
    "video/webm": ({"vp8", "vp9", "av1"}, {"opus", "vorbis"}),
}
_RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


@dataclass(frozen=True)
class Playable:
    blob: Blob
    mime: str
    copy: str  # "proxy", "original" or "redacted"


class Unsatisfiable(Exception):
    """The range starts past the end: answer 416."""


def playable_item(user: User, item_id: object) -> Item:
    """The item if the user may play its media: 404 if they may not even see it, 403 if
    they may see its details only (auditors, administrators)."""
    item = access.get_item(user, item_id)
    access.check_not_disposed(item)
    if not policy.can_play(user, item):
        raise PermissionDenied(
            "Your role may read this item's details and custody record, but not play its media."
        )
    return item


def derivative(user: User, item_id: object, kind: str) -> Derivative:
    item = playable_item(user, item_id)
    found = Derivative.objects.filter(item=item, kind=kind).select_related("blob").first()
    if found is None:
        raise NotFound(_missing(item, kind))
    return found


def stream_source(item: Item) -> Playable:
    """The browser proxy; else the original if a browser can play it as it is."""
    proxy = (
        Derivative.objects.filter(item=item, kind=Derivative.Kind.PROXY)
        .select_related("blob")
        .first()
    )
    if proxy is not None:
        return Playable(proxy.blob, "video/mp4", "proxy")
    if browser_playable(item):
        return Playable(item.blob, item.mime, "original")
    raise NotFound(_missing(item, Derivative.Kind.PROXY))


def browser_playable(item: Item) -> bool:
    codecs = BROWSER_PLAYABLE.get(item.mime)
    if codecs is None or item.processing != Processing.DONE:
        return False
    video, audio = item.media.get("video_codec"), item.media.get("audio_codec")
    return (video is None or video in codecs[0]) and (audio is None or audio in codecs[1])


def _missing(item: Item, kind: str) -> str:
    label = Derivative.Kind(kind).label.lower()
    if item.processing == Processing.NOT_NEEDED:
        return f"There is no {label}: this item is a {item.get_kind_display().lower()} file."
    if item.processing == Processing.FAILED:
        return f"There is no {label}: the original could not be read ({item.processing_error})."
    job = Job.objects.filter(item=item, kind=kind).first()
    if job is None:
        if item.processing == Processing.PENDING:
            return f"There is no {label} yet: the file is still being examined."
        return f"This item has no {label}."
    if job.state == Job.State.FAILED:
        return f"The {label} could not be made: {job.error}"
    return f"The {label} is still being made ({job.progress}% done). Try again shortly."


def session_tag(request: HttpRequest | None) -> str | None:
    """A stable, non-reversible name for the browser session (None without one)."""
    key = getattr(getattr(request, "session", None), "session_key", None)
    return hashlib.sha256(f"played:{key}".encode()).hexdigest()[:16] if key else None


def log_played(
    user: User,
    item: Item,
    source: Playable,
    request: HttpRequest | None,
    extra: Mapping[str, object] | None = None,
) -> bool:
    """Record `evidence.played` unless this user already played this copy of the item in
    this session. `extra` adds detail (e.g. which redacted version)."""
    session = getattr(request, "session", None)
    mark = f"{user.pk}:{item.pk}:{source.blob.pk}"
    played: list[str] = session.get(PLAYED_KEY, []) if session is not None else []
    if mark in played:
        return False
    tag = session_tag(request)
    with transaction.atomic():
        # Range requests arrive together: serialise on the item (SQLite transactions are
        # already serial), then look in the ledger in case another request logged it.
        list(Item.objects.select_for_update().filter(pk=item.pk).values_list("pk"))
        logged = tag is not None and (
            Event.objects.filter(kind=events.PLAYED, item_id=item.pk, actor=user.get_username())
            .filter(body__contains=f'"session":"{tag}"')
            .filter(body__contains=f'"sha256":"{source.blob.sha256}"')
            .exists()
        )
        if not logged:
            detail = {
                "copy": source.copy,
                "sha256": source.blob.sha256,
                "session": tag,
                **(extra or {}),
            }
            ledger.record(events.PLAYED, actor=user, request=request, item=item, detail=detail)
    if session is not None:
        session[PLAYED_KEY] = [*played[-200:], mark]
    return not logged


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) byte, inclusive, for a single satisfiable range; None to send it all.

    Per RFC 9110 section 14.2 a malformed or multi-part Range is ignored (200 with the
    whole body); a range starting at or past the end raises Unsatisfiable (416).
    """
    if not header:
        return None
    m = _RANGE_RE.match(header.strip())
    if m is None:
        return None
    first, last = m.group(1), m.group(2)
    if not first:
        if not last:
            return None
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - suffix), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable
    return start, min(int(last), size - 1) if last else size - 1


def read(blob: Blob, start: int = 0, length: int | None = None) -> Iterator[bytes]:
    """Plaintext of the blob (or a slice), decrypting only the segments it touches."""
    return vault().iter_plaintext(ref(blob), start, length)
