"""Only custodians request, approve, hold and release; administrators and auditors read."""

from __future__ import annotations

import pytest

from evidentia.core.errors import PermissionDenied
from evidentia.retention import services
from evidentia.retention.models import Disposition, LegalHold


@pytest.mark.parametrize("who", ["olivia", "sam", "ivan", "audrey", "adam", "petra"])
def test_only_custodians_request(old_note, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.request_disposition(old_note, user, "period ended")


@pytest.mark.parametrize("who", ["ivan", "audrey", "adam"])
def test_only_custodians_approve(old_note, carmen, who, request):
    d = services.request_disposition(old_note, carmen, "period ended")
    with pytest.raises(PermissionDenied):
        services.approve(d, request.getfixturevalue(who))


@pytest.mark.parametrize("who", ["olivia", "audrey", "adam"])
def test_only_custodians_place_holds(old_note, who, request):
    with pytest.raises(PermissionDenied):
        services.place_hold(actor=request.getfixturevalue(who), reason="x", item=old_note)


@pytest.mark.parametrize("who", ["carmen", "audrey", "adam"])
def test_custodians_admins_and_auditors_read_the_queue(old_note, who, request, as_user):
    response = as_user(request.getfixturevalue(who)).get("/retention/")
    assert response.status_code == 200
    assert old_note.title in response.content.decode()


@pytest.mark.parametrize("who", ["olivia", "ivan", "petra"])
def test_others_do_not_see_the_queue(old_note, who, request, as_user):
    assert as_user(request.getfixturevalue(who)).get("/retention/").status_code == 403


def test_readers_see_no_buttons(old_note, audrey, as_user):
    page = as_user(audrey).get("/retention/").content.decode()
    assert "Request disposition" not in page
    assert "Place legal hold" not in page


def test_a_custodian_requests_and_another_approves_from_the_page(
    old_note, carmen, cora, as_user, settings
):
    settings.RETENTION_SHRED_ON_APPROVAL = False
    response = as_user(carmen).post(
        f"/retention/items/{old_note.pk}/request", {"reason": "Period ended"}
    )
    assert response.status_code == 302
    d = Disposition.objects.get(item=old_note)
    mine = as_user(carmen).post(f"/retention/{d.pk}/approve")
    assert mine.status_code == 409
    assert "two-person rule" in mine.content.decode()
    assert as_user(cora).post(f"/retention/{d.pk}/approve").status_code == 302
    d.refresh_from_db()
    assert d.state == "approved"


def test_a_refusal_on_the_page_says_why(old_note, carmen, as_user):
    client = as_user(carmen)
    assert (
        client.post("/retention/holds/", {"target": str(old_note.pk), "reason": "Suit"}).status_code
        == 302
    )
    assert LegalHold.objects.filter(item=old_note).exists()
    response = client.post(f"/retention/items/{old_note.pk}/request", {"reason": "Period ended"})
    assert response.status_code == 409
    assert "legal hold" in response.content.decode()


def test_the_page_escapes_what_people_typed(old_note, carmen, as_user):
    services.place_hold(actor=carmen, reason="<script>alert(1)</script>", item=old_note)
    page = as_user(carmen).get("/retention/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
