"""Apply a plan to a source: decode with PyAV, hide regions, encode H.264/MP4 (or an image).

Kept from the source: every frame and its timestamp (so variable frame rate survives),
the resolution (odd sizes are encoded 4:4:4, which H.264 allows), the display rotation,
and the audio, copied untouched unless the plan mutes or bleeps a range, when it is
re-encoded as AAC. The output is written beside the target and renamed into place only
when complete, so a killed render leaves nothing that looks finished.
"""

from __future__ import annotations

import contextlib
import math
import os
import queue
import threading
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

from evidentia.redaction import operators
from evidentia.redaction.mediaio import (
    MediaError,
    MediaInfo,
    frame_rate,
    iter_frames,
    open_source,
    plane_views,
    to_coded,
    video_stream,
)
from evidentia.redaction.plan import Plan

Progress = Callable[[float], None]
PRESET = "veryfast"
CRF = 20  # released evidence: visually lossless outside the redacted regions
COPY_AUDIO = {"aac", "mp3", "alac", "opus", "ac3", "eac3", "flac"}
AAC_RATES = {8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000}
BLEEP_HZ = 1000.0
IMAGE_CODECS = {
    ".jpg": ("mjpeg", "yuvj444p"),
    ".jpeg": ("mjpeg", "yuvj444p"),
    ".png": ("png", "rgb24"),
}


def part_path(out_path: Path) -> Path:
    return out_path.with_name(f".{out_path.name}.{os.getpid()}.part")


def render_file(
    info: MediaInfo, plan: Plan, out_path: Path, progress: Progress | None = None
) -> dict[str, Any]:
    """Render ``plan`` over the source into ``out_path``; returns counts for the log."""
    progress = progress or (lambda _f: None)
    tmp = part_path(out_path)
    try:
        if info.is_image:
            stats = _render_image(info, plan, out_path.suffix.lower(), tmp)
        else:
            stats = _render_video(info, plan, tmp, progress)
        os.replace(tmp, out_path)
    except av.FFmpegError as exc:
        raise MediaError(f"the redacted copy could not be written: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    progress(1.0)
    return stats


def _pixel_boxes(plan: Plan, frame: int, info: MediaInfo) -> list[tuple[int, int, int, int]]:
    """The included boxes on ``frame``, grown by the margin, in coded pixels."""
    out = []
    for _track, (x1, y1, x2, y2) in plan.boxes_at(frame):
        mx, my = (x2 - x1) * plan.margin, (y2 - y1) * plan.margin
        grown = [x1 - mx, y1 - my, x2 + mx, y2 + my]
        cx1, cy1, cx2, cy2 = to_coded(grown, info.rotation, info.coded_width, info.coded_height)
        box = (
            max(0, math.floor(cx1)),
            max(0, math.floor(cy1)),
            min(info.coded_width, math.ceil(cx2)),
            min(info.coded_height, math.ceil(cy2)),
        )
        if box[2] > box[0] and box[3] > box[1]:
            out.append(box)
    return out


def _blacks(pix_fmt: str) -> list[int]:
    if pix_fmt.startswith("yuvj"):
        return [0, 128, 128]
    if pix_fmt.startswith("yuv"):
        return [16, 128, 128]
    return [0, 0, 0]


def redact_frame(
    frame: Any, index: int, plan: Plan, info: MediaInfo, op: Any, pix_fmt: str
) -> tuple[Any, int]:
    """The frame in ``pix_fmt`` with the plan applied; the decoder's own buffers are
    never written (a reference frame changed in place would corrupt later frames)."""
    picture = frame.reformat(format=pix_fmt)
    boxes = _pixel_boxes(plan, index, info)
    mode = plan.frame_mode(index)
    if not boxes and mode is None:
        return picture, 0
    copy = writable_copy(picture)
    planes = plane_views(copy)
    if mode is not None:
        operators.whole_frame(planes, _blacks(pix_fmt), mode)
    else:
        operators.hide(planes, _blacks(pix_fmt), boxes, op, (picture.width, picture.height))
    return copy, len(boxes)


_COPIERS = threading.local()


def writable_copy(frame: Any) -> Any:
    """A private, writable copy of a decoded frame, allocated by FFmpeg.

    Through libavfilter's ``copy`` filter rather than ``av.VideoFrame(...)``: PyAV's own
    frames have no padding after their planes, libx264 reads a little past them, and the
    output then depended on leftover memory (different bytes from run to run)."""
    key = (frame.width, frame.height, frame.format.name)
    graphs = getattr(_COPIERS, "graphs", None)
    if graphs is None:
        graphs = _COPIERS.graphs = {}
    if key not in graphs:
        graph = av.filter.Graph()
        nodes = [
            graph.add_buffer(
                width=frame.width,
                height=frame.height,
                format=frame.format.name,
                time_base=Fraction(1, 1000),
            ),
            graph.add("copy"),
            graph.add("buffersink"),
        ]
        nodes[0].link_to(nodes[1])
        nodes[1].link_to(nodes[2])
        graph.configure()
        graphs[key] = graph
    graph = graphs[key]
    pts = frame.pts
    frame.pts = None
    graph.push(frame)
    frame.pts = pts
    return graph.pull()


def _render_image(info: MediaInfo, plan: Plan, suffix: str, tmp: Path) -> dict[str, Any]:
    if suffix not in IMAGE_CODECS:
        raise MediaError(f"an image must be written as {', '.join(IMAGE_CODECS)}, not {suffix!r}")
    codec, pix_fmt = IMAGE_CODECS[suffix]
    with open_source(info.path) as container:
        frame = next(iter_frames(container, video_stream(container)), None)
        if frame is None:
            raise MediaError(f"no picture could be decoded from {info.path.name}")
        work_fmt = "yuv444p" if pix_fmt.startswith("yuv") else "rgb24"
        if work_fmt == "rgb24":
            picture = frame.reformat(format="rgb24")
            rgb = picture.to_ndarray()
            planes = [np.ascontiguousarray(rgb[..., c]) for c in range(3)]
            boxes = _pixel_boxes(plan, 0, info)
            op = operators.make_operator(plan.mode)
            if plan.frame_mode(0):
                operators.whole_frame(planes, [0, 0, 0], plan.frame_mode(0) or "black")
            else:
                operators.hide(planes, [0, 0, 0], boxes, op, (rgb.shape[1], rgb.shape[0]))
            out_frame = av.VideoFrame.from_ndarray(np.stack(planes, axis=2), format="rgb24")
            count = len(boxes)
        else:
            out_frame, count = redact_frame(
                frame, 0, plan, info, operators.make_operator(plan.mode), work_fmt
            )
            out_frame = out_frame.reformat(format=pix_fmt)
    ctx = av.CodecContext.create(codec, "w")
    ctx.width, ctx.height, ctx.pix_fmt = out_frame.width, out_frame.height, pix_fmt
    ctx.time_base = Fraction(1, 25)
    if codec == "mjpeg":
        ctx.qmin = ctx.qmax = 2
    data = b"".join(bytes(p) for p in [*ctx.encode(out_frame), *ctx.encode(None)])
    tmp.write_bytes(data)
    return {"frames": 1, "boxes_drawn": count}


class _AudioEditor:
    """Mutes or bleeps the plan's ranges in decoded audio (float planar samples)."""

    def __init__(self, plan: Plan, offset: float, rate: int) -> None:
        self.ranges = [(r.start_s, r.end_s, r.mode) for r in plan.audio]
        self.offset, self.rate = offset, rate

    def edit(self, frame: Any) -> Any:
        samples = frame.to_ndarray().astype(np.float32)  # (channels, n) for planar float
        start = round(((frame.time or 0.0) - self.offset) * self.rate)
        index = np.arange(start, start + samples.shape[1])
        t = index / self.rate
        changed = False
        for a, b, mode in self.ranges:
            inside = (t >= a) & (t < b)
            if inside.any():
                changed = True
                tone = 0.25 * np.sin(2 * np.pi * BLEEP_HZ * t[inside]) if mode == "bleep" else 0.0
                samples[:, inside] = tone
        if not changed:
            return frame
        out = av.AudioFrame.from_ndarray(samples, format="fltp", layout=frame.layout.name)
        out.sample_rate, out.pts, out.time_base = frame.sample_rate, frame.pts, frame.time_base
        return out


def _render_video(info: MediaInfo, plan: Plan, tmp: Path, progress: Progress) -> dict[str, Any]:
    stats = {"frames": 0, "frames_redacted": 0, "boxes_drawn": 0, "audio": "none"}
    with open_source(info.path) as source:
        vin = video_stream(source)
        vin.thread_type = "AUTO"
        ain = source.streams.audio[0] if source.streams.audio else None
        out = av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"})
        try:
            pix_fmt = _pix_fmt(vin, info)
            vout = out.add_stream(
                "libx264", rate=frame_rate(vin), options={"preset": PRESET, "crf": str(CRF)}
            )
            vout.width, vout.height, vout.pix_fmt = info.coded_width, info.coded_height, pix_fmt
            vout.codec_context.time_base = vin.time_base or frame_rate(vin) ** -1
            if info.rotation:
                vout.set_display_rotation(-info.rotation)
            aout, editor = _audio_out(out, ain, plan, source, stats)
            producer = _Producer(source, vin, ain, editor is not None, plan, info, pix_fmt)
            last_pts: int | None = None
            for item in producer:
                if isinstance(item, av.Packet):
                    if item.dts is not None:
                        item.stream = aout
                        out.mux(item)
                    continue
                if isinstance(item, av.AudioFrame):
                    for edited in editor.edit(item):  # type: ignore[union-attr]
                        out.mux(aout.encode(edited))
                    continue
                picture, n, source_pts = item
                pts = source_pts if source_pts is not None else (last_pts or 0) + 1
                if last_pts is not None and pts <= last_pts:
                    pts = last_pts + 1  # repeated or backwards stamps would stop the muxer
                picture.pts, picture.time_base, last_pts = pts, vout.codec_context.time_base, pts
                out.mux(vout.encode(picture))
                stats["frames"] += 1
                stats["frames_redacted"] += 1 if n or plan.frame_mode(stats["frames"] - 1) else 0
                stats["boxes_drawn"] += n
                if stats["frames"] % 10 == 0:
                    progress(min(0.99, stats["frames"] / max(1, info.frames)))
            out.mux(vout.encode(None))
            if aout is not None and editor is not None:
                out.mux(aout.encode(None))
        finally:
            out.close()
    if stats["frames"] == 0:
        raise MediaError(f"no picture could be decoded from {info.path.name}")
    return stats


class _Producer:
    """Decodes and redacts in a second thread (PyAV and OpenCV release the GIL) while
    the caller encodes; items keep file order, and an error in the thread, including an
    interrupt, is raised again in the caller."""

    _END = object()

    def __init__(
        self,
        source: Any,
        vin: Any,
        ain: Any,
        decode_audio: bool,
        plan: Plan,
        info: MediaInfo,
        pix_fmt: str,
    ) -> None:
        self.args = (source, vin, ain, decode_audio, plan, info, pix_fmt)
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=8)
        self.stop = threading.Event()

    def _run(self) -> None:
        source, vin, ain, decode_audio, plan, info, pix_fmt = self.args
        op = operators.make_operator(plan.mode)
        index = 0
        try:
            decoded = ain if decode_audio else None
            copied = ain if not decode_audio else None
            for item in iter_frames(source, vin, decoded, copied):
                if self.stop.is_set():
                    return
                if isinstance(item, av.VideoFrame):
                    picture, n = redact_frame(item, index, plan, info, op, pix_fmt)
                    item = (picture, n, item.pts)
                    index += 1
                self.queue.put(item)
            self.queue.put(self._END)
        except BaseException as exc:  # handed to the consumer, which raises it
            self.queue.put(_Failure(exc))

    def __iter__(self) -> Any:
        thread = threading.Thread(target=self._run, name="redact-decode", daemon=True)
        thread.start()
        try:
            while True:
                item = self.queue.get()
                if item is self._END:
                    return
                if isinstance(item, _Failure):
                    raise item.exc
                yield item
        finally:
            self.stop.set()
            while thread.is_alive():
                with contextlib.suppress(queue.Empty):
                    self.queue.get(timeout=0.05)
            thread.join()


class _Failure:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def _pix_fmt(vin: Any, info: MediaInfo) -> str:
    """4:2:0 where the size allows (4:4:4 for odd sizes); full-range ("j") sources stay
    full range, else every pixel's level would shift."""
    cc = vin.codec_context
    full = (cc.pix_fmt or "").startswith("yuvj") or cc.color_range == 2
    even = info.coded_width % 2 == 0 and info.coded_height % 2 == 0
    return ("yuvj" if full else "yuv") + ("420p" if even else "444p")


def _audio_out(
    out: Any, ain: Any, plan: Plan, source: Any, stats: dict[str, Any]
) -> tuple[Any, Any]:
    if ain is None:
        return None, None
    if not plan.audio and ain.codec_context.name in COPY_AUDIO:
        stats["audio"] = f"copied ({ain.codec_context.name})"
        return out.add_stream_from_template(ain), None
    cc = ain.codec_context
    rate = cc.sample_rate if cc.sample_rate in AAC_RATES else 48000
    layout = "stereo" if cc.layout and cc.layout.nb_channels > 1 else "mono"
    aout = out.add_stream("aac", rate=rate, layout=layout)
    aout.bit_rate = 160_000
    offset = source.start_time / 1_000_000 if source.start_time else 0.0
    stats["audio"] = "re-encoded aac" + (" with muted/bleeped ranges" if plan.audio else "")
    return aout, _Resampled(_AudioEditor(plan, offset, rate), rate, layout)


class _Resampled:
    """Audio brought to float planar at the output rate and layout before editing."""

    def __init__(self, editor: _AudioEditor, rate: int, layout: str) -> None:
        self.editor = editor
        self.resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)

    def edit(self, frame: Any) -> Any:
        return [self.editor.edit(f) for f in self.resampler.resample(frame)]
