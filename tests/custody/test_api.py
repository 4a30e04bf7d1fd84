"""The custody API: a public checkpoint, proofs and events for signed-in users."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from evidentia.cases import services as cases
from evidentia.custody import events, ledger
from tests.custody import rfc6962
from tests.evidence.helpers import ingest_bytes


@pytest.fixture
def filled(db, olivia):
    for i in range(12):
        ledger.record(events.METADATA_VIEWED, actor=olivia, detail={"i": i})
    ledger.sign_checkpoint()


def test_anyone_can_fetch_the_signed_checkpoint(filled):
    body = Client().get("/api/v1/custody/checkpoint").json()
    _, size, root = rfc6962.open_checkpoint(body["note"], body["verifier_key"])
    assert size == body["tree_size"] == 12
    assert base64.b64decode(body["root_hash"]) == root


def test_an_inclusion_proof_over_the_api_verifies_against_the_checkpoint(filled, audrey, as_user):
    client = as_user(audrey)
    checkpoint = Client().get("/api/v1/custody/checkpoint").json()
    _, size, root = rfc6962.open_checkpoint(checkpoint["note"], checkpoint["verifier_key"])
    for seq in (0, 5, 11):
        proof = client.get(f"/api/v1/custody/proof/inclusion?seq={seq}&tree_size={size}").json()
        leaf = rfc6962.leaf(proof["event_json"].encode())
        assert base64.b64decode(proof["leaf_hash"]) == leaf
        path = [base64.b64decode(h) for h in proof["audit_path"]]
        assert rfc6962.root_from_inclusion(seq, size, leaf, path) == root


def test_proofs_need_a_signed_in_user(filled):
    response = Client().get("/api/v1/custody/proof/inclusion?seq=1")
    assert response.status_code == 401
    assert "Sign in" in response.json()["detail"]


def test_a_proof_for_an_event_that_does_not_exist_is_a_clear_400(filled, audrey, as_user):
    response = as_user(audrey).get("/api/v1/custody/proof/inclusion?seq=999&tree_size=12")
    assert response.status_code == 400
    assert "not in a tree" in response.json()["detail"]


def test_a_consistency_proof_is_served(filled, audrey, as_user):
    body = as_user(audrey).get("/api/v1/custody/proof/consistency?first=3&second=12").json()
    assert body["first"] == 3 and len(body["proof"]) > 0


def test_events_for_an_item_list_its_custody(db, olivia, as_user):
    item = ingest_bytes(b"bodycam bytes", officer=olivia)
    rows = as_user(olivia).get(f"/api/v1/custody/events?item={item.pk}").json()
    assert [r["kind"] for r in rows] == [events.INGESTED]


def test_events_for_an_item_are_hidden_from_officers_who_cannot_see_it(db, olivia, oscar, as_user):
    item = ingest_bytes(b"olivia's recording", officer=olivia)
    response = as_user(oscar).get(f"/api/v1/custody/events?item={item.pk}")
    assert response.status_code == 404


def test_events_for_a_case_include_its_items(db, olivia, ivan, as_user):
    item = ingest_bytes(b"case evidence", officer=olivia)
    case = cases.create_case(number="2026-1", title="Burglary", actor=ivan)
    cases.link_item(case, item, actor=ivan)
    kinds = [r["kind"] for r in as_user(ivan).get(f"/api/v1/custody/events?case={case.pk}").json()]
    assert kinds == [events.INGESTED, events.CASE_CREATED, events.CASE_ITEM_LINKED]


def test_a_restricted_case_is_invisible_to_non_members(db, stella, carmen, as_user):
    case = cases.create_case(number="IA-1", title="Internal", actor=stella, restricted=True)
    response = as_user(carmen).get(f"/api/v1/custody/events?case={case.pk}")
    assert response.status_code == 404
