"""Adam the administrator shortens the Traffic rule on /retention/rules/ in Chromium: he
fills in the form with the keyboard-reachable controls, sees how many recordings become
due, confirms, and finds the change in the rule's history (from the ledger)."""

from __future__ import annotations

import importlib

from django.apps import apps

from evidentia.cases.models import Category
from evidentia.evidence.models import Item
from evidentia.retention.models import RetentionRule
from tests.conftest import screenshot as shot
from tests.e2e.test_workspace_flow import sign_in
from tests.evidence.helpers import ingest_bytes
from tests.retention.conftest import age


def seeded_rules() -> None:
    # The live server's transactional tests flush the rows the migration seeded.
    if not RetentionRule.objects.exists():
        importlib.import_module("evidentia.retention.migrations.0002_seed_rules").seed(apps, None)


def traffic_recording(officer, days_old: int, name: str) -> Item:
    item = ingest_bytes(name.encode() * 8, name=f"{name}.txt", officer=officer)
    Item.objects.filter(pk=item.pk).update(category=Category.objects.get(name="Traffic"))
    return age(item, days_old)


def test_an_administrator_shortens_a_rule_through_the_page(live_server, browser, adam, olivia):
    seeded_rules()
    traffic = Category.objects.get(name="Traffic")
    traffic_recording(olivia, 2 * 365, "stop-2024")
    traffic_recording(olivia, 30, "stop-recent")
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(page, base, adam)

    page.goto(base + "/retention/")
    page.get_by_role("link", name="Retention rules by category").click()
    page.wait_for_url("**/retention/rules/")
    assert page.locator("main h1").inner_text() == "Retention rules"
    shot(page, "retention-rules-01-table")

    page.get_by_role("link", name="Change the rule for Traffic").click()
    page.get_by_label("Number").fill("1")
    page.get_by_label("Unit").select_option("years")
    page.get_by_label("From when the item was recorded").check()
    page.get_by_label("Reason for this rule (required)").fill("State schedule GS-5 item 12 (2025)")
    shot(page, "retention-rules-02-form")
    page.get_by_role("button", name="Review and save").click()

    impact = page.locator("#impact")
    assert "1 item becomes due for review immediately" in " ".join(impact.inner_text().split())
    shot(page, "retention-rules-03-confirm")
    page.get_by_role("button", name="Save the new rule").click()
    page.wait_for_url("**/retention/rules/")
    assert "now 1 year (365 days)" in page.locator(".messages").inner_text()
    assert RetentionRule.objects.get(category=traffic).period_days == 365
    shot(page, "retention-rules-04-saved")

    page.goto(f"{base}/retention/rules/{traffic.pk}/")
    history = page.locator("section[aria-labelledby=h-history]")
    assert "1 year (365 days) from when recorded" in history.inner_text()
    assert "adam" in history.inner_text()
    shot(page, "retention-rules-05-history")
    context.close()
