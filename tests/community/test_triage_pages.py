"""The queue and the report page, used through their forms: filters, counts, markers,
what staff see of a report, and each action's redirect or error next to its field."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from evidentia.cases import services as cases
from evidentia.community.models import Report, Status, Visibility
from evidentia.community.services import moderation, triage
from tests.community.conftest import file
from tests.community.staff import attach, filed_at, north_of

pytestmark = pytest.mark.django_db
SCRIPT = "<script>alert('x')</script>"


def queue(client, query: str = "") -> str:
    page = client.get(f"/community/{query}")
    assert page.status_code == 200
    return page.content.decode()


def report_page(client, report: Report) -> str:
    page = client.get(f"/community/reports/{report.pk}/")
    assert page.status_code == 200
    return page.content.decode()


# --------------------------------------------------------------------------- the queue


def test_the_queue_lists_reports_newest_first(sam, as_user):
    old, new = filed_at(hours_ago=3), filed_at()
    page = queue(as_user(sam))
    assert page.index(new.public_id) < page.index(old.public_id)


def test_the_queue_marks_anonymous_reports(filed, sam, as_user):
    assert "Anonymous" in queue(as_user(sam))


def test_the_queue_marks_a_possible_duplicate(sam, as_user):
    filed_at(hours_ago=2)
    filed_at(where=north_of(20))
    assert queue(as_user(sam)).count("Possible duplicate") == 2


def test_the_queue_filters_by_category(sam, as_user):
    noise, graffiti = file("noise").report, filed_at()
    page = queue(as_user(sam), "?category=" + str(noise.service_id))
    assert noise.public_id in page and graffiti.public_id not in page


def test_the_queue_filters_by_status(sam, as_user):
    done, waiting = filed_at(hours_ago=1), filed_at()
    triage.set_status(done, Status.RESOLVED, actor=sam)
    page = queue(as_user(sam), "?status=resolved")
    assert done.public_id in page and waiting.public_id not in page


def test_needs_attention_shows_only_received_reports(sam, as_user):
    done, waiting = filed_at(hours_ago=1), filed_at()
    triage.set_status(done, Status.IN_PROGRESS, actor=sam)
    page = queue(as_user(sam), "?attention=on")
    assert waiting.public_id in page and done.public_id not in page


def test_the_queue_filters_by_unit(sam, north, as_user):
    mine, other = filed_at(hours_ago=1), filed_at()
    triage.assign(mine, north, actor=sam)
    page = queue(as_user(sam), f"?unit={north.pk}")
    assert mine.public_id in page and other.public_id not in page


def test_the_queue_filters_by_date_range(sam, as_user):
    old, new = filed_at(hours_ago=24 * 10), filed_at()
    since = (timezone.now() - timedelta(days=2)).date().isoformat()
    page = queue(as_user(sam), f"?since={since}")
    assert new.public_id in page and old.public_id not in page


def test_a_bad_date_is_explained_next_to_the_field_and_ignored(filed, sam, as_user):
    page = queue(as_user(sam), "?since=yesterday")
    assert 'id="id_since-error"' in page and filed.report.public_id in page


def test_the_counts_are_per_status(sam, as_user):
    filed_at(hours_ago=1)
    triage.set_status(filed_at(), Status.RESOLVED, actor=sam)
    counts = {c["value"]: c["n"] for c in as_user(sam).get("/community/").context["counts"]}
    assert counts["received"] == 1 and counts["resolved"] == 1 and counts["closed"] == 0


def test_the_queue_is_paginated(sam, as_user):
    for _ in range(26):
        filed_at()
    client = as_user(sam)
    assert "Page 1 of 2" in queue(client) and "Page 2 of 2" in queue(client, "?page=2")


def test_an_empty_queue_says_where_reports_come_from(sam, as_user):
    assert "No community reports yet" in queue(as_user(sam))


def test_a_script_in_a_description_is_escaped_on_the_queue(sam, as_user):
    file(description=f"Tagging {SCRIPT}")
    page = queue(as_user(sam))
    assert SCRIPT not in page and "&lt;script&gt;" in page


# --------------------------------------------------------------------------- one report


def test_the_page_shows_the_exact_place_and_the_typed_address(sam, as_user):
    report = file(address="SW 6th Ave & Yamhill").report
    page = report_page(as_user(sam), report)
    assert 'data-lat="45.519000"' in page and 'data-lon="-122.679400"' in page
    assert "SW 6th Ave &amp; Yamhill" in page and "leaflet.js" in page


def test_an_anonymous_report_says_no_contact_details_were_given(filed, sam, as_user):
    assert "Anonymous:</strong> no contact details were given" in report_page(
        as_user(sam), filed.report
    )


def test_contact_details_are_shown_to_staff(sam, as_user):
    report = file(contact_name="Ada Lovelace", contact_email="ada@example.org").report
    page = report_page(as_user(sam), report)
    assert "Ada Lovelace" in page and "ada@example.org" in page


def test_the_page_shows_the_original_beside_the_public_text_and_its_history(filed, sam, as_user):
    moderation.edit_text(filed.report, "Tagging on a wall.", "Shorter", actor=sam)
    page = report_page(as_user(sam), filed.report)
    assert "Tagging on the wall by the bus stop." in page and "Tagging on a wall." in page
    assert "Moderation history (1)" in page and "Shorter" in page


def test_the_page_links_each_file_to_its_evidence_page(filed, sam, photo, as_user):
    media = attach(filed.report, photo)
    assert f"/evidence/{media.item_id}/" in report_page(as_user(sam), filed.report)


def test_the_timeline_labels_who_may_read_each_update(filed, ivan, as_user):
    triage.reply(filed.report, "Seen publicly", Visibility.PUBLIC, actor=ivan)
    triage.reply(filed.report, "Only for you", Visibility.REPORTER, actor=ivan)
    triage.reply(filed.report, "Staff only", Visibility.INTERNAL, actor=ivan)
    page = report_page(as_user(ivan), filed.report)
    for label in ("tag vis vis-public", "tag vis vis-reporter", "tag vis vis-internal"):
        assert label in page


def test_the_reply_form_defaults_to_private_to_the_resident(filed, sam, as_user):
    page = report_page(as_user(sam), filed.report)
    assert re.search(r'name="reply-visibility" value="reporter"[^>]* checked>', page)
    assert not re.search(r'name="reply-visibility" value="public"[^>]* checked>', page)


def test_a_script_in_a_reply_is_escaped_on_the_report_page(filed, ivan, as_user):
    triage.reply(filed.report, f"Noted {SCRIPT}", Visibility.INTERNAL, actor=ivan)
    page = report_page(as_user(ivan), filed.report)
    assert SCRIPT not in page and "&lt;script&gt;alert" in page


def test_the_merge_form_lists_suggested_duplicates(sam, as_user):
    first = filed_at(hours_ago=2)
    second = filed_at(where=north_of(30))
    page = report_page(as_user(sam), second)
    assert f'name="merge-original" value="{first.public_id}"' in page


def test_an_unknown_report_is_not_found(sam, as_user):
    assert as_user(sam).get(f"/community/reports/{uuid.uuid4()}/").status_code == 404


# --------------------------------------------------------------------------- the forms


def post(client, report: Report, action: str, data: dict):
    return client.post(f"/community/reports/{report.pk}/{action}", data)


def test_setting_a_status_redirects_back_with_a_message(filed, sam, as_user):
    client = as_user(sam)
    answer = post(client, filed.report, "status", {"status-status": "in_progress"})
    assert answer.status_code == 302 and answer["Location"].endswith("#act-status")
    assert "Status set to" in client.get(answer["Location"]).content.decode()


def test_a_reply_without_text_is_explained_next_to_the_field(filed, sam, as_user):
    answer = post(
        as_user(sam), filed.report, "reply", {"reply-text": "", "reply-visibility": "reporter"}
    )
    assert answer.status_code == 422
    assert 'id="id_reply-text-error"' in answer.content.decode()


def test_a_public_reply_on_a_private_report_is_explained_next_to_the_choice(sam, as_user):
    report = file("drug-activity").report
    data = {"reply-text": "Thanks", "reply-visibility": "public"}
    answer = post(as_user(sam), report, "reply", data)
    assert answer.status_code == 400
    assert 'id="id_reply-visibility-error"' in answer.content.decode()


def test_merging_into_an_unknown_report_is_explained_next_to_the_field(filed, sam, as_user):
    answer = post(as_user(sam), filed.report, "merge", {"merge-original": "NOSUCHID"})
    assert answer.status_code == 400
    assert "no report NOSUCHID that you can see" in answer.content.decode()


def test_a_moderation_without_a_reason_is_explained_next_to_the_field(filed, sam, as_user):
    data = {"moderate-text": "Tagging.", "moderate-reason": ""}
    answer = post(as_user(sam), filed.report, "moderate", data)
    assert answer.status_code == 422 and 'id="id_moderate-reason-error"' in answer.content.decode()


def test_hiding_through_the_form_redirects_with_a_message(filed, sam, as_user):
    data = {"listed-listed": "0", "listed-reason": "Names a neighbour"}
    answer = post(as_user(sam), filed.report, "listed", data)
    assert answer.status_code == 302
    assert not Report.objects.get(pk=filed.report.pk).public


def test_opening_a_case_through_the_form_links_it(filed, ivan, as_user):
    data = {"case-number": "2026-CR-9", "case-title": "Graffiti"}
    assert post(as_user(ivan), filed.report, "case", data).status_code == 302
    assert Report.objects.get(pk=filed.report.pk).case.number == "2026-CR-9"


def test_a_taken_case_number_is_shown_on_the_form(filed, ivan, as_user):
    cases.create_case(number="2026-CR-9", title="Other", actor=ivan)
    data = {"case-number": "2026-CR-9", "case-title": "Graffiti"}
    answer = post(as_user(ivan), filed.report, "case", data)
    assert answer.status_code == 409 and "already exists" in answer.content.decode()


def test_an_action_url_answers_405_to_a_get(filed, sam, as_user):
    assert as_user(sam).get(f"/community/reports/{filed.report.pk}/status").status_code == 405
