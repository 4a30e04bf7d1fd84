"""Open311 reads: discovery, services, service definitions, requests, tokens."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evidentia.community.models import Report, ReportMedia, Service, Visibility
from evidentia.community.services import geo, grants
from tests.community.conftest import PIONEER_SQUARE, file
from tests.community.test_grant_uploads import upload
from tests.community.test_open311_client import (
    BASE,
    FORMATS,
    REQUEST_FIELDS,
    W3,
    body,
    error_list,
    get,
    reply,
    schema,
    swagger,
)

pytestmark = pytest.mark.django_db
COMPLAINT = {"attributes": {"allegation": "courtesy"}}


def ids(answer, fmt: str) -> list[str]:
    return [r["service_request_id"] for r in body(answer, fmt)]


def age(report: Report, days: float) -> None:
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(days=days))


# --------------------------------------------------------------------------- discovery


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_georeport_endpoint_and_both_formats(client, fmt):
    found = body(get(client, "discovery", fmt), fmt)
    [endpoint] = found["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert W3.match(found["changeset"]) and found["contact"] and found["key_service"]


# --------------------------------------------------------------------------- services


def test_services_match_the_shared_schema(client):
    schema("schema_services.json").validate(json.loads(client.get(f"{BASE}services.json").content))


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_list_active_categories_with_type_and_metadata(client, fmt):
    listed = {s["service_code"]: s for s in body(get(client, "services", fmt), fmt)}
    assert set(listed) == set(Service.objects.filter(active=True).values_list("code", flat=True))
    truth = "true" if fmt == "xml" else True
    lie = "false" if fmt == "xml" else False
    assert listed["abandoned-vehicle"]["metadata"] == truth
    assert listed["graffiti"]["metadata"] == lie
    assert listed["graffiti"]["type"] == "realtime"
    assert listed["officer-complaint"]["type"] == "batch"
    assert listed["graffiti"]["group"] == "Quality of life"


def test_an_inactive_service_is_not_listed(client):
    Service.objects.filter(code="noise").update(active=False)
    assert "noise" not in [s["service_code"] for s in body(get(client, "services", "json"), "json")]


def test_a_service_definition_matches_the_shared_schema(client):
    answer = client.get(f"{BASE}services/officer-complaint.json")
    schema("schema_service-definition.json").validate(json.loads(answer.content))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_lists_its_attributes_and_choices(client, fmt):
    found = body(get(client, "services/officer-complaint", fmt), fmt)
    assert found["service_code"] == "officer-complaint"
    first = found["attributes"][0]
    assert first["code"] == "allegation" and first["datatype"] == "singlevaluelist"
    assert first["required"] in (True, "true")
    assert {"key": "courtesy", "name": "Courtesy or conduct"} in first["values"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_service_code_is_404(client, fmt):
    answer = get(client, "services/potholes", fmt)
    assert answer.status_code == 404
    assert error_list(answer, fmt) == [(404, "service_code 'potholes' was not found.")]


# --------------------------------------------------------------------------- GET requests


def test_requests_match_the_shared_schema(client, filed):
    reply(filed.report, "Cleaned on Tuesday.")
    file("noise", description="Drums at 3am.")
    answer = client.get(f"{BASE}requests.json")
    listed = json.loads(answer.content)
    assert len(listed) == 2
    schema("schema_requests.json").validate(listed)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_reads_as_the_public_projection(client, filed, fmt, settings):
    [found] = body(get(client, "requests", fmt), fmt)
    assert list(found) == REQUEST_FIELDS
    assert found["service_request_id"] == filed.report.public_id
    assert found["status"] == "open"
    assert found["service_code"] == "graffiti" and found["service_name"] == "Graffiti"
    assert found["description"] == "Tagging on the wall by the bus stop."
    assert found["agency_responsible"] == settings.AGENCY_NAME
    assert W3.match(found["requested_datetime"]) and W3.match(found["expected_datetime"])
    assert found["address"] is None and found["address_id"] is None and found["zipcode"] is None


def test_lat_and_long_are_fuzzed_to_the_block_not_the_exact_point(client, filed):
    [found] = body(get(client, "requests", "json"), "json")
    assert (found["lat"], found["long"]) != PIONEER_SQUARE
    assert (found["lat"], found["long"]) == geo.fuzz(*PIONEER_SQUARE)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_typed_address_never_leaves(client, db, fmt):
    file(address="1215 SW Elm Street, apt 4", zipcode="97205", address_id="A-99")
    answer = get(client, "requests", fmt)
    assert b"Elm Street" not in answer.content and b"97205" not in answer.content
    assert b"A-99" not in answer.content


def test_contact_details_and_masked_text_never_leave(client, db):
    file(
        description="Call me on 503 555 0199 or jo@example.org",
        contact_name="Jo Resident",
        contact_email="jo@example.org",
        contact_phone="503 555 0199",
    )
    answer = get(client, "requests", "json")
    assert b"Jo Resident" not in answer.content and b"example.org" not in answer.content
    assert b"555" not in answer.content
    assert "[email removed]" in body(answer, "json")[0]["description"]


def test_status_notes_are_the_latest_public_reply_never_an_internal_note(client, filed):
    reply(filed.report, "We have sent a crew.")
    reply(filed.report, "Cleaned on Tuesday.")
    reply(filed.report, "Suspect is the neighbour's son.", Visibility.INTERNAL)
    reply(filed.report, "Thanks, we called you back.", Visibility.REPORTER)
    [found] = body(get(client, "requests", "json"), "json")
    assert found["status_notes"] == "Cleaned on Tuesday."


def test_a_restricted_complaint_never_appears_in_the_list(client, filed):
    complaint = file("officer-complaint", **COMPLAINT).report
    listed = ids(get(client, "requests", "json"), "json")
    assert filed.report.public_id in listed and complaint.public_id not in listed


def test_a_non_public_category_never_appears_in_the_list(client, filed):
    hidden = file("suspicious-activity").report
    listed = ids(get(client, "requests", "json", service_request_id=hidden.public_id), "json")
    assert listed == []
    assert hidden.public_id not in ids(get(client, "requests", "json"), "json")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("code", ["officer-complaint", "suspicious-activity"])
def test_a_hidden_report_is_404_by_id_like_one_that_does_not_exist(client, db, fmt, code):
    hidden = file(code, **COMPLAINT if code == "officer-complaint" else {}).report
    answer = get(client, f"requests/{hidden.public_id}", fmt)
    missing = get(client, "requests/ZZZZZZZZZZ", fmt)
    assert answer.status_code == missing.status_code == 404
    [(code_, text)] = error_list(answer, fmt)
    assert code_ == 404 and text == f"Service request not found with id {hidden.public_id}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request_by_id(client, filed, fmt):
    [found] = body(get(client, f"requests/{filed.report.public_id}", fmt), fmt)
    assert found["service_request_id"] == filed.report.public_id


def test_one_request_by_id_matches_the_shared_schema(client, filed):
    answer = client.get(f"{BASE}requests/{filed.report.public_id}.json")
    schema("schema_requests.json").validate(json.loads(answer.content))


def test_media_url_is_given_only_for_a_published_redacted_copy(client, filed, photo):
    grant = grants.upload_token(grants.report_key(filed.report))
    assert upload(client, grant, photo).status_code == 204
    [found] = body(get(client, "requests", "json"), "json")
    assert found["media_url"] is None  # the original is evidence, never public
    media = ReportMedia.objects.get(report=filed.report)
    # Stands in for the redacted copy staff publish (another blob in the vault).
    ReportMedia.objects.filter(pk=media.pk).update(
        public_blob=media.item.blob, published_at=timezone.now()
    )
    [found] = body(get(client, "requests", "json"), "json")
    assert found["media_url"] == "http://testserver" + reverse("public:media", args=[media.pk])


def test_the_default_window_is_the_most_recent_90_days(client, filed):
    old = file(description="Old tag.").report
    age(old, 91)
    assert ids(get(client, "requests", "json"), "json") == [filed.report.public_id]


def test_an_older_report_is_found_with_start_and_end_dates(client, db):
    old = file().report
    age(old, 200)
    start = (timezone.now() - timedelta(days=210)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - timedelta(days=190)).strftime("%Y-%m-%dT%H:%M:%SZ")
    found = ids(get(client, "requests", "json", start_date=start, end_date=end), "json")
    assert found == [old.public_id]


def test_start_date_alone_covers_90_days_from_it(client, db):
    old = file().report
    age(old, 200)
    start = (timezone.now() - timedelta(days=201)).date().isoformat()
    assert ids(get(client, "requests", "json", start_date=start), "json") == [old.public_id]


def test_an_offset_sent_with_an_unencoded_plus_is_understood(client, filed):
    when = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    answer = client.get(f"{BASE}requests.json?start_date={when}+00:00")
    assert answer.status_code == 200 and ids(answer, "json") == [filed.report.public_id]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_range_over_90_days_is_400(client, db, fmt):
    answer = get(
        client,
        "requests",
        fmt,
        start_date="2026-01-01T00:00:00Z",
        end_date="2026-04-02T00:00:00-08:00",
    )
    assert answer.status_code == 400
    assert error_list(answer, fmt) == [
        (400, "start_date to end_date may not span more than 90 days.")
    ]


def test_start_after_end_is_400(client, db):
    answer = get(client, "requests", "json", start_date="2026-02-01", end_date="2026-01-01")
    assert answer.status_code == 400
    assert "start_date must be before end_date" in error_list(answer, "json")[0][1]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["start_date", "end_date"])
def test_a_bad_date_is_400_naming_the_parameter(client, db, fmt, name):
    answer = get(client, "requests", fmt, **{name: "last tuesday"})
    assert answer.status_code == 400
    [(code, text)] = error_list(answer, fmt)
    assert code == 400 and text.startswith(f"{name} must be a w3 date-time")


def test_a_date_time_without_a_time_zone_is_400(client, db):
    answer = get(client, "requests", "json", start_date="2026-01-01T10:00:00")
    assert answer.status_code == 400 and "time zone" in error_list(answer, "json")[0][1]


def test_an_impossible_date_is_400(client, db):
    answer = get(client, "requests", "json", end_date="2026-02-30T00:00:00Z")
    assert answer.status_code == 400 and "not a real date" in error_list(answer, "json")[0][1]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_bad_status_is_400_naming_status(client, db, fmt):
    answer = get(client, "requests", fmt, status="pending")
    assert answer.status_code == 400
    assert error_list(answer, fmt) == [
        (400, "status must be open or closed (or open,closed), not 'pending'.")
    ]


def test_status_filters_open_and_closed(client, filed):
    done = file(description="Gone now.").report
    Report.objects.filter(pk=done.pk).update(status="resolved", closed_at=timezone.now())
    assert ids(get(client, "requests", "json", status="open"), "json") == [filed.report.public_id]
    assert ids(get(client, "requests", "json", status="closed"), "json") == [done.public_id]
    assert len(ids(get(client, "requests", "json", status="open,closed"), "json")) == 2


def test_a_closed_request_is_updated_when_it_was_closed(client, filed):
    closed = timezone.now() - timedelta(hours=3)
    Report.objects.filter(pk=filed.report.pk).update(status="closed", closed_at=closed)
    [found] = body(get(client, "requests", "json"), "json")
    assert found["status"] == "closed" and found["expected_datetime"] is None
    assert found["updated_datetime"] == closed.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_service_code_takes_a_comma_list(client, filed):
    noise = file("noise").report
    file("traffic-hazard")
    found = ids(get(client, "requests", "json", service_code="graffiti,noise"), "json")
    assert sorted(found) == sorted([filed.report.public_id, noise.public_id])


def test_service_request_id_overrides_the_other_filters(client, filed):
    old = file().report
    age(old, 400)
    wanted = f"{old.public_id},{filed.report.public_id}"
    found = ids(
        get(client, "requests", "json", service_request_id=wanted, service_code="noise"), "json"
    )
    assert found == [filed.report.public_id, old.public_id]


def test_at_most_1000_requests_newest_first(client, filed):
    report = Report.objects.get(pk=filed.report.pk)
    fields = {f.attname: getattr(report, f.attname) for f in Report._meta.fields}
    del fields["id"]
    now = timezone.now()
    rows = [
        Report(
            **fields
            | {"public_id": f"B{n:09d}", "code_hash": f"h{n}", "token": f"t{n}"}
            | {"created_at": now - timedelta(minutes=n + 1)}
        )
        for n in range(1005)
    ]
    Report.objects.bulk_create(rows)
    found = ids(get(client, "requests", "json"), "json")
    assert len(found) == 1000
    assert found[:2] == [filed.report.public_id, "B000000000"] and found[-1] == "B000000998"


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_matches_is_an_empty_list(client, db, fmt):
    answer = get(client, "requests", fmt)
    assert answer.status_code == 200 and body(answer, fmt) == []


# --------------------------------------------------------------------------- tokens


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_token_gives_its_service_request_id(client, filed, fmt):
    found = body(get(client, f"tokens/{filed.report.token}", fmt), fmt)
    assert found == [{"service_request_id": filed.report.public_id, "token": filed.report.token}]


def test_a_token_answer_matches_the_shared_swagger_definition(client, filed):
    answer = client.get(f"{BASE}tokens/{filed.report.token}.json")
    swagger("TokenResponse").validate(json.loads(answer.content))


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_token_is_404(client, db, fmt):
    answer = get(client, "tokens/0123456789abcdef", fmt)
    assert answer.status_code == 404
    assert error_list(answer, fmt) == [
        (404, "Service request not found with token 0123456789abcdef")
    ]
