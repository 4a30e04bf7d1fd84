"""Evaluation on crafted records: the rules, idempotent re-runs, routing, the ledger."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail

from evidentia.custody import events as ev
from evidentia.custody.models import Event
from evidentia.intervention.models import Alert, AlertStatus, Method, RuleSource
from evidentia.intervention.services import record_intervention
from evidentia.intervention.services.evaluate import evaluate
from evidentia.useofforce.models import ReportStatus
from tests.intervention.conftest import AS_OF, calls, complaint, days_ago, force

pytestmark = pytest.mark.django_db


def raised_details() -> list[dict]:
    return [json.loads(e.body)["detail"] for e in Event.objects.filter(kind=ev.EI_ALERT_RAISED)]


def test_three_force_reports_in_90_days_raise_an_alert(force_count, olivia, sam):
    reports = [force(olivia, days_ago(d)) for d in (1, 30, 89)]
    evaluate(AS_OF)
    alert = Alert.objects.get(officer=olivia)
    assert alert.count == 3
    assert alert.rule == force_count
    assert alert.supervisor == sam
    assert alert.window_end == AS_OF and (AS_OF - alert.window_start).days == 89
    assert {r["reference"] for r in alert.supporting} == {r.reference for r in reports}
    assert not alert.restricted


def test_a_report_outside_the_window_does_not_count(force_count, olivia):
    force(olivia, days_ago(1))
    force(olivia, days_ago(2))
    force(olivia, days_ago(90))
    evaluate(AS_OF)
    assert not Alert.objects.exists()


def test_draft_reports_do_not_count(force_count, olivia):
    force(olivia, days_ago(1))
    force(olivia, days_ago(2))
    force(olivia, days_ago(3), status=ReportStatus.DRAFT)
    evaluate(AS_OF)
    assert not Alert.objects.exists()


def test_two_complaint_allegations_raise_a_restricted_alert(complaint_count, olivia, sam):
    complaint(olivia, days_ago(10))
    complaint(olivia, days_ago(170), kind="force")
    evaluate(AS_OF)
    alert = Alert.objects.get(officer=olivia)
    assert alert.restricted
    assert alert.supervisor == sam  # routed there once standards forwards it
    assert sorted(r["type"] for r in alert.supporting) == ["courtesy", "force"]


def test_the_ledger_event_carries_numbers_and_never_complaint_text(complaint_count, olivia):
    complaint(olivia, days_ago(10), summary="Secret complainant story 123")
    complaint(olivia, days_ago(20), summary="Another secret story 456")
    evaluate(AS_OF)
    (detail,) = raised_details()
    assert detail["officer"] == olivia.pk and detail["count"] == 2 and detail["restricted"]
    bodies = "".join(Event.objects.values_list("body", flat=True))
    assert "secret" not in bodies.lower() and "Swore" not in bodies


def test_re_evaluating_the_same_day_raises_nothing_new(force_count, olivia):
    for d in (1, 2, 3):
        force(olivia, days_ago(d))
    assert len(evaluate(AS_OF).raised) == 1
    again = evaluate(AS_OF)
    assert again.raised == [] and again.skipped == 1
    assert Alert.objects.count() == 1
    assert len(raised_details()) == 1


def test_no_new_alert_while_one_is_open(force_count, olivia):
    for d in (5, 6, 7):
        force(olivia, days_ago(d))
    evaluate(AS_OF)
    force(olivia, days_ago(0))
    evaluate(AS_OF + timedelta(days=1))  # a new report, but the first alert is open
    assert Alert.objects.filter(officer=olivia).count() == 1


def test_after_closing_only_new_records_raise_a_new_alert(force_count, olivia, sam):
    for d in (5, 6, 7):
        force(olivia, days_ago(d))
    evaluate(AS_OF)
    first = Alert.objects.get()
    record_intervention(first.pk, sam, intervention="meeting", outcome="Talked it through.")
    evaluate(AS_OF + timedelta(days=1))
    assert Alert.objects.count() == 1  # the same three reports: nothing new to show
    force(olivia, days_ago(-1, hour=1))
    evaluate(AS_OF + timedelta(days=1))
    assert Alert.objects.count() == 2
    assert Alert.objects.filter(status=AlertStatus.OPEN).get().count == 4


def test_the_supervisor_is_emailed_about_an_unrestricted_alert(
    force_count, olivia, sam, django_capture_on_commit_callbacks
):
    sam.email = "sam@example.org"
    sam.save()
    for d in (1, 2, 3):
        force(olivia, days_ago(d))
    with django_capture_on_commit_callbacks(execute=True):
        evaluate(AS_OF)
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert "early-intervention" in mail.outbox[0].subject


def test_a_restricted_alert_is_mailed_to_standards_not_the_supervisor(
    complaint_count, olivia, sam, stella, django_capture_on_commit_callbacks
):
    sam.email, stella.email = "sam@example.org", "stella@example.org"
    sam.save()
    stella.save()
    complaint(olivia, days_ago(1), summary="Private words")
    complaint(olivia, days_ago(2))
    with django_capture_on_commit_callbacks(execute=True):
        evaluate(AS_OF)
    assert [m.to for m in mail.outbox] == [["stella@example.org"]]
    assert "Private words" not in mail.outbox[0].body


def test_an_officer_in_a_unit_without_a_supervisor_still_gets_an_alert(force_count, oscar):
    for d in (1, 2, 3):
        force(oscar, days_ago(d))
    evaluate(AS_OF)
    assert Alert.objects.get(officer=oscar).supervisor is None


def test_the_peer_rule_flags_the_quiet_officer_not_the_busy_one(only, squad):
    rule = only(Method.PEER, RuleSource.USE_OF_FORCE, 2, 365, alpha=0.05)
    for name, n_calls, n_force in [
        ("busy", 200, 6),
        ("quiet", 50, 6),
        ("avg1", 100, 2),
        ("avg2", 100, 2),
    ]:
        calls(squad[name], n_calls)
        for i in range(n_force):
            force(squad[name], days_ago(10 + i))
    evaluate(AS_OF)
    alert = Alert.objects.get()
    assert alert.officer == squad["quiet"] and alert.rule == rule
    assert alert.calls == 50 and alert.count == 6
    assert alert.expected == pytest.approx(1.25)
    assert alert.p_value == pytest.approx(0.001838, abs=1e-6)
    assert alert.supervisor == squad["sue"]


def test_calls_outside_the_window_do_not_count_for_the_peer_rule(only, squad):
    only(Method.PEER, RuleSource.USE_OF_FORCE, 2, 365)
    for name in ("busy", "quiet", "avg1", "avg2"):
        calls(squad[name], 50, first=days_ago(400))  # all before the window
        force(squad[name], days_ago(10))
        force(squad[name], days_ago(11))
    force(squad["quiet"], days_ago(12))
    evaluate(AS_OF)
    assert not Alert.objects.exists()  # nobody handled a call in the window: not testable


def test_the_seeded_rules_are_the_documented_defaults(seeded):
    by_method = {(r.method, r.source): r for r in seeded.values()}
    assert (
        by_method["count", "use_of_force"].threshold,
        by_method["count", "use_of_force"].window_days,
    ) == (3, 90)
    assert (
        by_method["count", "complaint"].threshold,
        by_method["count", "complaint"].window_days,
    ) == (2, 180)
    peer = by_method["peer", "use_of_force"]
    assert (peer.threshold, peer.window_days, peer.alpha) == (2, 365, 0.05)


def test_only_active_officers_and_supervisors_are_peers(only, squad, west):
    """Two officers handled calls; a custodian and a departed officer of the unit with
    calls on record do not make the unit testable."""
    from evidentia.accounts.models import Role
    from tests.conftest import make_user

    only(Method.PEER, RuleSource.USE_OF_FORCE, 2, 365, alpha=0.05)
    clerk = make_user("clerk", Role.CUSTODIAN, west, badge="W-50")
    gone = make_user("gone", Role.OFFICER, west, badge="W-51")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    for person, n_calls, n_force in [
        (squad["busy"], 200, 6),
        (squad["quiet"], 50, 6),
        (clerk, 100, 0),
        (gone, 100, 0),
    ]:
        calls(person, n_calls)
        for i in range(n_force):
            force(person, days_ago(10 + i))
    evaluate(AS_OF)
    assert not Alert.objects.exists()
