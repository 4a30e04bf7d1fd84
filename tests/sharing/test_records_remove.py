"""Taking an attachment off an open records request (with a reason, recorded; refused
after fulfilment), its disposition block, and who may use the clerk's new buttons."""

from __future__ import annotations

import json

import pytest

from evidentia.core.errors import Conflict, NotFound
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.retention.services.schedule import open_share_or_request_blockers
from evidentia.sharing.models import RecordsItem
from evidentia.sharing.services import records, records_clerk
from tests.sharing.test_c2pa import redacted_version
from tests.sharing.test_records import REQUEST

REASON = "Wrong incident: this stop was on Pine Street."


@pytest.fixture
def filed(db):
    return records.file_request(dict(REQUEST)).request


@pytest.fixture
def version(clips, ivan, carmen):
    return redacted_version(clips[0], ivan, carmen, b"blurred video bytes")


@pytest.fixture
def attached(carmen, clips, filed, version):
    records.attach(carmen, filed, clips[0], version.pk)
    return filed


def test_removing_takes_the_item_off_the_request(carmen, clips, attached):
    records_clerk.remove(carmen, attached, clips[0], REASON)
    assert not attached.attached.exists()


def test_removing_is_recorded_with_the_item_and_reason(carmen, clips, attached):
    records_clerk.remove(carmen, attached, clips[0], REASON)
    event = Event.objects.get(kind=events.RECORDS_ITEM_REMOVED)
    detail = json.loads(event.body)["detail"]
    assert event.item_id == clips[0].pk and detail["reason"] == REASON and detail["plan"] == "1"


def test_a_removed_attachment_is_kept_with_who_removed_it_and_why(carmen, clips, attached):
    records_clerk.remove(carmen, attached, clips[0], REASON)
    kept = RecordsItem.objects.get(request=attached, item=clips[0])
    assert kept.removed_at is not None
    assert (kept.removed_by, kept.removed_reason) == (carmen, REASON)


def test_attaching_a_removed_item_again_puts_it_back(carmen, clips, attached, version):
    records_clerk.remove(carmen, attached, clips[0], REASON)
    records.attach(carmen, attached, clips[0], version.pk)
    assert list(attached.attached.values_list("item", flat=True)) == [clips[0].pk]
    assert RecordsItem.objects.get(request=attached, item=clips[0]).removed_at is None


def test_removing_needs_a_reason(carmen, clips, attached):
    with pytest.raises(records.Invalid) as exc:
        records_clerk.remove(carmen, attached, clips[0], "  ")
    assert "reason" in exc.value.errors and attached.attached.exists()


def test_a_very_long_reason_is_refused(carmen, clips, attached):
    with pytest.raises(records.Invalid):
        records_clerk.remove(carmen, attached, clips[0], "x" * 501)


def test_removing_after_fulfilment_is_refused(carmen, clips, attached):
    records.fulfil(carmen, attached)
    with pytest.raises(Conflict, match="fulfilled"):
        records_clerk.remove(carmen, attached, clips[0], REASON)


def test_removing_from_a_denied_request_is_refused(carmen, clips, attached):
    records.close(carmen, attached, "denied", "Exempt: active investigation.")
    with pytest.raises(Conflict):
        records_clerk.remove(carmen, attached, clips[0], REASON)


def test_removing_an_item_that_is_not_attached_is_not_found(carmen, clips, attached):
    with pytest.raises(NotFound):
        records_clerk.remove(carmen, attached, clips[1], REASON)


def test_removing_releases_the_disposition_block(carmen, clips, attached):
    records_clerk.remove(carmen, attached, clips[0], REASON)
    assert open_share_or_request_blockers(clips[0]) == []


def test_another_open_request_still_blocks_disposition(carmen, clips, attached, version):
    other = records.file_request(dict(REQUEST)).request
    records.attach(carmen, other, clips[0], version.pk)
    records_clerk.remove(carmen, attached, clips[0], REASON)
    (reason,) = open_share_or_request_blockers(clips[0])
    assert other.reference in reason


def test_an_officer_may_not_remove_an_attachment(olivia, clips, attached):
    with pytest.raises(records.PermissionDenied):
        records_clerk.remove(olivia, attached, clips[0], REASON)


def test_the_page_says_why_removal_after_fulfilment_is_refused(as_user, carmen, clips, attached):
    records.fulfil(carmen, attached)
    reply = as_user(carmen).post(
        f"/exports/records/{attached.pk}/remove", {"item": clips[0].pk, "reason": REASON}
    )
    assert reply.status_code == 409 and "stays on record" in reply.content.decode()


def test_the_page_asks_for_a_missing_reason(as_user, carmen, clips, attached):
    reply = as_user(carmen).post(
        f"/exports/records/{attached.pk}/remove", {"item": clips[0].pk}, follow=True
    )
    assert "Give the reason" in reply.content.decode() and attached.attached.exists()


# Who may use the new buttons -----------------------------------------------------------

DENIED = ["olivia", "sam", "ivan", "stella", "petra", "audrey"]
ALLOWED = ["carmen", "adam"]


def post_remove(client, rr, clips):
    return client.post(f"/exports/records/{rr.pk}/remove", {"item": clips[0].pk, "reason": REASON})


@pytest.mark.parametrize("persona", DENIED + ALLOWED)
def test_only_clerks_and_admins_may_remove(request, as_user, clips, attached, persona):
    reply = post_remove(as_user(request.getfixturevalue(persona)), attached, clips)
    assert reply.status_code == (302 if persona in ALLOWED else 403)
    assert attached.attached.exists() == (persona not in ALLOWED)


@pytest.mark.parametrize("persona", DENIED + ALLOWED)
def test_only_clerks_and_admins_may_send_the_link_again(
    request, as_user, carmen, attached, persona
):
    records.fulfil(carmen, attached)
    reply = as_user(request.getfixturevalue(persona)).post(
        f"/exports/records/{attached.pk}/send-link"
    )
    assert reply.status_code == (302 if persona in ALLOWED else 403)
    assert Event.objects.filter(kind=events.RECORDS_LINK_SENT).exists() == (persona in ALLOWED)


@pytest.mark.parametrize("persona", DENIED + ALLOWED)
def test_only_clerks_and_admins_may_reissue_the_link(request, as_user, carmen, attached, persona):
    records.fulfil(carmen, attached)
    reply = as_user(request.getfixturevalue(persona)).post(
        f"/exports/records/{attached.pk}/reissue"
    )
    assert reply.status_code == (302 if persona in ALLOWED else 403)
    assert Event.objects.filter(kind=events.RECORDS_LINK_REISSUED).exists() == (persona in ALLOWED)


def test_the_new_buttons_take_no_get(as_user, carmen, attached):
    assert as_user(carmen).get(f"/exports/records/{attached.pk}/reissue").status_code == 405
