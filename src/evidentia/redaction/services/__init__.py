"""The redaction studio's one door: plans and review (plans.py), detection and rendering
jobs (jobs.py), following a drawn box (frames.py) and overlay previews (preview.py)."""

from evidentia.redaction.services.jobs import review_log, run_detection, run_render
from evidentia.redaction.services.plans import (
    APPROVERS,
    REDACTORS,
    add_manual_box,
    approve,
    get_plan,
    get_version,
    load,
    plan_sha256,
    plans_for,
    read_review_pdf,
    reject,
    render,
    request_approval,
    retry,
    set_audio,
    set_track,
    set_whole_frame,
    start_plan,
    version_of,
)
from evidentia.redaction.services.preview import boxes_on, frame_jpeg

__all__ = [
    "APPROVERS",
    "REDACTORS",
    "add_manual_box",
    "approve",
    "boxes_on",
    "frame_jpeg",
    "get_plan",
    "get_version",
    "load",
    "plan_sha256",
    "plans_for",
    "read_review_pdf",
    "reject",
    "render",
    "request_approval",
    "retry",
    "review_log",
    "run_detection",
    "run_render",
    "set_audio",
    "set_track",
    "set_whole_frame",
    "start_plan",
    "version_of",
]
