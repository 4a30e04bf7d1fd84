"""Community alerts: supervisors and administrators publish and withdraw; each is in
the ledger; bad input gets a message next to the field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from evidentia.community.models import Alert
from evidentia.community.services import alerts
from evidentia.community.services.reports import Invalid
from evidentia.core.errors import Conflict, PermissionDenied
from evidentia.custody import events
from tests.community.staff import last_event

pytestmark = pytest.mark.django_db


def publish(actor, **fields) -> Alert:
    values = {
        "title": "Road closed on SW Morrison",
        "body": "A gas leak is being repaired. Use SW Yamhill instead.",
        "area": "SW Morrison St between 5th and 6th",
        "lat": 45.5185,
        "lon": -122.6781,
        "radius_m": 200,
        "expires_at": timezone.now() + timedelta(days=1),
    }
    return alerts.publish(**(values | fields), actor=actor)


def test_a_supervisor_publishes_a_live_alert(sam):
    alert = publish(sam)
    assert alert.live and alert.author == sam


def test_publishing_is_in_the_ledger(sam):
    alert = publish(sam)
    detail = last_event(events.ALERT_PUBLISHED)["detail"]
    assert detail["alert"] == str(alert.pk) and detail["title"] == "Road closed on SW Morrison"


def test_an_investigator_cannot_publish_an_alert(ivan):
    with pytest.raises(PermissionDenied):
        publish(ivan)
    assert not Alert.objects.exists()


def test_an_expiry_in_the_past_is_refused_next_to_the_field(sam):
    with pytest.raises(Invalid) as refused:
        publish(sam, expires_at=timezone.now() - timedelta(hours=1))
    assert set(refused.value.errors) == {"expires_at"}


def test_a_place_outside_the_service_area_is_refused(sam):
    with pytest.raises(Invalid) as refused:
        publish(sam, lat=40.7128, lon=-74.0060)
    assert "outside" in refused.value.errors["lat"]


def test_an_alert_without_a_place_on_the_map_is_fine(adam):
    alert = publish(adam, lat=None, lon=None, radius_m=None)
    assert alert.lat is None and alert.live


def test_withdrawing_ends_the_alert_and_is_logged(sam):
    alert = alerts.withdraw(publish(sam), actor=sam)
    assert not alert.live and alerts.state(alert) == "withdrawn"
    assert last_event(events.ALERT_WITHDRAWN)["detail"]["alert"] == str(alert.pk)


def test_withdrawing_twice_is_refused(sam):
    alert = alerts.withdraw(publish(sam), actor=sam)
    with pytest.raises(Conflict):
        alerts.withdraw(alert, actor=sam)


def test_a_published_alert_is_never_shown_as_scheduled(sam):
    alert = publish(sam)
    # Publishing stamps "now"; a web server whose clock runs behind must still say live.
    Alert.objects.filter(pk=alert.pk).update(published_at=timezone.now() + timedelta(seconds=5))
    assert alerts.state(Alert.objects.get(pk=alert.pk)) == "live"


def test_the_page_lists_alerts_and_offers_the_form_to_a_supervisor(sam, as_user):
    publish(sam)
    page = as_user(sam).get("/community/alerts/").content.decode()
    assert "Road closed on SW Morrison" in page and "Publish an alert" in page


def test_the_page_shows_no_form_to_an_investigator(sam, ivan, as_user):
    publish(sam)
    page = as_user(ivan).get("/community/alerts/").content.decode()
    assert "Road closed on SW Morrison" in page and "Publish an alert" not in page


def test_the_form_publishes_and_redirects_with_a_message(sam, as_user):
    when = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    answer = as_user(sam).post(
        "/community/alerts/",
        {"title": "Fair on Saturday", "body": "Expect crowds.", "area": "Pioneer Square",
         "expires_at": when},
        follow=True,
    )  # fmt: skip
    assert answer.status_code == 200 and b"is published on the portal" in answer.content
    assert Alert.objects.get().title == "Fair on Saturday"


def test_the_form_shows_errors_next_to_the_fields(sam, as_user):
    answer = as_user(sam).post("/community/alerts/", {"title": "", "expires_at": "soon"})
    assert answer.status_code == 422
    html = answer.content.decode()
    assert 'id="id_title-error"' in html and 'id="id_expires_at-error"' in html


def test_an_investigator_posting_the_form_is_refused(ivan, as_user):
    answer = as_user(ivan).post("/community/alerts/", {"title": "x"})
    assert answer.status_code == 403 and not Alert.objects.exists()
