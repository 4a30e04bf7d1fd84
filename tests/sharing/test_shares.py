"""Shares with prosecutors: who sees what, for how long, and what the ledger keeps."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evidentia.core.errors import PermissionDenied
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence import policy
from evidentia.sharing.models import Share
from evidentia.sharing.services import shares

pytestmark = pytest.mark.django_db


def soon(days: int = 7):
    return timezone.now() + timedelta(days=days)


@pytest.fixture
def one_clip_share(ivan, petra, clips):
    return shares.create(ivan, grantee=petra, items=[clips[0]], expires_at=soon())


def test_prosecutor_sees_nothing_without_a_share(petra, clips):
    assert not policy.visible_items(petra).exists()


def test_prosecutor_sees_exactly_the_shared_items(petra, clips, one_clip_share):
    assert list(policy.visible_items(petra)) == [clips[0]]


def test_a_case_share_covers_every_item_of_the_case(ivan, petra, ivans_case, clips):
    shares.create(ivan, grantee=petra, case=ivans_case, expires_at=soon())
    assert set(policy.visible_items(petra)) == set(clips)


def test_view_only_share_does_not_allow_download(petra, clips, one_clip_share):
    assert policy.can_play(petra, clips[0])
    assert not policy.can_download(petra, clips[0])


def test_download_share_allows_download(ivan, petra, clips):
    shares.create(ivan, grantee=petra, items=[clips[1]], mode="download", expires_at=soon())
    assert policy.can_download(petra, clips[1])
    assert not policy.can_download(petra, clips[0])


def test_revoked_share_grants_nothing(ivan, petra, clips, one_clip_share):
    shares.revoke(ivan, one_clip_share)
    assert not policy.visible_items(petra).exists()


def test_expired_share_grants_nothing(petra, clips, one_clip_share):
    Share.objects.filter(pk=one_clip_share.pk).update(expires_at=timezone.now())
    assert not policy.visible_items(petra).exists()


def test_only_case_members_share_a_whole_case(carmen, petra, ivans_case, clips):
    with pytest.raises(PermissionDenied):
        shares.create(carmen, grantee=petra, case=ivans_case, expires_at=soon())


def test_officers_may_not_share(olivia, petra, clips):
    with pytest.raises(PermissionDenied):
        shares.create(olivia, grantee=petra, items=[clips[0]], expires_at=soon())


def test_it_rejects_a_past_expiry_and_a_non_prosecutor(ivan, olivia, clips):
    with pytest.raises(shares.Invalid) as caught:
        shares.create(ivan, grantee=olivia, items=[clips[0]], expires_at=timezone.now())
    assert set(caught.value.errors) == {"grantee", "expires_at"}


def test_creating_a_share_is_recorded_per_item(ivan, petra, clips, one_clip_share):
    made = Event.objects.filter(kind=events.SHARE_CREATED, item_id=clips[0].pk).get()
    assert json.loads(made.body)["detail"]["share"] == str(one_clip_share.pk)


def test_prosecutor_opening_the_share_is_recorded(as_user, petra, one_clip_share):
    page = as_user(petra).get(reverse("sharing:share", args=[one_clip_share.pk]))
    assert page.status_code == 200
    assert [r["what"] for r in shares.accesses(one_clip_share)] == ["opened the share"]


def test_revoked_share_link_answers_410_and_records_the_attempt(
    as_user, ivan, petra, one_clip_share
):
    shares.revoke(ivan, one_clip_share)
    page = as_user(petra).get(reverse("sharing:share", args=[one_clip_share.pk]))
    assert page.status_code == 410
    assert "revoked" in page.content.decode()
    refused = Event.objects.get(kind=events.SHARE_REFUSED)
    assert refused.outcome == "denied"


def test_expired_share_stream_answers_410(as_user, petra, clips, one_clip_share):
    Share.objects.filter(pk=one_clip_share.pk).update(expires_at=timezone.now())
    url = reverse("sharing:share_stream", args=[one_clip_share.pk, clips[0].pk])
    assert as_user(petra).get(url).status_code == 410
    assert Event.objects.filter(kind=events.SHARE_REFUSED).count() == 1


def test_someone_elses_share_is_not_found(as_user, olivia, one_clip_share):
    page = as_user(olivia).get(reverse("sharing:share", args=[one_clip_share.pk]))
    assert page.status_code == 404


def test_sharer_sees_the_accesses_on_the_share_page(as_user, ivan, petra, one_clip_share):
    as_user(petra).get(reverse("sharing:share", args=[one_clip_share.pk]))
    page = as_user(ivan).get(reverse("sharing:share", args=[one_clip_share.pk]))
    assert "opened the share" in page.content.decode()
    assert "petra" in page.content.decode()


def test_sharer_revokes_through_the_page(as_user, ivan, one_clip_share):
    as_user(ivan).post(reverse("sharing:revoke_share", args=[one_clip_share.pk]))
    one_clip_share.refresh_from_db()
    assert one_clip_share.revoked_at is not None


def test_share_form_shows_the_error_next_to_the_field(as_user, ivan, petra, clips):
    url = reverse("sharing:share_item", args=[clips[0].pk])
    page = as_user(ivan).post(
        url, {"grantee": petra.pk, "mode": "view", "expires_at": "2001-01-01"}
    )
    assert page.status_code == 422
    assert "Choose an expiry date in the future." in page.content.decode()


def test_prosecutor_downloads_through_a_download_share(as_user, ivan, petra, clips):
    share = shares.create(ivan, grantee=petra, items=[clips[0]], mode="download", expires_at=soon())
    reply = as_user(petra).post(reverse("sharing:share_download", args=[share.pk]))
    assert reply.status_code == 200
    assert b"".join(reply.streaming_content)[:2] == b"PK"
    assert "downloaded" in [r["what"] for r in shares.accesses(share)]


def test_view_only_share_refuses_downloads(as_user, petra, one_clip_share):
    reply = as_user(petra).post(reverse("sharing:share_download", args=[one_clip_share.pk]))
    assert reply.status_code == 403
