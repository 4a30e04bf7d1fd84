"""Public-records requests: due dates, candidate search, attaching approved redacted
copies only, the ledger, and the disposition blocker."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from evidentia.core.errors import PermissionDenied, Rejected
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.redaction.models import RedactionPlan
from evidentia.retention.services.schedule import open_share_or_request_blockers
from evidentia.sharing.models import RecordsRequest
from evidentia.sharing.services import records
from tests.sharing.test_c2pa import redacted_version

REQUEST = {
    "name": "Rita Resident",
    "email": "rita@example.org",
    "description": "Body camera video of the Harbor Road incident.",
    "date_from": "2026-03-02",
    "date_to": "2026-03-02",
    "officers": "N-1042",
    "incident": "CAD-7781",
}


@pytest.fixture
def clips(clips):
    """The clips as processing leaves them: with the time they were recorded."""
    for n, clip in enumerate(clips):
        clip.recorded_at = datetime(2026, 3, 2, 14, 3 + n, tzinfo=UTC)
        clip.save(update_fields=["recorded_at"])
    return clips


@pytest.fixture
def filed(db):
    return records.file_request(dict(REQUEST)).request


@pytest.fixture
def version(clips, ivan, carmen):
    return redacted_version(clips[0], ivan, carmen, b"blurred video bytes")


def test_the_due_date_skips_weekends():
    friday = datetime(2026, 3, 6, 9, tzinfo=UTC)
    assert records.add_business_days(friday, 1) == datetime(2026, 3, 9, 9, tzinfo=UTC)


def test_ten_business_days_are_two_calendar_weeks():
    monday = datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert records.add_business_days(monday, 10).date() == date(2026, 3, 16)


def test_a_holiday_does_not_count():
    friday = datetime(2026, 3, 6, 9, tzinfo=UTC)
    assert records.add_business_days(friday, 1, ("2026-03-09",)).date() == date(2026, 3, 10)


def test_a_public_request_is_recorded_without_any_client_information(filed):
    event = Event.objects.filter(kind=events.RECORDS_FILED).get()
    body = json.loads(event.body)
    assert event.actor == "system:public" and not body.get("client")
    assert filed.via == "public" and filed.due_at > filed.received_at


def test_the_tracking_code_finds_the_request_and_only_its_hash_is_stored(db):
    got = records.file_request(dict(REQUEST))
    assert records.lookup(got.code.lower()) == got.request
    assert got.code not in got.request.code_hash


def test_a_request_needs_a_name_and_a_way_to_reach_the_requester(db):
    with pytest.raises(records.Invalid) as exc:
        records.file_request({"description": "Any video of me at the station please."})
    assert set(exc.value.errors) >= {"name", "email"}


def test_an_officer_may_not_file_a_staff_request(olivia):
    with pytest.raises(PermissionDenied):
        records.file_request(dict(REQUEST), staff=olivia)


def test_candidates_match_dates_officer_and_incident(carmen, clips, filed):
    assert {i.pk for i in records.candidates(carmen, filed)} == {c.pk for c in clips}


def test_candidates_outside_the_date_range_are_left_out(carmen, clips, filed):
    filed.date_from = filed.date_to = date(2026, 4, 1)
    assert records.candidates(carmen, filed) == []


def test_candidates_by_another_officer_are_left_out(carmen, clips, filed):
    filed.officers = "S-2077"
    assert records.candidates(carmen, filed) == []


def test_a_search_is_recorded(carmen, clips, filed):
    records.candidates(carmen, filed)
    assert Event.objects.filter(kind=events.RECORDS_SEARCHED).count() == 1


def test_an_approved_redacted_version_is_attached_with_an_event(carmen, clips, filed, version):
    records.attach(carmen, filed, clips[0], version.pk)
    assert filed.attached.get().version == version
    assert Event.objects.filter(kind=events.RECORDS_ITEM_ATTACHED, item_id=clips[0].pk).exists()


def test_an_unapproved_redacted_version_is_refused(carmen, clips, filed, version):
    RedactionPlan.objects.filter(pk=version.plan_id).update(state=RedactionPlan.State.REJECTED)
    with pytest.raises(Rejected):
        records.attach(carmen, filed, clips[0], version.pk)


def test_another_items_redacted_version_is_refused(carmen, clips, filed, version):
    with pytest.raises(Rejected):
        records.attach(carmen, filed, clips[1], version.pk)


def test_fulfilling_needs_an_attachment(carmen, filed):
    with pytest.raises(Rejected):
        records.fulfil(carmen, filed)


def test_fulfilling_closes_the_request_and_stores_only_the_links_hash(
    carmen, clips, filed, version
):
    records.attach(carmen, filed, clips[0], version.pk)
    token = records.fulfil(carmen, filed)
    filed.refresh_from_db()
    assert filed.status == RecordsRequest.Status.FULFILLED and token not in filed.link_hash
    assert Event.objects.filter(kind=events.RECORDS_FULFILLED).exists()


def test_the_dashboard_counts_open_overdue_and_median_days(carmen, clips, filed, version):
    RecordsRequest.objects.filter(pk=filed.pk).update(
        due_at=datetime(2020, 1, 1, tzinfo=UTC), received_at=datetime(2019, 12, 31, tzinfo=UTC)
    )
    records.file_request(dict(REQUEST))
    board = records.dashboard(carmen)
    assert (board.open, board.overdue, board.median_days) == (2, 1, None)


def test_an_item_in_an_open_request_may_not_be_disposed_of(carmen, clips, filed, version):
    records.attach(carmen, filed, clips[0], version.pk)
    (reason,) = open_share_or_request_blockers(clips[0])
    assert filed.reference in reason


def test_a_fulfilled_request_no_longer_blocks_disposition(carmen, clips, filed, version):
    records.attach(carmen, filed, clips[0], version.pk)
    records.fulfil(carmen, filed)
    assert open_share_or_request_blockers(clips[0]) == []


def test_a_denied_request_records_the_reason(carmen, filed):
    records.close(carmen, filed, "denied", "Exempt: active investigation.")
    filed.refresh_from_db()
    assert filed.status == "denied" and filed.closed_at is not None
    assert Event.objects.filter(kind=events.RECORDS_CLOSED).exists()


def test_the_due_date_uses_the_setting(settings, db):
    settings.RECORDS_DUE_BUSINESS_DAYS = 1
    rr = records.file_request(dict(REQUEST)).request
    assert rr.due_at - rr.received_at <= timedelta(days=3)
