"""Input no resident should send: NUL bytes (PostgreSQL text cannot hold them) and
dates at the ends of the calendar. Each gets a readable answer, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evidentia.community.models import Report
from evidentia.community.services import reports
from tests.community.conftest import file
from tests.community.test_public_report_form import fields

pytestmark = pytest.mark.django_db


def sql_of(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries]


def _has_nul(value: object) -> bool:
    return isinstance(value, str) and ("\x00" in value or "\\u0000" in value)


@contextmanager
def nul_watch() -> Iterator[list[str]]:
    """The statements sent with a NUL among their parameters (raw or JSON-escaped, as
    PostgreSQL refuses both); SQLite's own query log would cut the text at the NUL."""
    seen: list[str] = []

    def watch(execute, sql, params, many, context):
        for row in (params or []) if many else [params or ()]:
            values = row.values() if isinstance(row, dict) else row
            if any(_has_nul(v) for v in values):
                seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield seen


def test_nul_bytes_in_any_report_form_field_never_reach_the_database(client):
    nul = {
        name: f"{value}\x00"
        for name, value in fields(
            address="SW 6th\x00 Ave",
            contact_name="Ana\x00",
            contact_email="ana@example.org",
            contact_phone="503\x00 555 0100",
            occurred_at="2026-03-02T14:30",
        ).items()
    }
    with nul_watch() as sent:
        answer = client.post("/public/", nul)
    assert answer.status_code == 302
    assert sent == []
    report = Report.objects.get()
    assert report.description == "Fresh tags on the wall by the bus stop."
    assert report.address == "SW 6th Ave" and report.contact_phone == "503 555 0100"


def test_a_description_of_nul_bytes_alone_is_asked_for_again(client):
    answer = client.post("/public/", fields(description="\x00 \x00"))
    assert answer.status_code == 400
    assert "Describe what happened." in answer.content.decode()
    assert not Report.objects.exists()


def test_a_nul_in_the_description_is_removed_when_a_report_is_filed(db):
    filed = file(description="Broken\x00 window")
    filed.report.refresh_from_db()
    assert filed.report.description == "Broken window"


def test_a_nul_in_added_information_is_removed(filed):
    update = reports.add_info(filed.report, "Also\x00 a van")
    assert update.text == "Also a van"


@pytest.mark.parametrize("public_id", ["%00", "AB%00CD", "AB-CD", "A%27B", "X" * 17])
def test_a_public_report_address_that_is_no_report_id_is_not_found_without_a_query(
    client, public_id
):
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(f"/public/reports/{public_id}/")
    assert answer.status_code == 404
    assert not [sql for sql in sql_of(queries) if "community_report" in sql]


def test_the_public_list_filtered_to_the_last_date_of_the_calendar_answers(client, filed):
    answer = client.get("/public/reports/", {"date_to": "9999-12-31"})
    assert answer.status_code == 200
    assert filed.report.public_id in answer.content.decode()


def test_the_public_list_filtered_from_the_first_date_of_the_calendar_answers(client, filed):
    answer = client.get("/public/reports/", {"date_from": "0001-01-01"})
    assert answer.status_code == 200
    assert filed.report.public_id in answer.content.decode()


@pytest.mark.parametrize(
    ("when", "offset"),
    [
        ("9999-12-31T20:00", "420"),
        ("9999-12-31T23:59", ""),
        ("0001-01-01T00:00", "-600"),
        ("9999-12-31T23:00-05:00", ""),
    ],
)
def test_a_time_at_the_end_of_the_calendar_is_an_error_beside_the_field(
    client, when, offset, settings
):
    settings.TIME_ZONE = "America/Los_Angeles"
    answer = client.post("/public/", fields(occurred_at=when, occurred_offset=offset))
    assert answer.status_code == 400
    page = answer.content.decode()
    assert 'href="#f-occurred"' in page
    assert "out of range" in page or "in the future" in page
    assert not Report.objects.exists()


def test_a_time_before_1900_is_an_error_beside_the_field(client):
    answer = client.post("/public/", fields(occurred_at="0001-01-01T05:00", occurred_offset="0"))
    assert answer.status_code == 400
    assert "too long ago" in answer.content.decode()
    assert not Report.objects.exists()


def test_an_email_address_too_long_to_keep_whole_is_an_error_beside_the_field(client):
    address = "a" * 60 + "@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + "." + "e" * 60 + ".org"
    answer = client.post("/public/", fields(contact_email=address))
    assert answer.status_code == 400
    assert "That email address does not look right." in answer.content.decode()
    assert not Report.objects.exists()
