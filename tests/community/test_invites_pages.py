"""The invite pages: create (the link and QR code shown once), list, revoke."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from evidentia.cases import services as cases
from evidentia.community.models import Invite
from evidentia.community.services._common import digest

pytestmark = pytest.mark.django_db
FORM = {"label": "Bus driver", "email": "", "message": "", "days": 7, "max_files": 5, "max_mb": 50}


@pytest.fixture
def case(ivan):
    return cases.create_case(number="2026-0042", title="Bus stop assault", actor=ivan)


def create(client, case, **fields):
    return client.post("/community/invites/new/", {"case": case.pk, **FORM, **fields})


def shown_token(page: str) -> str:
    found = re.search(r"/public/invite/([A-Za-z0-9_-]{40,})/", page)
    assert found, "no invite link on the page"
    return found.group(1)


def test_the_form_opens_for_a_member(case, ivan, as_user):
    page = as_user(ivan).get(f"/community/invites/new/?case={case.pk}")
    assert page.status_code == 200 and b"Invite a witness" in page.content


def test_the_link_and_its_qr_code_are_shown_after_creation(case, ivan, as_user):
    page = create(as_user(ivan), case)
    assert page.status_code == 201
    html = page.content.decode()
    token = shown_token(html)
    assert Invite.objects.get().token_hash == digest(token)
    assert "<svg" in html and "shown only now" in html
    assert "no-store" in page["Cache-Control"]


def test_the_link_shown_is_a_full_address_when_no_public_origin_is_set(
    case, ivan, as_user, settings
):
    settings.PORTAL_BASE_URL = ""
    html = create(as_user(ivan), case).content.decode()
    shown = re.search(r"data-invite-link>([^<]+)<", html)
    assert shown and shown.group(1).startswith("http://testserver/public/invite/")


def test_the_link_emailed_is_a_full_address_when_no_public_origin_is_set(
    case, ivan, as_user, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_BASE_URL = ""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = create(as_user(ivan), case, email="driver@example.org")
    token = shown_token(page.content.decode())
    assert f"http://testserver/public/invite/{token}/" in mail.outbox[0].body


def test_the_link_is_never_shown_again(case, ivan, as_user):
    client = as_user(ivan)
    token = shown_token(create(client, case).content.decode())
    listing = client.get(f"/community/cases/{case.pk}/invites/").content.decode()
    assert "Bus driver" in listing and token not in listing


def test_bad_input_is_shown_next_to_the_field(case, ivan, as_user):
    page = create(as_user(ivan), case, label="", email="nope", days=400)
    assert page.status_code == 422
    html = page.content.decode()
    assert 'id="id_label-error"' in html and 'id="id_email-error"' in html
    assert 'id="id_days-error"' in html and not Invite.objects.exists()


def test_a_non_member_is_refused_the_form(case, olivia, as_user):
    page = as_user(olivia).get(f"/community/invites/new/?case={case.pk}")
    assert page.status_code == 404  # Olivia cannot see Ivan's case at all


def test_a_supervisor_who_sees_the_case_but_is_not_a_member_may_not_invite(case, sam, as_user):
    page = create(as_user(sam), case)
    assert page.status_code == 403 and not Invite.objects.exists()


def test_a_restricted_case_is_not_found_for_outsiders(stella, carmen, as_user):
    ia = cases.create_case(number="IA-1", title="Complaint", actor=stella, restricted=True)
    assert as_user(carmen).get(f"/community/invites/new/?case={ia.pk}").status_code == 404
    assert as_user(carmen).get(f"/community/cases/{ia.pk}/invites/").status_code == 404


def test_a_malformed_case_id_is_not_found(ivan, as_user):
    assert as_user(ivan).get("/community/invites/new/?case=nonsense").status_code == 404
    assert as_user(ivan).get("/community/invites/new/").status_code == 404


def test_the_revoke_button_revokes_and_says_so(case, ivan, as_user):
    client = as_user(ivan)
    create(client, case)
    invite = Invite.objects.get()
    answer = client.post(f"/community/invites/{invite.pk}/revoke", follow=True)
    assert answer.status_code == 200 and b"revoked" in answer.content
    invite.refresh_from_db()
    assert invite.state == "revoked"


def test_the_case_page_links_to_its_invites(case, ivan, as_user):
    page = as_user(ivan).get(f"/cases/{case.pk}/").content.decode()
    assert f"/community/cases/{case.pk}/invites/" in page
    assert f"/community/invites/new/?case={case.pk}" in page


def test_an_empty_list_says_how_to_invite(case, ivan, as_user):
    page = as_user(ivan).get(f"/community/cases/{case.pk}/invites/").content.decode()
    assert "No invites for this case yet" in page
