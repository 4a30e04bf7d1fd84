"""The case pages and the item panel, used through the browser's forms."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from evidentia.cases import services as cases
from evidentia.cases.models import Case, CaseItem, ItemTag, Note
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.models import Item


def test_the_list_shows_the_cases_a_detective_belongs_to(ivan, ivans_case, as_user):
    page = as_user(ivan).get("/cases/")
    assert page.status_code == 200
    assert b"2026-0042" in page.content and b"CAD-7781" in page.content


def test_the_list_filters_by_status(ivan, ivans_case, as_user):
    page = as_user(ivan).get("/cases/?status=closed")
    assert b"2026-0042" not in page.content
    assert b"No cases you can see have this status" in page.content


def test_an_empty_list_tells_an_officer_how_cases_reach_her(olivia, as_user):
    assert b"You see a case once someone adds you to it" in as_user(olivia).get("/cases/").content


def test_the_list_counts_only_evidence_the_viewer_can_see(
    carmen, ivan, stella, olivias_clip, ivans_case, as_user
):
    cases.link_item(ivans_case, olivias_clip, actor=ivan)
    restricted = cases.create_case(number="IA-1", title="IA", actor=stella, restricted=True)
    cases.link_item(restricted, olivias_clip, actor=stella)
    page = as_user(carmen).get("/cases/").content.decode()
    row = page[page.index("2026-0042") :]
    assert "0 items" in row[: row.index("</tr>")]


def test_a_detective_opens_a_case_through_the_form(ivan, olivia, as_user):
    response = as_user(ivan).post(
        "/cases/new/",
        {"number": "2026-9", "incident_number": "CAD-9", "title": "Theft", "members": [olivia.pk]},
    )
    case = Case.objects.get(number="2026-9")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert set(case.members.values_list("username", flat=True)) == {"ivan", "olivia"}


def test_the_form_reports_a_taken_number(ivan, ivans_case, as_user):
    response = as_user(ivan).post("/cases/new/", {"number": "2026-0042", "title": "Again"})
    assert response.status_code == 409
    assert b"already exists" in response.content


def test_the_form_reports_missing_fields(ivan, as_user):
    response = as_user(ivan).post("/cases/new/", {"number": ""})
    assert response.status_code == 422 and b"This field is required" in response.content


def test_an_officer_is_refused_the_create_form(olivia, as_user):
    assert as_user(olivia).get("/cases/new/").status_code == 403


def test_the_detail_page_shows_evidence_members_and_notes(ivan, olivias_clip, ivans_case, as_user):
    cases.link_item(ivans_case, olivias_clip, actor=ivan)
    cases.add_case_note(ivans_case, "Canvass done.", actor=ivan)
    page = as_user(ivan).get(f"/cases/{ivans_case.pk}/").content
    assert f"/evidence/{olivias_clip.pk}/".encode() in page
    assert b"Canvass done." in page and b"Ivan" in page


def test_the_detail_page_escapes_what_people_typed(ivan, as_user):
    case = cases.create_case(number="2026-x", title="<b>bold</b>", actor=ivan)
    cases.add_case_note(case, "<script>alert(1)</script>", actor=ivan)
    page = as_user(ivan).get(f"/cases/{case.pk}/").content
    assert b"<script>alert" not in page and b"<b>bold</b>" not in page


def test_linking_from_the_picker_adds_the_evidence(carmen, olivias_clip, ivans_case, as_user):
    client = as_user(carmen)
    picker = client.get(f"/cases/{ivans_case.pk}/?find=harbor").content
    assert olivias_clip.title.encode() in picker
    response = client.post(f"/cases/{ivans_case.pk}/items/link", {"item": olivias_clip.pk})
    assert response.status_code == 302
    assert CaseItem.objects.filter(case=ivans_case, item=olivias_clip).exists()


def test_linking_evidence_the_user_cannot_see_answers_404(ivan, oscars_clip, ivans_case, as_user):
    response = as_user(ivan).post(f"/cases/{ivans_case.pk}/items/link", {"item": oscars_clip.pk})
    assert response.status_code == 404
    assert not CaseItem.objects.exists()


def test_unlinking_from_the_page_keeps_the_evidence(ivan, olivias_clip, ivans_case, as_user):
    cases.link_item(ivans_case, olivias_clip, actor=ivan)
    response = as_user(ivan).post(f"/cases/{ivans_case.pk}/items/unlink", {"item": olivias_clip.pk})
    assert response.status_code == 302
    assert not CaseItem.objects.exists()
    assert Item.objects.filter(pk=olivias_clip.pk).exists()


def test_a_refused_change_shows_the_reason_with_its_status(olivia, ivan, ivans_case, as_user):
    cases.add_member(ivans_case, olivia, actor=ivan)
    response = as_user(olivia).post(f"/cases/{ivans_case.pk}/status", {"status": "closed"})
    assert response.status_code == 403
    assert b"Your role may not manage cases" in response.content


def test_the_status_form_changes_the_status(ivan, ivans_case, as_user):
    as_user(ivan).post(f"/cases/{ivans_case.pk}/status", {"status": "closed"})
    ivans_case.refresh_from_db()
    assert ivans_case.status == "closed"


def test_members_are_added_and_removed_through_the_page(ivan, olivia, ivans_case, as_user):
    client = as_user(ivan)
    client.post(f"/cases/{ivans_case.pk}/members/add", {"user": olivia.pk})
    assert ivans_case.members.filter(pk=olivia.pk).exists()
    client.post(f"/cases/{ivans_case.pk}/members/remove", {"user": olivia.pk})
    assert not ivans_case.members.filter(pk=olivia.pk).exists()


def test_the_details_form_saves_changes(ivan, ivans_case, as_user):
    as_user(ivan).post(
        f"/cases/{ivans_case.pk}/details",
        {"number": "2026-0042", "incident_number": "CAD-1", "title": "New", "description": "d"},
    )
    ivans_case.refresh_from_db()
    assert (ivans_case.title, ivans_case.incident_number) == ("New", "CAD-1")


def test_a_case_note_is_added_from_the_page(ivan, ivans_case, as_user):
    as_user(ivan).post(f"/cases/{ivans_case.pk}/notes", {"text": "Called the DA."})
    assert Note.objects.get(case=ivans_case).text == "Called the DA."


def test_a_get_cannot_change_a_case(ivan, ivans_case, as_user):
    assert as_user(ivan).get(f"/cases/{ivans_case.pk}/status").status_code == 405


# The item panel


def render_panel(user, item) -> str:
    request = RequestFactory().get(f"/evidence/{item.pk}/")
    request.user = user
    template = Template("{% load cases_tags %}{% item_panel item %}")
    return template.render(Context({"request": request, "item": item}))


def test_the_panel_shows_tags_notes_and_cases(ivan, olivia, olivias_clip, ivans_case):
    cases.link_item(ivans_case, olivias_clip, actor=ivan)
    cases.add_tag(olivia, olivias_clip.pk, "dui")
    cases.add_item_note(olivia, olivias_clip.pk, "Driver refused the test.")
    html = render_panel(olivia, olivias_clip)
    assert "dui" in html and "Driver refused the test." in html and "2026-0042" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_the_panel_has_no_forms_for_an_auditor(audrey, olivias_clip):
    html = render_panel(audrey, olivias_clip)
    assert "Tags, notes and cases" in html and "<form" not in html


def test_the_panel_shows_nothing_to_someone_who_cannot_see_the_item(oscar, olivias_clip):
    assert render_panel(oscar, olivias_clip).strip() == ""


def test_the_include_form_of_the_panel_renders_too(olivia, olivias_clip):
    request = RequestFactory().get("/")
    request.user = olivia
    html = Template('{% include "cases/_item_panel.html" with item=item %}').render(
        Context({"request": request, "item": olivias_clip})
    )
    assert "Add tag" in html


def test_tagging_from_the_panel_returns_to_the_item(olivia, olivias_clip, as_user):
    response = as_user(olivia).post(f"/cases/items/{olivias_clip.pk}/tags/add", {"tag": "DUI"})
    assert response["Location"] == f"/evidence/{olivias_clip.pk}/"
    assert ItemTag.objects.get().tag.name == "dui"


def test_the_panel_will_not_redirect_off_site(olivia, olivias_clip, as_user):
    response = as_user(olivia).post(
        f"/cases/items/{olivias_clip.pk}/tags/add", {"tag": "x", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/evidence/{olivias_clip.pk}/"


def test_untagging_and_noting_from_the_panel(olivia, olivias_clip, as_user):
    client = as_user(olivia)
    client.post(f"/cases/items/{olivias_clip.pk}/tags/add", {"tag": "dui"})
    client.post(f"/cases/items/{olivias_clip.pk}/tags/remove", {"tag": "dui"})
    client.post(f"/cases/items/{olivias_clip.pk}/notes", {"text": "Checked."})
    assert not ItemTag.objects.exists() and Note.objects.get().text == "Checked."


def test_a_member_adds_an_item_to_a_case_from_the_panel(
    ivan, olivia, olivias_clip, ivans_case, as_user
):
    cases.add_member(ivans_case, olivia, actor=ivan)
    as_user(olivia).post(f"/cases/items/{olivias_clip.pk}/cases", {"case": "2026-0042"})
    assert Event.objects.filter(kind=events.CASE_ITEM_LINKED, item_id=olivias_clip.pk).exists()


def test_the_panel_fragment_is_served_alone(olivia, olivias_clip, as_user):
    page = as_user(olivia).get(f"/cases/items/{olivias_clip.pk}/panel")
    assert page.status_code == 200 and b"<html" not in page.content


@pytest.mark.parametrize("persona", ["oscar", "petra"])
def test_panel_posts_for_an_invisible_item_answer_404(request, olivias_clip, as_user, persona):
    user = request.getfixturevalue(persona)
    response = as_user(user).post(f"/cases/items/{olivias_clip.pk}/tags/add", {"tag": "x"})
    assert response.status_code == 404
