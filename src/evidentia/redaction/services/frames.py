"""Following a drawn box through the frames around it (OpenCV's MIL tracker)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import av
import cv2
import numpy as np

from evidentia.core.errors import Rejected
from evidentia.evidence.models import Blob
from evidentia.evidence.vaultio import open_blob
from evidentia.redaction.mediaio import iter_frames, turn_of, upright_array, video_stream

log = logging.getLogger(__name__)
MANUAL_TRACK_FRAMES = 90  # a drawn box is followed this many frames each way at most
MANUAL_KEY_EVERY = 5  # every 5th tracked frame becomes a keyframe; the rest interpolated
TRACK_WIDTH = 640  # manual tracking runs on pictures at most this wide


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
