"""Small synthetic media for the redaction tests (no shared data needed)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import av
import numpy as np

from evidentia.evidence import demo_media
from evidentia.redaction import engine
from evidentia.redaction.detectors import Detection, Detector
from evidentia.redaction.mediaio import sha256_file
from evidentia.redaction.plan import Plan, SourceInfo, manual_track


def demo_clip(path: Path, seconds: float = 2.0, width: int = 320, height: int = 180) -> Path:
    return demo_media.make_clip(
        path,
        seconds=seconds,
        width=width,
        height=height,
        start=datetime(2026, 3, 2, 14, 3, 5, tzinfo=UTC),
        officer_badge="N-1042",
        device_id="BWC-7",
        seed=3,
    )


def textured_clip(
    path: Path, width: int, height: int, frames: int = 12, rotation: int = 0, audio: bool = False
) -> Path:
    """Random texture (so any blur shows) with a bright square at a known coded spot."""
    rng = np.random.default_rng(7)
    out = av.open(str(path), "w")
    even = width % 2 == 0 and height % 2 == 0
    vs = out.add_stream("libx264", rate=24, options={"preset": "ultrafast", "crf": "10"})
    vs.width, vs.height, vs.pix_fmt = width, height, "yuv420p" if even else "yuv444p"
    if rotation:
        vs.set_display_rotation(rotation)
    base = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
    for i in range(frames):
        img = base.copy()
        img[10:40, 20:60] = 255
        frame = av.VideoFrame.from_ndarray(img, format="rgb24").reformat(format=vs.pix_fmt)
        frame.pts = i
        out.mux(vs.encode(frame))
    out.mux(vs.encode(None))
    out.close()
    return path


def plan_for(
    path: Path,
    boxes: dict[int, list[float]],
    *,
    frames: int,
    width: int,
    height: int,
    fps: float = 30.0,
    mode: str = "box",
) -> Plan:
    track = manual_track("m-1", "face", boxes, decided_by="tester")
    return Plan(
        SourceInfo(sha256_file(path), width, height, fps, frames), [track], mode=mode, margin=0.0
    )


def frames_of(path: Path, fmt: str = "rgb24") -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format=fmt) for f in c.decode(video=0)]


def audio_of(path: Path) -> tuple[np.ndarray, int]:
    with av.open(str(path)) as c:
        stream = c.streams.audio[0]
        chunks = [f.to_ndarray().astype(np.float32)[0] for f in c.decode(stream)]
        return np.concatenate(chunks), stream.codec_context.sample_rate


# A stand-in face detector: the repo's synthetic clips have no faces for CenterFace.
LEFT, RIGHT = (40.0, 40.0, 90.0, 100.0), (220.0, 50.0, 270.0, 110.0)


class StubFaces(Detector):
    """Two still "faces" on every frame: left becomes face-1, right face-2."""

    label = "face"
    name = "stub-faces"

    def __init__(self) -> None:
        super().__init__(0.5, (640, 360))

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        return [Detection(LEFT, 0.9, "face"), Detection(RIGHT, 0.9, "face")]


def use_stub_faces(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(
        engine, "make_detector", lambda kind, threshold=None, scale=None: StubFaces()
    )
