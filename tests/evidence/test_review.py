"""Review for training: bookmarks, comments, feedback threads and training clips."""

from __future__ import annotations

import json

import pytest

from evidentia.accounts.models import Role
from evidentia.cases import services as cases
from evidentia.core.errors import NotFound, PermissionDenied, Rejected
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.services import review
from tests.conftest import make_user
from tests.evidence.helpers import ingest_bytes


@pytest.fixture
def olivias_clip(olivia):
    item = ingest_bytes(b"olivia review clip", "stop.mp4", officer=olivia)
    item.duration_seconds = 60.0
    item.save(update_fields=["duration_seconds"])
    return item


@pytest.fixture
def sue(north):
    """Sue is another North supervisor."""
    return make_user("sue", Role.SUPERVISOR, north)


@pytest.fixture
def steve(south):
    """Steve supervises South precinct."""
    return make_user("steve", Role.SUPERVISOR, south)


@pytest.fixture
def thread(sam, olivias_clip):
    return review.open_thread(sam, olivias_clip.pk, "Traffic stop", "Good stance at 0:12.", 12.0)


def body(kind: str) -> dict:
    return json.loads(Event.objects.filter(kind=kind).latest("seq").body)


def api(client, method, path, data=None):
    if data is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, data, content_type="application/json")


# Bookmarks and comments


def test_an_officer_bookmarks_her_own_recording(olivia, olivias_clip):
    mark = review.add_bookmark(olivia, olivias_clip.pk, 12.5, "Driver reaches")
    assert (mark.at_seconds, mark.label, mark.author) == (12.5, "Driver reaches", olivia)
    assert body(events.BOOKMARK_ADDED)["detail"]["at_seconds"] == 12.5


def test_a_bookmark_past_the_end_is_refused(olivia, olivias_clip):
    with pytest.raises(Rejected, match="past the end"):
        review.add_bookmark(olivia, olivias_clip.pk, 600, "Later")


def test_a_negative_time_is_refused(olivia, olivias_clip):
    with pytest.raises(Rejected):
        review.add_comment(olivia, olivias_clip.pk, "Hm", -1)


def test_an_auditor_reads_bookmarks_but_cannot_add_one(audrey, olivia, olivias_clip):
    review.add_bookmark(olivia, olivias_clip.pk, 1, "Start")
    assert [b.label for b in review.bookmarks(audrey, olivias_clip.pk)] == ["Start"]
    with pytest.raises(PermissionDenied):
        review.add_bookmark(audrey, olivias_clip.pk, 2, "Mine")


def test_someone_who_cannot_see_the_item_gets_a_404(oscar, olivias_clip):
    with pytest.raises(NotFound):
        review.add_comment(oscar, olivias_clip.pk, "Hello")


def test_a_comment_may_be_about_the_whole_item(sam, olivias_clip):
    comment = review.add_comment(sam, olivias_clip.pk, "Clear audio throughout.")
    assert comment.at_seconds is None
    assert "Clear audio" not in json.dumps(body(events.COMMENT_ADDED))


def test_the_bookmark_api_uses_the_players_shape(olivia, olivias_clip, as_user):
    client = as_user(olivia)
    path = f"/api/v1/review/items/{olivias_clip.pk}/bookmarks"
    created = api(client, "post", path, {"at_seconds": 3.5, "label": "Siren"})
    assert created.status_code == 201
    listed = api(client, "get", path).json()
    assert set(listed[0]) == {"id", "at_seconds", "label", "author", "created_at"}
    assert listed[0]["at_seconds"] == 3.5 and listed[0]["author"] == "Olivia"


def test_the_comment_api_uses_the_players_shape(olivia, olivias_clip, as_user):
    client = as_user(olivia)
    path = f"/api/v1/review/items/{olivias_clip.pk}/comments"
    assert api(client, "post", path, {"text": "Wind noise", "at_seconds": 4}).status_code == 201
    listed = api(client, "get", path).json()
    assert set(listed[0]) == {"id", "at_seconds", "text", "author", "created_at"}


def test_a_session_post_needs_the_csrf_token(olivia, olivias_clip, as_user):
    client = as_user(olivia)
    client.handler.enforce_csrf_checks = True
    path = f"/api/v1/review/items/{olivias_clip.pk}/bookmarks"
    assert api(client, "post", path, {"at_seconds": 1, "label": "x"}).status_code == 403


def test_an_empty_label_is_a_clear_422(olivia, olivias_clip, as_user):
    path = f"/api/v1/review/items/{olivias_clip.pk}/bookmarks"
    response = api(as_user(olivia), "post", path, {"at_seconds": 1, "label": " "})
    assert response.status_code == 422 and "needs some text" in response.json()["detail"]


# Feedback threads


def test_a_supervisor_opens_feedback_with_the_recording_officer(thread, olivia, sam):
    assert (thread.officer, thread.opened_by) == (olivia, sam)
    assert thread.messages.get().at_seconds == 12.0
    assert body(events.FEEDBACK_OPENED)["detail"]["officer"] == "olivia"


def test_a_supervisor_of_another_unit_cannot_open_feedback(steve, olivias_clip):
    case = cases.create_case(number="X-1", title="x", actor=steve)
    cases.link_item(case, olivias_clip, actor="test")  # so Steve can see the item
    with pytest.raises(PermissionDenied):
        review.open_thread(steve, olivias_clip.pk, "Hi", "Hello")


def test_an_officer_cannot_open_feedback(olivia, olivias_clip):
    with pytest.raises(PermissionDenied):
        review.open_thread(olivia, olivias_clip.pk, "Self", "Review")


def test_the_officer_replies_to_her_supervisor(thread, olivia, olivias_clip):
    message = review.reply(olivia, olivias_clip.pk, thread.pk, "Thanks, noted.")
    assert message.author == olivia
    assert body(events.FEEDBACK_REPLIED)["detail"]["thread"] == thread.pk


def test_another_supervisor_of_the_unit_reads_and_replies(thread, sue, olivias_clip):
    assert [t.pk for t in review.threads(sue, olivias_clip.pk)] == [thread.pk]
    review.reply(sue, olivias_clip.pk, thread.pk, "Agree with Sam.")


@pytest.mark.parametrize("persona", ["carmen", "audrey", "adam"])
def test_people_outside_the_thread_do_not_see_it(request, thread, olivias_clip, persona):
    user = request.getfixturevalue(persona)
    assert list(review.threads(user, olivias_clip.pk)) == []
    with pytest.raises(NotFound):
        review.reply(user, olivias_clip.pk, thread.pk, "Let me in")


def test_a_thread_vanishes_when_its_item_goes_into_a_restricted_case(
    thread, sam, stella, olivias_clip
):
    ia = cases.create_case(number="IA-1", title="IA", actor=stella, restricted=True)
    cases.link_item(ia, olivias_clip, actor=stella)
    with pytest.raises(NotFound):
        review.thread(sam, olivias_clip.pk, thread.pk)


def test_the_feedback_api_lists_threads_with_messages(thread, olivia, olivias_clip, as_user):
    client = as_user(olivia)
    base = f"/api/v1/review/items/{olivias_clip.pk}/feedback"
    reply = api(client, "post", f"{base}/{thread.pk}/messages", {"text": "Will do."})
    assert reply.status_code == 201
    listed = api(client, "get", base).json()
    assert [m["text"] for m in listed[0]["messages"]] == ["Good stance at 0:12.", "Will do."]


def test_the_feedback_api_answers_404_to_outsiders(thread, carmen, olivias_clip, as_user):
    path = f"/api/v1/review/items/{olivias_clip.pk}/feedback/{thread.pk}"
    assert api(as_user(carmen), "get", path).status_code == 404


def test_a_supervisor_opens_feedback_through_the_api(sam, olivias_clip, as_user):
    path = f"/api/v1/review/items/{olivias_clip.pk}/feedback"
    response = api(as_user(sam), "post", path, {"subject": "Stop", "text": "Good job"})
    assert response.status_code == 201 and response.json()["officer"] == "Olivia"


# Training-clip markers


def test_a_supervisor_marks_a_training_clip(sam, olivias_clip, as_user):
    path = f"/api/v1/review/items/{olivias_clip.pk}/training"
    response = api(
        as_user(sam), "post", path, {"start_seconds": 5, "end_seconds": 20, "note": "De-escalation"}
    )
    assert response.status_code == 201
    assert body(events.TRAINING_MARKED)["detail"]["end_seconds"] == 20
    assert api(as_user(sam), "get", path).json()[0]["note"] == "De-escalation"


def test_a_training_clip_must_end_after_it_starts(sam, olivias_clip):
    with pytest.raises(Rejected):
        review.mark_training(sam, olivias_clip.pk, 20, 5)


def test_an_officer_cannot_mark_a_training_clip(olivia, olivias_clip):
    with pytest.raises(PermissionDenied):
        review.mark_training(olivia, olivias_clip.pk, 1, 2)
