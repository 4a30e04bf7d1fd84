"""Open311 formats, headers, escaping and the error document, on every route."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from jsonschema import validate

from evidentia.community.open311 import query
from tests.community.conftest import file
from tests.community.test_open311_client import (
    BASE,
    FORMATS,
    body,
    error_list,
    get,
    root,
    service_requests,
)

pytestmark = pytest.mark.django_db
ROUTES = ["discovery", "services", "services/graffiti", "requests"]
XSS = "<script>alert(1)</script> & more"
# The spec's error document in JSON (the shared schemas do not include one).
ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
        "additionalProperties": False,
    },
}


@pytest.mark.parametrize("route", ROUTES)
def test_xml_is_utf8_with_the_declaration(client, route):
    answer = client.get(f"{BASE}{route}.xml")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/xml; charset=utf-8"
    assert answer.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')


@pytest.mark.parametrize("route", ROUTES)
def test_json_is_utf8_json(client, route):
    answer = client.get(f"{BASE}{route}.json")
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    json.loads(answer.content.decode("utf-8"))


@pytest.mark.parametrize("route", [*ROUTES, "requests/NOPE", "tokens/nope"])
def test_every_get_allows_any_origin(client, route):
    assert client.get(f"{BASE}{route}.json")["Access-Control-Allow-Origin"] == "*"


def test_a_post_does_not_allow_other_origins(client):
    assert "Access-Control-Allow-Origin" not in client.post(f"{BASE}requests.json", {})


@pytest.mark.parametrize("route", ROUTES)
def test_an_unknown_format_is_404_in_the_spec_format(client, route):
    answer = client.get(f"{BASE}{route}.csv")
    assert answer.status_code == 404 and answer["Content-Type"].startswith("text/xml")
    assert error_list(answer, "xml") == [(404, "Unknown format 'csv': use .xml or .json.")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_path_is_404_in_the_spec_format(client, fmt):
    answer = client.get(f"{BASE}potholes/near/me.{fmt}")
    assert answer.status_code == 404
    assert error_list(answer, fmt)[0][0] == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_to_a_read_only_resource_is_refused_in_the_spec_format(client, fmt):
    answer = client.post(f"{BASE}services.{fmt}", {})
    assert answer.status_code == 405 and answer["Allow"] == "GET, HEAD"
    assert error_list(answer, fmt) == [(405, "POST is not supported here.")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_errors_match_the_error_document(client, fmt):
    answer = get(client, "requests", fmt, status="maybe")
    if fmt == "json":
        validate(json.loads(answer.content), ERRORS)
    else:
        top = root(answer.content)
        assert top.tag == "errors"
        assert [c.tag for c in top[0]] == ["code", "description"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("route", [*ROUTES, "requests/ZZZZZZZZZZ", "tokens/abc"])
def test_another_jurisdiction_is_404(client, settings, fmt, route):
    settings.OPEN311_JURISDICTION = "demo-pd.example"
    answer = get(client, route, fmt, jurisdiction_id="sfgov.org")
    assert answer.status_code == 404
    assert error_list(answer, fmt) == [(404, "jurisdiction_id 'sfgov.org' was not found.")]


@pytest.mark.parametrize("given", ["demo-pd.example", ""])
def test_our_jurisdiction_or_none_is_served(client, settings, given):
    settings.OPEN311_JURISDICTION = "demo-pd.example"
    assert get(client, "services", "json", jurisdiction_id=given).status_code == 200


def test_any_jurisdiction_is_served_when_none_is_configured(client, settings):
    settings.OPEN311_JURISDICTION = ""
    assert get(client, "services", "json", jurisdiction_id="sfgov.org").status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_for_another_jurisdiction_is_404(client, settings, fmt):
    settings.OPEN311_JURISDICTION = "demo-pd.example"
    answer = client.post(f"{BASE}requests.{fmt}", {"jurisdiction_id": "sfgov.org"})
    assert answer.status_code == 404
    assert error_list(answer, fmt) == [(404, "jurisdiction_id 'sfgov.org' was not found.")]


def test_markup_in_a_description_is_escaped_in_xml(client, db):
    file(description=XSS)
    answer = get(client, "requests", "xml")
    assert b"<script>" not in answer.content
    assert service_requests(answer.content)[0]["description"] == XSS


def test_markup_in_a_description_is_escaped_in_json(client, db):
    file(description=XSS)
    answer = get(client, "requests", "json")
    assert b"<script>" not in answer.content
    assert body(answer, "json")[0]["description"] == XSS


def test_control_characters_are_dropped_so_the_xml_still_parses(client, db):
    file(description="bell\x07 and\x1b escape")
    answer = get(client, "requests", "xml")
    assert service_requests(answer.content)[0]["description"] == "bell and escape"


def test_non_ascii_text_survives_both_formats(client, db):
    file(description="Graffiti près du café — 東京")
    assert body(get(client, "requests", "json"), "json")[0]["description"].endswith("東京")
    assert service_requests(get(client, "requests", "xml").content)[0]["description"].endswith(
        "東京"
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_database_outage_is_503_in_the_spec_format(client, db, monkeypatch, fmt):
    def down(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(query, "find", down)
    answer = get(client, "requests", fmt)
    assert answer.status_code == 503 and answer["Retry-After"] == "30"
    assert "try again" in error_list(answer, fmt)[0][1]
    assert b"locked" not in answer.content


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unexpected_failure_is_a_general_service_error_not_a_500(client, db, monkeypatch, fmt):
    def broken(*args, **kwargs):
        raise KeyError("secret internals")

    monkeypatch.setattr(query, "find", broken)
    answer = get(client, "requests", fmt)
    assert answer.status_code == 400
    assert error_list(answer, fmt)[0][1].startswith("General service error")
    assert b"internals" not in answer.content


def test_head_is_answered_like_get(client):
    answer = client.head(f"{BASE}services.json")
    assert answer.status_code == 200 and answer["Access-Control-Allow-Origin"] == "*"


def test_the_format_extension_is_case_insensitive(client):
    assert client.get(f"{BASE}services.JSON")["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unreadable_form_is_400_in_the_spec_format(client, fmt):
    fields = "&".join(f"f{n}=x" for n in range(1100))  # past Django's field limit
    answer = client.post(
        f"{BASE}requests.{fmt}", fields, content_type="application/x-www-form-urlencoded"
    )
    assert answer.status_code == 400
    assert error_list(answer, fmt) == [(400, "The request body could not be read as a form.")]
