"""The rules page counts with set-based queries (services/coverage.py); they must agree
with the per-item schedule the queue uses, on either clock, and never count what the
reader may not see. `set_rule` keeps working for the command line, and refuses a stale
version itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from evidentia.cases.models import CaseItem
from evidentia.cases.services.case import create_case, set_status
from evidentia.core.errors import Conflict, Rejected
from evidentia.evidence.models import Item
from evidentia.retention import services
from evidentia.retention.services import coverage, schedule
from evidentia.retention.services.rules import version
from tests.evidence.helpers import ingest_bytes
from tests.retention.conftest import age, category


def item_in(name: str, officer, days_old: int, cat: str = "Felony") -> Item:
    item = ingest_bytes(name.encode() * 4, name=f"{name}.txt", officer=officer)
    Item.objects.filter(pk=item.pk).update(category=category(cat))
    return age(item, days_old)


def link(case, item, by) -> None:
    CaseItem.objects.create(case=case, item=item, added_by=by)


@pytest.fixture
def closure_world(rules, olivia, ivan):
    """Felony at 30 days from closure; items alone, in a closed case, in an open one, and
    in one closed and one open case."""
    services.set_rule(category("Felony"), actor="test", period_days=30, clock="closure")
    closed = create_case(number="C-1", title="Closed", actor=ivan)
    still_open = create_case(number="C-2", title="Open", actor=ivan)
    items = {
        "alone-old": item_in("alone-old", olivia, 40),
        "alone-new": item_in("alone-new", olivia, 10),
        "closed": item_in("closed", olivia, 100),
        "open": item_in("open", olivia, 100),
        "both": item_in("both", olivia, 100),
    }
    link(closed, items["closed"], ivan)
    link(still_open, items["open"], ivan)
    link(closed, items["both"], ivan)
    link(still_open, items["both"], ivan)
    set_status(closed, "closed", actor=ivan)
    return items


def by_schedule(when) -> set:
    felony = Item.objects.filter(category=category("Felony"), disposed_at__isnull=True)
    return {i.pk for i in felony if schedule.position(i).is_due(when)}


def by_query(when) -> set:
    rows = coverage.due_now(Item.objects.all(), category("Felony"), when)
    return set(rows.values_list("pk", flat=True))


def test_closure_counts_agree_with_the_schedule_today(closure_world):
    now = timezone.now()
    assert by_query(now) == by_schedule(now) == {closure_world["alone-old"].pk}


def test_closure_counts_agree_with_the_schedule_after_the_closure_period(closure_world):
    later = timezone.now() + timedelta(days=31)
    expected = {closure_world[k].pk for k in ("alone-old", "alone-new", "closed")}
    assert by_query(later) == by_schedule(later) == expected


def test_recorded_clock_counts_agree_with_the_schedule(rules, olivia):
    for days in (10, 179, 181, 400):
        item_in(f"note-{days}", olivia, days, "Non-evidentiary")
    now = timezone.now()
    cat = category("Non-evidentiary")
    rows = Item.objects.filter(category=cat)
    expected = {i.pk for i in rows if schedule.position(i).is_due(now)}
    assert (
        set(coverage.due_now(Item.objects.all(), cat, now).values_list("pk", flat=True)) == expected
    )
    assert len(expected) == 2


def test_an_item_with_no_recorded_time_counts_from_its_upload(rules, olivia):
    item = item_in("no-time", olivia, 0, "Non-evidentiary")
    Item.objects.filter(pk=item.pk).update(
        recorded_at=None, ingested_at=timezone.now() - timedelta(days=200)
    )
    assert coverage.due_now(Item.objects.all(), category("Non-evidentiary")).count() == 1


def test_the_category_setting_counts_when_there_is_no_rule(db, olivia):
    from evidentia.cases.models import Category

    cat = Category.objects.create(name="Bodycam misc", retention_days=30)
    item = ingest_bytes(b"misc" * 5, name="misc.txt", officer=olivia)
    Item.objects.filter(pk=item.pk).update(category=cat)
    age(item, 31)
    assert coverage.due_now(Item.objects.all(), cat).count() == 1


def test_restricted_items_are_not_counted_for_a_custodian(rules, olivia, stella, carmen, as_user):
    hidden = item_in("hidden", olivia, 4 * 365, "Traffic")
    case = create_case(number="IA-1", title="Standards", actor=stella, restricted=True)
    link(case, hidden, stella)
    page = as_user(carmen).get("/retention/rules/").content.decode()
    row = page.split(f'data-category="{category("Traffic").pk}"')[1].split("</tr>")[0]
    assert '<td class="num">0</td>' in row


def test_set_rule_refuses_a_stale_version(rules):
    traffic = category("Traffic")
    stale = version(rules["Traffic"])
    services.set_rule(traffic, actor="cli:records", period_days=500)
    with pytest.raises(Conflict):
        services.set_rule(traffic, actor="cli:x", period_days=600, expected_version=stale)


def test_set_rule_without_a_version_still_works_for_the_command_line(rules):
    rule = services.set_rule(category("Traffic"), actor="cli:records", period_days=500)
    assert rule.period_days == 500


def test_set_rule_refuses_more_than_a_hundred_years(rules):
    with pytest.raises(Rejected, match="100 years"):
        services.set_rule(category("Traffic"), actor="cli:records", period_days=36501)
