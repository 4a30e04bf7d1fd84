"""Shares play a copy with the recipient's name and the time burnt into every
frame. The copy is made by a background task (services/watermark_jobs.py, decision
0030), stored in the vault as a new blob tied to the share and item, and reused after
that. The original and its proxy are only read.
"""

from __future__ import annotations

import io
import tempfile
import time
import uuid
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.core.errors import EvidentiaError
from evidentia.core.vault import WriteResult
from evidentia.custody import events, ledger
from evidentia.evidence.bitmapfont import render_text, text_size
from evidentia.evidence.models import Blob, Item
from evidentia.evidence.services import playback
from evidentia.evidence.vaultio import blob_for, open_blob, vault
from evidentia.sharing.models import Share, WatermarkedCopy

MARGIN = 4
STEP = 5  # percent between progress reports: a 60-minute clip writes 20 rows, not 90,000
HEARTBEAT_SECONDS = 60  # at least this often, so a live job never looks lost
ACTOR = "watermark"  # the ledger names the task, not whoever happened to press play


class ShareEnded(EvidentiaError):
    """The share was revoked or expired while its copy was being made; nothing is kept."""

    status = 410


def label(share: Share, when: object = None) -> str:
    who = share.recipient
    at = timezone.now() if when is None else when
    return f"SHARED WITH {who} {at:%Y-%m-%d %H:%M}Z".upper()


def placement(text: str, width: int, height: int) -> tuple[int, int, int]:
    """(x, y, scale) of the stamp: bottom-left, as large as fits."""
    one_w, _ = text_size(text, 1)
    scale = max(1, min((width - 2 * MARGIN) // (one_w + 2), max(1, height // 60)))
    _, h = text_size(text, scale)
    return MARGIN, height - h - 2 * scale - MARGIN, scale


def _stamp(luma: np.ndarray, text: str, width: int, height: int) -> None:
    x, y, scale = placement(text, width, height)
    tw, th, raster = render_text(text, scale=scale, pad=1)
    stamp = np.frombuffer(raster, dtype=np.uint8).reshape(th, tw)
    h, w = min(th, height - y), min(tw, width - x)
    luma[y : y + h, x : x + w] = stamp[:h, :w]


def _total_frames(src: av.container.InputContainer, vin: av.video.VideoStream) -> int:
    """Frames to expect, from the stream's metadata (or its duration times its rate)."""
    if vin.frames:
        return int(vin.frames)
    rate = vin.average_rate or 25
    if vin.duration is not None and vin.time_base is not None:
        return max(1, int(vin.duration * vin.time_base * rate))
    if src.duration:
        return max(1, int(Fraction(src.duration, av.time_base) * rate))
    return 0


def burn(source: Path, out: Path, text: str, progress: Callable[[int], None] | None = None) -> None:
    """Re-encode `source` (H.264/AAC MP4) to `out` with `text` on every frame; the audio
    is copied as it is. `progress(percent)` is called every STEP percent (and at least
    every HEARTBEAT_SECONDS) and at 100."""
    with av.open(str(source)) as src, av.open(str(out), mode="w", format="mp4") as dst:
        vin = src.streams.video[0]
        rate = vin.average_rate or 25
        vout = dst.add_stream("libx264", rate=rate, options={"preset": "veryfast", "crf": "23"})
        width, height = vin.codec_context.width // 2 * 2, vin.codec_context.height // 2 * 2
        vout.width, vout.height, vout.pix_fmt = width, height, "yuv420p"
        ain = src.streams.audio[0] if src.streams.audio else None
        aout = dst.add_stream_from_template(ain) if ain is not None else None
        streams = [vin] + ([ain] if ain is not None else [])
        total, reported, heard = _total_frames(src, vin), 0, time.monotonic()
        n = 0
        for packet in src.demux(*streams):
            if packet.stream is ain:
                if packet.dts is not None and aout is not None:
                    packet.stream = aout
                    dst.mux(packet)
                continue
            for frame in packet.decode():
                pic = frame.reformat(width=width, height=height, format="yuv420p")
                planes = pic.to_ndarray()
                _stamp(planes[:height], text, width, height)
                made = av.VideoFrame.from_ndarray(planes, format="yuv420p")
                made.pts = n
                n += 1
                dst.mux(vout.encode(made))
                # The metadata may undercount; the last step is reported once it is done.
                done = min(99, n * 100 // total) if total else 0
                if progress is not None and done >= reported + STEP:
                    reported, heard = done - done % STEP, time.monotonic()
                    progress(reported)
                elif progress is not None and time.monotonic() - heard > HEARTBEAT_SECONDS:
                    heard = time.monotonic()  # a slow step still shows the job is alive
                    progress(reported)
        dst.mux(vout.encode(None))
    if progress is not None:
        progress(100)


def ready_copy(share: Share, item: Item) -> playback.Playable | None:
    """The stored watermarked copy for this share and item, or None while there is none."""
    found = WatermarkedCopy.objects.filter(share=share, item=item).select_related("blob").first()
    if found is None:
        return None
    return playback.Playable(found.blob, "video/mp4", "watermarked")


def make(
    share: Share,
    item: Item,
    *,
    actor: User | str = ACTOR,
    request: HttpRequest | None = None,
    progress: Callable[[int], None] | None = None,
) -> playback.Playable:
    """Make (or find) the watermarked copy for this share and item. Slow: minutes for a
    long clip, so only the task calls it (services/watermark_jobs.py)."""
    found = ready_copy(share, item)
    if found is not None:
        return found
    source = playback.stream_source(item)
    text = label(share)
    folder = Path(tempfile.mkdtemp(prefix="wm-", dir=settings.FILE_UPLOAD_TEMP_DIR))
    try:
        original, marked = folder / "in.mp4", folder / "out.mp4"
        with open_blob(source.blob) as reader, open(original, "wb") as fh:
            while chunk := reader.read(1 << 20):
                fh.write(chunk)
        burn(original, marked, text, progress)
        share.refresh_from_db(fields=["revoked_at", "expires_at"])
        if not share.live:
            raise ShareEnded("The share ended while its copy was being made; none was kept.")
        v = vault()
        with open(marked, "rb") as fh:
            written = v.write(io.BufferedReader(fh), uuid.uuid4())
    finally:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()
    blob = _keep(actor, share, item, source.blob, written, text, request)
    return playback.Playable(blob, "video/mp4", "watermarked")


def _keep(
    user: User | str,
    share: Share,
    item: Item,
    source: Blob,
    written: WriteResult,
    text: str,
    request: HttpRequest | None,
) -> Blob:
    v = vault()
    try:
        with transaction.atomic():
            blob, reused = blob_for(written, "video/mp4")
            WatermarkedCopy.objects.create(
                share=share, item=item, blob=blob, source_sha256=source.sha256, text=text
            )
            ledger.record(
                events.DERIVATIVE_CREATED,
                actor=user,
                request=request,
                item=item,
                detail={
                    "kind": "watermarked",
                    "share": str(share.pk),
                    "source_sha256": source.sha256,
                    "sha256": blob.sha256,
                    "size": blob.size,
                    "text": text,
                },
            )
    except IntegrityError:
        # Another request made it first: use theirs.
        v.store.delete(written.storage_key)
        return WatermarkedCopy.objects.select_related("blob").get(share=share, item=item).blob
    except BaseException:
        v.store.delete(written.storage_key)
        raise
    if reused:
        v.store.delete(written.storage_key)
    return blob
