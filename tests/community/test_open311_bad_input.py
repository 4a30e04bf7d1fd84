"""Open311 input no client should send: NUL bytes, ids of the wrong shape and dates at
the ends of the calendar get the spec's error document or an empty list, never a
general service error, and ids that cannot be a report never reach the database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evidentia.community.models import Report
from tests.community.test_open311_client import BASE, FORMATS, body, error_list, get, post
from tests.community.test_open311_post import GRAFFITI
from tests.community.test_public_bad_input import nul_watch

pytestmark = pytest.mark.django_db


def reads(queries: CaptureQueriesContext, text: str) -> bool:
    return any(text in q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize("request_id", ["%00", "AB%00CD", "AB-CD", "A%27B", "X" * 17])
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_id_that_cannot_be_a_report_is_not_found_without_a_query(client, fmt, request_id):
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(f"{BASE}requests/{request_id}.{fmt}")
    assert answer.status_code == 404
    assert error_list(answer, fmt)[0][0] == 404
    assert not reads(queries, "community_report")


def test_a_token_with_a_nul_is_not_found_without_a_query(client):
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(f"{BASE}tokens/ab%00cd.json")
    assert answer.status_code == 404
    assert not reads(queries, "community_report")


def test_a_service_code_with_a_nul_is_not_found_without_a_query(client):
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(f"{BASE}services/graffiti%00.json")
    assert answer.status_code == 404
    assert not reads(queries, "community_service")


def test_listed_request_ids_with_a_nul_select_nothing_and_never_reach_the_database(client, filed):
    with nul_watch() as sent:
        answer = get(client, "requests", "json", service_request_id="AB\x00CD")
    assert answer.status_code == 200
    assert body(answer, "json") == []
    assert sent == []


def test_a_listed_service_code_with_a_nul_selects_nothing_and_never_reaches_the_database(
    client, filed
):
    with nul_watch() as sent:
        answer = get(client, "requests", "json", service_code="graffiti\x00")
    assert answer.status_code == 200
    assert body(answer, "json") == []
    assert sent == []


def test_a_start_date_at_the_end_of_the_calendar_lists_nothing(client, filed):
    answer = get(client, "requests", "json", start_date="9999-12-31T00:00:00Z")
    assert answer.status_code == 200
    assert body(answer, "json") == []


def test_an_end_date_at_the_start_of_the_calendar_lists_nothing(client, filed):
    answer = get(client, "requests", "json", end_date="0001-01-01T00:00:00Z")
    assert answer.status_code == 200
    assert body(answer, "json") == []


@pytest.mark.parametrize("when", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+01:00"])
def test_a_date_whose_offset_leaves_the_calendar_is_refused_by_name(client, when):
    answer = get(client, "requests", "json", start_date=when)
    assert answer.status_code == 400
    [(code, description)] = error_list(answer, "json")
    assert code == 400 and description.startswith("start_date")


def test_nul_bytes_in_a_posted_request_never_reach_the_database(client, settings):
    settings.OPEN311_ANONYMOUS_POST = True
    fields = GRAFFITI | {
        "service_code": "graffiti\x00",
        "description": "Tag on the mailbox.\x00",
        "address_string": "SW 6th\x00 Ave",
        "first_name": "Ana\x00",
        "phone": "503\x00 555 0100",
        "email": "ana@example.org\x00",
    }
    with nul_watch() as sent:
        answer = post(client, "json", **fields)
    assert answer.status_code == 200, answer.content
    assert sent == []
    report = Report.objects.get()
    assert report.description == "Tag on the mailbox." and report.address == "SW 6th Ave"
