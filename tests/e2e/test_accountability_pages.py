"""Every accountability page in Chromium, with realistic synthetic data behind it: the
staff pages as an administrator, a standards investigator and a supervisor, and the
public transparency and policy pages on a desktop and a phone. Each page must show a
real heading and no error; a screenshot of each is kept for a person to look at."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from evidentia.intervention.models import Alert
from evidentia.intervention.services.evaluate import evaluate
from evidentia.policies import demo as policies_demo
from evidentia.standards.models import Complaint
from evidentia.synthetic import accountability
from evidentia.transparency.services.refresh import refresh
from evidentia.useofforce.models import UseOfForceReport
from tests.conftest import doc_screenshot
from tests.conftest import screenshot as shot
from tests.e2e.test_workspace_flow import sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ERRORS = ("Server Error", "Traceback", "Page not found", "Not allowed", "Something went wrong")


@pytest.fixture
def world(north, south, adam):
    end = (timezone.now() - timedelta(days=1)).date()
    accountability.generate(
        end=end,
        days=120,
        officers=20,
        calls=2000,
        force_reports=60,
        complaints=30,
        community_reports=100,
        units=[north, south],
        say=lambda s: None,
    )
    # A transactional test before this one on the worker flushed the seeded rules.
    import_module("evidentia.intervention.migrations.0002_seed_rules").seed(apps, None)
    evaluate()
    refresh()
    policies_demo.seed({"admin": adam}, say=lambda s: None)


def visit(page, url: str, name: str, heading: str | None = None) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response.status}"
    h1 = page.locator("main h1").first
    text = h1.inner_text().strip()
    assert text, f"{url} has no heading"
    if heading:
        assert heading.lower() in text.lower(), f"{url}: heading {text!r}"
    body = page.locator("main").inner_text()
    for bad in ERRORS:
        assert bad not in body, f"{url} shows {bad!r}"
    shot(page, name)


def test_the_accountability_pages_render_for_each_role(
    live_server, browser, world, adam, stella, sam
):
    base = live_server.url
    complaint = Complaint.objects.order_by("-received_at").first()
    # In North, so Sam (North's supervisor) may open it too.
    force = UseOfForceReport.objects.filter(unit__code="north").exclude(status="draft").first()
    alert = Alert.objects.order_by("-created_at").first()
    assert complaint and force and alert, "the synthetic world should have all three"

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, base, adam)
    for url, name, heading in [
        ("/accountability/", "acc-01-hub", "Accountability"),
        ("/standards/", "acc-02-standards", None),
        (f"/standards/{complaint.pk}/", "acc-03-complaint", None),
        ("/force/", "acc-04-force", None),
        (f"/force/{force.pk}/", "acc-05-force-detail", None),
        ("/force/types/", "acc-06-force-types", None),
        ("/intervention/", "acc-07-intervention", None),
        (f"/intervention/{alert.pk}/", "acc-08-alert", None),
        ("/intervention/rules/", "acc-09-rules", None),
        ("/cad/compliance/", "acc-10-compliance", None),
        ("/cad/import/", "acc-11-cad-import", None),
        ("/cad/policies/", "acc-12-cad-policies", None),
        ("/policies/", "acc-13-policies", None),
        ("/policies/use-of-force/", "acc-14-policy", None),
        ("/policies/use-of-force/compare/", "acc-15-policy-diff", None),
        ("/policies/body-worn-cameras/", "acc-15b-policy-comments", None),
        ("/transparency/", "acc-16-transparency-staff", None),
    ]:
        visit(page, base + url, name, heading)
    for url, doc in [
        ("/standards/", "standards.png"),
        (f"/force/{force.pk}/", "force-review.png"),
        ("/cad/compliance/", "compliance.png"),
    ]:
        page.goto(base + url)
        doc_screenshot(page, doc)
    context.close()

    for user, pages in [
        (stella, ["/accountability/", "/standards/", f"/standards/{complaint.pk}/"]),
        (sam, ["/accountability/", "/force/", f"/force/{force.pk}/", "/intervention/"]),
    ]:
        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        sign_in(page, base, user)
        for n, url in enumerate(pages, start=1):
            visit(page, base + url, f"acc-{user.username}-{n:02d}")
        context.close()

    public = browser.new_context(viewport=DESKTOP)
    page = public.new_page()
    visit(page, base + "/public/transparency/", "acc-pub-01-transparency")
    visit(page, base + "/public/policies/", "acc-pub-02-policies")
    visit(page, base + "/public/policies/body-worn-cameras/", "acc-pub-03-policy")
    visit(page, base + "/public/policies/body-worn-cameras/compare/", "acc-pub-04-diff")
    public.close()

    phone_ctx = browser.new_context(viewport=PHONE, is_mobile=True, device_scale_factor=1)
    phone = phone_ctx.new_page()
    visit(phone, base + "/public/transparency/", "acc-phone-01-transparency")
    visit(phone, base + "/public/policies/body-worn-cameras/", "acc-phone-02-policy")
    phone_ctx.close()
