"""Who reaches the staff pages: administrators only, role by role."""

from __future__ import annotations

import pytest

PERSONAS = ["olivia", "oscar", "sam", "carmen", "ivan", "stella", "petra", "audrey"]


def test_an_administrator_sees_the_policies_pages(as_user, adam, policy, period):
    client = as_user(adam)
    assert client.get("/policies/").status_code == 200
    page = client.get("/policies/body-worn-cameras/")
    assert page.status_code == 200 and "Open a comment period" in page.content.decode()
    assert client.get("/policies/body-worn-cameras/compare/").status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "path", ["/policies/", "/policies/body-worn-cameras/", "/policies/body-worn-cameras/compare/"]
)
def test_other_roles_are_refused_the_staff_pages(as_user, request, persona, path, policy):
    answer = as_user(request.getfixturevalue(persona)).get(path)
    assert answer.status_code == 403
    assert "Only an administrator" in answer.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_other_roles_cannot_publish_through_the_form(as_user, request, persona, policy):
    answer = as_user(request.getfixturevalue(persona)).post(
        "/policies/body-worn-cameras/publish/", {"body": "Mine.", "change_note": "x"}
    )
    assert answer.status_code == 403
    assert policy.policy.versions.count() == 2


def test_someone_signed_out_is_sent_to_sign_in(client, policy):
    answer = client.get("/policies/")
    assert answer.status_code == 302 and "login" in answer["Location"]


def test_an_administrator_publishes_through_the_form(as_user, adam, policy):
    answer = as_user(adam).post(
        "/policies/body-worn-cameras/publish/",
        {"body": "Officers record from dispatch, always.", "change_note": "Always."},
    )
    assert answer.status_code == 302
    assert policy.policy.versions.count() == 3


def test_an_administrator_moderates_and_answers_through_the_forms(as_user, adam, period):
    from evidentia.policies.services import comments

    comment = comments.submit(period, body="My phone is 555-0100. Good idea.")
    client = as_user(adam)
    client.post(
        f"/policies/comments/{comment.pk}/moderate/",
        {"action": "edit", "public_text": "Good idea.", "reason": "Phone removed"},
    )
    client.post(f"/policies/comments/{comment.pk}/respond/", {"response": "Thank you."})
    comment.refresh_from_db()
    assert (comment.public_body, comment.response) == ("Good idea.", "Thank you.")
    assert comment.body.startswith("My phone")


def test_a_bad_form_shows_the_reason_and_keeps_the_text(as_user, adam, policy):
    answer = as_user(adam).post(
        "/policies/body-worn-cameras/periods/",
        {"version": "2", "opens_on": "2026-13-01", "closes_on": "", "introduction": "Keep me"},
    )
    assert answer.status_code == 422
    assert "YYYY-MM-DD" in answer.content.decode() and "Keep me" in answer.content.decode()
