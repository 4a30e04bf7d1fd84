"""Open311 POST requests: keys, the shared filing path, answers per service type."""

from __future__ import annotations

import json

import pytest

from evidentia.community.models import Report, Service, Via
from evidentia.community.services import codes, open311_keys
from evidentia.custody import events
from evidentia.custody.models import Event
from tests.community.test_open311_client import (
    FORMATS,
    body,
    error_list,
    get,
    new_key,
    post,
    swagger,
)

pytestmark = pytest.mark.django_db
HERE = {"lat": "45.5190", "long": "-122.6794"}
GRAFFITI = {"service_code": "graffiti", "description": "Tag on the mailbox.", **HERE}
COMPLAINT = {
    "service_code": "officer-complaint",
    "description": "The officer shouted at my son.",
    "attribute[allegation]": "courtesy",
    **HERE,
}


@pytest.fixture
def key(adam) -> str:
    return new_key(adam)


def only_report() -> Report:
    [report] = Report.objects.all()
    return report


# --------------------------------------------------------------------------- answers


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_realtime_post_returns_the_id_and_the_tracking_link(client, key, fmt):
    answer = post(client, fmt, api_key=key, **GRAFFITI)
    assert answer.status_code == 200
    [found] = body(answer, fmt)
    report = only_report()
    assert found["service_request_id"] == report.public_id
    assert "token" not in found
    notice = found["service_notice"]
    code = notice.split("tracking code is ")[1].split(".")[0]
    assert report.code_hash == codes.code_hash(code)
    assert f"http://testserver/public/track/{code}/" in notice


@pytest.mark.parametrize("fields", [GRAFFITI, COMPLAINT], ids=["realtime", "batch"])
def test_post_answers_match_the_shared_swagger_definition(client, key, fields):
    answer = post(client, "json", api_key=key, **fields)
    swagger("RequestResponse").validate(json.loads(answer.content))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_batch_post_returns_a_token_not_the_id(client, key, fmt):
    [found] = body(post(client, fmt, api_key=key, **COMPLAINT), fmt)
    report = only_report()
    assert found["token"] == report.token and "service_request_id" not in found
    assert "tracking code is" in found["service_notice"]
    assert report.restricted and not report.public


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_blackbox_post_returns_neither_id_nor_token(client, key, fmt):
    Service.objects.filter(code="graffiti").update(open311_type="blackbox")
    [found] = body(post(client, fmt, api_key=key, **GRAFFITI), fmt)
    assert set(found) == {"service_notice"}
    assert "tracking code is" in found["service_notice"]


def test_the_batch_token_resolves_to_the_id(client, key):
    [found] = body(post(client, "json", api_key=key, **COMPLAINT), "json")
    [resolved] = body(get(client, f"tokens/{found['token']}", "json"), "json")
    assert resolved["service_request_id"] == only_report().public_id


def test_post_then_get_round_trip(client, key):
    [made] = body(post(client, "json", api_key=key, **GRAFFITI), "json")
    [found] = body(get(client, f"requests/{made['service_request_id']}", "json"), "json")
    assert found["description"] == "Tag on the mailbox."
    assert found["service_code"] == "graffiti" and found["status"] == "open"
    listed = body(get(client, "requests", "json"), "json")
    assert [r["service_request_id"] for r in listed] == [made["service_request_id"]]


def test_a_post_in_a_hidden_category_is_not_readable_back(client, key):
    [made] = body(post(client, "json", api_key=key, **COMPLAINT), "json")
    [resolved] = body(get(client, f"tokens/{made['token']}", "json"), "json")
    assert get(client, f"requests/{resolved['service_request_id']}", "json").status_code == 404


# --------------------------------------------------------------------------- what is kept


def test_the_report_is_filed_via_open311_with_its_key(client, adam, key):
    post(client, "json", api_key=key, **GRAFFITI)
    report = only_report()
    assert report.via == Via.OPEN311
    assert report.open311_client == open311_keys.authenticate(key)


def test_contact_fields_are_mapped(client, key):
    post(
        client,
        "json",
        api_key=key,
        email="jo@example.org",
        first_name="Jo",
        last_name="Resident",
        phone="503 555 0199",
        address_string="SW 5th and Main",
        address_id="A-17",
        **GRAFFITI,
    )
    report = only_report()
    assert (report.contact_name, report.contact_email) == ("Jo Resident", "jo@example.org")
    assert report.contact_phone == "503 555 0199"
    assert (report.address, report.address_id) == ("SW 5th and Main", "A-17")


def test_device_id_and_account_id_are_not_kept(client, key):
    post(client, "json", api_key=key, device_id="IMEI-3519", account_id="acct-77", **GRAFFITI)
    report = only_report()
    kept = str(Report.objects.filter(pk=report.pk).values().get())
    assert "IMEI-3519" not in kept and "acct-77" not in kept
    assert "IMEI-3519" not in "".join(Event.objects.values_list("body", flat=True))


def test_media_url_is_not_fetched_and_the_notice_says_how_to_send_files(client, key):
    answer = post(client, "json", api_key=key, media_url="http://169.254.169.254/", **GRAFFITI)
    [found] = body(answer, "json")
    assert "did not fetch media_url" in found["service_notice"]
    assert not only_report().media.exists()


def test_the_ledger_records_a_public_filing_with_no_client_address(client, key):
    post(client, "json", api_key=key, **GRAFFITI)
    event = Event.objects.get(kind=events.REPORT_FILED)
    assert event.actor == "system:public"
    assert '"via":"open311"' in event.body and "127.0.0.1" not in event.body


def test_a_multivaluelist_attribute_keeps_every_value(client, key):
    Service.objects.filter(code="noise").update(
        attributes=[
            {
                "variable": True,
                "code": "kind",
                "datatype": "multivaluelist",
                "required": True,
                "order": 1,
                "description": "What kind of noise?",
                "values": [{"key": "music", "name": "Music"}, {"key": "dog", "name": "Dog"}],
            }
        ]
    )
    fields = {**GRAFFITI, "service_code": "noise"}
    answer = client.post(
        "/open311/v2/requests.json",
        f"api_key={key}&attribute[kind][]=music&attribute[kind][]=dog&"
        + "&".join(f"{k}={v}" for k, v in fields.items()),
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200, answer.content
    assert only_report().attributes == {"kind": ["music", "dog"]}


# --------------------------------------------------------------------------- keys


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_without_an_api_key_is_403(client, db, fmt):
    answer = post(client, fmt, **GRAFFITI)
    assert answer.status_code == 403
    [(code, text)] = error_list(answer, fmt)
    assert code == 403 and text.startswith("An api_key is required")
    assert not Report.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_with_a_wrong_api_key_is_403(client, key, fmt):
    answer = post(client, fmt, api_key=key + "x", **GRAFFITI)
    assert answer.status_code == 403
    assert error_list(answer, fmt) == [
        (403, "Invalid api_key received -- can't proceed with create_request.")
    ]


def test_a_revoked_key_is_403(client, adam, key):
    open311_keys.revoke_key(adam, key[:12])
    assert post(client, "json", api_key=key, **GRAFFITI).status_code == 403


def test_anonymous_mode_needs_no_key(client, db, settings):
    settings.OPEN311_ANONYMOUS_POST = True
    assert post(client, "json", **GRAFFITI).status_code == 200
    assert only_report().open311_client is None


def test_anonymous_mode_still_refuses_a_wrong_key(client, db, settings):
    settings.OPEN311_ANONYMOUS_POST = True
    assert post(client, "json", api_key="o311_guess", **GRAFFITI).status_code == 403


# --------------------------------------------------------------------------- refusals


def test_an_anonymous_flood_is_limited_per_address(client, db, settings):
    settings.OPEN311_ANONYMOUS_POST = True
    settings.PORTAL_REPORTS_PER_HOUR = 1
    answers = [post(client, "json", **GRAFFITI) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 429]


def test_a_keyed_client_is_counted_per_key_not_per_address(client, key, settings):
    settings.PORTAL_REPORTS_PER_HOUR = 1  # what one resident's address may file
    answers = [post(client, "json", api_key=key, **GRAFFITI) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_flood_of_posts_is_429_with_retry_after(client, key, settings, fmt):
    settings.OPEN311_KEY_REPORTS_PER_HOUR = 2
    answers = [post(client, fmt, api_key=key, **GRAFFITI) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert int(answers[2]["Retry-After"]) > 0
    [(code, text)] = error_list(answers[2], fmt)
    assert code == 429 and text.startswith("Too many reports")
    assert Report.objects.count() == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_place_outside_the_service_area_is_400_naming_the_location(client, key, fmt):
    answer = post(client, fmt, api_key=key, **{**GRAFFITI, "lat": "37.7749", "long": "-122.4194"})
    assert answer.status_code == 400
    [(code, text)] = error_list(answer, fmt)
    assert code == 400 and text.startswith("location") and "outside the area" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_missing_required_attribute_is_400(client, key, fmt):
    fields = {k: v for k, v in COMPLAINT.items() if k != "attribute[allegation]"}
    answer = post(client, fmt, api_key=key, **fields)
    assert answer.status_code == 400
    assert error_list(answer, fmt) == [
        (400, "attribute[allegation]: Answer: What is the complaint about?.")
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_service_code_is_404(client, key, fmt):
    answer = post(client, fmt, api_key=key, **{**GRAFFITI, "service_code": "potholes"})
    assert answer.status_code == 404
    assert error_list(answer, fmt) == [(404, "service_code: Unknown category.")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_missing_service_code_is_400(client, key, fmt):
    answer = post(client, fmt, api_key=key, **{**GRAFFITI, "service_code": ""})
    assert answer.status_code == 400
    assert error_list(answer, fmt) == [(400, "service_code: Choose what you are reporting.")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_problem_is_reported_at_once_one_per_parameter(client, key, fmt):
    answer = post(client, fmt, api_key=key, service_code="graffiti", email="not-an-address")
    assert answer.status_code == 400
    found = dict(e[1].split(": ", 1) for e in error_list(answer, fmt))
    assert set(found) == {"description", "location (lat/long, address_string)", "email"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_lat_without_long_is_400(client, key, fmt):
    answer = post(client, fmt, api_key=key, service_code="graffiti", description="x", lat="45.5")
    assert answer.status_code == 400
    assert "Send both latitude and longitude." in error_list(answer, fmt)[0][1]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_lat_that_is_not_a_number_is_400_naming_lat(client, key, fmt):
    answer = post(client, fmt, api_key=key, **{**GRAFFITI, "lat": "north-ish"})
    assert answer.status_code == 400
    assert error_list(answer, fmt) == [(400, "lat must be a number of degrees (WGS84).")]


def test_an_address_alone_is_enough(client, key):
    fields = {k: v for k, v in GRAFFITI.items() if k not in HERE}
    answer = post(client, "json", api_key=key, address_string="SW 5th and Main", **fields)
    assert answer.status_code == 200
    assert only_report().lat is None
