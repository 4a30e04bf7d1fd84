"""Who sees which reports, role by role; a refused look is a 404."""

from __future__ import annotations

import pytest

from evidentia.accounts.models import Role
from evidentia.useofforce import services
from tests.conftest import make_user
from tests.useofforce.conftest import draft, filed

SEES_ALL = ["stella", "adam", "audrey"]


@pytest.fixture
def world(olivia, oscar, sam, adam):
    """Olivia's (North) and Oscar's (South) submitted reports, and Olivia's draft."""
    return {"north": filed(olivia), "south": filed(oscar), "draft": draft(olivia)}


def test_an_officer_sees_only_their_own_reports(world, olivia, as_user):
    assert set(services.visible_reports(olivia)) == {world["north"], world["draft"]}
    assert as_user(olivia).get(f"/force/{world['south'].pk}/").status_code == 404


def test_a_supervisor_sees_their_units_submitted_reports(world, sam, as_user):
    assert set(services.visible_reports(sam)) == {world["north"]}
    client = as_user(sam)
    assert client.get(f"/force/{world['north'].pk}/").status_code == 200
    assert client.get(f"/force/{world['south'].pk}/").status_code == 404
    assert client.get(f"/force/{world['draft'].pk}/").status_code == 404


def test_a_supervisor_sees_a_report_forwarded_to_them(world, sam, south):
    sid = make_user("sid", Role.SUPERVISOR, south)
    services.forward(sid, world["south"], "sam")
    assert world["south"] in services.visible_reports(sam)


@pytest.mark.parametrize("who", SEES_ALL)
def test_standards_admins_and_auditors_see_all_submitted_reports(world, who, request, as_user):
    user = request.getfixturevalue(who)
    assert set(services.visible_reports(user)) == {world["north"], world["south"]}
    page = as_user(user).get("/force/?view=all").content.decode()
    assert world["north"].reference in page and world["south"].reference in page
    assert world["draft"].reference not in page


@pytest.mark.parametrize("who", ["carmen", "ivan", "petra"])
def test_others_see_no_reports(world, who, request, as_user):
    user = request.getfixturevalue(who)
    assert not services.visible_reports(user).exists()
    assert as_user(user).get(f"/force/{world['north'].pk}/").status_code == 404


@pytest.mark.parametrize("who", ["carmen", "petra"])
def test_roles_without_reports_get_no_list(who, request, as_user):
    assert as_user(request.getfixturevalue(who)).get("/force/").status_code == 404


def test_an_investigator_sees_the_list_of_their_own_reports_only(world, ivan, as_user):
    page = as_user(ivan).get("/force/?view=all").content.decode()
    assert world["north"].reference not in page


def test_the_auditor_reads_but_sees_no_review_buttons(world, audrey, as_user):
    page = as_user(audrey).get(f"/force/{world['north'].pk}/").content.decode()
    assert "Approve" not in page
    assert (
        as_user(audrey)
        .post(f"/force/{world['north'].pk}/review", {"action": "approve"})
        .status_code
        == 403
    )


def test_the_reviewer_sees_the_buttons_and_the_officer_does_not(world, sam, olivia, as_user):
    assert "Approve" in as_user(sam).get(f"/force/{world['north'].pk}/").content.decode()
    assert "Approve" not in as_user(olivia).get(f"/force/{world['north'].pk}/").content.decode()


def test_the_review_queue_lists_what_awaits_me(world, sam, as_user):
    page = as_user(sam).get("/force/?view=review").content.decode()
    assert world["north"].reference in page
    assert world["south"].reference not in page


def test_lists_filter_by_status(world, sam, adam, as_user):
    services.approve(sam, world["north"])
    page = as_user(adam).get("/force/?view=all&status=approved").content.decode()
    assert world["north"].reference in page
    assert world["south"].reference not in page


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/force/")
    assert response.status_code == 302
    assert "login" in response["Location"]
