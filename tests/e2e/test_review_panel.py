"""A supervisor reviews an officer's recording in the browser: comment, training clip,
feedback thread; the officer sees the thread and replies."""

from __future__ import annotations

import pytest

from evidentia.evidence.models import Comment, FeedbackMessage, TrainingMarker
from evidentia.evidence.services.ingest import Submission, ingest_path
from evidentia.evidence.services.processing import process
from tests.conftest import screenshot
from tests.e2e.test_workspace_flow import sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def recording(olivia, clip_path):
    item = ingest_path(
        clip_path, Submission(clip_path.name, "cli", officer=olivia), actor=olivia
    ).item
    process(item)
    return item


def open_item(page, base, item):
    page.goto(f"{base}/evidence/{item.pk}/")
    page.wait_for_function("document.querySelector('[data-player] video')?.readyState >= 1")


def test_a_supervisor_comments_marks_training_and_starts_feedback(
    live_server, page, browser, recording, sam, olivia
):
    base = live_server.url
    sign_in(page, base, sam)
    open_item(page, base, recording)
    page.locator("[data-player] video").evaluate("v => { v.currentTime = 1.0; }")
    page.fill("#rv-comment", "Good distance kept here")
    page.click("[data-comment-form] button[type=submit]")
    page.locator("[data-comments] li", has_text="Good distance kept here").wait_for()
    assert page.locator("[data-marks] .comment-mark").count() == 1

    page.click("[data-act=mark-in]")
    page.locator("[data-player] video").evaluate("v => { v.currentTime = 2.5; }")
    page.wait_for_function("document.querySelector('[data-player] video')?.currentTime > 2.4")
    page.click("[data-act=mark-out]")
    page.fill("#rv-training", "De-escalation example")
    page.click("[data-training-form] button[type=submit]")
    page.locator("[data-training] li", has_text="De-escalation example").wait_for()

    page.fill("#rv-subject", "Traffic stop review")
    page.fill("[data-thread-form] textarea", "Well handled; let's talk about the approach.")
    page.click("[data-thread-form] button[type=submit]")
    page.locator("[data-threads] h4", has_text="Traffic stop review").wait_for()
    screenshot(page, "07-review-supervisor")

    assert Comment.objects.get().at_seconds == pytest.approx(1.0, abs=0.2)
    marker = TrainingMarker.objects.get()
    assert marker.start_seconds == pytest.approx(1.0, abs=0.2) and marker.end_seconds > 2.4

    officer = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    sign_in(officer, base, olivia)
    open_item(officer, base, recording)
    thread = officer.locator("[data-threads] .thread", has_text="Traffic stop review")
    thread.wait_for()
    thread.locator("textarea").fill("Thanks, I will.")
    thread.locator("button[type=submit]").click()
    officer.locator("[data-threads] li", has_text="Thanks, I will.").wait_for()
    assert FeedbackMessage.objects.count() == 2
