from __future__ import annotations

import json

import numpy as np
import pytest

from evidentia.redaction import plan as plans
from evidentia.redaction.detectors import Detection
from evidentia.redaction.plan import Plan, PlanError, SourceInfo, manual_track
from evidentia.redaction.tracking import TrackerSettings, build_tracks

SOURCE = SourceInfo("ab" * 32, 640, 480, 30.0, 100)


def face(x: float, y: float, size: float = 60, score: float = 0.9) -> Detection:
    return Detection((x, y, x + size, y + size), score, "face")


def test_the_tracker_bridges_a_short_gap_in_detections():
    dets = {f: [face(100 + f, 100)] for f in range(0, 30, 2) if not 10 <= f <= 18}
    tracks = build_tracks(dets, 40, TrackerSettings(every=2, max_gap=12))
    assert len(tracks) == 1
    assert set(range(0, 31)) <= set(tracks[0].boxes)
    x1 = tracks[0].boxes[14][0]
    assert 108 <= x1 <= 120  # interpolated between frame 8 and frame 20


def test_a_gap_longer_than_max_gap_splits_the_track():
    dets = {f: [face(100, 100)] for f in (0, 2, 4, 40, 42, 44)}
    tracks = build_tracks(dets, 50, TrackerSettings(every=2, max_gap=6))
    assert len(tracks) == 2


def test_detections_on_every_kth_frame_fill_every_frame_between():
    dets = {f: [face(200, 100)] for f in range(0, 60, 3)}
    tracks = build_tracks(dets, 60, TrackerSettings(every=3))
    assert set(range(60)) == set(tracks[0].boxes)


def test_two_faces_far_apart_become_two_tracks():
    dets = {f: [face(50, 50), face(400, 300)] for f in range(0, 20, 2)}
    assert len(build_tracks(dets, 20, TrackerSettings(every=2))) == 2


def test_smoothing_reduces_jitter_without_uncovering_the_detection():
    rng = np.random.default_rng(1)
    dets = {f: [face(300 + rng.normal(0, 3), 200 + rng.normal(0, 3))] for f in range(60)}
    raw = build_tracks(dets, 60, TrackerSettings(every=1, smooth=1, trail=0))[0].boxes
    smooth = build_tracks(dets, 60, TrackerSettings(every=1, smooth=7, trail=0))[0].boxes

    def jitter(boxes):
        xs = np.array([boxes[f][0] for f in sorted(boxes)])
        return float(np.abs(np.diff(xs)).mean())

    assert jitter(smooth) < jitter(raw) / 2
    slack = 60 * 0.08 + 1e-6
    for f, det in dets.items():
        b = smooth[f]
        assert b[0] <= det[0].box[0] + slack and b[2] >= det[0].box[2] - slack


def test_a_single_weak_detection_does_not_become_a_track():
    dets = {0: [face(10, 10, score=0.25)], 2: [], 4: []}
    assert build_tracks(dets, 10, TrackerSettings(every=2)) == []


def test_a_large_box_just_below_a_face_is_flagged_as_a_body_and_excluded():
    # a head at (300,50) 60x60; on blended frames the detector also fires on the torso
    # beneath it, a box many times the head's area that starts below the head's centre
    body = Detection((250.0, 130.0, 450.0, 380.0), 0.6, "face")
    dets = {f: [face(300, 50)] + ([body] if 10 <= f <= 16 else []) for f in range(0, 30, 2)}
    tracks = build_tracks(dets, 30, TrackerSettings(every=2))
    assert len(tracks) == 2
    head, torso = sorted(tracks, key=lambda t: t.boxes[min(t.boxes)][1])
    assert head.suspect is None
    assert torso.suspect and "body" in torso.suspect
    off = build_tracks(dets, 30, TrackerSettings(every=2, body_ratio=0))
    assert all(t.suspect is None for t in off)


def test_a_larger_face_beside_a_small_one_is_not_a_body():
    # two people, one near the camera: larger, but beside the other face, not beneath it
    dets = {f: [face(100, 100, 40), face(300, 120, 160)] for f in range(0, 20, 2)}
    assert all(t.suspect is None for t in build_tracks(dets, 20, TrackerSettings(every=2)))


def test_a_shrinking_face_lost_for_a_while_is_picked_up_again():
    # a face moving up and shrinking (leaving the top edge), unseen for 8 frames: the
    # prediction keeps the box's size, so it does not turn inside out over the gap
    dets = {
        f: [Detection((100 + 5 * f, 0, 260 + 5 * f, 150 - 5 * f), 0.8, "face")]
        for f in range(0, 20, 2)
    }
    dets.update({f: [] for f in range(20, 28, 2)})
    dets.update({f: [Detection((240 + 5 * f, 0, 360 + 5 * f, 60), 0.5, "face")] for f in (28, 30)})
    tracks = build_tracks(dets, 32, TrackerSettings(every=2))
    assert len(tracks) == 1
    assert set(range(0, 32)) <= set(tracks[0].boxes)


def test_manual_keyframes_are_interpolated_linearly():
    track = manual_track("m", "face", {0: [0, 0, 10, 10], 10: [100, 0, 110, 10]}, "ann")
    assert track.boxes[5] == [50, 0, 60, 10]
    assert sorted(track.boxes) == list(range(11)) and track.keyframes == [0, 10]


def test_a_plan_survives_a_save_and_load_round_trip(tmp_path):
    plan = Plan(SOURCE, [manual_track("m", "face", {1: [1, 2, 30, 40], 3: [5, 2, 34, 40]}, "ann")])
    plan.audio.append(plans.AudioRange(1.0, 2.5, "bleep"))
    plan.whole_frame.append(plans.FrameRange(10, 20, "black"))
    loaded = plans.load(plans.save(plan, tmp_path / "plan.json"))
    assert loaded.to_json() == plan.to_json()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("tracks"), "'tracks' is missing"),
        (lambda d: d["tracks"][0].update(boxes={"500": [0, 0, 1, 1]}), "outside the source"),
        (lambda d: d["tracks"][0].update(boxes={"1": [5, 5, 1, 1]}), "has no area"),
        (lambda d: d.update(mode="smudge"), "mode must be one of"),
        (lambda d: d["audio"].append({"start_s": 3, "end_s": 1, "mode": "mute"}), "audio[0]"),
        (lambda d: d.update(version=2), "version 2 is not supported"),
    ],
)
def test_an_invalid_plan_fails_with_a_message_naming_the_problem(change, message):
    data = Plan(SOURCE, [manual_track("m", "face", {1: [1, 2, 30, 40]}, None)]).to_json()
    change(data)
    with pytest.raises(PlanError, match=message.replace("[", r"\[")):
        plans.from_json(json.loads(json.dumps(data)))


def test_a_plan_that_is_not_json_fails_with_the_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{\n nope")
    with pytest.raises(PlanError, match="not valid JSON"):
        plans.load(path)
