"""Publishing a redacted copy of a report's media: a photo gets its faces blurred and
every bit of metadata removed, is shown to staff first and published only when they
confirm; a video publishes an approved redacted version. The original never goes out."""

from __future__ import annotations

import csv
import io
import uuid

import av
import cv2
import numpy as np
import pytest
from django.utils import timezone
from PIL import Image

from evidentia.community.models import ReportMedia
from evidentia.community.services import media as media_svc
from evidentia.community.services import moderation, public
from evidentia.core.errors import Conflict, NotFound, PermissionDenied
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.models import Blob
from evidentia.evidence.vaultio import blob_for, open_blob, vault
from evidentia.redaction.models import RedactedVersion, RedactionPlan
from tests.community.conftest import exif_photo
from tests.community.staff import attach, attach_path, last_event
from tests.conftest import shared_file

pytestmark = pytest.mark.django_db


def jpeg_of(rgb: np.ndarray) -> bytes:
    """A phone-like JPEG of the picture, with GPS and a camera serial in its EXIF."""
    tagged = Image.open(io.BytesIO(exif_photo()))
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG", quality=95, exif=tagged.getexif())
    return out.getvalue()


def sharpness(gray: np.ndarray) -> float:
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


def decoded(blob: Blob) -> np.ndarray:
    return np.array(Image.open(io.BytesIO(media_svc.read_copy(blob))).convert("L"))


@pytest.fixture
def face_photo() -> tuple[bytes, tuple[int, int]]:
    """The first frame of a real phone video with one face, and that face's centre."""
    video = shared_file("video", "faces", "ephys_test_vid.mp4")
    centres = shared_file("video", "faces", "ephys_face_centres.tsv")
    with av.open(str(video)) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="rgb24")
    with centres.open() as f:
        first = next(csv.DictReader(f, delimiter="\t"))
    return jpeg_of(frame), (round(float(first["x"])), round(float(first["y"])))


@pytest.fixture
def photo_media(filed, photo) -> ReportMedia:
    return attach(filed.report, photo)


def test_publishing_a_photo_blurs_the_face(filed, ivan, face_photo):
    data, (x, y) = face_photo
    media = attach(filed.report, data, "doorstep.jpg")
    made = media_svc.prepare_image(media, actor=ivan)
    media_svc.publish(media, made.blob, actor=ivan)
    original = np.array(Image.open(io.BytesIO(data)).convert("L"))
    copy = decoded(ReportMedia.objects.get(pk=media.pk).public_blob)
    face = np.s_[y - 20 : y + 20, x - 15 : x + 15]
    assert made.faces >= 1
    assert sharpness(copy[face]) < sharpness(original[face]) / 4


def test_the_rest_of_the_photo_is_kept(filed, ivan, face_photo):
    data, (_, y) = face_photo
    made = media_svc.prepare_image(attach(filed.report, data, "doorstep.jpg"), actor=ivan)
    original = np.array(Image.open(io.BytesIO(data)).convert("L")).astype(int)
    floor = np.s_[y + 300 :, :]  # well below the face
    assert np.abs(decoded(made.blob)[floor] - original[floor]).mean() < 4


def test_the_copy_has_no_exif_gps_or_camera_serial(photo_media, ivan):
    made = media_svc.prepare_image(photo_media, actor=ivan)
    data = media_svc.read_copy(made.blob)
    assert len(Image.open(io.BytesIO(data)).getexif()) == 0
    assert b"CAM-77831" not in data and b"Exif" not in data


def test_the_original_keeps_its_gps_for_staff(photo_media, ivan, photo):
    media_svc.prepare_image(photo_media, actor=ivan)
    with open_blob(photo_media.item.blob) as kept:
        assert kept.read() == photo


def test_the_copy_is_a_new_blob_never_the_original(photo_media, ivan):
    made = media_svc.prepare_image(photo_media, actor=ivan)
    assert made.blob.pk != photo_media.item.blob_id
    assert made.blob.sha256 != photo_media.item.blob.sha256 and made.blob.mime == "image/jpeg"


def test_preparing_a_copy_is_in_the_items_custody_and_publishes_nothing(photo_media, ivan):
    made = media_svc.prepare_image(photo_media, actor=ivan)
    event = Event.objects.get(kind=events.DERIVATIVE_CREATED, item_id=photo_media.item_id)
    assert made.blob.sha256 in event.body and '"public_copy"' in event.body
    assert ReportMedia.objects.get(pk=photo_media.pk).public_blob is None
    assert public.media_url(ReportMedia.objects.get(pk=photo_media.pk)) is None


def test_confirming_publishes_the_copy_with_its_event(photo_media, ivan):
    made = media_svc.prepare_image(photo_media, actor=ivan)
    media_svc.publish(photo_media, made.blob, actor=ivan)
    media = ReportMedia.objects.get(pk=photo_media.pk)
    assert media.public_blob == made.blob and media.published_at is not None
    assert public.media_url(media) is not None
    event = last_event(events.REPORT_MEDIA_PUBLISHED)
    assert event["item"] == str(media.item_id) and event["detail"]["published"] is True


def test_the_original_blob_cannot_be_published(photo_media, ivan):
    with pytest.raises(NotFound):
        media_svc.publish(photo_media, photo_media.item.blob, actor=ivan)
    assert ReportMedia.objects.get(pk=photo_media.pk).public_blob is None


def test_unpublishing_takes_the_copy_down(photo_media, ivan):
    made = media_svc.prepare_image(photo_media, actor=ivan)
    media_svc.publish(photo_media, made.blob, actor=ivan)
    media_svc.unpublish(photo_media, actor=ivan)
    media = ReportMedia.objects.get(pk=photo_media.pk)
    assert media.public_blob is None and public.media_url(media) is None
    assert last_event(events.REPORT_MEDIA_UNPUBLISHED)["detail"]["published"] is False


def test_a_hidden_report_publishes_nothing(photo_media, sam, ivan):
    moderation.set_listed(photo_media.report, False, "Private matter", actor=sam)
    photo_media.report.refresh_from_db()
    with pytest.raises(Conflict):
        media_svc.prepare_image(photo_media, actor=ivan)


def test_an_administrator_cannot_review_a_copy(photo_media, adam):
    with pytest.raises(PermissionDenied):
        media_svc.prepare_image(photo_media, actor=adam)


# --------------------------------------------------------------------------- the pages


def test_the_staff_member_sees_the_copy_before_it_is_published(photo_media, ivan, as_user):
    client = as_user(ivan)
    base = f"/community/reports/{photo_media.report_id}/media/{photo_media.pk}/"
    made = client.post(base + "prepare")
    assert made.status_code == 302 and "/copies/" in made["Location"]
    page = client.get(made["Location"])
    assert page.status_code == 200 and b"Publish this copy" in page.content
    picture = client.get(made["Location"] + "image")
    assert picture["Content-Type"] == "image/jpeg" and b"CAM-77831" not in picture.content
    assert ReportMedia.objects.get(pk=photo_media.pk).public_blob is None


def test_the_publish_button_publishes_and_redirects_with_a_message(photo_media, ivan, as_user):
    made = media_svc.prepare_image(photo_media, actor=ivan)
    base = f"/community/reports/{photo_media.report_id}/media/{photo_media.pk}/"
    answer = as_user(ivan).post(base + "publish", {"blob": made.blob.pk}, follow=True)
    assert b"is published with the public report" in answer.content
    assert ReportMedia.objects.get(pk=photo_media.pk).public_blob == made.blob


def test_the_original_is_never_served_as_a_copy(photo_media, ivan, as_user):
    base = f"/community/reports/{photo_media.report_id}/media/{photo_media.pk}/"
    answer = as_user(ivan).get(base + f"copies/{photo_media.item.blob_id}/image")
    assert answer.status_code == 404


# --------------------------------------------------------------------------- videos


def stored(data: bytes, mime: str) -> Blob:
    written = vault().write(io.BytesIO(data), uuid.uuid4())
    return blob_for(written, mime)[0]


@pytest.fixture
def video_media(filed, clip_path) -> ReportMedia:
    return attach_path(filed.report, clip_path)


def rendered(media: ReportMedia, ivan, carmen, approved: bool = True) -> RedactedVersion:
    """A version as the redaction studio leaves it after an approved render."""
    sha = "a" * 64
    plan = RedactionPlan.objects.create(
        item=media.item,
        number=1,
        kinds=["faces"],
        plan_sha256=sha,
        approved_sha256=sha if approved else "",
        approved_by=carmen if approved else None,
        approved_at=timezone.now() if approved else None,
        state=RedactionPlan.State.RENDERED if approved else RedactionPlan.State.READY,
        created_by=ivan,
    )
    return RedactedVersion.objects.create(
        plan=plan,
        plan_sha256=sha,
        plan_snapshot={},
        blob=stored(b"redacted video " + uuid.uuid4().bytes, "video/mp4"),
        review_log=stored(b"{}" + uuid.uuid4().bytes, "application/json"),
        review_pdf=stored(b"%PDF" + uuid.uuid4().bytes, "application/pdf"),
    )


def test_an_approved_redacted_version_of_a_video_can_be_published(video_media, ivan, carmen):
    version = rendered(video_media, ivan, carmen)
    media_svc.publish(video_media, version.blob, actor=ivan)
    assert ReportMedia.objects.get(pk=video_media.pk).public_blob == version.blob


def test_a_version_whose_plan_is_no_longer_approved_cannot_be_published(video_media, ivan, carmen):
    version = rendered(video_media, ivan, carmen, approved=False)
    with pytest.raises(NotFound):
        media_svc.publish(video_media, version.blob, actor=ivan)


def test_a_video_gets_no_photo_copy(video_media, ivan):
    with pytest.raises(Conflict):
        media_svc.prepare_image(video_media, actor=ivan)
