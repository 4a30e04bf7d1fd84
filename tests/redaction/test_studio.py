"""The redaction studio backend: plans, review, two-person approval, render, review log.

A stub face detector stands in for CenterFace (the demo clip is a test pattern with no
faces); everything else is the real engine on the real 3-second clip.
"""

from __future__ import annotations

import hashlib
import io
import json

import av
import cv2
import numpy as np
import pytest
from pypdf import PdfReader

from evidentia.cases import services as cases
from evidentia.core.errors import Conflict, NotFound, PermissionDenied
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.models import Blob
from evidentia.evidence.services import playback
from evidentia.evidence.services.ingest import Submission, ingest_path
from evidentia.evidence.services.processing import process
from evidentia.redaction import services, tasks
from evidentia.redaction.models import RedactedVersion, RedactionPlan
from evidentia.redaction.services import jobs
from tests.redaction.helpers import LEFT, RIGHT, use_stub_faces

S = RedactionPlan.State


@pytest.fixture(autouse=True)
def stub_faces(monkeypatch):
    use_stub_faces(monkeypatch)


@pytest.fixture
def now(django_capture_on_commit_callbacks):
    """Run what a call queues on commit (the eager Celery tasks) before returning."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


@pytest.fixture
def item(db, olivia, ivan, clip_path):
    made = ingest_path(clip_path, Submission(clip_path.name, "cli", officer=olivia), actor=olivia)
    process(made.item)
    case = cases.create_case(number="2026-77", title="Traffic stop", actor=ivan)
    cases.link_item(case, made.item, actor="test")  # so Ivan the detective can see it
    made.item.refresh_from_db()
    return made.item


def plain(blob: Blob) -> bytes:
    return b"".join(playback.read(blob))


def fresh(rp: RedactionPlan) -> RedactionPlan:
    return RedactionPlan.objects.get(pk=rp.pk)


@pytest.fixture
def detected(item, ivan, now) -> RedactionPlan:
    rp = now(services.start_plan, ivan, item.pk)
    return fresh(rp)


@pytest.fixture
def approved(detected, ivan, carmen) -> RedactionPlan:
    services.request_approval(ivan, detected)
    return services.approve(carmen, detected)


def redaction_events(item) -> list[str]:
    return list(
        Event.objects.filter(item_id=item.pk, kind__startswith="redaction.")
        .order_by("seq")
        .values_list("kind", flat=True)
    )


def box_diff(a: np.ndarray, b: np.ndarray, box) -> float:
    x1, y1, x2, y2 = (int(v) for v in box)
    return float(np.abs(a[y1:y2, x1:x2].astype(int) - b[y1:y2, x1:x2].astype(int)).mean())


def frame_at(data: bytes, n: int) -> np.ndarray:
    with av.open(io.BytesIO(data)) as c:
        for i, f in enumerate(c.decode(video=0)):
            if i == n:
                return f.to_ndarray(format="rgb24")
    raise AssertionError(f"no frame {n}")


@pytest.mark.slow
def test_the_studio_flow_makes_a_new_redacted_version_and_keeps_the_original(
    item, ivan, carmen, as_user, clip_path, django_capture_on_commit_callbacks
):
    api, base = as_user(ivan), "/api/v1/redaction"
    original_sha = item.blob.sha256
    with django_capture_on_commit_callbacks(execute=True):
        made = api.post(f"{base}/items/{item.pk}/plans", {"kinds": ["faces"]}, "application/json")
    assert made.status_code == 201, made.content
    plan_id = made.json()["id"]
    shown = api.get(f"{base}/plans/{plan_id}").json()
    assert shown["state"] == "ready" and shown["progress"] == 100
    assert [
        (t["id"], t["included"], t["first_frame"], t["last_frame"]) for t in shown["tracks"]
    ] == [
        ("face-1", True, 0, 89),
        ("face-2", True, 0, 89),
    ]

    excluded = api.patch(
        f"{base}/plans/{plan_id}/tracks/face-2", {"included": False}, "application/json"
    )
    assert excluded.json()["tracks"][1]["included"] is False
    assert excluded.json()["tracks"][1]["decided_by"] == "ivan"

    manual = api.post(
        f"{base}/plans/{plan_id}/manual",
        {"frame": 45, "box": [130, 60, 180, 120]},
        "application/json",
    )
    assert manual.status_code == 201, manual.content
    track = manual.json()
    assert track["id"] == "manual-1" and track["source"] == "manual"
    assert track["first_frame"] < 45 < track["last_frame"]  # followed both ways
    assert 45 in track["keyframes"]

    muted = api.put(
        f"{base}/plans/{plan_id}/audio",
        {"ranges": [{"start_s": 0.5, "end_s": 1.0, "mode": "mute"}]},
        "application/json",
    )
    assert muted.json()["audio"] == [{"start_s": 0.5, "end_s": 1.0, "mode": "mute"}]

    assert api.post(f"{base}/plans/{plan_id}/request-approval").json()["state"] == "requested"
    own = api.post(f"{base}/plans/{plan_id}/approve")
    assert own.status_code == 403
    assert "custodian" in own.json()["detail"]
    refused = as_user(ivan).post(f"{base}/plans/{plan_id}/approve")
    assert refused.status_code == 403

    approved = as_user(carmen).post(f"{base}/plans/{plan_id}/approve")
    assert approved.status_code == 200, approved.content
    assert approved.json()["approved_by"] == "carmen"
    assert approved.json()["approved_sha256"] == approved.json()["plan_sha256"]

    with django_capture_on_commit_callbacks(execute=True):
        queued = api.post(f"{base}/plans/{plan_id}/render")
    assert queued.status_code == 202, queued.content
    status = api.get(f"{base}/plans/{plan_id}/status").json()
    assert status["state"] == "rendered", status["error"]
    [shown_version] = status["versions"]

    version = RedactedVersion.objects.get(plan_id=plan_id)
    redacted = plain(version.blob)
    assert hashlib.sha256(redacted).hexdigest() == version.blob.sha256 == shown_version["sha256"]
    assert version.blob.sha256 != original_sha
    item.blob.refresh_from_db()
    assert item.blob.sha256 == original_sha
    assert plain(item.blob) == clip_path.read_bytes()

    # face-1 and the manual box are hidden; the excluded face-2 is left alone.
    before, after = frame_at(clip_path.read_bytes(), 45), frame_at(redacted, 45)
    assert box_diff(before, after, LEFT) > 3 * box_diff(before, after, RIGHT)
    assert box_diff(before, after, (140, 70, 170, 110)) > 3 * box_diff(before, after, RIGHT)

    review = json.loads(plain(version.review_log))
    assert review["original"]["sha256"] == original_sha
    assert review["output"]["sha256"] == version.blob.sha256
    assert review["plan"]["sha256"] == version.plan_sha256
    assert review["approval"]["requested_by"]["username"] == "ivan"
    assert review["approval"]["approved_by"]["username"] == "carmen"
    assert review["summary"]["tracks_excluded"] == 1
    assert review["audio"] == [{"start_s": 0.5, "end_s": 1.0, "mode": "mute"}]
    assert plain(version.review_pdf).startswith(b"%PDF")

    assert redaction_events(item) == [
        events.REDACTION_PLAN_CREATED,
        events.REDACTION_PLAN_CHANGED,  # detected
        events.REDACTION_PLAN_CHANGED,  # face-2 excluded
        events.REDACTION_PLAN_CHANGED,  # manual box
        events.REDACTION_PLAN_CHANGED,  # audio muted
        events.REDACTION_APPROVAL_REQUESTED,
        events.REDACTION_APPROVED,
        events.REDACTION_RENDERED,
    ]
    changes = [
        json.loads(e.body)["detail"]["change"]
        for e in Event.objects.filter(item_id=item.pk, kind=events.REDACTION_PLAN_CHANGED)
    ]
    assert changes == ["detected", "track_excluded", "manual_box_added", "audio_ranges"]
    rendered = json.loads(Event.objects.get(kind=events.REDACTION_RENDERED).body)["detail"]
    assert rendered["source_sha256"] == original_sha
    assert rendered["sha256"] == version.blob.sha256
    assert rendered["review_log_sha256"] == version.review_log.sha256


def test_redaction_jobs_go_to_the_redaction_queue():
    from evidentia.celery import app

    for name in (tasks.detect.name, tasks.render.name):
        assert app.amqp.router.route({}, name, args=(), kwargs={})["queue"].name == "redaction"


def test_the_requester_cannot_approve_their_own_request(detected, carmen, ivan):
    services.request_approval(carmen, detected)
    with pytest.raises(PermissionDenied, match="another evidence custodian"):
        services.approve(carmen, detected)
    with pytest.raises(PermissionDenied, match="Only an evidence custodian"):
        services.approve(ivan, detected)
    assert fresh(detected).state == S.REQUESTED


def test_an_approved_plan_changed_afterwards_cannot_render_until_approved_again(
    approved, ivan, carmen, now
):
    services.set_track(ivan, approved, "face-1", included=False)
    changed = fresh(approved)
    assert changed.state == S.READY and changed.approved_by is None
    with pytest.raises(Conflict, match="Only an approved plan"):
        services.render(ivan, changed)

    # Even a render job that reaches a worker refuses a plan that differs from the approval.
    RedactionPlan.objects.filter(pk=changed.pk).update(state=S.RENDERING, approved_sha256="0" * 64)
    assert tasks.render(str(changed.pk)) == S.FAILED
    assert "changed after it was approved" in fresh(changed).error
    assert not RedactedVersion.objects.exists()

    services.set_track(ivan, changed, "face-1", included=True)
    services.request_approval(ivan, changed)
    services.approve(carmen, changed)
    now(services.render, ivan, changed)
    assert fresh(changed).state == S.RENDERED
    assert RedactedVersion.objects.filter(plan=changed).count() == 1


def test_a_render_retry_does_nothing_once_rendered(approved, ivan, now):
    now(services.render, ivan, approved)
    blobs = Blob.objects.count()
    assert tasks.render(str(approved.pk), ivan.pk) == S.RENDERED
    assert RedactedVersion.objects.count() == 1
    assert Blob.objects.count() == blobs
    assert redaction_events(approved.item).count(events.REDACTION_RENDERED) == 1


def test_a_worker_killed_mid_render_leaves_nothing_done_and_a_retry_renders(
    approved, ivan, monkeypatch, now
):
    def killed(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(jobs, "_commit_render", killed)
    with pytest.raises(SystemExit):
        now(services.render, ivan, approved)
    assert fresh(approved).state == S.RENDERING  # not rendered, not failed: the job is lost
    assert not RedactedVersion.objects.exists()

    monkeypatch.undo()
    assert tasks.render(str(approved.pk), ivan.pk) == S.RENDERED  # redelivered (acks_late)
    assert RedactedVersion.objects.count() == 1


@pytest.mark.parametrize("persona", ["olivia", "audrey"])
def test_officers_and_auditors_cannot_redact(item, persona, request, as_user):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied, match="cannot redact"):
        services.start_plan(user, item.pk)
    response = as_user(user).post(
        f"/api/v1/redaction/items/{item.pk}/plans", {}, "application/json"
    )
    assert response.status_code == 403
    assert not RedactionPlan.objects.exists()


def test_officers_and_auditors_cannot_open_a_plan(detected, olivia, audrey, as_user):
    for user in (olivia, audrey):
        response = as_user(user).get(f"/api/v1/redaction/plans/{detected.pk}")
        assert response.status_code == 403


def test_an_investigator_outside_the_case_gets_a_404(item, ivan):
    stranger = type(ivan).objects.create_user(username="vic", role="investigator")
    with pytest.raises(NotFound):
        services.start_plan(stranger, item.pk)


def test_the_frame_overlay_is_a_jpeg_with_the_boxes_drawn(detected, ivan, as_user):
    services.set_track(ivan, detected, "face-2", included=False)
    client = as_user(ivan)
    response = client.get(f"/api/v1/redaction/plans/{detected.pk}/frame/10.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    picture = cv2.imdecode(np.frombuffer(response.content, np.uint8), cv2.IMREAD_COLOR)
    assert picture.shape == (180, 320, 3)
    edge = picture[50:90, 36:44].astype(int)  # around the left edge of face-1
    red = (edge[..., 2] > 170) & (edge[..., 1] < 100) & (edge[..., 0] < 100)
    assert red.sum() >= 40

    boxes = client.get(f"/api/v1/redaction/plans/{detected.pk}/frames/10").json()
    assert [(b["track"], b["included"]) for b in boxes["boxes"]] == [
        ("face-1", True),
        ("face-2", False),
    ]
    past_end = client.get(f"/api/v1/redaction/plans/{detected.pk}/frame/900.jpg")
    assert past_end.status_code == 422
    assert "outside the recording" in past_end.json()["detail"]


def test_bad_ranges_get_a_clear_answer(detected, ivan, as_user):
    client = as_user(ivan)
    base = f"/api/v1/redaction/plans/{detected.pk}"
    backwards = {"ranges": [{"start_s": 2.0, "end_s": 1.0}]}
    response = client.put(f"{base}/audio", backwards, "application/json")
    assert response.status_code == 422
    assert "empty or negative" in response.json()["detail"]
    past_end = {"ranges": [{"start_frame": 10, "end_frame": 500}]}
    response = client.put(f"{base}/whole-frame", past_end, "application/json")
    assert response.status_code == 422
    assert "outside the recording" in response.json()["detail"]


def test_the_custody_report_lists_the_redacted_version(approved, ivan, carmen, as_user, now):
    now(services.render, ivan, approved)
    version = RedactedVersion.objects.get()
    pdf = as_user(carmen).get(f"/evidence/{approved.item_id}/custody.pdf").content
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = text.replace("\n", "")
    assert version.blob.sha256 in flat
    assert version.review_log.sha256 in flat
    assert "Redacted version rendered" in text
