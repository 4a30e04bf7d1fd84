"""The retention rules page: custodians, administrators and auditors read it; only Adam
the administrator changes a rule, through `set_rule`, with a reason, a confirmation
when a shorter period makes evidence due, and a refusal when the form is stale."""

from __future__ import annotations

import json

import pytest

from evidentia.cases.models import Category
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.models import Item
from evidentia.retention import services
from evidentia.retention.models import Disposition, RetentionRule
from evidentia.retention.services.rules import version
from tests.evidence.helpers import ingest_bytes
from tests.retention.conftest import age, category

READERS = ["carmen", "audrey", "adam"]
OTHERS = ["olivia", "oscar", "sam", "ivan", "stella", "petra"]


def traffic() -> Category:
    return category("Traffic")


def url(cat: Category) -> str:
    return f"/retention/rules/{cat.pk}/"


def form(cat: Category, **changes) -> dict:
    """A valid change of the category's rule: 4 years from recording, with a reason."""
    data = {
        "kind": "period",
        "amount": "4",
        "unit": "years",
        "clock": "recorded",
        "note": "State schedule GS-5 item 12",
        "version": version(RetentionRule.objects.filter(category=cat).first()),
    }
    data.update(changes)
    return data


def policy_events() -> int:
    return Event.objects.filter(kind=events.RETENTION_POLICY_CHANGED).count()


def traffic_item(olivia, days_old: int, name: str) -> Item:
    item = ingest_bytes(name.encode() * 3, name=f"{name}.txt", officer=olivia)
    Item.objects.filter(pk=item.pk).update(category=traffic())
    return age(item, days_old)


# Who may look, and who may change.


@pytest.mark.parametrize("who", READERS)
def test_custodians_administrators_and_auditors_read_the_rules(rules, who, request, as_user):
    page = as_user(request.getfixturevalue(who)).get("/retention/rules/")
    assert page.status_code == 200
    assert "Traffic" in page.content.decode()


@pytest.mark.parametrize("who", READERS)
def test_readers_open_a_categorys_page(rules, who, request, as_user):
    assert as_user(request.getfixturevalue(who)).get(url(traffic())).status_code == 200


@pytest.mark.parametrize("who", OTHERS)
def test_everyone_else_gets_the_same_refusal_as_the_queue(rules, who, request, as_user):
    client = as_user(request.getfixturevalue(who))
    queue = client.get("/retention/")
    for path in ("/retention/rules/", url(traffic())):
        page = client.get(path)
        assert page.status_code == queue.status_code == 403
        assert "Retention is open to custodians" in page.content.decode()


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(rules, client):
    assert client.get("/retention/rules/").status_code == client.get("/retention/").status_code
    assert client.get("/retention/rules/").status_code == 302


@pytest.mark.parametrize("who", ["carmen", "audrey"])
def test_readers_who_are_not_administrators_see_no_form(rules, who, request, as_user):
    page = as_user(request.getfixturevalue(who)).get(url(traffic())).content.decode()
    assert "Change the rule" not in page
    assert 'name="note"' not in page


@pytest.mark.parametrize("who", ["carmen", "audrey", *OTHERS])
def test_only_an_administrator_may_change_a_rule(rules, who, request, as_user):
    response = as_user(request.getfixturevalue(who)).post(url(traffic()), form(traffic()))
    assert response.status_code == 403
    assert RetentionRule.objects.get(category=traffic()).period_days == 3 * 365
    assert policy_events() == 0


def test_an_administrator_sees_the_form(rules, adam, as_user):
    page = as_user(adam).get(url(traffic())).content.decode()
    assert "Change the rule" in page
    assert 'for="f-note"' in page


# Saving, the ledger and the history.


def test_an_administrator_lengthens_a_rule_without_a_confirmation(rules, adam, as_user):
    response = as_user(adam).post(url(traffic()), form(traffic()))
    assert response.status_code == 302
    rule = RetentionRule.objects.get(category=traffic())
    assert (rule.period_days, rule.note, rule.updated_by) == (
        4 * 365,
        "State schedule GS-5 item 12",
        adam,
    )


def test_a_change_writes_one_ledger_event_with_from_to_and_who(rules, adam, as_user):
    as_user(adam).post(url(traffic()), form(traffic()))
    event = Event.objects.get(kind=events.RETENTION_POLICY_CHANGED)
    body = json.loads(event.body)
    assert event.actor == "adam"
    assert body["detail"] == {
        "category": "Traffic",
        "category_id": traffic().pk,
        "from": "1095 days from recorded time",
        "to": "1460 days from recorded time",
        "note": "State schedule GS-5 item 12",
    }


def test_the_history_lists_the_change_from_the_ledger(rules, adam, audrey, as_user):
    as_user(adam).post(url(traffic()), form(traffic()))
    page = as_user(audrey).get(url(traffic())).content.decode()
    assert "3 years (1,095 days) from when recorded" in page
    assert "4 years (1,460 days) from when recorded" in page
    assert "State schedule GS-5 item 12" in page


def test_the_history_of_one_category_leaves_out_the_others(rules, adam, as_user):
    as_user(adam).post(url(traffic()), form(traffic()))
    page = as_user(adam).get(url(category("Felony"))).content.decode()
    assert "State schedule GS-5 item 12" not in page


def test_a_rule_set_from_the_command_line_shows_in_the_history(rules, audrey, as_user):
    services.set_rule(traffic(), actor="cli:records", period_days=400)
    page = as_user(audrey).get(url(traffic())).content.decode()
    assert "command line (cli:records)" in page


def test_a_category_can_be_made_permanent(rules, adam, as_user):
    response = as_user(adam).post(url(traffic()), form(traffic(), kind="permanent", amount=""))
    assert response.status_code == 302
    assert RetentionRule.objects.get(category=traffic()).permanent


def test_a_category_without_a_rule_says_so_and_gets_its_first(rules, adam, as_user):
    new = Category.objects.create(name="Drone footage")
    assert (
        "No rule — kept until a rule is set"
        in as_user(adam).get("/retention/rules/").content.decode()
    )
    response = as_user(adam).post(url(new), form(new, confirmed="1"))
    assert response.status_code == 302
    assert RetentionRule.objects.get(category=new).period_days == 4 * 365


# Shortening: the confirmation step with a computed count.


def test_shortening_asks_for_confirmation_with_the_count_of_newly_due_items(
    rules, olivia, adam, as_user
):
    traffic_item(olivia, 2 * 365, "two-years")  # due under 1 year, not under 3
    traffic_item(olivia, 4 * 365, "four-years")  # due already
    traffic_item(olivia, 100, "recent")  # due under neither
    response = as_user(adam).post(url(traffic()), form(traffic(), amount="1"))
    assert response.status_code == 200
    assert "1 item</strong> becomes due for review immediately" in response.content.decode()
    assert RetentionRule.objects.get(category=traffic()).period_days == 3 * 365
    assert policy_events() == 0


def test_confirming_saves_the_shorter_rule(rules, olivia, adam, as_user):
    traffic_item(olivia, 2 * 365, "two-years")
    response = as_user(adam).post(url(traffic()), form(traffic(), amount="1", confirmed="1"))
    assert response.status_code == 302
    assert RetentionRule.objects.get(category=traffic()).period_days == 365
    assert policy_events() == 1


def test_a_shorter_rule_deletes_nothing_and_opens_no_disposition(rules, olivia, adam, as_user):
    item = traffic_item(olivia, 2 * 365, "two-years")
    as_user(adam).post(url(traffic()), form(traffic(), amount="1", confirmed="1"))
    item.refresh_from_db()
    assert item.disposed_at is None
    assert not Disposition.objects.exists()


def test_the_newly_due_item_then_waits_in_the_queue(rules, olivia, adam, carmen, as_user):
    item = traffic_item(olivia, 2 * 365, "two-years")
    as_user(adam).post(url(traffic()), form(traffic(), amount="1", confirmed="1"))
    assert f'data-due="{item.pk}"' in as_user(carmen).get("/retention/").content.decode()


def test_the_rules_table_counts_items_and_those_due(rules, olivia, carmen, as_user):
    traffic_item(olivia, 4 * 365, "old")
    traffic_item(olivia, 10, "new")
    page = as_user(carmen).get("/retention/rules/").content.decode()
    row = page.split(f'data-category="{traffic().pk}"')[1].split("</tr>")[0]
    assert '<td class="num">2</td>' in row
    assert ">1</a></td>" in row


# Bad input: a clear message, the form again, nothing saved.


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "0"}, "at least 1 day"),
        ({"amount": "-5"}, "at least 1 day"),
        ({"amount": "ten"}, "whole number"),
        ({"amount": ""}, "Enter how long"),
        ({"amount": "101"}, "longer than 100 years"),
        ({"amount": "36501", "unit": "days"}, "longer than 100 years"),
        ({"amount": "9" * 40}, "longer than 100 years"),
        ({"unit": "fortnights"}, "days, months or years"),
        ({"clock": "sunset"}, "what the period counts from"),
        ({"kind": "forever"}, "for a period or permanently"),
        ({"note": "   "}, "Give the reason"),
        ({"note": "x" * 501}, "500 characters"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(
    rules, adam, as_user, changes, message
):
    response = as_user(adam).post(url(traffic()), form(traffic(), **changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'name="note"' in page
    assert RetentionRule.objects.get(category=traffic()).period_days == 3 * 365
    assert policy_events() == 0


def test_the_reshown_form_keeps_what_was_typed(rules, adam, as_user):
    page = as_user(adam).post(url(traffic()), form(traffic(), amount="ten")).content.decode()
    assert 'value="ten"' in page
    assert "State schedule GS-5 item 12</textarea>" in page


@pytest.mark.parametrize("ident", ["999999", "abc"])
def test_a_category_that_does_not_exist_is_a_clear_404(rules, adam, as_user, ident):
    response = as_user(adam).post(f"/retention/rules/{ident}/", form(traffic()))
    assert response.status_code == 404
    assert "no such evidence category" in response.content.decode()
    assert policy_events() == 0


def test_a_stale_form_is_refused_when_someone_changed_the_rule_meanwhile(rules, adam, as_user):
    stale = form(traffic())
    services.set_rule(traffic(), actor="cli:records", period_days=2000, note="Changed meanwhile")
    response = as_user(adam).post(url(traffic()), stale)
    assert response.status_code == 409
    assert "Someone else changed this rule meanwhile" in response.content.decode()
    assert RetentionRule.objects.get(category=traffic()).period_days == 2000


def test_the_conflict_form_carries_the_current_version(rules, adam, as_user):
    stale = form(traffic())
    rule = services.set_rule(traffic(), actor="cli:records", period_days=2000)
    page = as_user(adam).post(url(traffic()), stale).content.decode()
    assert f'name="version" value="{version(rule)}"' in page


def test_a_confirmed_but_stale_shortening_is_refused(rules, adam, as_user):
    stale = form(traffic(), amount="1", confirmed="1")
    services.set_rule(traffic(), actor="cli:records", period_days=2000)
    assert as_user(adam).post(url(traffic()), stale).status_code == 409
    assert RetentionRule.objects.get(category=traffic()).period_days == 2000


def test_a_form_without_a_version_does_not_overwrite_a_rule(rules, adam, as_user):
    response = as_user(adam).post(url(traffic()), form(traffic(), version=""))
    assert response.status_code == 409


# What people typed is text, never markup.


def test_a_category_name_with_html_in_it_is_escaped(rules, adam, as_user):
    bad = Category.objects.create(name="<script>alert(1)</script>")
    client = as_user(adam)
    for path in ("/retention/rules/", url(bad)):
        page = client.get(path).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_reason_with_html_in_it_is_escaped_in_the_history(rules, adam, as_user):
    as_user(adam).post(url(traffic()), form(traffic(), note="<img src=x onerror=alert(1)>"))
    page = as_user(adam).get(url(traffic())).content.decode()
    assert "<img src=x" not in page


def test_the_rules_page_has_an_empty_state(db, carmen, as_user):
    RetentionRule.objects.all().delete()
    Category.objects.all().delete()
    page = as_user(carmen).get("/retention/rules/").content.decode()
    assert "There are no evidence categories yet" in page


def test_the_queue_links_to_the_rules_page(rules, carmen, as_user):
    assert 'href="/retention/rules/"' in as_user(carmen).get("/retention/").content.decode()


def test_the_admins_rule_list_links_to_the_rules_page(rules, adam, as_user):
    page = as_user(adam).get("/admin/retention/retentionrule/")
    assert page.status_code == 200
    assert 'href="/retention/rules/"' in page.content.decode()
