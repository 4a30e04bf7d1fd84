"""Administrators edit the rules at /intervention/rules/; every change is in the ledger."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from evidentia.custody import events as ev
from evidentia.custody.models import Event
from evidentia.intervention.models import Alert, Rule
from tests.intervention.conftest import AS_OF, days_ago, force

pytestmark = pytest.mark.django_db


def form(rule: Rule, **changes) -> dict:
    data = {
        "name": rule.name,
        "source": rule.source,
        "method": rule.method,
        "threshold": rule.threshold,
        "window_days": rule.window_days,
        "alpha": rule.alpha,
        "active": "on" if rule.active else "",
        "fdr_correction": "on" if rule.fdr_correction else "",
    }
    return data | changes


def test_an_admin_sees_the_rules_in_plain_words(seeded, adam, as_user):
    page = as_user(adam).get("/intervention/rules/").content.decode()
    assert "An alert when an officer has 3 or more use-of-force reports in 90 days." in page


@pytest.mark.parametrize("who", ["stella", "sam", "olivia", "carmen", "audrey"])
def test_only_admins_reach_the_rules(seeded, who, request, as_user):
    assert as_user(request.getfixturevalue(who)).get("/intervention/rules/").status_code == 404


def test_an_admin_changes_a_threshold_and_the_ledger_says_so(seeded, adam, as_user):
    rule = Rule.objects.get(method="count", source="use_of_force")
    response = as_user(adam).post(f"/intervention/rules/{rule.pk}/", form(rule, threshold="4"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.threshold == 4 and rule.updated_by == adam
    detail = json.loads(Event.objects.get(kind=ev.EI_RULE_CHANGED).body)["detail"]
    assert detail["before"] == {"threshold": 3} and detail["after"] == {"threshold": 4}


def test_an_admin_adds_a_rule(seeded, adam, as_user):
    rule = Rule.objects.get(method="count", source="use_of_force")
    as_user(adam).post(
        "/intervention/rules/", form(rule, name="5 in 180 days", threshold="5", window_days="180")
    )
    assert Rule.objects.filter(name="5 in 180 days", threshold=5, window_days=180).exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"threshold": "0"},
        {"window_days": "many"},
        {"alpha": "1.5"},
        {"name": ""},
        {"method": "vibes"},
    ],
)
def test_bad_rule_input_gets_a_clear_answer_and_changes_nothing(seeded, adam, as_user, bad):
    rule = Rule.objects.get(method="count", source="use_of_force")
    response = as_user(adam).post(f"/intervention/rules/{rule.pk}/", form(rule, **bad))
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    rule.refresh_from_db()
    assert rule.threshold == 3 and rule.window_days == 90
    assert not Event.objects.filter(kind=ev.EI_RULE_CHANGED).exists()


def test_an_inactive_rule_raises_nothing(force_count, olivia):
    from evidentia.intervention.services.evaluate import evaluate

    Rule.objects.filter(pk=force_count.pk).update(active=False)
    for d in (1, 2, 3):
        force(olivia, days_ago(d))
    evaluate(AS_OF)
    assert not Alert.objects.exists()


def test_the_cli_evaluates_as_of_a_date(force_count, olivia):
    for d in (1, 2, 3):
        force(olivia, days_ago(d))
    out = io.StringIO()
    call_command("intervention", "evaluate", "--as-of", AS_OF.isoformat(), stdout=out)
    assert "1 alert(s) raised" in out.getvalue()
    assert Alert.objects.get().window_end == AS_OF


def test_the_cli_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="date like"):
        call_command("intervention", "evaluate", "--as-of", "yesterday")


def test_the_task_is_idempotent(force_count, olivia):
    from evidentia.intervention.tasks import evaluate as task

    for d in (1, 2, 3):
        force(olivia, days_ago(d))
    assert task.delay(AS_OF.isoformat()).get() == 1
    assert task.delay(AS_OF.isoformat()).get() == 0
    assert Alert.objects.count() == 1


def test_a_form_that_leaves_out_the_correction_box_keeps_the_correction(seeded, adam):
    from evidentia.intervention.services import save_rule

    rule = Rule.objects.get(method="peer")
    assert rule.fdr_correction
    data = form(rule, threshold="3")
    del data["fdr_correction"], data["active"]
    save_rule(adam, data, rule.pk)
    rule.refresh_from_db()
    assert rule.threshold == 3 and rule.fdr_correction and rule.active


def test_unticking_the_correction_on_the_page_turns_it_off(seeded, adam, as_user):
    rule = Rule.objects.get(method="peer")
    page = as_user(adam).get(f"/intervention/rules/{rule.pk}/").content.decode()
    assert 'name="checkboxes" value="fdr_correction active"' in page
    data = form(rule, checkboxes="fdr_correction active")
    del data["fdr_correction"]  # a browser sends nothing for an unticked box
    assert as_user(adam).post(f"/intervention/rules/{rule.pk}/", data).status_code == 302
    rule.refresh_from_db()
    assert not rule.fdr_correction and rule.active
