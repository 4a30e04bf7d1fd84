"""The browser proxy: H.264 (yuv420p) + AAC in an MP4 with the index at the front.

At most 720p (1280x720, either orientation), the source's own frame timing (every frame
kept, so frame counts and durations match) and display rotation, audio kept at up to
stereo. A recording with
no audio gets a proxy with no audio track: inventing a silent track would suggest that
sound was recorded.

The mp4 muxer moves the index to the front (faststart) by re-reading its own output, which
needs a real file: the proxy is written to a private work folder, then into the vault.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from evidentia.evidence import media
from evidentia.evidence.models import Item
from evidentia.evidence.services.avkit import (
    Built,
    DecodeStats,
    DerivativeError,
    Progress,
    audio_stream,
    decode_all,
    display_size,
    fit,
    frame_rate,
    open_media,
    start_offset,
    video_stream,
)

MAX_LONG_SIDE, MAX_SHORT_SIDE = 1280, 720
PRESET = "veryfast"  # ~2-9x real time for 1080p on two cores; see docs/benchmarks.md
CRF = 23
KEYFRAME_SECONDS = 2  # seeking in the player lands at most this far from the target
AUDIO_BITRATE = 128_000
AUDIO_RATES = {8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000}


def proxy_size(width: int, height: int) -> tuple[int, int]:
    if width >= height:
        return fit(width, height, MAX_LONG_SIDE, MAX_SHORT_SIDE)
    return fit(width, height, MAX_SHORT_SIDE, MAX_LONG_SIDE)


def build_proxy(item: Item, workdir: Path, progress: Progress) -> Built:
    target = workdir / "proxy.mp4"
    stats = DecodeStats()
    with open_media(item.blob) as source:
        vin, ain = video_stream(source), audio_stream(source)
        if vin is None and ain is None:
            raise DerivativeError("the file has no audio or video to transcode")
        out = av.open(str(target), "w", format="mp4", options={"movflags": "+faststart"})
        try:
            out.metadata["comment"] = f"Evidentia browser proxy of sha256:{item.blob.sha256}"
            job = _Transcode(source, out, vin, ain, item.duration_seconds or 0.0, progress)
            job.run(stats)
        finally:
            out.close()
    if vin is not None and stats.extra.get("video_frames", 0) == 0:
        raise DerivativeError("no picture could be decoded from the recording")
    info = media.probe(target)
    return Built(
        "video/mp4",
        meta={
            "width": info.width,
            "height": info.height,
            "duration": info.duration,
            "fps": info.fps,
            "frames": stats.extra.get("video_frames", 0),
            "video_codec": info.video_codec,
            "audio_codec": info.audio_codec,
            "decode_errors": stats.errors,
        },
        params={
            "video": f"libx264 preset={PRESET} crf={CRF} yuv420p, keyframe every "
            f"{KEYFRAME_SECONDS}s, at most {MAX_LONG_SIDE}x{MAX_SHORT_SIDE}",
            "audio": f"aac {AUDIO_BITRATE // 1000}k, at most stereo" if ain is not None else None,
            "container": "mp4 +faststart",
            "pyav": av.__version__,
            "ffmpeg": av.ffmpeg_version_info,
        },
        path=target,
    )


class _Transcode:
    def __init__(
        self, source: Any, out: Any, vin: Any, ain: Any, duration: float, progress: Progress
    ) -> None:
        self.source, self.out, self.vin, self.ain = source, out, vin, ain
        self.duration, self.progress = duration, progress
        self.offset = start_offset(source)
        self.vout: Any = self._video_out() if vin is not None else None
        self.aout: Any = self._audio_out() if ain is not None else None
        self.last_pts: int | None = None
        # Audio waits for the first picture, whose display rotation must reach the
        # encoder before anything is written.
        self.waiting_audio: list[Any] | None = [] if vin is not None else None

    def _video_out(self) -> Any:
        vin = self.vin
        vin.thread_type = "AUTO"
        rate = frame_rate(vin)
        self.size = proxy_size(*display_size(vin))
        vout = self.out.add_stream(
            "libx264",
            rate=rate,
            options={"preset": PRESET, "crf": str(CRF), "g": str(round(rate * KEYFRAME_SECONDS))},
        )
        vout.width, vout.height = self.size
        vout.pix_fmt = "yuv420p"
        # The source's own time base keeps variable frame timing exact.
        vout.codec_context.time_base = vin.time_base or Fraction(1, 90000)
        return vout

    def _audio_out(self) -> Any:
        cc = self.ain.codec_context
        rate = cc.sample_rate if cc.sample_rate in AUDIO_RATES else 48000
        channels = cc.layout.nb_channels if cc.layout else 1
        aout = self.out.add_stream("aac", rate=rate, layout="stereo" if channels > 1 else "mono")
        aout.bit_rate = AUDIO_BITRATE
        return aout

    def run(self, stats: DecodeStats) -> None:
        streams = [s for s in (self.vin, self.ain) if s is not None]
        video_frames = 0
        for stream, frame in decode_all(self.source, streams, stats):
            if stream is self.vin:
                self._video(frame)
                video_frames += 1
            else:
                self._audio(frame)
        stats.extra["video_frames"] = video_frames
        self._release_audio()
        for out in (self.vout, self.aout):
            if out is not None:
                self.out.mux(out.encode(None))

    def _shifted(self, frame: Any) -> int | None:
        if frame.pts is None or not frame.time_base:
            return None
        return frame.pts - round(self.offset / frame.time_base)

    def _video(self, frame: Any) -> None:
        pts = self._shifted(frame)
        if pts is None:
            pts = 0 if self.last_pts is None else self.last_pts + 1
        elif self.last_pts is not None and pts <= self.last_pts:
            pts = self.last_pts + 1  # repeated or backwards stamps would stop the muxer
        self.last_pts = pts
        if self.waiting_audio is not None and frame.rotation:
            self.vout.set_display_rotation(frame.rotation)
        picture = frame.reformat(*self.size, format="yuv420p", interpolation="BILINEAR")
        picture.pts, picture.time_base = pts, frame.time_base or self.vin.time_base
        self.out.mux(self.vout.encode(picture))
        self._release_audio()
        if self.duration:
            self.progress(min(1.0, float(pts * frame.time_base) / self.duration))

    def _release_audio(self) -> None:
        waiting, self.waiting_audio = self.waiting_audio, None
        for frame in waiting or []:
            self.out.mux(self.aout.encode(frame))

    def _audio(self, frame: Any) -> None:
        frame.pts = self._shifted(frame)
        if self.waiting_audio is not None:
            self.waiting_audio.append(frame)
            return
        self.out.mux(self.aout.encode(frame))
        if self.vout is None and self.duration and frame.time is not None:
            self.progress(min(1.0, frame.time / self.duration))
