"""Shares play a copy with the grantee's name and the time burnt into every
frame. The copy is made on first play (synchronously, while the browser waits), stored
in the vault as a new blob tied to the share and item, and reused after that. The
original and its proxy are only read.
"""

from __future__ import annotations

import io
import tempfile
import uuid
from pathlib import Path

import av
import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.core.vault import WriteResult
from evidentia.custody import events, ledger
from evidentia.evidence.bitmapfont import render_text, text_size
from evidentia.evidence.models import Blob, Item
from evidentia.evidence.services import playback
from evidentia.evidence.vaultio import blob_for, open_blob, vault
from evidentia.sharing.models import Share, WatermarkedCopy

MARGIN = 4


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


def burn(source: Path, out: Path, text: str) -> None:
    """Re-encode `source` (H.264/AAC MP4) to `out` with `text` on every frame; the audio
    is copied as it is."""
    with av.open(str(source)) as src, av.open(str(out), mode="w", format="mp4") as dst:
        vin = src.streams.video[0]
        rate = vin.average_rate or 25
        vout = dst.add_stream("libx264", rate=rate, options={"preset": "veryfast", "crf": "23"})
        width, height = vin.codec_context.width // 2 * 2, vin.codec_context.height // 2 * 2
        vout.width, vout.height, vout.pix_fmt = width, height, "yuv420p"
        ain = src.streams.audio[0] if src.streams.audio else None
        aout = dst.add_stream_from_template(ain) if ain is not None else None
        streams = [vin] + ([ain] if ain is not None else [])
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
        dst.mux(vout.encode(None))


def copy_for(
    user: User | str, share: Share, item: Item, request: HttpRequest | None = None
) -> playback.Playable:
    """The watermarked copy for this share and item, made now if there is none yet."""
    found = WatermarkedCopy.objects.filter(share=share, item=item).select_related("blob").first()
    if found is not None:
        return playback.Playable(found.blob, "video/mp4", "watermarked")
    source = playback.stream_source(item)
    text = label(share)
    folder = Path(tempfile.mkdtemp(prefix="wm-", dir=settings.FILE_UPLOAD_TEMP_DIR))
    try:
        original, marked = folder / "in.mp4", folder / "out.mp4"
        with open_blob(source.blob) as reader, open(original, "wb") as fh:
            while chunk := reader.read(1 << 20):
                fh.write(chunk)
        burn(original, marked, text)
        v = vault()
        with open(marked, "rb") as fh:
            written = v.write(io.BufferedReader(fh), uuid.uuid4())
    finally:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()
    blob = _keep(user, share, item, source.blob, written, text, request)
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
