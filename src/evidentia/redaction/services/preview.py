"""Frames with the plan's boxes drawn over them, for the review UI."""

from __future__ import annotations

import logging
from typing import Any

import cv2
import numpy as np

from evidentia.accounts.models import User
from evidentia.core.errors import Conflict, NotFound
from evidentia.redaction.models import RedactionPlan
from evidentia.redaction.services.frames import _upright_frames
from evidentia.redaction.services.plans import _frame_range, get_plan, load

log = logging.getLogger(__name__)


def boxes_on(rp: RedactionPlan, frame: int) -> dict[str, Any]:
    """Every track's box on one frame (included or not) and the whole-frame mode there."""
    plan = load(rp)
    _frame_range(rp, frame)
    return {
        "frame": frame,
        "whole_frame": plan.frame_mode(frame),
        "boxes": [
            {"track": t.id, "label": t.label, "source": t.source, "included": t.included,
             "box": [round(v, 1) for v in t.boxes[frame]]}
            for t in plan.tracks if frame in t.boxes
        ],
    }  # fmt: skip


def frame_jpeg(user: User, plan_id: object, frame: int) -> bytes:
    """The frame with the plan drawn over it: included boxes red and solid, excluded grey
    and dashed, a whole-frame range as a red border. The picture itself is unredacted:
    it is for the reviewer, who may see the original."""
    rp = get_plan(user, plan_id)
    found = boxes_on(rp, frame)
    picture = next((rgb for _, rgb in _upright_frames(rp.item.blob, frame, frame)), None)
    if picture is None:
        raise NotFound(f"Frame {frame} could not be decoded.")
    bgr = np.ascontiguousarray(cv2.cvtColor(picture, cv2.COLOR_RGB2BGR))
    thick = max(2, round(bgr.shape[1] / 320))
    for b in sorted(found["boxes"], key=lambda b: b["included"]):
        p1, p2 = (round(b["box"][0]), round(b["box"][1])), (round(b["box"][2]), round(b["box"][3]))
        if b["included"]:
            cv2.rectangle(bgr, p1, p2, (0, 0, 255), thick)
        else:
            _dashed(bgr, p1, p2, (160, 160, 160), thick)
    if found["whole_frame"]:
        cv2.rectangle(bgr, (0, 0), (bgr.shape[1] - 1, bgr.shape[0] - 1), (0, 0, 255), thick * 3)
    ok, data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise Conflict("The frame could not be encoded as JPEG.")
    return bytes(data.tobytes())


def _dashed(img: np.ndarray, p1: tuple[int, int], p2: tuple[int, int], colour: Any, t: int):
    (x1, y1), (x2, y2), dash = p1, p2, 6
    for x in range(x1, x2, dash * 2):
        for y in (y1, y2):
            cv2.line(img, (x, y), (min(x + dash, x2), y), colour, t)
    for y in range(y1, y2, dash * 2):
        for x in (x1, x2):
            cv2.line(img, (x, y), (x, min(y + dash, y2)), colour, t)
