"""The pages, role by role: who sees which alert, forwarding, recording the intervention."""

from __future__ import annotations

import json

import pytest

from evidentia.accounts.models import Role
from evidentia.custody import events as ev
from evidentia.custody.models import Event
from evidentia.intervention.models import Alert, AlertStatus, Rule
from evidentia.intervention.services.evaluate import evaluate
from tests.conftest import make_user
from tests.intervention.conftest import AS_OF, complaint, days_ago, force

pytestmark = pytest.mark.django_db

NOBODY = ["olivia", "oscar", "carmen", "ivan", "petra", "audrey"]


@pytest.fixture
def force_alert(force_count, olivia, sam) -> Alert:
    for d in (1, 2, 3):
        force(olivia, days_ago(d))
    evaluate(AS_OF)
    return Alert.objects.get(rule=force_count)


@pytest.fixture
def complaint_alert(complaint_count, olivia, sam) -> Alert:
    complaint(olivia, days_ago(5), kind="bias", summary="Complainant's private account")
    complaint(olivia, days_ago(6))
    evaluate(AS_OF)
    return Alert.objects.get(rule=complaint_count)


@pytest.fixture
def both(force_count, complaint_count, olivia, sam) -> dict[str, Alert]:
    Rule.objects.filter(pk=force_count.pk).update(active=True)  # `only` turned it off
    for d in (1, 2, 3):
        force(olivia, days_ago(d))
    complaint(olivia, days_ago(5), kind="bias", summary="Complainant's private account")
    complaint(olivia, days_ago(6))
    evaluate(AS_OF)
    return {
        "force": Alert.objects.get(rule=force_count),
        "complaint": Alert.objects.get(rule=complaint_count),
    }


def kinds() -> list[str]:
    return list(Event.objects.order_by("seq").values_list("kind", flat=True))


@pytest.mark.parametrize("who", ["stella", "adam"])
def test_standards_and_admin_see_every_alert(both, who, request, as_user):
    page = as_user(request.getfixturevalue(who)).get("/intervention/").content.decode()
    assert str(both["force"].pk) in page and str(both["complaint"].pk) in page


def test_the_supervisor_sees_the_unrestricted_alert_only_even_in_counts(both, sam, as_user):
    page = as_user(sam).get("/intervention/").content.decode()
    assert str(both["force"].pk) in page
    assert str(both["complaint"].pk) not in page
    assert "Open alerts (1)" in page
    assert "2 complaints in 180 days" not in page


@pytest.mark.parametrize("who", NOBODY)
def test_others_get_a_404_for_the_list(both, who, request, as_user):
    assert as_user(request.getfixturevalue(who)).get("/intervention/").status_code == 404


@pytest.mark.parametrize("who", NOBODY)
def test_others_get_a_404_for_an_alert(both, who, request, as_user):
    client = as_user(request.getfixturevalue(who))
    assert client.get(f"/intervention/{both['force'].pk}/").status_code == 404


def test_a_supervisor_of_another_unit_gets_a_404(force_alert, south, as_user):
    sid = make_user("sid", Role.SUPERVISOR, south)
    assert as_user(sid).get(f"/intervention/{force_alert.pk}/").status_code == 404
    assert str(force_alert.pk) not in as_user(sid).get("/intervention/").content.decode()


def test_a_supervisor_does_not_see_an_alert_about_themselves(force_count, sam, north, as_user):
    other = make_user("sal", Role.SUPERVISOR, north)
    for d in (1, 2, 3):
        force(sam, days_ago(d))
    evaluate(AS_OF)
    alert = Alert.objects.get(officer=sam)
    assert alert.supervisor == other
    assert as_user(sam).get(f"/intervention/{alert.pk}/").status_code == 404
    assert as_user(other).get(f"/intervention/{alert.pk}/").status_code == 200


def test_the_anonymous_visitor_is_sent_to_sign_in(force_alert, client):
    assert client.get("/intervention/").status_code == 302


def test_the_alert_page_shows_the_rule_numbers_and_records(force_alert, sam, as_user):
    page = as_user(sam).get(f"/intervention/{force_alert.pk}/").content.decode()
    assert "3 or more use-of-force reports in 90 days" in page
    assert "Count in the window" in page
    for r in force_alert.supporting:
        assert r["reference"] in page
        assert f"/force/{r['id']}/" in page


def test_opening_an_alert_is_recorded_once_per_session(force_alert, sam, as_user):
    client = as_user(sam)
    client.get(f"/intervention/{force_alert.pk}/")
    client.get(f"/intervention/{force_alert.pk}/")
    assert kinds().count(ev.EI_ALERT_VIEWED) == 1


def test_the_supervisor_cannot_open_a_restricted_alert_before_it_is_forwarded(
    complaint_alert, sam, as_user
):
    assert as_user(sam).get(f"/intervention/{complaint_alert.pk}/").status_code == 404


def test_the_supervisor_cannot_forward(complaint_alert, sam, as_user):
    response = as_user(sam).post(f"/intervention/{complaint_alert.pk}/forward")
    assert response.status_code == 404
    assert Alert.objects.get().forwarded_at is None


def test_standards_forwards_and_the_supervisor_then_sees_only_the_summary(
    complaint_alert, stella, sam, as_user
):
    response = as_user(stella).post(f"/intervention/{complaint_alert.pk}/forward", {"note": "ok"})
    assert response.status_code == 302
    assert ev.EI_ALERT_FORWARDED in kinds()
    page = as_user(sam).get(f"/intervention/{complaint_alert.pk}/").content.decode()
    for r in complaint_alert.supporting:
        assert r["reference"] in page and r["date"] in page
    assert "Bias" in page
    assert "private account" not in page and "Swore" not in page
    assert "/standards/" not in page


def test_forwarding_twice_is_a_conflict(complaint_alert, stella, as_user):
    client = as_user(stella)
    client.post(f"/intervention/{complaint_alert.pk}/forward")
    assert client.post(f"/intervention/{complaint_alert.pk}/forward").status_code == 409
    assert kinds().count(ev.EI_ALERT_FORWARDED) == 1


def test_an_unrestricted_alert_cannot_be_forwarded(force_alert, stella, as_user):
    assert as_user(stella).post(f"/intervention/{force_alert.pk}/forward").status_code == 409


def test_the_supervisor_records_the_intervention_and_closes_the_alert(force_alert, sam, as_user):
    response = as_user(sam).post(
        f"/intervention/{force_alert.pk}/record",
        {
            "intervention": "training",
            "note": "De-escalation refresher",
            "outcome": "Done",
            "close": "on",
        },
    )
    assert response.status_code == 302
    alert = Alert.objects.get()
    assert (alert.status, alert.intervention, alert.closed_by) == (
        AlertStatus.CLOSED,
        "training",
        sam,
    )
    event = Event.objects.get(kind=ev.EI_INTERVENTION_RECORDED)
    detail = json.loads(event.body)["detail"]
    assert detail["intervention"] == "training" and detail["closed"] is True
    assert "refresher" not in event.body  # the text stays in the record; the ledger has a digest


def test_closing_without_an_outcome_is_refused_and_nothing_is_saved(force_alert, sam, as_user):
    response = as_user(sam).post(
        f"/intervention/{force_alert.pk}/record", {"intervention": "meeting", "close": "on"}
    )
    assert response.status_code == 422
    assert "outcome" in response.content.decode()
    alert = Alert.objects.get()
    assert alert.status == AlertStatus.OPEN and alert.intervention == ""
    assert ev.EI_INTERVENTION_RECORDED not in kinds()


def test_an_unknown_intervention_is_refused(force_alert, sam, as_user):
    response = as_user(sam).post(
        f"/intervention/{force_alert.pk}/record", {"intervention": "shout", "outcome": "x"}
    )
    assert response.status_code == 422


def test_a_closed_alert_cannot_be_recorded_again(force_alert, sam, as_user):
    client = as_user(sam)
    data = {"intervention": "none", "outcome": "Reviewed, nothing needed", "close": "on"}
    client.post(f"/intervention/{force_alert.pk}/record", data)
    assert client.post(f"/intervention/{force_alert.pk}/record", data).status_code == 409


def test_an_officer_cannot_record_on_their_own_alert(force_alert, olivia, as_user):
    response = as_user(olivia).post(
        f"/intervention/{force_alert.pk}/record", {"intervention": "none", "outcome": "x"}
    )
    assert response.status_code == 404


def test_a_closed_alert_moves_to_the_closed_list(force_alert, sam, as_user):
    client = as_user(sam)
    client.post(
        f"/intervention/{force_alert.pk}/record",
        {"intervention": "meeting", "outcome": "Talked", "close": "on"},
    )
    assert str(force_alert.pk) not in client.get("/intervention/").content.decode()
    assert str(force_alert.pk) in client.get("/intervention/?status=closed").content.decode()
