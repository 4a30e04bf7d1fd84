"""Pieces the media pipeline shares: its error type, its result, and tolerant PyAV reading.

Recordings are decoded straight from the vault through `open_blob` (a seekable,
decrypting reader): the decrypted original never touches the disk.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from evidentia.evidence.models import Blob
from evidentia.evidence.vaultio import open_blob

Progress = Callable[[float], None]  # fraction done, 0..1
_OPEN_OPTIONS = {"probesize": "5000000", "analyzeduration": "5000000"}
# A few damaged packets are normal in field recordings (the decoder conceals them); past
# this many (and 1% of those read) the output would misrepresent the original: fail.
MAX_DECODE_ERRORS = 50


class DerivativeError(Exception):
    """A derived file could not be made; ``str(err)`` says why, in plain words."""


@dataclass
class Built:
    """What a builder made: the bytes (or a file in the work folder) and how."""

    mime: str
    meta: dict[str, Any]
    params: dict[str, Any]
    data: bytes | None = None
    path: Path | None = None


@dataclass
class DecodeStats:
    packets: int = 0
    errors: int = 0
    first_error: str = ""
    frames: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@contextmanager
def open_media(blob: Blob) -> Iterator[Any]:
    """The original opened with PyAV, read through the vault."""
    with open_blob(blob) as raw:
        try:
            container = av.open(raw, options=_OPEN_OPTIONS, metadata_errors="replace")
        except av.FFmpegError as exc:
            raise DerivativeError(f"PyAV could not open the recording: {exc.strerror}") from exc
        with container:
            yield container


def video_stream(container: Any) -> Any | None:
    """The first picture stream that is not cover art."""
    for stream in container.streams.video:
        if not stream.disposition & av.stream.Disposition.attached_pic:
            return stream
    return None


def audio_stream(container: Any) -> Any | None:
    return container.streams.audio[0] if container.streams.audio else None


def start_offset(container: Any) -> float:
    """Seconds at which the container's timeline starts; media time 0 is here."""
    return container.start_time / 1_000_000 if container.start_time else 0.0


def frame_rate(stream: Any) -> Fraction:
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        if rate:
            return Fraction(rate)
    return Fraction(30)


def frame_time(frame: Any, fallback: float) -> float:
    return float(frame.time) if frame.time is not None else fallback


def decode(container: Any, stream: Any, stats: DecodeStats | None = None) -> Iterator[Any]:
    """Frames of one stream, skipping packets the decoder rejects (see `decode_all`)."""
    for _, frame in decode_all(container, [stream], stats):
        yield frame


def decode_all(
    container: Any, streams: list[Any], stats: DecodeStats | None = None
) -> Iterator[tuple[Any, Any]]:
    """(stream, frame) in file order, skipping packets the decoder rejects.

    A demuxing error (the file cannot be read on) ends the step with a DerivativeError:
    a derivative that silently stops early would misrepresent the original.
    """
    stats = stats if stats is not None else DecodeStats()
    packets = container.demux(streams)
    while True:
        try:
            packet = next(packets)
        except StopIteration:
            return
        except av.FFmpegError as exc:
            raise DerivativeError(
                f"the recording could not be read past packet {stats.packets}: {exc.strerror}"
            ) from exc
        stats.packets += 1
        try:
            frames = packet.decode()
        except (av.FFmpegError, ValueError) as exc:
            note_error(stats, exc)
            continue
        for frame in frames:
            stats.frames += 1
            yield packet.stream, frame


def note_error(stats: DecodeStats, exc: Exception) -> None:
    stats.errors += 1
    stats.first_error = stats.first_error or str(getattr(exc, "strerror", None) or exc)
    if stats.errors > MAX_DECODE_ERRORS and stats.errors * 100 > stats.packets:
        raise DerivativeError(
            f"the recording is too damaged to decode: {stats.errors} of the first "
            f"{stats.packets} packets could not be read ({stats.first_error})"
        )


def display_size(stream: Any) -> tuple[int, int]:
    """Width and height as shown, with non-square pixels made square."""
    cc = stream.codec_context
    width, height = cc.width, cc.height
    if not width or not height:
        raise DerivativeError("the picture has no width or height")
    sar = cc.sample_aspect_ratio
    if sar and sar.numerator and sar != 1:
        width = round(width * sar)
    return width, height


_TURNS: dict[int, list[tuple[str, str | None]]] = {
    90: [("transpose", "clock")],
    180: [("hflip", None), ("vflip", None)],
    270: [("transpose", "cclock")],
}


def quarter_turned(frame: Any) -> bool:
    """Shown on its side: phones record landscape pixels plus a display rotation."""
    return round(frame.rotation or 0) % 180 == 90


def upright(frame: Any) -> Any:
    """The frame turned as a player would show it (its display rotation applied)."""
    turn = round(-(frame.rotation or 0)) % 360  # clockwise degrees, as ffmpeg's autorotate
    chain = _TURNS.get(turn)
    if chain is None:
        return frame
    graph = av.filter.Graph()
    nodes = [
        graph.add_buffer(
            width=frame.width,
            height=frame.height,
            format=frame.format.name,
            time_base=Fraction(1, 1000),
        )
    ]
    nodes += [graph.add(name, args) for name, args in chain]
    nodes.append(graph.add("buffersink"))
    for a, b in itertools.pairwise(nodes):
        a.link_to(b)
    graph.configure()
    graph.push(frame)
    return graph.pull()


def fit(width: int, height: int, max_width: int, max_height: int | None = None) -> tuple[int, int]:
    """Scale down (never up) to fit the bounds, keeping the aspect; both sides even."""
    scale = min(1.0, max_width / width, (max_height or height) / height)
    w = max(2, math.floor(width * scale / 2) * 2)
    h = max(2, math.floor(height * scale / 2) * 2)
    return w, h


def encode_jpeg(frame: Any, width: int, height: int, quality: int = 4) -> bytes:
    """One frame as a baseline JPEG. ``quality`` is the MJPEG quantiser: 2 (best) to 31."""
    ctx = av.CodecContext.create("mjpeg", "w")
    ctx.width, ctx.height, ctx.pix_fmt = width, height, "yuvj420p"
    ctx.time_base = Fraction(1, 25)
    ctx.qmin = ctx.qmax = quality
    picture = frame.reformat(width, height, format="yuvj420p", interpolation="AREA")
    return b"".join(bytes(p) for p in [*ctx.encode(picture), *ctx.encode(None)])
