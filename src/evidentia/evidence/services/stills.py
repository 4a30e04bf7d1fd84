"""Still pictures from a recording: the poster frame and the thumbnail sprite sheet."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import av

from evidentia.evidence.models import Item
from evidentia.evidence.services.avkit import (
    Built,
    DecodeStats,
    DerivativeError,
    Progress,
    decode,
    display_size,
    encode_jpeg,
    fit,
    frame_time,
    open_media,
    quarter_turned,
    start_offset,
    upright,
    video_stream,
)

POSTER_AT = 0.10  # of the duration: past a black first frame or a camera's boot logo
POSTER_MAX_WIDTH = 640
POSTER_QUALITY = 3
TILE_WIDTH = 160
MAX_TILES = 100
MAX_COLUMNS = 10
SPRITE_QUALITY = 5
INTERVALS = (1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 300, 600, 900, 1800, 3600)
# Further apart than this, seeking (to the keyframe before) beats decoding every frame.
SEEK_GAP = 10.0


def frames_at(container: Any, stream: Any, times: Sequence[float]) -> Iterator[tuple[float, Any]]:
    """For each media time (ascending), the first frame at or after it.

    Times past the last frame get the last frame. Close times are decoded in one pass;
    for far ones the decoder seeks, so a long recording is not decoded end to end.
    """
    offset = start_offset(container)
    targets = deque(sorted(times))
    half_frame = 0.5 / float(stream.average_rate or 30)
    last: Any = None
    position = 0.0
    can_seek = bool(stream.time_base)
    stats = DecodeStats()
    while targets:
        sought = False
        if can_seek and targets[0] - position > SEEK_GAP:
            sought = can_seek = _seek(container, stream, targets[0] + offset)
        for frame in decode(container, stream, stats):
            position = frame_time(frame, position) - offset
            last = frame
            while targets and position >= targets[0] - half_frame:
                yield targets.popleft(), frame
                sought = False
            # Right after a seek the decoder starts at an earlier keyframe: keep decoding.
            if targets and can_seek and not sought and targets[0] - position > SEEK_GAP:
                break
        else:
            if last is None:
                raise DerivativeError("no picture could be decoded from the recording")
            while targets:
                yield targets.popleft(), last


def _seek(container: Any, stream: Any, seconds: float) -> bool:
    try:
        container.seek(int(seconds / stream.time_base), stream=stream, backward=True)
    except av.FFmpegError:
        return False  # not seekable: decoding on from here still gets there
    return True


def build_poster(item: Item, workdir: Path, progress: Progress) -> Built:
    duration = item.duration_seconds or 0.0
    at = round(duration * POSTER_AT, 3) if item.media.get("kind") != "image" else 0.0
    with open_media(item.blob) as container:
        stream = video_stream(container)
        if stream is None:
            raise DerivativeError("the file has no picture to make a poster from")
        stream.thread_type = "AUTO"
        _, frame = next(frames_at(container, stream, [at]))
        width, height = _shown_size(stream, frame)
        width, height = fit(width, height, POSTER_MAX_WIDTH)
        data = encode_jpeg(upright(frame), width, height, POSTER_QUALITY)
    return Built(
        "image/jpeg",
        meta={"width": width, "height": height, "at_seconds": at},
        params={"at_fraction": POSTER_AT, "max_width": POSTER_MAX_WIDTH, "quality": POSTER_QUALITY},
        data=data,
    )


def sprite_interval(duration: float) -> int:
    """Whole seconds between thumbnails: the smallest round step giving <= MAX_TILES."""
    for step in INTERVALS:
        if math.ceil(duration / step) <= MAX_TILES:
            return step
    return math.ceil(duration / MAX_TILES)


def build_sprite(item: Item, workdir: Path, progress: Progress) -> Built:
    duration = item.duration_seconds
    if not duration or duration <= 0:
        raise DerivativeError("the recording's duration is unknown, so it cannot be tiled")
    interval = sprite_interval(duration)
    count = max(1, math.ceil(duration / interval))
    columns = min(count, MAX_COLUMNS)
    rows = math.ceil(count / columns)
    with open_media(item.blob) as container:
        stream = video_stream(container)
        if stream is None:
            raise DerivativeError("the recording has no picture to make thumbnails from")
        stream.thread_type = "AUTO"
        times = [i * interval for i in range(count)]
        sheet: _Sheet | None = None
        for index, (_, frame) in enumerate(frames_at(container, stream, times)):
            if sheet is None:
                tile_w, tile_h = fit(*_shown_size(stream, frame), TILE_WIDTH)
                sheet = _Sheet(columns * tile_w, rows * tile_h)
            tile = upright(frame).reformat(tile_w, tile_h, format="rgb24", interpolation="AREA")
            sheet.paste(tile, (index % columns) * tile_w, (index // columns) * tile_h)
            progress((index + 1) / count)
    assert sheet is not None  # frames_at yields every time or raises
    data = encode_jpeg(sheet.frame(), sheet.width, sheet.height, SPRITE_QUALITY)
    return Built(
        "image/jpeg",
        meta={
            "tile_width": tile_w,
            "tile_height": tile_h,
            "columns": columns,
            "rows": rows,
            "count": count,
            "interval": interval,
            "width": sheet.width,
            "height": sheet.height,
        },
        params={"tile_width": TILE_WIDTH, "max_tiles": MAX_TILES, "quality": SPRITE_QUALITY},
        data=data,
    )


def _shown_size(stream: Any, frame: Any) -> tuple[int, int]:
    width, height = display_size(stream)
    return (height, width) if quarter_turned(frame) else (width, height)


class _Sheet:
    """An RGB picture assembled tile by tile (no numpy: row slices of one bytearray)."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.pixels = bytearray(width * height * 3)

    def paste(self, tile: Any, x: int, y: int) -> None:
        plane = tile.planes[0]
        src, stride, row = memoryview(plane), plane.line_size, tile.width * 3
        pitch = self.width * 3
        for r in range(tile.height):
            at = (y + r) * pitch + x * 3
            self.pixels[at : at + row] = src[r * stride : r * stride + row]

    def frame(self) -> Any:
        frame = av.VideoFrame(self.width, self.height, "rgb24")
        plane, pitch = frame.planes[0], self.width * 3
        if plane.line_size == pitch:
            plane.update(bytes(self.pixels))
        else:  # rows padded for alignment
            padded = bytearray(plane.buffer_size)
            for r in range(self.height):
                at = r * plane.line_size
                padded[at : at + pitch] = self.pixels[r * pitch : (r + 1) * pitch]
            plane.update(bytes(padded))
        return frame
