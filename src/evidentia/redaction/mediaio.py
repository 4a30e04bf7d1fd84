"""Opening, probing and tolerant decoding of a source file with PyAV (no Django here).

Boxes live in upright (displayed) coordinates; phones store landscape pixels plus a
display rotation, so this module also maps boxes and pictures between the two.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

IMAGE_FORMATS = {"image2", "png_pipe", "jpeg_pipe", "webp_pipe", "bmp_pipe", "tiff_pipe"}
MAX_DECODE_ERRORS = 50  # and 1% of packets: a few concealed errors are normal in field video
_OPEN_OPTIONS = {"probesize": "5000000", "analyzeduration": "5000000"}


class MediaError(Exception):
    """The source cannot be read or written; ``str(err)`` says why in plain words."""


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    sha256: str
    width: int  # as displayed (rotation applied)
    height: int
    coded_width: int
    coded_height: int
    rotation: int  # clockwise quarter turns a player applies: 0, 90, 180, 270
    fps: Fraction
    frames: int  # an estimate until a full decode has counted them
    has_audio: bool
    is_image: bool
    container: str


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def open_source(path: Path) -> Iterator[Any]:
    if not path.is_file():
        raise MediaError(f"{path} does not exist or is not a file")
    try:
        container = av.open(str(path), options=_OPEN_OPTIONS, metadata_errors="replace")
    except (av.FFmpegError, UnicodeDecodeError) as exc:
        raise MediaError(f"{path.name} is not a readable video or image: {_why(exc)}") from exc
    with container:
        yield container


def _why(exc: Exception) -> str:
    return str(getattr(exc, "strerror", None) or exc)


def video_stream(container: Any) -> Any:
    for stream in container.streams.video:
        if not stream.disposition & av.stream.Disposition.attached_pic:
            return stream
    raise MediaError("the file has no picture to redact")


def frame_rate(stream: Any) -> Fraction:
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        if rate:
            return Fraction(rate)
    return Fraction(30)


def turn_of(frame: Any) -> int:
    """Clockwise degrees a player turns this frame (as ffmpeg's autorotate)."""
    return round(-(frame.rotation or 0)) % 360 // 90 * 90


def probe(path: Path) -> MediaInfo:
    """Size, rotation, rate and an estimated frame count, from the first decoded frame."""
    with open_source(path) as container:
        stream = video_stream(container)
        stream.thread_type = "AUTO"
        first = next(iter_frames(container, stream), None)
        if first is None:
            raise MediaError(f"no picture could be decoded from {path.name}")
        turn = turn_of(first)
        cw, ch = first.width, first.height
        fps = frame_rate(stream)
        frames = stream.frames
        if not frames and stream.duration and stream.time_base:
            frames = round(float(stream.duration * stream.time_base) * fps)
        elif not frames and container.duration:
            frames = round(container.duration / 1_000_000 * fps)
        is_image = container.format.name in IMAGE_FORMATS
        return MediaInfo(
            path=path,
            sha256=sha256_file(path),
            width=ch if turn % 180 else cw,
            height=cw if turn % 180 else ch,
            coded_width=cw,
            coded_height=ch,
            rotation=turn,
            fps=fps,
            frames=max(1, frames or 1),
            has_audio=bool(container.streams.audio),
            is_image=is_image,
            container=container.format.name,
        )


def iter_frames(
    container: Any, stream: Any, audio: Any = None, passthrough: Any = None
) -> Iterator[Any]:
    """Decoded frames (video, plus audio frames when ``audio`` is a stream; packets of the
    ``passthrough`` stream come through undecoded, for copying), skipping
    packets the decoder rejects; too many rejects, or a file that cannot be demuxed
    on, is a MediaError: a redacted copy that silently stops early would mislead."""
    streams = [s for s in (stream, audio, passthrough) if s is not None]
    packets = container.demux(streams)
    seen = errors = 0
    first_error = ""
    while True:
        try:
            packet = next(packets)
        except StopIteration:
            return
        except av.FFmpegError as exc:
            raise MediaError(f"the file could not be read past packet {seen}: {_why(exc)}") from exc
        seen += 1
        if passthrough is not None and packet.stream is passthrough:
            yield packet
            continue
        try:
            decoded = packet.decode()
        except (av.FFmpegError, ValueError) as exc:
            errors += 1
            first_error = first_error or _why(exc)
            if errors > MAX_DECODE_ERRORS and errors * 100 > seen:
                raise MediaError(
                    f"the file is too damaged to decode: {errors} of the first {seen} "
                    f"packets could not be read ({first_error})"
                ) from exc
            continue
        yield from decoded


def plane_views(frame: Any) -> list[np.ndarray]:
    """Writable 2-D views of each plane of a planar 8-bit frame (no copy)."""
    views = []
    for plane in frame.planes:
        flat = np.frombuffer(plane, np.uint8)[: plane.line_size * plane.height]
        views.append(flat.reshape(plane.height, plane.line_size)[:, : plane.width])
    return views


def upright_array(rgb: np.ndarray, turn: int) -> np.ndarray:
    """A coded picture turned as displayed (``turn`` clockwise degrees)."""
    return np.rot90(rgb, k=-(turn // 90)) if turn else rgb


def to_coded(box: list[float], turn: int, coded_w: int, coded_h: int) -> list[float]:
    """An upright box mapped back onto the stored (coded) picture."""
    x1, y1, x2, y2 = box
    if turn == 90:  # upright (x, y) = (coded_h - yc, xc)
        return [y1, coded_h - x2, y2, coded_h - x1]
    if turn == 180:
        return [coded_w - x2, coded_h - y2, coded_w - x1, coded_h - y1]
    if turn == 270:  # upright (x, y) = (yc, coded_w - xc)
        return [coded_w - y2, x1, coded_w - y1, x2]
    return list(box)


def to_upright(box: list[float], turn: int, coded_w: int, coded_h: int) -> list[float]:
    """A coded box mapped onto the upright picture (inverse of ``to_coded``)."""
    x1, y1, x2, y2 = box
    if turn == 90:
        return [coded_h - y2, x1, coded_h - y1, x2]
    if turn == 180:
        return [coded_w - x2, coded_h - y2, coded_w - x1, coded_h - y1]
    if turn == 270:
        return [y1, coded_w - x2, y2, coded_w - x1]
    return list(box)
