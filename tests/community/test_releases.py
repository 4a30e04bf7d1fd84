"""Public releases: a custodian publishes an approved redacted video with the agency's
statement; the public page streams that redacted file (never the original) with HTTP
ranges, until it is withdrawn (410)."""

from __future__ import annotations

import io
import uuid
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from evidentia.community.models import Release
from evidentia.community.services import releases
from evidentia.community.services.reports import Invalid
from evidentia.core.errors import Conflict, PermissionDenied
from evidentia.custody import events
from evidentia.evidence.models import Blob, Item
from evidentia.evidence.vaultio import blob_for, open_blob, vault
from evidentia.redaction.models import RedactedVersion, RedactionPlan
from tests.community.staff import attach_path, last_event

pytestmark = pytest.mark.django_db

NEW = releases.NewRelease(
    "Officer-involved shooting on Main St",
    "The agency releases this video in the interest of transparency.",
    "Officers answered a call at 10 pm.",
    date(2026, 3, 2),
)


def stored(data: bytes, mime: str) -> Blob:
    written = vault().write(io.BytesIO(data), uuid.uuid4())
    return blob_for(written, mime)[0]


@pytest.fixture
def item(filed, clip_path) -> Item:
    return attach_path(filed.report, clip_path).item


def rendered(item: Item, ivan, carmen, approved: bool = True, number: int = 1) -> RedactedVersion:
    """A version as the redaction studio leaves it after an approved render."""
    sha = f"{number:x}" * 64
    plan = RedactionPlan.objects.create(
        item=item,
        number=number,
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
        blob=stored(b"redacted video " + uuid.uuid4().bytes * 64, "video/mp4"),
        review_log=stored(b"{}" + uuid.uuid4().bytes, "application/json"),
        review_pdf=stored(b"%PDF" + uuid.uuid4().bytes, "application/pdf"),
    )


@pytest.fixture
def version(item, ivan, carmen) -> RedactedVersion:
    return rendered(item, ivan, carmen)


@pytest.fixture
def release(item, version, carmen) -> Release:
    return releases.publish(item, version.pk, NEW, actor=carmen)


def blob_bytes(blob: Blob) -> bytes:
    with open_blob(blob) as reader:
        return reader.read()


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


# --------------------------------------------------------------------------- the service


def test_a_custodian_releases_an_approved_redacted_version(release, version):
    assert release.version == version and release.sha256 == version.blob.sha256
    assert release.live and release.slug.startswith("officer-involved-shooting")


def test_a_version_whose_plan_is_not_approved_cannot_be_released(item, ivan, carmen):
    draft = rendered(item, ivan, carmen, approved=False)
    with pytest.raises(Invalid) as refused:
        releases.publish(item, draft.pk, NEW, actor=carmen)
    assert "version" in refused.value.errors and not Release.objects.exists()


def test_a_plan_changed_after_approval_cannot_be_released(item, version, carmen):
    RedactionPlan.objects.filter(pk=version.plan_id).update(approved_sha256="b" * 64)
    with pytest.raises(Invalid):
        releases.publish(item, version.pk, NEW, actor=carmen)


def test_a_version_of_another_item_cannot_be_released(filed, clip_path, version, carmen):
    other = attach_path(filed.report, clip_path).item
    with pytest.raises(Invalid):
        releases.publish(other, version.pk, NEW, actor=carmen)


def test_only_approved_versions_are_offered(item, version, ivan, carmen):
    rendered(item, ivan, carmen, approved=False, number=2)
    assert releases.approved_versions(item) == [version]


@pytest.mark.parametrize("who", ["sam", "ivan", "adam", "olivia", "audrey"])
def test_only_custodians_release_footage(item, version, who, request):
    with pytest.raises(PermissionDenied):
        releases.publish(item, version.pk, NEW, actor=request.getfixturevalue(who))


def test_missing_text_is_refused_next_to_the_field(item, version, carmen):
    with pytest.raises(Invalid) as refused:
        releases.publish(item, version.pk, releases.NewRelease("", " ", "x", None), actor=carmen)
    assert set(refused.value.errors) == {"title", "statement", "incident_date"}


def test_releasing_is_in_the_items_custody_with_the_files_hash(release, item, version):
    event = last_event(events.RELEASE_PUBLISHED)
    assert event["detail"]["sha256"] == version.blob.sha256
    assert event["detail"]["release"] == str(release.pk)
    assert str(item.pk) in str(event)


def test_withdrawing_is_in_the_items_custody(release, carmen):
    releases.withdraw(release, "Court order", actor=carmen)
    event = last_event(events.RELEASE_WITHDRAWN)
    assert event["detail"]["release"] == str(release.pk)
    assert event["detail"]["reason"] == "Court order"


def test_a_release_is_withdrawn_only_once(release, carmen):
    releases.withdraw(release, actor=carmen)
    with pytest.raises(Conflict):
        releases.withdraw(release, actor=carmen)


# --------------------------------------------------------------------------- public pages


def test_the_public_list_needs_no_login(client, release):
    page = client.get(reverse("public:releases"))
    assert page.status_code == 200 and release.title in page.content.decode()


def test_the_release_page_has_a_player_for_the_redacted_video(client, release):
    page = client.get(reverse("public:release", args=[release.slug]))
    html = page.content.decode()
    assert page.status_code == 200 and "<video" in html
    assert reverse("public:release_video", args=[release.pk]) in html


def test_the_release_page_is_found_by_its_id_too(client, release):
    assert client.get(reverse("public:release", args=[str(release.pk)])).status_code == 200


def test_the_statement_is_escaped(client, item, version, carmen):
    hostile = releases.NewRelease(
        "Hostile", "<script>alert(1)</script>", "<b>x</b>", NEW.incident_date
    )
    made = releases.publish(item, version.pk, hostile, actor=carmen)
    html = client.get(reverse("public:release", args=[made.slug])).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<b>x</b>" not in html


def test_the_stream_is_the_redacted_file_never_the_original(client, release, version, item):
    response = client.get(reverse("public:release_video", args=[release.pk]))
    body = streamed(response)
    assert response.status_code == 200 and body == blob_bytes(version.blob)
    assert body != blob_bytes(item.blob)
    assert response["Cache-Control"].startswith("public")


def test_the_stream_answers_a_range(client, release, version):
    response = client.get(
        reverse("public:release_video", args=[release.pk]), HTTP_RANGE="bytes=10-99"
    )
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 10-99/{version.blob.size}"
    assert streamed(response) == blob_bytes(version.blob)[10:100]


def test_a_withdrawn_release_is_gone(client, release, carmen):
    releases.withdraw(release, actor=carmen)
    page = client.get(reverse("public:release", args=[release.slug]))
    assert page.status_code == 410 and "withdrew" in page.content.decode()
    assert client.get(reverse("public:release_video", args=[release.pk])).status_code == 410


def test_a_withdrawn_release_leaves_the_list(client, release, carmen):
    releases.withdraw(release, actor=carmen)
    assert release.title not in client.get(reverse("public:releases")).content.decode()


def test_an_unknown_release_is_not_found(client, db):
    assert client.get(reverse("public:release", args=["nothing-here"])).status_code == 404
    assert client.get(reverse("public:release_video", args=[uuid.uuid4()])).status_code == 404


def test_the_footer_links_to_released_footage(client, db):
    assert reverse("public:releases") in client.get(reverse("public:home")).content.decode()


# --------------------------------------------------------------------------- staff pages


def test_the_form_offers_the_items_approved_versions(as_user, carmen, item, version):
    page = as_user(carmen).get(reverse("community:release_new") + f"?item={item.pk}")
    assert page.status_code == 200 and version.blob.sha256[:16] in page.content.decode()


def test_the_form_publishes_and_redirects(as_user, carmen, item, version):
    response = as_user(carmen).post(
        reverse("community:release_new") + f"?item={item.pk}",
        {
            "version": str(version.pk),
            "title": "Main St",
            "incident_date": "2026-03-02",
            "summary": "What happened.",
            "statement": "Our statement.",
        },
    )
    assert response.status_code == 302 and Release.objects.get().title == "Main St"


def test_the_form_shows_a_missing_field(as_user, carmen, item, version):
    response = as_user(carmen).post(
        reverse("community:release_new") + f"?item={item.pk}", {"version": str(version.pk)}
    )
    assert response.status_code == 422 and not Release.objects.exists()


def test_a_bad_item_id_is_explained(as_user, carmen):
    page = as_user(carmen).get(reverse("community:release_new") + "?item=nope")
    assert page.status_code == 404 and "no evidence item" in page.content.decode()


def test_a_supervisor_cannot_open_the_form(as_user, sam):
    assert as_user(sam).get(reverse("community:release_new")).status_code == 403


def test_a_supervisor_cannot_withdraw(as_user, sam, release):
    response = as_user(sam).post(reverse("community:release_withdraw", args=[release.pk]))
    assert response.status_code == 403 and Release.objects.get().live


def test_the_withdraw_button_withdraws(as_user, carmen, release):
    response = as_user(carmen).post(
        reverse("community:release_withdraw", args=[release.pk]), {"reason": "Court order"}
    )
    assert response.status_code == 302 and not Release.objects.get().live


def test_staff_see_the_list(as_user, sam, release):
    page = as_user(sam).get(reverse("community:releases"))
    assert page.status_code == 200 and release.title in page.content.decode()
