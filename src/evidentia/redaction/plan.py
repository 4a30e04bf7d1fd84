"""The redaction plan: what to hide, where and when, as versioned JSON.

Boxes are in the picture's upright (displayed) pixels, keyed by frame index in
presentation order. A plan is data only: the render applies it, the review log
explains it, and the studio edits it.
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

VERSION = 1
MODES = ("blur", "pixelate", "box")
WHOLE_FRAME_MODES = ("blur", "black")
AUDIO_MODES = ("mute", "bleep")
SOURCES = ("auto", "manual")

Box = list[float]


class PlanError(ValueError):
    """The plan is not valid; ``str(err)`` names the field and what is wrong."""


@dataclass
class SourceInfo:
    sha256: str
    width: int
    height: int
    fps: float
    frames: int


@dataclass
class Track:
    id: str
    label: str
    boxes: dict[int, Box]
    source: str = "auto"
    included: bool = True
    decided_by: str | None = None
    score: float | None = None  # best detector score, for auto tracks
    keyframes: list[int] | None = (
        None  # manual tracks: frames a person placed; the rest interpolated
    )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["boxes"] = {str(f): [round(v, 2) for v in b] for f, b in sorted(self.boxes.items())}
        if data["score"] is None:
            del data["score"]
        if data["keyframes"] is None:
            del data["keyframes"]
        return data


@dataclass
class FrameRange:
    start_frame: int
    end_frame: int  # inclusive
    mode: str = "black"


@dataclass
class AudioRange:
    start_s: float
    end_s: float
    mode: str = "mute"


@dataclass
class Plan:
    source: SourceInfo
    tracks: list[Track] = field(default_factory=list)
    whole_frame: list[FrameRange] = field(default_factory=list)
    audio: list[AudioRange] = field(default_factory=list)
    mode: str = "blur"
    margin: float = 0.2
    detection: dict[str, Any] = field(default_factory=dict)  # how auto tracks were made
    version: int = VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "source": asdict(self.source),
            "tracks": [t.to_json() for t in self.tracks],
            "whole_frame": [asdict(r) for r in self.whole_frame],
            "audio": [asdict(r) for r in self.audio],
            "mode": self.mode,
            "margin": self.margin,
            "detection": self.detection,
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=1, sort_keys=True)

    def boxes_at(self, frame: int) -> list[tuple[Track, Box]]:
        """Included tracks with a box on ``frame``."""
        return [(t, t.boxes[frame]) for t in self.tracks if t.included and frame in t.boxes]

    def frame_mode(self, frame: int) -> str | None:
        for r in self.whole_frame:
            if r.start_frame <= frame <= r.end_frame:
                return r.mode
        return None


def _need(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in data:
        raise PlanError(f"{where}: '{key}' is missing")
    value = data[key]
    if not isinstance(value, kind) or (
        isinstance(value, bool) and kind in (int, float, (int, float))
    ):
        raise PlanError(f"{where}: '{key}' has the wrong type ({type(value).__name__})")
    return value


def _box(value: Any, where: str) -> Box:
    if not (
        isinstance(value, list)
        and len(value) == 4
        and all(isinstance(v, int | float) for v in value)
    ):
        raise PlanError(f"{where}: a box must be [x1, y1, x2, y2] numbers")
    x1, y1, x2, y2 = (float(v) for v in value)
    if x2 <= x1 or y2 <= y1:
        raise PlanError(f"{where}: the box {value} has no area (x2 <= x1 or y2 <= y1)")
    return [x1, y1, x2, y2]


def _track(data: Any, n: int, frames: int) -> Track:
    where = f"tracks[{n}]"
    if not isinstance(data, dict):
        raise PlanError(f"{where}: must be an object")
    source = _need(data, "source", str, where)
    if source not in SOURCES:
        raise PlanError(f"{where}: source must be one of {SOURCES}, not {source!r}")
    raw_boxes = _need(data, "boxes", dict, where)
    boxes: dict[int, Box] = {}
    for key, value in raw_boxes.items():
        try:
            frame = int(key)
        except ValueError:
            raise PlanError(f"{where}: frame key {key!r} is not a whole number") from None
        if not 0 <= frame < frames:
            raise PlanError(f"{where}: frame {frame} is outside the source's {frames} frames")
        boxes[frame] = _box(value, f"{where}.boxes[{key}]")
    decided_by = data.get("decided_by")
    if decided_by is not None and not isinstance(decided_by, str):
        raise PlanError(f"{where}: 'decided_by' must be null or a name")
    keyframes = data.get("keyframes")
    if keyframes is not None and not all(isinstance(k, int) and k in boxes for k in keyframes):
        raise PlanError(f"{where}: every keyframe must be a frame that has a box")
    return Track(
        id=str(_need(data, "id", (str, int), where)),
        label=_need(data, "label", str, where),
        boxes=boxes,
        source=source,
        included=_need(data, "included", bool, where),
        decided_by=decided_by,
        score=data.get("score"),
        keyframes=keyframes,
    )


def _range(data: Any, where: str, cls: type, keys: tuple[str, str], modes: tuple[str, ...]) -> Any:
    if not isinstance(data, dict):
        raise PlanError(f"{where}: must be an object")
    kind = int if cls is FrameRange else (int, float)
    start, end = (_need(data, k, kind, where) for k in keys)
    if end < start or start < 0:
        raise PlanError(f"{where}: the range {start}..{end} is empty or negative")
    mode = _need(data, "mode", str, where)
    if mode not in modes:
        raise PlanError(f"{where}: mode must be one of {modes}, not {mode!r}")
    return cls(start, end, mode)


def from_json(data: Any) -> Plan:
    """A validated plan, or a PlanError naming the first problem found."""
    if not isinstance(data, dict):
        raise PlanError("a plan must be a JSON object")
    version = data.get("version")
    if version != VERSION:
        raise PlanError(
            f"plan version {version!r} is not supported (this engine reads version {VERSION})"
        )
    src = _need(data, "source", dict, "plan")
    source = SourceInfo(
        sha256=_need(src, "sha256", str, "source"),
        width=_need(src, "width", int, "source"),
        height=_need(src, "height", int, "source"),
        fps=float(_need(src, "fps", (int, float), "source")),
        frames=_need(src, "frames", int, "source"),
    )
    mode = data.get("mode", "blur")
    if mode not in MODES:
        raise PlanError(f"plan: mode must be one of {MODES}, not {mode!r}")
    margin = data.get("margin", 0.2)
    if not isinstance(margin, int | float) or not 0 <= margin <= 2:
        raise PlanError(f"plan: margin must be a number from 0 to 2, not {margin!r}")
    tracks = [
        _track(t, n, source.frames) for n, t in enumerate(_need(data, "tracks", list, "plan"))
    ]
    ids = [t.id for t in tracks]
    if len(set(ids)) != len(ids):
        raise PlanError("plan: track ids must be unique")
    whole = [
        _range(r, f"whole_frame[{n}]", FrameRange, ("start_frame", "end_frame"), WHOLE_FRAME_MODES)
        for n, r in enumerate(data.get("whole_frame", []))
    ]
    audio = [
        _range(r, f"audio[{n}]", AudioRange, ("start_s", "end_s"), AUDIO_MODES)
        for n, r in enumerate(data.get("audio", []))
    ]
    return Plan(
        source, tracks, whole, audio, mode, float(margin), data.get("detection", {}), version
    )


def load(path: str | Path) -> Plan:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanError(f"the plan {path} could not be read: {exc.strerror}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(
            f"the plan {path} is not valid JSON (line {exc.lineno}: {exc.msg})"
        ) from exc
    return from_json(data)


def save(plan: Plan, path: str | Path) -> Path:
    """Write atomically: a reader never sees half a plan."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(plan.dumps())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def interpolate_keyframes(keyframes: dict[int, Box]) -> dict[int, Box]:
    """A box on every frame from the first keyframe to the last, linear in between."""
    frames = sorted(keyframes)
    out: dict[int, Box] = {}
    for a, b in itertools.pairwise(frames):
        ba, bb = keyframes[a], keyframes[b]
        for f in range(a, b):
            t = (f - a) / (b - a)
            out[f] = [va + (vb - va) * t for va, vb in zip(ba, bb, strict=True)]
    if frames:
        out[frames[-1]] = list(keyframes[frames[-1]])
    return out


def manual_track(
    track_id: str, label: str, keyframes: dict[int, Box], decided_by: str | None
) -> Track:
    """A track drawn by a person: its keyframes kept, the frames between interpolated."""
    return Track(
        id=track_id,
        label=label,
        boxes=interpolate_keyframes(keyframes),
        source="manual",
        included=True,
        decided_by=decided_by,
        keyframes=sorted(keyframes),
    )
