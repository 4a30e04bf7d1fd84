"""Detections on sampled frames become tracks with a box on every frame.

Tracking is offline: the whole clip is detected before anything is rendered, so the
frames between two detections are filled by interpolating between both ends (not by
extrapolating forward, as an online tracker must), short misses are bridged the same
way, and the box path is smoothed with a centred window that does not lag. See
docs/decisions/0012-redaction-tracking.md.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from evidentia.redaction.detectors import BoxT, Detection


@dataclass(frozen=True)
class TrackerSettings:
    every: int = 2  # detect on every k-th frame; the tracker fills the rest
    max_gap: int = 12  # frames without a detection that a track bridges
    match_iou: float = 0.1  # predicted box against a new detection
    match_distance: float = 0.75  # or centres within this many box sizes
    smooth: int = 5  # frames in the centred smoothing window (1 = off)
    tolerance: float = 0.08  # jitter (share of box size) the smoothing may ignore
    min_hits: int = 2  # observations a track needs, unless one is surer than keep_score
    keep_score: float = 0.5
    trail: int = 2  # each mask also covers the box this many frames before and after
    body_ratio: float = 4.0  # a box this many times a face's area just below it is a body (0 = off)

    def __post_init__(self) -> None:
        if self.every < 1 or self.max_gap < 0 or self.smooth < 1:
            raise ValueError("every and smooth must be at least 1 and max_gap not negative")


@dataclass
class Tracked:
    """One object over time: detector observations and the filled, smoothed path."""

    label: str
    observations: dict[int, BoxT] = field(default_factory=dict)
    scores: dict[int, float] = field(default_factory=dict)
    boxes: dict[int, list[float]] = field(default_factory=dict)
    suspect: str | None = None  # why the engine proposes it excluded, for the reviewer

    @property
    def score(self) -> float:
        return max(self.scores.values(), default=0.0)

    def predict(self, frame: int) -> np.ndarray:
        """Where the box would be on ``frame``: its centre moved at the last observed
        velocity, its size kept (a shrinking box extrapolated over a gap turns inside out)."""
        frames = sorted(self.observations)
        last = np.array(self.observations[frames[-1]], dtype=np.float64)
        if len(frames) < 2:
            return last
        prev = np.array(self.observations[frames[-2]], dtype=np.float64)
        shift = ((last[:2] + last[2:]) - (prev[:2] + prev[2:])) / 2
        shift *= (frame - frames[-1]) / (frames[-1] - frames[-2])
        return np.concatenate([last[:2] + shift, last[2:] + shift])


def iou(a: np.ndarray | BoxT, b: np.ndarray | BoxT) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union) if union > 0 else 0.0


def _affinity(pred: np.ndarray, box: BoxT, settings: TrackerSettings, gap: int = 0) -> float:
    """How well a detection continues a track: IoU, or a little for near centres. The
    prediction is less certain the longer the track went unseen, so the centre distance
    allowed grows with the square root of the missed detection intervals."""
    overlap = iou(pred, box)
    if overlap >= settings.match_iou:
        return overlap
    size = max(pred[2] - pred[0], pred[3] - pred[1], 1.0)
    dx = (pred[0] + pred[2] - box[0] - box[2]) / 2
    dy = (pred[1] + pred[3] - box[1] - box[3]) / 2
    distance = float(np.hypot(dx, dy)) / size
    limit = settings.match_distance * float(np.sqrt(max(gap, settings.every) / settings.every))
    return 0.01 * (1 - distance / limit) if distance < limit else 0.0


def associate(detections: dict[int, list[Detection]], settings: TrackerSettings) -> list[Tracked]:
    """Link detections frame to frame: greedy best affinity first, per label."""
    finished: list[Tracked] = []
    active: list[Tracked] = []
    for frame in sorted(detections):
        still = []
        for track in active:
            (finished if frame - max(track.observations) > settings.max_gap + 1 else still).append(
                track
            )
        active = still
        pairs = []
        for ti, track in enumerate(active):
            pred = track.predict(frame)
            gap = frame - max(track.observations)
            for di, det in enumerate(detections[frame]):
                if (
                    det.label == track.label
                    and (score := _affinity(pred, det.box, settings, gap)) > 0
                ):
                    pairs.append((-score, ti, di))
        used_t: set[int] = set()
        used_d: set[int] = set()
        for _, ti, di in sorted(pairs):
            if ti in used_t or di in used_d:
                continue
            used_t.add(ti)
            used_d.add(di)
            det = detections[frame][di]
            active[ti].observations[frame] = det.box
            active[ti].scores[frame] = det.score
        for di, det in enumerate(detections[frame]):
            if di not in used_d:
                active.append(Tracked(det.label, {frame: det.box}, {frame: det.score}))
    return [
        t
        for t in finished + active
        if len(t.observations) >= settings.min_hits or t.score >= settings.keep_score
    ]


def _area(box: BoxT) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _below_a_face(box: BoxT, others: list[Detection], label: str, ratio: float) -> bool:
    """``box`` is ``ratio`` times the area of another detection whose centre column it
    spans and whose centre it starts below: a torso under a head, not a face."""
    for other in others:
        o = other.box
        if other.label != label or o == box or _area(o) <= 0:
            continue
        if (
            _area(box) >= ratio * _area(o)
            and box[0] <= (o[0] + o[2]) / 2 <= box[2]
            and box[1] >= (o[1] + o[3]) / 2
        ):
            return True
    return False


def flag_bodies(
    tracks: list[Tracked], detections: dict[int, list[Detection]], settings: TrackerSettings
) -> None:
    """Mark tracks that are mostly seen as a much larger box just below another face.

    On blurred or blended (ghosted) frames face detectors fire on the torso beneath a
    real head; such a box is several times the head's area and starts below its centre.
    A track whose observations are like that at least half the time is flagged, not
    dropped: the plan keeps it (excluded) so a reviewer can include it again.
    """
    if settings.body_ratio <= 0:
        return
    for track in tracks:
        body = sum(
            _below_a_face(box, detections.get(f, []), track.label, settings.body_ratio)
            for f, box in track.observations.items()
        )
        if body and 2 * body >= len(track.observations):
            track.suspect = (
                f"{body} of {len(track.observations)} detections are a box over "
                f"{settings.body_ratio:g}x a face's area just below that face (a body?)"
            )


def fill(track: Tracked, frames: int, settings: TrackerSettings) -> dict[int, np.ndarray]:
    """A box on every frame the object may be visible: interpolated between observations,
    held for one detection interval beyond the first and last (it may have appeared or
    left anywhere in between)."""
    obs = sorted(track.observations)
    path: dict[int, np.ndarray] = {}
    for a, b in itertools.pairwise(obs):
        ba, bb = np.array(track.observations[a]), np.array(track.observations[b])
        for f in range(a, b):
            path[f] = ba + (bb - ba) * ((f - a) / (b - a))
    path[obs[-1]] = np.array(track.observations[obs[-1]])
    hold = settings.every
    for f in range(max(0, obs[0] - hold), obs[0]):
        path[f] = path[obs[0]]
    for f in range(obs[-1] + 1, min(frames, obs[-1] + hold + 1)):
        path[f] = path[obs[-1]]
    return path


def smooth(path: dict[int, np.ndarray], settings: TrackerSettings) -> dict[int, list[float]]:
    """Centred moving average of centre and size; where the raw box pokes out of the
    smoothed one by more than the tolerance, the smoothed box grows to cover it, so
    smoothing removes jitter but never uncovers what the detector saw."""
    frames = sorted(path)
    raw = np.array([path[f] for f in frames], dtype=np.float64)
    centre = (raw[:, :2] + raw[:, 2:]) / 2
    size = raw[:, 2:] - raw[:, :2]
    half = settings.smooth // 2
    if half and len(frames) > 1:
        kernel = np.ones(2 * half + 1) / (2 * half + 1)
        centre = np.stack([_moving(centre[:, i], kernel, half) for i in range(2)], axis=1)
        size = np.stack([_moving(size[:, i], kernel, half) for i in range(2)], axis=1)
    out = np.concatenate([centre - size / 2, centre + size / 2], axis=1)
    slack = np.concatenate([size, size], axis=1) * settings.tolerance
    out[:, :2] = np.minimum(out[:, :2], raw[:, :2] + slack[:, :2])
    out[:, 2:] = np.maximum(out[:, 2:], raw[:, 2:] - slack[:, 2:])
    return {f: [float(v) for v in out[i]] for i, f in enumerate(frames)}


def trail(boxes: dict[int, list[float]], frames: int) -> dict[int, list[float]]:
    """Each box grown to the union of its neighbours within ``frames``: motion blur,
    rolling shutter and blended (ghosted) frames smear a moving face along its path."""
    if frames <= 0:
        return boxes
    out = {}
    for f, _box in boxes.items():
        near = [boxes[g] for g in range(f - frames, f + frames + 1) if g in boxes]
        out[f] = [
            min(b[0] for b in near),
            min(b[1] for b in near),
            max(b[2] for b in near),
            max(b[3] for b in near),
        ]
    return out


def _moving(values: np.ndarray, kernel: np.ndarray, half: int) -> np.ndarray:
    padded = np.pad(values, half, mode="edge")
    return np.convolve(padded, kernel, mode="valid")


def build_tracks(
    detections: dict[int, list[Detection]], frames: int, settings: TrackerSettings
) -> list[Tracked]:
    """Tracks with a smoothed box on every frame they cover, in a stable order."""
    tracks = associate(detections, settings)
    flag_bodies(tracks, detections, settings)
    for track in tracks:
        track.boxes = trail(smooth(fill(track, frames, settings), settings), settings.trail)
    return sorted(tracks, key=lambda t: (min(t.boxes), t.label, t.boxes[min(t.boxes)]))
