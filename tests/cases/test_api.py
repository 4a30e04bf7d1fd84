"""The cases API: cases, links, notes, and tags and notes on items."""

from __future__ import annotations

from django.test import Client

from evidentia.accounts import services as accounts
from evidentia.cases import services as cases
from evidentia.cases.models import CaseItem
from tests.cases.conftest import api


def test_a_detective_lists_his_cases(ivan, ivans_case, as_user):
    body = api(as_user(ivan), "get", "/api/v1/cases").json()
    assert [c["number"] for c in body] == ["2026-0042"]
    assert body[0]["incident_number"] == "CAD-7781" and body[0]["items"] == 0


def test_an_unknown_status_filter_is_a_clear_422(ivan, as_user):
    response = api(as_user(ivan), "get", "/api/v1/cases?status=solved")
    assert response.status_code == 422 and "status must be one of" in response.json()["detail"]


def test_a_case_is_created_with_members_by_username(ivan, olivia, as_user):
    response = api(
        as_user(ivan),
        "post",
        "/api/v1/cases",
        {"number": "2026-5", "title": "Arson", "incident_number": "CAD-5", "members": ["olivia"]},
    )
    assert response.status_code == 201, response.content
    assert {m["username"] for m in response.json()["members"]} == {"ivan", "olivia"}


def test_an_unknown_member_is_named_in_the_refusal(ivan, as_user):
    response = api(
        as_user(ivan), "post", "/api/v1/cases", {"number": "1", "title": "t", "members": ["nobody"]}
    )
    assert response.status_code == 422 and "nobody" in response.json()["detail"]


def test_an_officer_token_cannot_open_a_case(olivia):
    _, secret = accounts.create_token(olivia, name="t", scopes=["evidence:write"], actor=olivia)
    response = Client().post(
        "/api/v1/cases",
        {"number": "1", "title": "t"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 403


def test_linking_and_unlinking_through_the_api(ivan, olivia, olivias_clip, ivans_case, as_user):
    cases.add_member(ivans_case, olivia, actor=ivan)
    client = as_user(olivia)
    path = f"/api/v1/cases/{ivans_case.pk}/items"
    assert api(client, "post", path, {"item_id": str(olivias_clip.pk)}).status_code == 201
    assert api(client, "post", path, {"item_id": str(olivias_clip.pk)}).status_code == 200
    # an officer member adds evidence; removing it is for those who manage the case
    assert api(client, "delete", f"{path}/{olivias_clip.pk}").status_code == 403
    assert api(as_user(ivan), "delete", f"{path}/{olivias_clip.pk}").json() == {"unlinked": True}
    assert not CaseItem.objects.exists()


def test_a_case_shows_its_evidence_and_notes(ivan, olivias_clip, ivans_case, as_user):
    cases.link_item(ivans_case, olivias_clip, actor=ivan)
    client = as_user(ivan)
    note = api(client, "post", f"/api/v1/cases/{ivans_case.pk}/notes", {"text": "Warrant out."})
    assert note.status_code == 201
    body = api(client, "get", f"/api/v1/cases/{ivans_case.pk}").json()
    assert body["evidence"][0]["id"] == str(olivias_clip.pk) and body["items"] == 1
    assert body["notes"][0]["text"] == "Warrant out."


def test_a_malformed_case_id_is_a_4xx_not_a_500(ivan, as_user):
    assert api(as_user(ivan), "get", "/api/v1/cases/not-a-uuid").status_code in (404, 422)


def test_an_item_is_tagged_and_untagged_through_the_api(olivia, olivias_clip, as_user):
    client = as_user(olivia)
    path = f"/api/v1/cases/items/{olivias_clip.pk}/tags"
    created = api(client, "post", path, {"name": "Use of Force"})
    assert created.status_code == 201 and created.json()[0]["name"] == "use of force"
    assert api(client, "post", path, {"name": "use of force"}).status_code == 200
    assert api(client, "delete", f"{path}/use of force").json() == []


def test_an_item_note_is_added_and_listed_through_the_api(olivia, olivias_clip, as_user):
    client = as_user(olivia)
    path = f"/api/v1/cases/items/{olivias_clip.pk}/notes"
    assert api(client, "post", path, {"text": "Audio drops at 2:10."}).status_code == 201
    body = api(client, "get", path).json()
    assert body[0]["text"] == "Audio drops at 2:10." and body[0]["author"] == "Olivia"


def test_an_items_cases_are_listed_for_the_evidence_page(ivan, olivias_clip, ivans_case, as_user):
    cases.link_item(ivans_case, olivias_clip, actor=ivan)
    body = api(as_user(ivan), "get", f"/api/v1/cases/items/{olivias_clip.pk}/cases").json()
    assert [c["number"] for c in body] == ["2026-0042"]


def test_a_session_post_without_the_csrf_token_is_refused(olivia, olivias_clip, as_user):
    client = as_user(olivia)
    client.handler.enforce_csrf_checks = True
    response = api(client, "post", f"/api/v1/cases/items/{olivias_clip.pk}/tags", {"name": "x"})
    assert response.status_code == 403
