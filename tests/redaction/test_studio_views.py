"""The studio's pages: who may open them, and the redacted version's stream and PDF."""

from __future__ import annotations

import uuid

import numpy as np
import pytest

from evidentia.cases import services as cases
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.services import playback
from evidentia.evidence.services.ingest import Submission, ingest_path
from evidentia.evidence.services.processing import process
from evidentia.redaction import engine, services
from evidentia.redaction.detectors import Detection, Detector
from evidentia.redaction.models import RedactedVersion, RedactionPlan


class StubFaces(Detector):
    label = "face"
    name = "stub-faces"

    def __init__(self) -> None:
        super().__init__(0.5, (640, 360))

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        return [Detection((40.0, 40.0, 90.0, 100.0), 0.9, "face")]


@pytest.fixture(autouse=True)
def stub_faces(monkeypatch):
    monkeypatch.setattr(
        engine, "make_detector", lambda kind, threshold=None, scale=None: StubFaces()
    )


@pytest.fixture
def item(db, olivia, ivan, clip_path):
    made = ingest_path(clip_path, Submission(clip_path.name, "cli", officer=olivia), actor=olivia)
    process(made.item)
    case = cases.create_case(number="2026-78", title="Studio pages", actor=ivan)
    cases.link_item(case, made.item, actor="test")
    made.item.refresh_from_db()
    return made.item


@pytest.fixture
def plan(item, ivan, django_capture_on_commit_callbacks) -> RedactionPlan:
    with django_capture_on_commit_callbacks(execute=True):
        rp = services.start_plan(ivan, item.pk)
    return RedactionPlan.objects.get(pk=rp.pk)


@pytest.fixture
def version(plan, ivan, carmen, django_capture_on_commit_callbacks) -> RedactedVersion:
    services.request_approval(ivan, plan)
    services.approve(carmen, plan)
    with django_capture_on_commit_callbacks(execute=True):
        services.render(carmen, plan)
    return RedactedVersion.objects.select_related("blob", "review_pdf").get(plan=plan)


def base(rp: RedactionPlan) -> str:
    return f"/redaction/plans/{rp.pk}/"


def test_redactors_open_the_item_page_and_the_studio(plan, item, ivan, carmen, as_user):
    for user in (ivan, carmen):
        client = as_user(user)
        listing = client.get(f"/redaction/items/{item.pk}/")
        assert listing.status_code == 200
        assert b"Detect faces" in listing.content
        assert base(plan).encode() in listing.content
        page = client.get(base(plan))
        assert page.status_code == 200
        assert b"data-studio-page" in page.content
        assert b"Redaction studio" in page.content


def test_outsiders_get_404_and_roles_that_cannot_redact_get_403(
    plan, item, oscar, olivia, audrey, as_user, client
):
    assert as_user(oscar).get(base(plan)).status_code == 404  # cannot see the item
    assert as_user(oscar).get(f"/redaction/items/{item.pk}/").status_code == 404
    assert as_user(olivia).get(base(plan)).status_code == 403  # officers do not redact
    assert as_user(audrey).get(base(plan)).status_code == 403
    assert as_user(olivia).get(f"/redaction/plans/{uuid.uuid4()}/").status_code == 404
    anonymous = client.get(base(plan))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


@pytest.mark.slow
def test_the_redacted_stream_serves_ranges_and_logs_one_play_per_session(
    version, item, ivan, oscar, as_user
):
    url = f"{base(version.plan)}versions/{version.pk}/stream"
    data = b"".join(playback.read(version.blob))
    size = version.blob.size
    client = as_user(ivan)

    whole = client.get(url)
    assert whole.status_code == 200
    assert b"".join(whole.streaming_content) == data
    assert whole["Accept-Ranges"] == "bytes" and whole["Content-Type"] == "video/mp4"

    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{size}"
    assert b"".join(part.streaming_content) == data[100:200]

    tail = client.get(url, HTTP_RANGE="bytes=-50")
    assert b"".join(tail.streaming_content) == data[-50:]

    refused = client.get(url, HTTP_RANGE=f"bytes={size}-")
    assert refused.status_code == 416
    assert refused["Content-Range"] == f"bytes */{size}"

    played = Event.objects.filter(kind=events.PLAYED, item_id=item.pk, actor="ivan")
    assert played.count() == 1
    assert f'"sha256":"{version.blob.sha256}"' in played.get().body
    assert '"copy":"redacted"' in played.get().body

    as_user(ivan).get(url, HTTP_RANGE="bytes=0-9")  # a new session: one more event
    assert played.count() == 2

    assert as_user(oscar).get(url).status_code == 404
    assert client.get(f"{base(version.plan)}versions/{version.pk + 99}/stream").status_code == 404


@pytest.mark.slow
def test_the_review_log_pdf_downloads_and_is_logged(version, item, carmen, as_user):
    response = as_user(carmen).get(f"{base(version.plan)}versions/{version.pk}/review-log.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["X-Content-SHA256"] == version.review_pdf.sha256
    assert "attachment" in response["Content-Disposition"]
    logged = Event.objects.filter(kind=events.DOWNLOADED, item_id=item.pk, actor="carmen")
    assert logged.filter(body__contains=version.review_pdf.sha256).count() == 1
