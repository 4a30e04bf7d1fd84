"""The audio waveform: peak amplitude (0..1 of full scale) per time bucket, as JSON."""

from __future__ import annotations

import json
from array import array
from pathlib import Path

import av

from evidentia.evidence.models import Item
from evidentia.evidence.services.avkit import (
    Built,
    DecodeStats,
    DerivativeError,
    Progress,
    audio_stream,
    decode,
    frame_time,
    note_error,
    open_media,
    start_offset,
)

RATE = 8000  # peaks for a picture, not for listening: a low rate keeps pure Python fast
MIN_BUCKETS, MAX_BUCKETS = 1000, 2000
FULL_SCALE = 32768
BLOCKS_PER_BUCKET = 4


def bucket_count(duration: float) -> int:
    """About one bucket per second for long recordings, within 1000..2000."""
    return max(MIN_BUCKETS, min(MAX_BUCKETS, round(duration)))


class _Peaks:
    """Running peak per fixed block of samples; memory stays ~4 x buckets numbers."""

    def __init__(self, block: int) -> None:
        self.block = block
        self.blocks: list[int] = []
        self._peak = 0
        self._filled = 0

    def silence(self, samples: int) -> None:
        self.add(array("h", bytes(2 * samples)))

    def add(self, samples: array) -> None:  # type: ignore[type-arg]
        i, n = 0, len(samples)
        while i < n:
            take = min(self.block - self._filled, n - i)
            part = samples[i : i + take]
            self._peak = max(self._peak, max(part), -min(part))
            self._filled += take
            i += take
            if self._filled == self.block:
                self.finish_block()

    def finish_block(self) -> None:
        if self._filled:
            self.blocks.append(self._peak)
        self._peak = self._filled = 0

    def buckets(self, count: int) -> list[float]:
        self.finish_block()
        blocks = self.blocks
        count = min(count, len(blocks))
        out = []
        for j in range(count):
            lo, hi = j * len(blocks) // count, (j + 1) * len(blocks) // count
            out.append(round(min(1.0, max(blocks[lo:hi]) / FULL_SCALE), 4))
        return out


def build_waveform(item: Item, workdir: Path, progress: Progress) -> Built:
    expected = item.duration_seconds or 0.0
    buckets = bucket_count(expected)
    per_block = int(expected * RATE) // (buckets * BLOCKS_PER_BUCKET)
    block = max(1, per_block) if expected else RATE // 10  # unknown length: 100 ms blocks
    peaks = _Peaks(block)
    stats = DecodeStats()
    samples = 0
    with open_media(item.blob) as container:
        stream = audio_stream(container)
        if stream is None:
            raise DerivativeError("the recording has no audio")
        offset = start_offset(container)
        resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
        for frame in decode(container, stream, stats):
            if samples == 0 and frame.time is not None and frame.time - offset > 0:
                lead = round((frame.time - offset) * RATE)  # audio starts after the picture
                peaks.silence(lead)
                samples += lead
            try:
                resampled = resampler.resample(frame)
            except (av.FFmpegError, ValueError) as exc:
                note_error(stats, exc)
                continue
            for out in resampled:
                samples += _feed(peaks, out)
            if expected:
                progress(min(1.0, frame_time(frame, 0.0) / expected))
        for out in resampler.resample(None):
            samples += _feed(peaks, out)
    if samples == 0:
        raise DerivativeError("no audio could be decoded from the recording")
    values = peaks.buckets(buckets)
    duration = samples / RATE
    body = {
        "version": 1,
        "source_sha256": item.blob.sha256,
        "duration": round(duration, 3),
        "buckets": len(values),
        "bucket_seconds": round(duration / len(values), 6),
        "peaks": values,
    }
    data = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
    return Built(
        "application/json",
        meta={"buckets": len(values), "duration": body["duration"], "decode_errors": stats.errors},
        params={"sample_rate": RATE, "scale": "peak of |sample| / full scale"},
        data=data,
    )


def _feed(peaks: _Peaks, frame: av.AudioFrame) -> int:
    count = frame.samples
    if count:
        peaks.add(array("h", bytes(frame.planes[0])[: 2 * count]))
    return count
