"""A small Open311 XML client, as codeforamerica/open311's client reads responses, and
proof that it reads the real client's fixtures and our XML into the same shapes.

The helpers here (`parse`, `services`, `definition`, `service_requests`, `errors`,
`discovery`, `get`, `post`, `schema`) are shared by the other test_open311_* files.
"""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from evidentia.community.models import ReportUpdate, Visibility
from evidentia.community.services import open311_keys
from tests.conftest import shared_file

BASE = "/open311/v2/"
FORMATS = ["json", "xml"]
W3 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


# --------------------------------------------------------------------------- the client


def root(body: bytes) -> ET.Element:
    """The document's root. A saved response may start with its HTTP status line
    ('HTTP/1.1 403 Forbidden'); a client reads from the XML declaration on."""
    start = body.find(b"<?xml")
    # Our own responses and checked-in fixtures, not untrusted input.
    return ET.fromstring(body[start if start >= 0 else body.find(b"<") :])  # noqa: S314


def _text(element: ET.Element | None) -> str | None:
    if element is None or element.text is None or not element.text.strip():
        return None
    return element.text.strip()


def _flat(element: ET.Element) -> dict[str, str | None]:
    return {child.tag: _text(child) for child in element}


def services(body: bytes) -> list[dict[str, str | None]]:
    top = root(body)
    assert top.tag == "services"
    return [_flat(s) for s in top.findall("service")]


def definition(body: bytes) -> dict[str, Any]:
    """A service definition; attributes may sit in <attributes> or directly below."""
    top = root(body)
    assert top.tag == "service_definition"
    attributes = []
    for attr in top.iter("attribute"):
        fields = {c.tag: _text(c) for c in attr if c.tag != "values"}
        fields["values"] = [_flat(v) for v in attr.iter("value")]
        attributes.append(fields)
    return {"service_code": _text(top.find("service_code")), "attributes": attributes}


def service_requests(body: bytes) -> list[dict[str, str | None]]:
    top = root(body)
    assert top.tag == "service_requests"
    return [_flat(r) for r in top.findall("request")]


def errors(body: bytes) -> list[tuple[str | None, str | None]]:
    """[(code, description)]: <errors><error><code/><description/>, or the older bare
    <error>text</error>."""
    top = root(body)
    if top.tag == "error":
        return [(None, _text(top))]
    assert top.tag == "errors"
    return [(_text(e.find("code")), _text(e.find("description"))) for e in top.findall("error")]


def discovery(body: bytes) -> dict[str, Any]:
    top = root(body)
    assert top.tag == "discovery"
    found: dict[str, Any] = {c.tag: _text(c) for c in top if c.tag != "endpoints"}
    found["endpoints"] = [
        {c.tag: _text(c) for c in e if c.tag != "formats"}
        | {"formats": [_text(f) for f in e.iter("format")]}
        for e in top.iter("endpoint")
    ]
    return found


# --------------------------------------------------------------------------- HTTP + schemas


def get(client, path: str, fmt: str, **params):
    return client.get(f"{BASE}{path}.{fmt}", params)


def post(client, fmt: str, **fields):
    return client.post(f"{BASE}requests.{fmt}", fields)


def body(answer, fmt: str) -> Any:
    """The JSON value, or the XML read by the client above (by root element)."""
    if fmt == "json":
        return json.loads(answer.content)
    readers = {
        "services": services,
        "service_definition": definition,
        "service_requests": service_requests,
        "errors": errors,
        "discovery": discovery,
    }
    return readers[root(answer.content).tag](answer.content)


def error_list(answer, fmt: str) -> list[tuple[int, str]]:
    """Errors in either format, as (code, description)."""
    if fmt == "json":
        return [(e["code"], e["description"]) for e in json.loads(answer.content)]
    return [(int(code or 0), description or "") for code, description in errors(answer.content)]


def schema(name: str) -> Draft202012Validator:
    """A shared Open311 JSON schema, its "request.json"/"service.json" refs resolved."""

    def load(file: str) -> dict:
        return json.loads(shared_file("open311", file).read_text())

    registry = Registry().with_resources(
        (ref, Resource.from_contents(load(file), default_specification=DRAFT202012))
        for ref, file in [
            ("request.json", "schema_request.json"),
            ("service.json", "schema_service.json"),
        ]
    )
    return Draft202012Validator(
        load(name), registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def swagger(definition: str) -> Draft202012Validator:
    """An array of one of the swagger file's definitions (the spec answers with arrays).
    account_id may be null, as in the spec's own POST example."""
    found = json.loads(shared_file("open311", "schema_swagger.json").read_text())
    item = found["definitions"][definition]
    if "account_id" in item["properties"]:
        item["properties"]["account_id"] = {"type": ["string", "null"]}
    return Draft202012Validator({"type": "array", "minItems": 1, "items": item})


def new_key(admin, name: str = "City 311 app") -> str:
    return open311_keys.create_key(admin, name)[1]


def reply(report, text: str, visibility: str = Visibility.PUBLIC) -> ReportUpdate:
    return ReportUpdate.objects.create(
        report=report, kind=ReportUpdate.Kind.REPLY, visibility=visibility, text=text
    )


# --------------------------------------------------------------------------- the fixtures


def fixture(name: str) -> bytes:
    return shared_file("open311", f"cfa_fixture_{name}.xml").read_bytes()


def test_the_client_reads_the_403_fixture_past_its_http_status_line():
    assert errors(fixture("403")) == [
        (None, "Invalid api_key received -- can't proceed with create_request.")
    ]


def test_the_client_reads_the_not_found_fixture():
    assert errors(fixture("get_service_request_not_found")) == [
        ("404", "Service request not found with id or token not-an-id")
    ]


def test_the_client_reads_the_services_fixture():
    listed = services(fixture("services"))
    assert len(listed) == 36
    assert listed[0]["service_code"] == "001" and listed[0]["metadata"] == "false"
    assert set(listed[0]) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }


def test_the_client_reads_the_service_definition_fixture():
    found = definition(fixture("service_definition"))
    assert found["service_code"] == "DMV66"
    assert found["attributes"][0]["code"] == "WHISHETN"
    assert found["attributes"][0]["values"] == [
        {"key": "123", "name": "Ford"},
        {"key": "124", "name": "Chrysler"},
    ]


def test_the_client_reads_the_service_requests_fixtures():
    listed = service_requests(fixture("service_requests"))
    assert [r["service_request_id"] for r in listed] == ["638344", "638349"]
    assert list(listed[0]) == REQUEST_FIELDS
    assert service_requests(fixture("get_service_request"))[0]["status"] == "closed"
    assert service_requests(fixture("service_requests_empty")) == []


def test_the_client_reads_the_post_and_token_fixtures():
    posted = service_requests(fixture("post_service_request"))[0]
    assert posted["service_request_id"] == "293944" and "inspect" in posted["service_notice"]
    assert service_requests(fixture("request_id_from_token")) == [
        {"service_request_id": "638344", "token": "12345"}
    ]


# --------------------------------------------------------------------------- our XML, same shapes


@pytest.mark.django_db
def test_our_services_read_like_the_fixture(client):
    ours = services(client.get(f"{BASE}services.xml").content)
    assert ours and set(ours[0]) == set(services(fixture("services"))[0])


@pytest.mark.django_db
def test_our_service_definition_reads_like_the_fixture(client):
    ours = definition(client.get(f"{BASE}services/officer-complaint.xml").content)
    theirs = definition(fixture("service_definition"))
    assert set(ours) == set(theirs)
    assert set(ours["attributes"][0]) == set(theirs["attributes"][0])
    assert set(ours["attributes"][0]["values"][0]) == {"key", "name"}


@pytest.mark.django_db
def test_our_service_requests_read_like_the_fixture(client, filed):
    ours = service_requests(client.get(f"{BASE}requests.xml").content)
    assert list(ours[0]) == list(service_requests(fixture("service_requests"))[0])


@pytest.mark.django_db
def test_our_single_request_reads_like_the_fixture(client, filed):
    answer = client.get(f"{BASE}requests/{filed.report.public_id}.xml")
    assert list(service_requests(answer.content)[0]) == REQUEST_FIELDS


@pytest.mark.django_db
def test_our_empty_list_reads_like_the_empty_fixture(client):
    assert service_requests(client.get(f"{BASE}requests.xml").content) == []


@pytest.mark.django_db
def test_our_not_found_reads_like_the_fixture(client):
    answer = client.get(f"{BASE}requests/NOTANID.xml")
    [(code, description)] = errors(answer.content)
    assert code == "404" and "not found" in description


@pytest.mark.django_db
def test_our_token_answer_reads_like_the_fixture(client, filed):
    answer = client.get(f"{BASE}tokens/{filed.report.token}.xml")
    assert set(service_requests(answer.content)[0]) == {"service_request_id", "token"}


@pytest.mark.django_db
def test_our_post_answer_reads_like_the_fixture(client, adam):
    answer = post(
        client,
        "xml",
        api_key=new_key(adam),
        service_code="graffiti",
        lat="45.519",
        long="-122.6794",
        description="Tag on the mailbox.",
    )
    ours = service_requests(answer.content)[0]
    assert set(ours) == set(service_requests(fixture("post_service_request"))[0])
